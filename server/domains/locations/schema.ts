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
  })
  .refine((l) => (l.kind === "RACK") === (l.heightU !== undefined), { message: "A rack needs its height in U (and only racks have one)", path: ["heightU"] })
  .refine((l) => (l.kind === "SITE") === (l.parentId === undefined), { message: "A site has no parent; everything else needs one", path: ["parentId"] });
