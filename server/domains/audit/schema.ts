/** The audit log as callers see it: list filters and entries, and the chain check. */
import { z } from "zod";

export const ZAuditListInput = z.object({
  entity: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  take: z.number().int().min(1).max(500).default(100),
  beforeSeq: z.number().int().positive().optional(),
});
export type TAuditListInput = z.infer<typeof ZAuditListInput>;

export const ZAuditEntryRow = z.object({
  seq: z.number().int(),
  at: z.date(),
  actorType: z.string(),
  actorId: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  /** canonical JSON, secrets redacted */
  before: z.string().nullable(),
  after: z.string().nullable(),
  hash: z.string(),
});
export type TAuditEntryRow = z.infer<typeof ZAuditEntryRow>;
export const ZAuditEntries = z.array(ZAuditEntryRow);

export const ZAuditVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});
export type TAuditVerification = z.infer<typeof ZAuditVerification>;
