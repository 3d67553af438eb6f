import { z } from "zod";

export const MODEL_KINDS = ["SERVER", "SWITCH", "PDU", "CPU", "DIMM", "DRIVE", "NIC", "PSU", "OTHER"] as const;
export const ZModelKind = z.enum(MODEL_KINDS);
export type TModelKind = z.infer<typeof ZModelKind>;
/** Kinds that are parts of another asset. */
export const COMPONENT_KINDS: readonly TModelKind[] = ["CPU", "DIMM", "DRIVE", "NIC", "PSU"];
/** Kinds that occupy rack units. */
export const RACKABLE_KINDS: readonly TModelKind[] = ["SERVER", "SWITCH", "PDU"];

const name = z.string().trim().min(1, "Required").max(120);

export const ZManufacturerCreate = z.object({ name });
export const ZModelCreate = z
  .object({
    manufacturerId: z.string().min(1, "Choose a manufacturer"),
    name,
    kind: ZModelKind,
    partNumber: z.string().trim().min(1, "Required").max(64).transform((s) => s.toUpperCase()),
    heightU: z.number().int().min(0).max(20).default(0),
    nominalPowerW: z.number().int().min(0).max(100_000).default(0),
    typicalPowerW: z.number().int().min(0).max(100_000).default(0),
    weightKg: z.number().min(0).max(10_000).optional(),
    /** the network ports every device of this model has (the cable plan's interfaces), stored as JSON */
    interfaceTemplate: z
      .array(z.object({ name: z.string().trim().min(1).max(64), kind: z.string().trim().max(32).optional() }))
      .max(512)
      .refine((a) => new Set(a.map((i) => i.name.toLowerCase())).size === a.length, "Interface names must be unique")
      .optional(),
  })
  .refine((m) => !RACKABLE_KINDS.includes(m.kind) || m.kind === "PDU" || m.heightU > 0, { message: "Servers and switches take at least 1 U", path: ["heightU"] })
  .refine((m) => !COMPONENT_KINDS.includes(m.kind) || m.heightU === 0, { message: "Parts do not take rack units", path: ["heightU"] });
export const ZVendorCreate = z.object({
  name,
  contactEmail: z.email("Enter an e-mail address").optional(),
  rmaSlaDays: z.number().int().min(1).max(365).default(5),
  leadTimeSlaDays: z.number().int().min(1).max(730).default(30),
  supportResponseHours: z.number().int().min(1).max(720).default(24),
  warrantyYears: z.number().int().min(0).max(15).default(3),
});

// ------------------------------------------------------------------ procedure inputs and outputs

export const ZManufacturer = z.object({ id: z.string(), name: z.string() });
export const ZManufacturers = z.array(ZManufacturer);
export type TManufacturer = z.infer<typeof ZManufacturer>;

export const ZModelListInput = z.object({ kind: ZModelKind.optional() }).optional();

export const ZModel = z.object({
  id: z.string(),
  name: z.string(),
  /** stored as text, read as one of MODEL_KINDS */
  kind: z.string().pipe(ZModelKind),
  partNumber: z.string(),
  heightU: z.number().int(),
  nominalPowerW: z.number().int(),
  typicalPowerW: z.number().int(),
  manufacturerId: z.string(),
  manufacturer: z.object({ name: z.string() }),
});
export const ZModels = z.array(ZModel);
export type TModel = z.infer<typeof ZModel>;
/** A model as created (without the manufacturer's name). */
export const ZModelCreated = ZModel.omit({ manufacturer: true });

export const ZVendor = z.object({
  id: z.string(),
  name: z.string(),
  contactEmail: z.string().nullable(),
  rmaSlaDays: z.number().int(),
  leadTimeSlaDays: z.number().int(),
  supportResponseHours: z.number().int(),
  warrantyYears: z.number().int(),
});
export const ZVendors = z.array(ZVendor);
export type TVendor = z.infer<typeof ZVendor>;
