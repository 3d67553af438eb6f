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

// ------------------------------------------------------------------ security posture

export const POSTURE_STATES = ["COMPLIANT", "NON_COMPLIANT", "UNKNOWN", "NO_POLICY"] as const;
export type TPostureState = (typeof POSTURE_STATES)[number];
export const SECURE_BOOT_RULES = ["REQUIRED", "ANY"] as const;
export const TPM_RULES = ["REQUIRED", "ANY"] as const;

const attrName = z.string().trim().min(1, "Name the attribute as the BIOS reports it (e.g. BootMode)").max(200);
/** A hardware model's posture policy: SecureBoot and TPM rules and the BIOS attributes with their approved values. */
export const ZPosturePolicyInput = z
  .object({
    modelId: id,
    secureBoot: z.enum(SECURE_BOOT_RULES, { error: "SecureBoot is REQUIRED or ANY" }),
    tpm: z.enum(TPM_RULES, { error: "TPM is REQUIRED or ANY" }),
    /** with tpm REQUIRED: the TPM version it must be (e.g. "2.0"); empty means any version */
    tpmVersion: z.string().trim().max(20).nullish(),
    attributes: z
      .array(z.object({ name: attrName, values: z.array(z.string().trim().min(1, "An approved value cannot be empty").max(200)).min(1, "Give at least one approved value").max(50) }))
      .max(200),
    notes: z.string().trim().max(2000).nullish(),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.attributes.forEach((a, i) => {
      const k = a.name.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: "custom", path: ["attributes", i, "name"], message: `The same attribute as row ${seen.get(k)! + 1}` });
      seen.set(k, i);
    });
    if (p.tpmVersion && p.tpm !== "REQUIRED") ctx.addIssue({ code: "custom", path: ["tpmVersion"], message: "A TPM version needs the TPM REQUIRED rule" });
  });
export type TPosturePolicyInput = z.input<typeof ZPosturePolicyInput>;
export const ZPosturePolicyOut = z.object({
  id: z.string(),
  modelId: z.string(),
  modelName: z.string(),
  revision: z.number().int(),
  secureBoot: z.enum(SECURE_BOOT_RULES),
  tpm: z.enum(TPM_RULES),
  tpmVersion: z.string().nullable(),
  attributes: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  notes: z.string().nullable(),
  updatedAt: z.date(),
  updatedBy: z.string(),
});
export type TPosturePolicyOut = z.infer<typeof ZPosturePolicyOut>;
export const ZPosturePolicies = z.object({ items: z.array(ZPosturePolicyOut) });
export const ZPolicyQuery = z.object({ modelId: id.optional() });
export const ZModelKey = z.object({ modelId: id });

/** What the latest probe showed (null parts: not reported). */
export const ZObservedPosture = z.object({
  observedAt: z.date(),
  secureBoot: z.object({ state: z.enum(["enabled", "disabled", "unknown"]), enable: z.boolean().nullable(), mode: z.string().nullable(), databases: z.array(z.object({ id: z.string(), certificates: z.number().int().nullable() })).nullable() }).nullable(),
  tpm: z.object({ present: z.boolean(), enabled: z.boolean(), version: z.string().nullable(), interfaceType: z.string().nullable(), firmwareVersion: z.string().nullable() }).nullable(),
  bios: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
});
export type TObservedPosture = z.infer<typeof ZObservedPosture>;
export const ZWaiver = z.object({ id: z.string(), reason: z.string(), createdBy: z.string(), createdAt: z.date() });
export const ZAssetPosture = z.object({
  assetId: z.string(),
  state: z.enum(POSTURE_STATES),
  /** one line per rule not met or not observed */
  reasons: z.array(z.object({ rule: z.string(), outcome: z.enum(["FAIL", "UNKNOWN"]), message: z.string() })),
  policyRevision: z.number().int().nullable(),
  observed: ZObservedPosture.nullable(),
  waiver: ZWaiver.nullable(),
});
export type TAssetPosture = z.infer<typeof ZAssetPosture>;
export const ZPostureQuery = z.object({ modelId: id.optional(), siteId: id.optional(), state: z.enum(POSTURE_STATES).optional(), take: z.coerce.number().int().min(1).max(5000).default(200) });
export const ZFleetPosture = z.object({
  counts: z.record(z.enum(POSTURE_STATES), z.number().int()),
  byModel: z.array(z.object({ modelId: z.string(), modelName: z.string(), counts: z.record(z.enum(POSTURE_STATES), z.number().int()) })),
  bySite: z.array(z.object({ siteId: z.string().nullable(), counts: z.record(z.enum(POSTURE_STATES), z.number().int()) })),
  rows: z.array(z.object({ assetId: z.string(), serial: z.string(), assetTag: z.string().nullable(), status: z.string(), modelName: z.string(), state: z.enum(POSTURE_STATES), reasons: z.array(z.string()), waived: z.boolean() })),
});
export const ZWaiverInput = z.object({ assetId: id, reason: z.string().trim().min(10, "Say why this asset may pass SAT as it is (at least 10 characters)").max(2000) });
export const ZWaiverRevoke = z.object({ assetId: id });

// ------------------------------------------------------------------ drift findings

export const FINDING_STATUSES = ["OPEN", "ACCEPTED", "DISMISSED", "PLANNED", "RESOLVED"] as const;
export const FINDING_DECISIONS = ["ACCEPTED", "DISMISSED", "PLANNED"] as const;
export const ZFirmwareFinding = z.object({
  id: z.string(),
  assetId: z.string(),
  component: z.string(),
  version: z.string(),
  state: z.enum(DRIFT_STATES),
  lag: z.number().int().nullable(),
  target: z.string().nullable(),
  status: z.enum(FINDING_STATUSES),
  note: z.string().nullable(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
});
export type TFirmwareFinding = z.infer<typeof ZFirmwareFinding>;
export const ZFindingQuery = z.object({ assetId: id.optional(), status: z.array(z.enum(FINDING_STATUSES)).optional(), take: z.coerce.number().int().min(1).max(1000).default(200) });
export const ZFindings = z.object({ items: z.array(ZFirmwareFinding) });
export const ZFindingDecision = z
  .object({ id, decision: z.enum(FINDING_DECISIONS, { error: "Decide ACCEPTED, DISMISSED or PLANNED" }), note: z.string().trim().max(2000).nullish() })
  .superRefine((d, ctx) => {
    if (d.decision !== "ACCEPTED" && (!d.note || d.note.length < 3)) ctx.addIssue({ code: "custom", path: ["note"], message: d.decision === "PLANNED" ? "Say which update is planned (campaign, window)" : "Say why this drift is not an issue" });
  });

// ------------------------------------------------------------------ hardware BOM (CycloneDX 1.6)

export const ZHbomQuery = z
  .object({
    assetId: id.optional(),
    rackId: id.optional(),
    poId: id.optional(),
    fleet: z
      .union([z.boolean(), z.enum(["1", "true", "0", "false"])])
      .transform((v) => v === true || v === "1" || v === "true")
      .optional(),
  })
  .refine((q) => [q.assetId, q.rackId, q.poId, q.fleet || undefined].filter((x) => x !== undefined).length === 1, { message: "Give exactly one of assetId, rackId, poId or fleet=1" });
export const ZHbomScope = z.object({ rackId: id.optional(), poId: id.optional(), fleet: z.enum(["1", "true", "0", "false"]).optional() });
export const ZHbomFile = z.object({ filename: z.string(), contentType: z.literal("application/vnd.cyclonedx+json"), base64: z.string() });
