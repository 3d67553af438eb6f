import { describe, expect, it } from "vitest";
import { normalizeFingerprint } from "./client";
import { observedSerial } from "../../server/contracts/normalise";
import { normalizeMac, sensorStatus, tpmVersion, unitName, utcTimestamp } from "./map";

describe("redfish mapping", () => {
  it("derives sensor status from thresholds, crossing at the threshold", () => {
    const t = { lowerCritical: 5, lowerCaution: 10, upperCaution: 85, upperCritical: 95, upperFatal: 100 };
    expect(sensorStatus(10, t)).toBe("nc");
    expect(sensorStatus(4, t)).toBe("cr");
    expect(sensorStatus(50, t)).toBe("ok");
    expect(sensorStatus(85, t)).toBe("nc");
    expect(sensorStatus(95, t)).toBe("cr");
    expect(sensorStatus(100, t)).toBe("nr");
    expect(sensorStatus(null, t)).toBe("ns");
    expect(sensorStatus(50, t, { State: "Absent" })).toBe("ns");
    expect(sensorStatus(300, {}, { Health: "Warning" })).toBe("nc");
    expect(sensorStatus(300, {}, { Health: "Critical" })).toBe("cr");
    expect(sensorStatus(300, { upperCritical: null }, { Health: "OK" })).toBe("ok");
  });

  it("normalises units, MACs, serials, timestamps, TPM versions and fingerprints", () => {
    expect(unitName("Cel")).toBe("degrees C");
    expect(unitName(null, "Rotational")).toBe("RPM");
    expect(normalizeMac("B0-7B-25-00-00-01")).toBe("b0:7b:25:00:00:01");
    expect(normalizeMac("00:00:00:00:00:00")).toBeNull();
    expect(normalizeMac("garbage")).toBeNull();
    expect(observedSerial(" cz123 ")).toBe("CZ123");
    expect(observedSerial("N/A")).toBeNull();
    expect(utcTimestamp("2026-11-01T02:00:00-06:00")).toBe("2026-11-01T08:00:00.000Z");
    expect(utcTimestamp("1970-01-01T00:00:00Z")).toBeNull();
    expect(utcTimestamp("yesterday")).toBeNull();
    expect(tpmVersion("TPM2_0")).toBe("2.0");
    expect(normalizeFingerprint("ab:cd:ef")).toBe("AB:CD:EF");
    expect(normalizeFingerprint("abcdef")).toBe("AB:CD:EF");
  });
});
