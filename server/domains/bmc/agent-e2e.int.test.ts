/**
 * End to end: the real agent API handler (over node:http on 127.0.0.1), a real
 * SQLite database, the real site agent as a child process and simulated BMCs
 * (ipmi_sim). One BMC's FRU serial differs from the CMDB → a SERIAL_MISMATCH
 * finding. The API server is stopped for a while and restarted on the same
 * port → nothing lost, nothing stored twice. A technician's power command goes
 * through the agent's command channel to ipmi_sim; a command that expires while
 * the agent is down is never carried out.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { journalState, spawnAgent, type TAgentProcess } from "../../../tests/harness/agent-process";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, seedCatalog } from "../../../tests/harness/fixtures";
import { startIpmiSim, USERS, variedSpecs, type IpmiSimHarness } from "../../../tests/harness/ipmi-sim";
import { systemClock, type TDeps } from "../../context";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { handleAgentApi } from "../../agent-api/http";
import { COMMAND_TTL_MS, listCommands, queueCommand } from "./commands";
import { assetBmc, createAgent, createEndpoint, listFindings, powerAction } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");
// the server itself reaches only the BMC networks an administrator allowed; here the simulators on loopback
process.env.IRONLEDGER_BMC_NETWORKS ??= "127.0.0.0/8";


let t: TTestDb;
let deps: TDeps;
let sim: IpmiSimHarness;
let server: AgentApiServer | null = null;
let agentProc: TAgentProcess | null = null;
let journalDir = "";
let token = "";
const assets: { id: string; serial: string }[] = [];
const endpoints: string[] = [];

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent output:\n${agentProc?.output.join("").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** GET /commands requests the API server has received, to know that a (restarted) agent has asked */
let commandPolls = 0;
const handler = (req: Request) => {
  if (new URL(req.url).pathname.endsWith("/commands")) commandPolls++;
  return handleAgentApi(req, deps);
};

function startAgentProcess(): void {
  agentProc = spawnAgent({ server: server!.url, token, journalDir });
}

async function stopAgentProcess(): Promise<void> {
  await agentProc?.stop("SIGTERM");
}

beforeAll(async () => {
  t = await freshDatabase("sqlite");
  deps = depsFor(t, systemClock);
  const cat = await seedCatalog(deps);
  const admin = actor("admin");
  sim = await startIpmiSim(variedSpecs(2, "E2E"));
  // BMC 0 matches the record; BMC 1's FRU says E2E00001 but the CMDB says otherwise
  const serials = ["E2E00000", "E2E-CMDB-0001"];
  const agent = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
  token = agent.token;
  for (let i = 0; i < 2; i++) {
    const a = await createAsset(deps, admin, { serial: serials[i]!, modelId: cat.server.id });
    assets.push({ id: a.id, serial: a.serial });
    const ep = await createEndpoint(deps, admin, { assetId: a.id, agentId: agent.id, protocol: "ipmi", address: `127.0.0.1:${sim.bmcs[i]!.port}`, username: USERS.admin.username, password: USERS.admin.password, intervalSec: 5 });
    endpoints.push(ep.id);
  }
  server = await startAgentApiServer({ handler });
  journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-bmc-e2e-"));
}, 180_000);

