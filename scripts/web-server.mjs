#!/usr/bin/env node
/**
 * The web server `npm start` runs: Next.js behind a plain node:http server
 * that tells the app which address the connection came from. Route handlers
 * do not see the socket, and Next.js keeps a client's own X-Forwarded-For, so
 * this server writes the socket's address into `x-ironledger-peer`, prefixed
 * with a random token made at start (IRONLEDGER_PEER_TOKEN, in this process
 * only); a client cannot forge it. See server/auth/client-address.ts.
 *   node scripts/web-server.mjs PORT HOST
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.argv[2] || process.env.PORT || 3000);
const host = process.argv[3] || process.env.IRONLEDGER_HOST || "0.0.0.0";
const token = randomBytes(18).toString("base64url");
process.env.IRONLEDGER_PEER_TOKEN = token;

const app = next({ dev: false, dir: root, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => {
  req.headers["x-ironledger-peer"] = `${token} ${req.socket.remoteAddress ?? ""}`;
  void handle(req, res);
});
server.listen(port, host, () => console.log(`[web] listening on http://${host}:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
