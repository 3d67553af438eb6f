/**
 * Scan-first moves: scan a bin (its label's code, or choose it), then scan assets to move them there.
 * A move changes the asset's location only (never its status: the lifecycle owns that), is audited
 * ("move" on the Asset) and published to live pages, in one transaction per asset. Transfers between
 * sites: shipped (the assets leave their location: in transit under the transfer) → received at the
 * other end (placed at the destination), each step audited with the transfer record.
 */
import type { z } from "zod";
import type { Tx } from "../../db/client";
import type { TActor, TDeps } from "../../context";
import { AppError } from "../../errors";
import { hotDb } from "../../db/hot";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { normaliseSerial } from "../assets/schema";
import { decodeEpc, normaliseEpc } from "./epc";
import { pathFromKey } from "./labels";
import { ZMoveInput, ZTransferInput, ZTransferReceive, type ZMoveLine } from "./schema";

type TMoveLine = z.infer<typeof ZMoveLine>;
const locSelect = { id: true, path: true, kind: true, name: true, siteId: true } as const;

/** A location by id, by the code on its label ("FRA1/B-01") or by its path. */
export async function resolveLocation(deps: TDeps, ref: { locationId?: string | null; code?: string | null }) {
  if (ref.locationId) {
    const l = await deps.db.location.findUnique({ where: { id: ref.locationId }, select: locSelect });
    if (!l) throw new AppError("NOT_FOUND", `No location with id ${ref.locationId}.`, { fields: { locationId: ["Unknown location"] } });
    return l;
  }
  const raw = (ref.code ?? "").trim().toUpperCase();
  const path = raw.includes(" / ") ? raw : pathFromKey(raw.replace(/\s+/g, ""));
  const l = await deps.db.location.findFirst({ where: { path }, select: locSelect });
  if (!l) throw new AppError("NOT_FOUND", `No location ${raw}: scan a bin or rack label (like FRA1/B-01).`, { fields: { locationCode: ["Unknown location code"] } });
  return l;
}

export interface TResolved {
  code: string;
  assets: { id: string; serial: string; assetTag: string | null; locationId: string | null; version: number }[];
  /** set when the code was an EPC */
  epc?: ReturnType<typeof decodeEpc>;
}

const assetSel = { id: true, serial: true, assetTag: true, locationId: true, version: true } as const;

type TDbLike = { db: TDeps["db"] | Tx; provider: TDeps["provider"] };

/**
 * `column IN (the list)` with the whole list as ONE JSON parameter: a sweep of 10 k EPCs is one query
 * per table, not hundreds of chunks of bound parameters (SQLite json_each, PostgreSQL jsonb).
 */
export function inJson(provider: TDeps["provider"], column: string, n = 1): string {
  return provider === "postgresql" ? `${column} IN (SELECT jsonb_array_elements_text($${n}::jsonb))` : `${column} IN (SELECT value FROM json_each(?))`;
}

/**
 * A read with the list as one JSON parameter (`where` builds the dialect's condition): through the
 * prepared-statement reader (server/db/hot.ts) when the client has one, else the client's raw query.
 */
export async function listQuery<T>(d: TDbLike, name: string, head: string, where: (p: TDeps["provider"]) => string, params: string[]): Promise<T[]> {
  const hot = hotDb(d.db);
  if (hot) return hot.all<T>({ name: `warehouse.${name}`, sqlite: `${head} WHERE ${where("sqlite")}`, postgresql: `${head} WHERE ${where("postgresql")}` }, params);
  return d.db.$queryRawUnsafe<T[]>(`${head} WHERE ${where(d.provider)}`, ...params);
}

type TAssetRow = TResolved["assets"][number];
async function assetsWhere(d: TDbLike, name: string, column: string, list: string[]): Promise<TAssetRow[]> {
  if (!list.length) return [];
  const rows = await listQuery<TAssetRow>(d, name, `SELECT "id", "serial", "assetTag", "locationId", "version" FROM "Asset"`, (p) => inJson(p, column), [JSON.stringify(list)]);
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}

/**
 * What scanned codes name, in a few queries for the lot: an asset tag, a serial (one asset per
 * manufacturer may share it), or an EPC (a bound tag; a GIAI-96 whose asset reference is the tag).
 */
