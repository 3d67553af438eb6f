/**
 * Next.js proxy (runs before every request except static assets): the
 * security headers of server/security-headers.ts on every response, and a
 * fresh CSP nonce per request, which Next.js applies to its own scripts when
 * it renders the page (pages are rendered per request: app/layout.tsx).
 */
import { NextResponse, type NextRequest } from "next/server";
import { newNonce, securityHeaders } from "./server/security-headers";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const https = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const headers = securityHeaders({ nonce, https, dev: process.env.NODE_ENV === "development" });
  const forwarded = new Headers(request.headers);
  forwarded.set("x-nonce", nonce);
  forwarded.set("content-security-policy", headers["Content-Security-Policy"]!);
  const res = NextResponse.next({ request: { headers: forwarded } });
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
