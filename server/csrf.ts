/**
 * CSRF defence for cookie-authenticated calls (tRPC), beyond SameSite=Lax:
 * a mutation must carry the app's own header (which a cross-site form or a
 * simple request cannot set) and, when the browser says where it came from
 * (Origin, Sec-Fetch-Site), come from this site. REST and the agent API take
 * bearer tokens only and need none of this.
 */
import { errorBody, json } from "./http";

export const CSRF_HEADER = "x-ironledger-request";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** A 403 response when `req` is a mutation that may come from another site, else null. */
export function csrfRefusal(req: Request): Response | null {
  if (SAFE.has(req.method)) return null;
  const refuse = () => json(403, errorBody("FORBIDDEN", "This request came from another site, or from an old copy of IronLedger. Reload the page and try again."));
  if (req.headers.get(CSRF_HEADER) !== "1") return refuse();
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return refuse();
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return refuse(); // "null" (sandboxed frames, some redirects) or garbage
    }
    const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host") || new URL(req.url).host;
    if (originHost.toLowerCase() !== host.toLowerCase()) return refuse();
  }
  return null;
}
