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
