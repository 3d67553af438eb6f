import { z } from "zod";

export const LOCATION_KINDS = ["SITE", "ROOM", "RACK", "BIN"] as const;
export const ZLocationKind = z.enum(LOCATION_KINDS);
export type TLocationKind = z.infer<typeof ZLocationKind>;

/** Which kind may sit under which. Bins live in a site's warehouse room (or directly in the site). */
export const PARENT_KINDS: Record<TLocationKind, readonly (TLocationKind | null)[]> = {
  SITE: [null],
  ROOM: ["SITE"],
  RACK: ["ROOM"],
  BIN: ["SITE", "ROOM"],
};

export const ZLocationCreate = z
  .object({
    kind: ZLocationKind,
    code: z
      .string()
      .trim()
      .min(1, "Required")
      .max(32)
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(/^[A-Z0-9][A-Z0-9\-_.]*$/, "Letters, digits, - _ . only")),
    name: z.string().trim().min(1, "Required").max(120),
    parentId: z.string().min(1).optional(),
    heightU: z.number().int().min(1).max(60).optional(),
    /** racks only: the power the rack may draw, in W */
    powerBudgetW: z.number().int().min(0).max(1_000_000).optional(),
    /** racks only: the load the rack may carry, in kg */
    maxWeightKg: z.number().int().min(0).max(100_000).optional(),
  })
  .refine((l) => (l.kind === "RACK") === (l.heightU !== undefined), { message: "A rack needs its height in U (and only racks have one)", path: ["heightU"] })
  .refine((l) => (l.kind === "SITE") === (l.parentId === undefined), { message: "A site has no parent; everything else needs one", path: ["parentId"] });

// ------------------------------------------------------------------ procedure inputs and outputs

export const ZLocationListInput = z.object({ kind: ZLocationKind.optional(), siteId: z.string().min(1).optional(), parentId: z.string().min(1).optional() }).optional();

export const ZLocation = z.object({
  id: z.string(),
  /** stored as text, read as one of LOCATION_KINDS */
  kind: z.string().pipe(ZLocationKind),
  code: z.string(),
  name: z.string(),
  /** "FRA1 / HALL-A / R01" */
  path: z.string(),
  parentId: z.string().nullable(),
  siteId: z.string().nullable(),
  heightU: z.number().int().nullable(),
  powerBudgetW: z.number().int().nullable().optional(),
  maxWeightKg: z.number().int().nullable().optional(),
});
export const ZLocations = z.array(ZLocation);
export type TLocation = z.infer<typeof ZLocation>;
