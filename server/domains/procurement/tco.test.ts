/** TCO maths against figures computed by hand (the comments show the working). */
import { describe, expect, it } from "vitest";
import { annuityFactor, computeTco, cumulativeCost, histogramPercentile, percentile, savingsRatio, unitTco, type TTcoInput } from "./tco";
import type { TTcoParams } from "./schema";

const P: TTcoParams = { pue: 1.5, tariffPerKwh: 0.2, afr: 0.02, costPerFailure: 500, costPerUMonth: 10, discountRate: 0 };
const A = { unitPrice: 10_000, supportPerYear: 800, typicalWatts: 500, uHeight: 2 };

describe("unit TCO", () => {
  it("undiscounted: every yearly cost × H", () => {
    // energy 0.5 kW × 8760 h × 1.5 × 0.2 = 1314/yr → 6570; support 800 × 5 = 4000;
    // failure 0.02 × 500 × 5 = 50; space 2 U × 10 × 12 × 5 = 1200; total 10000 + 6570 + 4000 + 50 + 1200 = 21820
    const t = unitTco(A, 5, P);
    expect(t.purchase).toBe(10_000);
    expect(t.energy).toBeCloseTo(6570, 6);
    expect(t.support).toBe(4000);
    expect(t.failure).toBeCloseTo(50, 9);
    expect(t.space).toBe(1200);
    expect(t.total).toBeCloseTo(21_820, 6);
  });

  it("a discount rate divides year-k costs by (1+r)^k; the purchase is not discounted", () => {
    // r = 10 %, H = 2: factor 1/1.1 + 1/1.21 = 1.7355372; yearly 1314 + 800 + 10 + 240 = 2364 → 4102.81
    expect(annuityFactor(2, 0.1)).toBeCloseTo(1.7355372, 6);
    const t = unitTco(A, 2, { ...P, discountRate: 0.1 });
    expect(t.purchase).toBe(10_000);
    expect(t.total).toBeCloseTo(14_102.81, 2);
    expect(cumulativeCost(A, 2, { ...P, discountRate: 0.1 }).map((x) => Math.round(x * 100) / 100)).toEqual([10_000, 12_149.09, 14_102.81]);
  });

  it("cumulative cost undiscounted grows by the yearly cost", () => {
    expect(cumulativeCost(A, 3, P)).toEqual([10_000, 12_364, 14_728, 17_092]);
  });
});

