/**
 * Where to go after sign-in: only a path on this site (the one rule is
 * safeNextPath in server/domains/users/schema.ts). Anything else (another
 * origin, a protocol-relative "//host", a backslash trick, control characters)
 * and the sign-in page itself go to the asset list.
 */
import { safeNextPath } from "@/server/domains/users/schema";

export function safeNext(next: string | string[] | undefined | null): string {
  const n = Array.isArray(next) ? next[0] : next;
  if (n && /^\/login(\?|$|\/|#)/.test(n)) return "/assets";
  return safeNextPath(n);
}
