/**
 * Security posture, drift findings and the hardware BOM on both databases. Posture comes from both
 * Redfish simulator flavours through the real Redfish probe (deps.bmc), posted through the agent API and
 * projected by the inventory job; a non-compliant asset cannot pass SAT until an admin waives it; drift
 * raises findings a person accepts, dismisses or plans; the HBOM validates against CycloneDX 1.6.
 */
import { moveTo } from "../../../tests/harness/racking";
import { randomBytes } from "node:crypto";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { startRedfishSim, type RedfishSim } from "../../../tests/redfish-sim/server";
import { handleAgentApi } from "../../agent-api/http";
import { handleRest } from "../../rest/http";
import { AppError } from "../../errors";
import { createAsset } from "../assets/service";
import { listAudit, verifyAuditChain } from "../audit/service";
import { createApiToken, createUser } from "../users/service";
import { createAgent, createEndpoint } from "../bmc/service";
import { recordResults, saveTemplate, signOff, startRun } from "../acceptance/service";
import { createManufacturer, createModel } from "../catalog/service";
import { assetPosture, decideFirmwareFinding, driftRows, fleetPosture, hbomFor, listFirmwareFindings, listPosturePolicies, projectFirmware, revokePostureWaiver, saveBaseline, savePosturePolicy, syncDriftFindings, waivePosture } from "./service";
import type { TBmcProbeResult } from "../../contracts/bmc";
import { ZDriftQuery } from "./schema";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
type TCdx = { bomFormat: string; specVersion: string; components: { name: string; type: string; version?: string; manufacturer?: { name: string }; properties?: { name: string; value: string }[]; components?: TCdx["components"] }[] };
const prop = (c: { properties?: { name: string; value: string }[] }, n: string) => c.properties?.find((p) => p.name === `ironledger:${n}`)?.value;

let dell: RedfishSim;
let hpe: RedfishSim;
const probes: { dell?: TBmcProbeResult; hpe?: TBmcProbeResult } = {};

beforeAll(async () => {
  dell = await startRedfishSim({ flavour: "dell-like", host: "127.0.0.1", port: 0, systemSerial: "DL-POSTURE1", secureBoot: true });
  hpe = await startRedfishSim({ flavour: "hpe-like", host: "127.0.0.1", port: 0, systemSerial: "HP-POSTURE1", secureBoot: false, bios: { Sriov: "Disabled" }, tpm: { enabled: true, interfaceType: "TPM2_0" } });
});
afterAll(async () => {
  await dell?.stop();
  await hpe?.stop();
});

