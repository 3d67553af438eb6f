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
import { hotDb } from "../../db/hot";
import { listVendors } from "../catalog/service";
import { doaRatesByVendor } from "../acceptance/service";
import { rmaTurnaroundByVendor } from "../rma/service";
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

/**
 * A read-only KPI query in SQL, built for the database at hand with positional parameters; run on the
 * prepared-statement reader (server/db/hot.ts) when the client has one, else through Prisma. `variant`
 * names the shape of the query (which optional filters it has), so each shape is prepared once.
 */
async function kpiSql<T>(deps: Pick<TDeps, "db" | "provider">, variant: string, build: (p: (v: string | number | Date) => string, dialect: "sqlite" | "postgresql") => string): Promise<T[]> {
  const values: (string | number | Date)[] = [];
  const text = (dialect: "sqlite" | "postgresql") => {
    values.length = 0;
    return build((v) => (values.push(v), dialect === "postgresql" ? `$${values.length}` : "?"), dialect);
  };
  const hot = hotDb(deps.db);
  if (!hot) {
    const sql = text(deps.provider === "postgresql" ? "postgresql" : "sqlite");
    return deps.db.$queryRawUnsafe<T[]>(sql, ...values);
  }
  const q = { name: `procurement_kpi_${variant}`, sqlite: text("sqlite"), postgresql: text("postgresql") };
  // SQLite keeps DateTime as ISO text with an explicit offset (timestampFormat iso8601); PostgreSQL reads the UTC ISO form
  const iso = (d: Date) => (hot.provider === "sqlite" ? d.toISOString().replace("Z", "+00:00") : d.toISOString());
  return hot.all<T>(q, values.map((v) => (v instanceof Date ? iso(v) : v)));
}

