import { describe, expect, it } from "vitest";
import { CSRF_HEADER, csrfRefusal } from "./csrf";

const url = "http://ironledger.example:3000/api/trpc/auth.login";
const req = (method: string, headers: Record<string, string>) => new Request(url, { method, headers: { host: "ironledger.example:3000", ...headers }, ...(method === "POST" ? { body: "{}" } : {}) });

describe("CSRF defence for cookie-authenticated tRPC calls", () => {
  it("lets the app's own requests through", () => {
    expect(csrfRefusal(req("POST", { [CSRF_HEADER]: "1", origin: "http://ironledger.example:3000", "sec-fetch-site": "same-origin" }))).toBeNull();
    // behind a proxy that names the public host
    expect(csrfRefusal(req("POST", { [CSRF_HEADER]: "1", origin: "https://cmdb.example", "x-forwarded-host": "cmdb.example" }))).toBeNull();
    // a script (no browser headers) that sends the header
    expect(csrfRefusal(req("POST", { [CSRF_HEADER]: "1" }))).toBeNull();
    // reads are not mutations
    expect(csrfRefusal(req("GET", { "sec-fetch-site": "cross-site" }))).toBeNull();
  });

  it("refuses cross-site mutations and mutations without the app's header", async () => {
    const cases: Record<string, string>[] = [
      { origin: "http://ironledger.example:3000", "sec-fetch-site": "same-origin" }, // a plain form post cannot add the header
      { [CSRF_HEADER]: "1", origin: "https://evil.example" },
      { [CSRF_HEADER]: "1", origin: "http://ironledger.example:3001" },
      { [CSRF_HEADER]: "1", origin: "null" },
      { [CSRF_HEADER]: "1", "sec-fetch-site": "cross-site" },
      { [CSRF_HEADER]: "1", "sec-fetch-site": "same-site", origin: "http://ironledger.example:3000" },
    ];
    for (const headers of cases) {
      const res = csrfRefusal(req("POST", headers));
      expect(res?.status, JSON.stringify(headers)).toBe(403);
      expect(((await res!.json()) as { error: { message: string } }).error.message).toMatch(/another site|reload/i);
    }
  });
});
