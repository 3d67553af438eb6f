/**
 * Durable jobs: a queue in the database (table "Job"), the same on SQLite and
 * PostgreSQL. docs/architecture.md ("Durable jobs") explains why it is our own table and
 * not pg-boss or graphile-worker.
 *
 *   defineJob({name, version, payload, handler, ...})    a kind: zod payload, handler, retries, schedule
 *   enqueue(tx, kind, payload, {now, runAt, dedupeKey})  inside the caller's transaction; the payload is
 *                                                        checked here, so a bad one is refused when queued
 *   claimJob / heartbeat / completeJob / failJob         the worker side (workers/runner.ts)
 *
 * A claim is a lease: the job is RUNNING for one worker until `lockedUntil`;
 * the worker renews it while the handler runs. A worker that dies stops
 * renewing, the lease runs out and another worker claims the job again.
 * Every claim adds one to `attempts`, and every write a worker makes names
 * (lockedBy, attempts): a worker that lost its lease can no longer write, so
 * one job never has two live runs. Handlers must be safe to run again (a
 * worker can die after the work and before it records that).
 *
 * Time comes from the injected clock (deps.clock), never from the database,
 * so a test drives a 48 h deadline in seconds.
 */
import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import { z } from "zod";
import type { Db, Tx } from "../db/client";
import type { TDeps } from "../context";
import { AppError } from "../errors";

export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type TJobStatus = (typeof JOB_STATUSES)[number];

export type TSchedule = { everyMs: number } | { cron: string };

export interface TJobContext {
  jobId: string;
  /** 1 on the first run */
  attempt: number;
  /** aborted when this worker lost the lease or is shutting down: stop soon */
  signal: AbortSignal;
  /** records progress for long work (shown on Admin → Jobs) */
  progress(done: number, total?: number, note?: string): Promise<void>;
}

export interface TJobKind<P extends z.ZodType = z.ZodType> {
  /** "domain.what", e.g. "bmc.expire-command" */
  name: string;
  /** bump when the payload's shape changes */
  version: number;
  payload: P;
  /** returns a short note for the log and the Jobs page; throws to retry */
  handler(deps: TDeps, payload: z.output<P>, ctx: TJobContext): Promise<string | void>;
  /** runs in all, counting the first (default 5) */
  maxAttempts?: number;
  /** retry n waits min(maxMs, baseMs · 2^(n-1)) (default 10 s, 1 h) */
  backoff?: { baseMs: number; maxMs: number };
  /** a recurring job: one pending occurrence at a time; the next is due one period after the last one ended */
  schedule?: TSchedule;
}

const ZKindName = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, "lower-case words joined by . or -");

export function defineJob<P extends z.ZodType>(kind: TJobKind<P>): TJobKind<P> {
  const name = ZKindName.safeParse(kind.name);
  if (!name.success) throw new Error(`job kind "${kind.name}": the name must be ${name.error.issues[0]?.message}`);
  if (!Number.isInteger(kind.version) || kind.version < 1) throw new Error(`job kind ${kind.name}: version must be a whole number ≥ 1`);
  if (kind.maxAttempts !== undefined && (!Number.isInteger(kind.maxAttempts) || kind.maxAttempts < 1)) throw new Error(`job kind ${kind.name}: maxAttempts must be ≥ 1`);
  if (kind.schedule) {
    if ("everyMs" in kind.schedule && !(kind.schedule.everyMs >= 1000)) throw new Error(`job kind ${kind.name}: a schedule runs at most once a second (everyMs ≥ 1000)`);
    if ("cron" in kind.schedule) new Cron(kind.schedule.cron, { timezone: "UTC", paused: true }); // throws on a bad pattern
    if (!kind.payload.safeParse({}).success) throw new Error(`job kind ${kind.name}: a scheduled kind runs with the payload {}; its schema must accept it`);
  }
  return kind;
}

/** A failure that retrying cannot fix (the handler throws it): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

export const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BACKOFF = { baseMs: 10_000, maxMs: 3_600_000 };
/** dedupe key of a scheduled kind's pending occurrence */
export const SCHEDULE_KEY = "schedule";

