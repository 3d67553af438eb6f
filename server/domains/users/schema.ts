import { z } from "zod";
import { ZRole } from "../../auth/roles";

export const ZUsername = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "At least 2 characters")
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "Letters, digits, . _ - only");
export const ZPassword = z.string().min(12, "At least 12 characters").max(256);

export const ZLoginInput = z.object({ username: ZUsername, password: z.string().min(1, "Enter your password").max(256) });
export const ZUserCreate = z.object({ username: ZUsername, displayName: z.string().trim().min(1).max(120), role: ZRole, password: ZPassword });
export const ZUserUpdate = z.object({
  id: z.string().min(1),
  data: z.object({ displayName: z.string().trim().min(1).max(120).optional(), role: ZRole.optional(), active: z.boolean().optional(), password: ZPassword.optional() }).refine((d) => Object.keys(d).length > 0, "Nothing to change"),
});
export const ZApiTokenCreate = z.object({
  name: z.string().trim().min(1).max(80),
  role: ZRole,
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const SAME_ORIGIN_BASE = "http://ironledger.invalid";
/**
 * Where to go after sign-in: `raw` (the login page's `next`) when it is a path
 * on this site, else `fallback`. Refuses `//host`, `/\host`, encoded slashes
 * and backslashes (`/%2F…`), control characters and any scheme (`javascript:`).
 */
export function safeNextPath(raw: string | null | undefined, fallback = "/assets"): string {
  if (!raw || raw.length > 2048) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  for (const s of [raw, decoded]) {
    if (!s.startsWith("/") || s.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(s)) return fallback;
  }
  const u = new URL(raw, SAME_ORIGIN_BASE);
  if (u.origin !== SAME_ORIGIN_BASE) return fallback;
  return u.pathname + u.search + u.hash;
}
