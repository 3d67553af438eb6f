/** Racking and cabling: rack placements, device interfaces, the cable plan and its verification (zod, named Z…, types T…). */
import { z } from "zod";
import type { TRole } from "../../auth/roles";
import { ANY_ROLE } from "../../auth/roles";

/** Technicians (and the network engineers, who sign in as technicians) write placements and the cable plan; everyone reads. */
export const CABLING_WRITERS: readonly TRole[] = ["admin", "technician"];
export const CABLING_READERS: readonly TRole[] = ANY_ROLE;
/** Only an admin waives the cabling gate of a SAT. */
export const CABLING_ADMINS: readonly TRole[] = ["admin"];

export const FACES = ["FRONT", "REAR"] as const;
export const ZFace = z.enum(FACES);
export type TFace = z.infer<typeof ZFace>;
export const PLACEMENT_STATUSES = ["PLANNED", "RACKED"] as const;
export const CABLE_STATUSES = ["PENDING", "VERIFIED", "WRONG_PORT", "MISSING", "UNEXPECTED"] as const;
export const ZCableStatus = z.enum(CABLE_STATUSES);
export type TCableStatus = z.infer<typeof ZCableStatus>;

const id = z.string().trim().min(1, "Required").max(64);
const unit = z.number().int("A whole U").min(1, "U1 is the lowest unit").max(60);

export const ZId = z.object({ id });
export const ZRackId = z.object({ rackId: id });
export const ZAssetId = z.object({ assetId: id });

export const ZPlacementPlan = z.object({ assetId: id, rackId: id, rackUnit: unit, face: ZFace.default("FRONT") });
export const ZPlacementCsv = z.object({ csv: z.string().min(1, "Paste or upload the CSV").max(2_000_000) });
/** The technician's confirmation: the scanned rack label, the scanned server, the U they mounted it at. */
export const ZPlacementConfirm = z.object({
  rackCode: z.string().trim().min(1, "Scan the rack label").max(200),
  assetCode: z.string().trim().min(1, "Scan the server").max(200),
  rackUnit: unit,
  expectedVersion: z.number().int().optional(),
});
/** The asset page's Racked button: rack and U chosen there, checked like a plan, racked at once. */
export const ZRackNow = z.object({ assetId: id, rackId: id, rackUnit: unit, face: ZFace.default("FRONT"), expectedVersion: z.number().int().optional() });

export const ZPlacement = z.object({
  id: z.string(),
  assetId: z.string(),
  rackId: z.string(),
  rackUnit: z.number().int(),
  face: z.string().pipe(ZFace),
  status: z.string().pipe(z.enum(PLACEMENT_STATUSES)),
  asset: z.object({ serial: z.string(), assetTag: z.string().nullable(), status: z.string(), model: z.string(), heightU: z.number().int() }),
  version: z.number().int(),
});
export type TPlacement = z.infer<typeof ZPlacement>;
export const ZPlacements = z.array(ZPlacement);
export const ZCsvResult = z.object({ planned: z.number().int() });

export const ZRackLimits = z.object({ id, powerBudgetW: z.number().int().min(0).max(1_000_000).nullable(), maxWeightKg: z.number().int().min(0).max(100_000).nullable() });

// ---------------------------------------------------------------- elevations

