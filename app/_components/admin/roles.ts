/** Roles as people read them, for the admin screens' selectors (server/auth/roles.ts is the one list). */
import { ROLE_LABELS, ROLES, type TRole } from "@/server/auth/roles";

export const ROLE_OPTIONS = ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));
export type TRoleValue = TRole;
export const roleLabel = (r: string) => ROLE_LABELS[r as TRole] ?? r;
