/**
 * Firmware on both databases: probes posted through the agent API become the observed inventory (with
 * history, read again without doubling, a late probe never turning a version back), baselines are saved
 * as audited revisions, and drift, the fleet view and the firmware-lag KPI come out as worked by hand.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { handleAgentApi } from "../../agent-api/http";
import { handleRest } from "../../rest/http";
import { AppError } from "../../errors";
import { createAsset } from "../assets/service";
import { listAudit, verifyAuditChain } from "../audit/service";
import { createApiToken, createUser } from "../users/service";
import { createAgent, createEndpoint } from "../bmc/service";
import { assetFirmware, baselineRevisions, drift, exportBaselines, firmwareLag, fleet, importBaselines, projectFirmware, saveBaseline } from "./service";
import { moveTo } from "../../../tests/harness/racking";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const BIOS = [
  { version: "U46 v1.40", status: "APPROVED" as const, releasedAt: "2021-05-01" },
  { version: "U46 v1.50", status: "BLOCKED" as const, notes: "bricks NICs on warm reboot" },
  { version: "U46 v1.52", status: "APPROVED" as const },
  { version: "U46 v2.10", status: "APPROVED" as const, packageFile: "U46_2.10.fwpkg", sha256: "AB".repeat(32) },
  { version: "U46 v2.20", status: "PENDING" as const },
];
const BMC = [
  { version: "2.10", status: "APPROVED" as const },
  { version: "2.15", status: "APPROVED" as const },
];

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe.each(DATABASES)("firmware on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-02T09:00:00Z"));
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const fw = actor("firmware");
  let agentToken = "";
  let modelId = "";
  const A: Record<"a" | "b" | "c" | "d", { assetId: string; endpointId: string }> = {} as never;

  function probe(endpointId: string, at: string, firmware: { component: string; version: string }[]) {
    return {
      kind: "bmc.probe",
      idempotencyKey: `fw-${randomBytes(8).toString("hex")}`,
      endpointId,
      observedAt: at,
      durationMs: 120,
      result: {
        protocol: "redfish",
        power: "on",
        deviceId: { firmwareRevision: "2.15", manufacturerId: null, productId: null },
        guid: null,
        fru: { manufacturer: "Dell", productName: "R760", productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null },
        sensors: [],
        sel: [],
        firmware: firmware.map((f) => ({ ...f, source: "redfish.FirmwareInventory" })),
      },
    };
  }
  async function post(observations: unknown[]) {
    const res = await handleAgentApi(new Request("http://127.0.0.1/api/agent/v1/observations", { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: JSON.stringify({ observations }) }), deps());
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const cat = await seedCatalog(deps());
    modelId = cat.server.id;
    const agent = await createAgent(deps(), admin, { name: `fw-${provider}`, siteId: cat.site.id });
    agentToken = agent.token;
    for (const k of ["a", "b", "c", "d"] as const) {
      const asset = await createAsset(deps(), admin, { serial: `FW-${provider.slice(0, 2).toUpperCase()}-${k}`, modelId, locationId: cat.rack.id });
      const ep = await createEndpoint(deps(), actor("technician"), { assetId: asset.id, agentId: agent.id, protocol: "redfish", address: `https://10.0.2.${k.charCodeAt(0)}`, username: "root", password: "pw", intervalSec: 60 });
      A[k] = { assetId: asset.id, endpointId: ep.id };
      // a, b, c in service; d still in the warehouse
      if (k !== "d") for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE"] as const) await moveTo(deps(), admin, asset.id, to, { rackId: cat.rack.id });
    }
  });
  afterAll(() => t.close());

  it("keeps what the probes report as observed state, with history; reading again doubles nothing", async () => {
    await post([
      probe(A.a.endpointId, "2026-03-02T08:00:00.000Z", [{ component: "BIOS", version: "U46 v2.10 (01/20/2022)" }, { component: "BMC", version: "2.15" }]),
      probe(A.b.endpointId, "2026-03-02T08:00:00.000Z", [{ component: "BIOS", version: "U46 v1.40 (05/01/2021)" }, { component: "BMC", version: "2.10" }]),
      probe(A.c.endpointId, "2026-03-02T08:00:00.000Z", [{ component: "BIOS", version: "U46 v1.50 (09/10/2021)" }, { component: "BMC", version: "9.99" }]),
      probe(A.d.endpointId, "2026-03-02T08:00:00.000Z", [{ component: "BIOS", version: "U46 v2.20 (06/01/2022)" }]),
    ]);
    expect(await projectFirmware(deps())).toEqual({ read: 4, changed: 7 });
    expect(await projectFirmware(deps())).toEqual({ read: 0, changed: 0 });
    const a = await assetFirmware(deps(), A.a.assetId);
    expect(a.items.map((i) => [i.component, i.version, i.source])).toEqual([
      ["BIOS", "U46 v2.10 (01/20/2022)", "redfish.FirmwareInventory"],
      ["BMC", "2.15", "redfish.FirmwareInventory"],
    ]);
    expect(a.history.map((h) => [h.component, h.fromVersion, h.toVersion])).toEqual(expect.arrayContaining([["BIOS", null, "U46 v2.10 (01/20/2022)"], ["BMC", null, "2.15"]]));
    expect(await t.db.liveEvent.count({ where: { scope: "firmware" } })).toBe(1);
  });

  it("saves baselines as audited revisions; the same content again saves nothing; bad releases are named", async () => {
    const bios = await saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "PREFIX", releases: BIOS });
    expect(bios).toMatchObject({ revision: 1, modelName: "Dell PowerEdge R760", updatedBy: fw.name });
    expect(bios.releases[3]).toMatchObject({ version: "U46 v2.10", sha256: "ab".repeat(32), packageFile: "U46_2.10.fwpkg" });
    expect((await saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "PREFIX", releases: BIOS })).revision).toBe(1);
    await saveBaseline(deps(), fw, { modelId, component: "BMC", matchRule: "EXACT", releases: BMC.slice(0, 1) });
    const bmc2 = await saveBaseline(deps(), fw, { modelId, component: "BMC", matchRule: "EXACT", releases: BMC });
    expect(bmc2.revision).toBe(2);
    expect((await baselineRevisions(deps(), modelId, "BMC")).map((r) => [r.revision, r.releases.length])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    const audit = await listAudit(t.db, { entity: "FirmwareBaseline", take: 10 });
    expect(audit.map((x) => x.action)).toEqual(["update", "create", "create"]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    await expect(saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "EXACT", releases: [BIOS[0]!, { version: "u46 V1.40", status: "APPROVED" }] })).rejects.toThrow(/The same version as release 1/);
    await expect(saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "PATTERN", releases: [{ version: "x", status: "APPROVED", pattern: "(" }] })).rejects.toThrow(/Not a regular expression/);
    await expect(saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "EXACT", releases: [{ version: "x", status: "APPROVED", pattern: "x" }] })).rejects.toThrow(/needs the PATTERN match rule/);
    await expect(saveBaseline(deps(), fw, { modelId, component: "BIOS", matchRule: "EXACT", releases: [{ version: "x", status: "APPROVED", sha256: "abc" }] })).rejects.toThrow(/64 hexadecimal digits/);
    expect((await refusal(saveBaseline(deps(), fw, { modelId: "nope", component: "BIOS", matchRule: "EXACT", releases: BMC }))).fields).toEqual({ modelId: ["Unknown model"] });
  });

  it("computes drift per asset and component: compliant, behind by N approved releases, blocked, unknown, ahead, missing", async () => {
    const d = await drift(deps(), {});
    const state = (k: keyof typeof A, component: string) => d.rows.find((r) => r.assetId === A[k].assetId && r.component === component)!;
    expect([state("a", "BIOS").state, state("a", "BMC").state]).toEqual(["COMPLIANT", "COMPLIANT"]);
    // b runs v1.40: v1.52 and v2.10 are approved after it (v1.50 is blocked, v2.20 pending) → 2 behind
    expect([state("b", "BIOS").state, state("b", "BIOS").lag, state("b", "BMC").lag]).toEqual(["BEHIND", 2, 1]);
    expect([state("c", "BIOS").state, state("c", "BMC").state, state("c", "BMC").lag]).toEqual(["BLOCKED", "UNKNOWN", null]);
    expect([state("d", "BIOS").state, state("d", "BMC").state, state("d", "BMC").observed]).toEqual(["AHEAD", "MISSING", null]);
    expect(d.counts).toEqual({ COMPLIANT: 2, BEHIND: 2, BLOCKED: 1, UNKNOWN: 1, AHEAD: 1, MISSING: 1 });
    expect(d.rows[0]!.state).toBe("BLOCKED");
    expect((await drift(deps(), { state: "BEHIND" })).rows.map((r) => r.component).sort()).toEqual(["BIOS", "BMC"]);
    expect((await drift(deps(), { status: "RECEIVED" })).total).toBe(2);
  });

  it("the firmware-lag KPI: in-service components with lag < 2, unknown and blocked beside it, the worst first", async () => {
    const k = await firmwareLag(deps(), {});
    // measured: a.BIOS 0, a.BMC 0, b.BIOS 2, b.BMC 1 (c's BIOS is blocked, c's BMC unknown; d is not in service)
    expect([k.measured, k.withinTarget, k.share, k.unknown, k.blocked]).toEqual([4, 3, 0.75, 1, 1]);
    expect(k.byModel).toEqual([{ modelId, modelName: "Dell PowerEdge R760", measured: 4, withinTarget: 3, worstLag: 2 }]);
    expect(k.worst.map((r) => [r.assetId, r.component, r.state])).toEqual([
      [A.c.assetId, "BIOS", "BLOCKED"],
      [A.b.assetId, "BIOS", "BEHIND"],
    ]);
  });

  it("an update seen by the next probe moves the KPI; a late probe from before it adds history but does not turn the version back", async () => {
    await post([probe(A.b.endpointId, "2026-03-02T08:45:00.000Z", [{ component: "BIOS", version: "U46 v2.10 (01/20/2022)" }, { component: "BMC", version: "2.10" }])]);
    expect(await projectFirmware(deps())).toEqual({ read: 1, changed: 1 });
    await post([probe(A.b.endpointId, "2026-03-02T08:20:00.000Z", [{ component: "BIOS", version: "U46 v1.52" }, { component: "BMC", version: "2.10" }])]);
    expect(await projectFirmware(deps())).toEqual({ read: 1, changed: 0 });
    const b = await assetFirmware(deps(), A.b.assetId);
    expect(b.items.find((i) => i.component === "BIOS")!.version).toBe("U46 v2.10 (01/20/2022)");
    expect(b.history.filter((h) => h.component === "BIOS").map((h) => [h.fromVersion, h.toVersion])).toEqual([
      ["U46 v1.40 (05/01/2021)", "U46 v2.10 (01/20/2022)"],
      [null, "U46 v1.52"],
      [null, "U46 v1.40 (05/01/2021)"],
    ]);
    expect((await firmwareLag(deps(), {})).share).toBe(1);
    const f = await fleet(deps(), {});
    const biosFleet = f.items.find((i) => i.component === "BIOS")!;
    expect(biosFleet.versions).toEqual([
      { version: "U46 v2.10 (01/20/2022)", assets: 2, state: "COMPLIANT", lag: 0 },
      { version: "U46 v1.50 (09/10/2021)", assets: 1, state: "BLOCKED", lag: 2 },
      { version: "U46 v2.20 (06/01/2022)", assets: 1, state: "AHEAD", lag: 0 },
    ]);
    expect((await fleet(deps(), { status: "RECEIVED" })).items.find((i) => i.component === "BIOS")!.versions).toHaveLength(1);
  });

  it("exports the baselines as JSON and imports them back; a document with a bad entry imports nothing", async () => {
    const doc = await exportBaselines(deps());
    expect(doc.baselines.map((b) => [b.manufacturer, b.partNumber, b.component, b.releases.length])).toEqual([
      ["Dell", "R760", "BIOS", 5],
      ["Dell", "R760", "BMC", 2],
    ]);
    expect(await importBaselines(deps(), fw, doc)).toEqual({ saved: 0, unchanged: 2 });
    const changed = { ...doc, baselines: [{ ...doc.baselines[1]!, releases: [...doc.baselines[1]!.releases, { version: "2.20", status: "PENDING" as const }] }] };
    // a model this installation does not have: named by its index, and the good entry beside it is not saved either
    const bad = await refusal(importBaselines(deps(), fw, { ...changed, baselines: [...changed.baselines, { ...doc.baselines[0]!, partNumber: "R999" }] }));
    expect(bad.fields).toEqual({ "baselines.1.partNumber": ["No model R999 by Dell here: add it to the catalogue first"] });
    await expect(importBaselines(deps(), fw, { ...changed, baselines: [...changed.baselines, { ...doc.baselines[0]!, releases: [{ version: "x", status: "APPROVED" as const, sha256: "no" }] }] })).rejects.toThrow(/64 hexadecimal digits/);
    expect((await baselineRevisions(deps(), modelId, "BMC"))[0]!.revision).toBe(2);
    expect(await importBaselines(deps(), fw, changed)).toEqual({ saved: 1, unchanged: 0 });
    expect((await baselineRevisions(deps(), modelId, "BMC"))[0]!.revision).toBe(3);
  });

  it("REST: drift and the KPI for every role, baselines written by firmware engineers only", async () => {
    const u = await createUser(deps(), admin, { username: "fw-rest", displayName: "Firmware REST", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: "Firmware REST", role: "admin" as const };
    const token = async (role: "viewer" | "firmware" | "technician") => (await createApiToken(deps(), owner, { name: `fw-${role}`, role })).token;
    const call = async (tok: string, method: string, path: string, body?: unknown) => {
      const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }), deps());
      return { status: res.status, json: await res.json() };
    };
    const viewer = await token("viewer");
    const d = await call(viewer, "GET", "/firmware/drift?state=BLOCKED");
    expect([d.status, d.json.rows.length, d.json.rows[0].component]).toEqual([200, 1, "BIOS"]);
    expect((await call(viewer, "GET", "/kpis/firmware-lag")).json.share).toBe(1);
    expect((await call(await token("technician"), "POST", "/firmware/baselines", { modelId, component: "CPLD", matchRule: "EXACT", releases: [{ version: "1.0", status: "APPROVED" }] })).status).toBe(403);
    const saved = await call(await token("firmware"), "POST", "/firmware/baselines", { modelId, component: "CPLD", matchRule: "EXACT", releases: [{ version: "1.0", status: "MAYBE" }] });
    expect([saved.status, saved.json.error.fields["body.releases.0.status"]]).toEqual([400, ["Status is APPROVED, BLOCKED or PENDING"]]);
  });
});
