import { z } from "zod";
import { ASSET_STATUSES } from "./status";

export const ZAssetStatus = z.enum(ASSET_STATUSES);

/** Serials are compared trimmed and upper-case; inner whitespace is dropped (scanners and people add it). */
export function normaliseSerial(raw: string): string {
  return raw.trim().replace(/\s+/g, "").toUpperCase();
}
export function normaliseTag(raw: string): string {
  return raw.trim().replace(/\s+/g, "").toUpperCase();
}

const serial = z
  .string()
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
