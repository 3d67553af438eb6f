/**
 * The one accepted form of a Redfish BMC address: https://HOST[:PORT], with
 * no path (or the service root's own path), query, fragment or user info. The
 * client always probes /redfish/v1, so a different path would be silently
 * ignored; it is refused instead, and so is plain http:// (credentials are
 * never sent in clear text).
 */
export type RedfishUrlCheck = { ok: true; origin: string; host: string } | { ok: false; message: string };

const ROOT_PATHS = new Set(["", "/", "/redfish", "/redfish/", "/redfish/v1", "/redfish/v1/"]);

export function redfishOrigin(text: string): RedfishUrlCheck {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, message: `--redfish must be a URL such as https://10.0.0.5, got "${text}"` };
  }
  if (u.protocol === "http:")
    return { ok: false, message: `Redfish needs https:// (got ${u.protocol}//${u.host}): credentials are never sent in clear text; use https://${u.host}` };
  if (u.protocol !== "https:") return { ok: false, message: `--redfish must be an https:// URL, got ${u.protocol}//` };
  if (u.username || u.password) return { ok: false, message: `the Redfish URL must not carry a user name or password; give them with --user and --password-env` };
  if (!ROOT_PATHS.has(u.pathname) || u.search || u.hash)
    return {
      ok: false,
      message: `the Redfish URL must be the BMC's address only (https://${u.host}); the path ${u.pathname}${u.search}${u.hash} would not be used (the service root is always /redfish/v1)`,
    };
  return { ok: true, origin: u.origin, host: u.host };
}