afterAll(async () => {
  if (agentProc && agentProc.child.exitCode === null && agentProc.child.signalCode === null) {
    try {
      process.kill(agentProc.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    await agentProc.exited;
  }
  await server?.stop();
  await sim?.stop();
  await t?.close();
  if (journalDir) fs.rmSync(journalDir, { recursive: true, force: true });
});

describe("BMC agent end to end (real agent, real handler, SQLite, ipmi_sim)", () => {
  it("stores observations once, finds the serial mismatch, and loses nothing while the server is down", async () => {
    startAgentProcess();

    const probes = (endpointId: string) => t.db.bmcObservation.count({ where: { endpointId, kind: "bmc.probe" } });
    await until("a probe of each BMC in the database", async () => (await probes(endpoints[0]!)) >= 1 && (await probes(endpoints[1]!)) >= 1, 60_000);

    const mismatch = await listFindings(deps, { assetId: assets[1]!.id, status: ["OPEN"] });
    expect(mismatch.map((f) => f.kind)).toEqual(["SERIAL_MISMATCH"]);
    expect(mismatch[0]!.detail).toMatchObject({ cmdbSerial: "E2E-CMDB-0001", observed: { productSerial: "E2E00001" } });
    expect(await listFindings(deps, { assetId: assets[0]!.id, status: ["OPEN"] })).toEqual([]);
    const view = await assetBmc(deps, assets[0]!.id);
    expect(view.endpoint).toMatchObject({ lastStatus: "ok", lastPower: "on" });
    expect(view.probe!.sensors.length).toBeGreaterThan(0);
    expect(view.probe!.fru.productSerial).toBe("E2E00000");

    // the server goes away; the agent keeps observing into its journal
    await server!.stop();
    const storedWhileUp = await t.db.bmcObservation.count();
    await until("observations to pile up in the agent's journal", () => journalState(journalDir).pending.length >= 3, 60_000);
    const heldBack = journalState(journalDir).pending;
    expect(await t.db.bmcObservation.count()).toBe(storedWhileUp);

    server = await startAgentApiServer({ handler, port: server!.port });
    await until("the journal to drain into the restarted server", async () => (await t.db.bmcObservation.count({ where: { idempotencyKey: { in: heldBack } } })) === heldBack.length, 60_000);

    // everything the agent journalled and delivered is stored exactly once
    const rows = await t.db.bmcObservation.findMany({ select: { idempotencyKey: true, endpointId: true, kind: true } });
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(rows.length);
    const inDb = new Set(rows.map((r) => r.idempotencyKey));
    for (const k of heldBack) expect(inDb.has(k)).toBe(true);
    expect(rows.every((r) => endpoints.includes(r.endpointId))).toBe(true);
    expect(rows.filter((r) => r.kind === "bmc.probe").length).toBeGreaterThanOrEqual(4);
    // still one finding, refreshed rather than repeated
    expect(await t.db.bmcFinding.count({ where: { assetId: assets[1]!.id, kind: "SERIAL_MISMATCH" } })).toBe(1);
    // the password never left the server except to its agent
    expect(JSON.stringify(await t.db.auditLog.findMany())).not.toContain(`"${USERS.admin.password}"`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("switches power directly when the endpoint has no agent (lab), audited", async () => {
    const cat = await t.db.hardwareModel.findFirstOrThrow({ where: { kind: "SERVER" } });
    const tech = actor("technician");
    const lab = await createAsset(deps, actor("admin"), { serial: "LAB-0001", modelId: cat.id });
    const bmc = sim.bmcs[0]!;
    await createEndpoint(deps, tech, { assetId: lab.id, protocol: "ipmi", address: `127.0.0.1:${bmc.port}`, username: USERS.admin.username, password: USERS.admin.password });
    expect(bmc.power()).toBe(1);
    expect(await powerAction(deps, tech, { assetId: lab.id, action: "off", confirm: true })).toEqual({ power: "off" });
    expect(bmc.power()).toBe(0);
    expect(await powerAction(deps, tech, { assetId: lab.id, action: "on", confirm: true })).toEqual({ power: "on" });
    const ep = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { assetId: lab.id } });
    const audit = await t.db.auditLog.findMany({ where: { entity: "BmcEndpoint", entityId: ep.id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["create", "power", "power.done", "power", "power.done"]);
    expect(audit.every((a) => a.actorId === tech.id)).toBe(true);
  });
  it("carries out a technician's power command through the agent, and never one that expired while the agent was down", async () => {
    const tech = actor("technician", "tech-e2e");
    const bmc = sim.bmcs[0]!;
    const assetId = assets[0]!.id;
    expect(agentProc!.child.exitCode).toBeNull();
    expect(bmc.power()).toBe(1);

    const off = await queueCommand(deps, tech, { assetId, action: "off", confirm: true });
    const statusOf = async (id: string) => (await t.db.bmcCommand.findUniqueOrThrow({ where: { id } })).status;
    await until("the agent to carry out the power-off", async () => (await statusOf(off.id)) === "DONE", 60_000);
    expect(bmc.power()).toBe(0);
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: off.id, status: "DONE", power: "off", requestedBy: tech.id });
    expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: endpoints[0]! } })).lastPower).toBe("off");
    expect(fs.readFileSync(path.join(journalDir, "commands.log"), "utf8")).toContain(off.id);

    // the agent goes down; a power-on is queued and expires before it comes back
    await stopAgentProcess();
    const stale = await queueCommand(deps, tech, { assetId, action: "on", confirm: true }, { ttlMs: 1_500 });
    await new Promise((r) => setTimeout(r, 2_500));
    const requestsBefore = bmc.requests().length;
    const pollsBefore = commandPolls;
    const storedBefore = await t.db.bmcObservation.count();
    startAgentProcess();
    await until("the restarted agent to ask for commands and deliver a probe", async () => commandPolls > pollsBefore && (await t.db.bmcObservation.count()) > storedBefore, 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(bmc.power()).toBe(0);
    expect(bmc.requests().slice(requestsBefore).filter((l) => l.startsWith("set power"))).toEqual([]);
    expect(await statusOf(stale.id)).toBe("EXPIRED");
    expect(stale.expiresAt.getTime() - stale.requestedAt.getTime()).toBeLessThan(COMMAND_TTL_MS);

    // the restarted agent still carries out fresh commands, each once
    const on = await queueCommand(deps, tech, { assetId, action: "on", confirm: true });
    await until("the agent to carry out the power-on", async () => (await statusOf(on.id)) === "DONE", 60_000);
    expect(bmc.power()).toBe(1);
    const results = await t.db.bmcObservation.findMany({ where: { kind: "bmc.command" }, select: { payload: true } });
    expect(results.map((r) => (JSON.parse(r.payload) as { commandId: string }).commandId).sort()).toEqual([off.id, on.id].sort());
    const audit = await t.db.auditLog.findMany({ where: { entity: "BmcCommand", entityId: { in: [off.id, stale.id, on.id] } }, orderBy: { seq: "asc" }, select: { action: true, entityId: true, actorId: true } });
    expect(audit.filter((a) => a.entityId === off.id).map((a) => a.action)).toEqual(["power.queue", "power.done"]);
    expect(audit.filter((a) => a.entityId === stale.id).map((a) => a.action)).toEqual(["power.queue", "power.expired"]);
    expect(audit.filter((a) => a.action === "power.queue").every((a) => a.actorId === tech.id)).toBe(true);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
