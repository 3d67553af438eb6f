/**
 * A purchase order's cancellation (many transitions in one transaction) racing
 * transitions of the same assets on PostgreSQL: it must answer right (done, or
 * a CONFLICT / 503 that says what happened), never a deadlock reported as a
 * 500, and leave the assets, the PO and the chains consistent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { AppError } from "../../errors";
import { verifyAuditChain } from "../audit/service";
import { verifyChain } from "../../chains/chain";
import { transition } from "../assets/lifecycle";
import { award, cancelPurchaseOrder, issuePurchaseOrder } from "./orders";
import { createRfq, createVendorWithTerms, submitQuote } from "./service";

const UNITS = 6;
const ROUNDS = 4;

describe("purchase order cancellation racing transitions on postgresql", () => {
  let t: TTestDb;
  const clock = new FakeClock(new Date("2026-02-02T08:00:00Z"));
  const buyer = actor("procurement");
  const wh = actor("warehouse");
  const deps = () => depsFor(t, clock);
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  let vendorId: string;

  beforeAll(async () => {
    t = await freshDatabase("postgresql");
    cat = await seedCatalog(deps());
    vendorId = (await createVendorWithTerms(deps(), buyer, { name: "Race Vendor", leadTimeSlaDays: 10 })).id;
  });
  afterAll(() => t.close());

  async function issuedPo(): Promise<{ id: string; assetIds: string[] }> {
    const rfq = await createRfq(deps(), buyer, { title: "race", currency: "EUR", lines: [{ modelId: cat.server.id, quantity: UNITS }], vendorIds: [vendorId] });
    await submitQuote(deps(), buyer, rfq.id, { vendorId, round: 1, lines: [{ rfqLineId: rfq.lines[0]!.id, unitPrice: 1000, leadTimeDays: 10, warrantyYears: 3, supportPerYear: 10, typicalWatts: 300 }] });
    const { purchaseOrders } = await award(deps(), buyer, rfq.id, { vendorId });
    const po = await issuePurchaseOrder(deps(), buyer, purchaseOrders[0]!.id);
    return { id: po.id, assetIds: po.lines[0]!.assetIds };
  }

  /** what a call ended as: "ok", or the AppError code; anything else (a 500) is returned as the error itself */
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (e: unknown) => (e instanceof AppError ? e.code : e),
    );

  it("answers every call with success, CONFLICT or UNAVAILABLE, and leaves the PO and its assets consistent", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const po = await issuedPo();
      // the transitions start first and against the assets the cancellation moves last, so both hold what the other wants
      const moving = po.assetIds.slice(-3);
      const results = await Promise.all([...moving.map((assetId) => outcome(transition(deps(), wh, { assetId, to: "IN_TRANSIT" }))), outcome(cancelPurchaseOrder(deps(), buyer, po.id, "race"))]);
      // a transition after the cancellation finds the asset DISPOSED (INVALID_TRANSITION)
      for (const r of results.slice(0, -1)) expect(["ok", "CONFLICT", "UNAVAILABLE", "INVALID_TRANSITION"]).toContain(r);
      expect(["ok", "CONFLICT", "UNAVAILABLE"]).toContain(results.at(-1));
      const cancelled = results.at(-1) === "ok";
      const assets = await t.db.asset.findMany({ where: { id: { in: po.assetIds } }, select: { id: true, status: true } });
      const status = new Map(assets.map((a) => [a.id, a.status]));
      const moved = moving.filter((_, i) => results[i] === "ok");
      if (cancelled) {
        // cancelled: every asset left through the lifecycle, so no transition got through
        expect(moved).toEqual([]);
        expect([...status.values()].every((s) => s === "DISPOSED")).toBe(true);
      } else {
        // not cancelled: nothing of the cancellation was written
        expect((await t.db.purchaseOrder.findUniqueOrThrow({ where: { id: po.id } })).status).toBe("ISSUED");
        for (const id of po.assetIds) expect(status.get(id)).toBe(moved.includes(id) ? "IN_TRANSIT" : "ORDERED");
      }
    }
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    expect((await verifyChain(t.db, "events")).ok).toBe(true);
  });
});
