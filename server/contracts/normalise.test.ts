/**
 * The normalisers the server and the agents share. Each rule either side had
 * before they were merged is pinned here: the server's serials (trim,
 * upper-case, inner whitespace dropped), the agents' (placeholders are no
 * serial), the server's IPMI address check (host characters, IPv6 in
 * brackets) and the agents' host:port parser (trim, default port, 1–65535).
 */
import { describe, expect, it } from "vitest";
import { IPMI_DEFAULT_PORT, isPlaceholderSerial, normaliseSerial, observedSerial, parseHostPort, readHostPort } from "./normalise";

describe("serials", () => {
  it("trims, upper-cases and drops inner whitespace (the server's rule)", () => {
    expect(normaliseSerial("  cz 12\t3 ")).toBe("CZ123");
    expect(normaliseSerial("srv-001")).toBe("SRV-001");
    expect(normaliseSerial("ab.c/d:e#1")).toBe("AB.C/D:E#1");
  });

  it("reads placeholders as no serial (the agents' rule)", () => {
    for (const p of ["", "   ", "N/A", "n/a", "NA", "Not Specified", "not specified", "UNKNOWN", "0", "0000000", "To Be Filled By O.E.M.", "Default string", "None"]) {
      expect(observedSerial(p), p).toBeNull();
      expect(isPlaceholderSerial(p), p).toBe(true);
    }
    expect(observedSerial(null)).toBeNull();
    expect(observedSerial(undefined)).toBeNull();
  });

  it("normalises a reported serial exactly as the CMDB stores one, so they compare equal", () => {
    expect(observedSerial(" cz123 ")).toBe("CZ123");
    expect(observedSerial("cz 123")).toBe(normaliseSerial("CZ123"));
    expect(observedSerial("0001")).toBe("0001");
    expect(isPlaceholderSerial("NAS-1")).toBe(false);
  });
});

describe("host:port", () => {
  it("reads host, host:port, [v6] and [v6]:port, trimmed, with port 623 by default", () => {
    expect(parseHostPort("10.0.0.5")).toEqual({ host: "10.0.0.5", port: IPMI_DEFAULT_PORT });
    expect(parseHostPort(" 10.0.0.5:6230 ")).toEqual({ host: "10.0.0.5", port: 6230 });
    expect(parseHostPort("bmc-01.fra1.example")).toEqual({ host: "bmc-01.fra1.example", port: 623 });
    expect(parseHostPort("[fe80::1]")).toEqual({ host: "fe80::1", port: 623 });
    expect(parseHostPort("[2001:db8::5]:1623")).toEqual({ host: "2001:db8::5", port: 1623 });
    expect(parseHostPort("[::ffff:10.0.0.5]:623")).toEqual({ host: "::ffff:10.0.0.5", port: 623 });
    expect(parseHostPort("10.0.0.5", 9000)).toEqual({ host: "10.0.0.5", port: 9000 });
  });

  it("refuses a port outside 1–65535 or not a number (the agents' rule)", () => {
    for (const a of ["10.0.0.5:0", "10.0.0.5:65536", "10.0.0.5:99999", "10.0.0.5:", "10.0.0.5:abc", "10.0.0.5:-1", "[::1]:70000"]) {
      expect(readHostPort(a).ok, a).toBe(false);
    }
    expect(() => parseHostPort("10.0.0.5:65536")).toThrow(/invalid port \(1-65535\)/);
  });

  it("refuses IPv6 without brackets, hosts with other characters, and no host (the server's rule)", () => {
    expect(() => parseHostPort("fe80::1")).toThrow(/\[addr\]:port/);
    for (const a of ["", "  ", ":623", "bmc_01", "bmc 01", "http://10.0.0.5", "10.0.0.5/24", "-bmc", "[]", "[zz::1]", "[10.0.0.5]"]) {
      expect(readHostPort(a).ok, a).toBe(false);
    }
  });
});
