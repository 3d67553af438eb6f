/**
 * What the asset page's BMC panel needs from the server, on both databases:
 * the asset's site and the agent's online state, bulk decisions on findings and
 * their undo, "add the unknown parts as parts" (really registered, all or none),
 * the model finding, "probe now" and cancelling a queued command, and reusing
 * a revoked agent's name. Observations arrive through the real agent API.
 */
import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAgentCommands, TObservation } from "../../contracts/agent";
import type { TBmcProbeResult } from "../../contracts/bmc";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TActor, TDeps } from "../../context";
import { appRouter } from "../../router";
import { createCallerFactory, type TContext } from "../../trpc";
import { handleAgentApi } from "../../agent-api/http";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createModel } from "../catalog/service";
import { cancelCommand, listCommands, queueCommand } from "./commands";
import { addUnknownParts, agentOfflineAfterSec, assetBmc, createAgent, createEndpoint, decideFindings, FINDING_UNDO_WINDOW_MS, reopenFindings, revokeAgent } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

let seq = 0;
const key = () => `panel-${++seq}-${randomBytes(4).toString("hex")}`;

function result(over: Partial<TBmcProbeResult> = {}, fru: Partial<TBmcProbeResult["fru"]> = {}): TBmcProbeResult {
  return {
    protocol: "ipmi",
    power: "on",
    deviceId: { firmwareRevision: "2.15", manufacturerId: 674, productId: 256 },
    guid: null,
    fru: { manufacturer: "Dell Inc.", productName: "PowerEdge R760", productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null, ...fru },
    sensors: [{ name: "CPU Temp", value: 45, unit: "degrees C", status: "ok" }],
    sel: [],
    firmware: [{ component: "BMC", version: "2.15" }],
    ...over,
  };
}

