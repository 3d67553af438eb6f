#!/usr/bin/env node
/**
 * The web server `npm start` runs: Next.js behind a plain node:http server
 * that tells the app which address the connection came from. Route handlers
 * do not see the socket, and Next.js keeps a client's own X-Forwarded-For, so
 * this server writes the socket's address into `x-ironledger-peer`, prefixed
 * with a random token made at start (IRONLEDGER_PEER_TOKEN, in this process
 * only); a client cannot forge it. See server/auth/client-address.ts.
 *
 * The HTTP APIs (/api/v1, /api/agent/v1, /api/trpc) are answered here, before
 * Next.js, by server/api-dispatch.ts, which calls the same handlers as the
 * route files in app/api (loaded through tsx, a runtime dependency): one route
 * table, one set of guards, Next.js's routing left out (docs/performance.md).
 * IRONLEDGER_API_DISPATCH=next sends them through Next.js as before (for
 * comparison; the benchmark uses it).
 *   node scripts/web-server.mjs PORT HOST
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";
import { tsImport } from "tsx/esm/api";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.argv[2] || process.env.PORT || 3000);
const host = process.argv[3] || process.env.IRONLEDGER_HOST || "0.0.0.0";
const token = randomBytes(18).toString("base64url");
process.env.IRONLEDGER_PEER_TOKEN = token;

const app = next({ dev: false, dir: root, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
// after prepare(): Next.js has loaded the .env files into process.env by now
const viaNext = process.env.IRONLEDGER_API_DISPATCH === "next";
const { dispatchApi, runtimeDeps } = await tsImport("../server/api-entry.ts", import.meta.url);
const server = http.createServer((req, res) => {
  req.headers["x-ironledger-peer"] = `${token} ${req.socket.remoteAddress ?? ""}`;
  if (!viaNext && dispatchApi(req, res, runtimeDeps)) return;
  void handle(req, res);
});
server.listen(port, host, () => console.log(`[web] listening on http://${host}:${port}`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // long polls and live-update streams do not end by themselves: give them a moment, then close them
  setTimeout(() => server.closeAllConnections(), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
