/**
 * RMA and disposal (issue 15): vendor RMA cases with their SLA clock and replacement swap, the
 * RMA-turnaround KPI, sanitisation evidence (NIST SP 800-88) per storage device, disposal batches with
 * chain of custody and the recycler's certificate. zod in/out for the service, tRPC and REST.
 */
import { z } from "zod";
import { ANY_ROLE, type TRole } from "../../auth/roles";

/** who opens and runs RMA cases (warehouse boxes and ships, technicians diagnose) */
export const RMA_WRITERS: readonly TRole[] = ["admin", "warehouse", "technician"];
/** who records sanitisation evidence and marks a device sanitised (the lifecycle's DECOMMISSIONING → SANITIZED roles) */
export const SANITISERS: readonly TRole[] = ["admin", "technician"];
/** who runs disposal batches (manifest, hand-offs, certificate, close) */
export const DISPOSERS: readonly TRole[] = ["admin", "warehouse"];
/** who may read the recycler's certificate itself (the batch is readable by everyone) */
export const CERTIFICATE_READERS: readonly TRole[] = ["admin", "warehouse", "technician"];
export const RMA_READERS: readonly TRole[] = ANY_ROLE;

const id = z.string().trim().min(1, "Required").max(64);
const text = (max: number, what: string) => z.string().trim().min(1, `Enter ${what}`).max(max, `At most ${max} characters`);
const optText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).optional();

export const RMA_STATUSES = ["DRAFT", "SUBMITTED", "APPROVED", "SHIPPED", "REPLACEMENT_RECEIVED", "CLOSED", "REJECTED", "CANCELLED"] as const;
export const ZRmaStatus = z.enum(RMA_STATUSES);
export type TRmaStatus = z.infer<typeof ZRmaStatus>;
/** a case whose SLA clock still runs (no replacement yet, not ended) */
export const OPEN_RMA: readonly TRmaStatus[] = ["DRAFT", "SUBMITTED", "APPROVED", "SHIPPED"];
export const RMA_STATUS_LABELS: Record<TRmaStatus, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Submitted to vendor",
  APPROVED: "Approved",
  SHIPPED: "Shipped",
  REPLACEMENT_RECEIVED: "Replacement received",
  CLOSED: "Closed",
  REJECTED: "Rejected",
  CANCELLED: "Cancelled",
};
export const RMA_MODES = ["RETURN_FIRST", "ADVANCE"] as const;
export const ZRmaMode = z.enum(RMA_MODES);

export const ZRmaOpen = z.object({
  assetId: id.optional(),
  /** open from a failed burn-in run: the asset and its evidence come from the run */
  burnInRunId: id.optional(),
  reason: text(500, "what is wrong (the fault)").optional(),
  faultCode: optText(60),
  mode: ZRmaMode.default("RETURN_FIRST"),
  keepDrive: z.boolean().default(false),
  attachments: z.array(z.object({ name: text(200, "a name"), url: z.string().trim().url("A link like https://…").max(1000).optional(), note: optText(500) })).max(20).default([]),
}).refine((v) => v.assetId || v.burnInRunId, { message: "Choose the failed asset (or open from a failed burn-in run).", path: ["assetId"] });
export type TRmaOpen = z.input<typeof ZRmaOpen>;

export const ZRmaUpdate = z.object({
  id,
  expectedVersion: z.number().int().optional(),
  data: z.object({
    reason: text(500, "what is wrong").optional(),
    faultCode: optText(60),
    vendorRmaNumber: optText(60),
    mode: ZRmaMode.optional(),
    keepDrive: z.boolean().optional(),
    carrier: optText(60),
    trackingNumber: optText(80),
    deliveredAt: z.coerce.date<string | Date>().optional(),
    replacementSerial: optText(80),
  }),
});
export type TRmaUpdate = z.input<typeof ZRmaUpdate>;

export const RMA_ACTIONS = ["submit", "approve", "reject", "ship", "close", "cancel"] as const;
export const ZRmaTransition = z.object({
  id,
  action: z.enum(RMA_ACTIONS),
  expectedVersion: z.number().int().optional(),
  vendorRmaNumber: optText(60),
  carrier: optText(60),
  trackingNumber: optText(80),
  outcome: optText(500),
  note: optText(500),
});
export type TRmaTransition = z.input<typeof ZRmaTransition>;
export const ZRmaTransitionBody = ZRmaTransition.omit({ id: true });

export const ZReplacementInput = z.object({
  id,
  serial: text(80, "the replacement's serial (scan it)"),
  assetTag: optText(40),
  /** another model than the failed one's (the vendor sent a successor) */
  modelId: id.optional(),
});
export const ZReplacementBody = ZReplacementInput.omit({ id: true });

