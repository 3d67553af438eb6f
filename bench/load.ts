/**
 * A small closed-loop HTTP load generator for the benchmarks: `concurrency`
 * clients on keep-alive connections (node:http Agent), each sending its next
 * request as soon as the last one is answered, for `durationMs` after a
 * warm-up. Latency is measured per request, from write to the last byte.
 */
import http from "node:http";

export interface TLoadRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface TLoadResult {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** answers whose status `ok` refused, by status */
  errors: Record<string, number>;
}

export interface TLoadOptions {
  port: number;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  /** the next request of client `client` (0..concurrency-1) */
  next(client: number): TLoadRequest;
  /** called with each answer; return false to count it as an error */
  ok?(status: number, body: string, client: number, req: TLoadRequest): boolean;
}

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2);
}

function send(agent: http.Agent, port: number, r: TLoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
    if (r.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(r.body);
    }
    const req = http.request({ host: "127.0.0.1", port, method: r.method, path: r.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(r.body);
  });
}

export async function runLoad(o: TLoadOptions): Promise<TLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const lat: number[] = [];
  const errors: Record<string, number> = {};
  const warmEnd = Date.now() + (o.warmupMs ?? 1000);
  const end = warmEnd + o.durationMs;
  let measuredStart = 0;
  let measuredEnd = 0;
  const client = async (c: number) => {
    for (;;) {
      const now = Date.now();
      if (now >= end) return;
      const r = o.next(c);
      const t0 = process.hrtime.bigint();
      let status = 0;
      let body = "";
      try {
        ({ status, body } = await send(agent, o.port, r));
      } catch (e) {
        status = -1;
        body = String(e);
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const good = status > 0 && (o.ok ? o.ok(status, body, c, r) : status < 400);
      if (Date.now() < warmEnd || t0 === 0n) continue;
      if (!measuredStart) measuredStart = Number(t0 / 1_000_000n);
      measuredEnd = Date.now();
      lat.push(ms);
      if (!good) errors[String(status)] = (errors[String(status)] ?? 0) + 1;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: o.concurrency }, (_, c) => client(c)));
  agent.destroy();
  const wall = Math.max(1, (measuredEnd || Date.now()) - Math.max(warmEnd, t0));
  lat.sort((a, b) => a - b);
  return { requests: lat.length, rps: +((lat.length * 1000) / wall).toFixed(1), p50_ms: pct(lat, 50), p95_ms: pct(lat, 95), p99_ms: pct(lat, 99), errors };
}
