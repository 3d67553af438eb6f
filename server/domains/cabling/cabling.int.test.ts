import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import type { TLldpView } from "../../contracts/lldp";
import { createAsset, getAsset } from "../assets/service";
import { transition } from "../assets/lifecycle";
import { createModel } from "../catalog/service";
import { createLocation } from "../locations/service";
import { recordResults, saveTemplate, signOff, startRun } from "../acceptance/service";
import { cableLabels, cablingBoard, confirmPlacement, createCable, importPlacementsCsv, listCables, onLldpObservedWith, planPlacement, rackElevation, reconcileCables, rackNow, waiveCabling } from "./service";

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

const port = (n: number, name: string) => ({ portNum: n, portId: name, portIdSubtype: "ifname" as const, portDesc: name, ifName: name });
const nb = (localPortNum: number, localPortId: string, chassisId: string, portId: string, sysName = "") => ({ localPortNum, localPortId, chassisId, chassisIdSubtype: "mac" as const, portId, portIdSubtype: "ifname" as const, portDesc: portId, sysName });

describe("reconcileCables (pure)", () => {
  const plan = {
    devices: [
      { assetId: "sw", label: "SW1", names: ["sw1"], interfaces: [] },
      { assetId: "s1", label: "S1", names: ["s1"], interfaces: [{ name: "eth0", mac: "aa:00:00:00:00:01" }] },
      { assetId: "s2", label: "S2", names: ["s2"], interfaces: [{ name: "eth0", mac: "aa:00:00:00:00:02" }] },
      { assetId: "s3", label: "S3", names: ["s3"], interfaces: [{ name: "eth0", mac: "aa:00:00:00:00:03" }] },
    ],
    cables: [
      { id: "c1", a: { assetId: "sw", port: "swp1" }, b: { assetId: "s1", port: "eth0" } },
      { id: "c2", a: { assetId: "sw", port: "swp2" }, b: { assetId: "s2", port: "eth0" } },
      { id: "c3", a: { assetId: "sw", port: "swp3" }, b: { assetId: "s3", port: "eth0" } },
    ],
  };
  it("matches by MAC or by name whatever the subtype", () => {
    const view: TLldpView = { sysName: "sw1", chassisId: "bb:00:00:00:00:00", localPorts: [port(1, "swp1"), port(2, "swp2"), port(3, "swp3")], neighbors: [nb(1, "swp1", "AA-00-00-00-00-01", "eth0"), { ...nb(2, "swp2", "s2", "aa:00:00:00:00:02"), chassisIdSubtype: "local", portIdSubtype: "mac" }, nb(3, "swp3", "cc:00:00:00:00:09", "eth0", "S3")] };
    expect(reconcileCables(plan, [{ assetId: "sw", view }]).map((r) => r.status)).toEqual(["VERIFIED", "VERIFIED", "VERIFIED"]);
  });
  it("tells wrong port, missing, unexpected and pending apart", () => {
    const view: TLldpView = { sysName: "sw1", chassisId: "bb:00:00:00:00:00", localPorts: [port(1, "swp1"), port(2, "swp2"), port(3, "swp3"), port(4, "swp4")], neighbors: [nb(4, "swp4", "aa:00:00:00:00:01", "eth0"), nb(2, "swp2", "dd:00:00:00:00:99", "eth7", "stranger")] };
    const r = reconcileCables(plan, [{ assetId: "sw", view }]);
    expect(r.map((x) => x.status)).toEqual(["WRONG_PORT", "UNEXPECTED", "MISSING"]);
    expect(r[0]!.observed).toContain("lands on SW1 swp4");
    expect(r[1]!.observed).toContain("stranger");
    expect(reconcileCables(plan, []).every((x) => x.status === "PENDING")).toBe(true);
  });
});

