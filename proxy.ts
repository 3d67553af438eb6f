/**
 * Runs before every page request: a request without a session cookie is sent
 * to the sign-in page at once (no flash of the app), and every page learns
 * its own path (x-il-path) so the server can send an expired session to
 * /login?next=<that path>. The session itself is checked by the (app) layout
 * on the server; this is only the cheap first cut.
 */
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIE = "il_session";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const here = `${pathname}${search}`;
  if (pathname !== "/login" && !request.cookies.get(SESSION_COOKIE)?.value) {
    const to = new URL("/login", request.url);
    to.searchParams.set("next", here);
    return NextResponse.redirect(to);
  }
  const headers = new Headers(request.headers);
  headers.set("x-il-path", here);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // pages only: not the APIs, Next's own files, or the icon, manifest and other public files
  matcher: ["/((?!api/|_next/|favicon|icon|apple-icon|manifest|icons/|robots).*)"],
};
