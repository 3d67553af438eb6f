/**
 * Site acceptance (SAT) and its KPIs: what goes in and out (zod). Definitions: docs/architecture.md
 * "Site acceptance (SAT)" and "KPIs".
 */
import { z } from "zod";
import type { TRole } from "../../auth/roles";

/** Who fills, signs and fails SAT runs (the lifecycle lets them move SAT → IN_SERVICE). */
export const SAT_WRITERS: readonly TRole[] = ["admin", "technician"];
/** Who writes checklist templates. */
export const SAT_TEMPLATE_WRITERS: readonly TRole[] = ["admin", "technician"];

export const DOA_TARGET = 0.003;
export const INSTALL_TARGET_DAYS = 7;

const id = z.string().trim().min(1, "Required").max(64);
const key = z
  .string()
  .trim()
  .min(1, "Each item needs a key")
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "An item key uses lower-case letters, digits, _ and - (e.g. psu-voltage)");
const label = z.string().trim().min(1, "Each item needs a label").max(200);

/** One checklist item. YES_NO passes on yes; MEASURE passes within [min, max]; NOTE never fails; SIGNATURE is the signer's full name. */
export const ZSatItem = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("YES_NO"), key, label, required: z.boolean().default(true) }),
  z
    .object({ kind: z.literal("MEASURE"), key, label, required: z.boolean().default(true), unit: z.string().trim().min(1, "A measured value needs a unit (e.g. V, A, dBm, °C)").max(16), min: z.number().finite().optional(), max: z.number().finite().optional() })
    .refine((i) => i.min !== undefined || i.max !== undefined, { message: "A measured value needs a lower limit, an upper limit, or both", path: ["min"] })
    .refine((i) => i.min === undefined || i.max === undefined || i.min <= i.max, { message: "The lower limit is above the upper limit", path: ["max"] }),
  z.object({ kind: z.literal("NOTE"), key, label, required: z.boolean().default(false) }),
  z.object({ kind: z.literal("SIGNATURE"), key, label, required: z.boolean().default(true) }),
]);
export type TSatItem = z.output<typeof ZSatItem>;

export const ZSatTemplateInput = z
  .object({
    name: z.string().trim().min(3, "A template name has at least 3 characters").max(80),
    modelId: id.nullable().default(null).describe("the hardware model (family) the checklist is for; null = general"),
    items: z.array(ZSatItem).min(1, "A checklist needs at least one item").max(200, "A checklist has at most 200 items"),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.items.forEach((i, n) => {
      if (seen.has(i.key)) ctx.addIssue({ code: "custom", message: `The key "${i.key}" is used twice; each item needs its own key`, path: ["items", n, "key"] });
      seen.add(i.key);
    });
  });
export type TSatTemplateInput = z.input<typeof ZSatTemplateInput>;

export const ZSatTemplateOut = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  modelId: z.string().nullable(),
  modelName: z.string().nullable(),
  items: z.array(ZSatItem),
  createdAt: z.date(),
  createdBy: z.string(),
  latest: z.boolean(),
});
export type TSatTemplateOut = z.infer<typeof ZSatTemplateOut>;
export const ZSatTemplateItems = z.object({ items: z.array(ZSatTemplateOut) });
export const ZSatTemplateQuery = z.object({ name: z.string().trim().max(80).optional(), latestOnly: z.union([z.boolean(), z.stringbool({ truthy: ["true", "1"], falsy: ["false", "0"] })]).default(true).describe("false: every version") });

export const ZSatRunStart = z
  .object({
    assetId: id.optional(),
    rackId: id.optional().describe("every server in this rack that is CABLED or in SAT"),
    templateId: id.optional().describe("the template version to fill; default: the latest for the asset's model, else the latest general one"),
  })
  .refine((r) => (r.assetId ? 1 : 0) + (r.rackId ? 1 : 0) === 1, { message: "Start a run for one asset (assetId) or for one rack (rackId)", path: ["assetId"] });

export const ZRunId = z.object({ id });
export const ZSatRerun = z.object({ id, reason: z.string().trim().min(3, "Say why the SAT is run again (at least 3 characters)").max(500) });
export const ZSatFail = z.object({ id, reason: z.string().trim().min(3, "Say why the SAT failed (at least 3 characters)").max(500) });
export const ZSatSignOff = z.object({ id, expectedVersion: z.number().int().nonnegative().optional() });

/** One item's answer. Send the field its kind takes: yes (YES_NO), measured (MEASURE), text (NOTE, or the signer's full name for SIGNATURE). */
export const ZSatResultInput = z.object({
  itemKey: key,
  yes: z.boolean().optional(),
  measured: z.number().finite().optional(),
  text: z.string().trim().max(2000).optional(),
});
export const ZSatResultsInput = z.object({ id, expectedVersion: z.number().int().nonnegative().optional(), results: z.array(ZSatResultInput).min(1).max(200) });
export const ZSatResultsBody = ZSatResultsInput.omit({ id: true });

export const ZSatResultOut = z.object({ itemKey: z.string(), yes: z.boolean().nullable(), measured: z.number().nullable(), text: z.string().nullable(), pass: z.boolean(), recordedAt: z.date(), recordedBy: z.string() });

