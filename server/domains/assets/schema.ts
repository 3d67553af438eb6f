import { z } from "zod";
import { isPlaceholderSerial, normaliseSerial } from "../../contracts/normalise";
import { ASSET_STATUSES } from "./status";

export const ZAssetStatus = z.enum(ASSET_STATUSES);

/** Serials are compared by the rule BMC reports are read with (server/contracts/normalise.ts). */
export { normaliseSerial };
/** Asset tags: trimmed, upper-case, inner whitespace dropped, like serials. */
export function normaliseTag(raw: string): string {
  return normaliseSerial(raw);
}

const serial = z
  .string()
  .refine((s) => !isPlaceholderSerial(s), "Enter the serial from the label; N/A, 0000, Unknown and the like are what BMCs report when they have none")
  .transform(normaliseSerial)
  .pipe(z.string().min(3, "A serial has at least 3 characters").max(64, "A serial has at most 64 characters").regex(/^[A-Z0-9][A-Z0-9._\-/:#]*$/, "A serial may contain letters, digits and . _ - / : # only"));
const assetTag = z
  .string()
  .transform(normaliseTag)
  .pipe(z.string().min(3, "An asset tag has at least 3 characters").max(32).regex(/^[A-Z0-9][A-Z0-9\-_]*$/, "An asset tag may contain letters, digits, - and _ only"));

export const INITIAL_STATUSES = ["PLANNED", "ORDERED", "IN_TRANSIT", "RECEIVED"] as const;

export const ZAssetCreate = z.object({
  serial,
  modelId: z.string().min(1, "Choose a model"),
  assetTag: assetTag.optional(),
  status: z.enum(INITIAL_STATUSES).default("RECEIVED"),
  locationId: z.string().min(1).optional(),
  rackUnit: z.number().int().min(1).max(60).optional(),
  parentId: z.string().min(1).optional(),
  vendorId: z.string().min(1).optional(),
  notes: z.string().max(2000).optional(),
});
export type TAssetCreate = z.input<typeof ZAssetCreate>;

export const ZAssetUpdate = z.object({
  id: z.string().min(1),
  expectedVersion: z.number().int().nonnegative().optional(),
  data: z
    .object({
      assetTag: assetTag.nullable().optional(),
      locationId: z.string().min(1).nullable().optional(),
      rackUnit: z.number().int().min(1).max(60).nullable().optional(),
      parentId: z.string().min(1).nullable().optional(),
      vendorId: z.string().min(1).nullable().optional(),
      notes: z.string().max(2000).nullable().optional(),
    })
    .refine((d) => Object.keys(d).length > 0, "Nothing to change"),
});
export type TAssetUpdate = z.input<typeof ZAssetUpdate>;

export const ASSET_SORT_FIELDS = ["updatedAt", "createdAt", "serial", "assetTag", "status"] as const;

export const ZAssetListInput = z.object({
  status: z.array(ZAssetStatus).max(16).optional(),
  modelId: z.string().min(1).optional(),
  locationId: z.string().min(1).optional(),
  parentId: z.string().min(1).optional(),
  /** prefix of a serial or an asset tag */
  q: z.string().trim().max(64).optional(),
  sort: z.enum(ASSET_SORT_FIELDS).default("updatedAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type TAssetListInput = z.input<typeof ZAssetListInput>;

export const ZAssetSummary = z.object({
  id: z.string(),
  serial: z.string(),
  assetTag: z.string().nullable(),
  status: ZAssetStatus,
  version: z.number().int(),
  model: z.object({ id: z.string(), name: z.string(), kind: z.string(), manufacturer: z.string() }),
  location: z.object({ id: z.string(), path: z.string(), kind: z.string() }).nullable(),
  rackUnit: z.number().int().nullable(),
  parentId: z.string().nullable(),
  updatedAt: z.date(),
  createdAt: z.date(),
});
export type TAssetSummary = z.infer<typeof ZAssetSummary>;

export const ZAssetEvent = z.object({
  id: z.string(),
  at: z.date(),
  actorType: z.string(),
  actorId: z.string(),
  actorName: z.string(),
  fromStatus: ZAssetStatus.nullable(),
  toStatus: ZAssetStatus,
  reason: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).nullable(),
});
export type TAssetEvent = z.infer<typeof ZAssetEvent>;

// ------------------------------------------------------------------ procedure inputs and outputs

export const ZAssetId = z.object({ id: z.string().min(1) });
export const ZAssetCode = z.object({ code: z.string().trim().min(1, "Scan or type a serial or asset tag").max(128) });

export const ZAssetSummaries = z.array(ZAssetSummary);

/** The register form asks, as soon as it knows a serial (and the model), whether that serial is already registered. */
export const ZSerialCheckInput = z.object({
  serial: z.string().trim().min(1, "Scan or type a serial").max(128),
  /** the model chosen so far: its manufacturer decides what counts as a duplicate */
  modelId: z.string().min(1).optional(),
});
export const ZSerialCheck = z.object({
  /** the serial as it would be stored (trimmed, upper-case) */
  serial: z.string(),
  /** the asset with this serial under the chosen model's manufacturer: registering again would be refused */
  duplicate: ZAssetSummary.nullable(),
  /** assets with the same serial under other manufacturers (allowed, but often a wrong model choice) */
  otherManufacturers: z.array(ZAssetSummary),
});
export type TSerialCheck = z.infer<typeof ZSerialCheck>;
export const ZAssetEvents = z.array(ZAssetEvent);

export const ZAssetList = z.object({
  items: z.array(ZAssetSummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pages: z.number().int(),
});
export type TAssetList = z.infer<typeof ZAssetList>;

/** One asset with its parts, recent events and the moves the caller's role may make. */
export const ZAssetDetail = ZAssetSummary.extend({
  heldStatus: ZAssetStatus.nullable(),
  notes: z.string().nullable(),
  model: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    manufacturer: z.string(),
    partNumber: z.string(),
    heightU: z.number().int(),
    nominalPowerW: z.number().int(),
  }),
  vendor: z.object({ id: z.string(), name: z.string() }).nullable(),
  parent: z.object({ id: z.string(), serial: z.string(), assetTag: z.string().nullable() }).nullable(),
  parts: z.array(ZAssetSummary),
  events: z.array(ZAssetEvent),
  allowedTransitions: z.array(ZAssetStatus).describe("moves the caller's role may make"),
});
export type TAssetDetail = z.infer<typeof ZAssetDetail>;

export const PAYLOAD_MAX_BYTES = 8 * 1024;
export const PAYLOAD_MAX_DEPTH = 4;

/** Levels of objects/arrays: {} is 1, {a:{}} is 2. Stops counting past the limit. */
function jsonDepth(v: unknown, depth = 0): number {
  if (v === null || typeof v !== "object") return depth;
  if (depth > PAYLOAD_MAX_DEPTH) return depth + 1;
  let max = depth + 1;
  for (const x of Object.values(v as Record<string, unknown>)) max = Math.max(max, jsonDepth(x, depth + 1));
  return max;
}

/** Free-form facts about a move, stored in the append-only history: small and shallow. */
export const ZTransitionPayload = z
  .record(z.string(), z.unknown())
  .refine((p) => jsonDepth(p) <= PAYLOAD_MAX_DEPTH, { message: `Nest the payload at most ${PAYLOAD_MAX_DEPTH} levels deep.` })
  .refine((p) => new TextEncoder().encode(JSON.stringify(p) ?? "").length <= PAYLOAD_MAX_BYTES, { message: `The payload may be at most ${PAYLOAD_MAX_BYTES / 1024} KB as JSON.` });

export const ZTransitionInput = z.object({
  assetId: z.string().min(1),
  to: ZAssetStatus,
  /** the version the caller saw; if the asset changed since, the transition is refused with CONFLICT */
  expectedVersion: z.number().int().nonnegative().optional().describe("the version you last saw; 409 CONFLICT if the asset changed since"),
  /** the status the caller saw; if it is no longer the asset's status, the transition is refused with CONFLICT */
  expectedStatus: ZAssetStatus.optional().describe("the status you last saw; 409 CONFLICT (naming who changed it to what, and when) if it is no longer the asset's status"),
  reason: z.string().trim().max(500).optional(),
  payload: ZTransitionPayload.optional(),
});
export type TTransitionInput = z.infer<typeof ZTransitionInput>;

export const ZTransitionResult = z.object({
  assetId: z.string(),
  from: ZAssetStatus,
  to: ZAssetStatus,
  version: z.number().int(),
  eventId: z.string(),
});
export type TTransitionResult = z.infer<typeof ZTransitionResult>;

// ------------------------------------------------------------------ REST (/api/v1) shapes

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item));

/** The list filters as query-string parameters. */
export const ZRestAssetListQuery = z.object({
  status: csv(ZAssetStatus).optional().describe("comma-separated statuses, e.g. RECEIVED,BURN_IN"),
  modelId: z.string().min(1).optional(),
  locationId: z.string().min(1).optional(),
  q: z.string().max(64).optional().describe("prefix of a serial or asset tag"),
  sort: z.enum(ASSET_SORT_FIELDS).default("updatedAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZRestAssetId = z.object({ id: z.string().min(1).max(64) });
export const ZRestAssetCode = z.object({ code: z.string().trim().min(1).max(128) });
/** REST's asset: the detail without its events (they have their own route). */
export const ZRestAssetDetail = ZAssetDetail.omit({ events: true });
export const ZRestTransitionBody = ZTransitionInput.omit({ assetId: true });
export const ZAssetItems = z.object({ items: z.array(ZAssetSummary) });
export const ZAssetEventItems = z.object({ items: z.array(ZAssetEvent) });
