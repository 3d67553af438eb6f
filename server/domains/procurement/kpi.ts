/**
 * Procurement KPIs (definitions: docs/architecture.md "Procurement KPIs"), computed from records,
 * never typed in:
 *  - cost savings = Σ q·(baseline − awarded) ÷ Σ q·baseline over committed PO lines (issued, not
 *    cancelled), baseline = the RFQ line's budget unit price, or the vendor's first-round quote: both views.
 *  - lead time = PO issued → the asset's first RECEIVED event, in days, p50/p90/max per vendor (nearest
 *    rank); a PO is late when an asset arrived, or is still missing, after issue + the vendor's committed lead time.
 * The lead-time rows (PurchaseOrderAsset.receivedAt/leadDays/onTime) are copied from the asset's
 * RECEIVED event by syncReceipts (./orders.ts), so the KPI reads one indexed table.
 */
import type { z } from "zod";
import type { TDeps } from "../../context";
import { listVendors } from "../catalog/service";
import { periodRange, type ZKpiQuery, type ZLeadTimeOut, type ZSavingsOut, type ZScorecardOut } from "./schema";
import { histogramPercentile, round2 } from "./tco";

export const SAVINGS_TARGET = 0.08;
export const LEAD_TIME_TARGET_DAYS = 90;
/** POs whose money is committed: issued and not cancelled. */
export const COMMITTED_PO = ["ISSUED", "PARTIALLY_RECEIVED", "RECEIVED", "CLOSED"];
const DAY = 86_400_000;
const DRILL_MAX = 1000;

type TQuery = z.infer<typeof ZKpiQuery>;

function range(q: TQuery) {
  const { from, to } = periodRange(q);
  return from || to ? { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } : undefined;
}

/** Share of each vendor's received assets that arrived within its committed lead time; absent when nothing was received yet. */
export async function onTimeRates(deps: Pick<TDeps, "db">, vendorIds: string[]): Promise<Map<string, number>> {
  if (!vendorIds.length) return new Map();
  const rows = await deps.db.purchaseOrderAsset.groupBy({ by: ["vendorId", "onTime"], where: { vendorId: { in: vendorIds }, receivedAt: { not: null } }, _count: { _all: true } });
  const acc = new Map<string, { on: number; all: number }>();
  for (const r of rows) {
    const a = acc.get(r.vendorId) ?? { on: 0, all: 0 };
    a.all += r._count._all;
    if (r.onTime) a.on += r._count._all;
    acc.set(r.vendorId, a);
  }
  return new Map([...acc].map(([v, a]) => [v, a.on / a.all]));
}

/** Positional placeholders: `?` on SQLite, `$n` on PostgreSQL. */
function placeholders(deps: Pick<TDeps, "provider">) {
  const args: unknown[] = [];
  return { args, p: (v: unknown) => (args.push(v), deps.provider === "postgresql" ? `$${args.length}` : "?") };
}

interface TSavingsRow {
  vendorId: string;
  first: Date | string;
  bBase: number | null;
  bAw: number | null;
  bN: number | bigint;
  fBase: number | null;
  fAw: number | null;
  fN: number | bigint;
}

/** The savingsRatio() shape from summed figures (the sums are done in the database). */
function ratioOf(base: number, awarded: number, n: number) {
  return { ratio: base > 0 ? (base - awarded) / base : null, baseline: round2(base), awarded: round2(awarded), lines: n };
}