export const SAT_RUN_STATUSES = ["OPEN", "PASSED", "FAILED"] as const;
export const ZSatRunOut = z.object({
  id: z.string(),
  status: z.enum(SAT_RUN_STATUSES),
  version: z.number().int(),
  template: ZSatTemplateOut,
  rack: z.object({ id: z.string(), path: z.string() }).nullable(),
  assets: z.array(z.object({ id: z.string(), serial: z.string(), assetTag: z.string().nullable(), status: z.string(), model: z.string() })),
  results: z.array(ZSatResultOut),
  /** the items still to answer, and those failing: the pass is blocked while either is non-empty */
  missing: z.array(z.string()),
  failing: z.array(z.string()),
  canPass: z.boolean(),
  startedAt: z.date(),
  startedBy: z.string(),
  reason: z.string().nullable(),
  previousRunId: z.string().nullable(),
  finishedAt: z.date().nullable(),
  finishedBy: z.string().nullable(),
});
export type TSatRunOut = z.infer<typeof ZSatRunOut>;

export const ZSatRunQuery = z.object({
  status: z.enum(SAT_RUN_STATUSES).optional(),
  assetId: id.optional(),
  take: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZSatRunSummary = z.object({
  id: z.string(),
  status: z.enum(SAT_RUN_STATUSES),
  templateName: z.string(),
  templateVersion: z.number().int(),
  rackPath: z.string().nullable(),
  assetCount: z.number().int(),
  firstAsset: z.string().nullable(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});
export const ZSatRunItems = z.object({ items: z.array(ZSatRunSummary) });

// ---------------------------------------------------------------- KPIs

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "A month is YYYY-MM (e.g. 2026-05)");
export const ZAcceptancePeriod = z.string().trim().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, "A period is a year (2026), a quarter (2026-Q2) or a month (2026-05)");
/** KPIs are kept per UTC month: a period, or a range of whole months (from inclusive, to exclusive). */
export const ZAcceptanceKpiQuery = z.object({
  period: ZAcceptancePeriod.optional(),
  fromMonth: month.optional(),
  toMonth: month.optional().describe("exclusive"),
  vendorId: id.optional(),
  modelId: id.optional(),
  siteId: id.optional(),
});
export type TAcceptanceKpiQuery = z.input<typeof ZAcceptanceKpiQuery>;

const rate = z.number().nullable();
export const ZDoaKpiOut = z.object({
  target: z.number(),
  months: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  received: z.number().int(),
  doa: z.number().int(),
  rate,
  met: z.boolean().nullable(),
  byVendor: z.array(z.object({ vendorId: z.string(), name: z.string(), received: z.number().int(), doa: z.number().int(), rate })),
  byModel: z.array(z.object({ modelId: z.string(), name: z.string(), received: z.number().int(), doa: z.number().int(), rate })),
  byMonth: z.array(z.object({ month: z.string(), received: z.number().int(), doa: z.number().int(), rate })),
  /** the DOA assets behind the figure (first 1000), with the failing event's reason */
  drill: z.array(
    z.object({ assetId: z.string(), serial: z.string(), assetTag: z.string().nullable(), vendorId: z.string(), modelId: z.string(), receivedAt: z.date(), failedAt: z.date(), fromStatus: z.string().nullable(), reason: z.string().nullable() }),
  ),
});
export type TDoaKpiOut = z.infer<typeof ZDoaKpiOut>;

export const ZInstallKpiOut = z.object({
  targetDays: z.number(),
  months: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  installs: z.number().int(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  met: z.boolean().nullable(),
  bySite: z.array(z.object({ siteId: z.string(), name: z.string(), installs: z.number().int(), p50: z.number().nullable(), p90: z.number().nullable() })),
  /** the installations behind the figure, newest SAT pass first (first 1000) */
  drill: z.array(z.object({ assetId: z.string(), serial: z.string(), assetTag: z.string().nullable(), siteId: z.string(), receivedAt: z.date(), passedAt: z.date(), days: z.number() })),
});
export type TInstallKpiOut = z.infer<typeof ZInstallKpiOut>;

export const ZAssetId = z.object({ assetId: id });
/** One DOA asset's evidence: the failing event, and burn-in's evidence when that domain supplies it. */
export const ZDoaEvidenceOut = z.object({
  assetId: z.string(),
  serial: z.string(),
  doa: z.boolean(),
  failedAt: z.date().nullable(),
  fromStatus: z.string().nullable(),
  reason: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).nullable(),
  burnIn: z.object({ summary: z.string(), runId: z.string().nullable(), details: z.record(z.string(), z.unknown()).nullable() }).nullable(),
});
export type TDoaEvidenceOut = z.infer<typeof ZDoaEvidenceOut>;

/** The [from, to) months of a KPI query (YYYY-MM strings; either may be absent). */
export function monthRange(q: { period?: string; fromMonth?: string; toMonth?: string }): { from: string | null; to: string | null } {
  if (!q.period) return { from: q.fromMonth ?? null, to: q.toMonth ?? null };
  const y = Number(q.period.slice(0, 4));
  const ym = (yy: number, m: number) => `${yy + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
  if (q.period.length === 4) return { from: ym(y, 0), to: ym(y, 12) };
  if (q.period[5] === "Q") {
    const n = Number(q.period[6]);
    return { from: ym(y, (n - 1) * 3), to: ym(y, n * 3) };
  }
  const m = Number(q.period.slice(5, 7)) - 1;
  return { from: ym(y, m), to: ym(y, m + 1) };
}
