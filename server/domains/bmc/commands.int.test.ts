/**
 * The command channel on both databases: queue (technician/admin, audited),
 * hand-out through the real agent API handler (once), results through the
 * observations endpoint (exactly once), expiry, authorization.
 */
import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TAgentCommands, TObservation } from "../../contracts/agent";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TActor, TDeps } from "../../context";
import { appRouter } from "../../router";
import { createCallerFactory, type TContext } from "../../trpc";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { handleAgentApi } from "../../agent-api/http";
import { COMMAND_TTL_MS, listCommands, queueCommand } from "./commands";
import { createAgent, createEndpoint, powerAction } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

describe.each(DATABASES)("BMC power commands via the agent on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  const clock = new FakeClock();
  const tech = actor("technician", "tech-anna");
  const admin = actor("admin");
  let agentA = { id: "", token: "" };
  let agentB = { id: "", token: "" };
  let serverId = "";
  let assetId = "";
  let endpointId = "";

  const call = (token: string, path: string, init: RequestInit = {}) =>
    handleAgentApi(new Request(`http://127.0.0.1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } }), deps);
  const take = async (token: string, wait = 0) => {
    const res = await call(token, `/api/agent/v1/commands?wait=${wait}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as TAgentCommands).commands;
  };
  const deliver = (token: string, observations: TObservation[]) => call(token, "/api/agent/v1/observations", { method: "POST", body: JSON.stringify({ observations }) });
  const result = (commandId: string, over: Partial<Extract<TObservation, { kind: "bmc.command" }>> = {}): TObservation => ({
    kind: "bmc.command",
    idempotencyKey: `agent-a:cmd:${commandId}`,
    commandId,
    endpointId,
    observedAt: clock.now().toISOString(),
    durationMs: 120,
    ok: true,
    power: "off",
    ...over,
  });
  function callerFor(a: TActor) {
    const ctx: TContext = { deps, actor: a, ip: "127.0.0.1", secureCookies: false, resHeaders: new Headers() };
    return createCallerFactory(appRouter)(ctx);
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    serverId = cat.server.id;
    const a = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
    const b = await createAgent(deps, admin, { name: "fra2-oob", siteId: cat.site.id });
    agentA = { id: a.id, token: a.token };
    agentB = { id: b.id, token: b.token };
    const asset = await createAsset(deps, admin, { serial: "CMD-0001", modelId: serverId });
    assetId = asset.id;
    const ep = await createEndpoint(deps, admin, { assetId, agentId: agentA.id, protocol: "ipmi", address: "10.1.0.5:623", username: "admin", password: "bmc-secret" });
    endpointId = ep.id;
  }, 120_000);
  afterAll(() => t?.close());

  it("queues as a technician (audited), hands out once, records the result exactly once", async () => {
    const cmd = await queueCommand(deps, tech, { assetId, action: "off", confirm: true });
    expect(cmd).toMatchObject({ status: "QUEUED", action: "off", endpointId, agentId: agentA.id, requestedBy: tech.id, requestedByName: tech.name });
    expect(cmd.expiresAt.getTime() - cmd.requestedAt.getTime()).toBe(COMMAND_TTL_MS);
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { entity: "BmcCommand", entityId: cmd.id, action: "power.queue" } });
    expect(audit.actorId).toBe(tech.id);
    expect(JSON.parse(audit.after!)).toMatchObject({ requested: "off", assetId, endpointId });

    // one open command per BMC
    await expect(queueCommand(deps, admin, { assetId, action: "on", confirm: true })).rejects.toMatchObject({ code: "CONFLICT" });

    // another agent does not get it
    expect(await take(agentB.token)).toEqual([]);
    const got = await take(agentA.token);
    expect(got).toEqual([{ commandId: cmd.id, endpointId, action: "off", requestedAt: cmd.requestedAt.toISOString(), expiresAt: cmd.expiresAt.toISOString() }]);
    expect(await take(agentA.token)).toEqual([]); // once
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: cmd.id, status: "SENT" });

    // another agent cannot report on it
    expect((await deliver(agentB.token, [result(cmd.id)])).status).toBe(400);

    const first = await deliver(agentA.token, [result(cmd.id)]);
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await deliver(agentA.token, [result(cmd.id)]);
    expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const [done] = await listCommands(deps, { assetId });
    expect(done).toMatchObject({ id: cmd.id, status: "DONE", power: "off", error: null });
    expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).lastPower).toBe("off");
    expect(await t.db.auditLog.count({ where: { entity: "BmcCommand", entityId: cmd.id, action: "power.done" } })).toBe(1);
  });

  it("records a failure with its reason", async () => {
    clock.advance(1_000);
    const cmd = await queueCommand(deps, tech, { assetId, action: "cycle", confirm: true });
    await take(agentA.token);
    await deliver(agentA.token, [result(cmd.id, { idempotencyKey: `agent-a:cmd:${cmd.id}`, ok: false, power: undefined, error: { reason: "auth", message: "wrong password" } })]);
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: cmd.id, status: "FAILED", error: "auth: wrong password", power: null });
    expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).lastPower).toBe("off");
  });

  it("expires a command nobody took in time: never handed out, and the BMC is free again", async () => {
    clock.advance(1_000);
    const cmd = await queueCommand(deps, tech, { assetId, action: "on", confirm: true });
    clock.advance(COMMAND_TTL_MS);
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: cmd.id, status: "EXPIRED" });
    expect(await take(agentA.token)).toEqual([]);
    expect((await t.db.bmcCommand.findUniqueOrThrow({ where: { id: cmd.id } })).status).toBe("EXPIRED");
    expect(await t.db.auditLog.count({ where: { entity: "BmcCommand", entityId: cmd.id, action: "power.expired" } })).toBe(1);
    // a late "expired" answer from the agent changes nothing
    const next = await queueCommand(deps, tech, { assetId, action: "status", confirm: true });
    expect(next.status).toBe("QUEUED");
  });

  it("a sent command that outlives its deadline can be replaced; a late real result still counts", async () => {
    clock.advance(COMMAND_TTL_MS); // the "status" command from the previous test expires unanswered
    const cmd = await queueCommand(deps, tech, { assetId, action: "on", confirm: true });
    expect(await take(agentA.token)).toHaveLength(1);
    clock.advance(COMMAND_TTL_MS + 1);
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: cmd.id, status: "EXPIRED" });
    // the agent acted just in time; its result arrives after the deadline (server outage)
    await deliver(agentA.token, [result(cmd.id, { power: "on", observedAt: new Date(clock.now().getTime() - COMMAND_TTL_MS).toISOString() })]);
    expect((await listCommands(deps, { assetId }))[0]).toMatchObject({ id: cmd.id, status: "DONE", power: "on" });
  });

  it("a long poll answers as soon as a command is queued", async () => {
    clock.advance(1_000);
    const started = Date.now();
    const polling = take(agentA.token, 10);
    await new Promise((r) => setTimeout(r, 300));
    const cmd = await queueCommand(deps, admin, { assetId, action: "soft", confirm: true });
    const got = await polling;
    expect(got.map((c) => c.commandId)).toEqual([cmd.id]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // and an empty list at the timeout
    const t0 = Date.now();
    expect(await take(agentA.token, 1)).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    await deliver(agentA.token, [result(cmd.id, { power: "off" })]);
  });

  it("refuses disposed assets and endpoints without an agent; roles through tRPC", async () => {
    clock.advance(1_000);
    const lab = await createAsset(deps, admin, { serial: "CMD-LAB-1", modelId: serverId });
    await createEndpoint(deps, admin, { assetId: lab.id, protocol: "ipmi", address: "10.1.0.6", username: "admin", password: "x" });
    await expect(queueCommand(deps, tech, { assetId: lab.id, action: "off", confirm: true })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // with an agent, the direct path points to the queue instead
    await expect(powerAction(deps, tech, { assetId, action: "off", confirm: true })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const gone = await createAsset(deps, admin, { serial: "CMD-GONE-1", modelId: serverId });
    await createEndpoint(deps, admin, { assetId: gone.id, agentId: agentA.id, protocol: "ipmi", address: "10.1.0.7", username: "admin", password: "x" });
    await t.db.asset.update({ where: { id: gone.id }, data: { status: "DISPOSED" } }); // fixture shortcut: the lifecycle path is tested elsewhere
    await expect(queueCommand(deps, tech, { assetId: gone.id, action: "on", confirm: true })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("disposed") });

    const viewer = callerFor(actor("viewer"));
    await expect(viewer.bmc.queueCommand({ assetId, action: "off", confirm: true })).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    await expect(callerFor(actor("warehouse")).bmc.queueCommand({ assetId, action: "off", confirm: true })).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const history = await viewer.bmc.commands({ assetId });
    expect(history.length).toBeGreaterThanOrEqual(5);
    expect(history.every((c) => c.requestedByName.length > 0)).toBe(true);
    const viaAdmin = await callerFor(admin).bmc.queueCommand({ assetId, action: "status", confirm: true });
    expect(viaAdmin.status).toBe("QUEUED");
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect(JSON.stringify(await t.db.auditLog.findMany())).not.toContain("bmc-secret");
  });
});
