/** Procurement over REST /api/v1 with bearer tokens, on both databases: what an ERP does, end to end. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import type { TRole } from "../../auth/roles";
import { createApiToken, createUser } from "../users/service";
import { handleRest } from "../../rest/http";
import { openApiDocument } from "../../rest/openapi";

describe.each(DATABASES)("procurement REST on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const tokens = {} as Record<TRole, string>;

  async function call(method: string, path: string, body?: unknown, role: TRole = "procurement") {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[role]}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), depsFor(t, clock));
    return { status: res.status, json: (await res.json()) as any };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(depsFor(t, clock));
    const u = await createUser(depsFor(t, clock), actor("admin"), { username: "erp", displayName: "ERP", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: "ERP", role: "admin" as const };
    for (const role of ["admin", "procurement", "viewer", "warehouse"] as const) tokens[role] = (await createApiToken(depsFor(t, clock), owner, { name: role, role })).token;
  });
  afterAll(() => t.close());

  it("drives vendors, models, an RFQ, quotes (JSON and CSV), TCO, award, PO issue and cancel, KPIs", async () => {
    const va = await call("POST", "/vendors", { name: "Alpha", leadTimeSlaDays: 30, contacts: [{ name: "Ann" }] });
    expect(va.status).toBe(201);
    const vb = (await call("POST", "/vendors", { name: "Beta" })).json;
    expect((await call("GET", "/vendors", undefined, "viewer")).json.items.map((v: { name: string }) => v.name)).toContain("Alpha");
    const m = await call("POST", "/models", { manufacturerId: cat.dell.id, name: "R660", kind: "SERVER", partNumber: "R660", uHeight: 1, typicalWatts: 350, nominalWatts: 700 });
    expect(m.status).toBe(201);
    expect(m.json).toMatchObject({ uHeight: 1, typicalWatts: 350, nominalWatts: 700 });
    expect((await call("GET", "/models")).json.items.find((x: { id: string }) => x.id === m.json.id)).toBeDefined();

    const r = await call("POST", "/rfqs", { title: "ERP RFQ", currency: "USD", siteId: cat.site.id, lines: [{ modelId: m.json.id, quantity: 2, budgetUnitPrice: 10_000 }], vendorIds: [va.json.id, vb.id] });
    expect(r.status).toBe(201);
    expect(r.json.horizonYears).toBe(5);
    // inviting a vendor already invited leaves the RFQ as it is; an unknown one is named; a viewer may not
    const again = await call("POST", `/rfqs/${r.json.id}/vendors`, { vendorIds: [vb.id] });
    expect([again.status, again.json.vendors.length]).toEqual([200, 2]);
    const unknown = await call("POST", `/rfqs/${r.json.id}/vendors`, { vendorIds: ["nope"] });
    expect([unknown.status, unknown.json.error.fields]).toEqual([400, { vendorIds: ["Unknown vendor"] }]);
    expect((await call("POST", `/rfqs/${r.json.id}/vendors`, { vendorIds: [vb.id] }, "viewer")).status).toBe(403);
    const lineId = r.json.lines[0].id;
    const zero = await call("POST", "/rfqs", { title: "x", currency: "USD", lines: [{ modelId: m.json.id, quantity: 0 }] });
    expect(zero.status).toBe(400);
    expect(zero.json.error.fields["body.lines.0.quantity"]).toEqual(["Quantity must be more than 0"]);

    const q1 = await call("POST", `/rfqs/${r.json.id}/quotes`, { vendorId: va.json.id, round: 1, lines: [{ rfqLineId: lineId, unitPrice: 9500, leadTimeDays: 20, warrantyYears: 3, supportPerYear: 400, typicalWatts: 350, nominalWatts: 700, validUntil: "2026-03-01" }] });
    expect(q1.status).toBe(201);
    const eur = await call("POST", `/rfqs/${r.json.id}/quotes`, { vendorId: vb.id, round: 1, currency: "EUR", lines: [{ rfqLineId: lineId, declined: true }] });
    expect(eur.status).toBe(400);
    expect(eur.json.error.message).toMatch(/quoted in USD, but this quote is in EUR/);
    const bad = await call("POST", `/rfqs/${r.json.id}/quotes.csv`, { vendorId: vb.id, round: 1, csv: "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,-5,10,3,100,300\n" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.problems[0].line).toBe(2);
    const csv = await call("POST", `/rfqs/${r.json.id}/quotes.csv`, { vendorId: vb.id, round: 1, csv: "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,9000,10,3,500,400\n" });
    expect(csv.status).toBe(201);
    // the same import with a raw text/csv body: vendorId and round in the query string
    const csvText = async (query: string, text: string) => {
      const res = await handleRest(new Request(`http://test/api/v1/rfqs/${r.json.id}/quotes.csv${query}`, { method: "POST", headers: { authorization: `Bearer ${tokens.procurement}`, "content-type": "text/csv; charset=utf-8" }, body: text }), depsFor(t, clock));
      return { status: res.status, json: (await res.json()) as any };
    };
    const noRound = await csvText(`?vendorId=${vb.id}`, "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,8900,10,3,500,400\n");
    expect(noRound.status).toBe(400);
    expect(Object.keys(noRound.json.error.fields)).toEqual(["query.round"]);
    const badRow = await csvText(`?vendorId=${vb.id}&round=2`, "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,x,10,3,500,400\n");
    expect(badRow.status).toBe(400);
    expect(badRow.json.error.details.problems[0].line).toBe(2);
    expect((await csvText(`?vendorId=${vb.id}&round=2`, `line\n${"1\n".repeat(600_000)}`)).status).toBe(413);
    const raw = await csvText(`?vendorId=${vb.id}&round=2`, "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,8900,10,3,500,400\n");
    expect(raw.status).toBe(201);
    expect(raw.json).toMatchObject({ vendorId: vb.id, round: 2, lineCount: 1 });

    const tco = await call("GET", `/rfqs/${r.json.id}/tco?pue=1.2`, undefined, "viewer");
    expect(tco.status).toBe(200);
    expect(tco.json).toMatchObject({ currency: "USD", horizonYears: 5, parameters: { pue: 1.2 } });
    expect(tco.json.lines[0].quotes).toHaveLength(2);
    for (const q of tco.json.lines[0].quotes) expect(Object.keys(q.perUnit).sort()).toEqual(["energy", "failure", "purchase", "space", "support", "total"]);

    expect((await call("POST", `/rfqs/${r.json.id}/award`, { vendorId: va.json.id }, "viewer")).status).toBe(403);
    const aw = await call("POST", `/rfqs/${r.json.id}/award`, { vendorId: va.json.id });
    expect(aw.status).toBe(201);
    const poId = aw.json.purchaseOrders[0].id;
    expect((await call("GET", "/purchase-orders", undefined, "warehouse")).json.items.map((p: { id: string }) => p.id)).toEqual([poId]);
    const issued = await call("POST", `/purchase-orders/${poId}/issue`);
    expect(issued.json).toMatchObject({ status: "ISSUED" });
    expect(issued.json.lines[0].assetIds).toHaveLength(2);
    const asset = await call("GET", `/assets/${issued.json.lines[0].assetIds[0]}`, undefined, "viewer");
    expect(asset.json.status).toBe("ORDERED");
    expect((await call("GET", `/purchase-orders/${poId}`)).json.lines[0].quantity).toBe(2);
    const savings = await call("GET", "/kpis/savings?period=2026-Q1");
    // (2 × 10000 − 2 × 9500) ÷ 20000 = 5 %
    expect(savings.json.vsBudget.ratio).toBeCloseTo(0.05, 9);
    expect((await call("GET", `/kpis/lead-time?vendorId=${va.json.id}`)).status).toBe(200);
    expect((await call("GET", "/kpis/lead-time?period=last-year")).status).toBe(400);
    const cancelled = await call("POST", `/purchase-orders/${poId}/cancel`, { reason: "ERP test" });
    expect(cancelled.json.status).toBe("CANCELLED");
    expect((await call("GET", `/assets/${issued.json.lines[0].assetIds[0]}`)).json.status).toBe("DISPOSED");
  });

  it("documents every procurement route in the OpenAPI document", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const p of ["/vendors", "/models", "/rfqs", "/rfqs/{id}", "/rfqs/{id}/vendors", "/rfqs/{id}/quotes", "/rfqs/{id}/quotes.csv", "/rfqs/{id}/tco", "/rfqs/{id}/award", "/purchase-orders", "/purchase-orders/{id}", "/purchase-orders/{id}/issue", "/purchase-orders/{id}/cancel", "/kpis/savings", "/kpis/lead-time"]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.paths["/rfqs/{id}/tco"]!.get!.operationId).toBe("getRfqTco");
    const csvOp = (doc.paths["/rfqs/{id}/quotes.csv"] as any).post;
    expect(Object.keys(csvOp.requestBody.content)).toEqual(["application/json", "text/csv"]);
    expect(csvOp.parameters.filter((x: { in: string }) => x.in === "query").map((x: { name: string }) => x.name)).toEqual(["vendorId", "round"]);
  });
});