export const ZRmaId = z.object({ id });
export const ZRmaListQuery = z.object({
  status: ZRmaStatus.optional(),
  vendorId: id.optional(),
  assetId: id.optional(),
  open: z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]).optional(),
  take: z.coerce.number<string | number>().int().min(1).max(500).default(100),
});

export const ZRmaCase = z.object({
  id: z.string(),
  number: z.string(),
  assetId: z.string(),
  assetSerial: z.string(),
  assetTag: z.string().nullable(),
  assetStatus: z.string(),
  modelName: z.string(),
  vendorId: z.string().nullable(),
  vendorName: z.string().nullable(),
  status: z.string().pipe(ZRmaStatus),
  mode: z.string().pipe(ZRmaMode),
  reason: z.string(),
  faultCode: z.string().nullable(),
  vendorRmaNumber: z.string().nullable(),
  keepDrive: z.boolean(),
  keptDrives: z.array(z.object({ assetId: z.string(), serial: z.string() })),
  burnInRunId: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()).nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  replacementSerial: z.string().nullable(),
  replacementAssetId: z.string().nullable(),
  receivedAt: z.date().nullable(),
  turnaroundDays: z.number().nullable(),
  outcome: z.string().nullable(),
  closedAt: z.date().nullable(),
  slaDays: z.number().int(),
  openedAt: z.date(),
  dueAt: z.date(),
  breachFlaggedAt: z.date().nullable(),
  /** open and past due (the clock), or received after due */
  breached: z.boolean(),
  version: z.number().int(),
  actions: z.array(z.enum(RMA_ACTIONS)),
  canReceive: z.boolean(),
});
export type TRmaCase = z.infer<typeof ZRmaCase>;
export const ZRmaCases = z.object({ items: z.array(ZRmaCase) });

export const ZBoardQuery = z.object({ withinDays: z.coerce.number<string | number>().min(0).max(60).default(1) });
export const ZBoardRow = z.object({ id: z.string(), number: z.string(), assetSerial: z.string(), vendorName: z.string().nullable(), status: z.string(), openedAt: z.date(), dueAt: z.date(), hoursLeft: z.number(), breached: z.boolean() });
export const ZBoard = z.object({ at: z.date(), breached: z.array(ZBoardRow), dueSoon: z.array(ZBoardRow), open: z.number().int() });
export type TBoard = z.infer<typeof ZBoard>;

export const ZPeriod = z.string().trim().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, "A period is a year (2026), a quarter (2026-Q2) or a month (2026-05)");
export const ZKpiQuery = z.object({ period: ZPeriod.optional(), vendorId: id.optional() });
export const ZKpiVendor = z.object({ vendorId: z.string(), name: z.string(), slaDays: z.number().int(), received: z.number().int(), p50: z.number().nullable(), p90: z.number().nullable(), withinSla: z.number().nullable() });
export const ZKpiOut = z.object({
  period: z.string().nullable(),
  targetDays: z.number(),
  vendors: z.array(ZKpiVendor),
  /** the cases behind the figures (newest receipt first, at most 200) */
  drill: z.array(z.object({ id: z.string(), number: z.string(), vendorId: z.string(), assetSerial: z.string(), openedAt: z.date(), receivedAt: z.date(), days: z.number(), slaDays: z.number().int(), within: z.boolean() })),
});
export type TKpiOut = z.infer<typeof ZKpiOut>;

export const ZFile = z.object({ filename: z.string(), contentType: z.string(), base64: z.string() });
export const ZExportQuery = z.object({ format: z.enum(["pdf", "csv"]).default("pdf") });

// ------------------------------------------------------------------ sanitisation

export const SANITISATION_METHODS = ["CLEAR", "PURGE", "DESTROY"] as const;
export const TECHNIQUES = ["OVERWRITE", "CRYPTO_ERASE", "BLOCK_ERASE", "SECURE_ERASE", "DEGAUSS", "SHRED", "DISINTEGRATE", "PULVERISE", "INCINERATE"] as const;
export const VERIFICATIONS = ["PASSED", "FAILED"] as const;
const upper = (values: readonly [string, ...string[]], what: string) =>
  z.string().trim().transform((s) => s.toUpperCase().replace(/[\s-]+/g, "_")).pipe(z.enum(values as [string, ...string[]], { error: `${what}: one of ${values.join(", ")}` }));

