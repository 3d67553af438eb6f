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
  })
  .refine((m) => !RACKABLE_KINDS.includes(m.kind) || m.kind === "PDU" || m.heightU > 0, { message: "Servers and switches take at least 1 U", path: ["heightU"] })
  .refine((m) => !COMPONENT_KINDS.includes(m.kind) || m.heightU === 0, { message: "Parts do not take rack units", path: ["heightU"] });
export const ZVendorCreate = z.object({
  name,
  contactEmail: z.email("Enter an e-mail address").optional(),
  rmaSlaDays: z.number().int().min(1).max(365).default(5),
});
