/**
 * The DOA and installation-time KPIs (definitions: docs/architecture.md "KPIs").
 *
 *  - DOA rate = assets that reached FAILED before their first IN_SERVICE (the lifecycle marks each move to
 *    FAILED with `doa`) ÷ assets RECEIVED, by month of first receipt (a cohort: of the assets received in
 *    the period, how many were dead on arrival), per vendor and model. Target < 0.3 %.
 *  - installation time = the asset's latest RECEIVED → SAT passed (SAT → IN_SERVICE), in days, p50/p90
 *    (nearest rank, 0.1-day steps) per site and month of the pass. Target ≤ 7 days.
 *
 * How they stay cheap at 1 M assets: the lifecycle's events are append-only and numbered by their chain
 * sequence (assigned under the chain lock, so the committed numbers have no holes). A fold reads the
 * events past its cursor in batches and keeps, in the same transaction as the cursor's move: one fact row
 * per asset (SatAssetFact), the received/DOA counts per month, vendor and model (SatDoaMonth), one row per
 * installation (SatInstall) and its histogram per month, site and 0.1 day (SatInstallMonth). A KPI read
 * folds what is new (a few rows in steady state; the `acceptance.kpi-fold` job keeps up every minute),
 * then sums the month tables (a few hundred rows whatever the size). Drill-downs are one indexed query
 * each (first 1000 rows). The cursor moves by compare-and-set, so two folds never count an event twice.
 *
 * The fold reads the assets domain's append-only tables read-only, in SQL (like the lead-time KPI's
 * receipts), because it must see every writer's events, including the lifecycle's prepared-statement path.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { defineJob } from "../../jobs/queue";
import { listModelsByIds, listVendors } from "../catalog/service";
import { listLocations } from "../locations/service";
import { DOA_TARGET, INSTALL_TARGET_DAYS, monthRange, ZAcceptanceKpiQuery, type TAcceptanceKpiQuery, type TDoaEvidenceOut, type TDoaKpiOut, type TInstallKpiOut } from "./schema";
import { burnInEvidence, type TBurnInEvidenceProvider } from "./evidence";
import { AppError } from "../../errors";

const DAY = 86_400_000;
const DRILL_MAX = 1000;
const BATCH = 2000;
const CURSOR = "asset-events";

type TEventRow = { chainSeq: number | bigint; id: string; assetId: string; at: Date | string; fromStatus: string | null; toStatus: string; payload: string | null; vendorId: string | null; modelId: string; locId: string | null; locKind: string | null; locSiteId: string | null };

const q = (provider: string, pg: string, sqlite: string) => (provider === "postgresql" ? pg : sqlite);
const ym = (d: Date) => d.toISOString().slice(0, 7);
const tenth = (days: number) => Math.round(days * 10) / 10;

class Lost extends Error {}

/** One batch of events folded in one transaction; answers how many events it read (0: up to date, -1: another fold moved the cursor first). */
async function foldBatch(deps: Pick<TDeps, "db" | "provider" | "clock">): Promise<number> {
  try {
    return await deps.db.$transaction(
      async (tx) => {
        const cursor = await tx.satKpiCursor.findUnique({ where: { id: CURSOR } });
        const from = cursor?.chainSeq ?? 0;
        const rows = await tx.$queryRawUnsafe<TEventRow[]>(
          q(
            deps.provider,
            `SELECT e."chainSeq", e.id, e."assetId", e.at, e."fromStatus", e."toStatus", e.payload, a."vendorId", a."modelId", l.id AS "locId", l.kind AS "locKind", l."siteId" AS "locSiteId"
             FROM "AssetEvent" e JOIN "Asset" a ON a.id = e."assetId" LEFT JOIN "Location" l ON l.id = a."locationId" WHERE e."chainSeq" > $1 ORDER BY e."chainSeq" LIMIT $2`,
            `SELECT e.chainSeq, e.id, e.assetId, e.at, e.fromStatus, e.toStatus, e.payload, a.vendorId, a.modelId, l.id AS locId, l.kind AS locKind, l.siteId AS locSiteId
             FROM "AssetEvent" e JOIN "Asset" a ON a.id = e.assetId LEFT JOIN "Location" l ON l.id = a.locationId WHERE e.chainSeq > ? ORDER BY e.chainSeq LIMIT ?`,
          ),
          from,
          BATCH,
        );
        // stop at a hole: a number not yet visible (cannot happen with the chain lock, but never skip one)
        let last = from;
        const events: TEventRow[] = [];
        for (const r of rows) {
          if (Number(r.chainSeq) !== last + 1) break;
          last = Number(r.chainSeq);
          events.push(r);
        }
        if (!events.length) return 0;
        // the cursor first: a concurrent fold that read the same events finds it moved and writes nothing
        const at = deps.clock.now();
        if (cursor) {
          const moved = await tx.satKpiCursor.updateMany({ where: { id: CURSOR, chainSeq: from }, data: { chainSeq: last, updatedAt: at } });
          if (moved.count !== 1) throw new Lost();
        } else {
          await tx.satKpiCursor.create({ data: { id: CURSOR, chainSeq: last, updatedAt: at } });
        }
        await applyEvents(tx, deps.provider, events);
        return events.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
  } catch (e) {
    if (e instanceof Lost) return -1;
    // two first folds creating the cursor at once: the other one won
    if ((e as { code?: string }).code === "P2002") return -1;
    throw e;
  }
}

async function applyEvents(tx: Tx, provider: string, events: TEventRow[]) {
  const assetIds = [...new Set(events.map((e) => e.assetId))];
  const facts = new Map((await readFacts(tx, provider, assetIds)).map((f) => [f.assetId, { ...f, dirty: false, isNew: false }]));
  const doaInc = new Map<string, { month: string; vendorId: string; modelId: string; received: number; doa: number }>();
  const inc = (month: string, vendorId: string, modelId: string, k: "received" | "doa") => {
    const key = `${month}\u0000${vendorId}\u0000${modelId}`;
    const c = doaInc.get(key) ?? doaInc.set(key, { month, vendorId, modelId, received: 0, doa: 0 }).get(key)!;
    c[k]++;
  };
  const installs: { assetId: string; siteId: string; receivedAt: Date; passedAt: Date; days: number }[] = [];
  for (const e of events) {
    const at = new Date(e.at);
    let f = facts.get(e.assetId);
    if (e.toStatus === "RECEIVED") {
      if (!f) {
        f = { assetId: e.assetId, vendorId: e.vendorId ?? "", modelId: e.modelId, receivedAt: at, receivedMonth: ym(at), lastReceivedAt: at, doa: false, doaAt: null, doaEventId: null, dirty: true, isNew: true };
        facts.set(e.assetId, f);
        inc(f.receivedMonth, f.vendorId, f.modelId, "received");
      } else {
        f.lastReceivedAt = at;
        f.dirty = true;
      }
    } else if (e.toStatus === "FAILED" && f && !f.doa) {
      const doa = e.payload ? (JSON.parse(e.payload) as { doa?: unknown }).doa === true : false;
      if (doa) {
        Object.assign(f, { doa: true, doaAt: at, doaEventId: e.id, dirty: true });
        inc(f.receivedMonth, f.vendorId, f.modelId, "doa");
      }
    } else if (e.toStatus === "IN_SERVICE" && e.fromStatus === "SAT" && f) {
      const siteId = e.locKind === "SITE" ? e.locId! : (e.locSiteId ?? "");
      installs.push({ assetId: e.assetId, siteId, receivedAt: f.lastReceivedAt, passedAt: at, days: Math.max(0, (at.getTime() - f.lastReceivedAt.getTime()) / DAY) });
    }
  }
  const created = [...facts.values()].filter((f) => f.isNew);
  await insertRows(tx, provider, "SatAssetFact", FACT_COLS, created.map((f) => [f.assetId, f.vendorId, f.modelId, f.receivedAt, f.receivedMonth, f.lastReceivedAt, f.doa, f.doaAt, f.doaEventId]));
  await updateFacts(tx, provider, [...facts.values()].filter((f) => f.dirty && !f.isNew));
  await insertRows(tx, provider, "SatDoaMonth", DOA_MONTH_COLS, [...doaInc.values()].map((c) => [c.month, c.vendorId, c.modelId, c.received, c.doa]), `ON CONFLICT ("month", "vendorId", "modelId") DO UPDATE SET "received" = "SatDoaMonth"."received" + excluded."received", "doa" = "SatDoaMonth"."doa" + excluded."doa"`);
  if (installs.length) {
    await insertRows(tx, provider, "SatInstall", INSTALL_COLS, installs.map((i) => [randomUUID(), i.assetId, i.siteId, i.receivedAt, i.passedAt, i.days]));
    const hist = new Map<string, { month: string; siteId: string; days: number; n: number }>();
    for (const i of installs) {
      const h = { month: ym(i.passedAt), siteId: i.siteId, days: tenth(i.days) };
      const key = `${h.month}\u0000${h.siteId}\u0000${h.days}`;
      (hist.get(key) ?? hist.set(key, { ...h, n: 0 }).get(key)!).n++;
    }
    await insertRows(tx, provider, "SatInstallMonth", INSTALL_MONTH_COLS, [...hist.values()].map((h) => [h.month, h.siteId, h.days, h.n]), `ON CONFLICT ("month", "siteId", "days") DO UPDATE SET "n" = "SatInstallMonth"."n" + excluded."n"`);
  }
}

type TColType = "text" | "ts" | "bool" | "int" | "float";
const FACT_COLS: [string, TColType][] = [["assetId", "text"], ["vendorId", "text"], ["modelId", "text"], ["receivedAt", "ts"], ["receivedMonth", "text"], ["lastReceivedAt", "ts"], ["doa", "bool"], ["doaAt", "ts"], ["doaEventId", "text"]];
const DOA_MONTH_COLS: [string, TColType][] = [["month", "text"], ["vendorId", "text"], ["modelId", "text"], ["received", "int"], ["doa", "int"]];
const INSTALL_COLS: [string, TColType][] = [["id", "text"], ["assetId", "text"], ["siteId", "text"], ["receivedAt", "ts"], ["passedAt", "ts"], ["days", "float"]];
const INSTALL_MONTH_COLS: [string, TColType][] = [["month", "text"], ["siteId", "text"], ["days", "float"], ["n", "int"]];
const PG_CAST: Record<TColType, string> = { text: "", ts: "::timestamp(3)", bool: "::boolean", int: "::integer", float: "::double precision" };
/** SQLite keeps DateTime as ISO text with an explicit offset (as the Prisma adapter writes it) and booleans as 0/1. */
const sqliteValue = (v: unknown) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? (v ? 1 : 0) : v);

/**
 * Multi-row INSERTs, 200 rows a statement, in SQL for both databases: the fold writes thousands of rows a
 * batch, and one statement per 200 is what keeps it fast (Prisma's createMany and upsert cost a round trip
 * or more per row through the driver adapters).
 */
async function insertRows(tx: Tx, provider: string, table: string, cols: [string, TColType][], rows: unknown[][], onConflict = "") {
  for (let i = 0; i < rows.length; i += 200) {
    const part = rows.slice(i, i + 200);
    const values: unknown[] = [];
    const tuples = part.map((r) => `(${r.map((v, c) => (values.push(provider === "postgresql" ? (v instanceof Date ? v.toISOString() : v) : sqliteValue(v)), provider === "postgresql" ? `$${values.length}${PG_CAST[cols[c]![1]]}` : "?")).join(", ")})`);
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${cols.map(([c]) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")} ${onConflict}`, ...values);
  }
}

/** The facts of these assets, in SQL (one statement per 5000 ids). */
async function readFacts(tx: Tx, provider: string, assetIds: string[]) {
  const out: { assetId: string; vendorId: string; modelId: string; receivedAt: Date; receivedMonth: string; lastReceivedAt: Date; doa: boolean; doaAt: Date | null; doaEventId: string | null }[] = [];
  for (let i = 0; i < assetIds.length; i += 5000) {
    const part = assetIds.slice(i, i + 5000);
    // the ids as one JSON parameter: one bound value instead of thousands
    const rows = await tx.$queryRawUnsafe<{ assetId: string; vendorId: string; modelId: string; receivedAt: Date | string; receivedMonth: string; lastReceivedAt: Date | string; doa: boolean | number | bigint; doaAt: Date | string | null; doaEventId: string | null }[]>(
      `SELECT "assetId", "vendorId", "modelId", "receivedAt", "receivedMonth", "lastReceivedAt", doa, "doaAt", "doaEventId" FROM "SatAssetFact" WHERE "assetId" IN (${provider === "postgresql" ? `SELECT jsonb_array_elements_text($1::jsonb)` : `SELECT value FROM json_each(?)`})`,
      JSON.stringify(part),
    );
    for (const r of rows) out.push({ ...r, receivedAt: new Date(r.receivedAt), lastReceivedAt: new Date(r.lastReceivedAt), doa: Boolean(Number(r.doa)), doaAt: r.doaAt === null ? null : new Date(r.doaAt) });
  }
  return out;
}

/** The changed facts in one statement per 500 (UPDATE … FROM VALUES), not one round trip each. */
async function updateFacts(tx: Tx, provider: string, rows: { assetId: string; lastReceivedAt: Date; doa: boolean; doaAt: Date | null; doaEventId: string | null }[]) {
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const values: unknown[] = [];
    if (provider === "postgresql") {
      const tuples = part.map((f) => {
        values.push(f.assetId, f.lastReceivedAt.toISOString(), f.doa, f.doaAt?.toISOString() ?? null, f.doaEventId);
        const n = values.length;
        return `($${n - 4}, $${n - 3}::timestamp(3), $${n - 2}::boolean, $${n - 1}::timestamp(3), $${n}::text)`;
      });
      await tx.$executeRawUnsafe(
        `UPDATE "SatAssetFact" f SET "lastReceivedAt" = v.r, doa = v.d, "doaAt" = v.da, "doaEventId" = v.de FROM (VALUES ${tuples.join(", ")}) AS v(id, r, d, da, de) WHERE f."assetId" = v.id`,
        ...values,
      );
    } else {
      // SQLite keeps DateTime as ISO text with an explicit offset (as the Prisma adapter writes it)
      const t = (d: Date | null) => (d ? d.toISOString().replace("Z", "+00:00") : null);
      for (const f of part) values.push(f.assetId, t(f.lastReceivedAt), f.doa ? 1 : 0, t(f.doaAt), f.doaEventId);
      await tx.$executeRawUnsafe(
        `UPDATE "SatAssetFact" SET lastReceivedAt = v.column2, doa = v.column3, doaAt = v.column4, doaEventId = v.column5 FROM (VALUES ${part.map(() => "(?, ?, ?, ?, ?)").join(", ")}) AS v WHERE "SatAssetFact".assetId = v.column1`,
        ...values,
      );
    }
  }
}

/** One fold at a time per database client in this process (the cursor's compare-and-set guards across processes). */
const folding = new WeakMap<object, Promise<number>>();

/** Folds the events not yet counted, at most `maxBatches` batches; answers how many were folded. */
export async function foldKpiEvents(deps: Pick<TDeps, "db" | "provider" | "clock">, maxBatches = 25): Promise<number> {
  const running = folding.get(deps.db);
  if (running) await running.catch(() => 0);
  const p = (async () => {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await foldBatch(deps);
      if (n === 0) break;
      if (n > 0) total += n;
    }
    return total;
  })();
  folding.set(deps.db, p);
  try {
    return await p;
  } finally {
    if (folding.get(deps.db) === p) folding.delete(deps.db);
  }
}

/** Keeps the KPI sums up with the events every minute, so reads fold only what is seconds old. */
export const kpiFoldJob = defineJob({
  name: "acceptance.kpi-fold",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 60_000 },
  handler: async (deps) => `folded ${await foldKpiEvents(deps, 500)} events`,
});

