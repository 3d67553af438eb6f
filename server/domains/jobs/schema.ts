import { z } from "zod";
import { JOB_STATUSES } from "../../jobs/queue";

export const ZJobStatus = z.enum(JOB_STATUSES);
export type TJobStatusValue = z.infer<typeof ZJobStatus>;

export const ZJobList = z.object({
  status: ZJobStatus.optional(),
  kind: z.string().trim().max(100).optional(),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type TJobListInput = z.input<typeof ZJobList>;

export const ZJobId = z.object({ id: z.string().min(1).max(64) });

export const ZJobRow = z.object({
  id: z.string(),
  kind: z.string(),
  version: z.number().int(),
  status: ZJobStatus,
  payload: z.string(),
  runAt: z.date(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  dedupeKey: z.string().nullable(),
  lockedBy: z.string().nullable(),
  lockedUntil: z.date().nullable(),
  progressDone: z.number().int().nullable(),
  progressTotal: z.number().int().nullable(),
  progressNote: z.string().nullable(),
  lastError: z.string().nullable(),
  result: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type TJobRow = z.infer<typeof ZJobRow>;

export const ZJobPage = z.object({
  rows: z.array(ZJobRow),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  counts: z.record(ZJobStatus, z.number().int()),
  kinds: z.array(z.string()),
});
export type TJobPage = z.infer<typeof ZJobPage>;
