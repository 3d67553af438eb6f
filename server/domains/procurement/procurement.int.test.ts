/**
 * Procurement end to end on both databases: vendors and models, an RFQ with three vendors, two
 * quote rounds (one by CSV), the TCO comparison, a split award over the CapEx budget, POs issued
 * (ORDERED assets), receipts, cancellation, and the savings and lead-time KPIs. Figures are
 * worked by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import { listAudit, verifyAuditChain } from "../audit/service";
import { transition } from "../assets/lifecycle";
import { assetEvents, getAsset } from "../assets/service";
import { leadTimeKpi, savingsKpi, vendorScorecard } from "./kpi";
import { award, cancelPurchaseOrder, capexPlan, closePurchaseOrder, issuePurchaseOrder, listPurchaseOrders, setBudget, syncReceipts } from "./orders";
import { addVendorContact, createModelWithPrices, createRfq, createVendorWithTerms, getRfq, importQuoteCsv, inviteVendors, listModelsWithPrices, listVendorsWithTerms, removeVendorContact, rfqTco, setListPrice, submitQuote, updateRfqParams, updateSettings, updateVendorTerms } from "./service";
import type { TRfqOut } from "./schema";
import { kpiReport, tcoReport } from "./report";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const DAY = 86_400_000;
const json = (s: unknown) => (typeof s === "string" ? JSON.parse(s) : s);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe.each(DATABASES)("procurement on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-01-05T08:00:00Z"));
  const buyer = actor("procurement");
  const wh = actor("warehouse");
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const v = {} as Record<"A" | "B" | "C", string>;
  let rfq: TRfqOut;
  const deps = () => depsFor(t, clock);

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    await updateSettings(deps(), buyer, { pue: 1.4, tariffPerKwh: 0.2, afr: 0.02, costPerFailure: 500, costPerUMonth: 15, discountRate: 0, weightTco: 0.6, weightLeadTime: 0.2, weightSla: 0.2 });
  });
  afterAll(() => t.close());

  it("creates vendors with SLA terms and contacts, and models with power and list prices", async () => {
    const a = await createVendorWithTerms(deps(), buyer, { name: "Alpha Systems", leadTimeSlaDays: 30, contacts: [{ name: "Ann Alpha", email: "ann@alpha.example", role: "account manager" }] });
    expect(a).toMatchObject({ name: "Alpha Systems", leadTimeSlaDays: 30, rmaSlaDays: 5, warrantyYears: 3, contacts: [{ name: "Ann Alpha", email: "ann@alpha.example" }] });
    v.A = a.id;
    v.B = (await createVendorWithTerms(deps(), buyer, { name: "Beta Hardware", leadTimeSlaDays: 20 })).id;
    v.C = (await createVendorWithTerms(deps(), buyer, { name: "Gamma Compute", leadTimeSlaDays: 45 })).id;
    expect((await listVendorsWithTerms(deps())).map((x) => x.name)).toEqual(["Acme Distribution", "Alpha Systems", "Beta Hardware", "Gamma Compute"]);
    const m = await createModelWithPrices(deps(), buyer, { manufacturerId: cat.dell.id, name: "PowerEdge R660", kind: "SERVER", partNumber: "r660", uHeight: 1, typicalWatts: 350, nominalWatts: 700, prices: [{ vendorId: v.A, currency: "eur", listPrice: 9000 }] });
    expect(m).toMatchObject({ uHeight: 1, typicalWatts: 350, nominalWatts: 700, prices: [{ vendorId: v.A, currency: "EUR", listPrice: 9000 }] });
    expect((await listModelsWithPrices(deps())).find((x) => x.id === m.id)!.partNumber).toBe("R660");
    const bad = await refusal(createModelWithPrices(deps(), buyer, { manufacturerId: cat.dell.id, name: "X", kind: "SERVER", partNumber: "x1", uHeight: 1, prices: [{ vendorId: "nope", currency: "EUR", listPrice: 1 }] }));
    expect(bad.fields).toEqual({ "prices.0.vendorId": ["Unknown vendor"] });
  });

  it("edits a vendor's SLA terms, contacts and list prices, audited; bad input names the field", async () => {
    const up = await updateVendorTerms(deps(), buyer, { id: v.C, leadTimeSlaDays: 40, contactEmail: "sales@gamma.example" });
    expect(up).toMatchObject({ leadTimeSlaDays: 40, rmaSlaDays: 5, contactEmail: "sales@gamma.example" });
    const [edit] = await listAudit(t.db, { entity: "Vendor", entityId: v.C, take: 5 });
    expect([edit!.action, json(edit!.before), json(edit!.after)]).toEqual(["update", { leadTimeSlaDays: 45, contactEmail: null }, { leadTimeSlaDays: 40, contactEmail: "sales@gamma.example" }]);
    await expect(updateVendorTerms(deps(), buyer, { id: v.C, leadTimeSlaDays: 0 })).rejects.toThrow(/At least 1 day/);
    expect((await refusal(updateVendorTerms(deps(), buyer, { id: "nope", warrantyYears: 2 }))).code).toBe("NOT_FOUND");
    // back to the terms the rest of this file computes with
    expect((await updateVendorTerms(deps(), buyer, { id: v.C, leadTimeSlaDays: 45, contactEmail: null })).contactEmail).toBeNull();

    const withBob = await addVendorContact(deps(), buyer, { vendorId: v.C, name: "Bob Gamma", email: "bob@gamma.example" });
    const bob = withBob.contacts.find((c) => c.name === "Bob Gamma")!;
    expect(bob.email).toBe("bob@gamma.example");
    expect((await removeVendorContact(deps(), buyer, { vendorId: v.C, contactId: bob.id })).contacts).toEqual([]);
    expect((await refusal(removeVendorContact(deps(), buyer, { vendorId: v.C, contactId: bob.id }))).code).toBe("NOT_FOUND");

    const r660 = (await listModelsWithPrices(deps())).find((x) => x.name === "PowerEdge R660")!;
    const priced = await setListPrice(deps(), buyer, { vendorId: v.B, modelId: r660.id, currency: "eur", listPrice: 8700 });
    expect(priced.prices).toEqual([
      { vendorId: v.A, currency: "EUR", listPrice: 9000 },
      { vendorId: v.B, currency: "EUR", listPrice: 8700 },
    ].sort((x, y) => x.vendorId.localeCompare(y.vendorId)));
    expect((await setListPrice(deps(), buyer, { vendorId: v.B, modelId: r660.id, currency: "EUR", listPrice: 8600 })).prices.find((x) => x.vendorId === v.B)!.listPrice).toBe(8600);
    expect((await setListPrice(deps(), buyer, { vendorId: v.B, modelId: r660.id, currency: "EUR", listPrice: null })).prices).toEqual([{ vendorId: v.A, currency: "EUR", listPrice: 9000 }]);
    expect((await refusal(setListPrice(deps(), buyer, { vendorId: v.B, modelId: r660.id, currency: "EUR", listPrice: null }))).message).toMatch(/no EUR list price/);
    expect((await refusal(setListPrice(deps(), buyer, { vendorId: v.B, modelId: "nope", currency: "EUR", listPrice: 1 }))).fields).toEqual({ modelId: ["Unknown model"] });
    const priceAudit = await listAudit(t.db, { entity: "VendorModelPrice", take: 10 });
    expect(priceAudit.map((a) => a.action)).toEqual(["delete", "update", "create"]);
  });

  it("refuses a zero quantity, a bad currency, and a line with neither model nor spec", async () => {
    const base = { title: "Bad", currency: "EUR", lines: [{ modelId: cat.server.id, quantity: 1 }] };
    await expect(createRfq(deps(), buyer, { ...base, lines: [{ modelId: cat.server.id, quantity: 0 }] })).rejects.toThrow(/Quantity must be more than 0/);
    await expect(createRfq(deps(), buyer, { ...base, currency: "EURO" })).rejects.toThrow(/ISO 4217/);
    await expect(createRfq(deps(), buyer, { ...base, lines: [{ quantity: 2 }] })).rejects.toBeInstanceOf(ZodError);
    expect((await refusal(createRfq(deps(), buyer, { ...base, siteId: cat.rack.id }))).fields).toEqual({ siteId: ["Choose a site"] });
  });

  it("creates an RFQ: horizon 5 by default, a model line and a free-text line, three vendors", async () => {
    rfq = await createRfq(deps(), buyer, {
      title: "Compute refresh FRA1",
      currency: "eur",
      needBy: "2026-04-30",
      siteId: cat.site.id,
      params: { pue: 1.5, costPerUMonth: 10 },
      lines: [
        { modelId: cat.server.id, quantity: 4, budgetUnitPrice: 11_000 },
        { spec: "25G leaf switch, 48 ports", quantity: 2, budgetUnitPrice: 3000 },
      ],
      vendorIds: [v.A, v.B, v.C],
    });
    expect(rfq).toMatchObject({ number: "RFQ-000001", currency: "EUR", horizonYears: 5, status: "OPEN", params: { pue: 1.5, costPerUMonth: 10 } });
    expect(rfq.lines.map((l) => [l.lineNo, l.modelName, l.spec, l.quantity])).toEqual([
      [1, "Dell PowerEdge R760", null, 4],
      [2, null, "25G leaf switch, 48 ports", 2],
    ]);
    expect(rfq.vendors.map((x) => x.name)).toEqual(["Alpha Systems", "Beta Hardware", "Gamma Compute"]);
  });

  it("an open RFQ's TCO parameters can be overridden and reset to Setup's; more vendors can be invited", async () => {
    const more = await updateRfqParams(deps(), buyer, { id: rfq.id, params: { tariffPerKwh: 0.3, costPerUMonth: null } });
    expect(more.params).toEqual({ pue: 1.5, tariffPerKwh: 0.3 });
    expect((await rfqTco(deps(), rfq.id)).parameters).toMatchObject({ pue: 1.5, tariffPerKwh: 0.3, costPerUMonth: 15 });
    const [edit] = await listAudit(t.db, { entity: "Rfq", entityId: rfq.id, take: 5 });
    expect([edit!.action, json(edit!.before), json(edit!.after)]).toEqual(["update", { tariffPerKwh: null, costPerUMonth: 10 }, { tariffPerKwh: 0.3, costPerUMonth: null }]);
    await expect(updateRfqParams(deps(), buyer, { id: rfq.id, params: { pue: 0.9 } })).rejects.toThrow(/PUE is at least 1/);
    // back to what the rest of this file computes with
    expect((await updateRfqParams(deps(), buyer, { id: rfq.id, params: { tariffPerKwh: null, costPerUMonth: 10 } })).params).toEqual({ pue: 1.5, costPerUMonth: 10 });
    const other = await createRfq(deps(), buyer, { title: "Invite later", currency: "EUR", lines: [{ spec: "cables", quantity: 10 }], vendorIds: [v.A] });
    const invited = await inviteVendors(deps(), buyer, { id: other.id, vendorIds: [v.A, v.B] });
    expect(invited.vendors.map((x) => x.name)).toEqual(["Alpha Systems", "Beta Hardware"]);
    expect((await refusal(inviteVendors(deps(), buyer, { id: other.id, vendorIds: ["nope"] }))).fields).toEqual({ vendorIds: ["Unknown vendor"] });
  });

  const L = (i: number) => rfq.lines[i]!.id;

  it("takes round 1: by hand (one line declined) and by CSV; refuses a quote in another currency", async () => {
    await submitQuote(deps(), buyer, rfq.id, {
      vendorId: v.A,
      round: 1,
      lines: [
        { rfqLineId: L(0), unitPrice: 10_500, leadTimeDays: 30, warrantyYears: 3, supportPerYear: 800, typicalWatts: 500 },
        { rfqLineId: L(1), unitPrice: 2800, leadTimeDays: 20, warrantyYears: 3, supportPerYear: 100, typicalWatts: 100 },
      ],
    });
    await submitQuote(deps(), buyer, rfq.id, { vendorId: v.B, round: 1, lines: [{ rfqLineId: L(0), unitPrice: 9000, leadTimeDays: 15, warrantyYears: 3, supportPerYear: 1000, typicalWatts: 700 }, { rfqLineId: L(1), declined: true }] });
    const usd = await refusal(submitQuote(deps(), buyer, rfq.id, { vendorId: v.C, round: 1, currency: "USD", lines: [{ rfqLineId: L(0), unitPrice: 1, leadTimeDays: 1, warrantyYears: 1, supportPerYear: 1, typicalWatts: 1 }] }));
    expect(usd.message).toMatch(/RFQ-000001 is quoted in EUR, but this quote is in USD.*nothing was saved/);
    const csv = ["line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts,nominalWatts,validUntil,declined,currency", "1,10200,40,3,900,550,800,2026-03-31,,EUR", "2,2600,25,3,150,120,,,,EUR"].join("\n");
    const q = await importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.C, round: 1, csv });
    expect(q).toMatchObject({ round: 1, lineCount: 2, declined: false });
    const dup = await refusal(submitQuote(deps(), buyer, rfq.id, { vendorId: v.C, round: 1, declined: true }));
    expect(dup.message).toMatch(/already has a round 1 quote.*round 2/);
    expect((await refusal(submitQuote(deps(), buyer, rfq.id, { vendorId: v.B, round: 3, declined: true }))).message).toMatch(/skips ahead/);
  });

  it("reports every bad CSV row with its line number and imports nothing", async () => {
    const csv = [
      "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts,declined,currency",
      "1,abc,30,3,800,500,,EUR", // line 2: price not a number
      "1,10000,30,3,800,500,,EUR", // line 3: line 1 again (the bad row 2 still claims it)
      "2,2700,20,3,100,100,,USD", // line 4: currency
      "9,1,1,1,1,1,,", // line 5: no such RFQ line
      "1,1,1,1,1,1,,", // line 6: line 1 again
      "2,,,,,,yes,", // line 7: line 2 again (the USD row claims it)
    ].join("\n");
    const e = await refusal(importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.A, round: 2, csv }));
    expect(e.message).toBe("The CSV has 6 bad rows; nothing was imported. Fix them and upload again.");
    const problems = e.details!.problems as { line: number; message: string }[];
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(problems[0]!.message).toMatch(/^unitPrice: /);
    expect(problems[1]!.message).toMatch(/RFQ line 1 is already quoted on line 2/);
    expect(problems[2]!.message).toMatch(/currency USD is not the RFQ's currency EUR/);
    expect(problems[3]!.message).toMatch(/line "9" is not a line number of this RFQ \(1–2\)/);
    expect(problems[4]!.message).toMatch(/already quoted on line 2/);
    expect(problems[5]!.message).toMatch(/RFQ line 2 is already quoted on line 4/);
    const maybe = await refusal(importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.A, round: 2, csv: "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts,declined\n1,,,,,,maybe\n" }));
    expect(maybe.details!.problems).toEqual([{ line: 2, message: 'declined "maybe": write yes to decline the line, or leave it empty' }]);
    const header = await refusal(importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.A, round: 2, csv: "line,price\n1,2" }));
    expect((header.details!.problems as { line: number; message: string }[]).map((p) => p.line)).toEqual([1, 1]);
    const ragged = await refusal(importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.A, round: 2, csv: "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,2,3\n" }));
    expect((ragged.details!.problems as { line: number }[])[0]!.line).toBe(2);
    expect((await getRfq(deps(), rfq.id)).quotes.filter((q) => q.vendorId === v.A).map((q) => q.round)).toEqual([1]);
  });

  it("takes round 2 by CSV and compares on TCO: latest round per vendor, declined and missing shown", async () => {
    await importQuoteCsv(deps(), buyer, { rfqId: rfq.id, vendorId: v.A, round: 2, csv: "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts\n1,10000,30,3,800,500\n2,2700,20,3,100,100\n" });
    const tco = await rfqTco(deps(), rfq.id);
    expect(tco).toMatchObject({ currency: "EUR", horizonYears: 5, parameters: { pue: 1.5, tariffPerKwh: 0.2, afr: 0.02, costPerFailure: 500, costPerUMonth: 10, discountRate: 0 }, weights: { tco: 0.6, leadTime: 0.2, sla: 0.2 } });
    // line 1 (2 U): A r2 10000 + 6570 + 4000 + 50 + 1200 = 21820 (× 4 = 87280);
    // B 9000 + 0.7 × 8760 × 0.3 × 5 (9198) + 5000 + 50 + 1200 = 24448; C 10200 + 7227 + 4500 + 50 + 1200 = 23177
    const l1 = tco.lines[0]!;
    expect(l1.quotes.map((q) => [q.vendorId, q.round, q.perUnit.total, q.lineTotal, q.rank])).toEqual([
      [v.A, 2, 21_820, 87_280, 1],
      [v.B, 1, 24_448, 97_792, 3],
      [v.C, 1, 23_177, 92_708, 2],
    ]);
    expect(l1.quotes[0]!.perUnit).toEqual({ purchase: 10_000, energy: 6570, support: 4000, failure: 50, space: 1200, total: 21_820 });
    // line 2 (free text, 0 U): A 2700 + 1314 + 500 + 50 = 4564; C 2600 + 1576.8 + 750 + 50 = 4976.8; B declined
    expect(tco.lines[1]!.quotes.map((q) => [q.vendorId, q.perUnit.total, q.rank])).toEqual([
      [v.A, 4564, 1],
      [v.C, 4976.8, 2],
    ]);
    expect(tco.lines[1]!.declinedVendorIds).toEqual([v.B]);
    expect(tco.vendors.find((x) => x.vendorId === v.A)).toMatchObject({ total: 87_280 + 9128, rank: 1, linesQuoted: 2 });
    expect(tco.sensitivity).toHaveLength(5);
    // a what-if discount rate lowers every running cost
    const disc = await rfqTco(deps(), rfq.id, { discountRate: 0.08 });
    expect(disc.lines[0]!.quotes[0]!.perUnit.total).toBeLessThan(21_820);
    expect(disc.lines[0]!.quotes[0]!.perUnit.purchase).toBe(10_000);
  });

  it("with a quote missing: a fresh RFQ lists the vendors that have not answered", async () => {
    const r2 = await createRfq(deps(), buyer, { title: "One server", currency: "EUR", lines: [{ modelId: cat.server.id, quantity: 1 }], vendorIds: [v.A, v.B] });
    await submitQuote(deps(), buyer, r2.id, { vendorId: v.B, round: 1, lines: [{ rfqLineId: r2.lines[0]!.id, unitPrice: 9500, leadTimeDays: 10, warrantyYears: 3, supportPerYear: 500, typicalWatts: 400 }] });
    const tco = await rfqTco(deps(), r2.id);
    expect(tco.lines[0]!.missingVendorIds).toEqual([v.A]);
    expect(tco.lines[0]!.quotes.map((q) => q.vendorId)).toEqual([v.B]);
    // awarding to the vendor without a quote is refused
    expect((await refusal(award(deps(), buyer, r2.id, { vendorId: v.A }))).message).toMatch(/Alpha Systems has no price for line 1 .*no quote/);
    // cancel an issued PO: its ORDERED assets leave through the lifecycle, in the same transaction
    const { purchaseOrders } = await award(deps(), buyer, r2.id, { vendorId: v.B });
    const po = await issuePurchaseOrder(deps(), buyer, purchaseOrders[0]!.id);
    const assetId = po.lines[0]!.assetIds[0]!;
    expect((await getAsset(deps(), assetId, "viewer")).status).toBe("ORDERED");
    const cancelled = await cancelPurchaseOrder(deps(), buyer, po.id, "budget moved");
    expect(cancelled.status).toBe("CANCELLED");
    const ev = await assetEvents(deps(), assetId);
    expect(ev.map((e) => e.toStatus)).toEqual(["DISPOSED", "ORDERED"]);
    expect(ev[0]!.reason).toMatch(/PO-000001 cancelled before delivery: budget moved/);
  });

  let poA: string;
  let poC: string;

  it("awards split between vendors: warned over the CapEx budget first, one draft PO per vendor", async () => {
    await setBudget(deps(), buyer, { siteId: cat.site.id, quarter: "2026-Q1", currency: "EUR", amount: 40_000 });
    const input = {
      lines: [
        { rfqLineId: L(0), splits: [{ vendorId: v.A, quantity: 3 }, { vendorId: v.C, quantity: 1 }] },
        { rfqLineId: L(1), splits: [{ vendorId: v.C, quantity: 2 }] },
      ],
    };
    const wrongSum = await refusal(award(deps(), buyer, rfq.id, { lines: [{ rfqLineId: L(0), splits: [{ vendorId: v.A, quantity: 3 }] }] }));
    expect(wrongSum.message).toMatch(/Line 1 asks for 4; the award splits 3/);
    expect((await refusal(award(deps(), buyer, rfq.id, { lines: [{ rfqLineId: L(1), splits: [{ vendorId: v.B, quantity: 2 }] }] }))).message).toMatch(/Beta Hardware has no price for line 2 .*declined/);
    // A 3 × 10000 = 30000; C 1 × 10200 + 2 × 2600 = 15400; 45400 > 40000 by 5400
    const over = await refusal(award(deps(), buyer, rfq.id, input));
    expect(over.code).toBe("CONFLICT");
    expect(over.details!.warnings).toEqual([{ siteId: cat.site.id, quarter: "2026-Q1", currency: "EUR", budget: 40_000, committed: 0, award: 45_400, over: 5400 }]);
    expect((await getRfq(deps(), rfq.id)).status).toBe("OPEN");
    const res = await award(deps(), buyer, rfq.id, { ...input, confirmOverBudget: true });
    expect(res.warnings).toHaveLength(1);
    expect(res.purchaseOrders.map((p) => [p.vendorName, p.status, p.total])).toEqual([
      ["Alpha Systems", "DRAFT", 30_000],
      ["Gamma Compute", "DRAFT", 15_400],
    ]);
    [poA, poC] = res.purchaseOrders.map((p) => p.id) as [string, string];
    expect((await getRfq(deps(), rfq.id)).status).toBe("AWARDED");
    expect((await refusal(award(deps(), buyer, rfq.id, input))).message).toMatch(/awarded; it cannot be awarded again/);
  });

  it("issues the POs: ORDERED placeholder assets per unit, expected delivery = issue + lead time, audited", async () => {
    const a = await issuePurchaseOrder(deps(), buyer, poA);
    expect(a.status).toBe("ISSUED");
    expect(a.issuedAt).toEqual(clock.now());
    expect(a.lines[0]).toMatchObject({ quantity: 3, unitPrice: 10_000, leadTimeDays: 30, baselineBudget: 11_000, baselineFirstRound: 10_500 });
    expect(a.lines[0]!.expectedAt).toEqual(new Date(clock.now().getTime() + 30 * DAY));
    expect(a.lines[0]!.assetIds).toHaveLength(3);
    const asset = await getAsset(deps(), a.lines[0]!.assetIds[0]!, "viewer");
    expect(asset).toMatchObject({ status: "ORDERED", vendor: { id: v.A } });
    expect(asset.serial).toMatch(/^PO-\d{6}-1-0001$/);
    const c = await issuePurchaseOrder(deps(), buyer, poC);
    // C: the model line has one asset; the free-text line has none (receiving counts it)
    expect(c.lines.map((l) => l.assetIds.length)).toEqual([1, 0]);
    expect((await refusal(issuePurchaseOrder(deps(), buyer, poA))).message).toMatch(/only a draft can be issued/);
    const audit = await listAudit(t.db, { entity: "PurchaseOrder", entityId: poA, take: 10 });
    expect(audit.map((x) => x.action)).toEqual(["issue", "create"]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("receipts move the PO and feed the lead-time KPI; cancel is refused once goods move", async () => {
    const po = (await listPurchaseOrders(deps(), { rfqId: rfq.id })).items.find((p) => p.id === poA)!;
    expect(po.status).toBe("ISSUED");
    const assetIds = (await syncReceipts(deps(), wh, poA)).lines[0]!.assetIds;
    const receive = async (id: string) => {
      await transition(deps(), wh, { assetId: id, to: "IN_TRANSIT" });
      await transition(deps(), wh, { assetId: id, to: "RECEIVED" });
    };
    clock.advance(20 * DAY);
    await receive(assetIds[0]!);
    await receive(assetIds[1]!);
    expect((await refusal(cancelPurchaseOrder(deps(), buyer, poA))).message).toMatch(/2 of PO-\d+'s assets are already on their way or received/);
    expect((await syncReceipts(deps(), wh, poA)).status).toBe("PARTIALLY_RECEIVED");
    clock.advance(20 * DAY);
    await receive(assetIds[2]!);
    const done = await syncReceipts(deps(), wh, poA);
    expect(done).toMatchObject({ status: "RECEIVED", late: true });
    expect(done.lines[0]!.receivedQty).toBe(3);
    // lead times 20, 20, 40 days; p50 (nearest rank 2 of 3) 20, p90 (rank 3) 40; A commits 30 days: late
    const lead = await leadTimeKpi(deps(), { vendorId: v.A });
    expect(lead.vendors).toEqual([{ vendorId: v.A, name: "Alpha Systems", committedDays: 30, received: 3, p50: 20, p90: 40, max: 40, latePos: [{ poId: poA, number: done.number, issuedAt: done.issuedAt!, dueAt: new Date(done.issuedAt!.getTime() + 30 * DAY), open: false }] }]);
    expect(lead.drill.map((d) => d.days).sort()).toEqual([20, 20, 40]);
    // syncing again changes nothing; the stored month histogram and a mid-month range read from the assets agree
    await syncReceipts(deps(), wh, poA);
    const fromAssets = await leadTimeKpi(deps(), { vendorId: v.A, from: new Date(done.issuedAt!.getTime() + DAY), to: new Date(done.issuedAt!.getTime() + 400 * DAY) });
    expect(fromAssets.vendors).toEqual(lead.vendors);
    expect((await leadTimeKpi(deps(), { vendorId: v.A })).vendors).toEqual(lead.vendors);
    // C's PO (45-day commitment) is still open at day 40: not late yet
    const all = await leadTimeKpi(deps(), {});
    expect(all.vendors.map((x) => x.vendorId)).toEqual([v.A]);
    clock.advance(10 * DAY);
    const later = await leadTimeKpi(deps(), { period: "2026" });
    expect(later.vendors.find((x) => x.vendorId === v.C)!.latePos).toMatchObject([{ poId: poC, open: true }]);
    expect((await leadTimeKpi(deps(), { period: "2025-Q4" })).vendors.find((x) => x.vendorId === v.A)).toBeUndefined();
    expect((await closePurchaseOrder(deps(), buyer, poA)).status).toBe("CLOSED");
    const card = await vendorScorecard(deps());
    expect(card.items.find((x) => x.vendorId === v.A)!.metrics).toEqual({ leadTimeP50Days: 20, leadTimeP90Days: 40, onTimeRate: 2 / 3, rmaTurnaroundDays: null, doaRate: 0 });
    // a vendor with nothing received has no DOA rate yet
    expect(card.items.find((x) => x.vendorId === v.C)!.metrics.doaRate).toBeNull();
  });

  it("cost savings, both baselines, quantity-weighted, with the PO lines behind them", async () => {
    // vs budget: (3 × 11000 + 1 × 11000 + 2 × 3000 = 50000) vs awarded 45400 → 9.2 %
    // vs first round: A's first round 10500 × 3 = 31500; C 10200 + 2 × 2600 = 15400 → 46900 vs 45400 → 1500 / 46900
    const s = await savingsKpi(deps(), { period: "2026-Q1" });
    expect(s.target).toBe(0.08);
    expect(s.vsBudget).toEqual({ ratio: expect.closeTo(0.092, 9), baseline: 50_000, awarded: 45_400, lines: 3 });
    expect(s.vsFirstRound.ratio).toBeCloseTo(1500 / 46_900, 9);
    expect(s.byVendor.find((x) => x.vendorId === v.A)!.vsBudget).toBeCloseTo(3000 / 33_000, 9);
    expect(s.drill).toHaveLength(3);
    // a range inside months is summed from the PO lines; whole months from the stored sums: the same figures
    const issued = new Date(s.drill[0]!.issuedAt);
    const mid = await savingsKpi(deps(), { from: new Date(issued.getTime() - 3600_000), to: new Date(issued.getTime() + 40 * DAY) });
    expect(mid.vsBudget).toEqual(s.vsBudget);
    expect(mid.vsFirstRound.ratio).toBeCloseTo(s.vsFirstRound.ratio!, 12);
    expect(mid.byVendor.map((x) => x.vendorId)).toEqual(s.byVendor.map((x) => x.vendorId));
    expect((await savingsKpi(deps(), { vendorId: v.C })).vsBudget.awarded).toBe(15_400);
    expect((await savingsKpi(deps(), { period: "2025" })).vsBudget.ratio).toBeNull();
  });

  it("CapEx plan: committed (issued POs) vs received vs remaining", async () => {
    const plan = await capexPlan(deps(), { quarter: "2026-Q1" });
    expect(plan.items).toEqual([{ siteId: cat.site.id, quarter: "2026-Q1", currency: "EUR", budget: 40_000, committed: 45_400, received: 30_000, remaining: -5400 }]);
  });

  it("exports the TCO comparison and the vendor KPI report as PDF (poppler reads pages and text) and CSV", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "il-pdf-"));
    try {
      const pdf = await tcoReport(deps(), rfq.id, "pdf");
      expect(pdf).toMatchObject({ filename: "RFQ-000001-tco.pdf", contentType: "application/pdf" });
      const file = path.join(dir, "tco.pdf");
      writeFileSync(file, Buffer.from(pdf.base64, "base64"));
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
      expect(text).toContain("TCO comparison — RFQ-000001");
      expect(text).toContain("Compute refresh FRA1");
      expect(text).toMatch(/PUE\s+1\.5/);
      expect(text).toContain("Alpha Systems");
      expect(text).toContain("87,280.00");
      expect(text).toContain("Cost breakdown over 5 years (EUR)");
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(text).toContain(`Page ${pages} of ${pages}`);
      execFileSync("pdftoppm", ["-png", "-r", "20", file, path.join(dir, "page")]);
      expect(readdirSync(dir).filter((f) => f.startsWith("page") && f.endsWith(".png"))).toHaveLength(pages);
      const csv = Buffer.from((await tcoReport(deps(), rfq.id, "csv")).base64, "base64").toString("utf8").trim().split("\n");
      expect(csv[0]).toBe("rfq,line,item,quantity,vendor,round,unitPrice,purchase,energy,support,failure,space,totalPerUnit,lineTotal,rank,score");
      expect(csv).toHaveLength(1 + 5);
      // the score moved since the award: Alpha's on-time record is now 2 of 3
      expect(csv.find((r) => r.includes("Alpha Systems"))).toMatch(/^RFQ-000001,1,Dell PowerEdge R760,4,Alpha Systems,2,10000,10000,6570,4000,50,1200,21820,87280,1,\d+(\.\d)?$/);
      const kpi = await kpiReport(deps(), { period: "2026-Q1" }, "pdf");
      writeFileSync(path.join(dir, "kpi.pdf"), Buffer.from(kpi.base64, "base64"));
      const ktext = execFileSync("pdftotext", ["-layout", path.join(dir, "kpi.pdf"), "-"], { encoding: "utf8" });
      expect(ktext).toContain("Vendor KPI report");
      expect(ktext).toContain("9.2 %");
      expect(ktext).toMatch(/Alpha Systems\s+30 d\s+3\s+20 d\s+40 d\s+40 d/);
      const kcsv = Buffer.from((await kpiReport(deps(), { period: "2026-Q1" }, "csv")).base64, "base64").toString("utf8");
      expect(kcsv.split("\n")[0]).toBe("vendor,savingsVsBudget,savingsVsFirstRound,committedLeadTimeDays,received,leadTimeP50Days,leadTimeP90Days,leadTimeMaxDays,latePos");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
