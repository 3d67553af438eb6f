/**
 * A firmware campaign end to end: the real agent API handler (node:http on 127.0.0.1), SQLite, the campaign
 * jobs in a real job runner, the real site agent as a child process, and Redfish simulators (UpdateService,
 * TaskService, firmware that changes after the reset the agent makes). One update succeeds and is verified by
 * the fresh probe; an in-service asset outside its window is left alone; an update whose image the BMC
 * rejects (task Exception) fails the campaign and the next wave never starts.
 */
import { moveTo } from "../../../tests/harness/racking";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { spawnAgent, type TAgentProcess } from "../../../tests/harness/agent-process";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, seedCatalog } from "../../../tests/harness/fixtures";
import { startRedfishSim, type RedfishSim } from "../../../tests/redfish-sim/server";
import { startRunner, type TRunner } from "../../../workers/runner";
import { systemClock, type TDeps } from "../../context";
import { handleAgentApi } from "../../agent-api/http";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createAgent, createEndpoint } from "../bmc/service";
import { createLocation } from "../locations/service";
import { CAMPAIGN_JOBS, createCampaign, getCampaign, startCampaign } from "./campaign";
import { saveBaseline } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");
process.env.IRONLEDGER_BMC_NETWORKS ??= "127.0.0.0/8";

const IMAGE = "http://repo.fra1.example/bios-2.20.0.exe";
let t: TTestDb;
let deps: TDeps;
let server: AgentApiServer | null = null;
let agentProc: TAgentProcess | null = null;
let runner: TRunner | null = null;
let journalDir = "";
const sims: Record<"ok" | "win" | "bad", RedfishSim> = {} as never;
const assets: Record<"ok" | "win" | "bad" | "after", string> = {} as never;
let modelId = "";
let token = "";
const rackIds: string[] = [];

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent output:\n${agentProc?.log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  t = await freshDatabase("sqlite");
  deps = depsFor(t, systemClock);
  const admin = actor("admin");
  const cat = await seedCatalog(deps);
  modelId = cat.server.id;
  rackIds.push(cat.rack.id);
  for (const code of ["R02", "R03"]) rackIds.push((await createLocation(deps, admin, { kind: "RACK", code, name: `Rack ${code.slice(1)}`, parentId: cat.room.id, heightU: 42 })).id);
  for (const k of ["ok", "win", "bad"] as const) {
    const s = await startRedfishSim({ flavour: "dell-like", systemSerial: `FWE${k.toUpperCase()}1` });
    s.state.updateMs = 300;
    s.state.images.set(IMAGE, k === "bad" ? { component: "BIOS", version: "2.20.0", fail: "The image failed signature verification." } : { component: "BIOS", version: "2.20.0" });
    sims[k] = s;
  }
  const agent = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
  token = agent.token;
  // rack 01: ok (racked), win (in service); rack 02: bad; rack 03: after (its BMC is win's simulator)
  for (const [k, rack, sim] of [["ok", 0, "ok"], ["win", 0, "win"], ["bad", 1, "bad"], ["after", 2, "win"]] as const) {
    const a = await createAsset(deps, admin, { serial: `FWE${k.toUpperCase()}1`, modelId, locationId: rackIds[rack] });
    assets[k] = a.id;
    await createEndpoint(deps, admin, { assetId: a.id, agentId: agent.id, protocol: "redfish", address: sims[sim].url, username: "admin", password: "password", intervalSec: 300 });
    const path = k === "win" ? (["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE"] as const) : (["BURN_IN", "READY_TO_RACK", "RACKED"] as const);
    for (const to of path) await moveTo(deps, admin, a.id, to, { rackId: rackIds[rack] });
  }
  await saveBaseline(deps, actor("firmware"), { modelId, component: "BIOS", matchRule: "EXACT", releases: [{ version: "2.19.1", status: "APPROVED" }, { version: "2.20.0", status: "APPROVED" }] });
  server = await startAgentApiServer({ handler: (req) => handleAgentApi(req, deps) });
  journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-fw-campaign-"));
  runner = startRunner(deps, CAMPAIGN_JOBS, { pollMs: 200, concurrency: 2, log: () => {} });
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await agentProc?.stop("SIGTERM");
  await server?.stop();
  await Promise.all(Object.values(sims).map((s) => s.stop()));
  await t?.close();
  if (journalDir) fs.rmSync(journalDir, { recursive: true, force: true });
});

describe("firmware campaign end to end (real agent, Redfish simulator, job runner)", () => {
  it("updates and verifies one asset, leaves the in-service one outside its window alone, and stops at a rejected image", async () => {
    agentProc = spawnAgent({ server: server!.url, token, journalDir });
    const today = new Date().getUTCDay();
    const closed = { days: [(today + 3) % 7], start: "01:00", end: "02:00" };
    const open = { days: [0, 1, 2, 3, 4, 5, 6], start: "00:00", end: "23:59" };
    const fw = actor("firmware");
    const c1 = await createCampaign(deps, fw, { name: "rack 01", modelId, component: "BIOS", targetVersion: "2.20.0", imageUri: IMAGE, rackIds: [rackIds[0]!], window: closed, maxInFlight: 2 });
    const c2 = await createCampaign(deps, fw, { name: "racks 02-03", modelId, component: "BIOS", targetVersion: "2.20.0", imageUri: IMAGE, rackIds: [rackIds[1]!, rackIds[2]!], window: open, maxInFlight: 1 });
    expect(c2.waves).toBe(2);
    await startCampaign(deps, fw, { id: c1.id });
    await startCampaign(deps, fw, { id: c2.id });

    const assetState = async (cid: string, assetId: string) => (await getCampaign(deps, cid)).assets.find((a) => a.assetId === assetId)!;
    await until("the racked asset's update verified", async () => (await assetState(c1.id, assets.ok)).status === "DONE", 90_000);
    await until("the campaign with the rejected image failed", async () => (await getCampaign(deps, c2.id)).status === "FAILED", 90_000);

    // success: SimpleUpdate with the image, the task Completed, the reset, the version read back by the fresh probe
    expect(sims.ok.state.updates).toEqual([{ imageUri: IMAGE, transferProtocol: null, targets: [] }]);
    expect(sims.ok.state.tasks.map((x) => x.state)).toEqual(["Completed"]);
    expect(sims.ok.state.resets).toEqual(["ForceRestart"]);
    expect((await assetState(c1.id, assets.ok)).observed).toBe("2.20.0");
    // outside its window: not touched, still in service, still pending
    expect(sims.win.state.updates).toEqual([]);
    const win = await assetState(c1.id, assets.win);
    expect([win.status, win.waitingForWindow, win.assetStatus]).toEqual(["PENDING", true, "IN_SERVICE"]);
    expect((await getCampaign(deps, c1.id)).status).toBe("RUNNING");
    // failure: task Exception, no reset, the campaign failed with the BMC's message, the next wave never started
    expect(sims.bad.state.tasks.map((x) => x.state)).toEqual(["Exception"]);
    expect(sims.bad.state.resets).toEqual([]);
    const d2 = await getCampaign(deps, c2.id);
    expect(d2.reason).toContain("signature verification");
    expect(d2.currentWave).toBe(0);
    expect((await assetState(c2.id, assets.after)).status).toBe("PENDING");
    // the result came back once through the journal
    const results = await t.db.bmcObservation.findMany({ where: { kind: "bmc.command" }, select: { idempotencyKey: true } });
    expect(results).toHaveLength(2);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  }, 150_000);
});
