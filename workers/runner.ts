/**
 * The worker loop: claims due jobs of the kinds it knows (server/jobs/queue.ts),
 * runs each under a lease it renews while the handler runs, and records the
 * outcome. Any number of workers may share one database.
 *
 *   a thrown error            → retried after the kind's backoff, FAILED after maxAttempts
 *   PermanentJobError         → FAILED at once
 *   a payload that no longer fits the kind's schema → FAILED at once (retrying cannot fix it)
 *   the worker dies           → its lease runs out; another worker claims the job again
 *
 * Poll and heartbeat intervals are real time; every time written to the
 * database comes from deps.clock, so tests can move the clock.
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import type { TDeps } from "../server/context";
import { claimJob, completeJob, ensureSchedules, failJob, PermanentJobError, recordProgress, releaseJob, renewLease, type TClaimedJob, type TJobKind, type TLease } from "../server/jobs/queue";

export interface TRunnerOptions {
  /** shown on Admin → Jobs as the job's worker; default host:pid:random */
  workerId?: string;
  /** jobs run at once by this worker (default 2) */
  concurrency?: number;
  /** how often to look for due jobs when idle (default 1000 ms) */
  pollMs?: number;
  /** lease length; renewed every third of it (default 30 s) */
  leaseMs?: number;
  /** how long stop() waits for running handlers before giving their leases back (default 10 s) */
  graceMs?: number;
  log?: (line: string) => void;
}

export interface TRunner {
  workerId: string;
  /** resolves when nothing is running and nothing is due right now (tests) */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const ENSURE_SCHEDULES_MS = 60_000;

export function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(2).toString("hex")}`;
}

export function startRunner(deps: TDeps, kinds: readonly TJobKind[], opts: TRunnerOptions = {}): TRunner {
  const byName = new Map(kinds.map((k) => [k.name, k] as const));
  if (byName.size !== kinds.length) throw new Error("two job kinds share a name");
  const names = [...byName.keys()];
  const lease: TLease = { workerId: opts.workerId ?? defaultWorkerId(), leaseMs: opts.leaseMs ?? 30_000 };
  const concurrency = opts.concurrency ?? 2;
  const pollMs = opts.pollMs ?? 1000;
  const log = opts.log ?? ((l: string) => console.log(l));
  const running = new Map<string, { promise: Promise<void>; abort: AbortController; job: TClaimedJob }>();
  let stopping = false;
  let wake: (() => void) | null = null;
  let lastEnsure = 0;
  let idleWaiters: (() => void)[] = [];
  let lastPassFoundNothing = false;

  const say = (line: string) => log(`[workers] ${line}`);

  async function runOne(job: TClaimedJob, abort: AbortController): Promise<void> {
    const kind = byName.get(job.kind);
    const label = `${job.kind} ${job.id} (attempt ${job.attempts}/${job.maxAttempts})`;
    const heartbeat = setInterval(() => {
      renewLease(deps, job, lease)
        .then((ok) => {
          if (!ok && !abort.signal.aborted) {
            say(`${label}: lease lost to another worker; abandoning this run`);
            abort.abort(new Error("lease lost"));
          }
        })
        .catch((e) => say(`${label}: could not renew the lease: ${(e as Error).message}`));
    }, Math.max(50, Math.floor(lease.leaseMs / 3)));
    try {
      if (!kind) throw new PermanentJobError(`no handler for job kind ${job.kind} in this worker`);
      if (job.attempts > job.maxAttempts) throw new PermanentJobError(`gave up after ${job.maxAttempts} attempts; the last worker to hold it stopped answering (its lease ran out)`);
      let payload: unknown;
      try {
        payload = kind.payload.parse(JSON.parse(job.payload));
      } catch (e) {
        throw new PermanentJobError(`the stored payload (version ${job.version}) does not fit ${kind.name} version ${kind.version}: ${(e as Error).message}`);
      }
      let lastProgress = 0;
      const result = await kind.handler(deps, payload, {
        jobId: job.id,
        attempt: job.attempts,
        signal: abort.signal,
        async progress(done, total, note) {
          const t = Date.now();
          if (t - lastProgress < 250 && total !== undefined && done < total) return;
          lastProgress = t;
          await recordProgress(deps, job, lease, done, total, note);
        },
      });
      if (abort.signal.aborted && (abort.signal.reason as Error | undefined)?.message === "lease lost") return;
      if (await completeJob(deps, kind, job, lease, result)) say(`${label}: done${result ? `: ${result}` : ""}`);
      else say(`${label}: finished, but the lease was lost meanwhile; the other run's outcome counts`);
    } catch (e) {
      if (abort.signal.aborted && (abort.signal.reason as Error | undefined)?.message === "lease lost") return;
      const permanent = e instanceof PermanentJobError;
      const message = (e as Error)?.message ?? String(e);
      const outcome = await failJob(deps, kind, job, lease, message, permanent).catch((err) => {
        say(`${label}: could not record the failure (${(err as Error).message}); the lease will run out and it runs again`);
        return "lost" as const;
      });
      if (outcome === "retry") say(`${label}: failed, will retry: ${message}`);
      else if (outcome === "failed") say(`${label}: FAILED: ${message}`);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function pass(): Promise<void> {
    const now = deps.clock.now().getTime();
    if (now - lastEnsure >= ENSURE_SCHEDULES_MS || lastEnsure === 0) {
      lastEnsure = now;
      const n = await ensureSchedules(deps.db, kinds, deps.clock.now());
      if (n) say(`scheduled ${n} recurring job(s)`);
    }
    let found = false;
    while (!stopping && running.size < concurrency) {
      const job = await claimJob(deps, names, lease);
      if (!job) break;
      found = true;
      const abort = new AbortController();
      const entry = { job, abort, promise: Promise.resolve() };
      entry.promise = runOne(job, abort).finally(() => {
        running.delete(job.id);
        wake?.();
      });
      running.set(job.id, entry);
    }
    lastPassFoundNothing = !found && running.size === 0;
  }

  let failures = 0;
  let lastError = "";
  const loop = (async () => {
    while (!stopping) {
      try {
        await pass();
        if (failures > 0) say("the database answers again");
        failures = 0;
        lastError = "";
      } catch (e) {
        // the database is away or not migrated: say so once per distinct error, back off up to 30 s
        failures++;
        const message = (e as Error).message.trim().split("\n").pop() ?? "";
        if (message !== lastError) say(`could not look for jobs (will keep trying): ${message}`);
        lastError = message;
      }
      if (lastPassFoundNothing) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const wait = failures > 0 ? Math.min(30_000, pollMs * 2 ** failures) : running.size >= concurrency ? pollMs * 10 : pollMs;
        const t = setTimeout(done, wait);
        function done() {
          clearTimeout(t);
          wake = null;
          resolve();
        }
        wake = done;
      });
    }
  })();

  return {
    workerId: lease.workerId,
    idle: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      const all = [...running.values()];
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), opts.graceMs ?? 10_000).unref());
      const settled = await Promise.race([Promise.allSettled(all.map((r) => r.promise)).then(() => "done" as const), timeout]);
      if (settled === "timeout") {
        for (const r of running.values()) {
          r.abort.abort(new Error("worker stopping"));
          await releaseJob(deps, r.job, lease).catch(() => {});
          say(`${r.job.kind} ${r.job.id}: still running at shutdown; lease given back`);
        }
      }
    },
  };
}
