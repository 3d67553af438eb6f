/**
 * How the agent talks HTTP(S) to the server: a small function type so tests
 * can plug an in-process handler, and a node:http(s) implementation that can
 * trust a private CA (`--ca FILE`), which the global fetch cannot do without
 * an extra dependency.
 */
import http from "node:http";
import https from "node:https";

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** An error before any HTTP status was received (refused, reset, DNS, TLS, timeout). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address): traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return Number(v4[1]) === 127 && v4.slice(2).every((x) => Number(x) <= 255);
  const mapped = /^::ffff:7f([0-9a-f]{2}):([0-9a-f]{1,4})$/.exec(h); // URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1
  return mapped !== null;
}

/**
 * The server URL the agent may talk to. The server hands the agent BMC
 * passwords, so plain http:// is refused unless it stays on this machine
 * (loopback) or the operator said `allowInsecureHttp` (--insecure-http); the
 * returned warning must then be printed at every start.
 */
export function checkServerUrl(server: string, allowInsecureHttp = false): { url: URL; warning: string | null } {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new InsecureServerError(`--server must be a URL such as https://ironledger.example, got "${server}"`);
  }
  if (url.protocol === "https:") return { url, warning: null };
  if (url.protocol !== "http:") throw new InsecureServerError(`--server must be an https:// URL, got "${server}"`);
  if (isLoopbackHost(url.hostname)) return { url, warning: null };
  if (!allowInsecureHttp)
    throw new InsecureServerError(
      `--server ${url.origin} is plain http:// to another machine: the server sends BMC passwords to the agent, so they would cross the network in clear text; ` +
        `use https:// (with --ca FILE for a private CA), or pass --insecure-http to accept the risk`,
    );
  return {
    url,
    warning: `WARNING: talking to ${url.origin} over plain http:// (--insecure-http): BMC passwords and the agent token cross the network in clear text; use https://`,
  };
}

/** A server URL the agent refuses (plain http:// off loopback without --insecure-http). */
export class InsecureServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InsecureServerError";
  }
}

export function nodeTransport(opts: { ca?: string; allowInsecureHttp?: boolean } = {}): Transport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4, ...(opts.ca ? { ca: opts.ca } : {}) });
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = checkServerUrl(req.url, opts.allowInsecureHttp).url;
      } catch (e) {
        reject(new TransportError((e as Error).message, e));
        return;
      }
      const isHttps = url.protocol === "https:";
      const mod = isHttps ? https : http;
      const body = req.body === undefined ? undefined : Buffer.from(req.body, "utf8");
      const headers: Record<string, string> = { ...req.headers };
      if (body) headers["content-length"] = String(body.length);
      const r = mod.request(
        url,
        { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent, timeout: req.timeoutMs, signal: req.signal },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              res.destroy(new Error("response too large"));
              return;
            }
            chunks.push(c);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (e) => reject(new TransportError(e.message, e)));
        },
      );
      r.on("timeout", () => r.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
      r.on("error", (e) => reject(new TransportError(e.message, e)));
      r.end(body);
    });
}

/** A transport that calls a web-standard handler in-process (tests, or an embedded server). */
export function handlerTransport(handler: (req: Request) => Promise<Response>): Transport {
  return async (req) => {
    const res = await handler(
      new Request(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
      }),
    );
    return { status: res.status, body: await res.text() };
  };
}