export async function savingsKpi(deps: TDeps, q: TQuery): Promise<z.input<typeof ZSavingsOut>> {
  const { from, to } = periodRange(q);
  const { args, p } = placeholders(deps);
  const where = [`po."status" IN (${COMMITTED_PO.map(p).join(", ")})`, `po."issuedAt" IS NOT NULL`];
  if (from) where.push(`po."issuedAt" >= ${p(from)}`);
  if (to) where.push(`po."issuedAt" < ${p(to)}`);
  if (q.vendorId) where.push(`po."vendorId" = ${p(q.vendorId)}`);
  // Σ q·baseline and Σ q·awarded over the lines that have each baseline, per vendor, summed in the database
  const sums = (col: string, pre: string) =>
    `SUM(CASE WHEN l."${col}" IS NULL THEN 0 ELSE l."quantity" * l."${col}" END) AS "${pre}Base", SUM(CASE WHEN l."${col}" IS NULL THEN 0 ELSE l."quantity" * l."unitPrice" END) AS "${pre}Aw", COUNT(l."${col}") AS "${pre}N"`;
  const rows = await deps.db.$queryRawUnsafe<TSavingsRow[]>(
    `SELECT po."vendorId" AS "vendorId", MIN(po."issuedAt") AS "first", ${sums("baselineBudget", "b")}, ${sums("baselineFirstRound", "f")}
     FROM "PurchaseOrder" po JOIN "PurchaseOrderLine" l ON l."poId" = po."id"
     WHERE ${where.join(" AND ")}
     GROUP BY po."vendorId"`,
    ...args,
  );
  const num = (x: number | bigint | null) => Number(x ?? 0);
  const firstMs = (r: TSavingsRow) => new Date(r.first).getTime();
  rows.sort((a, b) => firstMs(a) - firstMs(b) || (a.vendorId < b.vendorId ? -1 : 1));
  const tot = rows.reduce((t, r) => ({ bBase: t.bBase + num(r.bBase), bAw: t.bAw + num(r.bAw), bN: t.bN + num(r.bN), fBase: t.fBase + num(r.fBase), fAw: t.fAw + num(r.fAw), fN: t.fN + num(r.fN) }), { bBase: 0, bAw: 0, bN: 0, fBase: 0, fAw: 0, fN: 0 });
  const names = new Map((await listVendors(deps)).map((v) => [v.id, v.name]));
  const drill = await deps.db.purchaseOrderLine.findMany({
    where: { po: { status: { in: COMMITTED_PO }, issuedAt: range(q) ?? { not: null }, vendorId: q.vendorId } },
    select: { id: true, quantity: true, unitPrice: true, baselineBudget: true, baselineFirstRound: true, po: { select: { id: true, number: true, vendorId: true, issuedAt: true } } },
    orderBy: [{ po: { issuedAt: "asc" } }, { po: { id: "asc" } }, { lineNo: "asc" }],
    take: DRILL_MAX,
  });
  return {
    target: SAVINGS_TARGET,
    vsBudget: ratioOf(tot.bBase, tot.bAw, tot.bN),
    vsFirstRound: ratioOf(tot.fBase, tot.fAw, tot.fN),
    byVendor: rows.map((r) => ({ vendorId: r.vendorId, name: names.get(r.vendorId) ?? r.vendorId, vsBudget: ratioOf(num(r.bBase), num(r.bAw), 0).ratio, vsFirstRound: ratioOf(num(r.fBase), num(r.fAw), 0).ratio })),
    drill: drill.map((l) => ({ poId: l.po.id, poNumber: l.po.number, poLineId: l.id, vendorId: l.po.vendorId, quantity: l.quantity, unitPrice: l.unitPrice, baselineBudget: l.baselineBudget, baselineFirstRound: l.baselineFirstRound, issuedAt: l.po.issuedAt! })),
  };
}

/** The YYYY-MM bounds of a query over whole UTC months (any period, or no dates); null when a date falls inside a month. */
function monthRange(q: TQuery): { gte?: string; lt?: string } | undefined | null {
  const { from, to } = periodRange(q);
  const whole = (d: Date) => d.getUTCDate() === 1 && d.getTime() % DAY === 0;
  if ((from && !whole(from)) || (to && !whole(to))) return null;
  if (!from && !to) return undefined;
  const ym = (d: Date) => d.toISOString().slice(0, 7);
  return { ...(from ? { gte: ym(from) } : {}), ...(to ? { lt: ym(to) } : {}) };
}

