import { z } from "zod";
import { CAPABILITIES, type TCapability } from "../../auth/capabilities";
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

// ------------------------------------------------------------------ procedure outputs (never a password hash, session id or token hash)

/** A role as stored (text), read as one of ROLES. */
const ZStoredRole = z.string().pipe(ZRole);

/** What the UI may offer the signed-in user (server/auth/capabilities.ts): one boolean per capability. */
export const ZCapabilities = z.object(Object.fromEntries(Object.keys(CAPABILITIES).map((k) => [k, z.boolean()])) as Record<TCapability, z.ZodBoolean>);

/** Who is signed in, and what the UI may offer them. */
export const ZMe = z.object({
  type: z.enum(["user", "token", "agent", "system"]),
  id: z.string(),
  name: z.string(),
  username: z.string().optional(),
  role: ZStoredRole,
  can: ZCapabilities,
  /** nothing this account may change anywhere (a viewer): pages say so (isReadOnly in server/auth/capabilities.ts) */
  readOnly: z.boolean(),
});
export type TMe = z.infer<typeof ZMe>;

export const ZLoginUser = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: ZStoredRole });
export const ZLoginOutput = z.object({ user: ZLoginUser, expiresAt: z.date() });
export const ZOk = z.object({ ok: z.boolean() });
export const ZUnlockInput = z.object({ user: z.string().trim().min(1, "Name the user (id or user name).").max(64) });
export const ZUnlockOutput = z.object({ id: z.string(), username: z.string(), cleared: z.number().int() });

export const ZUser = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: ZStoredRole, active: z.boolean(), createdAt: z.date() });
export const ZUsers = z.array(ZUser);
export type TUser = z.infer<typeof ZUser>;

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: ZStoredRole,
  /** the first characters, to recognise a token; never the token */
  prefix: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export const ZApiTokens = z.array(ZApiToken);
export type TApiToken = z.infer<typeof ZApiToken>;
/** A new token: the only answer that carries the token itself (shown once). */
export const ZApiTokenCreated = ZApiToken.omit({ lastUsedAt: true, revokedAt: true }).extend({ token: z.string() });
export const ZApiTokenRevoked = z.object({ id: z.string(), name: z.string(), revokedAt: z.date().nullable() });
export const ZIdInput = z.object({ id: z.string().min(1) });

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
