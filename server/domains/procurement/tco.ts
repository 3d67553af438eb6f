/**
 * Total cost of ownership: pure functions, no database (hand-computed tests in tco.test.ts).
 *
 * Per unit, over the RFQ's horizon H years; year-k costs (k = 1..H) are divided by (1 + r)^k
 * when a discount rate r is set (r = 0: undiscounted, each yearly cost × H):
 *   purchase = unit price (paid at year 0, never discounted)
 *   energy   = typical W ÷ 1000 × 8,760 h × PUE × tariff per kWh, per year
 *   support  = yearly support cost, per year
 *   failure  = annual failure rate × cost per failure, per year
 *   space    = U height × cost per U-month × 12, per year
 *   total    = the sum; line total = total × quantity
 */
import type { TTcoOut, TTcoParams } from "./schema";

export const HOURS_PER_YEAR = 8760;

export interface TBreakdown {
  purchase: number;
  energy: number;
  support: number;
  failure: number;
  space: number;
  total: number;
}

/** Σ_{k=1..years} 1/(1+r)^k: what one unit of yearly cost is worth over the horizon (= years when r = 0). */
export function annuityFactor(years: number, r: number): number {
  if (r === 0) return years;
  let f = 0;
  for (let k = 1; k <= years; k++) f += 1 / (1 + r) ** k;
  return f;
}

export interface TUnitInput {
  unitPrice: number;
  supportPerYear: number;
  typicalWatts: number;
  uHeight: number;
}

/** The yearly running costs of one unit (energy, support, failure, space), before discounting. */
export function yearlyCosts(q: TUnitInput, p: TTcoParams) {
  return {
    energy: (q.typicalWatts / 1000) * HOURS_PER_YEAR * p.pue * p.tariffPerKwh,
    support: q.supportPerYear,
    failure: p.afr * p.costPerFailure,
    space: q.uHeight * p.costPerUMonth * 12,
  };
}

/** Per-unit TCO over `years`. */
export function unitTco(q: TUnitInput, years: number, p: TTcoParams): TBreakdown {
  const y = yearlyCosts(q, p);
  const f = annuityFactor(years, p.discountRate);
  const b = { purchase: q.unitPrice, energy: y.energy * f, support: y.support * f, failure: y.failure * f, space: y.space * f };
  return { ...b, total: b.purchase + b.energy + b.support + b.failure + b.space };
}

