import { describe, expect, it } from "vitest";
import type { TBmcProbeResult } from "../../contracts/bmc";
import { kindsJudgedBy, modelDiffers, probeFacts, sameManufacturer } from "./reconcile";

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

  it("reports another model of the same maker (R750 where the record says R760), keyed by the reported model", () => {
    const withModel = { ...desired, model: { name: "PowerEdge R760", manufacturer: "Dell" } };
    const fru = { ...base.fru, productSerial: "SRV-001", manufacturer: "Dell Inc.", productName: "PowerEdge R750" };
    expect(probeFacts(withModel, { ...base, fru })).toEqual([
      { kind: "MODEL_MISMATCH", key: "POWEREDGER750", detail: { cmdbModel: "PowerEdge R760", cmdbManufacturer: "Dell", observedModel: "PowerEdge R750", observedManufacturer: "Dell Inc." } },
    ]);
    // Redfish: the system's model wins over the FRU product name
    const redfish = { ...base, fru, system: { id: "1", systemType: null, manufacturer: "Dell Inc.", model: "PowerEdge R760", sku: null, partNumber: null, serialNumber: null, biosVersion: null, assetTag: null, uuid: null, power: "on" as const } };
    expect(probeFacts(withModel, redfish)).toEqual([]);
  });

  it("counts a model name inside the other as the same model, and judges nothing across makers or without a name", () => {
    const rec = { name: "PowerEdge R760", manufacturer: "Dell" };
    expect(modelDiffers(rec, { model: "R760", manufacturer: "DELL" })).toBe(false);
    expect(modelDiffers(rec, { model: "PowerEdge R750", manufacturer: "Dell Inc." })).toBe(true);
    expect(modelDiffers(rec, { model: "SimServer 1000", manufacturer: "Simulated Systems" })).toBe(false);
    expect(modelDiffers(rec, { model: null, manufacturer: "Dell" })).toBe(false);
    expect(modelDiffers(rec, { model: "R750", manufacturer: null })).toBe(false);
    expect(sameManufacturer("Hewlett Packard Enterprise", "HPE")).toBe(false);
    expect(sameManufacturer("Supermicro", "Super Micro Computer, Inc.")).toBe(true);
    expect(sameManufacturer("Lenovo", "LENOVO")).toBe(true);
  });

  it("judges the model on every successful probe", () => {
    expect(kindsJudgedBy({ kind: "bmc.probe", hasComponents: false })).toContain("MODEL_MISMATCH");
  });
});
