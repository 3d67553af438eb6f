/**
 * Polled switches and observed LLDP on both databases: secrets sealed and write-only, the agent's work
 * carries them opened, walks posted to the agent API stored once per key with a bounded history, the
 * latest view per asset, a host's lldpcli json0 view, audit and live notices.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TLldpView } from "../../contracts/lldp";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { handleAgentApi } from "../../agent-api/http";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createAgent } from "../bmc/service";
import { createSwitch, deleteSwitch, getSwitch, latestLldpViews, listSwitches, lldpHistory, LLDP_HISTORY, recordHostView, updateSwitch } from "./lldp-service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const COMMUNITY = "c0mmunity-never-shown";
const AUTH = "auth-key-never-shown";
const PRIV = "priv-key-never-shown";

const view = (peer: string): TLldpView => ({
  sysName: "leaf-sw1",
  chassisId: "02:5a:00:00:00:01",
  localPorts: [{ portNum: 3, portId: "swp1", portIdSubtype: "ifname", portDesc: "server port 1", ifName: "swp1" }],
  neighbors: [{ localPortNum: 3, localPortId: "swp1", chassisId: "02:5b:00:00:00:01", chassisIdSubtype: "mac", portId: "02:5b:00:00:00:01", portIdSubtype: "mac", portDesc: "c1", sysName: peer }],
});

const JSON0 = {
  lldp: [{ interface: [{ name: "eth0", via: "LLDP", chassis: [{ id: [{ type: "mac", value: "02:5A:00:00:00:01" }], name: [{ value: "leaf-sw1" }] }], port: [{ id: [{ type: "ifname", value: "swp1" }], descr: [{ value: "server port 1" }] }] }] }],
};

let seq = 0;
const key = () => `lldp-${++seq}-${randomBytes(4).toString("hex")}`;

describe.each(DATABASES)("LLDP observation on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-01-05T12:00:00Z"));
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const tech = actor("technician");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let n = 0;

  const call = (token: string, method: string, path: string, body?: unknown) =>
    handleAgentApi(new Request(`http://127.0.0.1${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }), deps());

  async function setup() {
    const sw = await createAsset(deps(), admin, { serial: `SW-${provider}-${++n}`, modelId: cat.server.id });
    const agent = await createAgent(deps(), admin, { name: `lldp-agent-${provider}-${n}`, siteId: cat.site.id });
    return { sw, agent };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
  });
  afterAll(() => t.close());

  it("registers switches with sealed, write-only secrets; refuses what is missing or duplicated", async () => {
    const { sw, agent } = await setup();
    const v2 = await createSwitch(deps(), tech, { assetId: sw.id, agentId: agent.id, host: "169.254.10.1", snmpVersion: "2c", community: COMMUNITY });
    expect(v2).toMatchObject({ snmpVersion: "2c", port: 161, hasSecrets: true, v3User: null });
    const other = await createAsset(deps(), admin, { serial: `SW-${provider}-v3`, modelId: cat.server.id });
    const v3 = await createSwitch(deps(), admin, { assetId: other.id, host: "10.0.0.2", snmpVersion: "3", v3User: "ops", authProtocol: "sha256", authKey: AUTH, privProtocol: "aes256b", privKey: PRIV });
    expect(v3).toMatchObject({ snmpVersion: "3", v3User: "ops", authProtocol: "sha256", privProtocol: "aes256b", hasSecrets: true, agentId: null });

    const outputs = JSON.stringify([v2, v3, await listSwitches(deps()), await getSwitch(deps(), v3.id), await t.db.auditLog.findMany({ where: { entity: "NetSwitch" } })]);
    for (const s of [COMMUNITY, AUTH, PRIV]) expect(outputs).not.toContain(s);
    const rows = JSON.stringify(await t.db.netSwitch.findMany());
    for (const s of [COMMUNITY, AUTH, PRIV]) expect(rows).not.toContain(s);

    await expect(createSwitch(deps(), tech, { assetId: sw.id, host: "10.0.0.3", snmpVersion: "2c", community: "x" })).rejects.toMatchObject({ code: "DUPLICATE" });
    await expect(createSwitch(deps(), tech, { assetId: other.id, host: "10.0.0.3", snmpVersion: "3", v3User: "ops", authKey: "short", privKey: PRIV } as never)).rejects.toThrow(/at least 8 characters/);
    await expect(createSwitch(deps(), tech, { assetId: sw.id, host: "10.0.0.3:161", snmpVersion: "2c", community: "x" })).rejects.toThrow(/without a port/);
    await expect(createSwitch(deps(), tech, { assetId: sw.id, host: "10.0.0.3", snmpVersion: "2c" })).rejects.toThrow(/read community/);
    await expect(updateSwitch(deps(), tech, { id: v2.id, data: { snmpVersion: "3", v3User: "ops" } })).rejects.toThrow(/both keys/);

    const moved = await updateSwitch(deps(), tech, { id: v2.id, data: { snmpVersion: "3", v3User: "ops", authKey: AUTH, privKey: PRIV, intervalSec: 60 } });
    expect(moved).toMatchObject({ snmpVersion: "3", v3User: "ops", authProtocol: "sha", privProtocol: "aes", intervalSec: 60, hasSecrets: true });
    expect((await t.db.netSwitch.findUnique({ where: { id: v2.id } }))!.communityEnc).toBeNull();
    await deleteSwitch(deps(), admin, v3.id);
    expect((await listSwitches(deps())).map((s) => s.id)).toEqual([v2.id]);
    await updateSwitch(deps(), tech, { id: v2.id, data: { snmpVersion: "2c", community: COMMUNITY } });
  });

  it("the agent gets its switches with secrets opened; its walks are stored once per key, latest first, history bounded", async () => {
    const { sw, agent } = await setup();
    const s = await createSwitch(deps(), tech, { assetId: sw.id, agentId: agent.id, host: "169.254.10.1", snmpVersion: "3", v3User: "ops", authKey: AUTH, privKey: PRIV });
    const work = await (await call(agent.token, "GET", "/api/agent/v1/work")).json();
    expect(work.switches).toEqual([{ switchId: s.id, assetId: sw.id, host: "169.254.10.1", port: 161, intervalSec: 300, timeoutMs: 2000, snmp: { version: "3", user: "ops", authProtocol: "sha", authKey: AUTH, privProtocol: "aes", privKey: PRIV } }]);

    const first = { kind: "lldp", idempotencyKey: key(), switchId: s.id, observedAt: "2026-01-05T11:00:00.000Z", durationMs: 40, view: view("srv2") };
    const r1 = await call(agent.token, "POST", "/api/agent/v1/lldp", { observations: [first] });
    expect(r1.status).toBe(200);
    expect(await r1.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await (await call(agent.token, "POST", "/api/agent/v1/lldp", { observations: [first] })).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, stored: [first.idempotencyKey] });

    const later = { ...first, idempotencyKey: key(), observedAt: "2026-01-05T11:05:00.000Z", view: view("srv1") };
    const failed = { kind: "lldp", idempotencyKey: key(), switchId: s.id, observedAt: "2026-01-05T11:04:00.000Z", durationMs: 2000, error: { reason: "timeout", message: "no answer" } };
    expect((await call(agent.token, "POST", "/api/agent/v1/lldp", { observations: [later, failed] })).status).toBe(200);
    const latest = await latestLldpViews(deps(), { assetIds: [sw.id] });
    expect(latest).toEqual([{ assetId: sw.id, source: "snmp", observedAt: new Date(later.observedAt), view: view("srv1") }]);
    expect(await getSwitch(deps(), s.id)).toMatchObject({ lastPolledAt: new Date(later.observedAt), lastError: null });

    // a bad observation refuses the batch; another agent's switch too
    const bad = await call(agent.token, "POST", "/api/agent/v1/lldp", { observations: [{ ...first, idempotencyKey: key(), view: { ...view("x"), neighbors: "none" } }] });
    expect(bad.status).toBe(400);
    const { agent: stranger } = await setup();
    const foreign = await call(stranger.token, "POST", "/api/agent/v1/lldp", { observations: [{ ...first, idempotencyKey: key() }] });
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error.message).toMatch(/not assigned to agent/);

    const many = Array.from({ length: LLDP_HISTORY + 3 }, (_, i) => ({ ...first, idempotencyKey: key(), observedAt: new Date(Date.parse("2026-01-05T11:10:00Z") + i * 1000).toISOString() }));
    expect((await call(agent.token, "POST", "/api/agent/v1/lldp", { observations: many })).status).toBe(200);
    expect(await t.db.lldpObservation.count({ where: { assetId: sw.id } })).toBe(LLDP_HISTORY);
    expect((await lldpHistory(deps(), { assetId: sw.id, take: 1 }))[0].observedAt).toEqual(new Date(many.at(-1)!.observedAt));
    expect(await t.db.liveEvent.count({ where: { scope: "cabling", key: sw.id } })).toBeGreaterThan(2);
  });

  it("stores a host's lldpcli json0 view; malformed input stores nothing", async () => {
    const host = await createAsset(deps(), admin, { serial: `SRV-${provider}-host`, modelId: cat.server.id });
    const ack = await recordHostView(deps(), tech, host.id, JSON0);
    expect(ack).toMatchObject({ assetId: host.id, neighbors: 1 });
    const [v] = await latestLldpViews(deps(), { assetIds: [host.id] });
    expect(v.source).toBe("host");
    expect(v.view.neighbors[0]).toMatchObject({ localPortId: "eth0", chassisId: "02:5a:00:00:00:01", portId: "swp1", sysName: "leaf-sw1" });
    await expect(recordHostView(deps(), tech, host.id, { lldp: { interface: {} } })).rejects.toThrow(/json0/);
    await expect(recordHostView(deps(), tech, "no-such-asset", JSON0)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await t.db.lldpObservation.count({ where: { assetId: host.id } })).toBe(1);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
