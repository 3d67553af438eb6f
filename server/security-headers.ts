/**
 * The HTTP security headers of every response, in one place (applied by
 * proxy.ts at the project root):
 *
 *   Content-Security-Policy  scripts only from this site with the request's
 *                            nonce (Next.js puts it on its own inline
 *                            scripts), no framing, no plugins, forms and
 *                            <base> to this site only
 *   Strict-Transport-Security  only when the request came over HTTPS
 *   Permissions-Policy       the camera for the scanner, nothing else
 *   X-Content-Type-Options, Referrer-Policy, X-Frame-Options (older browsers)
 *
 * Styles may be inline (React style attributes); scripts may not.
 */

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function securityHeaders(opts: { nonce: string; https: boolean; dev: boolean }): Record<string, string> {
  const csp = [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next.js loads from a nonced script are trusted too; 'wasm-unsafe-eval':
    // WebAssembly may compile (the camera's barcode reader, zxing-wasm, served by this server) while
    // JavaScript eval stays refused; eval only for React's dev tooling
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    ...(opts.https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), payment=(), display-capture=()",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
  };
}
