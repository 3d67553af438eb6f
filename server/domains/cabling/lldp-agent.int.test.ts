/**
 * End to end: the real site agent walks a switch (lldpd + snmpd in network namespaces,
 * tests/harness/lldp-net.ts) with the SNMPv3 keys the server sealed, posts the walk to the real agent
 * API, and the server keeps it as the switch's latest LLDP view; fixing the cabling by moving veths is
 * seen by the agent's next round, nothing restarted; wrong keys end up as the switch's last error. A
 * server's own lldpcli json0 view is stored beside it. (SQLite: the storage is covered on both
 * databases by lldp.int.test.ts.)
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../../agents/runner/agent";
import { nodeTransport } from "../../../agents/runner/transport";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, seedCatalog } from "../../../tests/harness/fixtures";
import { LLDP_V3_USERS, startLldpNet, type LldpNet } from "../../../tests/harness/lldp-net";
import { handleAgentApi } from "../../agent-api/http";
import type { TDeps } from "../../context";
import type { TLldpView } from "../../contracts/lldp";
import { createAsset } from "../assets/service";
import { createAgent } from "../bmc/service";
import { createSwitch, getSwitch, latestLldpViews, recordHostView, updateSwitch } from "./lldp-service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const wiring = (v: TLldpView) => Object.fromEntries(v.neighbors.map((n) => [n.localPortId, n.sysName]));

describe("the site agent walks a real switch and the server keeps its LLDP view (SQLite)", () => {
  let net: LldpNet;
  let t: TTestDb;
  let deps: TDeps;
  let server: AgentApiServer;
  let journalDir = "";
  let token = "";
  let switchId = "";
  let switchAsset = "";
  const log: string[] = [];
  const admin = actor("admin");

  const runAgentOnce = () =>
    new Agent({ server: server.url, token, journalDir, once: true, transport: nodeTransport({ allowInsecureHttp: true }), log: (l) => log.push(l), commandWaitSec: 0, onceDeliveryAttempts: 1 }).run();

  beforeAll(async () => {
    [net, t] = await Promise.all([startLldpNet({ servers: 3, cabling: { 1: 2, 2: 1, 3: null } }), freshDatabase("sqlite")]);
    deps = depsFor(t);
    const cat = await seedCatalog(deps);
    const sw = await createAsset(deps, admin, { serial: "LEAF-SW1", modelId: cat.server.id });
    switchAsset = sw.id;
    const agent = await createAgent(deps, admin, { name: "lldp-e2e", siteId: cat.site.id });
    token = agent.token;
    const alice = LLDP_V3_USERS.alice;
    switchId = (await createSwitch(deps, admin, { assetId: sw.id, agentId: agent.id, host: net.host, port: net.port, snmpVersion: "3", v3User: "alice", authProtocol: alice.auth, authKey: alice.authKey, privProtocol: alice.priv, privKey: alice.privKey, timeoutMs: 1000 })).id;
    server = await startAgentApiServer({ handler: (req) => handleAgentApi(req, deps) });
    journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-lldp-agent-"));
    await net.waitForNeighbors({ swp1: "srv2", swp2: "srv1" });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await net?.stop();
    t?.close();
    if (journalDir) fs.rmSync(journalDir, { recursive: true, force: true });
  });

  it("one cable swapped, one missing; then fixed by moving veths; then wrong keys", async () => {
    expect((await runAgentOnce()).ok).toBe(true);
    let [latest] = await latestLldpViews(deps, { assetIds: [switchAsset] });
    expect(latest.source).toBe("snmp");
    expect(wiring(latest.view)).toEqual({ swp1: "srv2", swp2: "srv1" });
    expect(await getSwitch(deps, switchId)).toMatchObject({ lastError: null });

    net.plug(1, 1);
    net.plug(2, 2);
    net.plug(3, 3);
    await net.waitForNeighbors({ swp1: "srv1", swp2: "srv2", swp3: "srv3" });
    await runAgentOnce();
    [latest] = await latestLldpViews(deps, { assetIds: [switchAsset] });
    expect(wiring(latest.view)).toEqual({ swp1: "srv1", swp2: "srv2", swp3: "srv3" });

    // the server's own view, as its burn-in image would post it
    const host = await createAsset(deps, admin, { serial: "SRV1", modelId: (await t.db.hardwareModel.findFirstOrThrow()).id });
    await recordHostView(deps, admin, host.id, await net.lldpcliJson0(1));
    const [hv] = await latestLldpViews(deps, { assetIds: [host.id] });
    expect(hv.view.neighbors).toEqual([expect.objectContaining({ localPortId: "c1", sysName: "leaf-sw1", portId: "swp1", portIdSubtype: "ifname", chassisId: "02:5a:00:00:00:01" })]);

    await updateSwitch(deps, admin, { id: switchId, data: { authKey: "not-the-right-key", privKey: LLDP_V3_USERS.alice.privKey } });
    await runAgentOnce();
    expect((await getSwitch(deps, switchId)).lastError).toMatch(/^auth: SNMPv3 authentication failed for user alice at .*check --v3-user/);
    expect(log.join("\n")).not.toContain(LLDP_V3_USERS.alice.authKey);
  });
});