export async function resolveCodes(d: TDbLike, codes: string[]): Promise<TResolved[]> {
  const norm = codes.map((c) => normaliseSerial(c));
  const epcs = codes.map((c) => (/^(0x)?[0-9A-Fa-f\s:-]{24,}$/.test(c.trim()) ? normaliseEpc(c) : null));
  const epcList = [...new Set(epcs.filter((e): e is string => !!e))];
  const decoded = new Map(epcList.map((e) => [e, decodeEpc(e)]));
  const byEpc = new Map<string, string>();
  if (epcList.length) {
    const tags = await listQuery<{ epc: string; assetId: string }>(d, "tags-by-epc", `SELECT "epc", "assetId" FROM "RfidTag"`, (p) => inJson(p, `"epc"`), [JSON.stringify(epcList)]);
    for (const t of tags) byEpc.set(t.epc, t.assetId);
  }
  const giaiRefs = [...decoded.values()].filter((x) => x.scheme === "giai-96" && !byEpc.has(x.epc)).map((x) => x.assetRef!);
  // an EPC of a known scheme names its asset by binding or GIAI reference only: no serial/tag look-up for it
  const plain = norm.filter((_n, i) => !epcs[i] || decoded.get(epcs[i])!.scheme === "unknown");
  const keys = [...new Set([...plain, ...giaiRefs])].filter(Boolean);
  const rows: TAssetRow[] = [
    ...(await assetsWhere(d, "assets-by-tag", `"assetTag"`, keys)),
    ...(await assetsWhere(d, "assets-by-serial", `"serial"`, [...new Set(plain)].filter(Boolean))),
    ...(await assetsWhere(d, "assets-by-id", `"id"`, [...new Set(byEpc.values())])),
  ];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byTag = new Map<string, TResolved["assets"][number]>();
  const bySerial = new Map<string, TResolved["assets"]>();
  for (const r of byId.values()) {
    if (r.assetTag) byTag.set(r.assetTag, r);
    const list = bySerial.get(r.serial) ?? [];
    list.push(r);
    bySerial.set(r.serial, list);
  }
  return codes.map((code, i) => {
    const epc = epcs[i];
    if (epc) {
      const d = decoded.get(epc)!;
      const bound = byEpc.get(epc);
      if (bound && byId.get(bound)) return { code, assets: [byId.get(bound)!], epc: d };
      if (d.scheme === "giai-96" && byTag.get(d.assetRef!)) return { code, assets: [byTag.get(d.assetRef!)!], epc: d };
      if (d.scheme !== "unknown") return { code, assets: [], epc: d };
    }
    const n = norm[i]!;
    const tagged = byTag.get(n);
    return { code, assets: tagged ? [tagged] : (bySerial.get(n) ?? []) };
  });
}

/** Moves one asset inside the caller's transaction: location (rack unit cleared), version, audit, live notice. */
export async function moveInTx(tx: Tx, deps: TDeps, actor: TActor, at: Date, a: { id: string; locationId: string | null; version: number }, toLocationId: string | null, why: Record<string, unknown>) {
  const res = await tx.asset.updateMany({ where: { id: a.id, version: a.version }, data: { locationId: toLocationId, rackUnit: null, version: { increment: 1 }, updatedAt: at } });
  if (res.count !== 1) throw new AppError("CONFLICT", "The asset was changed by someone else at the same moment. Scan it again.");
  await appendAudit(tx, deps.provider, actor, at, { action: "move", entity: "Asset", entityId: a.id, before: { locationId: a.locationId }, after: { locationId: toLocationId, ...why } });
  await publishEvent(tx, deps.provider, at, { scope: "asset", key: a.id, data: { kind: "asset.updated", version: a.version + 1 } });
}

/** Assets on a shipped transfer, not received yet (they may not be moved by a scan). */
async function inTransit(db: TDeps["db"], assetIds: string[]): Promise<Set<string>> {
  if (!assetIds.length) return new Set();
  const rows = await db.warehouseTransferLine.findMany({ where: { assetId: { in: assetIds }, receivedAt: null, transfer: { status: "SHIPPED" } }, select: { assetId: true } });
  return new Set(rows.map((r) => r.assetId));
}