describe.each(DATABASES)("firmware posture, findings and HBOM on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-04-01T09:00:00Z"));
  const deps = () => depsFor(t, clock);
  const admin = actor("admin");
  const fw = actor("firmware");
  const tech = actor("technician");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let hpeModel = "";
  let agentToken = "";
  const A = {} as Record<"dell" | "hpe" | "none", { assetId: string; endpointId: string }>;

  async function post(endpointId: string, at: string, result: TBmcProbeResult) {
    const body = { observations: [{ kind: "bmc.probe", idempotencyKey: `p-${randomBytes(6).toString("hex")}`, endpointId, observedAt: at, durationMs: 100, result }] };
    const res = await handleAgentApi(new Request("http://127.0.0.1/api/agent/v1/observations", { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: JSON.stringify(body) }), deps());
    expect(res.status, await res.clone().text()).toBe(200);
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    const hpeCo = await createManufacturer(deps(), admin, { name: "HPE" });
    hpeModel = (await createModel(deps(), admin, { manufacturerId: hpeCo.id, name: "ProLiant DL380 Gen10 Plus", kind: "SERVER", partNumber: "P05172-B21", heightU: 2 })).id;
    const agent = await createAgent(deps(), admin, { name: `posture-${provider}`, siteId: cat.site.id });
    agentToken = agent.token;
    const make = async (k: "dell" | "hpe" | "none", modelId: string, address: string) => {
      const asset = await createAsset(deps(), admin, { serial: `PO-${provider.slice(0, 2)}-${k}`, modelId, locationId: cat.rack.id });
      const ep = await createEndpoint(deps(), tech, { assetId: asset.id, agentId: agent.id, protocol: "redfish", address, username: "admin", password: "password", intervalSec: 60 });
      for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED"] as const) await moveTo(deps(), admin, asset.id, to, { rackId: cat.rack.id });
      A[k] = { assetId: asset.id, endpointId: ep.id };
    };
    await make("dell", cat.server.id, dell.url);
    await make("hpe", hpeModel, hpe.url);
    await make("none", cat.server.id, "https://10.9.9.9");
    // the real Redfish probe against both flavours (once per file: the simulators do not change)
    probes.dell ??= (await deps().bmc!.probe({ protocol: "redfish", url: dell.url, username: "admin", password: "password", pinnedFingerprint: null })).result;
    probes.hpe ??= (await deps().bmc!.probe({ protocol: "redfish", url: hpe.url, username: "admin", password: "password", pinnedFingerprint: null })).result;
    await post(A.dell.endpointId, "2026-04-01T08:00:00.000Z", probes.dell);
    await post(A.hpe.endpointId, "2026-04-01T08:00:00.000Z", probes.hpe);
  });
  afterAll(() => t.close());

  it("saves posture policies as audited revisions; bad input says what to fix", async () => {
    const bad = await refusal(savePosturePolicy(deps(), fw, { modelId: cat.server.id, secureBoot: "ANY", tpm: "ANY", tpmVersion: "2.0", attributes: [{ name: "BootMode", values: ["Uefi"] }, { name: "bootmode", values: ["Bios"] }] }).catch((e: unknown) => {
      throw new AppError("BAD_REQUEST", String(e));
    }));
    expect(bad.message).toMatch(/TPM REQUIRED rule|same attribute/);
    const p1 = await savePosturePolicy(deps(), fw, { modelId: cat.server.id, secureBoot: "REQUIRED", tpm: "REQUIRED", tpmVersion: "2.0", attributes: [{ name: "BootMode", values: ["Uefi"] }, { name: "ProcVirtualization", values: ["Enabled"] }, { name: "SriovGlobalEnable", values: ["Enabled"] }] });
    expect(p1.revision).toBe(1);
    const same = await savePosturePolicy(deps(), fw, { modelId: cat.server.id, secureBoot: "REQUIRED", tpm: "REQUIRED", tpmVersion: "2.0", attributes: [{ name: "BootMode", values: ["Uefi"] }, { name: "ProcVirtualization", values: ["Enabled"] }, { name: "SriovGlobalEnable", values: ["Enabled"] }] });
    expect(same.revision).toBe(1);
    await savePosturePolicy(deps(), fw, { modelId: hpeModel, secureBoot: "ANY", tpm: "ANY", attributes: [{ name: "BootMode", values: ["Uefi"] }] });
    const p2 = await savePosturePolicy(deps(), fw, { modelId: hpeModel, secureBoot: "REQUIRED", tpm: "REQUIRED", attributes: [{ name: "BootMode", values: ["Uefi"] }, { name: "ProcVirtualization", values: ["Enabled"] }, { name: "Sriov", values: ["Enabled"] }] });
    expect(p2.revision).toBe(2);
    expect((await listPosturePolicies(deps())).map((p) => [p.modelName, p.revision])).toEqual([
      ["Dell PowerEdge R760", 1],
      ["HPE ProLiant DL380 Gen10 Plus", 2],
    ]);
    expect((await listAudit(t.db, { entity: "PosturePolicy", take: 10 }))).toHaveLength(3);
  });

  it("reads posture from both simulator flavours through the real probe and compares it with the policy", async () => {
    expect(await projectFirmware(deps())).toMatchObject({ read: 2 });
    const d = await assetPosture(deps(), A.dell.assetId);
    expect(d.state).toBe("COMPLIANT");
    expect(d.observed?.secureBoot).toMatchObject({ state: "enabled", mode: "DeployedMode", databases: expect.arrayContaining([{ id: "db", certificates: 3 }]) });
    expect(d.observed?.tpm).toMatchObject({ present: true, enabled: true, version: "2.0", interfaceType: "TPM2_0" });
    const h = await assetPosture(deps(), A.hpe.assetId);
    expect(h.state).toBe("NON_COMPLIANT");
    expect(h.reasons.map((r) => r.message)).toEqual(["SecureBoot is disabled (the policy requires it enabled)", "Sriov is Disabled (approved: Enabled)"]);
    const none = await assetPosture(deps(), A.none.assetId);
    expect(none.state).toBe("UNKNOWN");
    const fleet = await fleetPosture(deps(), {});
    expect(fleet.counts).toEqual({ COMPLIANT: 1, NON_COMPLIANT: 1, UNKNOWN: 1, NO_POLICY: 0 });
    expect(fleet.rows.map((r) => r.state)).toEqual(["NON_COMPLIANT", "UNKNOWN", "COMPLIANT"]);
    expect(fleet.byModel.find((m) => m.modelId === hpeModel)?.counts.NON_COMPLIANT).toBe(1);
  });

  it("a non-compliant asset cannot pass SAT until an admin waives it (audited)", async () => {
    const tpl = await saveTemplate(deps(), tech, { name: `SAT ${provider}`, items: [{ kind: "YES_NO", key: "ok", label: "Looks right" }] });
    const run = await startRun(deps(), tech, { assetId: A.hpe.assetId, templateId: tpl.id });
    await recordResults(deps(), tech, { id: run.id, results: [{ itemKey: "ok", yes: true }] });
    const blocked = await refusal(signOff(deps(), tech, { id: run.id }));
    expect(blocked.code).toBe("CONFLICT");
    expect(blocked.message).toMatch(/security posture is not compliant \(SecureBoot is disabled/);
    expect((await refusal(waivePosture(deps(), admin, { assetId: A.hpe.assetId, reason: "short" }).catch((e: unknown) => Promise.reject(new AppError("BAD_REQUEST", String(e)))))).message).toMatch(/at least 10 characters/);
    expect((await refusal(waivePosture(deps(), admin, { assetId: A.dell.assetId, reason: "nothing to waive here" }))).message).toMatch(/nothing to waive/);
    const waived = await waivePosture(deps(), admin, { assetId: A.hpe.assetId, reason: "Customer runs unsigned drivers until Q3; SR-IOV off by design" });
    expect(waived.waiver?.createdBy).toBe(admin.name);
    expect((await refusal(waivePosture(deps(), admin, { assetId: A.hpe.assetId, reason: "a second reason for it" }))).message).toMatch(/already has a waiver/);
    const passed = await signOff(deps(), tech, { id: run.id });
    expect(passed.status).toBe("PASSED");
    expect((await listAudit(t.db, { entity: "PostureWaiver", take: 10 })).map((a) => a.action)).toEqual(["posture.waive"]);
    expect((await revokePostureWaiver(deps(), admin, { assetId: A.hpe.assetId })).waiver).toBeNull();
  });

  it("drift raises findings a person accepts, dismisses or plans; a new version resolves them; nothing is overwritten", async () => {
    const dellBios = probes.dell!.firmware.find((f) => f.component === "BIOS")!.version;
    await saveBaseline(deps(), fw, { modelId: cat.server.id, component: "BIOS", matchRule: "EXACT", releases: [{ version: dellBios, status: "APPROVED" }, { version: "2.20.0", status: "APPROVED" }, { version: "2.21.0", status: "APPROVED" }] });
    await saveBaseline(deps(), fw, { modelId: cat.server.id, component: "PERC H755 Front", matchRule: "EXACT", releases: [{ version: "52.30.0-1", status: "APPROVED" }] });
    const first = await syncDriftFindings(deps());
    expect(first.opened).toBe(2); // BIOS behind by 2, PERC unknown; the un-probed asset has nothing observed: MISSING is no finding
    expect(await syncDriftFindings(deps())).toEqual({ opened: 0, resolved: 0, updated: 0 });
    const open = await listFirmwareFindings(deps(), { assetId: A.dell.assetId, status: ["OPEN"] });
    const bios = open.find((f) => f.component === "BIOS")!;
    expect([bios.state, bios.lag, bios.target, bios.version]).toEqual(["BEHIND", 2, "2.21.0", dellBios]);
    const perc = open.find((f) => f.component === "PERC H755 Front")!;
    expect(perc.state).toBe("UNKNOWN");
    expect((await refusal(decideFirmwareFinding(deps(), fw, { id: perc.id, decision: "DISMISSED" }).catch((e: unknown) => Promise.reject(new AppError("BAD_REQUEST", String(e)))))).message).toMatch(/why this drift is not an issue/);
    const planned = await decideFirmwareFinding(deps(), fw, { id: bios.id, decision: "PLANNED", note: "BIOS 2.21.0 in the May window" });
    expect(planned).toMatchObject({ status: "PLANNED", decidedBy: fw.name, note: "BIOS 2.21.0 in the May window" });
    await decideFirmwareFinding(deps(), fw, { id: perc.id, decision: "ACCEPTED" });
    expect((await refusal(decideFirmwareFinding(deps(), fw, { id: perc.id, decision: "ACCEPTED" }))).code).toBe("CONFLICT");
    expect(await syncDriftFindings(deps())).toEqual({ opened: 0, resolved: 0, updated: 0 }); // decisions hold while the same version runs
    const inv = await t.db.firmwareObserved.findFirst({ where: { assetId: A.dell.assetId, component: "PERC H755 Front" } });
    expect(inv?.version).toBe("52.26.0-5179"); // accepting never overwrote the observed version
    // the BIOS is updated: its finding resolves
    await post(A.dell.endpointId, "2026-04-01T08:30:00.000Z", { ...probes.dell!, firmware: probes.dell!.firmware.map((f) => (f.component === "BIOS" ? { ...f, version: "2.21.0" } : f)) });
    await projectFirmware(deps());
    expect(await syncDriftFindings(deps())).toMatchObject({ opened: 0, resolved: 1 });
    expect((await listFirmwareFindings(deps(), { assetId: A.dell.assetId, status: ["RESOLVED"] })).map((f) => f.component)).toEqual(["BIOS"]);
    // the prepared fleet reads and their ORM fallback give the same drift
    const byKey = (rows: Awaited<ReturnType<typeof driftRows>>) => [...rows].sort((a, b) => `${a.assetId}${a.component}`.localeCompare(`${b.assetId}${b.component}`));
    const hotRows = await driftRows(deps(), ZDriftQuery.parse({}));
    expect(hotRows.length).toBe(4); // 2 baselined components × the 2 assets of that model
    expect(byKey(await driftRows(deps(), ZDriftQuery.parse({}), { orm: true }))).toEqual(byKey(hotRows));
    const audit = (await listAudit(t.db, { entity: "FirmwareFinding", take: 10 })).map((a) => a.action).sort();
    expect(audit).toEqual(["accept", "plan-update"]);
  });

  it("writes a CycloneDX 1.6 hardware BOM for an asset, a rack and the fleet that the schema accepts", async () => {
    const one = await hbomFor(deps(), { assetId: A.dell.assetId });
    expect(one.contentType).toBe("application/vnd.cyclonedx+json");
    const text = Buffer.from(one.base64, "base64").toString();
    expect(await validator.validate(text)).toBeNull();
    const bom = JSON.parse(text) as TCdx;
    expect([bom.bomFormat, bom.specVersion]).toEqual(["CycloneDX", "1.6"]);
    const dev = bom.components[0]!;
    expect([dev.type, dev.name, dev.manufacturer?.name, prop(dev, "partNumber"), prop(dev, "serialNumber")]).toEqual(["device", "PowerEdge R760", "Dell", "R760", `PO-${provider.slice(0, 2).toUpperCase()}-DELL`]);
    const biosFw = dev.components!.find((c) => c.type === "firmware" && c.name === "BIOS")!;
    expect([biosFw.version, prop(biosFw, "observedAt")]).toEqual(["2.21.0", "2026-04-01T08:30:00.000Z"]);
    const drives = dev.components!.filter((c) => prop(c, "kind") === "DRIVE");
    expect(drives.length).toBe(4);
    expect(prop(drives[0]!, "serialNumber")).toMatch(/^S6JNNA0T/);
    expect(drives[0]!.components?.[0]).toMatchObject({ type: "firmware", version: "JXTC304Q" });
    const rack = JSON.parse(Buffer.from((await hbomFor(deps(), { rackId: cat.rack.id })).base64, "base64").toString()) as TCdx;
    expect(rack.components).toHaveLength(3);
    expect((await refusal(hbomFor(deps(), { rackId: cat.site.id }))).message).toMatch(/not a rack/);
    // through REST, with an API token: the file answer
    const u = await createUser(deps(), admin, { username: `hb-${provider}`, displayName: "HBOM Reader", role: "admin", password: "correct horse battery" });
    const token = (await createApiToken(deps(), { ...admin, id: u.id, name: u.displayName }, { name: "hbom", role: "viewer" })).token;
    const get = (path: string) => handleRest(new Request(`http://127.0.0.1/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }), deps());
    const res = await get(`/assets/${A.hpe.assetId}/hbom`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.cyclonedx+json");
    expect(await validator.validate(await res.text())).toBeNull();
    const fleet = await get("/hbom?fleet=1");
    expect(fleet.status).toBe(200);
    expect((JSON.parse(await fleet.text()) as TCdx).components).toHaveLength(3);
    expect((await get("/hbom")).status).toBe(400);
    expect((await get(`/assets/nope/hbom`)).status).toBe(404);
    const posture = await get(`/assets/${A.hpe.assetId}/posture`);
    expect(((await posture.json()) as { state: string }).state).toBe("NON_COMPLIANT");
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});
