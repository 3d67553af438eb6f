import { describe, expect, it } from "vitest";
import { clientIp } from "../http";
import { clientAddress, parseTrustedProxies, PEER_HEADER } from "./client-address";

const TOKEN = "t0k3n";
const h = (o: Record<string, string>) => new Headers(o);

describe("client address", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 192.168.1.5, ::1");

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const headers = h({ [PEER_HEADER]: `${TOKEN} 203.0.113.7`, "x-forwarded-for": "1.2.3.4" });
    expect(clientAddress(headers, proxies, TOKEN)).toBe("203.0.113.7");
  });

  it("takes the right-most untrusted hop when the peer is a trusted proxy", () => {
    const headers = h({ [PEER_HEADER]: `${TOKEN} ::ffff:10.1.2.3`, "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.0.0.2" });
    expect(clientAddress(headers, proxies, TOKEN)).toBe("198.51.100.9");
    expect(clientAddress(h({ [PEER_HEADER]: `${TOKEN} 192.168.1.5`, "x-forwarded-for": "198.51.100.10" }), proxies, TOKEN)).toBe("198.51.100.10");
  });

  it("refuses a forged peer header (wrong or no token)", () => {
    const forged = h({ [PEER_HEADER]: `guess 10.0.0.1`, "x-forwarded-for": "1.2.3.4, 5.6.7.8" });
    expect(clientAddress(forged, proxies, TOKEN)).toBe("unknown");
    expect(clientAddress(forged, proxies, undefined)).toBe("unknown");
  });

  it("without our server, a lone X-Forwarded-For (what Next.js sets from the socket) is the peer", () => {
    expect(clientAddress(h({ "x-forwarded-for": "203.0.113.8" }), proxies, undefined)).toBe("203.0.113.8");
  });

  it("the request context no longer takes the left-most X-Forwarded-For on faith", () => {
    const headers = h({ [PEER_HEADER]: `${process.env.IRONLEDGER_PEER_TOKEN ?? ""} 203.0.113.7`, "x-forwarded-for": "1.2.3.4, 203.0.113.7" });
    expect(clientIp(headers)).not.toBe("1.2.3.4");
  });

  it("names a bad proxy entry", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, nonsense")).toThrow(/"nonsense"/);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/prefix/);
  });
});