export async function moveAssets(deps: TDeps, actor: TActor, input: z.input<typeof ZMoveInput>) {
  const m = ZMoveInput.parse(input);
  const to = await resolveLocation(deps, { locationId: m.locationId, code: m.locationCode });
  if (to.kind === "SITE") throw new AppError("BAD_REQUEST", `${to.path} is a site: scan a bin, rack or room.`, { fields: { locationId: ["Choose a bin, rack or room"] } });
  const resolved = await resolveCodes(deps, m.codes);
  const byId = m.assetIds.length ? await deps.db.asset.findMany({ where: { id: { in: m.assetIds } }, select: assetSel }) : [];
  const items: TResolved[] = [...resolved, ...m.assetIds.map((id) => ({ code: id, assets: byId.filter((a) => a.id === id) }))];
  const transit = await inTransit(deps.db, items.flatMap((r) => r.assets.map((a) => a.id)));
  const lines: TMoveLine[] = [];
  const done = new Set<string>();
  for (const r of items) {
    if (r.assets.length === 0) {
      lines.push({ code: r.code, outcome: "not_found", message: r.epc && r.epc.scheme !== "unknown" ? `Tag ${r.epc.epc} is not bound to an asset.` : `No asset with tag or serial ${r.code}.` });
      continue;
    }
    if (r.assets.length > 1) {
      lines.push({ code: r.code, outcome: "ambiguous", message: `${r.assets.length} assets have serial ${r.code}: scan the asset tag instead.` });
      continue;
    }
    const a = r.assets[0]!;
    if (done.has(a.id) || a.locationId === to.id) {
      lines.push({ code: r.code, outcome: "already_there", message: `Already in ${to.path}.`, assetId: a.id });
      continue;
    }
    if (transit.has(a.id)) {
      lines.push({ code: r.code, outcome: "in_transit", message: `${a.assetTag ?? a.serial} is on a transfer in transit: receive the transfer first.`, assetId: a.id });
      continue;
    }
    try {
      await deps.db.$transaction((tx) => moveInTx(tx, deps, actor, deps.clock.now(), a, to.id, { via: "move" }));
      done.add(a.id);
      lines.push({ code: r.code, outcome: "moved", message: `Moved to ${to.path}.`, assetId: a.id, fromLocationId: a.locationId });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      lines.push({ code: r.code, outcome: "refused", message: e.message, assetId: a.id });
    }
  }
  return { location: { id: to.id, path: to.path, kind: to.kind }, lines, moved: lines.filter((l) => l.outcome === "moved").length };
}

/** Descendants of a location, itself included (the tree is shallow: site → room → rack, bins). */
export async function subtreeIds(db: TDeps["db"] | Tx, rootId: string): Promise<string[]> {
  const ids = [rootId];
  let frontier = [rootId];
  for (let depth = 0; depth < 8 && frontier.length; depth++) {
    const kids = await db.location.findMany({ where: { parentId: { in: frontier } }, select: { id: true } });
    frontier = kids.map((k) => k.id);
    ids.push(...frontier);
  }
  return ids;
}

const CONTENTS_LIMIT = 2000;

export async function binContents(deps: TDeps, ref: { locationId?: string; code?: string }) {
  const l = await resolveLocation(deps, ref);
  const ids = l.kind === "SITE" ? [l.id] : await subtreeIds(deps.db, l.id);
  const rows = await deps.db.asset.findMany({
    where: { locationId: { in: ids } },
    select: { id: true, serial: true, assetTag: true, status: true, locationId: true, model: { select: { name: true } }, location: { select: { path: true } } },
    orderBy: [{ assetTag: "asc" }, { serial: "asc" }],
    take: CONTENTS_LIMIT + 1,
  });
  return {
    location: { id: l.id, path: l.path, kind: l.kind, name: l.name },
    assets: rows.slice(0, CONTENTS_LIMIT).map((r) => ({ id: r.id, serial: r.serial, assetTag: r.assetTag, status: r.status, model: r.model.name, locationId: r.locationId, locationPath: r.location?.path ?? null })),
    truncated: rows.length > CONTENTS_LIMIT,
  };
}

// ---------------------------------------------------------------- transfers

async function siteOf(deps: TDeps, locationId: string | null): Promise<string | null> {
  if (!locationId) return null;
  const l = await deps.db.location.findUnique({ where: { id: locationId }, select: { id: true, siteId: true } });
  return l ? (l.siteId ?? l.id) : null;
}

const transferSelect = {
  id: true, fromSiteId: true, toSiteId: true, toLocationId: true, status: true, carrier: true, tracking: true,
  shippedBy: true, shippedAt: true, receivedBy: true, receivedAt: true,
  lines: { select: { assetId: true, fromLocationId: true, receivedAt: true }, orderBy: { id: "asc" } },
} as const;