/** Cumulative per-unit cost at the end of each year 0..years (year 0 = the purchase). */
export function cumulativeCost(q: TUnitInput, years: number, p: TTcoParams): number[] {
  const y = yearlyCosts(q, p);
  const yearly = y.energy + y.support + y.failure + y.space;
  const out = [q.unitPrice];
  for (let k = 1; k <= years; k++) out.push(out[k - 1]! + yearly / (1 + p.discountRate) ** k);
  return out;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

function cumulativeFromYearly(purchase: number, y: ReturnType<typeof yearlyCosts>, years: number, r: number): number[] {
  const yearly = y.energy + y.support + y.failure + y.space;
  const out = [round2(purchase)];
  let acc = purchase;
  for (let k = 1; k <= years; k++) {
    acc += yearly / (1 + r) ** k;
    out.push(round2(acc));
  }
  return out;
}
const roundB = (b: TBreakdown): TBreakdown => ({ purchase: round2(b.purchase), energy: round2(b.energy), support: round2(b.support), failure: round2(b.failure), space: round2(b.space), total: round2(b.total) });

export interface TTcoLineIn {
  id: string;
  lineNo: number;
  label: string;
  quantity: number;
  uHeight: number;
}
export interface TTcoQuoteIn {
  quoteId: string;
  vendorId: string;
  round: number;
  /** the vendor declined the whole round */
  declinedRound: boolean;
  lines: { rfqLineId: string; declined: boolean; unitPrice: number | null; leadTimeDays: number | null; supportPerYear: number | null; typicalWatts: number | null }[];
}
export interface TTcoInput {
  horizonYears: number;
  params: TTcoParams;
  weights: { tco: number; leadTime: number; sla: number };
  lines: TTcoLineIn[];
  /** invited vendors, with their SLA record as a 0..1 score (1 = always on time, or no record yet) */
  vendors: { id: string; name: string; slaScore: number }[];
  /** every round of every vendor; the latest round per vendor counts */
  quotes: TTcoQuoteIn[];
}

/** The latest round each vendor answered. */
export function latestRounds(quotes: TTcoQuoteIn[]): Map<string, TTcoQuoteIn> {
  const out = new Map<string, TTcoQuoteIn>();
  for (const q of quotes) {
    const cur = out.get(q.vendorId);
    if (!cur || q.round > cur.round) out.set(q.vendorId, q);
  }
  return out;
}

interface TPriced {
  quoteId: string;
  vendorId: string;
  round: number;
  unit: TUnitInput;
  yearly: ReturnType<typeof yearlyCosts>;
  leadTimeDays: number;
}

/** Competition ranking (1, 2, 2, 4) by the value, ascending; ties keep the vendor order. */
function ranks<T>(xs: T[], value: (x: T) => number): number[] {
  const order = xs.map((x, i) => ({ v: value(x), i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const out = new Array<number>(xs.length);
  order.forEach((o, pos) => {
    out[o.i] = pos > 0 && Math.abs(order[pos - 1]!.v - o.v) < 1e-9 ? out[order[pos - 1]!.i]! : pos + 1;
  });
  return out;
}

/**
 * Vendor totals for one scenario (tariff and PUE scaled): energy is linear in both, so each quote's
 * per-unit total is purchase + (energy × tariff factor × PUE factor + support + failure + space) × annuity.
 */
function vendorTotals(lines: TTcoLineIn[], priced: Map<string, TPriced[]>, annuity: number, energyFactor: number, vendorIds: string[]) {
  const totals = new Map(vendorIds.map((v) => [v, { total: 0, linesQuoted: 0 }]));
  const winners = new Map<string, string>();
  for (const l of lines) {
    let best: { v: string; t: number } | null = null;
    for (const q of priced.get(l.id) ?? []) {
      const y = q.yearly;
      const t = q.unit.unitPrice + (y.energy * energyFactor + y.support + y.failure + y.space) * annuity;
      const vt = totals.get(q.vendorId)!;
      vt.total += t * l.quantity;
      vt.linesQuoted++;
      if (!best || t < best.t - 1e-9) best = { v: q.vendorId, t };
    }
    if (best) winners.set(l.id, best.v);
  }
  const list = vendorIds.map((v) => ({ vendorId: v, ...totals.get(v)! }));
  // vendors who quoted every line first, by total; then the rest by lines quoted (more first), then total
  const full = lines.length;
  const key = (x: { total: number; linesQuoted: number }) => (x.linesQuoted === full ? 0 : 1e18 * (full - x.linesQuoted + 1)) + x.total;
  const r = ranks(list, key);
  return { vendors: list.map((x, i) => ({ ...x, total: round2(x.total), rank: r[i]! })), winners };
}

export type TTcoResult = Omit<TTcoOut, "rfqId" | "currency">;

export function computeTco(input: TTcoInput): TTcoResult {
  const { horizonYears: H, params: p, weights: w } = input;
  const latest = latestRounds(input.quotes);
  const lineById = new Map(input.lines.map((l) => [l.id, l]));
  const priced = new Map<string, TPriced[]>(input.lines.map((l) => [l.id, []]));
  const declined = new Map<string, string[]>(input.lines.map((l) => [l.id, []]));
  const answered = new Map<string, Set<string>>(input.lines.map((l) => [l.id, new Set()]));
  for (const v of input.vendors) {
    const q = latest.get(v.id);
    if (!q) continue;
    if (q.declinedRound) {
      for (const l of input.lines) {
        declined.get(l.id)!.push(v.id);
        answered.get(l.id)!.add(v.id);
      }
      continue;
    }
    for (const ql of q.lines) {
      const l = lineById.get(ql.rfqLineId);
      if (!l) continue;
      answered.get(l.id)!.add(v.id);
      if (ql.declined || ql.unitPrice === null) {
        declined.get(l.id)!.push(v.id);
        continue;
      }
      const unit = { unitPrice: ql.unitPrice, supportPerYear: ql.supportPerYear ?? 0, typicalWatts: ql.typicalWatts ?? 0, uHeight: l.uHeight };
      priced.get(l.id)!.push({ quoteId: q.quoteId, vendorId: v.id, round: q.round, leadTimeDays: ql.leadTimeDays ?? 0, unit, yearly: yearlyCosts(unit, p) });
    }
  }
  const sla = new Map(input.vendors.map((v) => [v.id, v.slaScore]));
  const annuity = annuityFactor(H, p.discountRate);
  const lines = input.lines.map((l) => {
    const qs = priced.get(l.id)!;
    const tcos = qs.map((q): TBreakdown => {
      const b = { purchase: q.unit.unitPrice, energy: q.yearly.energy * annuity, support: q.yearly.support * annuity, failure: q.yearly.failure * annuity, space: q.yearly.space * annuity };
      return { ...b, total: b.purchase + b.energy + b.support + b.failure + b.space };
    });
    const minTotal = Math.min(...tcos.map((t) => t.total));
    const minLead = Math.min(...qs.map((q) => Math.max(q.leadTimeDays, 1)));
    const scores = qs.map((q, i) => {
      const tcoPart = tcos[i]!.total > 0 ? minTotal / tcos[i]!.total : 1;
      const leadPart = minLead / Math.max(q.leadTimeDays, 1);
      return 100 * (w.tco * tcoPart + w.leadTime * leadPart + w.sla * (sla.get(q.vendorId) ?? 1));
    });
    const rank = ranks(tcos, (t) => t.total);
    const scoreRank = ranks(scores, (s) => -s);
    return {
      rfqLineId: l.id,
      lineNo: l.lineNo,
      label: l.label,
      quantity: l.quantity,
      uHeight: l.uHeight,
      missingVendorIds: input.vendors.filter((v) => !answered.get(l.id)!.has(v.id)).map((v) => v.id),
      declinedVendorIds: declined.get(l.id)!,
      quotes: qs.map((q, i) => ({
        quoteId: q.quoteId,
        vendorId: q.vendorId,
        round: q.round,
        unitPrice: q.unit.unitPrice,
        leadTimeDays: q.leadTimeDays,
        perUnit: roundB(tcos[i]!),
        lineTotal: round2(tcos[i]!.total * l.quantity),
        rank: rank[i]!,
        score: Math.round(scores[i]! * 10) / 10,
        scoreRank: scoreRank[i]!,
        cumulative: cumulativeFromYearly(q.unit.unitPrice, q.yearly, H, p.discountRate),
      })),
    };
  });
  const vendorIds = input.vendors.map((v) => v.id);
  const base = vendorTotals(input.lines, priced, annuity, 1, vendorIds);
  const scenarios: { name: string; tariffFactor: number; pueFactor: number }[] = [
    { name: "base", tariffFactor: 1, pueFactor: 1 },
    { name: "tariff −20 %", tariffFactor: 0.8, pueFactor: 1 },
    { name: "tariff +20 %", tariffFactor: 1.2, pueFactor: 1 },
    { name: "PUE −20 %", tariffFactor: 1, pueFactor: 0.8 },
    { name: "PUE +20 %", tariffFactor: 1, pueFactor: 1.2 },
  ];
  const sensitivity = scenarios.map((s) => {
    const r = s.name === "base" ? base : vendorTotals(input.lines, priced, annuity, s.tariffFactor * s.pueFactor, vendorIds);
    let winnersChanged = 0;
    for (const [lineId, v] of r.winners) if (base.winners.get(lineId) !== v) winnersChanged++;
    return { ...s, vendors: r.vendors.map((v) => ({ vendorId: v.vendorId, total: v.total, rank: v.rank })), winnersChanged };
  });
  return {
    horizonYears: H,
    parameters: p,
    weights: w,
    lines,
    vendors: input.vendors.map((v, i) => ({ vendorId: v.id, name: v.name, linesQuoted: base.vendors[i]!.linesQuoted, total: base.vendors[i]!.total, rank: base.vendors[i]!.rank, slaScore: v.slaScore })),
    sensitivity,
  };
}

/** Nearest-rank percentile of sorted values (p in 0..100); null when there are none. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const i = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)]!;
}

/** Nearest-rank percentile over a sorted histogram of (value, count); the same answer as percentile() over the expanded values. */
export function histogramPercentile(sorted: { days: number; n: number }[], p: number): number | null {
  const total = sorted.reduce((s, h) => s + h.n, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const h of sorted) {
    seen += h.n;
    if (seen >= rank) return h.days;
  }
  return sorted[sorted.length - 1]!.days;
}

/** Quantity-weighted savings: Σ q·(baseline − awarded) ÷ Σ q·baseline over the lines that have a baseline; null when none do. */
export function savingsRatio(lines: { quantity: number; unitPrice: number; baseline: number | null }[]) {
  let base = 0;
  let awarded = 0;
  let n = 0;
  for (const l of lines) {
    if (l.baseline === null) continue;
    base += l.quantity * l.baseline;
    awarded += l.quantity * l.unitPrice;
    n++;
  }
  return { ratio: base > 0 ? (base - awarded) / base : null, baseline: round2(base), awarded: round2(awarded), lines: n };
}