describe.each(DATABASES)("the BMC panel's server side on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  const clock = new FakeClock();
  const admin = actor("admin");
  const tech = actor("technician", "tech-anna");
  const otherTech = actor("technician", "tech-ben");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let agent = { id: "", token: "" };

  const callerFor = (a: TActor) => createCallerFactory(appRouter)({ deps, actor: a, ip: "127.0.0.1", secureCookies: false, resHeaders: new Headers() } as TContext);
  const api = (token: string, path: string, init: RequestInit = {}) =>
    handleAgentApi(new Request(`http://127.0.0.1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }), deps);
  const observe = async (endpointId: string, r: TBmcProbeResult) => {
    const o: TObservation = { kind: "bmc.probe", idempotencyKey: key(), endpointId, observedAt: clock.now().toISOString(), durationMs: 100, result: r };
    const res = await api(agent.token, "/api/agent/v1/observations", { method: "POST", body: JSON.stringify({ observations: [o] }) });
    expect(res.status).toBe(200);
  };
  let n = 0;
  const newServer = async (over: { agentId?: string | null; location?: "rack" | "none" } = {}) => {
    const a = await createAsset(deps, admin, { serial: `PNL-${provider}-${++n}`, modelId: cat.server.id, ...(over.location === "none" ? {} : { locationId: cat.rack.id, rackUnit: 2 * n }) });
    const ep = await createEndpoint(deps, admin, { assetId: a.id, agentId: over.agentId === undefined ? agent.id : over.agentId, protocol: "ipmi", address: `10.9.0.${n}:623`, username: "admin", password: "bmc-secret", intervalSec: 30 });
    return { assetId: a.id, endpointId: ep.id, serial: a.serial };
  };

  beforeAll(async () => {
    t = await freshDatabase(provider);
    deps = depsFor(t, clock);
    cat = await seedCatalog(deps);
    const a = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
    agent = { id: a.id, token: a.token };
  }, 120_000);
  afterAll(() => t?.close());

  it("tells the panel the asset's site and whether the agent has called in lately", async () => {
    const s = await newServer();
    let view = await assetBmc(deps, s.assetId);
    expect(view.site).toEqual({ id: cat.site.id, name: "Frankfurt 1" });
    expect(view.agent).toMatchObject({ id: agent.id, name: "fra1-oob", siteId: cat.site.id, lastSeenAt: null, online: false, pollIntervalSec: 60 });
    // the agent asks for its work: online
    expect((await api(agent.token, "/api/agent/v1/work")).status).toBe(200);
    view = await assetBmc(deps, s.assetId);
    expect(view.agent?.online).toBe(true);
    expect(view.agent?.lastSeenAt?.getTime()).toBe(clock.now().getTime());
    clock.advance(agentOfflineAfterSec() * 1000 + 1000);
    expect((await assetBmc(deps, s.assetId)).agent?.online).toBe(false);
    // an asset without a location has no site; an endpoint without an agent no agent
    const lone = await newServer({ agentId: null, location: "none" });
    expect(await assetBmc(deps, lone.assetId)).toMatchObject({ site: null, agent: null });
  });

  it("opens a model finding when the BMC names another model of the same maker, and resolves it when it matches again", async () => {
    const s = await newServer();
    await observe(s.endpointId, result({}, { productSerial: s.serial, productName: "PowerEdge R750" }));
    let view = await assetBmc(deps, s.assetId);
    expect(view.findings.map((f) => [f.kind, f.key])).toEqual([["MODEL_MISMATCH", "POWEREDGER750"]]);
    expect(view.findings[0]!.detail).toMatchObject({ cmdbModel: "PowerEdge R760", observedModel: "PowerEdge R750" });
    clock.advance(1000);
    await observe(s.endpointId, result({}, { productSerial: s.serial, productName: "R760" }));
    view = await assetBmc(deps, s.assetId);
    expect(view.findings).toEqual([]);
  });

  it("accepts or dismisses many findings at once, all or none, and undoes one's own recent decision", async () => {
    const s = await newServer();
    const components = ["D-1", "D-2", "D-3"].map((serial, i) => ({ kind: "DIMM" as const, slot: `A${i}`, model: "64GB DDR5", serial }));
    await observe(s.endpointId, result({ components }, { productSerial: s.serial }));
    const open = (await assetBmc(deps, s.assetId)).findings;
    expect(open.map((f) => f.kind)).toEqual(["COMPONENT_UNEXPECTED", "COMPONENT_UNEXPECTED", "COMPONENT_UNEXPECTED"]);
    const ids = open.map((f) => f.id);

    const res = await callerFor(tech).bmc.decideFindings({ assetId: s.assetId, ids: ids.slice(0, 2), decision: "DISMISSED" });
    expect(res.count).toBe(2);
    expect(res.findings.every((f) => f.status === "DISMISSED" && f.resolvedBy === tech.id)).toBe(true);
    expect((await assetBmc(deps, s.assetId)).findings.map((f) => f.id)).toEqual([ids[2]]);
    // one of them already decided: nothing changes
    await expect(decideFindings(deps, tech, { assetId: s.assetId, ids, decision: "ACCEPTED" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await assetBmc(deps, s.assetId)).findings.map((f) => f.id)).toEqual([ids[2]]);
    // ids of another asset are refused
    const other = await newServer();
    await expect(decideFindings(deps, tech, { assetId: other.assetId, ids: [ids[2]!], decision: "ACCEPTED" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // undo: only by the person who decided, only for a while
    await expect(reopenFindings(deps, otherTech, { assetId: s.assetId, ids: ids.slice(0, 2) })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const undone = await callerFor(tech).bmc.reopenFindings({ assetId: s.assetId, ids: [ids[0]!] });
    expect(undone.findings[0]).toMatchObject({ status: "OPEN", resolvedBy: null, resolvedAt: null });
    expect((await assetBmc(deps, s.assetId)).findings.map((f) => f.id).sort()).toEqual([ids[0], ids[2]].sort());
    clock.advance(FINDING_UNDO_WINDOW_MS + 1000);
    await expect(reopenFindings(deps, tech, { assetId: s.assetId, ids: [ids[1]!] })).rejects.toMatchObject({ code: "CONFLICT" });
    // an open finding has nothing to undo
    await expect(reopenFindings(deps, tech, { assetId: s.assetId, ids: [ids[0]!] })).rejects.toMatchObject({ code: "CONFLICT" });
    const audit = await t.db.auditLog.findMany({ where: { entity: "BmcFinding", action: { in: ["dismiss", "reopen"] }, actorId: tech.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["dismiss", "reopen"]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("registers the unknown parts as parts of the asset and accepts their findings; a taken serial registers none", async () => {
    const s = await newServer();
    const nic = await createModel(deps, admin, { manufacturerId: cat.dell.id, name: "25GbE NIC", kind: "NIC", partNumber: `NIC-${provider}` });
    const components = [
      { kind: "DIMM" as const, slot: "A1", model: "64GB DDR5", serial: `UP-${provider}-D1` },
      { kind: "DIMM" as const, slot: "A2", model: "64GB DDR5", serial: `UP-${provider}-D2` },
      { kind: "NIC" as const, slot: "NIC.1", model: "25GbE", serial: `UP-${provider}-N1` },
    ];
    await observe(s.endpointId, result({ components }, { productSerial: s.serial }));
    const ids = (await assetBmc(deps, s.assetId)).findings.map((f) => f.id);
    expect(ids).toHaveLength(3);

    // a model for every kind, else nothing happens
    await expect(addUnknownParts(deps, tech, { assetId: s.assetId, ids, models: { DIMM: cat.dimm.id } })).rejects.toMatchObject({ code: "BAD_REQUEST", fields: { "models.NIC": ["Choose a model"] } });
    // a server model is not a part model
    await expect(addUnknownParts(deps, tech, { assetId: s.assetId, ids, models: { DIMM: cat.dimm.id, NIC: cat.server.id } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // one serial already registered: none registered, findings still open
    const taken = await createAsset(deps, admin, { serial: `UP-${provider}-D2`, modelId: cat.dimm.id });
    await expect(addUnknownParts(deps, tech, { assetId: s.assetId, ids, models: { DIMM: cat.dimm.id, NIC: nic.id } })).rejects.toMatchObject({ code: "DUPLICATE" });
    expect(await t.db.asset.count({ where: { parentId: s.assetId } })).toBe(0);
    expect((await assetBmc(deps, s.assetId)).findings).toHaveLength(3);
    await t.db.asset.update({ where: { id: taken.id }, data: { serial: `UP-${provider}-OTHER` } });

    const res = await callerFor(tech).bmc.addUnknownParts({ assetId: s.assetId, ids, models: { DIMM: cat.dimm.id, NIC: nic.id } });
    expect(res.accepted).toBe(3);
    expect(res.created.map((p) => [p.serial, p.kind, p.modelName]).sort()).toEqual([
      [`UP-${provider.toUpperCase()}-D1`, "DIMM", "64GB DDR5 RDIMM"],
      [`UP-${provider.toUpperCase()}-D2`, "DIMM", "64GB DDR5 RDIMM"],
      [`UP-${provider.toUpperCase()}-N1`, "NIC", "25GbE NIC"],
    ]);
    const parts = await t.db.asset.findMany({ where: { parentId: s.assetId }, select: { serial: true, status: true, locationId: true } });
    expect(parts).toHaveLength(3);
    expect(parts.every((p) => p.status === "RECEIVED" && p.locationId === cat.rack.id)).toBe(true);
    const findings = await t.db.bmcFinding.findMany({ where: { id: { in: ids } } });
    expect(findings.every((f) => f.status === "ACCEPTED" && f.resolvedBy === tech.id)).toBe(true);
    // the next probe knows the parts: nothing new
    clock.advance(1000);
    await observe(s.endpointId, result({ components }, { productSerial: s.serial }));
    expect((await assetBmc(deps, s.assetId)).findings).toEqual([]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("queues a probe for the agent, and cancels a command the agent has not taken", async () => {
    const s = await newServer();
    const probe = await callerFor(tech).bmc.queueCommand({ assetId: s.assetId, action: "probe", confirm: true });
    expect(probe).toMatchObject({ action: "probe", status: "QUEUED" });
    const cancelled = await callerFor(tech).bmc.cancelCommand({ id: probe.id });
    expect(cancelled).toMatchObject({ id: probe.id, status: "CANCELLED" });
    expect((await listCommands(deps, { assetId: s.assetId }))[0]).toMatchObject({ id: probe.id, status: "CANCELLED" });
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { entity: "BmcCommand", entityId: probe.id, action: "power.cancel" } });
    expect(audit.actorId).toBe(tech.id);
    await expect(cancelCommand(deps, tech, { id: probe.id })).rejects.toMatchObject({ code: "CONFLICT" });

    // the slot is free again; the agent receives the probe, and then it can no longer be cancelled
    const again = await queueCommand(deps, tech, { assetId: s.assetId, action: "probe", confirm: true });
    const res = await api(agent.token, "/api/agent/v1/commands?wait=0");
    const handed = ((await res.json()) as TAgentCommands).commands;
    expect(handed.map((c) => [c.commandId, c.action])).toEqual([[again.id, "probe"]]);
    await expect(cancelCommand(deps, tech, { id: again.id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already taken") });
    // viewers cannot cancel
    await expect(callerFor(actor("viewer")).bmc.cancelCommand({ id: again.id })).rejects.toBeInstanceOf(TRPCError);
  });

  it("lets a new agent take a revoked agent's name; a working agent's name is refused with the way out", async () => {
    const old = await createAgent(deps, admin, { name: "ams1-oob", siteId: cat.site.id });
    await expect(createAgent(deps, admin, { name: "ams1-oob" })).rejects.toMatchObject({ code: "DUPLICATE", message: expect.stringContaining("revoke that agent first") });
    await revokeAgent(deps, admin, old.id);
    const fresh = await createAgent(deps, admin, { name: "ams1-oob", siteId: cat.site.id });
    expect(fresh.name).toBe("ams1-oob");
    expect(fresh.id).not.toBe(old.id);
    const renamed = await t.db.agent.findUniqueOrThrow({ where: { id: old.id } });
    expect(renamed.name).toMatch(/^ams1-oob \(revoked \d{4}-\d\d-\d\d, \w{6}\)$/);
    expect(renamed.revokedAt).not.toBeNull();
    // the old token stays refused
    expect((await api(old.token, "/api/agent/v1/work")).status).toBe(401);
  });
});
