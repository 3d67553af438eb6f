/**
 * Admin → Jobs: what the queue holds (server/jobs/queue.ts) and the three
 * things an administrator may do to a job: retry a failed or cancelled one,
 * run a queued one now, cancel a queued one. Each is audited.
 */
import type { TActor, TDeps } from "../../context";
import { AppError, uniqueViolation } from "../../errors";
import { JOB_STATUSES } from "../../jobs/queue";
import { appendAudit } from "../audit/service";
import { ZJobId, ZJobList, type TJobListInput, type TJobPage, type TJobRow, type TJobStatusValue } from "./schema";

const rowSelect = {
  id: true,
  kind: true,
  version: true,
  status: true,
  payload: true,
  runAt: true,
  attempts: true,
  maxAttempts: true,
  dedupeKey: true,
  lockedBy: true,
  lockedUntil: true,
  progressDone: true,
  progressTotal: true,
  progressNote: true,
  lastError: true,
  result: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

type TRaw = Omit<TJobRow, "status"> & { status: string };
const toRow = (r: TRaw): TJobRow => ({ ...r, status: r.status as TJobStatusValue });

/** Newest first, filtered by status and kind, one page at a time, with counts per status (for the kind filter, if any). */
export async function listJobs(deps: TDeps, input: TJobListInput): Promise<TJobPage> {
  const { status, kind, page, pageSize } = ZJobList.parse(input);
  const kindWhere = kind ? { kind } : {};
  const where = { ...kindWhere, ...(status ? { status } : {}) };
  const [rows, total, grouped, kinds] = await Promise.all([
    deps.db.job.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (page - 1) * pageSize, take: pageSize, select: rowSelect }),
    deps.db.job.count({ where }),
    deps.db.job.groupBy({ by: ["status"], where: kindWhere, _count: { _all: true } }),
    deps.db.job.findMany({ distinct: ["kind"], select: { kind: true }, orderBy: { kind: "asc" } }),
  ]);
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<TJobStatusValue, number>;
  for (const g of grouped) if (g.status in counts) counts[g.status as TJobStatusValue] = g._count._all;
  return { rows: rows.map(toRow), total, page, pageSize, counts, kinds: kinds.map((k) => k.kind) };
}

export async function getJob(deps: TDeps, input: { id: string }): Promise<TJobRow> {
  const { id } = ZJobId.parse(input);
  const row = await deps.db.job.findUnique({ where: { id }, select: rowSelect });
  if (!row) throw new AppError("NOT_FOUND", `No job with id ${id}; it may have been cleaned up (finished jobs are kept 14 days).`);
  return toRow(row);
}

async function change(deps: TDeps, actor: TActor, id: string, action: string, from: TJobStatusValue[], data: (job: TJobRow, now: Date) => Record<string, unknown>, refusal: (job: TJobRow) => string): Promise<TJobRow> {
  const job = await getJob(deps, { id });
  if (!from.includes(job.status)) throw new AppError("CONFLICT", refusal(job));
  const now = deps.clock.now();
  try {
    return await deps.db.$transaction(async (tx) => {
      const res = await tx.job.updateMany({ where: { id, status: job.status, attempts: job.attempts }, data: { ...data(job, now), updatedAt: now } });
      if (res.count !== 1) throw new AppError("CONFLICT", `The ${job.kind} job changed meanwhile (it is no longer ${job.status}); reload and try again.`);
      const after = await tx.job.findUniqueOrThrow({ where: { id }, select: rowSelect });
      await appendAudit(tx, deps.provider, actor, now, { action, entity: "Job", entityId: id, before: { status: job.status, runAt: job.runAt.toISOString(), attempts: job.attempts }, after: { kind: job.kind, status: after.status, runAt: after.runAt.toISOString() } });
      return toRow(after);
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("CONFLICT", `Another ${job.kind} job with the key ${job.dedupeKey} is already queued or running; it does this work.`);
    throw e;
  }
}

/** A FAILED or CANCELLED job runs again from its first attempt. */
export function retryJob(deps: TDeps, actor: TActor, input: { id: string }): Promise<TJobRow> {
  const { id } = ZJobId.parse(input);
  return change(
    deps,
    actor,
    id,
    "job.retry",
    ["FAILED", "CANCELLED"],
    (job, now) => ({ status: "QUEUED", runAt: now, attempts: 0, lockedBy: null, lockedUntil: null, finishedAt: null, startedAt: null, activeKey: job.dedupeKey ? `${job.kind}:${job.dedupeKey}` : null }),
    (job) => `Only a failed or cancelled job can be retried; this ${job.kind} job is ${job.status}.`,
  );
}

/** A QUEUED job (a deadline, a retry waiting for its backoff, a scheduled occurrence) becomes due at once. */
export function runJobNow(deps: TDeps, actor: TActor, input: { id: string }): Promise<TJobRow> {
  const { id } = ZJobId.parse(input);
  return change(deps, actor, id, "job.run-now", ["QUEUED"], (_job, now) => ({ runAt: now }), (job) => `Only a queued job can be run now; this ${job.kind} job is ${job.status}.`);
}

/** A QUEUED job will not run. (A scheduled kind gets its next occurrence from the workers within a minute.) */
export function cancelJob(deps: TDeps, actor: TActor, input: { id: string }): Promise<TJobRow> {
  const { id } = ZJobId.parse(input);
  return change(deps, actor, id, "job.cancel", ["QUEUED"], (_job, now) => ({ status: "CANCELLED", finishedAt: now, activeKey: null }), (job) => `Only a queued job can be cancelled; this ${job.kind} job is ${job.status}.`);
}

export const FINISHED_JOB_RETENTION_MS = 14 * 86_400_000;

/** Housekeeping: finished jobs older than two weeks. */
export async function purgeFinishedJobs(deps: TDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - FINISHED_JOB_RETENTION_MS);
  const r = await deps.db.job.deleteMany({ where: { status: { in: ["SUCCEEDED", "FAILED", "CANCELLED"] }, finishedAt: { lt: before } } });
  return r.count;
}
