import { describe, expect, it } from "vitest";
import { newNonce, securityHeaders } from "./security-headers";

describe("security headers (one place, applied by proxy.ts)", () => {
  it("sends a strict CSP with a per-request nonce and no framing", () => {
    const nonce = newNonce();
    expect(nonce).not.toBe(newNonce());
    const h = securityHeaders({ nonce, https: false, dev: false });
    const csp = Object.fromEntries(h["Content-Security-Policy"].split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["script-src"]).toContain(`'nonce-${nonce}'`);
    expect(csp["script-src"]).not.toContain("'unsafe-inline'");
    expect(csp["script-src"]).not.toContain("'unsafe-eval'");
    expect(csp["script-src"]).toContain("'wasm-unsafe-eval'"); // WebAssembly only (the camera's barcode reader), never JS eval
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'self'"]);
    expect(csp["form-action"]).toEqual(["'self'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Referrer-Policy"]).toBe("same-origin");
    expect(h["X-Frame-Options"]).toBe("DENY");
    // the scanner may use the camera; nothing else
    expect(h["Permissions-Policy"]).toContain("camera=(self)");
    expect(h["Permissions-Policy"]).toContain("microphone=()");
    expect(h["Permissions-Policy"]).toContain("geolocation=()");
    // plain HTTP (a lab, loopback): no HSTS, no upgrade
    expect(h["Strict-Transport-Security"]).toBeUndefined();
    expect(h["Content-Security-Policy"]).not.toContain("upgrade-insecure-requests");
  });

  it("adds HSTS when served over HTTPS, and eval only in development", () => {
    const h = securityHeaders({ nonce: "n", https: true, dev: false });
    expect(h["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(h["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
    expect(securityHeaders({ nonce: "n", https: false, dev: true })["Content-Security-Policy"]).toContain("'unsafe-eval'");
  });
});
