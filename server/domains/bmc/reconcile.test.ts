import { describe, expect, it } from "vitest";
import type { TBmcProbeResult } from "../../contracts/bmc";
import { kindsJudgedBy, probeFacts } from "./reconcile";

const base: TBmcProbeResult = {
  protocol: "redfish",
  power: "on",
  deviceId: { firmwareRevision: "1.0", manufacturerId: null, productId: null },
  guid: null,
  fru: { manufacturer: null, productName: null, productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null },
  sensors: [],
  sel: [],
  firmware: [],
};

describe("probeFacts", () => {
  const desired = { serial: "SRV-001", parts: [{ id: "p1", serial: "DIMM-1", kind: "DIMM", assetTag: null }] };

  it("accepts a match on any FRU serial, normalised", () => {
    expect(probeFacts(desired, { ...base, fru: { ...base.fru, productSerial: "OTHER", boardSerial: " srv-001 " } })).toEqual([]);
    expect(probeFacts(desired, { ...base, fru: { ...base.fru, chassisSerial: "srv-001" } })).toEqual([]);
  });

  it("says nothing about the serial when the BMC reports none", () => {
    expect(probeFacts(desired, base)).toEqual([]);
  });

  it("reports a mismatch keyed by the first reported serial", () => {
    const facts = probeFacts(desired, { ...base, fru: { ...base.fru, chassisSerial: "x-9", boardSerial: "B-1" } });
    expect(facts).toEqual([{ kind: "SERIAL_MISMATCH", key: "X-9", detail: { cmdbSerial: "SRV-001", observed: { productSerial: null, chassisSerial: "X-9", boardSerial: "B-1" } } }]);
  });

  it("compares parts only when the BMC lists components, ignoring components without a serial", () => {
    const ok = { ...base, fru: { ...base.fru, productSerial: "SRV-001" } };
    expect(probeFacts(desired, ok)).toEqual([]);
    const facts = probeFacts(desired, { ...ok, components: [{ kind: "DIMM", slot: "A1", model: null, serial: "dimm-2" }, { kind: "CPU", slot: "P0", model: null, serial: null }] });
    expect(facts.map((f) => [f.kind, f.key])).toEqual([["COMPONENT_MISSING", "DIMM-1"], ["COMPONENT_UNEXPECTED", "DIMM-2"]]);
  });

  it("judges component kinds only from probes that list components", () => {
    expect(kindsJudgedBy({ kind: "bmc.probe", hasComponents: false })).not.toContain("COMPONENT_MISSING");
    expect(kindsJudgedBy({ kind: "bmc.probe", hasComponents: true })).toContain("COMPONENT_UNEXPECTED");
    expect(kindsJudgedBy({ kind: "bmc.unreachable" })).toEqual(["UNREACHABLE"]);
  });
});
