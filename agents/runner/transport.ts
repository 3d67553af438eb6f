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

export function nodeTransport(opts: { ca?: string } = {}): Transport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4, ...(opts.ca ? { ca: opts.ca } : {}) });
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(req.url);
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
