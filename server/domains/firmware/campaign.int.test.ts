/**
 * Firmware update campaigns on both databases, with the fake clock: planning is checked against the
 * baseline and the model (clear refusals, nothing written), waves per rack, the UTC window (an in-service
 * asset outside it is left alone, a tick waits for the window), the agent's firmware.update command through
 * the real agent API handler, verification by the probe that follows, QUARANTINE and back through the
 * lifecycle, and a failure that stops the campaign with its reason. Audited, audit chain intact.
 */
import { moveTo } from "../../../tests/harness/racking";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAgentCommands, TObservation } from "../../contracts/agent";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { handleAgentApi } from "../../agent-api/http";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createAgent, createEndpoint } from "../bmc/service";
import { createLocation } from "../locations/service";
import { campaignAssetStep, campaignTick, createCampaign, getCampaign, nextWindowOpen, pauseCampaign, startCampaign, windowOpen } from "./campaign";
import { projectFirmware, saveBaseline } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

describe("the maintenance window (UTC)", () => {
  const w = { days: [1, 2], start: 22 * 60, end: 2 * 60 }; // Mon and Tue 22:00 → 02:00 next day
  it("is open from the start on its days, across midnight, and closed otherwise", () => {
    expect(windowOpen(w, new Date("2026-03-02T22:30:00Z"))).toBe(true); // Monday 22:30
    expect(windowOpen(w, new Date("2026-03-03T01:59:00Z"))).toBe(true); // Tuesday 01:59 (Monday's window)
    expect(windowOpen(w, new Date("2026-03-04T01:00:00Z"))).toBe(true); // Wednesday 01:00 (Tuesday's window)
    expect(windowOpen(w, new Date("2026-03-05T01:00:00Z"))).toBe(false); // Thursday 01:00
    expect(windowOpen(w, new Date("2026-03-02T21:59:00Z"))).toBe(false);
    expect(nextWindowOpen(w, new Date("2026-03-04T12:00:00Z")).toISOString()).toBe("2026-03-09T22:00:00.000Z");
    expect(windowOpen({ days: [0, 1, 2, 3, 4, 5, 6], start: 0, end: 60 }, new Date("2026-03-04T00:30:00Z"))).toBe(true);
  });
});