interface TSavingsDrillRow {
  poId: string;
  poNumber: string;
  poLineId: string;
  vendorId: string;
  quantity: number;
  unitPrice: number;
  baselineBudget: number | null;
  baselineFirstRound: number | null;
  issuedAt: Date | string;
}
interface TSavingsRow {
  vendorId: string;
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
  const variant = `${from ? "f" : ""}${to ? "t" : ""}${q.vendorId ? "v" : ""}`;
  const where = (p: (v: string | number | Date) => string) =>
    [`po."status" IN (${COMMITTED_PO.map(p).join(", ")})`, `po."issuedAt" IS NOT NULL`, ...(from ? [`po."issuedAt" >= ${p(from)}`] : []), ...(to ? [`po."issuedAt" < ${p(to)}`] : []), ...(q.vendorId ? [`po."vendorId" = ${p(q.vendorId)}`] : [])].join(" AND ");
  // Σ q·baseline and Σ q·awarded over the lines that have each baseline, per vendor, summed in the database
  const sums = (col: string, pre: string) =>
    `SUM(CASE WHEN l."${col}" IS NULL THEN 0 ELSE l."quantity" * l."${col}" END) AS "${pre}Base", SUM(CASE WHEN l."${col}" IS NULL THEN 0 ELSE l."quantity" * l."unitPrice" END) AS "${pre}Aw", COUNT(l."${col}") AS "${pre}N"`;
  const months = monthRange(q);
  const [rows, drill, vendors] = await Promise.all([
    months !== null
      ? // whole UTC months: the sums kept per vendor and month by issue and cancel (orders.ts addSavings)
        deps.db.purchaseOrderSavingsMonth
          .groupBy({ by: ["vendorId"], where: { vendorId: q.vendorId, month: months }, _sum: { budgetBase: true, budgetAwarded: true, budgetLines: true, firstBase: true, firstAwarded: true, firstLines: true } })
          .then((gs) => gs.filter((g) => (g._sum.budgetLines ?? 0) + (g._sum.firstLines ?? 0) > 0).map((g): TSavingsRow => ({ vendorId: g.vendorId, bBase: g._sum.budgetBase, bAw: g._sum.budgetAwarded, bN: g._sum.budgetLines ?? 0, fBase: g._sum.firstBase, fAw: g._sum.firstAwarded, fN: g._sum.firstLines ?? 0 })))
      : kpiSql<TSavingsRow>(
          deps,
          `savings_${variant}`,
          (p) => `SELECT po."vendorId" AS "vendorId", ${sums("baselineBudget", "b")}, ${sums("baselineFirstRound", "f")}
            FROM "PurchaseOrder" po JOIN "PurchaseOrderLine" l ON l."poId" = po."id" WHERE ${where(p)} GROUP BY po."vendorId"`,
        ),
    kpiSql<TSavingsDrillRow>(
      deps,
      `savings_drill_${variant}`,
      // SQLite's planner, given the statistics, would rather skip-scan (vendorId, issuedAt) and sort every line of the period
      (p, dialect) => `SELECT po."id" AS "poId", po."number" AS "poNumber", l."id" AS "poLineId", po."vendorId" AS "vendorId", l."quantity" AS "quantity", l."unitPrice" AS "unitPrice", l."baselineBudget" AS "baselineBudget", l."baselineFirstRound" AS "baselineFirstRound", po."issuedAt" AS "issuedAt"
        FROM "PurchaseOrder" po ${dialect === "sqlite" && !q.vendorId ? `INDEXED BY "PurchaseOrder_issuedAt_idx"` : ""} JOIN "PurchaseOrderLine" l ON l."poId" = po."id" WHERE ${where(p)} ORDER BY po."issuedAt", po."id", l."lineNo" LIMIT ${DRILL_MAX}`,
    ),
    listVendors(deps),
  ]);
  const num = (x: number | bigint | null) => Number(x ?? 0);
  const tot = rows.reduce((t, r) => ({ bBase: t.bBase + num(r.bBase), bAw: t.bAw + num(r.bAw), bN: t.bN + num(r.bN), fBase: t.fBase + num(r.fBase), fAw: t.fAw + num(r.fAw), fN: t.fN + num(r.fN) }), { bBase: 0, bAw: 0, bN: 0, fBase: 0, fAw: 0, fN: 0 });
  const names = new Map(vendors.map((v) => [v.id, v.name]));
  rows.sort((a, b) => (names.get(a.vendorId) ?? a.vendorId).localeCompare(names.get(b.vendorId) ?? b.vendorId) || (a.vendorId < b.vendorId ? -1 : 1));
  return {
    target: SAVINGS_TARGET,
    vsBudget: ratioOf(tot.bBase, tot.bAw, tot.bN),
    vsFirstRound: ratioOf(tot.fBase, tot.fAw, tot.fN),
    byVendor: rows.map((r) => ({ vendorId: r.vendorId, name: names.get(r.vendorId) ?? r.vendorId, vsBudget: ratioOf(num(r.bBase), num(r.bAw), 0).ratio, vsFirstRound: ratioOf(num(r.fBase), num(r.fAw), 0).ratio })),
    drill: drill.map((l) => ({ ...l, quantity: Number(l.quantity), issuedAt: new Date(l.issuedAt) })),
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
  if (months !== null) {
    // whole UTC months: the stored histogram (kept by syncReceipts), summed over the months in the database
    const variant = `${months?.gte ? "f" : ""}${months?.lt ? "t" : ""}${q.vendorId ? "v" : ""}`;
    const groups = await kpiSql<{ vendorId: string; leadDays: number; n: number | bigint | string }>(deps, `lead_hist_${variant}`, (p) => {
      const w = [...(months?.gte ? [`"month" >= ${p(months.gte)}`] : []), ...(months?.lt ? [`"month" < ${p(months.lt)}`] : []), ...(q.vendorId ? [`"vendorId" = ${p(q.vendorId)}`] : [])];
      return `SELECT "vendorId" AS "vendorId", "leadDays" AS "leadDays", SUM("n") AS "n" FROM "PurchaseOrderLeadMonth" ${w.length ? `WHERE ${w.join(" AND ")}` : ""} GROUP BY "vendorId", "leadDays" ORDER BY "vendorId", "leadDays"`;
    });
    for (const g of groups) if (Number(g.n) > 0) push(g.vendorId, Number(g.leadDays), Number(g.n));
  } else {
    const groups = await deps.db.purchaseOrderAsset.groupBy({ by: ["vendorId", "leadDays"], where, _count: { _all: true }, orderBy: [{ vendorId: "asc" }, { leadDays: "asc" }] });
    for (const g of groups) push(g.vendorId, g.leadDays ?? 0, g._count._all);
  }
  const { from, to } = periodRange(q);
  const drillRows = await kpiSql<{ assetId: string; vendorId: string; receivedAt: Date | string; leadDays: number | null; poId: string; poNumber: string; issuedAt: Date | string }>(
    deps,
    `lead_drill_${from ? "f" : ""}${to ? "t" : ""}${q.vendorId ? "v" : ""}`,
    (p, dialect) => {
      const w = [`a."receivedAt" IS NOT NULL`, ...(from ? [`a."receivedAt" >= ${p(from)}`] : []), ...(to ? [`a."receivedAt" < ${p(to)}`] : []), ...(q.vendorId ? [`a."vendorId" = ${p(q.vendorId)}`] : [])];
      return `SELECT a."assetId" AS "assetId", a."vendorId" AS "vendorId", a."receivedAt" AS "receivedAt", a."leadDays" AS "leadDays", po."id" AS "poId", po."number" AS "poNumber", po."issuedAt" AS "issuedAt"
        FROM "PurchaseOrderAsset" a ${dialect === "sqlite" && !q.vendorId ? `INDEXED BY "PurchaseOrderAsset_receivedAt_idx"` : ""} JOIN "PurchaseOrderLine" l ON l."id" = a."poLineId" JOIN "PurchaseOrder" po ON po."id" = l."poId"
        WHERE ${w.join(" AND ")} ORDER BY a."receivedAt" DESC, a."id" DESC LIMIT ${DRILL_MAX}`;
    },
  );
  // late POs: an asset arrived after the committed date, or the PO is still open past it
  const latePos = new Map<string, Map<string, { poId: string; number: string; issuedAt: Date; dueAt: Date; open: boolean }>>();
  const sla = new Map(vendors.map((v) => [v.id, v.leadTimeSlaDays]));
  const add = (vendorId: string, po: { id: string; number: string; issuedAt: Date | null }, open: boolean) => {
    if (!po.issuedAt) return;
    const m = latePos.get(vendorId) ?? latePos.set(vendorId, new Map()).get(vendorId)!;
    if (!m.has(po.id) || open) m.set(po.id, { poId: po.id, number: po.number, issuedAt: po.issuedAt, dueAt: new Date(po.issuedAt.getTime() + (sla.get(vendorId) ?? 0) * DAY), open });
  };
  // grouped in the database (Prisma's `distinct` would read every late row)
  // the first lines (in line order) with an asset received late, and their POs: one query; on SQLite walking
  // (onTime, poLineId, …) in line order stops after 1000 lines, where the planner would read the whole period
  const lateLines = await kpiSql<{ id: string; number: string; issuedAt: Date | string | null; vendorId: string }>(deps, `lead_late_${from ? "f" : ""}${to ? "t" : ""}${q.vendorId ? "v" : ""}`, (p, dialect) => {
    const w = [`a."onTime" = ${dialect === "postgresql" ? "false" : "0"}`, `a."receivedAt" IS NOT NULL`, ...(from ? [`a."receivedAt" >= ${p(from)}`] : []), ...(to ? [`a."receivedAt" < ${p(to)}`] : []), ...(q.vendorId ? [`a."vendorId" = ${p(q.vendorId)}`] : [])];
    return `SELECT po."id" AS "id", po."number" AS "number", po."issuedAt" AS "issuedAt", po."vendorId" AS "vendorId"
      FROM (SELECT a."poLineId" AS "poLineId" FROM "PurchaseOrderAsset" a ${dialect === "sqlite" && !q.vendorId ? `INDEXED BY "PurchaseOrderAsset_onTime_poLineId_receivedAt_idx"` : ""} WHERE ${w.join(" AND ")} GROUP BY a."poLineId" ORDER BY a."poLineId" LIMIT ${DRILL_MAX}) x
      JOIN "PurchaseOrderLine" l ON l."id" = x."poLineId" JOIN "PurchaseOrder" po ON po."id" = l."poId" ORDER BY x."poLineId"`;
  });
  for (const l of lateLines) add(l.vendorId, { id: l.id, number: l.number, issuedAt: l.issuedAt === null ? null : new Date(l.issuedAt) }, false);
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
    drill: drillRows.map((r) => ({ poId: r.poId, poNumber: r.poNumber, vendorId: r.vendorId, assetId: r.assetId, issuedAt: new Date(r.issuedAt), receivedAt: new Date(r.receivedAt), days: round2(Number(r.leadDays ?? 0)) })),
  };
}

