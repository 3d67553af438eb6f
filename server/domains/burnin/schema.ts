/**
 * Burn-in: profiles (named per model family, versioned), runs (one asset's soak
 * watched through its BMC's site agent), the rules that judge them, and the
 * in-band results the burn-in image reports. zod in/out for the service, the
 * tRPC router and the REST route.
 */
import { z } from "zod";
import type { TRole } from "../../auth/roles";

/** who starts, judges, aborts, extends and re-runs soaks */
export const BURNIN_WRITERS: readonly TRole[] = ["admin", "technician"];
/** who edits profiles */
export const BURNIN_PROFILE_WRITERS: readonly TRole[] = ["admin", "technician"];

export const RUN_STATUSES = ["RUNNING", "PASSED", "FAILED", "ABORTED"] as const;
export const ZRunStatus = z.enum(RUN_STATUSES);
export type TRunStatus = z.infer<typeof ZRunStatus>;

export const SENSOR_TYPES = ["temperature", "fan", "voltage", "current", "power", "other"] as const;
export const ZSensorType = z.enum(SENSOR_TYPES);
export type TSensorType = z.infer<typeof ZSensorType>;

const ZRuleId = z.string().trim().min(1).max(60).regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, . _ -");

/** A limit on sensors chosen by type or by name, that fails the run when broken for `forSec` without a break. */
export const ZSensorRule = z
  .object({
    id: ZRuleId,
    match: z.object({ type: ZSensorType.optional(), name: z.string().trim().min(1).max(80).optional().describe("case-insensitive part of the sensor name") }).refine((m) => m.type || m.name, "Name a sensor type or a part of its name."),
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
    forSec: z.number().int().min(0).max(86_400).default(0),
  })
  .refine((r) => r.above !== undefined || r.below !== undefined, "Give a limit: above, below or both.");
export type TSensorRule = z.output<typeof ZSensorRule>;

