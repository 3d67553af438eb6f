import { describe, expect, it } from "vitest";
import { explainBmcError, selSeverity, SENSOR_STATUS_META } from "./status";

describe("BMC words a person reads right", () => {
  it("names sensor states Warning and Critical, not IPMI's Non-critical", () => {
    expect(SENSOR_STATUS_META.nc.label).toBe("Warning");
    expect(SENSOR_STATUS_META.cr.label).toBe("Critical");
    expect(Object.values(SENSOR_STATUS_META).map((m) => m.label)).not.toContain("Non-critical");
  });

  it("colours SEL entries by severity (IPMI threshold texts and Redfish messages)", () => {
    expect(selSeverity("Upper Critical going high")).toBe("critical");
    expect(selSeverity("Upper Non-critical going high")).toBe("warning");
    expect(selSeverity("Upper Critical going high (Deasserted)")).toBe("info");
    expect(selSeverity("Failure detected")).toBe("critical");
    expect(selSeverity("CPU 1 machine check error detected.")).toBe("critical");
    expect(selSeverity("Power supply redundancy is lost.")).toBe("critical");
    expect(selSeverity("Correctable memory error rate exceeded for DIMM A1.")).toBe("warning");
    expect(selSeverity("The system inlet temperature is greater than the upper warning threshold.")).toBe("warning");
    expect(selSeverity("Log cleared.")).toBe("info");
  });

  it("turns the agent's raw error into a sentence, keeping the raw text as the detail", () => {
    const t = explainBmcError("timeout: no answer from 10.0.0.5:623 within 4000 ms (RMCP+ open session)", "unreachable");
    expect(t.sentence).toMatch(/^The BMC did not answer in time\./);
    expect(t.detail).toBe("no answer from 10.0.0.5:623 within 4000 ms (RMCP+ open session)");
    expect(explainBmcError("auth: RAKP 2 HMAC is invalid", "unreachable").sentence).toMatch(/refused the user name or password/);
    expect(explainBmcError("network: connect ECONNREFUSED 127.0.0.1:9", "unreachable").sentence).toMatch(/could not reach the BMC over the network/);
    expect(explainBmcError("The BMC presented a certificate other than the pinned one.", "tls-mismatch").sentence).toMatch(/another certificate than the one pinned/);
    // an unknown shape still reads as a sentence, with the raw text as detail
    const odd = explainBmcError("something odd", "unreachable");
    expect(odd.sentence).toMatch(/^The agent could not read this BMC/);
    expect(odd.detail).toBe("something odd");
    expect(explainBmcError(null, "ok")).toEqual({ sentence: "", detail: null });
  });
});
