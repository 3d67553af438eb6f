/**
 * Cycle counts: open a count for a bin, rack or room (the assets recorded there become the expected
 * lines), scan or RFID-sweep, reconcile, approve the adjustments.
 *
 *   FOUND       seen, at the place its record says (scans without a bin count at the counted location)
 *   ELSEWHERE   seen here, but recorded at another location (or in another bin of the counted room)
 *   MISSING     expected here, not seen when the count was reconciled
 *   UNEXPECTED  a code the CMDB does not know
 *
 * Approval (admin, or a warehouse user an admin marked as a warehouse lead: table WarehouseLead)
 * moves ELSEWHERE assets to where they were found and takes MISSING assets off their location
 * (location unknown), each move audited; the count's approval is audited too. Statuses never change.
 * Inventory accuracy (docs/architecture.md): FOUND lines ÷ lines counted, over reconciled counts.
 */
import type { z } from "zod";
import type { Tx } from "../../db/client";
import type { TActor, TDeps } from "../../context";
import { AppError } from "../../errors";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { normaliseSerial } from "../assets/schema";
import { inJson, listQuery, moveInTx, resolveCodes, subtreeIds } from "./moves";
import { ZAccuracyInput, ZCountOpen, ZCountScan, type COUNT_RESULTS } from "./schema";

type TResult = (typeof COUNT_RESULTS)[number];
const COUNTABLE = ["BIN", "RACK", "ROOM"];

export async function isWarehouseLead(deps: TDeps, actor: TActor): Promise<boolean> {
  if (actor.role === "admin") return true;
  if (actor.role !== "warehouse" || actor.type !== "user") return false;
  return !!(await deps.db.warehouseLead.findUnique({ where: { userId: actor.id }, select: { userId: true } }));
}

