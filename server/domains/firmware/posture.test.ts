/** The posture comparison, worked by hand: failed rules make NON_COMPLIANT, rules that cannot be checked make UNKNOWN. */
import { describe, expect, it } from "vitest";
import { evaluatePosture } from "./posture";

const spec = {
  secureBoot: "REQUIRED" as const,
  tpm: "REQUIRED" as const,
  tpmVersion: "2.0",
  attributes: [
    { name: "BootMode", values: ["Uefi"] },
    { name: "ProcVirtualization", values: ["Enabled"] },
    { name: "SriovGlobalEnable", values: ["Enabled"] },
  ],
};
const good = {
  observedAt: new Date("2026-03-01T00:00:00Z"),
  secureBoot: { state: "enabled" as const, enable: true, mode: "DeployedMode", databases: null },
  tpm: { present: true, enabled: true, version: "2.0", interfaceType: "TPM2_0", firmwareVersion: "7.2" },
  bios: { BootMode: "Uefi", ProcVirtualization: "Enabled", SriovGlobalEnable: "Enabled", MemTest: "Disabled" },
};

describe("evaluatePosture", () => {
  it("no policy, or nothing observed", () => {
    expect(evaluatePosture(null, good)).toEqual({ state: "NO_POLICY", reasons: [] });
    expect(evaluatePosture(spec, null).state).toBe("UNKNOWN");
  });
  it("everything as required (attribute names and values compared without case)", () => {
    expect(evaluatePosture(spec, good)).toEqual({ state: "COMPLIANT", reasons: [] });
    expect(evaluatePosture(spec, { ...good, bios: { bootmode: "UEFI", procvirtualization: "enabled", SRIOVGLOBALENABLE: "Enabled" } }).state).toBe("COMPLIANT");
  });
  it("each failed rule is a reason", () => {
    const r = evaluatePosture(spec, { ...good, secureBoot: { ...good.secureBoot, state: "disabled" }, tpm: { ...good.tpm, version: "1.2" }, bios: { BootMode: "Bios", ProcVirtualization: "Enabled" } });
    expect(r.state).toBe("NON_COMPLIANT");
    expect(r.reasons.map((x) => [x.rule, x.outcome])).toEqual([
      ["SecureBoot", "FAIL"],
      ["TPM", "FAIL"],
      ["BootMode", "FAIL"],
      ["SriovGlobalEnable", "FAIL"],
    ]);
    expect(r.reasons[2]!.message).toBe("BootMode is Bios (approved: Uefi)");
    expect(evaluatePosture(spec, { ...good, tpm: { ...good.tpm, enabled: false } }).reasons[0]!.message).toMatch(/TPM is disabled/);
    expect(evaluatePosture(spec, { ...good, tpm: { ...good.tpm, present: false } }).reasons[0]!.message).toMatch(/No TPM/);
  });
  it("what the BMC does not report is UNKNOWN, unless another rule fails", () => {
    expect(evaluatePosture(spec, { ...good, secureBoot: { ...good.secureBoot, state: "unknown" } }).state).toBe("UNKNOWN");
    expect(evaluatePosture(spec, { ...good, tpm: null, bios: null }).reasons.map((x) => x.outcome)).toEqual(["UNKNOWN", "UNKNOWN"]);
    expect(evaluatePosture(spec, { ...good, tpm: null, bios: { ...good.bios, BootMode: "Bios" } }).state).toBe("NON_COMPLIANT");
  });
  it("ANY rules and several approved values", () => {
    const loose = { secureBoot: "ANY" as const, tpm: "ANY" as const, tpmVersion: null, attributes: [{ name: "BootMode", values: ["Uefi", "Bios"] }] };
    expect(evaluatePosture(loose, { ...good, secureBoot: null, tpm: null, bios: { BootMode: "Bios" } }).state).toBe("COMPLIANT");
  });
});
