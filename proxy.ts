/**
 * Next.js proxy, before every request except Next's static files:
 * - the security headers of server/security-headers.ts on every response, with a
 *   fresh CSP nonce per request, which Next.js applies to its own scripts when it
 *   renders the page (pages are rendered per request: app/layout.tsx);
 * - pages only: a request without a session cookie is sent to the sign-in page at
 *   once (no flash of the app), and every page learns its own path (x-il-path) so
 *   the server can send an expired session to /login?next=<that path>. The
 *   session itself is checked by the (app) layout on the server; this is only the
 *   cheap first cut.
 */
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, securityHeaders } from "./server/security-headers";

const SESSION_COOKIE = "il_session";
/** not pages: the APIs, Next's own files, the icon, manifest and other public files */
const NOT_A_PAGE = /^\/(api\/|_next\/|favicon|icon|apple-icon|manifest|icons\/|robots)/;

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const headers = securityHeaders({ nonce, https, dev: process.env.NODE_ENV === "development" });
  const { pathname, search } = request.nextUrl;
  const here = `${pathname}${search}`;
  const isPage = !NOT_A_PAGE.test(pathname);

  let res: NextResponse;
  if (isPage && pathname !== "/login" && !request.cookies.get(SESSION_COOKIE)?.value) {
    const to = new URL("/login", request.url);
    to.searchParams.set("next", here);
    res = NextResponse.redirect(to);
  } else {
    const forwarded = new Headers(request.headers);
    forwarded.set("x-nonce", nonce);
    forwarded.set("content-security-policy", headers["Content-Security-Policy"]!);
    if (isPage) forwarded.set("x-il-path", here);
    res = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
