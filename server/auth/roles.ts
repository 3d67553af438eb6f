import { z } from "zod";

export const ROLES = ["admin", "procurement", "warehouse", "technician", "firmware", "viewer"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ROLE_LABELS: Record<TRole, string> = {
  admin: "Administrator",
  procurement: "Procurement",
  warehouse: "Warehouse",
  technician: "DC technician",
  firmware: "Firmware engineer",
  viewer: "Viewer (read-only)",
};

/** Everyone who may sign in reads the CMDB. */
export const ANY_ROLE: readonly TRole[] = ROLES;
/** Who edits places and the catalogue (sites, racks, bins, models, vendors). */
export const CATALOG_EDITORS: readonly TRole[] = ["admin", "procurement", "warehouse"];
/** Who registers new assets. */
export const ASSET_CREATORS: readonly TRole[] = ["admin", "procurement", "warehouse"];
/** Who edits an asset's record (tag, location, parent, notes). */
export const ASSET_EDITORS: readonly TRole[] = ["admin", "warehouse", "technician"];
export const ADMIN_ONLY: readonly TRole[] = ["admin"];
