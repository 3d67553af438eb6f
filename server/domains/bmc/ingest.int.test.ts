/**
 * The set-based agent ingest (agent-service.ts, ingest-sql.ts): a whole batch of many endpoints is
 * stored with one statement per kind of write and ends exactly as one observation after the other
 * would; re-sent batches are stored once; a batch with one invalid observation is refused whole.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { handleAgentApi } from "../../agent-api/http";
import { verifyChain } from "../../chains/chain";
import { createAsset } from "../assets/service";
import { verifyAuditChain } from "../audit/service";
import { createAgent, createEndpoint } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const key = () => `ingest-${randomBytes(8).toString("hex")}`;

function probe(endpointId: string, at: string, serial: string, power: "on" | "off" = "on") {
  return {
    kind: "bmc.probe",
    idempotencyKey: key(),
    endpointId,
    observedAt: at,
    durationMs: 150,
    result: {
      protocol: "ipmi",
      power,
      deviceId: { firmwareRevision: "2.15", manufacturerId: 674, productId: 256 },
      guid: null,
      fru: { manufacturer: "Dell", productName: "R760", productSerial: serial, boardSerial: null, chassisSerial: null, assetTag: null },
      sensors: Array.from({ length: 30 }, (_, k) => ({ name: `Temp ${k}`, value: 30 + k, unit: "degrees C", status: "ok" })),
      sel: [],
      firmware: [{ component: "BMC", version: "2.15" }],
    },
  };
}
const unreachable = (endpointId: string, at: string) => ({ kind: "bmc.unreachable", idempotencyKey: key(), endpointId, observedAt: at, durationMs: 3000, reason: "timeout", message: "no answer" });

describe.each(DATABASES)("agent ingest, set-based, on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-01-05T12:00:00Z"));
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  let agentToken = "";
  const eps: { id: string; assetId: string; serial: string }[] = [];

  const post = (observations: unknown[]) =>
    handleAgentApi(
      new Request("http://127.0.0.1/api/agent/v1/observations", { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: JSON.stringify({ observations }) }),
      deps(),
    );
  const counts = async () => ({ observations: await t.db.bmcObservation.count(), audit: await t.db.auditLog.count(), live: await t.db.liveEvent.count(), findings: await t.db.bmcFinding.count() });

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const cat = await seedCatalog(deps());
    const agent = await createAgent(deps(), admin, { name: `ingest-${provider}`, siteId: cat.site.id });
    agentToken = agent.token;
    for (let i = 0; i < 40; i++) {
      const serial = `ING-${provider.slice(0, 2).toUpperCase()}-${i}`;
      const asset = await createAsset(deps(), admin, { serial, modelId: cat.server.id });
      const ep = await createEndpoint(deps(), actor("technician"), { assetId: asset.id, agentId: agent.id, protocol: "ipmi", address: `10.0.1.${i}:623`, username: "admin", password: "pw-never-shown", intervalSec: 30 });
      eps.push({ id: ep.id, assetId: asset.id, serial });
    }
  });
  afterAll(() => t.close());

  it("stores a batch of many endpoints with the same end state as one observation after the other", async () => {
    const batch = [
      ...eps.slice(0, 30).map((e) => probe(e.id, "2026-01-05T10:00:00.000Z", e.serial)),
      // endpoint 30: a serial mismatch opens a finding, a later probe in the same batch resolves it
      probe(eps[30]!.id, "2026-01-05T10:00:00.000Z", "SOMEONE-ELSE"),
      probe(eps[30]!.id, "2026-01-05T10:00:10.000Z", eps[30]!.serial, "off"),
      // endpoint 31: unreachable, then answering: the last one sets the state, the finding is resolved
      unreachable(eps[31]!.id, "2026-01-05T10:00:00.000Z"),
      probe(eps[31]!.id, "2026-01-05T10:00:20.000Z", eps[31]!.serial),
      // endpoint 32: a mismatch that stays open
      probe(eps[32]!.id, "2026-01-05T10:00:00.000Z", "NOT-THIS-ONE"),
      // endpoint 33: answering, then unreachable (sent out of order: the newer one wins)
      unreachable(eps[33]!.id, "2026-01-05T10:00:30.000Z"),
      probe(eps[33]!.id, "2026-01-05T10:00:05.000Z", eps[33]!.serial),
    ];
    const res = await post(batch);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: batch.length, duplicates: 0 });

    const rows = await t.db.bmcEndpoint.findMany({ where: { id: { in: eps.slice(0, 34).map((e) => e.id) } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const e of eps.slice(0, 30)) expect(byId.get(e.id)).toMatchObject({ lastStatus: "ok", lastPower: "on", lastError: null, lastSeenAt: new Date("2026-01-05T10:00:00.000Z") });
    expect(byId.get(eps[30]!.id)).toMatchObject({ lastStatus: "ok", lastPower: "off", lastSeenAt: new Date("2026-01-05T10:00:10.000Z") });
    expect(byId.get(eps[31]!.id)).toMatchObject({ lastStatus: "ok", lastError: null, lastSeenAt: new Date("2026-01-05T10:00:20.000Z") });
    expect(byId.get(eps[33]!.id)).toMatchObject({ lastStatus: "unreachable", lastError: "timeout: no answer", lastSeenAt: new Date("2026-01-05T10:00:05.000Z") });
    // the endpoint's latest probe is the observation row of its newest probe
    const last30 = await t.db.bmcObservation.findFirstOrThrow({ where: { endpointId: eps[30]!.id }, orderBy: { observedAt: "desc" } });
    expect(byId.get(eps[30]!.id)!.lastProbeId).toBe(last30.id);
    for (const e of eps.slice(34)) expect((await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: e.id } })).lastStatus).toBeNull();

    const findings = await t.db.bmcFinding.findMany({ where: { endpointId: { in: [eps[30]!.id, eps[31]!.id, eps[32]!.id] } }, orderBy: { kind: "asc" } });
    const of = (i: number) => findings.filter((f) => f.endpointId === eps[i]!.id).map((f) => ({ kind: f.kind, key: f.key, status: f.status, resolvedBy: f.resolvedBy }));
    expect(of(30)).toEqual([{ kind: "SERIAL_MISMATCH", key: "SOMEONE-ELSE", status: "RESOLVED", resolvedBy: "system" }]);
    expect(of(31)).toEqual([{ kind: "UNREACHABLE", key: "timeout", status: "RESOLVED", resolvedBy: "system" }]);
    expect(of(32)).toEqual([{ kind: "SERIAL_MISMATCH", key: "NOT-THIS-ONE", status: "OPEN", resolvedBy: null }]);

    // one live notice per endpoint observed, plus one per endpoint whose findings changed; one audit entry for the batch
    const live = await t.db.liveEvent.findMany({ where: { scope: "bmc" }, orderBy: { id: "asc" } });
    expect(live.filter((l) => l.kind === "bmc.observed")).toHaveLength(34);
    expect(live.filter((l) => l.kind === "bmc.findings").map((l) => JSON.parse(l.data!))).toEqual(
      expect.arrayContaining([
        { kind: "bmc.findings", opened: 1, resolved: 1 },
        { kind: "bmc.findings", opened: 1, resolved: 0 },
      ]),
    );
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "observe" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit.after!)).toMatchObject({ observations: batch.length });

    // a refresh of the open finding in a later batch, written by the batch's one finding update
    const again = await post([probe(eps[32]!.id, "2026-01-05T10:05:00.000Z", "NOT-THIS-ONE")]);
    expect(again.status).toBe(200);
    const open = await t.db.bmcFinding.findFirstOrThrow({ where: { endpointId: eps[32]!.id } });
    expect(open).toMatchObject({ status: "OPEN", firstSeenAt: new Date("2026-01-05T10:00:00.000Z"), lastSeenAt: new Date("2026-01-05T10:05:00.000Z") });

    for (const chain of ["observations", "audit"] as const) expect(await verifyChain(t.db, chain)).toMatchObject({ ok: true });
  });

  it("stores a re-sent batch once (the agent's journal re-sends after a crash), also when half of it is new", async () => {
    const batch = eps.slice(0, 20).map((e) => probe(e.id, "2026-01-05T11:00:00.000Z", e.serial));
    const first = await post(batch);
    expect(await first.json()).toMatchObject({ accepted: 20, duplicates: 0 });
    const before = await counts();
    const endpointsBefore = await t.db.bmcEndpoint.findMany({ orderBy: { id: "asc" } });

    const resent = await post(batch);
    expect(resent.status).toBe(200);
    expect(await resent.json()).toEqual({ accepted: 0, duplicates: 20, stored: batch.map((o) => o.idempotencyKey) });
    expect(await counts()).toEqual(before);
    expect(await t.db.bmcEndpoint.findMany({ orderBy: { id: "asc" } })).toEqual(endpointsBefore);

    // the crash came in the middle of a batch: half of it was delivered before
    const fresh = eps.slice(20, 30).map((e) => probe(e.id, "2026-01-05T11:00:30.000Z", e.serial));
    const mixed = [...batch.slice(10), ...fresh];
    const r = await post(mixed);
    expect(await r.json()).toEqual({ accepted: 10, duplicates: 10, stored: mixed.map((o) => o.idempotencyKey) });
    expect(await t.db.bmcObservation.count()).toBe(before.observations + 10);
    // the same batch from two connections at once: still once each
    const twice = eps.slice(0, 10).map((e) => probe(e.id, "2026-01-05T11:01:00.000Z", e.serial));
    const acks = await Promise.all([post(twice), post(twice)].map(async (p) => (await p).json()));
    expect(acks.map((a) => a.accepted).sort((a, b) => a - b)).toEqual([0, 10]);
    expect(await t.db.bmcObservation.count()).toBe(before.observations + 20);
    for (const chain of ["observations", "audit"] as const) expect(await verifyChain(t.db, chain)).toMatchObject({ ok: true });
  });

  it("refuses a batch with one invalid observation as a whole, naming it by its index; nothing is written", async () => {
    const batch = eps.slice(0, 25).map((e) => probe(e.id, "2026-01-05T11:30:00.000Z", e.serial)) as Record<string, unknown>[];
    const bad = probe(eps[17]!.id, "2026-01-05T11:30:00.000Z", eps[17]!.serial);
    (bad.result.sensors[3] as { value: unknown }).value = "hot";
    batch[17] = bad;
    const before = await counts();
    const endpointsBefore = await t.db.bmcEndpoint.findMany({ orderBy: { id: "asc" } });

    const res = await post(batch);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; fields: Record<string, string[]> } };
    expect(body.error.code).toBe("BAD_REQUEST");
    expect(body.error.message).toMatch(/^Observation 17 of the batch is not valid \(observation 17, result\.sensors\.3\.value: .+\); nothing in the batch was stored/);
    expect(Object.keys(body.error.fields)).toEqual(["observations.17.result.sensors.3.value"]);
    expect(await counts()).toEqual(before);
    expect(await t.db.bmcEndpoint.findMany({ orderBy: { id: "asc" } })).toEqual(endpointsBefore);

    // the same observations without the bad one are stored
    const ok = await post(batch.filter((_, i) => i !== 17));
    expect(await ok.json()).toMatchObject({ accepted: 24, duplicates: 0 });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});
