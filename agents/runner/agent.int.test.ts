/**
 * The site agent as a real child process (`ironledger agent`) against a real
 * HTTP server speaking the agent API: store-and-forward while the server is
 * down, and kill -9 of the agent mid-run. Targets are real: simulated BMCs
 * (ipmi_sim) when the IPMI back-end is present, plus ports nobody listens on.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAgentTarget } from "../../server/contracts/agent";
import {
  createMemoryAgentApi,
  generatePrivateCa,
  startAgentApiServer,
  type AgentApiServer,
} from "../../tests/harness/agent-api-server";
import { freeUdpPorts, startIpmiSim, variedSpecs, USERS, type IpmiSimHarness } from "../../tests/harness/ipmi-sim";
import { journalState, spawnAgent, type TAgentProcess } from "../../tests/harness/agent-process";
import { startRedfishSim, type RedfishSim } from "../../tests/redfish-sim/server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "agents/bin/ironledger.mjs");
const TOKEN = "int-test-agent-token";

type AgentProc = TAgentProcess;

const agents: AgentProc[] = [];
let server: AgentApiServer | null = null;
let sim: IpmiSimHarness;
let redfish: RedfishSim;
let journalDir = "";
let port = 0;
const api = createMemoryAgentApi({ token: TOKEN });

function startAgent(): AgentProc {
  const proc = spawnAgent({ server: `http://127.0.0.1:${port}`, token: TOKEN, journalDir });
  agents.push(proc);
  return proc;
}

async function killAgent(p: AgentProc, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  await p.stop(signal);
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) {
      const log = agents.map((a) => a.output.join("")).join("\n---\n").slice(-3000);
      throw new Error(`timed out waiting for ${what}; agent output:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function assertStorage(): void {
  const stored = api.store.observations;
  // never twice in storage
  expect(new Set(stored.map((o) => o.idempotencyKey)).size).toBe(stored.length);
  // in order per endpoint
  const last = new Map<string, string>();
  for (const o of stored) {
    const prev = last.get(o.endpointId);
    if (prev !== undefined) expect(o.observedAt >= prev, `${o.endpointId}: ${o.observedAt} after ${prev}`).toBe(true);
    last.set(o.endpointId, o.observedAt);
  }
}

beforeAll(async () => {
  journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-agent-int-"));
  const targets: TAgentTarget[] = [];
  const base = { username: USERS.admin.username, password: USERS.admin.password, intervalSec: 5, allowCipherZero: false, tlsFingerprint: null };
  sim = await startIpmiSim(variedSpecs(2, "AGT"));
  sim.bmcs.forEach((b, i) =>
    targets.push({ ...base, endpointId: `ep-sim-${i}`, assetId: `asset-sim-${i}`, protocol: "ipmi", address: `127.0.0.1:${b.port}` }),
  );
  // a wrong password: bmc.unreachable with reason "auth", and the password never in the message
  targets.push({ ...base, endpointId: "ep-sim-badpw", assetId: "asset-sim-badpw", protocol: "ipmi", address: `127.0.0.1:${sim.bmcs[0].port}`, password: "not-the-password" });
  redfish = await startRedfishSim({ flavour: "hpe-like", username: "admin", password: "password" });
  targets.push({ ...base, endpointId: "ep-redfish-0", assetId: "asset-redfish-0", protocol: "redfish", address: redfish.url });
  // BMCs that do not answer (nobody listens on these ports): bmc.unreachable, just as real
  const dead = await freeUdpPorts(4);
  dead.forEach((p, i) =>
    targets.push({ ...base, endpointId: `ep-dead-${i}`, assetId: `asset-dead-${i}`, protocol: "ipmi", address: `127.0.0.1:${p}` }),
  );
  api.setWork({ agentId: "agent-int-1", siteId: "site-a", pollIntervalSec: 2, targets });
  server = await startAgentApiServer({ handler: api.handler });
  port = server.port;
});

afterAll(async () => {
  for (const a of agents) await killAgent(a);
  await server?.stop();
  await sim?.stop();
  await redfish?.stop();
  if (journalDir) fs.rmSync(journalDir, { recursive: true, force: true });
});

describe("site agent (child process) with store-and-forward", () => {
  it("rejects bad arguments with exit 2 and one line on stderr", async () => {
    const child = spawn(process.execPath, [BIN, "bmc", "probe", "--ipmi", "127.0.0.1:9", "--user", "admin", "--password-env", "IRONLEDGER_TEST_UNSET_VAR"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: environment variable IRONLEDGER_TEST_UNSET_VAR/)]);
  });

  it("keeps observations while the server is down and delivers them all, in order, once", async () => {
    startAgent();
    await until("first observations at the server", () => api.store.observations.length >= 3, 40_000);

    await server!.stop();
    const storedWhileUp = api.store.observations.length;
    await until("observations to pile up in the journal", () => journalState(journalDir).pending.length >= 4, 60_000);
    const heldBack = journalState(journalDir).pending;
    expect(api.store.observations.length).toBe(storedWhileUp); // the server really was down

    server = await startAgentApiServer({ handler: api.handler, port });
    await until("the journal to drain into the restarted server", () => heldBack.every((k) => api.store.byKey.has(k)), 60_000);
    assertStorage();
    const kinds = new Set(api.store.observations.map((o) => o.kind));
    expect(kinds.has("bmc.unreachable")).toBe(true);
    expect(kinds.has("bmc.probe")).toBe(true);
    const bad = api.store.observations.filter((o) => o.endpointId === "ep-sim-badpw");
    expect(bad.length).toBeGreaterThan(0);
    for (const o of bad) {
      expect(o).toMatchObject({ kind: "bmc.unreachable", reason: "auth" });
      expect(JSON.stringify(o)).not.toContain("not-the-password");
    }
    const rf = api.store.observations.find((o) => o.endpointId === "ep-redfish-0" && o.kind === "bmc.probe");
    expect(rf).toMatchObject({ kind: "bmc.probe", tlsFingerprint: redfish.fingerprint, result: { protocol: "redfish" } });
  });

  it("loses and duplicates nothing when the agent is killed with SIGKILL mid-run", async () => {
    // 1) killed while the server is down: everything journaled must arrive after the restart
    await server!.stop();
    await until("observations to pile up in the journal", () => journalState(journalDir).pending.length >= 3, 60_000);
    await killAgent(agents[agents.length - 1], "SIGKILL");
    const beforeKill1 = journalState(journalDir).keys;
    server = await startAgentApiServer({ handler: api.handler, port });
    startAgent();
    await until("everything journaled before kill #1 to be stored", () => beforeKill1.every((k) => api.store.byKey.has(k)), 60_000);

    // 2) killed while the server is up, mid-delivery
    const storedNow = api.store.observations.length;
    await until("more observations", () => api.store.observations.length >= storedNow + 3, 60_000);
    await killAgent(agents[agents.length - 1], "SIGKILL");
    const beforeKill2 = journalState(journalDir).keys;
    startAgent();
    await until("everything journaled before kill #2 to be stored", () => beforeKill2.every((k) => api.store.byKey.has(k)), 60_000);
    await until("the restarted agent to deliver new observations", () => api.store.observations.length >= storedNow + 6, 60_000);

    assertStorage();
    // the journal stays small: delivered records are compacted away
    await until("journal to be drained", () => journalState(journalDir).pending.length <= 4, 30_000);
    const segs = fs.readdirSync(journalDir).filter((f) => f.startsWith("seg-"));
    expect(segs.length).toBeLessThanOrEqual(3);
  });

  it("--once over HTTPS with a private CA (--ca), and refuses the server without it", async () => {
    const pki = generatePrivateCa();
    const targets = [{ endpointId: "ep-tls-0", assetId: "asset-tls-0", protocol: "ipmi" as const, address: `127.0.0.1:${sim.bmcs[1].port}`,
      username: USERS.admin.username, password: USERS.admin.password, intervalSec: 60, allowCipherZero: false, tlsFingerprint: null }];
    const tlsApi = createMemoryAgentApi({ token: TOKEN, work: { agentId: "agent-tls", siteId: null, pollIntervalSec: 60, targets } });
    const tlsServer = await startAgentApiServer({ handler: tlsApi.handler, tls: { key: pki.key, cert: pki.cert } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-agent-tls-"));
    const caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, pki.caCert);
    const runOnce = async (extra: string[]) => {
      const child = spawn(process.execPath, [BIN, "agent", "--server", tlsServer.url, "--journal", path.join(dir, "journal"), "--once", ...extra], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, IRONLEDGER_AGENT_TOKEN: TOKEN },
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      return { code, stderr };
    };
    try {
      const refused = await runOnce([]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: cannot fetch work from https:\/\/127\.0\.0\.1:\d+: server unreachable \(.*certificate/m);

      const ok = await runOnce(["--ca", caFile]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(tlsApi.store.workRequests).toBe(1);
      expect(tlsApi.store.observations).toHaveLength(targets.length);
      expect(tlsApi.store.observations[0]).toMatchObject({ kind: "bmc.probe", endpointId: "ep-tls-0" });
    } finally {
      await tlsServer.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