export async function shipTransfer(deps: TDeps, actor: TActor, input: z.input<typeof ZTransferInput>) {
  const t = ZTransferInput.parse(input);
  const toSite = await deps.db.location.findUnique({ where: { id: t.toSiteId }, select: { id: true, kind: true, path: true } });
  if (!toSite || toSite.kind !== "SITE") throw new AppError("BAD_REQUEST", "The destination must be a site.", { fields: { toSiteId: ["Choose a site"] } });
  if (t.toLocationId && (await siteOf(deps, t.toLocationId)) !== toSite.id) throw new AppError("BAD_REQUEST", `The receiving location must be inside ${toSite.path}.`, { fields: { toLocationId: ["Choose a location at the destination"] } });
  const resolved = await resolveCodes(deps, t.codes);
  const problems: string[] = [];
  const assetIds = new Set(t.assetIds);
  for (const r of resolved) {
    if (r.assets.length !== 1) problems.push(`${r.code}: ${r.assets.length ? "several assets have this serial (scan the tag)" : "no such asset"}`);
    else assetIds.add(r.assets[0]!.id);
  }
  const assets = await deps.db.asset.findMany({ where: { id: { in: [...assetIds] } }, select: assetSel });
  for (const id of assetIds) if (!assets.some((a) => a.id === id)) problems.push(`${id}: no such asset`);
  if (!assets.length && !problems.length) throw new AppError("BAD_REQUEST", "Scan at least one asset to ship.", { fields: { codes: ["Scan at least one asset"] } });
  const sites = new Set(await Promise.all(assets.map((a) => siteOf(deps, a.locationId))));
  if (sites.has(null)) problems.push("some assets have no location (or are in transit): place them at the sending site first");
  if (sites.size > 1) problems.push("the assets are at different sites: one transfer ships from one site");
  const fromSiteId = [...sites][0] ?? null;
  if (fromSiteId === toSite.id) problems.push(`the assets are already at ${toSite.path}`);
  const transit = await inTransit(deps.db, assets.map((a) => a.id));
  if (transit.size) problems.push(`${transit.size} asset(s) are already on a transfer in transit`);
  if (problems.length) throw new AppError("BAD_REQUEST", `Nothing shipped: ${problems.join("; ")}.`, { fields: { codes: problems } });
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const tr = await tx.warehouseTransfer.create({
      data: { fromSiteId: fromSiteId!, toSiteId: toSite.id, toLocationId: t.toLocationId ?? null, status: "SHIPPED", carrier: t.carrier ?? null, tracking: t.tracking ?? null, shippedBy: actor.id, shippedAt: at },
      select: { id: true },
    });
    await tx.warehouseTransferLine.createMany({ data: assets.map((a) => ({ transferId: tr.id, assetId: a.id, fromLocationId: a.locationId })) });
    await appendAudit(tx, deps.provider, actor, at, { action: "ship", entity: "WarehouseTransfer", entityId: tr.id, after: { fromSiteId, toSiteId: toSite.id, assetIds: assets.map((a) => a.id), carrier: t.carrier ?? null, tracking: t.tracking ?? null } });
    for (const a of assets) await moveInTx(tx, deps, actor, at, a, null, { via: "transfer", transferId: tr.id });
    return tx.warehouseTransfer.findUniqueOrThrow({ where: { id: tr.id }, select: transferSelect });
  });
}

export async function receiveTransfer(deps: TDeps, actor: TActor, input: z.input<typeof ZTransferReceive>) {
  const r = ZTransferReceive.parse(input);
  const tr = await deps.db.warehouseTransfer.findUnique({ where: { id: r.id }, select: transferSelect });
  if (!tr) throw new AppError("NOT_FOUND", `No transfer with id ${r.id}.`);
  if (tr.status !== "SHIPPED") throw new AppError("CONFLICT", `Transfer ${tr.id} is ${tr.status.toLowerCase()}, not in transit.`);
  const dest = r.toLocationId ?? tr.toLocationId ?? tr.toSiteId;
  if ((await siteOf(deps, dest)) !== tr.toSiteId) throw new AppError("BAD_REQUEST", "Receive the transfer at a location of its destination site.", { fields: { toLocationId: ["Choose a location at the destination"] } });
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const res = await tx.warehouseTransfer.updateMany({ where: { id: tr.id, status: "SHIPPED" }, data: { status: "RECEIVED", receivedBy: actor.id, receivedAt: at, toLocationId: dest } });
    if (res.count !== 1) throw new AppError("CONFLICT", `Transfer ${tr.id} was received by someone else at the same moment.`);
    const assets = await tx.asset.findMany({ where: { id: { in: tr.lines.map((l) => l.assetId) } }, select: assetSel });
    for (const a of assets) await moveInTx(tx, deps, actor, at, a, dest, { via: "transfer", transferId: tr.id });
    await tx.warehouseTransferLine.updateMany({ where: { transferId: tr.id }, data: { receivedAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "receive", entity: "WarehouseTransfer", entityId: tr.id, before: { status: "SHIPPED" }, after: { status: "RECEIVED", toLocationId: dest } });
    return tx.warehouseTransfer.findUniqueOrThrow({ where: { id: tr.id }, select: transferSelect });
  });
}

export async function listTransfers(deps: TDeps, opts: { status?: string } = {}) {
  const rows = await deps.db.warehouseTransfer.findMany({ where: { status: opts.status }, orderBy: [{ shippedAt: "desc" }, { id: "desc" }], take: 200, select: { ...transferSelect, lines: false, _count: { select: { lines: true } } } });
  return rows.map(({ _count, ...t }) => ({ ...t, assets: _count.lines }));
}

export async function getTransfer(deps: TDeps, id: string) {
  const tr = await deps.db.warehouseTransfer.findUnique({ where: { id }, select: transferSelect });
  if (!tr) throw new AppError("NOT_FOUND", `No transfer with id ${id}.`);
  return tr;
}