describe("computeTco over an RFQ", () => {
  const input = (): TTcoInput => ({
    horizonYears: 5,
    params: P,
    weights: { tco: 0.6, leadTime: 0.2, sla: 0.2 },
    lines: [
      { id: "L1", lineNo: 1, label: "server", quantity: 3, uHeight: 2 },
      { id: "L2", lineNo: 2, label: "switch", quantity: 1, uHeight: 1 },
    ],
    vendors: [
      { id: "VA", name: "A", slaScore: 1 },
      { id: "VB", name: "B", slaScore: 0.5 },
      { id: "VC", name: "C", slaScore: 1 },
      { id: "VD", name: "D", slaScore: 1 },
    ],
    quotes: [
      // A: round 1 dearer, round 2 counts
      { quoteId: "qa1", vendorId: "VA", round: 1, declinedRound: false, lines: [{ rfqLineId: "L1", declined: false, unitPrice: 11_000, leadTimeDays: 30, supportPerYear: 800, typicalWatts: 500 }] },
      {
        quoteId: "qa2",
        vendorId: "VA",
        round: 2,
        declinedRound: false,
        lines: [
          { rfqLineId: "L1", declined: false, unitPrice: 10_000, leadTimeDays: 30, supportPerYear: 800, typicalWatts: 500 },
          { rfqLineId: "L2", declined: false, unitPrice: 2000, leadTimeDays: 10, supportPerYear: 100, typicalWatts: 100 },
        ],
      },
      // B: cheaper to buy, dearer to run; declines the switch
      {
        quoteId: "qb1",
        vendorId: "VB",
        round: 1,
        declinedRound: false,
        lines: [
          { rfqLineId: "L1", declined: false, unitPrice: 9000, leadTimeDays: 15, supportPerYear: 1000, typicalWatts: 700 },
          { rfqLineId: "L2", declined: true, unitPrice: null, leadTimeDays: null, supportPerYear: null, typicalWatts: null },
        ],
      },
      // C declined the whole round; D never answered
      { quoteId: "qc1", vendorId: "VC", round: 1, declinedRound: true, lines: [] },
    ],
  });

  it("uses each vendor's latest round, ranks by TCO, and names declined and missing vendors", () => {
    const r = computeTco(input());
    const l1 = r.lines[0]!;
    // A: 21820 per unit (above) × 3 = 65460. B: energy 0.7 × 8760 × 0.3 = 1839.6/yr → 9198; 9000 + 9198 + 5000 + 50 + 1200 = 24448 → 73344
    expect(l1.quotes.map((q) => [q.vendorId, q.round, q.perUnit.total, q.lineTotal, q.rank])).toEqual([
      ["VA", 2, 21_820, 65_460, 1],
      ["VB", 1, 24_448, 73_344, 2],
    ]);
    expect(l1.declinedVendorIds).toEqual(["VC"]);
    expect(l1.missingVendorIds).toEqual(["VD"]);
    expect(r.lines[1]!.declinedVendorIds.sort()).toEqual(["VB", "VC"]);
    // A quoted both lines: switch 2000 + 0.1 × 8760 × 0.3 × 5 (1314) + 500 + 50 + 600 = 4464; A's total 65460 + 4464
    expect(r.lines[1]!.quotes[0]!.perUnit.total).toBeCloseTo(4464, 2);
    const byVendor = Object.fromEntries(r.vendors.map((v) => [v.vendorId, v]));
    expect(byVendor.VA).toMatchObject({ total: 69_924, linesQuoted: 2, rank: 1 });
    expect(byVendor.VB).toMatchObject({ total: 73_344, linesQuoted: 1, rank: 2 });
  });

  it("scores with the weights shown: TCO, lead time and SLA record", () => {
    const l1 = computeTco(input()).lines[0]!;
    // A: 0.6 × 1 + 0.2 × (15/30) + 0.2 × 1 = 0.9 → 90; B: 0.6 × 21820/24448 + 0.2 × 1 + 0.2 × 0.5 = 0.835509 → 83.6
    expect(l1.quotes[0]!.score).toBe(90);
    expect(l1.quotes[1]!.score).toBe(83.6);
    expect(l1.quotes.map((q) => q.scoreRank)).toEqual([1, 2]);
  });

  it("sensitivity: tariff and PUE ±20 % move the totals, and say when a winner changes", () => {
    const r = computeTco(input());
    expect(r.sensitivity.map((s) => s.name)).toEqual(["base", "tariff −20 %", "tariff +20 %", "PUE −20 %", "PUE +20 %"]);
    // tariff −20 %: A's server energy 6570 × 0.8 = 5256 → 20506 × 3 = 61518; switch 4464 − 262.8 = 4201.2 → 65719.2
    expect(r.sensitivity[1]!.vendors.find((v) => v.vendorId === "VA")!.total).toBeCloseTo(65_719.2, 2);
    expect(r.sensitivity.every((s) => s.winnersChanged === 0)).toBe(true);
    // B at 7600, 700 W, 800/yr support: base 7600 + 9198 + 4000 + 50 + 1200 = 22048 > A's 21820 (A wins);
    // tariff −20 %: B 7600 + 7358.4 + 5250 = 20208.4 < A's 20506 → B wins line 1: one winner changed
    const close = input();
    Object.assign(close.quotes[2]!.lines[0]!, { unitPrice: 7600, supportPerYear: 800 });
    const r2 = computeTco(close);
    expect(r2.lines[0]!.quotes.find((q) => q.rank === 1)!.vendorId).toBe("VA");
    expect(r2.sensitivity.map((s) => s.winnersChanged)).toEqual([0, 1, 0, 1, 0]);
  });

  it("a line nobody priced has no quotes and every vendor declined or missing", () => {
    const i = input();
    i.lines.push({ id: "L3", lineNo: 3, label: "spec", quantity: 2, uHeight: 0 });
    const l3 = computeTco(i).lines[2]!;
    expect(l3.quotes).toEqual([]);
    expect([...l3.declinedVendorIds, ...l3.missingVendorIds].sort()).toEqual(["VA", "VB", "VC", "VD"]);
  });
});

describe("KPI maths", () => {
  it("nearest-rank percentiles", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it("percentiles from a histogram equal those over the expanded values", () => {
    const hist = [
      { days: 12.5, n: 3 },
      { days: 20, n: 5 },
      { days: 41.2, n: 2 },
    ];
    const flat = hist.flatMap((h) => Array<number>(h.n).fill(h.days));
    for (const p of [1, 30, 50, 80, 90, 100]) expect(histogramPercentile(hist, p)).toBe(percentile(flat, p));
    expect(histogramPercentile(hist, 50)).toBe(20);
    expect(histogramPercentile(hist, 90)).toBe(41.2);
    expect(histogramPercentile([], 50)).toBeNull();
  });

  it("quantity-weighted savings over the lines with a baseline", () => {
    // (10 × (100 − 90) + 1 × (1000 − 1000)) ÷ (10 × 100 + 1 × 1000) = 100 ÷ 2000 = 5 %
    const s = savingsRatio([
      { quantity: 10, unitPrice: 90, baseline: 100 },
      { quantity: 1, unitPrice: 1000, baseline: 1000 },
      { quantity: 5, unitPrice: 50, baseline: null },
    ]);
    expect(s).toEqual({ ratio: 0.05, baseline: 2000, awarded: 1900, lines: 2 });
    expect(savingsRatio([]).ratio).toBeNull();
  });
});
