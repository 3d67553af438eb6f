/**
 * What scripts/web-server.mjs loads (through tsx) to serve the APIs in front of
 * Next.js: the dispatcher and this process's composition root, as ONE module
 * graph (two separate tsx imports would load two copies of the server code).
 */
export { dispatchApi } from "./api-dispatch";
export { runtimeDeps } from "./runtime";