export async function setWarehouseLead(deps: TDeps, actor: TActor, input: { userId: string; lead: boolean }) {
  const user = await deps.db.user.findUnique({ where: { id: input.userId }, select: { id: true, role: true, username: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user with id ${input.userId}.`);
  if (input.lead && user.role !== "warehouse") throw new AppError("BAD_REQUEST", `${user.username} has the ${user.role} role: only warehouse users can be warehouse leads (admins approve anyway).`);
  await deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    if (input.lead) await tx.warehouseLead.upsert({ where: { userId: user.id }, create: { userId: user.id, grantedBy: actor.id, grantedAt: at }, update: {} });
    else await tx.warehouseLead.deleteMany({ where: { userId: user.id } });
    await appendAudit(tx, deps.provider, actor, at, { action: input.lead ? "grant" : "revoke", entity: "WarehouseLead", entityId: user.id, after: { lead: input.lead } });
  });
  return listLeads(deps);
}

export async function listLeads(deps: TDeps) {
  const leads = await deps.db.warehouseLead.findMany({ select: { userId: true } });
  const users = await deps.db.user.findMany({ where: { id: { in: leads.map((l) => l.userId) } }, select: { id: true, username: true, displayName: true }, orderBy: { username: "asc" } });
  return users.map((u) => ({ userId: u.id, username: u.username, displayName: u.displayName }));
}

async function countTotals(db: TDeps["db"] | Tx, countId: string) {
  const g = await db.cycleCountLine.groupBy({ by: ["result"], where: { countId }, _count: { _all: true } });
  const n = (r: TResult) => g.find((x) => x.result === r)?._count._all ?? 0;
  const expected = await db.cycleCountLine.count({ where: { countId, expected: true } });
  return { expected, found: n("FOUND"), elsewhere: n("ELSEWHERE"), missing: n("MISSING"), unexpected: n("UNEXPECTED"), pending: n("PENDING") };
}

function publishCount(tx: Tx, deps: TDeps, at: Date, countId: string, status: string, t: Awaited<ReturnType<typeof countTotals>>) {
  return publishEvent(tx, deps.provider, at, { scope: "warehouse", key: countId, data: { kind: "count.progress", status, found: t.found, elsewhere: t.elsewhere, missing: t.missing, unexpected: t.unexpected, pending: t.pending } });
}

export async function openCount(deps: TDeps, actor: TActor, input: z.input<typeof ZCountOpen>) {
  const { locationId } = ZCountOpen.parse(input);
  const loc = await deps.db.location.findUnique({ where: { id: locationId }, select: { id: true, kind: true, path: true, siteId: true } });
  if (!loc) throw new AppError("NOT_FOUND", `No location with id ${locationId}.`, { fields: { locationId: ["Unknown location"] } });
  if (!COUNTABLE.includes(loc.kind)) throw new AppError("BAD_REQUEST", `Count a bin, rack or room; ${loc.path} is a ${loc.kind.toLowerCase()}.`, { fields: { locationId: ["Choose a bin, rack or room"] } });
  const open = await deps.db.cycleCount.findFirst({ where: { locationId, status: "OPEN" }, select: { id: true } });
  if (open) throw new AppError("CONFLICT", `${loc.path} already has an open count: continue it or reconcile it first.`, { details: { countId: open.id } });
  const scope = await subtreeIds(deps.db, loc.id);
  return deps.db.$transaction(
    async (tx) => {
      const at = deps.clock.now();
      const c = await tx.cycleCount.create({ data: { locationId: loc.id, siteId: loc.siteId ?? loc.id, status: "OPEN", openedBy: actor.id, openedAt: at }, select: { id: true } });
      for (let i = 0; i < scope.length; i += 200) {
        const assets = await tx.asset.findMany({ where: { locationId: { in: scope.slice(i, i + 200) } }, select: { id: true, locationId: true } });
        for (let j = 0; j < assets.length; j += 2000) {
          await tx.cycleCountLine.createMany({ data: assets.slice(j, j + 2000).map((a) => ({ countId: c.id, assetId: a.id, code: a.id, expectedLocationId: a.locationId, result: "PENDING", expected: true })) });
        }
      }
      await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "CycleCount", entityId: c.id, after: { locationId: loc.id, path: loc.path } });
      return c.id;
    },
    { timeout: 60_000 },
  ).then((id) => getCount(deps, id));
}

/**
 * Records what was seen (scanned codes or swept EPCs) at `locationId` (default: the counted location).
 * Idempotent: a code seen again keeps its first sighting.
 */
/** Above this many resolved assets a scan reads all of the count's lines rather than probing each. */
const SWEEP_READ_ALL = 500;
type TLineRow = { id: string; assetId: string; result: string; expectedLocationId: string | null };

export async function scanCount(deps: TDeps, actor: TActor, input: z.input<typeof ZCountScan>) {
  const s = ZCountScan.parse(input);
  const c = await deps.db.cycleCount.findUnique({ where: { id: s.id }, select: { id: true, status: true, locationId: true } });
  if (!c) throw new AppError("NOT_FOUND", `No cycle count with id ${s.id}.`);
  if (c.status !== "OPEN") throw new AppError("CONFLICT", `This count is ${c.status.toLowerCase()}: open a new count to scan again.`);
  const scope = await subtreeIds(deps.db, c.locationId);
  const at = s.locationId ?? c.locationId;
  if (!scope.includes(at)) throw new AppError("BAD_REQUEST", "Scan inside the counted location (its bins and racks).", { fields: { locationId: ["Outside the counted location"] } });
  const resolved = await resolveCodes(deps, s.codes);
  const ids = [...new Set(resolved.flatMap((r) => (r.assets.length === 1 ? [r.assets[0]!.id] : [])))];
  const existing = new Map<string, { id: string; result: string; expectedLocationId: string | null }>();
  if (ids.length) {
    // a handful of codes (a scanner): probe the lines by asset; a sweep (a reader's thousands of EPCs):
    // read the count's lines in one index range instead of thousands of probes
    const head = `SELECT "id", "assetId", "result", "expectedLocationId" FROM "CycleCountLine"`;
    const rows =
      ids.length > SWEEP_READ_ALL
        ? await listQuery<TLineRow>(deps, "count-lines-all", head, (p) => `"countId" = ${p === "postgresql" ? "$1" : "?"} AND "assetId" IS NOT NULL`, [c.id])
        : await listQuery<TLineRow>(deps, "count-lines-by-asset", head, (p) => `${inJson(p, `"assetId"`)} AND "countId" = ${p === "postgresql" ? "$2" : "?"}`, [JSON.stringify(ids), c.id]);
    const wanted = new Set(ids);
    for (const l of rows) if (wanted.has(l.assetId)) existing.set(l.assetId, l);
  }
  const now = deps.clock.now();
  const found: string[] = [];
  const foundHere = new Map<string, string[]>(); // expected elsewhere in the scope → ELSEWHERE with this found location
  const extra: { countId: string; assetId: string | null; code: string; expectedLocationId: string | null; foundLocationId: string; result: string; seenAt: Date; source: string }[] = [];
  const out: { code: string; result: TResult; assetId: string | null; message: string }[] = [];
  const seen = new Set<string>();
  for (const r of resolved) {
    if (r.assets.length > 1) {
      out.push({ code: r.code, result: "UNEXPECTED", assetId: null, message: `${r.assets.length} assets share serial ${r.code}: scan the asset tag.` });
      continue;
    }
    if (r.assets.length === 0) {
      const code = r.epc?.epc ?? normaliseSerial(r.code);
      if (!seen.has(code)) extra.push({ countId: c.id, assetId: null, code, expectedLocationId: null, foundLocationId: at, result: "UNEXPECTED", seenAt: now, source: s.source });
      seen.add(code);
      out.push({ code: r.code, result: "UNEXPECTED", assetId: null, message: "Not in the CMDB: set it aside and register it." });
      continue;
    }
    const a = r.assets[0]!;
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    const line = existing.get(a.id);
    if (line && line.result !== "PENDING") {
      out.push({ code: r.code, result: line.result as TResult, assetId: a.id, message: "Already counted." });
    } else if (line && (at === c.locationId || line.expectedLocationId === at)) {
      found.push(line.id);
      out.push({ code: r.code, result: "FOUND", assetId: a.id, message: "Found where expected." });
    } else if (line) {
      foundHere.set(at, [...(foundHere.get(at) ?? []), line.id]);
      out.push({ code: r.code, result: "ELSEWHERE", assetId: a.id, message: "In the wrong bin: its record says another place in this count." });
    } else {
      extra.push({ countId: c.id, assetId: a.id, code: a.id, expectedLocationId: a.locationId, foundLocationId: at, result: "ELSEWHERE", seenAt: now, source: s.source });
      out.push({ code: r.code, result: "ELSEWHERE", assetId: a.id, message: "Found here, recorded elsewhere." });
    }
  }
  const t = await deps.db.$transaction(
    async (tx) => {
      // one statement per outcome, the line ids as one JSON parameter (positional on SQLite: text order), then the sighting time
      const pg = deps.provider === "postgresql";
      // the sighting time in the same statement (a PENDING line has never been seen)
      const seen = pg ? now.toISOString().slice(0, 23).replace("T", " ") : now.toISOString().replace("Z", "+00:00");
      const mark = (result: string, loc: string, lineIds: string[]) =>
        lineIds.length
          ? tx.$executeRawUnsafe(
              `UPDATE "CycleCountLine" SET "result" = '${result}', "foundLocationId" = ${pg ? "$2" : "?"}, "source" = ${pg ? "$3" : "?"}, "seenAt" = ${pg ? "$4::timestamp(3)" : "?"} WHERE ${inJson(deps.provider, `"id"`)} AND "result" = 'PENDING'`,
              ...(pg ? [JSON.stringify(lineIds), loc, s.source, seen] : [loc, s.source, seen, JSON.stringify(lineIds)]),
            )
          : Promise.resolve(0);
      await mark("FOUND", at, found);
      for (const [loc, lineIds] of foundHere) await mark("ELSEWHERE", loc, lineIds);
      if (extra.length) {
        const have = new Set((await tx.cycleCountLine.findMany({ where: { countId: c.id, code: { in: extra.map((e) => e.code) } }, select: { code: true } })).map((x) => x.code));
        const fresh = extra.filter((e) => !have.has(e.code));
        for (let i = 0; i < fresh.length; i += 2000) await tx.cycleCountLine.createMany({ data: fresh.slice(i, i + 2000) });
      }
      const t = await countTotals(tx, c.id);
      await publishCount(tx, deps, now, c.id, "OPEN", t);
      return t;
    },
    { timeout: 30_000 },
  );
  void actor;
  return { lines: out, totals: t };
}

export async function reconcileCount(deps: TDeps, actor: TActor, id: string) {
  await closeScanning(deps, actor, id);
  return getCount(deps, id);
}

/** Reconciliation itself: unseen expected lines become MISSING, the count RECONCILED; returns the totals. */
export async function closeScanning(deps: TDeps, actor: TActor, id: string) {
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const res = await tx.cycleCount.updateMany({ where: { id, status: "OPEN" }, data: { status: "RECONCILED", reconciledAt: at } });
    if (res.count !== 1) throw await notState(tx, id, "open");
    await tx.cycleCountLine.updateMany({ where: { countId: id, result: "PENDING" }, data: { result: "MISSING" } });
    const t = await countTotals(tx, id);
    await appendAudit(tx, deps.provider, actor, at, { action: "reconcile", entity: "CycleCount", entityId: id, after: t });
    await publishCount(tx, deps, at, id, "RECONCILED", t);
    return t;
  });
}

/** inside the transaction: SQLite has one connection, a read outside it would wait for the transaction */
async function notState(tx: Tx, id: string, want: string) {
  const c = await tx.cycleCount.findUnique({ where: { id }, select: { status: true } });
  return c ? new AppError("CONFLICT", `This count is ${c.status.toLowerCase()}, not ${want}.`) : new AppError("NOT_FOUND", `No cycle count with id ${id}.`);
}

export async function approveCount(deps: TDeps, actor: TActor, id: string) {
  if (!(await deps.db.cycleCount.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("NOT_FOUND", `No cycle count with id ${id}.`);
  if (!(await isWarehouseLead(deps, actor))) throw new AppError("FORBIDDEN", "Only an administrator or a warehouse lead approves count adjustments.");
  await deps.db.$transaction(
    async (tx) => {
      const at = deps.clock.now();
      const res = await tx.cycleCount.updateMany({ where: { id, status: "RECONCILED" }, data: { status: "APPROVED", approvedBy: actor.id, approvedAt: at } });
      if (res.count !== 1) throw await notState(tx, id, "reconciled");
      const lines = await tx.cycleCountLine.findMany({ where: { countId: id, result: { in: ["ELSEWHERE", "MISSING"] }, assetId: { not: null } }, select: { id: true, assetId: true, result: true, expectedLocationId: true, foundLocationId: true } });
      const assets = new Map((await tx.asset.findMany({ where: { id: { in: lines.map((l) => l.assetId!) } }, select: { id: true, locationId: true, version: true } })).map((a) => [a.id, a]));
      let adjusted = 0;
      for (const l of lines) {
        const a = assets.get(l.assetId!);
        // only where the record still says what the count saw (an asset moved since is left alone)
        if (!a || a.locationId !== l.expectedLocationId) continue;
        const to = l.result === "ELSEWHERE" ? l.foundLocationId : null;
        if (to === a.locationId) continue;
        await moveInTx(tx, deps, actor, at, a, to, { via: "cycle-count", countId: id, result: l.result });
        await tx.cycleCountLine.update({ where: { id: l.id }, data: { adjusted: true } });
        adjusted++;
      }
      const t = await countTotals(tx, id);
      await appendAudit(tx, deps.provider, actor, at, { action: "approve", entity: "CycleCount", entityId: id, after: { ...t, adjusted } });
      await publishCount(tx, deps, at, id, "APPROVED", t);
    },
    { timeout: 60_000 },
  );
  return getCount(deps, id);
}

const countSelect = { id: true, locationId: true, siteId: true, status: true, openedBy: true, openedAt: true, reconciledAt: true, approvedBy: true, approvedAt: true } as const;

async function paths(db: TDeps["db"], ids: (string | null)[]) {
  const list = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = list.length ? await db.location.findMany({ where: { id: { in: list } }, select: { id: true, path: true } }) : [];
  return new Map(rows.map((r) => [r.id, r.path]));
}

export async function getCount(deps: TDeps, id: string) {
  const c = await deps.db.cycleCount.findUnique({ where: { id }, select: { ...countSelect, lines: { select: { id: true, assetId: true, code: true, expectedLocationId: true, foundLocationId: true, result: true, seenAt: true, adjusted: true }, orderBy: [{ result: "asc" }, { id: "asc" }], take: 5000 } } });
  if (!c) throw new AppError("NOT_FOUND", `No cycle count with id ${id}.`);
  const assets = new Map(
    (await deps.db.asset.findMany({ where: { id: { in: c.lines.flatMap((l) => (l.assetId ? [l.assetId] : [])) } }, select: { id: true, serial: true, assetTag: true, model: { select: { name: true } } } })).map((a) => [a.id, a]),
  );
  const p = await paths(deps.db, [c.locationId, ...c.lines.flatMap((l) => [l.expectedLocationId, l.foundLocationId])]);
  const { lines, ...head } = c;
  return {
    ...head,
    locationPath: p.get(c.locationId) ?? "",
    totals: await countTotals(deps.db, id),
    lines: lines.map((l) => {
      const a = l.assetId ? assets.get(l.assetId) : undefined;
      return { ...l, result: l.result as TResult, serial: a?.serial ?? null, assetTag: a?.assetTag ?? null, model: a?.model.name ?? null, expectedPath: l.expectedLocationId ? (p.get(l.expectedLocationId) ?? null) : null, foundPath: l.foundLocationId ? (p.get(l.foundLocationId) ?? null) : null };
    }),
  };
}

export async function listCounts(deps: TDeps, opts: { status?: string; siteId?: string; from?: Date; to?: Date } = {}) {
  const rows = await deps.db.cycleCount.findMany({
    where: { status: opts.status, siteId: opts.siteId, reconciledAt: opts.from || opts.to ? { gte: opts.from, lt: opts.to } : undefined },
    orderBy: [{ openedAt: "desc" }, { id: "desc" }],
    take: 200,
    select: countSelect,
  });
  const p = await paths(deps.db, rows.map((r) => r.locationId));
  return Promise.all(rows.map(async (r) => ({ ...r, locationPath: p.get(r.locationId) ?? "", totals: await countTotals(deps.db, r.id) })));
}

/**
 * Inventory accuracy per site: FOUND lines ÷ lines counted (FOUND + ELSEWHERE + MISSING + UNEXPECTED),
 * over counts reconciled in [from, to). Drill down with listCounts({siteId, from, to}) and getCount.
 */
export async function inventoryAccuracy(deps: TDeps, input: z.input<typeof ZAccuracyInput> = {}) {
  const q = ZAccuracyInput.parse(input);
  const counts = await deps.db.cycleCount.findMany({ where: { status: { in: ["RECONCILED", "APPROVED"] }, siteId: q.siteId, reconciledAt: { gte: q.from, lt: q.to } }, select: { id: true, siteId: true } });
  const bySite = new Map<string, { counted: number; found: number; counts: number }>();
  for (let i = 0; i < counts.length; i += 500) {
    const chunk = counts.slice(i, i + 500);
    const g = await deps.db.cycleCountLine.groupBy({ by: ["countId", "result"], where: { countId: { in: chunk.map((c) => c.id) } }, _count: { _all: true } });
    for (const c of chunk) {
      const s = bySite.get(c.siteId) ?? { counted: 0, found: 0, counts: 0 };
      s.counts++;
      for (const x of g.filter((x) => x.countId === c.id)) {
        if (x.result === "PENDING") continue;
        s.counted += x._count._all;
        if (x.result === "FOUND") s.found += x._count._all;
      }
      bySite.set(c.siteId, s);
    }
  }
  const p = await paths(deps.db, [...bySite.keys()]);
  const sites = [...bySite.entries()].map(([siteId, s]) => ({ siteId, sitePath: p.get(siteId) ?? siteId, ...s, accuracy: s.counted ? s.found / s.counted : null })).sort((a, b) => a.sitePath.localeCompare(b.sitePath));
  const counted = sites.reduce((n, s) => n + s.counted, 0);
  const found = sites.reduce((n, s) => n + s.found, 0);
  return { sites, counted, found, accuracy: counted ? found / counted : null };
}
