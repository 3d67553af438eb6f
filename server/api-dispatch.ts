/**
 * The HTTP APIs served straight from node:http, in front of Next.js
 * (scripts/web-server.mjs, which `npm start` runs). Next.js routes every
 * request through its router, the proxy (proxy.ts) and its route-handler
 * wrapper; for the APIs that is most of the time a request takes
 * (docs/performance.md). This module calls the SAME handlers the Next.js
 * route files in app/api call (handleRest, handleAgentApi, handleTrpc): one
 * route table, one set of role guards, zod schemas, body limits, CSRF check
 * and error mapping; only the transport differs. The Next.js route files stay
 * for `next dev` and a bare `next start`.
 *
 * What Next.js does for these paths and this module therefore does too:
 * - the security headers of proxy.ts (server/security-headers.ts) on every answer;
 * - only the methods the route files export; anything else (HEAD, OPTIONS,
 *   trailing slashes, empty segments) is left to Next.js, so its answers stay
 *   exactly as they were;
 * - the request's abort signal fires when the client goes away (long polls,
 *   live-update streams).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TDeps } from "./context";
import { AGENT_API_PREFIX, handleAgentApi } from "./agent-api/http";
import { API_PREFIX, handleRest } from "./rest/http";
import { randomFillSync } from "node:crypto";
import { jsonText } from "./http";
import { securityHeaders } from "./security-headers";
import { handleTrpc, TRPC_ENDPOINT } from "./trpc-handler";

type THandler = (req: Request, deps: TDeps) => Promise<Response>;

interface TMount {
  /** the path (without query) this mount serves, exactly as its Next.js route file would match it */
  pattern: RegExp;
  /** the methods the Next.js route file exports */
  methods: ReadonlySet<string>;
  handler: THandler;
}

const SEGMENT = "[^/?#]+";
/** app/api/v1/[...path], app/api/agent/v1/[...path], app/api/trpc/[trpc]: the same methods as those files export */
export const API_MOUNTS: readonly TMount[] = [
  { pattern: new RegExp(`^${API_PREFIX}(?:/${SEGMENT})+$`), methods: new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]), handler: handleRest },
  { pattern: new RegExp(`^${AGENT_API_PREFIX}(?:/${SEGMENT})+$`), methods: new Set(["GET", "POST"]), handler: handleAgentApi },
  { pattern: new RegExp(`^${TRPC_ENDPOINT}/${SEGMENT}$`), methods: new Set(["GET", "POST"]), handler: (req, deps) => handleTrpc(req, deps) },
];

/** The mount that serves this request, or undefined (Next.js serves it). */
export function apiMount(method: string | undefined, url: string | undefined): TMount | undefined {
  if (!url || !method || !url.startsWith("/api/")) return undefined;
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const m of API_MOUNTS) if (m.methods.has(method) && m.pattern.test(pathname)) return m;
  return undefined;
}

function requestOrigin(req: IncomingMessage): string {
  const host = req.headers.host;
  // a Host that is not a plain host[:port] still gets an answer (the handlers read the Host header themselves)
  return host && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? `http://${host}` : "http://localhost";
}

/**
 * The request body as a web stream, with backpressure. When the handler stops
 * reading (a body over its limit: 413), the rest is read and dropped rather
 * than the connection reset, so the client gets the answer.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (d: Buffer) => {
        if (done) return;
        controller.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on("end", () => {
        if (!done) controller.close();
        done = true;
      });
      req.on("error", (e) => {
        if (!done) controller.error(e);
        done = true;
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      done = true;
      req.resume();
    },
  });
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    // pseudo-headers (HTTP/2) and the peer header are not copied as sent; the peer header is set by web-server.mjs below
    if (k.startsWith(":")) continue;
    try {
      headers.append(k, raw[i + 1]!);
    } catch {
      /* a header value fetch's Headers refuses (it never reaches a handler through Next.js either) */
    }
  }
  const peer = req.headers["x-ironledger-peer"];
  if (typeof peer === "string") headers.set("x-ironledger-peer", peer);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`${requestOrigin(req)}${req.url}`, {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: bodyStream(req), duplex: "half" } : {}),
  } as RequestInit);
}

const NONCE_MARK = "\u0000nonce\u0000";
const headerSets = new Map<boolean, [string, string][]>();
/** proxy.ts's security headers, built once per scheme; the CSP nonce is filled in per answer */
function apiSecurityHeaders(https: boolean): [string, string][] {
  let h = headerSets.get(https);
  if (!h) headerSets.set(https, (h = Object.entries(securityHeaders({ nonce: NONCE_MARK, https, dev: false })).map(([k, v]) => [k.toLowerCase(), v])));
  return h;
}

/** A fresh CSP nonce (16 random bytes, base64, as security-headers.ts's newNonce), from a pool filled 256 nonces at a time. */
const noncePool = Buffer.alloc(16 * 256);
let nonceAt = noncePool.length;
function nonce(): string {
  if (nonceAt >= noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  nonceAt += 16;
  return noncePool.toString("base64", nonceAt - 16, nonceAt);
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response, https: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") headers[k] = v;
  });
  // answered before the body ended (a 413): the rest is dropped, and the connection not reused
  if (req.method !== "GET" && req.method !== "HEAD" && !req.complete) {
    headers.connection = "close";
    req.resume();
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  // proxy.ts puts these on every response Next.js sends, the APIs' included
  for (const [k, v] of apiSecurityHeaders(https)) headers[k] = k === "content-security-policy" ? v.replace(NONCE_MARK, nonce()) : v;
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = jsonText(response);
  if (text !== undefined) {
    // a string body goes out in one write with the head (a Buffer would be a second one)
    headers["content-length"] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers);
    res.end(text);
    return;
  }
  const streaming = (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
  if (!streaming) {
    const body = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(body.byteLength);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise<void>((r) => res.once("drain", () => r()).once("close", () => r()));
    if (res.destroyed) break;
  }
  res.end();
}

/**
 * Serves `req` when it is one of the APIs (returns true), else returns false
 * and the caller hands it to Next.js. `getDeps` is the process's composition
 * root (server/runtime.ts runtimeDeps).
 */
export function dispatchApi(req: IncomingMessage, res: ServerResponse, getDeps: () => Promise<TDeps>): boolean {
  const mount = apiMount(req.method, req.url);
  if (!mount) return false;
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const https = req.headers["x-forwarded-proto"] === "https";
  void (async () => {
    try {
      const response = await mount.handler(toRequest(req, abort.signal), await getDeps());
      await writeResponse(req, res, response, https);
    } catch (e) {
      // the handlers map their own errors; this is a transport fault (the client went away mid-body, a bad URL)
      if (!res.headersSent && !res.destroyed) {
        console.error("API dispatch failed", req.method, (req.url ?? "").split("?")[0], e instanceof Error ? e.name : typeof e);
        res.writeHead(500, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
        res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on the server. Try again; if it keeps happening, tell an administrator." } }));
      } else res.destroy();
    }
  })();
  return true;
}
