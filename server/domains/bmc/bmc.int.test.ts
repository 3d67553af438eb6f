import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TBmcProbeResult } from "../../contracts/bmc";
import type { TObservation } from "../../contracts/agent";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { verifyChain } from "../../chains/chain";
import { handleAgentApi } from "../../agent-api/http";
import { assetBmc, createAgent, createEndpoint, decideFinding, getEndpoint, listEndpoints, listFindings, powerAction, revokeAgent, updateEndpoint } from "./service";

// a fixed key for this run (the embedded default would write data/secret.key)
process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const PASSWORD = "Bmc-Pa55word-never-shown";

function probe(over: Partial<TBmcProbeResult> = {}, fru: Partial<TBmcProbeResult["fru"]> = {}): TBmcProbeResult {
  return {
    protocol: "ipmi",
    power: "on",
    deviceId: { firmwareRevision: "2.15", manufacturerId: 674, productId: 256 },
    guid: null,
    fru: { manufacturer: "Dell", productName: "R760", productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null, ...fru },
    sensors: [
      { name: "CPU Temp", value: 45, unit: "degrees C", status: "ok" },
      { name: "Fan 1", value: 900, unit: "RPM", status: "cr" },
    ],
    sel: [{ id: 1, timestamp: "2026-01-05T07:00:00Z", sensorType: "Temperature", event: "Upper Critical going high" }],
    firmware: [{ component: "BMC", version: "2.15" }],
    ...over,
  };
}

let seq = 0;
const key = () => `k-${Date.now().toString(36)}-${++seq}-${randomBytes(4).toString("hex")}`;

function probeObs(endpointId: string, at: string, result: TBmcProbeResult, extra: Partial<TObservation> = {}): TObservation {
  return { kind: "bmc.probe", idempotencyKey: key(), endpointId, observedAt: at, durationMs: 120.5, result, ...extra } as TObservation;
}
function unreachableObs(endpointId: string, at: string, reason: "timeout" | "auth" = "timeout"): TObservation {
  return { kind: "bmc.unreachable", idempotencyKey: key(), endpointId, observedAt: at, durationMs: 3000, reason, message: `no answer (${reason})` };
}