describe.each(DATABASES)("racking and cabling on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-02T08:00:00Z"));
  const tech = actor("technician");
  const admin = actor("admin");
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let rack: { id: string; path: string };
  let sw: string;
  const servers: string[] = [];

  async function ready(serial: string, tag: string) {
    const a = await createAsset(deps(), actor("warehouse"), { serial, assetTag: tag, modelId: cat.server.id, locationId: cat.bin.id });
    for (const to of ["BURN_IN", "READY_TO_RACK"] as const) await transition(deps(), tech, { assetId: a.id, to });
    return a.id;
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    rack = await createLocation(deps(), admin, { kind: "RACK", code: "R10", name: "Rack 10", parentId: cat.room.id, heightU: 12, powerBudgetW: 2000 });
    const swModel = await createModel(deps(), admin, { manufacturerId: cat.dell.id, name: "S5248F", kind: "SWITCH", partNumber: "S5248F", heightU: 1, typicalPowerW: 200, interfaceTemplate: [1, 2, 3, 4].map((n) => ({ name: `swp${n}` })) });
    const s = await createAsset(deps(), admin, { serial: "SW-0001", assetTag: "IL-SW1", modelId: swModel.id, locationId: cat.bin.id });
    sw = s.id;
    for (const n of [1, 2, 3]) servers.push(await ready(`SRV-000${n}`, `IL-S${n}`));
  });
  afterAll(() => t.close());

  it("plans with checks: height, overlap, power; the plain status change refuses RACKED", async () => {
    expect((await refusal(planPlacement(deps(), tech, { assetId: servers[0]!, rackId: rack.id, rackUnit: 12 }))).message).toMatch(/12 U high/);
    await planPlacement(deps(), tech, { assetId: servers[0]!, rackId: rack.id, rackUnit: 1 });
    expect((await refusal(planPlacement(deps(), tech, { assetId: servers[1]!, rackId: rack.id, rackUnit: 2 }))).message).toMatch(/reserved for IL-S1/);
    await planPlacement(deps(), tech, { assetId: servers[1]!, rackId: rack.id, rackUnit: 3 });
    // 800 W each: a third server would draw 2400 W over the 2000 W budget
    expect((await refusal(planPlacement(deps(), tech, { assetId: servers[2]!, rackId: rack.id, rackUnit: 5 }))).message).toMatch(/over its 2000 W budget/);
    const step = await refusal(transition(deps(), tech, { assetId: servers[0]!, to: "RACKED" }));
    expect(step.code).toBe("INVALID_TRANSITION");
    expect(step.message).toMatch(/placement step/);
  });

  it("imports a CSV plan whole or not at all, every bad line named", async () => {
    const bad = await refusal(importPlacementsCsv(deps(), tech, { csv: `asset,rack,u,face\nIL-SW1,${rack.path.replace(/ /g, "")},12,REAR\nIL-NOPE,${rack.path},5\nIL-S3,NOWHERE,5\nIL-SW1,${rack.path},1` }));
    expect(bad.details?.problems).toEqual([
      { line: 3, message: expect.stringMatching(/IL-NOPE/) },
      { line: 4, message: expect.stringMatching(/NOWHERE/) },
      { line: 5, message: expect.stringMatching(/line 2/) },
    ]);
    expect((await rackElevation(deps(), rack.id)).devices.map((d) => d.assetId)).not.toContain(sw);
    expect(await importPlacementsCsv(deps(), tech, { csv: `asset,rack,u,face\nIL-SW1,${rack.path.replace(/ /g, "")},12,REAR` })).toEqual({ planned: 1 });
    const e = await rackElevation(deps(), rack.id);
    expect(e.reservedU).toBe(5);
    expect(e.rear).toContain("IL-SW1");
    expect(e.front).toContain("<svg");
  });

  it("racks from the plan by scanning, and through the asset page's step", async () => {
    const key = rack.path.replace(/ /g, "");
    expect((await refusal(confirmPlacement(deps(), tech, { rackCode: cat.rack.path.replace(/ /g, ""), assetCode: "IL-S1", rackUnit: 1 }))).message).toMatch(/planned for/);
    const p = await confirmPlacement(deps(), tech, { rackCode: key, assetCode: "IL-S1", rackUnit: 1 });
    expect(p.status).toBe("RACKED");
    const a = await getAsset(deps(), servers[0]!, "technician");
    expect(a.status).toBe("RACKED");
    expect(a.location?.id).toBe(rack.id);
    expect(a.rackUnit).toBe(1);
    await confirmPlacement(deps(), tech, { rackCode: key, assetCode: "IL-S2", rackUnit: 3 });
    // the switch is not READY_TO_RACK: its plan stands, but it is put there through the asset page's step
    expect((await refusal(rackNow(deps(), tech, { assetId: servers[2]!, rackId: rack.id, rackUnit: 2 }))).message).toMatch(/taken by IL-S1/);
    const e = await rackElevation(deps(), rack.id);
    expect(e.powerW.racked).toBe(1600);
    expect(e.usedU).toBe(4);
  });

  it("reconciles a swapped, a missing and an unexpected cable; verified cabling moves RACKED → CABLED; SAT waits for it or a waiver", async () => {
    const [s1, s2] = servers as [string, string];
    const c1 = await createCable(deps(), tech, { label: "c-0001", aAssetId: sw, aPort: "swp1", bAssetId: s1, bPort: "eth0", type: "DAC", lengthM: 1 });
    await createCable(deps(), tech, { label: "C-0002", aAssetId: sw, aPort: "swp2", bAssetId: s2, bPort: "eth0", type: "DAC", lengthM: 1 });
    expect(c1.label).toBe("C-0001");
    expect((await refusal(createCable(deps(), tech, { label: "C-0003", aAssetId: sw, aPort: "swp9", bAssetId: s2, bPort: "eth1", type: "DAC", lengthM: 1 }))).message).toMatch(/no port swp9/);
    expect((await refusal(createCable(deps(), tech, { label: "C-0001", aAssetId: sw, aPort: "swp3", bAssetId: s2, bPort: "eth1", type: "DAC", lengthM: 1 }))).code).toBe("DUPLICATE");
    const view = (neighbors: TLldpView["neighbors"]): TLldpView => ({ sysName: "il-sw1", chassisId: "bb:00:00:00:00:00", localPorts: [1, 2, 3, 4].map((n) => port(n, `swp${n}`)), neighbors });
    // swapped: swp1 sees S2, swp2 sees S1; an unknown host on swp3
    let r = await onLldpObservedWith(deps(), [sw], [{ assetId: sw, view: view([nb(1, "swp1", "x", "eth0", "IL-S2"), nb(2, "swp2", "y", "eth0", "IL-S1"), nb(3, "swp3", "z", "eth0", "stranger")]) }]);
    expect(r.map((x) => x.status)).toEqual(["WRONG_PORT", "WRONG_PORT"]);
    // one fixed, one pulled: verified and missing
    r = await onLldpObservedWith(deps(), [sw], [{ assetId: sw, view: view([nb(1, "swp1", "x", "eth0", "IL-S1")]) }]);
    expect(r.map((x) => x.status)).toEqual(["VERIFIED", "MISSING"]);
    expect((await getAsset(deps(), s1, "technician")).status).toBe("CABLED");
    expect((await getAsset(deps(), s2, "technician")).status).toBe("RACKED");
    const board = await cablingBoard(deps(), { assetId: sw });
    expect(board.devices[0]!.ports.map((p) => p.status)).toEqual(["VERIFIED", "MISSING", null, null]);
    expect((await listCables(deps(), { rackId: rack.id })).length).toBe(2);
    const labels = await cableLabels(deps(), { id: c1.id, format: "zpl", stock: "2x1" });
    expect(labels.labels).toBe(2);
    expect(Buffer.from(labels.base64, "base64").toString()).toContain("C-0001 end B");

    // SAT: S2 cabled by hand, its cable still missing → the pass is refused until an admin waives it
    await transition(deps(), tech, { assetId: s2, to: "CABLED" });
    await saveTemplate(deps(), tech, { name: "Rack SAT", items: [{ kind: "YES_NO", key: "ok", label: "All good" }] });
    const run = await startRun(deps(), tech, { assetId: s2 });
    await recordResults(deps(), tech, { id: run.id, results: [{ itemKey: "ok", yes: true }] });
    expect((await refusal(signOff(deps(), tech, { id: run.id }))).message).toMatch(/C-0002 \(missing\)/);
    await expect(waiveCabling(deps(), admin, { assetId: s2, reason: "no" })).rejects.toThrow(/at least 5 characters/);
    await waiveCabling(deps(), admin, { assetId: s2, reason: "uplink cable on back-order, host used offline" });
    expect((await signOff(deps(), tech, { id: run.id })).status).toBe("PASSED");
  });
});