export const ZEvidence = z.object({
  serial: text(80, "the storage device's serial"),
  /** the asset being decommissioned (serial or tag); optional when the device is a known asset */
  host: optText(80),
  method: upper(SANITISATION_METHODS, "method"),
  technique: upper(TECHNIQUES, "technique"),
  tool: text(80, "the tool"),
  toolVersion: text(40, "the tool's version"),
  verification: upper(VERIFICATIONS, "verification"),
  operator: text(80, "who did it"),
  performedAt: z.coerce.date<string | Date>({ error: "performedAt: a date and time like 2026-05-04T10:00:00Z" }),
});
export type TEvidenceIn = z.input<typeof ZEvidence>;
export type TEvidence = z.output<typeof ZEvidence>;
export const ZEvidenceInput = ZEvidence.extend({ hostAssetId: id.optional() });
export const EVIDENCE_COLUMNS = ["serial", "host", "method", "technique", "tool", "toolVersion", "verification", "operator", "performedAt"] as const;
export const ZEvidenceImport = z.object({
  format: z.enum(["csv", "json"]),
  /** CSV with a header row (EVIDENCE_COLUMNS), or a JSON array of objects with those keys */
  content: z.string().min(1, "The report is empty").max(20_000_000, "At most 20 MB at once"),
});
export const ZImportProblem = z.object({ line: z.number().int(), field: z.string().nullable(), message: z.string() });
export const ZImportOut = z.object({ importId: z.string(), imported: z.number().int(), hosts: z.number().int() });

export const ZStorageDevice = z.object({
  serial: z.string(),
  assetId: z.string().nullable(),
  modelName: z.string().nullable(),
  /** where it was found: the asset's parts, the asset itself, the BMC inventory */
  source: z.enum(["part", "self", "bmc"]),
  evidence: z.object({ method: z.string(), technique: z.string(), tool: z.string(), toolVersion: z.string(), verification: z.string(), operator: z.string(), performedAt: z.date() }).nullable(),
});
export const ZSanitisationOut = z.object({ assetId: z.string(), serial: z.string(), status: z.string(), devices: z.array(ZStorageDevice), missing: z.array(z.string()), canSanitise: z.boolean() });
export type TSanitisationOut = z.infer<typeof ZSanitisationOut>;
export const ZAssetIdIn = z.object({ assetId: id, expectedVersion: z.number().int().optional() });
export const ZAssetIdParam = z.object({ assetId: id });

// ------------------------------------------------------------------ disposal

export const ZBatchCreate = z.object({ recycler: text(120, "the recycler's name"), certification: text(60, "the recycler's certification (R2, e-Stewards …)") });
export const ZBatchItems = z.object({
  items: z
    .array(z.object({ code: text(80, "a serial, tag or asset id"), weightKg: z.number().min(0).max(10_000).optional(), sealNumber: optText(60) }))
    .min(1, "Add at least one asset")
    .max(1000),
});
export const ZBatchItemsInput = ZBatchItems.extend({ id });
export const ZHandoff = z.object({ fromParty: text(120, "who handed over"), toParty: text(120, "who took it"), signature: text(120, "the signer's full name"), at: z.coerce.date<string | Date>().optional(), note: optText(500) });
export const ZHandoffInput = ZHandoff.extend({ id });
export const CERTIFICATE_MAX_BYTES = 20 * 1024 * 1024;
export const ZCertificate = z.object({ filename: text(200, "the file name"), contentBase64: z.string().min(1, "The file is empty").max(Math.ceil((CERTIFICATE_MAX_BYTES * 4) / 3) + 8, "At most 20 MB") });
export const ZCertificateInput = ZCertificate.extend({ id });
export const ZCertificateQuery = z.object({ filename: text(200, "the file name") });
export const ZBatchId = z.object({ id });
export const ZBatchListQuery = z.object({ status: z.enum(["OPEN", "CLOSED"]).optional() });
export const ZBatch = z.object({
  id: z.string(),
  number: z.string(),
  recycler: z.string(),
  certification: z.string(),
  status: z.enum(["OPEN", "CLOSED"]),
  createdAt: z.date(),
  closedAt: z.date().nullable(),
  flaggedAt: z.date().nullable(),
  /** open longer than the flag threshold without a certificate */
  overdue: z.boolean(),
  items: z.array(z.object({ assetId: z.string(), serial: z.string(), assetTag: z.string().nullable(), status: z.string(), modelName: z.string(), weightKg: z.number().nullable(), sealNumber: z.string().nullable() })),
  handoffs: z.array(z.object({ id: z.string(), at: z.date(), fromParty: z.string(), toParty: z.string(), signature: z.string(), note: z.string().nullable() })),
  certificate: z.object({ filename: z.string(), size: z.number().int(), sha256: z.string(), uploadedAt: z.date() }).nullable(),
  totalWeightKg: z.number(),
});
export type TBatch = z.infer<typeof ZBatch>;
export const ZBatches = z.object({ items: z.array(ZBatch.omit({ items: true, handoffs: true }).extend({ assetCount: z.number().int() })) });