describe.each(DATABASES)("BMC agents and endpoints on %s", (provider) => {
  let t: TTestDb;
  let clock: FakeClock;
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const admin = actor("admin");
  const tech = actor("technician");
  const deps = () => depsFor(t, clock);

  const call = (token: string | null, method: string, path: string, body?: unknown) =>
    handleAgentApi(
      new Request(`http://127.0.0.1${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
      deps(),
    );
  const post = (token: string, observations: unknown) => call(token, "POST", "/api/agent/v1/observations", { observations });

  let serialN = 0;
  async function setup(opts: { parts?: string[]; protocol?: "ipmi" | "redfish" } = {}) {
    const serial = `SRV-${provider.slice(0, 2).toUpperCase()}-${++serialN}`;
    const asset = await createAsset(deps(), admin, { serial, modelId: cat.server.id });
    for (const p of opts.parts ?? []) await createAsset(deps(), admin, { serial: p, modelId: cat.dimm.id, parentId: asset.id });
    const agent = await createAgent(deps(), admin, { name: `agent-${provider}-${serialN}`, siteId: cat.site.id });
    const ep = await createEndpoint(deps(), tech, {
      assetId: asset.id,
      agentId: agent.id,
      protocol: opts.protocol ?? "ipmi",
      address: opts.protocol === "redfish" ? "https://10.0.0.5" : "10.0.0.5:623",
      username: "admin",
      password: PASSWORD,
      intervalSec: 30,
    });
    return { asset, agent, ep, serial };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    // after every observation the tests send (the agent API refuses observations dated ahead of the server)
    clock = new FakeClock(new Date("2026-01-05T12:00:00Z"));
    cat = await seedCatalog(deps());
  });
  afterAll(() => t.close());

  it("keeps credentials out of list/get/asset view and the audit log; the column holds ciphertext", async () => {
    const { ep, asset, agent } = await setup();
    expect(agent.token).toMatch(/^ila_/);
    const outputs = [ep, await getEndpoint(deps(), ep.id), await listEndpoints(deps()), await assetBmc(deps(), asset.id)];
    for (const o of outputs) {
      const s = JSON.stringify(o);
      expect(s).not.toContain(PASSWORD);
      expect(s).not.toContain("passwordEnc");
    }
    expect(ep.hasPassword).toBe(true);
    await updateEndpoint(deps(), tech, { id: ep.id, data: { password: `${PASSWORD}-2`, intervalSec: 60 } });
    const row = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id } });
    expect(row.passwordEnc).toMatch(/^v2:/);
    expect(row.passwordEnc).not.toContain(PASSWORD);
    const audit = JSON.stringify(await t.db.auditLog.findMany());
    expect(audit).not.toContain(PASSWORD);
    expect(audit).not.toContain(row.passwordEnc);
    expect(audit).not.toContain(agent.token);
    const agentRow = await t.db.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(agentRow.tokenHash).not.toContain(agent.token);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("hands the agent its work with opened credentials; 401 on a bad or revoked token", async () => {
    const { ep, agent, asset } = await setup();
    const res = await call(agent.token, "GET", "/api/agent/v1/work");
    expect(res.status).toBe(200);
    const work = await res.json();
    expect(work).toMatchObject({ agentId: agent.id, siteId: cat.site.id, targets: [{ endpointId: ep.id, assetId: asset.id, protocol: "ipmi", address: "10.0.0.5:623", username: "admin", password: PASSWORD, intervalSec: 30, allowCipherZero: false, tlsFingerprint: null }] });
    expect((await call("ila_wrong", "GET", "/api/agent/v1/work")).status).toBe(401);
    expect((await call(null, "GET", "/api/agent/v1/work")).status).toBe(401);
    await revokeAgent(deps(), admin, agent.id);
    expect((await call(agent.token, "GET", "/api/agent/v1/work")).status).toBe(401);
  });

  it("stores each observation once: re-delivery is answered as duplicates and listed as stored", async () => {
    const { ep, agent, asset, serial } = await setup();
    const a = probeObs(ep.id, "2026-01-05T08:00:00.000Z", probe({}, { productSerial: serial }));
    const b = unreachableObs(ep.id, "2026-01-05T08:00:30.000Z");
    const r1 = await post(agent.token, [a, b]);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ accepted: 2, duplicates: 0, stored: [a.idempotencyKey, b.idempotencyKey] });
    const c = probeObs(ep.id, "2026-01-05T08:01:00.000Z", probe({ power: "off" }, { productSerial: serial }));
    const r2 = await post(agent.token, [a, b, c, c]);
    expect(await r2.json()).toEqual({ accepted: 1, duplicates: 3, stored: [a.idempotencyKey, b.idempotencyKey, c.idempotencyKey, c.idempotencyKey] });
    // the same batch twice at the same moment: still once each
    const d = probeObs(ep.id, "2026-01-05T08:02:00.000Z", probe({}, { productSerial: serial }));
    const both = await Promise.all([post(agent.token, [d]), post(agent.token, [d])]);
    const acks = await Promise.all(both.map((r) => r.json()));
    expect(acks.map((x) => x.accepted).sort()).toEqual([0, 1]);
    expect(await t.db.bmcObservation.count({ where: { endpointId: ep.id } })).toBe(4);
    const view = await assetBmc(deps(), asset.id);
    expect(view.endpoint).toMatchObject({ lastPower: "on", lastStatus: "ok" });
    expect(view.endpoint!.lastSeenAt!.toISOString()).toBe("2026-01-05T08:02:00.000Z");
    expect(view.probe).toMatchObject({ power: "on", sensors: [{ name: "CPU Temp" }, { name: "Fan 1", status: "cr" }], firmware: [{ component: "BMC", version: "2.15" }] });
    // a late, older observation is kept but does not override newer state
    await post(agent.token, [probeObs(ep.id, "2026-01-05T07:00:00.000Z", probe({ power: "off" }, { productSerial: serial }))]);
    expect((await assetBmc(deps(), asset.id)).endpoint!.lastPower).toBe("on");
    // one audit entry per stored batch, by the agent
    const entries = await t.db.auditLog.findMany({ where: { entity: "Agent", entityId: agent.id, action: "observe" } });
    expect(entries.length).toBe(4);
    expect(entries.every((e) => e.actorType === "agent")).toBe(true);
  });

  it("refuses a bad payload with 400 and field errors, writing nothing", async () => {
    const { ep, agent, serial } = await setup();
    const before = { obs: await t.db.bmcObservation.count(), audit: await t.db.auditLog.count(), findings: await t.db.bmcFinding.count() };
    const good = probeObs(ep.id, "2026-01-05T09:00:00.000Z", probe({}, { productSerial: "OTHER-SERIAL" }));
    const bad = { ...probeObs(ep.id, "2026-01-05T09:00:01.000Z", probe({}, { productSerial: serial })), observedAt: "yesterday" };
    const r = await post(agent.token, [good, bad]);
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(Object.keys(body.error.fields)).toContain("observations.1.observedAt");
    expect((await call(agent.token, "POST", "/api/agent/v1/observations", "{not json")).status).toBe(400);
    expect((await post(agent.token, [])).status).toBe(400);
    // an endpoint this agent does not poll
    const other = await setup();
    const foreign = await post(agent.token, [good, probeObs(other.ep.id, "2026-01-05T09:00:02.000Z", probe())]);
    expect(foreign.status).toBe(400);
    expect((await foreign.json()).error.fields).toHaveProperty(["observations.1.endpointId"]);
    expect(await t.db.bmcObservation.count()).toBe(before.obs);
    expect(await t.db.bmcFinding.count()).toBe(before.findings);
    // setup() above wrote its own audit entries; none from the refused batches
    expect(await t.db.auditLog.count({ where: { action: "observe", seq: { gt: before.audit } } })).toBe(0);
  });

  it("opens, refreshes and auto-resolves findings; people accept or dismiss them (audited)", async () => {
    const { ep, agent, asset, serial } = await setup({ parts: ["DIMM-A-1", "DIMM-A-2"] });
    const comps = (serials: string[]) => serials.map((s, i) => ({ kind: "DIMM" as const, slot: `A${i}`, model: "64GB", serial: s.toLowerCase() }));
    await post(agent.token, [probeObs(ep.id, "2026-01-05T10:00:00.000Z", probe({ components: comps(["DIMM-A-1", "DIMM-X-9"]) }, { productSerial: "WRONG-1", boardSerial: "BRD-1" }))]);
    let open = await listFindings(deps(), { assetId: asset.id, status: ["OPEN"] });
    const byKind = (k: string) => open.filter((f) => f.kind === k);
    expect(byKind("SERIAL_MISMATCH")).toMatchObject([{ key: "WRONG-1", detail: { cmdbSerial: serial, observed: { productSerial: "WRONG-1", boardSerial: "BRD-1" } } }]);
    expect(byKind("COMPONENT_MISSING")).toMatchObject([{ key: "DIMM-A-2" }]);
    expect(byKind("COMPONENT_UNEXPECTED")).toMatchObject([{ key: "DIMM-X-9", detail: { slot: "A1" } }]);
    // the asset record is never changed by discovery
    expect((await t.db.asset.findUniqueOrThrow({ where: { id: asset.id } })).serial).toBe(serial);

    // unreachable: a finding of its own; other findings stay
    await post(agent.token, [unreachableObs(ep.id, "2026-01-05T10:01:00.000Z")]);
    open = await listFindings(deps(), { assetId: asset.id, status: ["OPEN"] });
    expect(open.map((f) => f.kind).sort()).toEqual(["COMPONENT_MISSING", "COMPONENT_UNEXPECTED", "SERIAL_MISMATCH", "UNREACHABLE"]);
    expect((await assetBmc(deps(), asset.id)).endpoint!.lastStatus).toBe("unreachable");

    // the same facts again: refreshed, not duplicated
    const mismatch = byKind("SERIAL_MISMATCH")[0]!;
    const unexpected = byKind("COMPONENT_UNEXPECTED")[0]!;
    await post(agent.token, [probeObs(ep.id, "2026-01-05T10:02:00.000Z", probe({ components: comps(["DIMM-A-1", "DIMM-X-9"]) }, { productSerial: "WRONG-1" }))]);
    open = await listFindings(deps(), { assetId: asset.id, status: ["OPEN"] });
    expect(open.map((f) => f.kind).sort()).toEqual(["COMPONENT_MISSING", "COMPONENT_UNEXPECTED", "SERIAL_MISMATCH"]); // reachable again
    expect(open.find((f) => f.id === mismatch.id)!.lastSeenAt.toISOString()).toBe("2026-01-05T10:02:00.000Z");
    expect(open.find((f) => f.id === mismatch.id)!.firstSeenAt.toISOString()).toBe("2026-01-05T10:00:00.000Z");
    expect((await listFindings(deps(), { assetId: asset.id, status: ["RESOLVED"] })).map((f) => f.kind)).toEqual(["UNREACHABLE"]);

    // a person decides
    await decideFinding(deps(), tech, { id: mismatch.id, decision: "ACCEPTED", note: "label checked" });
    await decideFinding(deps(), tech, { id: unexpected.id, decision: "DISMISSED" });
    expect((await decideFinding(deps(), tech, { id: mismatch.id, decision: "DISMISSED" }).catch((e) => e)).code).toBe("CONFLICT");
    const decisions = await t.db.auditLog.findMany({ where: { entity: "BmcFinding", entityId: { in: [mismatch.id, unexpected.id] } }, orderBy: { seq: "asc" } });
    expect(decisions.map((d) => [d.action, d.actorId])).toEqual([["accept", tech.id], ["dismiss", tech.id]]);

    // decided findings are not reopened while the fact persists; the rest resolve when the metal matches
    await post(agent.token, [probeObs(ep.id, "2026-01-05T10:03:00.000Z", probe({ components: comps(["DIMM-A-1", "DIMM-A-2", "DIMM-X-9"]) }, { productSerial: "WRONG-1" }))]);
    open = await listFindings(deps(), { assetId: asset.id, status: ["OPEN"] });
    expect(open).toEqual([]);
    const all = await listFindings(deps(), { assetId: asset.id });
    expect(all.find((f) => f.kind === "COMPONENT_MISSING")!.status).toBe("RESOLVED");

    // a probe without components (IPMI) judges the serial only
    await post(agent.token, [probeObs(ep.id, "2026-01-05T10:04:00.000Z", probe({}, { productSerial: serial.toLowerCase() }))]);
    expect((await listFindings(deps(), { assetId: asset.id })).find((f) => f.id === mismatch.id)!.status).toBe("ACCEPTED");
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    // observations are chained too: every stored one, in order, keyed
    const obs = await verifyChain(t.db, "observations");
    expect(obs).toMatchObject({ ok: true, legacy: 0 });
    expect(obs.checked).toBe(await t.db.bmcObservation.count());
    expect(obs.checked).toBeGreaterThanOrEqual(4);
  });

  it("pins the Redfish certificate on first use and records a mismatch without trusting it", async () => {
    const { ep, agent, asset, serial } = await setup({ protocol: "redfish" });
    const fp1 = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").toUpperCase()).join(":");
    const fp2 = fp1.replace(/^../, "FF");
    await post(agent.token, [probeObs(ep.id, "2026-01-05T11:00:00.000Z", probe({ protocol: "redfish" }, { productSerial: serial }), { tlsFingerprint: fp1 } as Partial<TObservation>)]);
    expect((await getEndpoint(deps(), ep.id)).tlsFingerprint).toBe(fp1);
    const work = await (await call(agent.token, "GET", "/api/agent/v1/work")).json();
    expect(work.targets[0].tlsFingerprint).toBe(fp1);
    const r = await post(agent.token, [probeObs(ep.id, "2026-01-05T11:01:00.000Z", probe({ protocol: "redfish", power: "off" }, { productSerial: "EVIL" }), { tlsFingerprint: fp2 } as Partial<TObservation>)]);
    expect((await r.json()).accepted).toBe(1);
    const after = await assetBmc(deps(), asset.id);
    expect(after.endpoint).toMatchObject({ tlsFingerprint: fp1, lastPower: "on", lastStatus: "tls-mismatch" });
    expect(after.findings.map((f) => [f.kind, f.key])).toEqual([["TLS_MISMATCH", fp2]]);
    // an admin resets the pin (BMC replaced); the next probe pins again
    await updateEndpoint(deps(), admin, { id: ep.id, data: { resetTlsPin: true, password: PASSWORD } });
    await post(agent.token, [probeObs(ep.id, "2026-01-05T11:02:00.000Z", probe({ protocol: "redfish" }, { productSerial: serial }), { tlsFingerprint: fp2 } as Partial<TObservation>)]);
    expect((await getEndpoint(deps(), ep.id)).tlsFingerprint).toBe(fp2);
  });

  it("keeps observations append-only in the database itself", async () => {
    const row = await t.db.bmcObservation.findFirstOrThrow();
    await expect(t.db.bmcObservation.update({ where: { id: row.id }, data: { kind: "x" } })).rejects.toThrow(/append-only/);
    await expect(t.db.bmcObservation.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
  });

  it("refuses power actions through a site agent, and without confirmation", async () => {
    const { asset } = await setup();
    const err = await powerAction(deps(), tech, { assetId: asset.id, action: "off", confirm: true }).catch((e) => e);
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("npx ironledger bmc power off");
    expect(err.message).not.toContain(PASSWORD);
    await expect(powerAction(deps(), tech, { assetId: asset.id, action: "off", confirm: false as true })).rejects.toThrow();
  });
});