// ---------------------------------------------------------------- reads

function monthWhere(m: { from: string | null; to: string | null }) {
  return m.from || m.to ? { ...(m.from ? { gte: m.from } : {}), ...(m.to ? { lt: m.to } : {}) } : undefined;
}
const monthStart = (m: string) => new Date(`${m}-01T00:00:00Z`);
const ratio = (doa: number, received: number) => (received > 0 ? doa / received : null);

export async function doaKpi(deps: TDeps, input: TAcceptanceKpiQuery): Promise<TDoaKpiOut> {
  const f = ZAcceptanceKpiQuery.parse(input);
  await foldKpiEvents(deps);
  const m = monthRange(f);
  const where = { month: monthWhere(m), vendorId: f.vendorId, modelId: f.modelId };
  const [byVendorModel, byMonth, drillFacts] = await Promise.all([
    deps.db.satDoaMonth.groupBy({ by: ["vendorId", "modelId"], where, _sum: { received: true, doa: true } }),
    deps.db.satDoaMonth.groupBy({ by: ["month"], where, _sum: { received: true, doa: true }, orderBy: { month: "asc" } }),
    deps.db.satAssetFact.findMany({ where: { doa: true, receivedMonth: monthWhere(m), vendorId: f.vendorId, modelId: f.modelId }, orderBy: [{ receivedMonth: "desc" }, { assetId: "desc" }], take: DRILL_MAX }),
  ]);
  const vendors = new Map((await listVendors(deps)).map((v) => [v.id, v.name]));
  const models = new Map((await listModelsByIds(deps, [...new Set(byVendorModel.map((r) => r.modelId))])).map((x) => [x.id, x.name]));
  const sum = <K extends string>(rows: { key: K; received: number; doa: number }[]) => {
    const acc = new Map<K, { received: number; doa: number }>();
    for (const r of rows) {
      const a = acc.get(r.key) ?? acc.set(r.key, { received: 0, doa: 0 }).get(r.key)!;
      a.received += r.received;
      a.doa += r.doa;
    }
    return acc;
  };
  const flat = byVendorModel.map((r) => ({ vendorId: r.vendorId, modelId: r.modelId, received: r._sum.received ?? 0, doa: r._sum.doa ?? 0 }));
  const received = flat.reduce((s, r) => s + r.received, 0);
  const doa = flat.reduce((s, r) => s + r.doa, 0);
  const rate = ratio(doa, received);
  const drill = await doaDrillRows(deps, drillFacts);
  return {
    target: DOA_TARGET,
    months: m,
    received,
    doa,
    rate,
    met: rate === null ? null : rate < DOA_TARGET,
    byVendor: [...sum(flat.map((r) => ({ key: r.vendorId, received: r.received, doa: r.doa }))).entries()]
      .map(([vendorId, a]) => ({ vendorId, name: vendorId ? (vendors.get(vendorId) ?? vendorId) : "(no vendor)", ...a, rate: ratio(a.doa, a.received) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    byModel: [...sum(flat.map((r) => ({ key: r.modelId, received: r.received, doa: r.doa }))).entries()].map(([modelId, a]) => ({ modelId, name: models.get(modelId) ?? modelId, ...a, rate: ratio(a.doa, a.received) })).sort((a, b) => a.name.localeCompare(b.name)),
    byMonth: byMonth.map((r) => ({ month: r.month, received: r._sum.received ?? 0, doa: r._sum.doa ?? 0, rate: ratio(r._sum.doa ?? 0, r._sum.received ?? 0) })),
    drill,
  };
}

type TDoaFact = { assetId: string; vendorId: string; modelId: string; receivedAt: Date; doaAt: Date | null; doaEventId: string | null };

/** The DOA assets with their serials and the failing event's reason: one query for the page of facts. */
async function doaDrillRows(deps: TDeps, facts: TDoaFact[]): Promise<TDoaKpiOut["drill"]> {
  if (!facts.length) return [];
  const ids = facts.map((f) => f.doaEventId!).filter(Boolean);
  const ph = q(deps.provider, `SELECT jsonb_array_elements_text($1::jsonb)`, `SELECT value FROM json_each(?)`);
  const rows = await deps.db.$queryRawUnsafe<{ eventId: string; serial: string; assetTag: string | null; fromStatus: string | null; reason: string | null }[]>(
    q(deps.provider, `SELECT e.id AS "eventId", a.serial, a."assetTag", e."fromStatus", e.reason FROM "AssetEvent" e JOIN "Asset" a ON a.id = e."assetId" WHERE e.id IN (${ph})`, `SELECT e.id AS eventId, a.serial, a.assetTag, e.fromStatus, e.reason FROM "AssetEvent" e JOIN "Asset" a ON a.id = e.assetId WHERE e.id IN (${ph})`),
    JSON.stringify(ids),
  );
  const byEvent = new Map(rows.map((r) => [r.eventId, r]));
  return facts.map((f) => {
    const r = byEvent.get(f.doaEventId ?? "");
    return { assetId: f.assetId, serial: r?.serial ?? f.assetId, assetTag: r?.assetTag ?? null, vendorId: f.vendorId, modelId: f.modelId, receivedAt: f.receivedAt, failedAt: f.doaAt!, fromStatus: r?.fromStatus ?? null, reason: r?.reason ?? null };
  });
}

/** Nearest-rank percentile over a histogram sorted by value. */
export function percentile(hist: { days: number; n: number }[], p: number): number | null {
  const total = hist.reduce((s, h) => s + h.n, 0);
  if (!total) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const h of hist) {
    seen += h.n;
    if (seen >= rank) return h.days;
  }
  return hist[hist.length - 1]!.days;
}

export async function installKpi(deps: TDeps, input: TAcceptanceKpiQuery): Promise<TInstallKpiOut> {
  const f = ZAcceptanceKpiQuery.parse(input);
  await foldKpiEvents(deps);
  const m = monthRange(f);
  const [groups, drillRows, sites] = await Promise.all([
    deps.db.satInstallMonth.groupBy({ by: ["siteId", "days"], where: { month: monthWhere(m), siteId: f.siteId }, _sum: { n: true }, orderBy: [{ siteId: "asc" }, { days: "asc" }] }),
    deps.db.satInstall.findMany({
      where: { siteId: f.siteId, passedAt: m.from || m.to ? { ...(m.from ? { gte: monthStart(m.from) } : {}), ...(m.to ? { lt: monthStart(m.to) } : {}) } : undefined },
      orderBy: [{ passedAt: "desc" }, { id: "desc" }],
      take: DRILL_MAX,
    }),
    listLocations(deps, { kind: "SITE" }),
  ]);
  const siteNames = new Map(sites.map((s) => [s.id, s.name]));
  const bySite = new Map<string, { days: number; n: number }[]>();
  const all = new Map<number, number>();
  for (const g of groups) {
    const n = g._sum.n ?? 0;
    if (!n) continue;
    (bySite.get(g.siteId) ?? bySite.set(g.siteId, []).get(g.siteId)!).push({ days: g.days, n });
    all.set(g.days, (all.get(g.days) ?? 0) + n);
  }
  const allHist = [...all.entries()].sort((a, b) => a[0] - b[0]).map(([days, n]) => ({ days, n }));
  const p50 = percentile(allHist, 50);
  const p90 = percentile(allHist, 90);
  const serials = await assetSerials(deps, [...new Set(drillRows.map((r) => r.assetId))]);
  return {
    targetDays: INSTALL_TARGET_DAYS,
    months: m,
    installs: allHist.reduce((s, h) => s + h.n, 0),
    p50,
    p90,
    met: p90 === null ? null : p90 <= INSTALL_TARGET_DAYS,
    bySite: [...bySite.entries()]
      .map(([siteId, h]) => ({ siteId, name: siteId ? (siteNames.get(siteId) ?? siteId) : "(no site)", installs: h.reduce((s, x) => s + x.n, 0), p50: percentile(h, 50), p90: percentile(h, 90) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    drill: drillRows.map((r) => ({ assetId: r.assetId, serial: serials.get(r.assetId)?.serial ?? r.assetId, assetTag: serials.get(r.assetId)?.assetTag ?? null, siteId: r.siteId, receivedAt: r.receivedAt, passedAt: r.passedAt, days: Math.round(r.days * 100) / 100 })),
  };
}

async function assetSerials(deps: TDeps, ids: string[]): Promise<Map<string, { serial: string; assetTag: string | null }>> {
  const out = new Map<string, { serial: string; assetTag: string | null }>();
  // the ids as one JSON parameter: one bound value instead of hundreds
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    const ph = q(deps.provider, `SELECT jsonb_array_elements_text($1::jsonb)`, `SELECT value FROM json_each(?)`);
    const rows = await deps.db.$queryRawUnsafe<{ id: string; serial: string; assetTag: string | null }[]>(`SELECT id, serial, ${q(deps.provider, `"assetTag"`, "assetTag")} AS "assetTag" FROM "Asset" WHERE id IN (${ph})`, JSON.stringify(part));
    for (const r of rows) out.set(r.id, { serial: r.serial, assetTag: r.assetTag });
  }
  return out;
}

/** DOA rate per vendor (all time), for the vendor scorecard; absent when the vendor has no asset received. */
export async function doaRatesByVendor(deps: TDeps): Promise<Map<string, number>> {
  await foldKpiEvents(deps);
  const rows = await deps.db.satDoaMonth.groupBy({ by: ["vendorId"], _sum: { received: true, doa: true } });
  return new Map(rows.filter((r) => (r._sum.received ?? 0) > 0).map((r) => [r.vendorId, (r._sum.doa ?? 0) / r._sum.received!]));
}

/** One asset's DOA evidence: the failing event (reason, payload) and, when burn-in supplies it, the burn-in evidence. */
export async function doaEvidence(deps: TDeps, assetId: string, provider: TBurnInEvidenceProvider | null = burnInEvidence): Promise<TDoaEvidenceOut> {
  await foldKpiEvents(deps);
  const fact = await deps.db.satAssetFact.findUnique({ where: { assetId } });
  const [a] = [...(await assetSerials(deps, [assetId])).values()];
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  let event: { fromStatus: string | null; reason: string | null; payload: string | null } | undefined;
  if (fact?.doaEventId) {
    [event] = await deps.db.$queryRawUnsafe<{ fromStatus: string | null; reason: string | null; payload: string | null }[]>(
      q(deps.provider, `SELECT "fromStatus", reason, payload FROM "AssetEvent" WHERE id = $1`, `SELECT fromStatus, reason, payload FROM "AssetEvent" WHERE id = ?`),
      fact.doaEventId,
    );
  }
  const burnIn = provider ? await provider(deps, assetId) : null;
  return {
    assetId,
    serial: a.serial,
    doa: fact?.doa ?? false,
    failedAt: fact?.doaAt ?? null,
    fromStatus: event?.fromStatus ?? null,
    reason: event?.reason ?? null,
    payload: event?.payload ? (JSON.parse(event.payload) as Record<string, unknown>) : null,
    burnIn: burnIn ? { summary: burnIn.summary, runId: burnIn.runId ?? null, details: burnIn.details ?? null } : null,
  };
}
