/** Firmware: observed inventory, approved baselines, drift and the firmware-lag KPI (zod). */
import { z } from "zod";
import { ANY_ROLE } from "../../auth/roles";
import { compilePattern, DRIFT_STATES, MATCH_RULES, RELEASE_STATUSES } from "./match";

export const FIRMWARE_WRITERS = ["admin", "firmware"] as const;
export const FIRMWARE_READERS = ANY_ROLE;

const id = z.string().trim().min(1, "Required").max(64);
const component = z.string().trim().min(1, "Name the component as the BMC reports it (e.g. BIOS)").max(200);

export const ZRelease = z.object({
  version: z.string().trim().min(1, "Give the version as the vendor writes it").max(200),
  status: z.enum(RELEASE_STATUSES, { error: "Status is APPROVED, BLOCKED or PENDING" }),
  releasedAt: z.iso.date("A date as YYYY-MM-DD").nullish(),
  notes: z.string().trim().max(2000).nullish(),
  packageFile: z.string().trim().max(300).nullish(),
  sha256: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, "A SHA-256 is 64 hexadecimal digits")
    .transform((s) => s.toLowerCase())
    .nullish(),
  pattern: z.string().max(300, "At most 300 characters").nullish(),
});
export type TReleaseInput = z.input<typeof ZRelease>;

/** One component's baseline: its releases OLDEST FIRST, and how observed versions match them. */
export const ZBaselineInput = z
  .object({
    modelId: id,
    component,
    matchRule: z.enum(MATCH_RULES, { error: "The match rule is EXACT, PREFIX or PATTERN" }),
    releases: z.array(ZRelease).min(1, "List at least one release").max(500),
  })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    b.releases.forEach((r, i) => {
      const v = r.version.toLowerCase();
      if (seen.has(v)) ctx.addIssue({ code: "custom", path: ["releases", i, "version"], message: `The same version as release ${seen.get(v)! + 1}` });
      seen.set(v, i);
      if (b.matchRule === "PATTERN" && r.pattern) {
        try {
          compilePattern(r.pattern);
        } catch (e) {
          ctx.addIssue({ code: "custom", path: ["releases", i, "pattern"], message: `Not a regular expression: ${(e as Error).message}` });
        }
      }
      if (b.matchRule !== "PATTERN" && r.pattern) ctx.addIssue({ code: "custom", path: ["releases", i, "pattern"], message: "A pattern needs the PATTERN match rule" });
    });
  });
export type TBaselineInput = z.input<typeof ZBaselineInput>;

const ZReleaseOut = z.object({
  version: z.string(),
  status: z.enum(RELEASE_STATUSES),
  releasedAt: z.string().nullable(),
  notes: z.string().nullable(),
  packageFile: z.string().nullable(),
  sha256: z.string().nullable(),
  pattern: z.string().nullable(),
});
export const ZBaselineOut = z.object({
  id: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  component: z.string(),
  matchRule: z.enum(MATCH_RULES),
  revision: z.number().int(),
  releases: z.array(ZReleaseOut),
  updatedAt: z.date(),
  updatedBy: z.string(),
});
export type TBaselineOut = z.infer<typeof ZBaselineOut>;
export const ZBaselineItems = z.object({ items: z.array(ZBaselineOut) });
export const ZBaselineQuery = z.object({ modelId: id.optional() });
export const ZBaselineKey = z.object({ modelId: id, component });

/** The export / import document: models named by manufacturer and part number, so it moves between installations. */
export const BASELINE_FORMAT = "ironledger.firmware-baselines";
export const ZBaselineDoc = z.object({
  format: z.literal(BASELINE_FORMAT, { error: `The document's format must be "${BASELINE_FORMAT}"` }),
  version: z.literal(1, { error: "This installation reads version 1 documents" }),
  baselines: z
    .array(
      z.object({
        manufacturer: z.string().trim().min(1, "Required"),
        partNumber: z.string().trim().min(1, "Required"),
        component,
        matchRule: z.enum(MATCH_RULES, { error: "The match rule is EXACT, PREFIX or PATTERN" }),
        releases: z.array(ZRelease).min(1, "List at least one release").max(500),
      }),
    )
    .max(5000),
});
export type TBaselineDoc = z.input<typeof ZBaselineDoc>;
export const ZImportOut = z.object({ saved: z.number().int(), unchanged: z.number().int() });

// ------------------------------------------------------------------ drift, fleet, KPI

export const ZDriftQuery = z.object({
  modelId: id.optional(),
  component: component.optional(),
  siteId: id.optional(),
  status: z.string().trim().max(40).optional(),
  state: z.enum(DRIFT_STATES).optional(),
  take: z.coerce.number().int().min(1).max(5000).default(500),
});
export const ZDriftRow = z.object({
  assetId: z.string(),
  serial: z.string(),
  assetTag: z.string().nullable(),
  status: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  siteId: z.string().nullable(),
  component: z.string(),
  observed: z.string().nullable(),
  observedAt: z.date().nullable(),
  state: z.enum(DRIFT_STATES),
  lag: z.number().int().nullable(),
  target: z.string().nullable(),
});
export const ZDriftOut = z.object({
  counts: z.record(z.enum(DRIFT_STATES), z.number().int()),
  total: z.number().int(),
  rows: z.array(ZDriftRow),
});
export type TDriftOut = z.infer<typeof ZDriftOut>;

export const ZFleetQuery = z.object({ modelId: id.optional(), siteId: id.optional(), status: z.string().trim().max(40).optional() });
export const ZFleetOut = z.object({
  items: z.array(
    z.object({
      modelId: z.string(),
      modelName: z.string(),
      component: z.string(),
      hasBaseline: z.boolean(),
      versions: z.array(z.object({ version: z.string(), assets: z.number().int(), state: z.enum(DRIFT_STATES).nullable(), lag: z.number().int().nullable() })),
    }),
  ),
});

export const ZLagQuery = z.object({ siteId: id.optional(), modelId: id.optional() });
export const ZLagOut = z.object({
  /** in-service components with a baseline and a matched version */
  measured: z.number().int(),
  /** of those, lag < 2 */
  withinTarget: z.number().int(),
  /** withinTarget ÷ measured; null when nothing is measured */
  share: z.number().nullable(),
  unknown: z.number().int(),
  blocked: z.number().int(),
  byModel: z.array(z.object({ modelId: z.string(), modelName: z.string(), measured: z.number().int(), withinTarget: z.number().int(), worstLag: z.number().int() })),
  bySite: z.array(z.object({ siteId: z.string().nullable(), measured: z.number().int(), withinTarget: z.number().int(), worstLag: z.number().int() })),
  worst: z.array(ZDriftRow),
});
export type TLagOut = z.infer<typeof ZLagOut>;

export const ZInventoryOut = z.object({
  items: z.array(z.object({ component: z.string(), version: z.string(), source: z.string(), firstSeenAt: z.date(), lastSeenAt: z.date() })),
  history: z.array(z.object({ component: z.string(), fromVersion: z.string().nullable(), toVersion: z.string(), at: z.date() })),
});
export const ZAssetId = z.object({ assetId: id });
