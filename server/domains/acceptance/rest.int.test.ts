/** SAT and its KPIs over REST /api/v1 with bearer tokens, on both databases, and in the OpenAPI document. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TRole } from "../../auth/roles";
import { createApiToken, createUser } from "../users/service";
import { handleRest } from "../../rest/http";
import { openApiDocument } from "../../rest/openapi";
import { createAsset } from "../assets/service";
import { moveTo } from "../../../tests/harness/racking";

const DAY = 86_400_000;

describe.each(DATABASES)("SAT REST on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-03-02T08:00:00Z"));
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const tokens = {} as Record<TRole, string>;

  async function call(method: string, path: string, body?: unknown, role: TRole = "technician") {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), depsFor(t, clock));
    return { status: res.status, json: (await res.json()) as any };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(depsFor(t, clock));
    const u = await createUser(depsFor(t, clock), actor("admin"), { username: "mes", displayName: "MES", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: "MES", role: "admin" as const };
    for (const role of ["admin", "technician", "viewer", "warehouse"] as const) tokens[role] = (await createApiToken(depsFor(t, clock), owner, { name: role, role })).token;
  });
  afterAll(() => t.close());

  it("templates, a run, item results, a blocked and then a signed-off pass, the KPIs", async () => {
    const bad = await call("POST", "/sat/templates", { name: "Rack SAT", items: [{ kind: "MEASURE", key: "pdu-load", label: "PDU load", unit: "A", min: 5, max: 2 }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.error.fields)).toMatch(/lower limit is above the upper limit/);
    const tpl = await call("POST", "/sat/templates", { name: "Rack SAT", modelId: cat.server.id, items: [{ kind: "YES_NO", key: "labels", label: "Labels on both ends" }, { kind: "MEASURE", key: "pdu-load", label: "PDU load", unit: "A", max: 16 }] });
    expect(tpl.status).toBe(201);
    expect((await call("POST", "/sat/templates", { name: "Rack SAT", items: [] }, "viewer")).status).toBe(403);
    expect((await call("GET", "/sat/templates", undefined, "viewer")).json.items).toHaveLength(1);
    await call("POST", "/sat/templates", { name: "Rack SAT", modelId: cat.server.id, items: [{ kind: "YES_NO", key: "labels", label: "Labels on both ends" }, { kind: "MEASURE", key: "pdu-load", label: "PDU load", unit: "A", max: 16 }] });
    expect((await call("GET", "/sat/templates?latestOnly=false")).json.items.map((x: { version: number }) => x.version)).toEqual([2, 1]);
    expect((await call("GET", "/sat/templates?latestOnly=true")).json.items.map((x: { version: number }) => x.version)).toEqual([2]);
    expect((await call("GET", `/sat/templates/${tpl.json.id}`)).json.items[1]).toMatchObject({ key: "pdu-load", unit: "A", max: 16 });

    const wh = actor("warehouse");
    const tech = actor("technician");
    const a = await createAsset(depsFor(t, clock), wh, { serial: "REST-SAT-1", modelId: cat.server.id, vendorId: cat.vendor.id, locationId: cat.rack.id });
    for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED"] as const) await moveTo(depsFor(t, clock), tech, a.id, to, { rackId: cat.rack.id });
    expect((await call("POST", "/sat/runs", { assetId: a.id }, "warehouse")).status).toBe(403);
    expect((await call("POST", "/sat/runs", { assetId: a.id, rackId: cat.rack.id })).status).toBe(400);
    const run = await call("POST", "/sat/runs", { assetId: a.id });
    expect(run.status).toBe(201);
    expect(run.json).toMatchObject({ status: "OPEN", template: { name: "Rack SAT", version: 2, modelId: cat.server.id }, missing: ["labels", "pdu-load"] });
    const r1 = await call("POST", `/sat/runs/${run.json.id}/results`, { results: [{ itemKey: "labels", yes: true }, { itemKey: "pdu-load", measured: 17.2 }] });
    expect(r1.json).toMatchObject({ failing: ["pdu-load"], canPass: false });
    const blocked = await call("POST", `/sat/runs/${run.json.id}/sign-off`, {});
    expect(blocked.status).toBe(409);
    expect(blocked.json.error.message).toMatch(/PDU load fails/);
    clock.advance(DAY);
    await call("POST", `/sat/runs/${run.json.id}/results`, { results: [{ itemKey: "pdu-load", measured: 11 }] });
    const passed = await call("POST", `/sat/runs/${run.json.id}/sign-off`, {});
    expect(passed.status).toBe(200);
    expect(passed.json).toMatchObject({ status: "PASSED", finishedBy: "technician", assets: [{ serial: "REST-SAT-1", status: "IN_SERVICE" }] });
    expect((await call("GET", `/sat/runs?assetId=${a.id}`, undefined, "viewer")).json.items).toMatchObject([{ id: run.json.id, status: "PASSED", assetCount: 1 }]);
    expect((await call("GET", `/sat/runs/nope`)).status).toBe(404);

    const inst = await call("GET", "/kpis/installation-time?period=2026-03", undefined, "viewer");
    expect(inst.status).toBe(200);
    expect(inst.json).toMatchObject({ targetDays: 7, installs: 1, p50: 1, p90: 1, met: true, bySite: [{ siteId: cat.site.id, name: "Frankfurt 1", installs: 1 }] });
    const doa = await call("GET", "/kpis/doa?period=2026-Q1", undefined, "viewer");
    expect(doa.json).toMatchObject({ target: 0.003, received: 1, doa: 0, rate: 0, met: true, months: { from: "2026-01", to: "2026-04" } });
    expect((await call("GET", "/kpis/doa?period=2026-13")).status).toBe(400);
    expect((await call("GET", `/kpis/doa/${a.id}`)).json).toMatchObject({ serial: "REST-SAT-1", doa: false, burnIn: null });
  });

  it("is in the OpenAPI document", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const p of ["/sat/templates", "/sat/templates/{id}", "/sat/runs", "/sat/runs/{id}", "/sat/runs/{id}/results", "/sat/runs/{id}/sign-off", "/sat/runs/{id}/fail", "/sat/runs/{id}/rerun", "/kpis/doa", "/kpis/doa/{assetId}", "/kpis/installation-time"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths["/sat/runs/{id}/sign-off"]!.post!.operationId).toBe("signOffSatRun");
  });
});