export function backoffMs(kind: TJobKind, attempt: number): number {
  const b = kind.backoff ?? DEFAULT_BACKOFF;
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** When a scheduled kind is next due, counted from `after`. */
export function nextOccurrence(schedule: TSchedule, after: Date): Date {
  if ("everyMs" in schedule) return new Date(after.getTime() + schedule.everyMs);
  const next = new Cron(schedule.cron, { timezone: "UTC", paused: true }).nextRun(after);
  if (!next) throw new Error(`the cron pattern "${schedule.cron}" has no next run after ${after.toISOString()}`);
  return next;
}

function activeKeyOf(kind: string, dedupeKey: string | null | undefined): string | null {
  return dedupeKey ? `${kind}:${dedupeKey}` : null;
}

export interface TEnqueueOptions {
  /** the caller's clock reading (deps.clock.now()) */
  now: Date;
  /** not before this time (a deadline); default now */
  runAt?: Date;
  /** at most one QUEUED or RUNNING job of this kind per key: a second enqueue returns the first */
  dedupeKey?: string;
}

/**
 * Queues a job inside the caller's transaction (or on the client outside
 * one), so a domain row and its job are written together or not at all.
 * Refuses a payload its kind's schema does not accept (AppError BAD_REQUEST).
 * With a dedupe key already live, nothing is written and the live job's id is
 * returned with created: false.
 */
export async function enqueue<P extends z.ZodType>(tx: Tx | Db, kind: TJobKind<P>, payload: z.input<P>, opts: TEnqueueOptions): Promise<{ id: string; created: boolean }> {
  const parsed = kind.payload.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
    throw new AppError("BAD_REQUEST", `The ${kind.name} job was not queued: its payload is invalid (${issues}).`, { details: { kind: kind.name, issues: parsed.error.issues } });
  }
  if (opts.dedupeKey !== undefined && (opts.dedupeKey.length === 0 || opts.dedupeKey.length > 200)) throw new AppError("BAD_REQUEST", `The ${kind.name} job was not queued: a dedupe key has 1 to 200 characters.`);
  const json = JSON.stringify(parsed.data ?? null);
  const runAt = opts.runAt ?? opts.now;
  const activeKey = activeKeyOf(kind.name, opts.dedupeKey);
  for (let tries = 0; tries < 3; tries++) {
    const id = randomUUID();
    // ON CONFLICT on the unique activeKey: atomic dedupe that does not abort the caller's transaction
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO "Job" ("id", "kind", "version", "payload", "status", "runAt", "attempts", "maxAttempts", "dedupeKey", "activeKey", "createdAt", "updatedAt")
      VALUES (${id}, ${kind.name}, ${kind.version}, ${json}, 'QUEUED', ${runAt}, 0, ${kind.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${opts.dedupeKey ?? null}, ${activeKey}, ${opts.now}, ${opts.now})
      ON CONFLICT ("activeKey") DO NOTHING
      RETURNING "id"`;
    if (rows.length === 1) return { id: rows[0]!.id, created: true };
    const live = await tx.job.findUnique({ where: { activeKey: activeKey! }, select: { id: true } });
    if (live) return { id: live.id, created: false };
    // the live job finished between the insert and the look-up: try again
  }
  throw new AppError("CONFLICT", `The ${kind.name} job with key ${opts.dedupeKey} keeps changing; try again.`);
}

/** Makes sure every scheduled kind has its one pending occurrence (idempotent; run by every worker). */
export async function ensureSchedules(db: Db, kinds: readonly TJobKind[], now: Date): Promise<number> {
  let created = 0;
  for (const kind of kinds) {
    if (!kind.schedule) continue;
    const r = await enqueue(db, kind, {}, { now, runAt: nextOccurrence(kind.schedule, now), dedupeKey: SCHEDULE_KEY });
    if (r.created) created++;
  }
  return created;
}

// ------------------------------------------------------------------ worker side

export interface TClaimedJob {
  id: string;
  kind: string;
  version: number;
  payload: string;
  attempts: number;
  maxAttempts: number;
  dedupeKey: string | null;
}

export interface TLease {
  workerId: string;
  leaseMs: number;
}

const claimSelect = { id: true, kind: true, version: true, payload: true, attempts: true, maxAttempts: true, dedupeKey: true } as const;

/**
 * Claims one due job of the given kinds: QUEUED with runAt ≤ now, or RUNNING
 * with its lease run out. PostgreSQL: UPDATE … WHERE id IN (SELECT … FOR
 * UPDATE SKIP LOCKED), so concurrent workers never wait on or take the same
 * row. SQLite: one writer at a time; a compare-and-set update on (status,
 * attempts) makes the claim atomic across processes.
 */
export async function claimJob(deps: TDeps, kinds: readonly string[], lease: TLease): Promise<TClaimedJob | null> {
  if (kinds.length === 0) return null;
  const now = deps.clock.now();
  const until = new Date(now.getTime() + lease.leaseMs);
  if (deps.provider === "postgresql") {
    const rows = await deps.db.$queryRaw<TClaimedJob[]>`
      UPDATE "Job" SET "status" = 'RUNNING', "attempts" = "attempts" + 1, "lockedBy" = ${lease.workerId}, "lockedUntil" = ${until},
             "startedAt" = ${now}, "updatedAt" = ${now}, "progressDone" = NULL, "progressTotal" = NULL, "progressNote" = NULL
      WHERE "id" = (
        SELECT "id" FROM "Job"
        WHERE "kind" IN (SELECT jsonb_array_elements_text(${JSON.stringify(kinds)}::jsonb))
          AND (("status" = 'QUEUED' AND "runAt" <= ${now}) OR ("status" = 'RUNNING' AND "lockedUntil" <= ${now}))
        ORDER BY "runAt", "id"
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING "id", "kind", "version", "payload", "attempts", "maxAttempts", "dedupeKey"`;
    return rows[0] ?? null;
  }
  const candidates = await deps.db.job.findMany({
    where: { kind: { in: [...kinds] }, OR: [{ status: "QUEUED", runAt: { lte: now } }, { status: "RUNNING", lockedUntil: { lte: now } }] },
    orderBy: [{ runAt: "asc" }, { id: "asc" }],
    take: 5,
    select: { ...claimSelect, status: true },
  });
  for (const c of candidates) {
    const won = await deps.db.job.updateMany({
      where: { id: c.id, status: c.status, attempts: c.attempts },
      data: { status: "RUNNING", attempts: c.attempts + 1, lockedBy: lease.workerId, lockedUntil: until, startedAt: now, updatedAt: now, progressDone: null, progressTotal: null, progressNote: null },
    });
    if (won.count === 1) return { id: c.id, kind: c.kind, version: c.version, payload: c.payload, attempts: c.attempts + 1, maxAttempts: c.maxAttempts, dedupeKey: c.dedupeKey };
  }
  return null;
}

/** The fencing condition: this worker still holds this claim. */
function held(job: TClaimedJob, lease: TLease) {
  return { id: job.id, status: "RUNNING", lockedBy: lease.workerId, attempts: job.attempts };
}

/** Extends the lease; false when it was lost (another worker claimed the job). */
export async function renewLease(deps: TDeps, job: TClaimedJob, lease: TLease): Promise<boolean> {
  const now = deps.clock.now();
  const r = await deps.db.job.updateMany({ where: held(job, lease), data: { lockedUntil: new Date(now.getTime() + lease.leaseMs), updatedAt: now } });
  return r.count === 1;
}

export async function recordProgress(deps: TDeps, job: TClaimedJob, lease: TLease, done: number, total?: number, note?: string): Promise<boolean> {
  const r = await deps.db.job.updateMany({
    where: held(job, lease),
    data: { progressDone: Math.max(0, Math.floor(done)), progressTotal: total === undefined ? undefined : Math.max(0, Math.floor(total)), progressNote: note === undefined ? undefined : note.slice(0, 200), updatedAt: deps.clock.now() },
  });
  return r.count === 1;
}

async function scheduleNext(tx: Tx, kind: TJobKind | undefined, job: TClaimedJob, now: Date): Promise<void> {
  if (kind?.schedule && job.dedupeKey === SCHEDULE_KEY) await enqueue(tx, kind, {}, { now, runAt: nextOccurrence(kind.schedule, now), dedupeKey: SCHEDULE_KEY });
}

/** Records success (and queues a scheduled kind's next occurrence in the same transaction). False when the lease was lost. */
export async function completeJob(deps: TDeps, kind: TJobKind | undefined, job: TClaimedJob, lease: TLease, result: string | void): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const r = await tx.job.updateMany({
      where: held(job, lease),
      data: { status: "SUCCEEDED", finishedAt: now, updatedAt: now, lockedUntil: null, activeKey: null, result: result ? result.slice(0, 2000) : null },
    });
    if (r.count !== 1) return false;
    await scheduleNext(tx, kind, job, now);
    return true;
  });
}

/**
 * Records a failure: back to QUEUED after the kind's backoff while attempts
 * remain and the error is not permanent, else FAILED. Returns what happened,
 * or "lost" when the lease was lost.
 */
export async function failJob(deps: TDeps, kind: TJobKind | undefined, job: TClaimedJob, lease: TLease, error: string, permanent: boolean): Promise<"retry" | "failed" | "lost"> {
  const now = deps.clock.now();
  const retry = !permanent && kind !== undefined && job.attempts < job.maxAttempts;
  return deps.db.$transaction(async (tx) => {
    const r = await tx.job.updateMany({
      where: held(job, lease),
      data: retry
        ? { status: "QUEUED", runAt: new Date(now.getTime() + backoffMs(kind!, job.attempts)), lockedUntil: null, lastError: error.slice(0, 2000), updatedAt: now }
        : { status: "FAILED", finishedAt: now, lockedUntil: null, activeKey: null, lastError: error.slice(0, 2000), updatedAt: now },
    });
    if (r.count !== 1) return "lost";
    if (!retry) await scheduleNext(tx, kind, job, now);
    return retry ? "retry" : "failed";
  });
}

/** Gives the lease back at once (a worker shutting down before its handler finished): another worker may claim it now. */
export async function releaseJob(deps: TDeps, job: TClaimedJob, lease: TLease): Promise<void> {
  await deps.db.job.updateMany({ where: held(job, lease), data: { lockedUntil: deps.clock.now() } });
}

