/**
 * End to end: the real agent API handler (over node:http on 127.0.0.1), a real
 * SQLite database, the real site agent as a child process and simulated BMCs
 * (ipmi_sim). One BMC's FRU serial differs from the CMDB → a SERIAL_MISMATCH
 * finding. The API server is stopped for a while and restarted on the same
 * port → nothing lost, nothing stored twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TObservation } from "../../contracts/agent";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, seedCatalog } from "../../../tests/harness/fixtures";
import { startIpmiSim, USERS, variedSpecs, type IpmiSimHarness } from "../../../tests/harness/ipmi-sim";
import { systemClock, type TDeps } from "../../context";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { handleAgentApi } from "./agent-api";
import { assetBmc, createAgent, createEndpoint, listFindings, powerAction } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "agents/bin/ironledger.mjs");
const haveIpmiSim = fs.existsSync("/usr/bin/ipmi_sim") || fs.existsSync("/usr/local/bin/ipmi_sim");

let t: TTestDb;
let deps: TDeps;
let sim: IpmiSimHarness;
let server: AgentApiServer | null = null;
let agentProc: { child: ChildProcess; pid: number; output: string[]; exited: Promise<number | null> } | null = null;
let journalDir = "";
let token = "";
const assets: { id: string; serial: string }[] = [];
const endpoints: string[] = [];

function journalKeys(dir: string): { keys: string[]; pending: string[] } {
  const keys: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => /^seg-\d+\.jsonl$/.test(x)).sort()) {
    let text = "";
    try {
      text = fs.readFileSync(path.join(dir, f), "utf8");
    } catch {
      continue; // compacted meanwhile
    }
    const lines = text.split("\n");
    lines.pop();
    for (const l of lines) {
      try {
        keys.push((JSON.parse(l) as TObservation).idempotencyKey);
      } catch {
        /* torn line */
      }
    }
  }
  let delivered = new Set<string>();
  try {
    delivered = new Set(fs.readFileSync(path.join(dir, "delivered.log"), "utf8").split("\n").filter(Boolean));
  } catch {
    /* none yet */
  }
  return { keys, pending: keys.filter((k) => !delivered.has(k)) };
}

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent output:\n${agentProc?.output.join("").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const handler = (req: Request) => handleAgentApi(req, deps);

beforeAll(async () => {
  if (!haveIpmiSim) return;
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

describe.skipIf(!haveIpmiSim)("BMC agent end to end (real agent, real handler, SQLite, ipmi_sim)", () => {
  it("stores observations once, finds the serial mismatch, and loses nothing while the server is down", async () => {
    const child = spawn(process.execPath, [BIN, "agent", "--server", server!.url, "--token", token, "--journal", journalDir], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, IRONLEDGER_AGENT_TOKEN: "" },
    });
    const output: string[] = [];
    child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
    child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
    agentProc = { child, pid: child.pid as number, output, exited: new Promise((r) => child.once("exit", (c) => r(c))) };

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
    await until("observations to pile up in the agent's journal", () => journalKeys(journalDir).pending.length >= 3, 60_000);
    const heldBack = journalKeys(journalDir).pending;
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
});
