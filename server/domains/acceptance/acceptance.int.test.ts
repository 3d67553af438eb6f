/**
 * Site acceptance end to end on both databases: versioned templates, a run per asset and per rack,
 * a failing item blocking the pass, resume, sign-off moving assets SAT → IN_SERVICE (audited), a failed
 * run re-run with a reason; then the DOA and installation-time KPIs against figures computed here from
 * the lifecycle's own events, the vendor scorecard's DOA rate, and the evidence drill-down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import { listAudit, verifyAuditChain } from "../audit/service";
import { transition } from "../assets/lifecycle";
import { assetEvents, createAsset, getAsset, listAssets } from "../assets/service";
import { createLocation } from "../locations/service";
import { createVendor } from "../catalog/service";
import { vendorScorecard } from "../procurement/kpi";
import type { TAssetStatus } from "../assets/status";
import { doaEvidence, doaKpi, foldKpiEvents, installKpi, percentile } from "./kpi";
import { failRun, getRun, listRuns, listTemplates, recordResults, rerun, saveTemplate, signOff, startRun } from "./service";
import { moveTo } from "../../../tests/harness/racking";

const DAY = 86_400_000;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

const PATH: TAssetStatus[] = ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED"];

describe.each(DATABASES)("site acceptance on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-01-05T08:00:00Z"));
  const tech = actor("technician");
  const wh = actor("warehouse");
  const admin = actor("admin");
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let vendor2: string;
  let ams: { site: string; rack: string };
  const items = [
    { kind: "YES_NO" as const, key: "cabling", label: "Cabling matches the plan" },
    { kind: "MEASURE" as const, key: "psu-voltage", label: "PSU input voltage", unit: "V", min: 207, max: 253 },
    { kind: "NOTE" as const, key: "note", label: "Remarks" },
    { kind: "SIGNATURE" as const, key: "sign", label: "Technician signature" },
  ];

  /** A received asset moved along to CABLED, one day per step. */
  async function cabled(serial: string, opts: { vendorId?: string; locationId?: string } = {}) {
    const a = await createAsset(deps(), wh, { serial, modelId: cat.server.id, vendorId: opts.vendorId ?? cat.vendor.id, locationId: opts.locationId ?? cat.rack.id });
    for (const to of PATH) {
      clock.advance(DAY / 2);
      await moveTo(deps(), tech, a.id, to, { rackId: opts.locationId ?? cat.rack.id });
    }
    return a.id;
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    vendor2 = (await createVendor(deps(), admin, { name: "Zeta Servers" })).id;
    const site = await createLocation(deps(), admin, { kind: "SITE", code: "AMS1", name: "Amsterdam 1" });
    const room = await createLocation(deps(), admin, { kind: "ROOM", code: "H1", name: "Hall 1", parentId: site.id });
    const rack = await createLocation(deps(), admin, { kind: "RACK", code: "R07", name: "Rack 07", parentId: room.id, heightU: 42 });
    ams = { site: site.id, rack: rack.id };
  });
  afterAll(() => t.close());

  it("keeps templates versioned: a save under the same name is the next version; bad items are refused with what to fix", async () => {
    const v1 = await saveTemplate(deps(), tech, { name: "Server SAT", items: items.slice(0, 2) });
    expect(v1).toMatchObject({ name: "Server SAT", version: 1, modelId: null, latest: true });
    const v2 = await saveTemplate(deps(), tech, { name: "Server SAT", items });
    expect(v2).toMatchObject({ version: 2, latest: true });
    expect(v2.items.map((i) => i.key)).toEqual(["cabling", "psu-voltage", "note", "sign"]);
    expect((await listTemplates(deps())).map((x) => [x.name, x.version])).toEqual([["Server SAT", 2]]);
    expect((await listTemplates(deps(), { latestOnly: false })).map((x) => [x.version, x.latest])).toEqual([
      [2, true],
      [1, false],
    ]);
    await expect(saveTemplate(deps(), tech, { name: "Bad", items: [items[0]!, items[0]!] })).rejects.toThrow(ZodError);
    const noLimits = await saveTemplate(deps(), tech, { name: "Bad", items: [{ kind: "MEASURE", key: "x", label: "X", unit: "V" }] }).catch((e: unknown) => e);
    expect((noLimits as ZodError).issues[0]!.message).toMatch(/lower limit, an upper limit, or both/);
    const unknownModel = await refusal(saveTemplate(deps(), tech, { name: "For nothing", modelId: "nope", items }));
    expect(unknownModel.message).toMatch(/No hardware model/);
    expect((await listAudit(t.db, { entity: "SatTemplate", entityId: v2.id, take: 5 }))[0]).toMatchObject({ action: "sat.template.version" });
  });

  let runA: string;
  let a1: string;
  const received: Record<string, Date> = {};

  it("starts a run only on a Cabled asset, moving it to SAT; one open run per asset", async () => {
    const early = await createAsset(deps(), wh, { serial: "EARLY-1", modelId: cat.server.id, vendorId: cat.vendor.id });
    const e = await refusal(startRun(deps(), tech, { assetId: early.id }));
    expect(e.code).toBe("INVALID_TRANSITION");
    expect(e.message).toMatch(/EARLY-1 is RECEIVED; a SAT starts on a Cabled asset/);
    received.A1 = clock.now();
    a1 = await cabled("SAT-A1");
    const run = await startRun(deps(), tech, { assetId: a1 });
    runA = run.id;
    expect(run).toMatchObject({ status: "OPEN", template: { name: "Server SAT", version: 2 }, canPass: false, missing: ["cabling", "psu-voltage", "sign"], failing: [] });
    expect((await getAsset(deps(), a1, "technician")).status).toBe("SAT");
    expect((await refusal(startRun(deps(), tech, { assetId: a1 }))).message).toMatch(/already has an open SAT run/);
  });

  it("saves part-filled and resumes; a failing measured value blocks the pass until it is fixed; sign-off moves the asset to IN_SERVICE", async () => {
    let run = await recordResults(deps(), tech, { id: runA, results: [{ itemKey: "cabling", yes: true }] });
    expect(run.missing).toEqual(["psu-voltage", "sign"]);
    // resume: what was saved is there
    run = await getRun(deps(), runA);
    expect(run.results).toMatchObject([{ itemKey: "cabling", yes: true, pass: true, recordedBy: tech.name }]);
    // answers must fit their item
    expect((await refusal(recordResults(deps(), tech, { id: runA, results: [{ itemKey: "psu-voltage", yes: true }] }))).message).toMatch(/measured value: send measured \(a number in V\)/);
    expect((await refusal(recordResults(deps(), tech, { id: runA, results: [{ itemKey: "fan", yes: true }] }))).message).toMatch(/has no item "fan"/);
    run = await recordResults(deps(), tech, { id: runA, results: [{ itemKey: "psu-voltage", measured: 190 }, { itemKey: "sign", text: "Tess Technician" }] });
    expect(run).toMatchObject({ failing: ["psu-voltage"], missing: [], canPass: false });
    const blocked = await refusal(signOff(deps(), tech, { id: runA }));
    expect(blocked.code).toBe("CONFLICT");
    expect(blocked.message).toMatch(/PSU input voltage fails/);
    expect((await getAsset(deps(), a1, "technician")).status).toBe("SAT");
    // a stale page cannot sign off
    const stale = run.version;
    clock.advance(2 * DAY);
    run = await recordResults(deps(), tech, { id: runA, expectedVersion: stale, results: [{ itemKey: "psu-voltage", measured: 231.5 }] });
    expect(run).toMatchObject({ failing: [], missing: [], canPass: true });
    expect((await refusal(signOff(deps(), tech, { id: runA, expectedVersion: stale }))).message).toMatch(/Someone else saved this SAT run/);
    // a viewer-less check: the lifecycle's roles apply (warehouse may not move SAT → IN_SERVICE)
    expect((await refusal(signOff(deps(), wh, { id: runA }))).code).toBe("FORBIDDEN");
    const signedAt = clock.now();
    run = await signOff(deps(), tech, { id: runA, expectedVersion: run.version });
    expect(run).toMatchObject({ status: "PASSED", finishedBy: tech.name, finishedAt: signedAt });
    expect((await getAsset(deps(), a1, "technician")).status).toBe("IN_SERVICE");
    const [moved] = await assetEvents(deps(), a1, { take: 1 });
    expect(moved).toMatchObject({ fromStatus: "SAT", toStatus: "IN_SERVICE", payload: { satRunId: runA } });
    expect(moved!.reason).toMatch(/SAT passed \(Server SAT v2\), signed off by Test technician/);
    const audit = await listAudit(t.db, { entity: "SatRun", entityId: runA, take: 10 });
    expect(audit.map((x) => x.action)).toEqual(["sat.pass", "sat.results", "sat.results", "sat.results", "sat.start"]);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ status: "PASSED", signedBy: tech.name, signedAt: signedAt.toISOString() });
    expect(audit[0]!.actorId).toBe(tech.id);
    expect((await refusal(recordResults(deps(), tech, { id: runA, results: [{ itemKey: "cabling", yes: false }] }))).message).toMatch(/is passed; nothing more/);
  });

  it("runs a rack: fail with a reason, re-run with a reason, pass moves every asset", async () => {
    received.B1 = clock.now();
    const b1 = await cabled("SAT-B1", { locationId: ams.rack, vendorId: vendor2 });
    received.B2 = clock.now();
    const b2 = await cabled("SAT-B2", { locationId: ams.rack, vendorId: vendor2 });
    const run = await startRun(deps(), tech, { rackId: ams.rack });
    expect(run.assets.map((a) => a.serial)).toEqual(["SAT-B1", "SAT-B2"]);
    expect(run.rack?.path).toMatch(/AMS1/);
    expect((await refusal(startRun(deps(), tech, { rackId: cat.site.id }))).message).toMatch(/Choose a rack/);
    const failed = await failRun(deps(), tech, { id: run.id, reason: "uplink not patched" });
    expect(failed).toMatchObject({ status: "FAILED", reason: "uplink not patched" });
    expect((await getAsset(deps(), b1, "technician")).status).toBe("SAT");
    expect((await refusal(signOff(deps(), tech, { id: run.id }))).message).toMatch(/is failed.*Re-run it with a reason/);
    const again = await rerun(deps(), tech, { id: run.id, reason: "uplink patched" });
    expect(again).toMatchObject({ status: "OPEN", previousRunId: run.id, reason: "uplink patched", template: { version: 2 } });
    clock.advance(3 * DAY);
    await recordResults(deps(), tech, { id: again.id, results: [{ itemKey: "cabling", yes: true }, { itemKey: "psu-voltage", measured: 229 }, { itemKey: "sign", text: "Tess Technician" }] });
    await signOff(deps(), tech, { id: again.id });
    expect((await getAsset(deps(), b1, "technician")).status).toBe("IN_SERVICE");
    expect((await getAsset(deps(), b2, "technician")).status).toBe("IN_SERVICE");
    expect((await listAudit(t.db, { entity: "SatRun", entityId: again.id, take: 5 })).at(-1)).toMatchObject({ action: "sat.rerun" });
    expect((await listRuns(deps(), { status: "FAILED" })).items.map((r) => r.id)).toEqual([run.id]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("DOA rate: FAILED before the first IN_SERVICE over assets received, by month of receipt, vendor and model, with the evidence", async () => {
    // February: three more assets from vendor 2, one DOA at receipt, one DOA in burn-in, one fine
    clock.t = new Date("2026-02-10T08:00:00Z");
    const d1 = await createAsset(deps(), wh, { serial: "DOA-1", modelId: cat.server.id, vendorId: vendor2 });
    await transition(deps(), wh, { assetId: d1.id, to: "FAILED", reason: "chassis dented, no POST" });
    const d2 = await createAsset(deps(), wh, { serial: "DOA-2", modelId: cat.server.id, vendorId: vendor2 });
    await transition(deps(), tech, { assetId: d2.id, to: "BURN_IN" });
    clock.advance(DAY);
    await transition(deps(), tech, { assetId: d2.id, to: "FAILED", reason: "uncorrectable ECC in burn-in" });
    await createAsset(deps(), wh, { serial: "OK-1", modelId: cat.server.id, vendorId: vendor2 });

    // the expectation, computed from the lifecycle's events: per asset, its first RECEIVED month and whether a FAILED carries doa
    const expected = new Map<string, { received: number; doa: number }>();
    for (const id of (await listAssets(deps(), { pageSize: 200 })).items.map((a) => a.id)) {
      const evs = await assetEvents(deps(), id);
      const firstReceived = evs.filter((e) => e.toStatus === "RECEIVED").at(-1);
      if (!firstReceived) continue;
      const month = firstReceived.at.toISOString().slice(0, 7);
      const e = expected.get(month) ?? expected.set(month, { received: 0, doa: 0 }).get(month)!;
      e.received++;
      if (evs.some((x) => x.toStatus === "FAILED" && x.payload?.doa === true)) e.doa++;
    }
    const feb = await doaKpi(deps(), { period: "2026-02" });
    expect({ received: feb.received, doa: feb.doa }).toEqual(expected.get("2026-02"));
    expect(feb.rate).toBeCloseTo(2 / 3, 10);
    expect(feb.met).toBe(false);
    expect(feb.drill.map((d) => [d.serial, d.reason, d.fromStatus])).toEqual(
      expect.arrayContaining([
        ["DOA-1", "chassis dented, no POST", "RECEIVED"],
        ["DOA-2", "uncorrectable ECC in burn-in", "BURN_IN"],
      ]),
    );
    const jan = await doaKpi(deps(), { period: "2026-01" });
    expect({ received: jan.received, doa: jan.doa }).toEqual(expected.get("2026-01"));
    expect(jan.rate).toBe(0);
    expect(jan.met).toBe(true);
    const year = await doaKpi(deps(), { period: "2026" });
    const tot = [...expected.values()].reduce((s, e) => ({ received: s.received + e.received, doa: s.doa + e.doa }), { received: 0, doa: 0 });
    expect({ received: year.received, doa: year.doa }).toEqual(tot);
    expect(year.byMonth.map((m) => m.month)).toEqual(["2026-01", "2026-02"]);
    const z = year.byVendor.find((v) => v.vendorId === vendor2)!;
    expect(z).toMatchObject({ name: "Zeta Servers", received: 5, doa: 2 });
    expect(year.byModel).toMatchObject([{ modelId: cat.server.id, name: "PowerEdge R760", received: tot.received, doa: 2 }]);
    expect((await doaKpi(deps(), { period: "2026", vendorId: cat.vendor.id })).doa).toBe(0);
    // the scorecard's DOA rate is the same figure over all time
    const card = await vendorScorecard(deps());
    expect(card.items.find((v) => v.vendorId === vendor2)!.metrics.doaRate).toBeCloseTo(2 / 5, 10);
    // evidence: the failing event, and burn-in's evidence through the provider
    const ev = await doaEvidence(deps(), d2.id, async (_d, assetId) => ({ summary: `burn-in evidence for ${assetId}`, runId: "run-1" }));
    expect(ev).toMatchObject({ serial: "DOA-2", doa: true, fromStatus: "BURN_IN", reason: "uncorrectable ECC in burn-in", payload: { doa: true }, burnIn: { summary: `burn-in evidence for ${d2.id}`, runId: "run-1", details: null } });
    expect((await doaEvidence(deps(), d1.id)).burnIn).toBeNull();
    expect((await doaEvidence(deps(), a1)).doa).toBe(false);
  });

  it("installation time: latest RECEIVED → SAT passed, p50/p90 per site and month, with the installations", async () => {
    const jan = await installKpi(deps(), { period: "2026-01" });
    // A1: received, four half-day steps to CABLED, 2 days to the fix, sign-off → 4 days; B1/B2 (AMS1): B1 4 steps + B2's 4 steps + 3 days = 7 days, B2 5 days
    const a1Days = 4;
    const b1Days = 7;
    const b2Days = 5;
    expect(jan.installs).toBe(3);
    expect(jan.bySite.map((s) => [s.name, s.installs, s.p50, s.p90])).toEqual([
      ["Amsterdam 1", 2, b2Days, b1Days],
      ["Frankfurt 1", 1, a1Days, a1Days],
    ]);
    expect(jan.p50).toBe(percentile([{ days: a1Days, n: 1 }, { days: b2Days, n: 1 }, { days: b1Days, n: 1 }], 50));
    expect(jan.p50).toBe(5);
    expect(jan.p90).toBe(7);
    expect(jan.met).toBe(true);
    expect(jan.drill.map((d) => [d.serial, d.days])).toEqual(
      expect.arrayContaining([
        ["SAT-A1", a1Days],
        ["SAT-B1", b1Days],
        ["SAT-B2", b2Days],
      ]),
    );
    expect(jan.drill.find((d) => d.serial === "SAT-A1")!.receivedAt).toEqual(received.A1);
    expect((await installKpi(deps(), { period: "2026-01", siteId: ams.site })).installs).toBe(2);
    expect((await installKpi(deps(), { period: "2026-02" })).installs).toBe(0);
    expect((await installKpi(deps(), { period: "2026-02" })).p50).toBeNull();
  });

  it("folds each event once: repeated and concurrent folds change nothing", async () => {
    const before = await doaKpi(deps(), { period: "2026" });
    const installs = (await installKpi(deps(), {})).installs;
    await Promise.all([foldKpiEvents(deps()), foldKpiEvents(deps()), foldKpiEvents(deps())]);
    expect(await foldKpiEvents(deps())).toBe(0);
    const after = await doaKpi(deps(), { period: "2026" });
    expect([after.received, after.doa]).toEqual([before.received, before.doa]);
    expect((await installKpi(deps(), {})).installs).toBe(installs);
  });
});