/** SEL entries matched by sensor type and event text: "fail" fails the run at once, "count" fails it at `threshold` entries. */
export const ZSelRule = z
  .object({
    id: ZRuleId,
    sensorType: z.string().trim().max(60).optional().describe("case-insensitive part of the SEL entry's sensor type"),
    event: z.string().trim().min(1).max(120).describe("case-insensitive part of the event text"),
    action: z.enum(["fail", "count"]),
    threshold: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((r) => r.action === "fail" || r.threshold !== undefined, "A counted SEL rule needs a threshold.");
export type TSelRule = z.output<typeof ZSelRule>;

/** An in-band stage the burn-in image must report; a figure outside its bounds fails it. */
export const ZInbandStage = z.object({
  stage: z.string().trim().min(1).max(40).regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, . _ -"),
  tool: z.string().trim().min(1).max(40),
  criteria: z.record(z.string().min(1).max(60), z.object({ min: z.number().finite().optional(), max: z.number().finite().optional() })).default({}),
});
export type TInbandStage = z.output<typeof ZInbandStage>;

export const STAGE_KINDS = ["cpu-memory-stress", "memory-test", "disk", "network", "power-cycle"] as const;
export const ZStage = z.object({ kind: z.enum(STAGE_KINDS), atSec: z.number().int().min(0), durationSec: z.number().int().min(0).default(0) });
export type TStage = z.output<typeof ZStage>;

export const DEFAULT_SEL_RULES: z.input<typeof ZSelRule>[] = [
  { id: "sel.uncorrectable-ecc", sensorType: "memory", event: "Uncorrectable ECC", action: "fail" },
  { id: "sel.psu-failure", sensorType: "power supply", event: "Failure detected", action: "fail" },
  { id: "sel.thermal-trip", event: "Thermal Trip", action: "fail" },
  { id: "sel.correctable-ecc", sensorType: "memory", event: "Correctable ECC", action: "count", threshold: 100 },
];

export const ZProfileSpec = z.object({
  durationSec: z.number().int().min(60).max(30 * 86_400).default(48 * 3600),
  cadenceSec: z.number().int().min(5).max(3600).default(10),
  /** how long after the deadline late (journaled) samples are waited for before the run is judged */
  graceSec: z.number().int().min(0).max(86_400).default(300),
  /** the BMC may go unanswered this long (no reading, or only failed ones) before the run fails */
  maxSilenceSec: z.number().int().min(10).max(86_400).default(900),
  /** raw samples are kept this long after the run ends; then only the per-minute series */
  rawRetentionDays: z.number().int().min(0).max(3650).default(30),
  stages: z.array(ZStage).max(50).default([]),
  sensorRules: z.array(ZSensorRule).max(100).default([]),
  selRules: z.array(ZSelRule).max(100).default(DEFAULT_SEL_RULES),
  inband: z.array(ZInbandStage).max(20).default([]),
});
export type TProfileSpec = z.output<typeof ZProfileSpec>;

export const ZProfileCreate = z.object({
  name: z.string().trim().min(1).max(60).regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, . _ -"),
  family: z.string().trim().min(1).max(80),
  spec: ZProfileSpec,
});
export type TProfileCreate = z.input<typeof ZProfileCreate>;

export const ZProfile = z.object({ id: z.string(), name: z.string(), family: z.string(), version: z.number().int(), spec: ZProfileSpec, createdBy: z.string(), createdAt: z.date() });
export type TProfile = z.output<typeof ZProfile>;

export const ZRunStart = z
  .object({
    profileId: z.string().min(1),
    assetIds: z.array(z.string().min(1)).max(1000).optional(),
    /** every RECEIVED asset in this location (a rack, a room, a site) and below */
    locationId: z.string().min(1).optional(),
    /** every server a receipt received that is still RECEIVED (the batch that just came in) */
    receiptId: z.string().min(1).optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .refine((x) => (x.assetIds?.length ?? 0) > 0 || x.locationId || x.receiptId, "Choose assets, a location or a receipt.");
export type TRunStart = z.input<typeof ZRunStart>;

/** A receipt with servers still RECEIVED: a batch a technician can start from the dock. */
export const ZReceiptBatches = z.array(z.object({ receiptId: z.string(), number: z.string(), createdAt: z.date(), servers: z.number().int() }));

export const ZRunId = z.object({ runId: z.string().min(1) });
export const ZReason = z.string().trim().min(3, "Say why (at least 3 characters).").max(500);
export const ZRunAbort = z.object({ runId: z.string().min(1), reason: ZReason });
export const ZRunExtend = z.object({ runId: z.string().min(1), hours: z.number().min(0.1).max(24 * 14), reason: ZReason });
export const ZRunRerun = z.object({ runId: z.string().min(1), reason: ZReason });
export const ZRunDecide = z.object({ runId: z.string().min(1), outcome: z.enum(["PASSED", "FAILED"]), reason: ZReason });

export const ZFailure = z.object({
  rule: z.string(),
  kind: z.enum(["sensor", "sel", "silence", "inband", "power-cycle", "manual"]),
  at: z.string(),
  message: z.string(),
  sensor: z.string().optional(),
  value: z.number().nullable().optional(),
  limit: z.number().optional(),
});
export type TFailure = z.output<typeof ZFailure>;

export const ZSensorMeta = z.object({ name: z.string(), unit: z.string(), type: ZSensorType });
export type TSensorMeta = z.output<typeof ZSensorMeta>;

export const ZRunRow = z.object({
  id: z.string(),
  assetId: z.string(),
  serial: z.string(),
  model: z.string(),
  batchId: z.string(),
  profile: z.string(),
  status: ZRunStatus,
  startedAt: z.date(),
  endsAt: z.date(),
  finishedAt: z.date().nullable(),
  samples: z.number().int(),
  lastSampleAt: z.date().nullable(),
  failure: ZFailure.nullable(),
});
export type TRunRow = z.output<typeof ZRunRow>;

export const ZBoard = z.object({ now: z.date(), running: z.array(ZRunRow), recent: z.array(ZRunRow) });
export type TBoard = z.output<typeof ZBoard>;

export const ZSelEvent = z.object({ selId: z.number().int(), at: z.date(), sensorType: z.string(), event: z.string(), severity: z.string() });
export const ZResultOut = z.object({ stage: z.string(), tool: z.string(), startedAt: z.date(), finishedAt: z.date(), passed: z.boolean(), figures: z.record(z.string(), z.number()), log: z.string() });
export const ZSeries = z.object({ sensor: ZSensorMeta, points: z.array(z.tuple([z.number(), z.number().nullable()])), limits: z.object({ above: z.number().optional(), below: z.number().optional() }) });
export type TSeries = z.output<typeof ZSeries>;

export const ZRunDetail = ZRunRow.extend({
  profileSpec: ZProfileSpec,
  profileVersion: z.number().int(),
  reason: z.string().nullable(),
  rerunOf: z.string().nullable(),
  events: z.array(ZSelEvent),
  results: z.array(ZResultOut),
  series: z.array(ZSeries),
  cycles: z.array(z.object({ commandId: z.string(), atSec: z.number(), status: z.string(), power: z.string().nullable() })),
  canDecide: z.boolean(),
});
export type TRunDetail = z.output<typeof ZRunDetail>;

export const ZStartOut = z.object({ batchId: z.string(), runs: z.array(z.object({ runId: z.string(), assetId: z.string(), serial: z.string(), token: z.string() })) });

// ---------------------------------------------------------------- in-band results (REST)

export const LOG_MAX_CHARS = 8_000;
export const ZInbandResult = z
  .object({
    runId: z.string().min(1).max(64).describe("the run the token was issued for"),
    stage: z.string().trim().min(1).max(40).describe("a stage the run's profile expects, e.g. cpu, memory, disk"),
    tool: z.string().trim().min(1).max(40).describe("e.g. stress-ng, memtester, fio, iperf3"),
    startedAt: z.string().datetime({ offset: true }),
    finishedAt: z.string().datetime({ offset: true }),
    passed: z.boolean(),
    figures: z.record(z.string().min(1).max(60), z.number().finite()).refine((f) => Object.keys(f).length <= 50, "At most 50 figures.").default({}).describe("key figures, e.g. {\"bogo_ops\": 12345, \"MiB_s\": 980}"),
    log: z.string().max(LOG_MAX_CHARS, `A log excerpt of at most ${LOG_MAX_CHARS} characters: send the end of the log.`).default(""),
  })
  .refine((r) => Date.parse(r.finishedAt) >= Date.parse(r.startedAt), { message: "finishedAt is before startedAt.", path: ["finishedAt"] });
export type TInbandResult = z.input<typeof ZInbandResult>;
export const ZInbandAck = z.object({ runId: z.string(), stage: z.string(), accepted: z.boolean(), passed: z.boolean(), message: z.string() });

/** What a DOA drill-down or an RMA draft shows of an asset's latest failed soak. */
export const ZEvidenceSummary = z.object({
  runId: z.string(),
  assetId: z.string(),
  serial: z.string(),
  finishedAt: z.date().nullable(),
  failure: ZFailure,
  selCount: z.number().int(),
  pdfPath: z.string(),
});
export type TEvidenceSummary = z.output<typeof ZEvidenceSummary>;
