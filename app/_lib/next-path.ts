/**
 * Where to go after sign-in: only a path on this site. Anything else (another
 * origin, a protocol-relative "//host", a backslash trick, control characters,
 * the sign-in page itself) goes to the asset list.
 */
export function safeNext(next: string | string[] | undefined | null): string {
  const n = Array.isArray(next) ? next[0] : next;
  if (!n || n.length > 2048 || !n.startsWith("/") || n.startsWith("//") || n.startsWith("/\\") || /[\u0000-\u001f\u007f]/.test(n) || /^\/login(\?|$|\/)/.test(n)) return "/assets";
  // resolve against a dummy origin: whatever resolves elsewhere is refused
  try {
    const u = new URL(n, "http://ironledger.invalid");
    if (u.origin !== "http://ironledger.invalid") return "/assets";
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return "/assets";
  }
}