describe.each(DATABASES)("firmware campaigns on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-02T09:00:00Z")); // a Monday
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const fw = actor("firmware");
  let agentToken = "";
  let modelId = "";
  let otherModelId = "";
  const racks: string[] = [];
  const A: Record<string, { assetId: string; endpointId: string }> = {};

  const api = (path: string, init: RequestInit = {}) =>
    handleAgentApi(new Request(`http://127.0.0.1${path}`, { ...init, headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" } }), deps());
  const take = async () => ((await (await api("/api/agent/v1/commands?wait=0")).json()) as TAgentCommands).commands;
  const post = async (observations: TObservation[]) => expect((await api("/api/agent/v1/observations", { method: "POST", body: JSON.stringify({ observations }) })).status).toBe(200);
  const probe = (endpointId: string, bios: string): TObservation => ({
    kind: "bmc.probe",
    idempotencyKey: `fw-${randomBytes(8).toString("hex")}`,
    endpointId,
    observedAt: clock.now().toISOString(),
    durationMs: 100,
    result: {
      protocol: "redfish",
      power: "on",
      deviceId: { firmwareRevision: "7.00", manufacturerId: null, productId: null },
      guid: null,
      fru: { manufacturer: "Dell", productName: "R760", productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null },
      sensors: [],
      sel: [],
      firmware: [{ component: "BIOS", version: bios, source: "redfish.FirmwareInventory" }],
    },
  });
  const result = (commandId: string, endpointId: string, ok: boolean): TObservation => ({
    kind: "bmc.command",
    idempotencyKey: `fw:cmd:${commandId}`,
    commandId,
    endpointId,
    observedAt: clock.now().toISOString(),
    durationMs: 900,
    ok,
    ...(ok ? { power: "on" as const } : { error: { reason: "protocol" as const, message: "the update task ended Exception: The image failed signature verification." } }),
  });
  const status = async (assetId: string) => (await t.db.asset.findUniqueOrThrow({ where: { id: assetId } })).status;
  const plan = (over: Partial<Parameters<typeof createCampaign>[2]> = {}) =>
    createCampaign(deps(), fw, {
      name: "BIOS 2.20",
      modelId,
      component: "BIOS",
      targetVersion: "2.20.0",
      imageUri: "http://repo.fra1.example/bios-2.20.0.exe",
      window: { days: [6, 0], start: "01:00", end: "05:00" }, // weekends: closed on Monday 09:00
      maxInFlight: 2,
      rackIds: racks,
      ...over,
    });

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const cat = await seedCatalog(deps());
    modelId = cat.server.id;
    otherModelId = cat.dimm.id;
    racks.push(cat.rack.id, (await createLocation(deps(), admin, { kind: "RACK", code: "R02", name: "Rack 02", parentId: cat.room.id, heightU: 42 })).id);
    const agent = await createAgent(deps(), admin, { name: `fwc-${provider}`, siteId: cat.site.id });
    agentToken = agent.token;
    // rack 01: a (racked), b (in service); rack 02: c (racked)
    for (const [k, rack, inService] of [["a", 0, false], ["b", 0, true], ["c", 1, false]] as const) {
      const asset = await createAsset(deps(), admin, { serial: `FWC-${provider.slice(0, 2).toUpperCase()}-${k}`, modelId, locationId: racks[rack] });
      const ep = await createEndpoint(deps(), actor("technician"), { assetId: asset.id, agentId: agent.id, protocol: "redfish", address: `https://10.0.3.${k.charCodeAt(0)}`, username: "root", password: "pw", intervalSec: 60 });
      A[k] = { assetId: asset.id, endpointId: ep.id };
      for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", ...(inService ? (["CABLED", "SAT", "IN_SERVICE"] as const) : [])] as const) await moveTo(deps(), admin, asset.id, to, { rackId: racks[rack] });
    }
    await post(["a", "b", "c"].map((k) => probe(A[k]!.endpointId, "2.19.1")));
    await projectFirmware(deps());
    await saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "EXACT", releases: [{ version: "2.19.1", status: "APPROVED" }, { version: "2.20.0", status: "APPROVED" }, { version: "2.21.0", status: "PENDING" }] });
  }, 120_000);
  afterAll(() => t?.close());

  it("refuses a plan the baseline or the selection does not allow, writing nothing", async () => {
    await expect(plan({ component: "BMC" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("no baseline for BMC") });
    await expect(plan({ targetVersion: "2.21.0" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("pending in the baseline") });
    await expect(plan({ targetVersion: "9.9" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("pick one of: 2.19.1, 2.20.0, 2.21.0") });
    await expect(plan({ rackIds: [], assetIds: [] })).rejects.toMatchObject({ name: "ZodError" });
    await expect(plan({ imageUri: "ftp://x" })).rejects.toMatchObject({ name: "ZodError" });
    await expect(plan({ window: { days: [1], start: "25:00", end: "02:00" }, rackIds: [racks[0]!] })).rejects.toMatchObject({ name: "ZodError" });
    const dimm = await createAsset(deps(), admin, { serial: `FWC-DIMM-${provider}`, modelId: otherModelId });
    await expect(plan({ assetIds: [dimm.id] })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("not of the campaign's model") });
    expect(await t.db.firmwareCampaign.count()).toBe(0);
  });

  it("plans waves per rack; leaves the in-service asset alone outside its window; verifies by the next probe; then the window opens", async () => {
    const c = await plan({ rackIds: racks });
    expect(c).toMatchObject({ status: "DRAFT", waves: 2, currentWave: 0, window: { days: [0, 6], start: "01:00", end: "05:00" }, windowOpen: false });
    expect(c.assets.map((a) => [a.serial.slice(-1).toLowerCase(), a.wave, a.status, a.fromVersion])).toEqual(
      expect.arrayContaining([["a", 0, "PENDING", "2.19.1"], ["b", 0, "PENDING", "2.19.1"], ["c", 1, "PENDING", "2.19.1"]]),
    );
    await expect(pauseCampaign(deps(), fw, { id: c.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const started = await startCampaign(deps(), fw, { id: c.id, expectedVersion: c.version });
    expect(started.status).toBe("SCHEDULED");
    await expect(startCampaign(deps(), fw, { id: c.id })).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await campaignTick(deps(), c.id)).toBe("1 started, 0 in flight, 1 waiting for the window");
    let d = await getCampaign(deps(), c.id);
    expect(d.status).toBe("RUNNING");
    const byKey = (k: string) => d.assets.find((a) => a.assetId === A[k]!.assetId)!;
    expect([byKey("a").status, byKey("b").status, byKey("b").waitingForWindow]).toEqual(["UPDATING", "PENDING", true]);
    expect(await status(A.b!.assetId)).toBe("IN_SERVICE"); // untouched
    expect(await status(A.a!.assetId)).toBe("RACKED"); // not in service: no quarantine

    // the agent takes the command (with the image), updates, probes, reports
    const cmds = await take();
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toMatchObject({ action: "firmware.update", endpointId: A.a!.endpointId, firmware: { imageUri: "http://repo.fra1.example/bios-2.20.0.exe", resetType: "ForceRestart" } });
    expect(await campaignAssetStep(deps(), c.id, A.a!.assetId)).toBe("again");
    clock.advance(60_000);
    await post([probe(A.a!.endpointId, "2.20.0"), result(cmds[0]!.commandId, A.a!.endpointId, true)]);
    expect(await campaignAssetStep(deps(), c.id, A.a!.assetId)).toBe("verified");
    d = await getCampaign(deps(), c.id);
    expect([byKey("a").status, byKey("a").observed]).toEqual(["DONE", "2.20.0"]);
    // the wave waits for b (in service, window closed); the tick looks again when the window opens
    expect(await campaignTick(deps(), c.id)).toBe("0 started, 0 in flight, 1 waiting for the window");
    const next = await t.db.job.findFirst({ where: { kind: "firmware.campaign", runAt: { gt: clock.now() } } });
    expect(next?.runAt.toISOString()).toBe("2026-03-07T01:00:00.000Z");

    // Saturday 01:00: b goes to QUARANTINE for its update and comes back to IN_SERVICE once verified
    clock.t = new Date("2026-03-07T01:00:00Z");
    expect(await campaignTick(deps(), c.id)).toBe("1 started, 0 in flight, 0 waiting for the window");
    expect(await status(A.b!.assetId)).toBe("QUARANTINE");
    const [cb] = await take();
    clock.advance(60_000);
    await post([probe(A.b!.endpointId, "2.20.0"), result(cb!.commandId, A.b!.endpointId, true)]);
    expect(await campaignAssetStep(deps(), c.id, A.b!.assetId)).toBe("verified");
    expect(await status(A.b!.assetId)).toBe("IN_SERVICE");
    // wave 1 done → wave 2 (rack 02: c)
    expect(await campaignTick(deps(), c.id)).toBe("wave 1 of 2 done");
    expect(await campaignTick(deps(), c.id)).toBe("1 started, 0 in flight, 0 waiting for the window");
    const [cc] = await take();
    await post([probe(A.c!.endpointId, "2.20.0"), result(cc!.commandId, A.c!.endpointId, true)]);
    expect(await campaignAssetStep(deps(), c.id, A.c!.assetId)).toBe("verified");
    expect(await campaignTick(deps(), c.id)).toBe("completed");
    d = await getCampaign(deps(), c.id);
    expect(d).toMatchObject({ status: "COMPLETED", counts: { DONE: 3, FAILED: 0, PENDING: 0 } });
    const audit = await t.db.auditLog.findMany({ where: { entity: "FirmwareCampaign", entityId: c.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["firmware.campaign.create", "firmware.campaign.start", "firmware.campaign.running", "firmware.campaign.asset.done", "firmware.campaign.wave", "firmware.campaign.complete"]));
  });

  it("a failed update stops the wave and fails the campaign with the reason; the in-service asset stays in QUARANTINE", async () => {
    clock.t = new Date("2026-03-08T02:00:00Z"); // Sunday, inside the window
    await saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "EXACT", releases: [{ version: "2.19.1", status: "APPROVED" }, { version: "2.20.0", status: "APPROVED" }, { version: "2.22.0", status: "APPROVED" }] });
    const c = await plan({ name: "BIOS 2.22", targetVersion: "2.22.0", rackIds: [racks[0]!], maxInFlight: 1, imageUri: "http://repo.fra1.example/bios-2.22.0.exe" });
    await startCampaign(deps(), fw, { id: c.id });
    expect(await campaignTick(deps(), c.id)).toBe("1 started, 0 in flight, 0 waiting for the window");
    const first = (await getCampaign(deps(), c.id)).assets.find((a) => a.status === "UPDATING")!;
    const ep = Object.values(A).find((x) => x.assetId === first.assetId)!.endpointId;
    const [cmd] = await take();
    await post([result(cmd!.commandId, ep, false)]);
    expect(await campaignAssetStep(deps(), c.id, first.assetId)).toBe("failed");
    const d = await getCampaign(deps(), c.id);
    expect(d.status).toBe("FAILED");
    expect(d.reason).toContain("signature verification");
    expect(d.counts).toMatchObject({ FAILED: 1, PENDING: 1 });
    expect(await campaignTick(deps(), c.id)).toBe("campaign failed");
    expect(await take()).toEqual([]); // the other asset of the wave is never started
    if (first.assetStatus === "IN_SERVICE") expect(await status(first.assetId)).toBe("QUARANTINE");
    await expect(startCampaign(deps(), fw, { id: c.id })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
