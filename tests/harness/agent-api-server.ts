/**
 * A real HTTP server on 127.0.0.1 that speaks the agent API
 * (server/contracts/agent.ts), for agent tests.
 *
 * It wraps any web-standard `(Request) => Promise<Response>` handler in
 * node:http, so the real route handlers of app/api/agent/v1 can be plugged in
 * later; by default it serves an in-memory implementation that stores each
 * idempotency key once and records the duplicates it was sent.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  ZObservationBatch,

  type TAgentWork,
  type TObservation,
  type TObservationAck,
} from "../../server/contracts/agent";

export type WebHandler = (req: Request) => Promise<Response>;

export interface MemoryAgentApiStore {
  /** stored observations, in the order the server first received them */
  observations: TObservation[];
  byKey: Map<string, TObservation>;
  /** keys received again after they were stored */
  duplicates: string[];
  batches: number;
  workRequests: number;
  unauthorized: number;
}

export interface MemoryAgentApi {
  handler: WebHandler;
  store: MemoryAgentApiStore;
  /** replace the work handed to agents */
  setWork(work: TAgentWork): void;
}

export function createMemoryAgentApi(opts: { token?: string; work?: TAgentWork } = {}): MemoryAgentApi {
  const token = opts.token ?? "test-agent-token";
  let work: TAgentWork = opts.work ?? { agentId: "agent-test", siteId: null, pollIntervalSec: 60, targets: [] };
  const store: MemoryAgentApiStore = {
    observations: [],
    byKey: new Map(),
    duplicates: [],
    batches: 0,
    workRequests: 0,
    unauthorized: 0,
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  const handler: WebHandler = async (req) => {
    const { pathname } = new URL(req.url);
    if (req.headers.get("authorization") !== `Bearer ${token}`) {
      store.unauthorized++;
      return json(401, { error: "unauthorized" });
    }
    if (req.method === "GET" && pathname === "/api/agent/v1/work") {
      store.workRequests++;
      return json(200, work);
    }
    if (req.method === "POST" && pathname === "/api/agent/v1/observations") {
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        return json(400, { error: "body is not JSON" });
      }
      const parsed = ZObservationBatch.safeParse(body);
      if (!parsed.success) return json(400, { error: "invalid batch", issues: parsed.error.issues.slice(0, 5) });
      store.batches++;
      let accepted = 0;
      let duplicates = 0;
      for (const o of parsed.data.observations) {
        if (store.byKey.has(o.idempotencyKey)) {
          duplicates++;
          store.duplicates.push(o.idempotencyKey);
        } else {
          accepted++;
          store.byKey.set(o.idempotencyKey, o);
          store.observations.push(o);
        }
      }
      const ack: TObservationAck = { accepted, duplicates, stored: parsed.data.observations.map((o) => o.idempotencyKey) };
      return json(200, ack);
    }
    return json(404, { error: `no route ${req.method} ${pathname}` });
  };
  return { handler, store, setWork: (w) => void (work = w) };
}

/** The request body as a web stream, with backpressure; once the handler cancels it, the rest is read and dropped. */
function streamBody(req: http.IncomingMessage): ReadableStream<Uint8Array> {
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

export interface AgentApiServer {
  url: string;
  port: number;
  handler: WebHandler;
  /** the in-memory API when no handler was given */
  memory: MemoryAgentApi | null;
  stop(): Promise<void>;
}

/**
 * Start the server on 127.0.0.1. Pass `port` to come back on the port of a
 * stopped server (restart), and the same `handler` to keep its state.
 */
export async function startAgentApiServer(
  opts: { handler?: WebHandler; port?: number; token?: string; work?: TAgentWork; tls?: { key: string; cert: string } } = {},
): Promise<AgentApiServer> {
  const memory = opts.handler ? null : createMemoryAgentApi({ token: opts.token, work: opts.work });
  const handler = opts.handler ?? (memory as MemoryAgentApi).handler;

  const listener: http.RequestListener = (req, res) => {
    void (async () => {
      // like Next.js: the request's signal aborts when the client goes away (ends long polls)
      const gone = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) gone.abort();
      });
      try {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          else if (v !== undefined) headers.set(k, v);
        }
        const hasBody = req.method !== "GET" && req.method !== "HEAD";
        const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
          method: req.method,
          headers,
          signal: gone.signal,
          // streamed as it arrives, as Next.js hands it to route handlers (body limits count while reading)
          ...(hasBody ? { body: streamBody(req), duplex: "half" } : {}),
        } as RequestInit);
        const response = await handler(request);
        const outHeaders: Record<string, string> = {};
        response.headers.forEach((v, k) => (outHeaders[k] = v));
        // answered before the body ended (e.g. 413): the rest is dropped, so the connection is not reused
        if (hasBody && !req.complete) outHeaders.connection = "close";
        res.writeHead(response.status, outHeaders);
        // streamed as it comes, like Next.js (server-sent events)
        const reader = response.body?.getReader();
        for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) if (!res.destroyed) res.write(r.value);
        res.end();
      } catch (err) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      }
    })();
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    handler,
    memory,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A target nobody answers on: a port on 127.0.0.1 that was free a moment ago. */
export async function closedLocalPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}


/**
 * A private CA and a server certificate it signed for 127.0.0.1 (made with the
 * machine's openssl), for testing `ironledger agent --ca FILE`.
 */
export function generatePrivateCa(): { caCert: string; key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-api-ca-"));
  const p = (f: string) => path.join(dir, f);
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(["req", "-x509", ...ec, "-days", "2", "-subj", "/CN=IronLedger test CA", "-keyout", p("ca.key"), "-out", p("ca.pem"),
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    run(["req", "-new", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", p("srv.key"), "-out", p("srv.csr")]);
    fs.writeFileSync(p("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    run(["x509", "-req", "-in", p("srv.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "2",
      "-extfile", p("ext.cnf"), "-out", p("srv.pem")]);
    return { caCert: fs.readFileSync(p("ca.pem"), "utf8"), key: fs.readFileSync(p("srv.key"), "utf8"), cert: fs.readFileSync(p("srv.pem"), "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