export async function leadTimeKpi(deps: TDeps, q: TQuery): Promise<z.input<typeof ZLeadTimeOut>> {
  const now = deps.clock.now();
  const vendors = (await listVendors(deps)).filter((v) => !q.vendorId || v.id === q.vendorId);
  const where = { vendorId: q.vendorId, receivedAt: range(q) ?? { not: null } };
  // percentiles from a histogram: lead days are kept at 0.1-day resolution (syncReceipts), so the groups stay few however many assets
  const byVendor = new Map<string, { days: number; n: number }[]>();
  const push = (vendorId: string, days: number, n: number) => {
    const h = byVendor.get(vendorId) ?? byVendor.set(vendorId, []).get(vendorId)!;
    if (h.length && h[h.length - 1]!.days === days) h[h.length - 1]!.n += n;
    else h.push({ days, n });
  };
  const months = monthRange(q);
  if (months) {
    // whole UTC months: the stored histogram (kept by syncReceipts), summed over the months in the database
    const groups = await deps.db.purchaseOrderLeadMonth.groupBy({ by: ["vendorId", "leadDays"], where: { vendorId: q.vendorId, month: months }, _sum: { n: true }, orderBy: [{ vendorId: "asc" }, { leadDays: "asc" }] });
    for (const g of groups) if (g._sum.n) push(g.vendorId, g.leadDays, g._sum.n);
  } else {
    const groups = await deps.db.purchaseOrderAsset.groupBy({ by: ["vendorId", "leadDays"], where, _count: { _all: true }, orderBy: [{ vendorId: "asc" }, { leadDays: "asc" }] });
    for (const g of groups) push(g.vendorId, g.leadDays ?? 0, g._count._all);
  }
  const drillRows = await deps.db.purchaseOrderAsset.findMany({
    where,
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: DRILL_MAX,
    select: { assetId: true, vendorId: true, receivedAt: true, leadDays: true, poLine: { select: { po: { select: { id: true, number: true, issuedAt: true } } } } },
  });
  // late POs: an asset arrived after the committed date, or the PO is still open past it
  const latePos = new Map<string, Map<string, { poId: string; number: string; issuedAt: Date; dueAt: Date; open: boolean }>>();
  const sla = new Map(vendors.map((v) => [v.id, v.leadTimeSlaDays]));
  const add = (vendorId: string, po: { id: string; number: string; issuedAt: Date | null }, open: boolean) => {
    if (!po.issuedAt) return;
    const m = latePos.get(vendorId) ?? latePos.set(vendorId, new Map()).get(vendorId)!;
    if (!m.has(po.id) || open) m.set(po.id, { poId: po.id, number: po.number, issuedAt: po.issuedAt, dueAt: new Date(po.issuedAt.getTime() + (sla.get(vendorId) ?? 0) * DAY), open });
  };
  // grouped in the database (Prisma's `distinct` would read every late row)
  const lateGroups = await deps.db.purchaseOrderAsset.groupBy({ by: ["poLineId", "vendorId"], where: { ...where, onTime: false }, orderBy: { poLineId: "asc" }, take: DRILL_MAX });
  const lateLines = await deps.db.purchaseOrderLine.findMany({ where: { id: { in: lateGroups.map((g) => g.poLineId) } }, select: { id: true, po: { select: { id: true, number: true, issuedAt: true, vendorId: true } } } });
  for (const l of lateLines) add(l.po.vendorId, l.po, false);
  const open = await deps.db.purchaseOrder.findMany({ where: { status: { in: ["ISSUED", "PARTIALLY_RECEIVED"] }, vendorId: q.vendorId, issuedAt: { not: null } }, select: { id: true, number: true, vendorId: true, issuedAt: true } });
  for (const p of open) if (now.getTime() > p.issuedAt!.getTime() + (sla.get(p.vendorId) ?? 0) * DAY) add(p.vendorId, p, true);
  return {
    targetDays: LEAD_TIME_TARGET_DAYS,
    vendors: vendors
      .filter((v) => byVendor.has(v.id) || latePos.has(v.id))
      .map((v) => {
        const hist = (byVendor.get(v.id) ?? []).sort((a, b) => a.days - b.days);
        const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
        return { vendorId: v.id, name: v.name, committedDays: v.leadTimeSlaDays, received: hist.reduce((s, h) => s + h.n, 0), p50: r1(histogramPercentile(hist, 50)), p90: r1(histogramPercentile(hist, 90)), max: r1(histogramPercentile(hist, 100)), latePos: [...(latePos.get(v.id)?.values() ?? [])] };
      }),
    drill: drillRows.map((r) => ({ poId: r.poLine.po.id, poNumber: r.poLine.po.number, vendorId: r.vendorId, assetId: r.assetId, issuedAt: r.poLine.po.issuedAt!, receivedAt: r.receivedAt!, days: round2(r.leadDays ?? 0) })),
  };
}

/**
 * The vendor scorecard: one metrics object per vendor, every metric null until there is data.
 * RMA turnaround and DOA rate are null today; they fill in from the RMA and warehouse domains'
 * services when those exist (add them here, nothing else changes shape).
 */
export async function vendorScorecard(deps: TDeps): Promise<z.input<typeof ZScorecardOut>> {
  const vendors = await listVendors(deps);
  const lead = await leadTimeKpi(deps, {});
  const rates = await onTimeRates(deps, vendors.map((v) => v.id));
  const byId = new Map(lead.vendors.map((v) => [v.vendorId, v]));
  return {
    items: vendors.map((v) => ({
      vendorId: v.id,
      name: v.name,
      metrics: { leadTimeP50Days: byId.get(v.id)?.p50 ?? null, leadTimeP90Days: byId.get(v.id)?.p90 ?? null, onTimeRate: rates.get(v.id) ?? null, rmaTurnaroundDays: null, doaRate: null },
      sla: { leadTimeSlaDays: v.leadTimeSlaDays, rmaSlaDays: v.rmaSlaDays, supportResponseHours: v.supportResponseHours, warrantyYears: v.warrantyYears },
    })),
  };
}