/**
 * The vendor scorecard: one metrics object per vendor, every metric null until there is data.
 * RMA turnaround: the RMA domain's p50 (opened → replacement RECEIVED, days) over all time, null without cases. DOA rate: the acceptance domain's DOA KPI over all time (null with nothing received).
 */
export async function vendorScorecard(deps: TDeps): Promise<z.input<typeof ZScorecardOut>> {
  const vendors = await listVendors(deps);
  const lead = await leadTimeKpi(deps, {});
  const rates = await onTimeRates(deps, vendors.map((v) => v.id));
  const doa = await doaRatesByVendor(deps);
  const rma = await rmaTurnaroundByVendor(deps);
  const byId = new Map(lead.vendors.map((v) => [v.vendorId, v]));
  return {
    items: vendors.map((v) => ({
      vendorId: v.id,
      name: v.name,
      metrics: { leadTimeP50Days: byId.get(v.id)?.p50 ?? null, leadTimeP90Days: byId.get(v.id)?.p90 ?? null, onTimeRate: rates.get(v.id) ?? null, rmaTurnaroundDays: rma.get(v.id) ?? null, doaRate: doa.get(v.id) ?? null },
      sla: { leadTimeSlaDays: v.leadTimeSlaDays, rmaSlaDays: v.rmaSlaDays, supportResponseHours: v.supportResponseHours, warrantyYears: v.warrantyYears },
    })),
  };
}
