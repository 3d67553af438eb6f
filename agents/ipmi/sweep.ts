/**
 * Sweep the sensors of many BMCs at once over one shared UDP socket:
 * bounded concurrency, per-BMC deadline, retry with exponential backoff on
 * timeouts. A BMC that hangs, lies or dies only costs its own slot for at
 * most its deadline; it never stalls the sweep.
 */
import { readAllSensors, type SensorValue } from "./commands";
import { IpmiError, IpmiTimeoutError, toIpmiError } from "./errors";
import { withIpmiSession } from "./probe";
import type { PrivilegeName } from "./session";
import { IpmiTransport } from "./transport";

export interface SweepTarget {
  /** caller's identifier (asset id, hostname); defaults to host:port */
  id?: string;
  host: string;
  port?: number;
  username: string;
  password: string;
  /** reading sensors needs only user privilege, which also saves a round trip (default "user") */
  privilege?: PrivilegeName;
  allowCipherZero?: boolean;
  kg?: string;
}

export interface SweepProgress {
  total: number;
  done: number;
  ok: number;
  failed: number;
  inFlight: number;
}

export type SweepResult =
  | { id: string; target: SweepTarget; ok: true; sensors: SensorValue[]; durationMs: number; attempts: number }
  | { id: string; target: SweepTarget; ok: false; error: IpmiError; durationMs: number; attempts: number };

export interface SweepOptions {
  /** BMCs in flight at once (default 64) */
  concurrency?: number;
  /** per packet attempt (default 1000 ms) */
  timeoutMs?: number;
  /** packet retransmissions (default 2) */
  retries?: number;
  /** hard limit for one BMC attempt (default: 4 x timeoutMs x (retries+1), at least 3 s) */
  deadlineMs?: number;
  /** whole-BMC attempts on timeout/network errors (default 1 = no retry) */
  attempts?: number;
  /** first backoff before retrying a BMC (doubles each time, default 250 ms) */
  backoffMs?: number;
  onProgress?: (p: SweepProgress) => void;
  onResult?: (r: SweepResult) => void;
  signal?: AbortSignal;
  transport?: IpmiTransport;
}

async function sweepOne(t: SweepTarget, opts: SweepOptions): Promise<SweepResult> {
  const id = t.id ?? `${t.host}:${t.port ?? 623}`;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const retries = opts.retries ?? 2;
  const deadlineMs = opts.deadlineMs ?? Math.max(3000, 4 * timeoutMs * (retries + 1));
  const attempts = Math.max(1, opts.attempts ?? 1);
  let backoff = opts.backoffMs ?? 250;
  const t0 = performance.now();
  let lastErr: IpmiError | null = null;
  for (let a = 1; a <= attempts; a++) {
    if (opts.signal?.aborted) break;
    try {
      const sensors = await withIpmiSession(
        { host: t.host, port: t.port, username: t.username, password: t.password, kg: t.kg, allowCipherZero: t.allowCipherZero, timeoutMs, retries, deadlineMs, transport: opts.transport, waitForClose: false },
        (s) => readAllSensors(s),
        t.privilege ?? "user",
      );
      return { id, target: t, ok: true, sensors, durationMs: performance.now() - t0, attempts: a };
    } catch (e) {
      lastErr = toIpmiError(e, id);
      if (lastErr.code !== "timeout" && lastErr.code !== "network") break;
      if (a < attempts) {
        await new Promise((r) => setTimeout(r, backoff * (0.75 + Math.random() * 0.5)));
        backoff *= 2;
      }
    }
  }
  return { id, target: t, ok: false, error: lastErr ?? new IpmiTimeoutError("sweep aborted", { target: id }), durationMs: performance.now() - t0, attempts };
}

/** Sweep all targets; resolves with one result per target, in input order. */
export async function sweepSensors(targets: SweepTarget[], opts: SweepOptions = {}): Promise<SweepResult[]> {
  const results: SweepResult[] = new Array(targets.length);
  for await (const { index, result } of sweepSensorsIter(targets, opts)) results[index] = result;
  return results;
}

/** Same as sweepSensors, yielding results as they complete. */
export async function* sweepSensorsIter(targets: SweepTarget[], opts: SweepOptions = {}): AsyncGenerator<{ index: number; result: SweepResult }> {
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 64, targets.length || 1));
  const progress: SweepProgress = { total: targets.length, done: 0, ok: 0, failed: 0, inFlight: 0 };
  const ready: { index: number; result: SweepResult }[] = [];
  let wake: (() => void) | null = null;
  let next = 0;
  let lastReport = 0;
  const report = (force = false) => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (force || now - lastReport > 100) {
      lastReport = now;
      opts.onProgress({ ...progress });
    }
  };
  const worker = async () => {
    while (next < targets.length && !opts.signal?.aborted) {
      const index = next++;
      progress.inFlight++;
      const result = await sweepOne(targets[index], opts);
      progress.inFlight--;
      progress.done++;
      if (result.ok) progress.ok++;
      else progress.failed++;
      opts.onResult?.(result);
      report(progress.done === progress.total);
      ready.push({ index, result });
      wake?.();
    }
  };
  let running = concurrency;
  const workers = Array.from({ length: concurrency }, () =>
    worker().finally(() => {
      running--;
      wake?.();
    }),
  );
  while (running > 0 || ready.length > 0) {
    if (ready.length === 0) await new Promise<void>((r) => (wake = r));
    wake = null;
    while (ready.length > 0) yield ready.shift()!;
  }
  await Promise.all(workers);
  // aborted: every target not started still gets a result
  for (let index = next; index < targets.length; index++) {
    const t = targets[index];
    const id = t.id ?? `${t.host}:${t.port ?? 623}`;
    progress.done++;
    progress.failed++;
    yield { index, result: { id, target: t, ok: false, error: new IpmiTimeoutError("sweep aborted before this BMC was swept", { target: id }), durationMs: 0, attempts: 0 } };
  }
  report(true);
}