export const ZElevationDevice = z.object({
  assetId: z.string(),
  label: z.string(),
  model: z.string(),
  kind: z.string(),
  rackUnit: z.number().int(),
  heightU: z.number().int(),
  face: z.string().pipe(ZFace),
  /** RACKED: standing there; PLANNED: the units are reserved for it */
  state: z.enum(["RACKED", "PLANNED"]),
  status: z.string(),
  powerW: z.number().int(),
});
export type TElevationDevice = z.infer<typeof ZElevationDevice>;
export const ZElevation = z.object({
  rack: z.object({ id: z.string(), code: z.string(), path: z.string(), heightU: z.number().int(), powerBudgetW: z.number().int().nullable(), maxWeightKg: z.number().int().nullable() }),
  devices: z.array(ZElevationDevice),
  powerW: z.object({ racked: z.number().int(), planned: z.number().int(), budget: z.number().int().nullable() }),
  usedU: z.number().int(),
  reservedU: z.number().int(),
  front: z.string(),
  rear: z.string(),
});
export type TElevation = z.infer<typeof ZElevation>;
export const ZRackSummary = z.object({ id: z.string(), code: z.string(), name: z.string(), path: z.string(), heightU: z.number().int(), usedU: z.number().int(), reservedU: z.number().int(), powerW: z.number().int(), powerBudgetW: z.number().int().nullable(), cables: z.object({ verified: z.number().int(), total: z.number().int() }) });
export const ZRoom = z.object({ id: z.string(), path: z.string(), racks: z.array(ZRackSummary) });
export const ZRooms = z.array(ZRoom);

// ---------------------------------------------------------------- interfaces and cables

export const ZInterface = z.object({ id: z.string(), assetId: z.string(), name: z.string(), mac: z.string().nullable(), source: z.string() });
export const ZInterfaces = z.array(ZInterface);
export type TInterface = z.infer<typeof ZInterface>;

const port = z.string().trim().min(1, "Name the port").max(64);
export const ZCableInput = z.object({
  label: z.string().trim().min(1, "Give the cable an ID").max(32).transform((s) => s.toUpperCase()).pipe(z.string().regex(/^[A-Z0-9][A-Z0-9\-_.]*$/, "Letters, digits, - _ . only")),
  aAssetId: id,
  aPort: port,
  bAssetId: id,
  bPort: port,
  type: z.string().trim().min(1, "Cable type, e.g. DAC, CAT6, OM4").max(32),
  lengthM: z.number().positive("Length in metres").max(1000),
});
export const ZCableUpdate = z.object({ id, expectedVersion: z.number().int().optional(), data: ZCableInput.partial() });

export const ZCableEnd = z.object({ assetId: z.string(), name: z.string(), port: z.string(), rack: z.string().nullable(), rackUnit: z.number().int().nullable() });
export const ZCable = z.object({
  id: z.string(),
  label: z.string(),
  a: ZCableEnd,
  b: ZCableEnd,
  type: z.string(),
  lengthM: z.number(),
  status: z.string().pipe(ZCableStatus),
  observed: z.string().nullable(),
  checkedAt: z.date().nullable(),
  verifiedAt: z.date().nullable(),
  version: z.number().int(),
});
export type TCable = z.infer<typeof ZCable>;
export const ZCables = z.array(ZCable);
export const ZCableQuery = z.object({ rackId: id.optional(), assetId: id.optional() }).refine((q) => q.rackId || q.assetId, { message: "Name a rack or an asset (switch or server)" });

export const ZLabelQuery = z.object({ id, format: z.enum(["pdf", "zpl"]).default("pdf"), stock: z.enum(["2x1", "4x6"]).default("2x1") });
export const ZLabelFile = z.object({ filename: z.string(), contentType: z.string(), base64: z.string(), labels: z.number().int() });

/** Per port of a device: which cable, its state (the cabling page: green/red). */
export const ZPortStatus = z.object({ port: z.string(), cableId: z.string().nullable(), label: z.string().nullable(), peer: z.string().nullable(), status: z.string().pipe(ZCableStatus).nullable(), observed: z.string().nullable() });
export const ZDevicePorts = z.object({ assetId: z.string(), name: z.string(), kind: z.string(), rackUnit: z.number().int().nullable(), ports: z.array(ZPortStatus) });
export const ZCablingBoard = z.object({ title: z.string(), devices: z.array(ZDevicePorts), counts: z.record(z.string(), z.number().int()) });
export type TCablingBoard = z.infer<typeof ZCablingBoard>;

export const ZWaiver = z.object({ assetId: id, reason: z.string().trim().min(5, "Say why the cabling is waived (at least 5 characters)").max(500) });
export const ZWaiverOut = z.object({ assetId: z.string(), reason: z.string(), waivedBy: z.string(), createdAt: z.date() });
