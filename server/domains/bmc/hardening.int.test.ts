/**
 * Issue 7 point 6, the BMC parts: one open power command per BMC enforced by
 * the database; idempotency keys scoped per agent; observations dated in the
 * future refused (and one stored before cannot freeze an endpoint); the pin
 * comes back after a reset.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TBmcProbeResult } from "../../contracts/bmc";
import type { TObservation } from "../../contracts/agent";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { uniqueViolation } from "../../errors";
import { createAsset } from "../assets/service";
import { handleAgentApi } from "../../agent-api/http";
import { OBSERVATION_MAX_SKEW_MS } from "./agent-service";
import { queueCommand } from "./commands";
import { createAgent, createEndpoint, getEndpoint, listFindings, updateEndpoint } from "./service";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const PASSWORD = "Bmc-Pa55word-hardening";

function probe(serial: string): TBmcProbeResult {
  return {
    protocol: "redfish",
    power: "on",
    deviceId: { firmwareRevision: "7.10", manufacturerId: null, productId: null },
    guid: null,
    fru: { manufacturer: "Dell", productName: "R760", productSerial: serial, boardSerial: null, chassisSerial: null, assetTag: null },
    sensors: [],
    sel: [],
    firmware: [],
  };
}

describe.each(DATABASES)("BMC hardening on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const tech = actor("technician");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let n = 0;

  async function setup(protocol: "ipmi" | "redfish" = "ipmi") {
    const serial = `HARD-${provider}-${++n}`;
    const asset = await createAsset(deps(), admin, { serial, modelId: cat.server.id });
    const agent = await createAgent(deps(), admin, { name: `hard-${provider}-${n}`, siteId: cat.site.id });
    const ep = await createEndpoint(deps(), tech, { assetId: asset.id, agentId: agent.id, protocol, address: protocol === "ipmi" ? "10.0.0.5:623" : "https://10.0.0.5", username: "admin", password: PASSWORD });
    return { asset, agent, ep, serial };
  }
  const post = (token: string, observations: TObservation[]) =>
    handleAgentApi(
      new Request("http://127.0.0.1/api/agent/v1/observations", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ observations }) }),
      deps(),
    );
  const probeObs = (endpointId: string, at: Date, serial: string, over: Partial<TObservation> = {}) =>
    ({ kind: "bmc.probe", idempotencyKey: `k-${randomBytes(6).toString("hex")}`, endpointId, observedAt: at.toISOString(), durationMs: 100, result: probe(serial), ...over }) as TObservation;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
  }, 120_000);
  afterAll(() => t?.close());

  it("queues one open power command per BMC, even when requests race", async () => {
    const { asset, ep, agent } = await setup();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => queueCommand(deps(), tech, { assetId: asset.id, action: "off", confirm: true })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) expect(r.reason).toMatchObject({ code: "CONFLICT" });
    expect(await t.db.bmcCommand.count({ where: { endpointId: ep.id, status: { in: ["QUEUED", "SENT"] } } })).toBe(1);

    // the database itself refuses a second open command, whoever writes it
    const now = clock.now();
    const second = t.db.bmcCommand.create({
      data: { endpointId: ep.id, assetId: asset.id, agentId: agent.id, action: "on", status: "QUEUED", requestedBy: tech.id, requestedByName: tech.name, requestedAt: now, expiresAt: new Date(now.getTime() + 60_000), openSlot: ep.id },
    });
    const err = await second.catch((e: unknown) => e);
    expect(uniqueViolation(err)).toBeTruthy();

    // once it expired, the next one queues
    clock.advance(10 * 60_000);
    const next = await queueCommand(deps(), tech, { assetId: asset.id, action: "on", confirm: true });
    expect(next.status).toBe("QUEUED");
    expect(await t.db.bmcCommand.count({ where: { endpointId: ep.id, status: "EXPIRED", openSlot: null } })).toBe(1);
  });

  it("scopes idempotency keys per agent", async () => {
    const a = await setup();
    const b = await setup();
    const key = "probe-0001"; // both agents number their observations the same way
    const ra = await post(a.agent.token, [probeObs(a.ep.id, clock.now(), a.serial, { idempotencyKey: key })]);
    const rb = await post(b.agent.token, [probeObs(b.ep.id, clock.now(), b.serial, { idempotencyKey: key })]);
    expect(await ra.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await rb.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await getEndpoint(deps(), b.ep.id)).lastStatus).toBe("ok");
    // and within one agent a key still counts once
    expect(await (await post(a.agent.token, [probeObs(a.ep.id, clock.now(), a.serial, { idempotencyKey: key })])).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it("refuses observations dated in the future beyond a small skew", async () => {
    const { ep, agent, serial } = await setup();
    const before = await t.db.bmcObservation.count();
    const future = new Date(clock.now().getTime() + OBSERVATION_MAX_SKEW_MS + 60_000);
    const r = await post(agent.token, [probeObs(ep.id, clock.now(), serial), probeObs(ep.id, future, serial)]);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { fields: Record<string, string[]> } };
    expect(body.error.fields["observations.1.observedAt"]?.[0]).toMatch(/future/);
    expect(await t.db.bmcObservation.count()).toBe(before);
    // a clock a little ahead is fine
    const slightly = new Date(clock.now().getTime() + OBSERVATION_MAX_SKEW_MS / 2);
    expect((await post(agent.token, [probeObs(ep.id, slightly, serial)])).status).toBe(200);
  });

  it("is not frozen by a future-dated observation stored before, and pins the certificate again after a reset", async () => {
    const { ep, agent, serial } = await setup("redfish");
    const fp = (b: number) => Array.from({ length: 32 }, (_, i) => ((i * 7 + b) % 256).toString(16).padStart(2, "0").toUpperCase()).join(":");
    // first use pins fp(1)
    await post(agent.token, [probeObs(ep.id, clock.now(), serial, { tlsFingerprint: fp(1) } as Partial<TObservation>)]);
    expect((await getEndpoint(deps(), ep.id)).tlsFingerprint).toBe(fp(1));
    // an observation from an agent whose clock ran years ahead, stored before the check existed
    await t.db.bmcObservation.create({
      data: { endpointId: ep.id, agentId: agent.id, idempotencyKey: "from-2031", kind: "bmc.unreachable", observedAt: new Date("2031-01-01T00:00:00Z"), receivedAt: clock.now(), durationMs: 1, payload: JSON.stringify({ reason: "timeout", message: "x" }) },
    });
    // the BMC is replaced: its new certificate is not trusted…
    await post(agent.token, [probeObs(ep.id, clock.now(), serial, { tlsFingerprint: fp(2) } as Partial<TObservation>)]);
    expect((await getEndpoint(deps(), ep.id)).lastStatus).toBe("tls-mismatch");
    expect((await listFindings(deps(), { assetId: ep.assetId, status: ["OPEN"] })).map((f) => f.kind)).toEqual(["TLS_MISMATCH"]);
    // …until an admin forgets the pin; the next good probe pins the new certificate
    await updateEndpoint(deps(), admin, { id: ep.id, data: { resetTlsPin: true, password: PASSWORD } });
    clock.advance(60_000);
    const r = await post(agent.token, [probeObs(ep.id, clock.now(), serial, { tlsFingerprint: fp(2) } as Partial<TObservation>)]);
    expect(r.status).toBe(200);
    const after = await getEndpoint(deps(), ep.id);
    expect(after.tlsFingerprint).toBe(fp(2));
    expect(after.lastSeenAt?.toISOString()).toBe(clock.now().toISOString());
    expect(after.lastStatus).toBe("ok");
    // and the mismatch about that certificate is over
    expect(await listFindings(deps(), { assetId: ep.assetId, status: ["OPEN"] })).toEqual([]);
    expect((await listFindings(deps(), { assetId: ep.assetId, status: ["RESOLVED"] })).map((f) => f.kind)).toEqual(["TLS_MISMATCH"]);
  });
});
