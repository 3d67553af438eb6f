/**
 * Assets: register, read, list, update, scan lookup. Status changes go through
 * ./lifecycle.ts only.
 */
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Db, Tx } from "../../db/client";
import { hotDb } from "../../db/hot";
import { assetListQuery, HOT_FLEET_ASSETS, LOOKUP_BY_CODE, type THotSummaryRow } from "./hot";
import type { TRole } from "../../auth/roles";
import { appendAudit } from "../audit/service";
import { actorDisplayNames } from "../users/service";
import { publishEvent } from "../../live/publish";
import { nextEventLink } from "../../chains/chain";
import { COMPONENT_KINDS, RACKABLE_KINDS } from "../catalog/schema";
import { getModel, getVendor } from "../catalog/service";
import { getLocation } from "../locations/service";
import { allowedTransitions, initialStatusEvent, transitionInTx } from "./lifecycle";
import type { TProvider } from "../../db/url";
import { STATUS_META, type TAssetStatus } from "./status";
import { normaliseSerial, normaliseTag, ZAssetCreate, ZSerialCheckInput, ZAssetListInput, ZAssetUpdate, type TAssetCreate, type TAssetEvent, type TAssetListInput, type TAssetSummary, type TAssetUpdate, type TSerialCheck } from "./schema";

const summarySelect = {
  id: true,
  serial: true,
  assetTag: true,
  status: true,
  version: true,
  rackUnit: true,
  parentId: true,
  updatedAt: true,
  createdAt: true,
  model: { select: { id: true, name: true, kind: true, manufacturer: { select: { name: true } } } },
  location: { select: { id: true, path: true, kind: true } },
} as const;

type TSummaryRow = {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  version: number;
  rackUnit: number | null;
  parentId: string | null;
  updatedAt: Date;
  createdAt: Date;
  model: { id: string; name: string; kind: string; manufacturer: { name: string } };
  location: { id: string; path: string; kind: string } | null;
};

function toSummary(r: TSummaryRow): TAssetSummary {
  return {
    ...r,
    status: r.status as TAssetStatus,
    model: { id: r.model.id, name: r.model.name, kind: r.model.kind, manufacturer: r.model.manufacturer.name },
  };
}

function fromHotRow(r: THotSummaryRow): TSummaryRow {
  return {
    id: r.id,
    serial: r.serial,
    assetTag: r.assetTag,
    status: r.status,
    version: Number(r.version),
    rackUnit: r.rackUnit === null ? null : Number(r.rackUnit),
    parentId: r.parentId,
    updatedAt: r.updatedAt,
    createdAt: r.createdAt,
    model: { id: r.modelId, name: r.modelName, kind: r.modelKind, manufacturer: { name: r.manufacturer } },
    location: r.locationId ? { id: r.locationId, path: r.locationPath!, kind: r.locationKind! } : null,
  };
}

function describe(a: { serial: string; assetTag: string | null }) {
  return a.assetTag ? `${a.assetTag} (serial ${a.serial})` : `serial ${a.serial}`;
}

/** Placement rules shared by create and update. */
async function checkPlacement(deps: TDeps, p: { selfId?: string; modelKind: string; modelHeightU: number; locationId: string | null; rackUnit: number | null; parentId: string | null }) {
  if (p.rackUnit !== null) {
    if (!p.locationId) throw new AppError("BAD_REQUEST", "A rack unit needs a rack.", { fields: { rackUnit: ["Choose a rack first"] } });
    const loc = await getLocation(deps, p.locationId);
    if (loc.kind !== "RACK") throw new AppError("BAD_REQUEST", `${loc.path} is not a rack; only racks have units.`, { fields: { rackUnit: ["Only racks have units"] } });
    if (!RACKABLE_KINDS.includes(p.modelKind as never)) throw new AppError("BAD_REQUEST", "Only servers, switches and PDUs go into rack units.", { fields: { rackUnit: ["Parts do not take rack units"] } });
    const top = p.rackUnit + Math.max(p.modelHeightU, 1) - 1;
    if (top > (loc.heightU ?? 0)) throw new AppError("BAD_REQUEST", `${loc.path} is ${loc.heightU} U high; a ${p.modelHeightU} U device at U${p.rackUnit} would reach U${top}.`, { fields: { rackUnit: [`Choose U1–U${(loc.heightU ?? 0) - Math.max(p.modelHeightU, 1) + 1}`] } });
    const neighbours = await deps.db.asset.findMany({
      where: { locationId: p.locationId, rackUnit: { not: null }, id: p.selfId ? { not: p.selfId } : undefined, status: { notIn: ["DISPOSED"] } },
      select: { serial: true, assetTag: true, rackUnit: true, model: { select: { heightU: true } } },
    });
    for (const n of neighbours) {
      const nTop = n.rackUnit! + Math.max(n.model.heightU, 1) - 1;
      if (n.rackUnit! <= top && p.rackUnit <= nTop) throw new AppError("CONFLICT", `U${n.rackUnit}–U${nTop} of ${loc.path} is taken by ${describe(n)}.`, { fields: { rackUnit: ["Those units are taken"] } });
    }
  } else if (p.locationId) {
    await getLocation(deps, p.locationId);
  }
  if (p.parentId) {
    if (p.parentId === p.selfId) throw new AppError("BAD_REQUEST", "An asset cannot be a part of itself.", { fields: { parentId: ["Choose another asset"] } });
    if (!COMPONENT_KINDS.includes(p.modelKind as never)) throw new AppError("BAD_REQUEST", `A ${p.modelKind.toLowerCase()} cannot be a part of another asset; only CPUs, DIMMs, drives, NICs and PSUs can.`, { fields: { parentId: ["Only parts have a parent"] } });
    const parent = await deps.db.asset.findUnique({ where: { id: p.parentId }, select: { id: true, parentId: true } });
    if (!parent) throw new AppError("BAD_REQUEST", "The parent asset does not exist.", { fields: { parentId: ["Unknown asset"] } });
    if (parent.parentId) throw new AppError("BAD_REQUEST", "Parts go into a server or switch, not into another part.", { fields: { parentId: ["Choose a server or switch"] } });
  }
}

export async function createAsset(deps: TDeps, actor: TActor, input: TAssetCreate): Promise<TAssetSummary> {
  const data = ZAssetCreate.parse(input);
  const model = await getModel(deps, data.modelId).catch(() => {
    throw new AppError("BAD_REQUEST", "That hardware model does not exist.", { fields: { modelId: ["Unknown model"] } });
  });
  if (data.vendorId) await getVendor(deps, data.vendorId).catch(() => {
    throw new AppError("BAD_REQUEST", "That vendor does not exist.", { fields: { vendorId: ["Unknown vendor"] } });
  });
  await checkPlacement(deps, { modelKind: model.kind, modelHeightU: model.heightU, locationId: data.locationId ?? null, rackUnit: data.rackUnit ?? null, parentId: data.parentId ?? null });
  const existing = await deps.db.asset.findUnique({ where: { manufacturerId_serial: { manufacturerId: model.manufacturerId, serial: data.serial } }, select: { id: true, serial: true, assetTag: true, status: true } });
  if (existing) {
    throw new AppError("DUPLICATE", `${model.manufacturer.name} serial ${data.serial} is already registered as ${describe(existing)} (${STATUS_META[existing.status as TAssetStatus].label}).`, {
      fields: { serial: ["Already registered"] },
      details: { existingId: existing.id },
    });
  }
  try {
    return await deps.db.$transaction(async (tx) => {
      const at = deps.clock.now();
      const row = await tx.asset.create({
        data: {
          serial: data.serial,
          manufacturerId: model.manufacturerId,
          modelId: model.id,
          assetTag: data.assetTag ?? null,
          status: data.status,
          locationId: data.locationId ?? null,
          rackUnit: data.rackUnit ?? null,
          parentId: data.parentId ?? null,
          vendorId: data.vendorId ?? null,
          notes: data.notes ?? null,
          createdAt: at,
          updatedAt: at,
        },
        select: summarySelect,
      });
      const event = initialStatusEvent(row.id, data.status, actor, at, "registered");
      await tx.assetEvent.create({ data: { ...event, ...(await nextEventLink(tx, deps.provider, event)) } });
      await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Asset", entityId: row.id, after: { ...data, id: row.id } });
      await publishEvent(tx, deps.provider, at, { scope: "asset", key: row.id, data: { kind: "asset.created", status: data.status } });
      return toSummary(row);
    });
  } catch (e) {
    const fields = uniqueViolation(e);
    if (fields?.some((f) => f.includes("assetTag")) || (fields && !fields.some((f) => f.includes("serial")) && data.assetTag)) {
      throw new AppError("DUPLICATE", `Asset tag ${data.assetTag} is already on another asset.`, { fields: { assetTag: ["Already in use"] } });
    }
    if (fields) throw new AppError("DUPLICATE", `${model.manufacturer.name} serial ${data.serial} is already registered.`, { fields: { serial: ["Already registered"] } });
    throw e;
  }
}

export async function updateAsset(deps: TDeps, actor: TActor, input: TAssetUpdate): Promise<TAssetSummary> {
  const { id, expectedVersion, data } = ZAssetUpdate.parse(input);
  const before = await deps.db.asset.findUnique({ where: { id }, select: { id: true, serial: true, assetTag: true, locationId: true, rackUnit: true, parentId: true, vendorId: true, notes: true, version: true, model: { select: { kind: true, heightU: true } } } });
  if (!before) throw new AppError("NOT_FOUND", `No asset with id ${id}.`);
  if (expectedVersion !== undefined && expectedVersion !== before.version) throw new AppError("CONFLICT", `Asset ${describe(before)} changed since you loaded it. Reload and try again.`);
  const next = {
    locationId: data.locationId === undefined ? before.locationId : data.locationId,
    rackUnit: data.rackUnit === undefined ? (data.locationId !== undefined && data.locationId !== before.locationId ? null : before.rackUnit) : data.rackUnit,
    parentId: data.parentId === undefined ? before.parentId : data.parentId,
  };
  await checkPlacement(deps, { selfId: id, modelKind: before.model.kind, modelHeightU: before.model.heightU, ...next });
  if (data.vendorId) await getVendor(deps, data.vendorId);
  try {
    return await deps.db.$transaction(async (tx) => {
      const at = deps.clock.now();
      const res = await tx.asset.updateMany({
        where: { id, version: before.version },
        data: { ...data, ...next, version: { increment: 1 }, updatedAt: at },
      });
      if (res.count !== 1) throw new AppError("CONFLICT", `Asset ${describe(before)} was changed by someone else at the same moment. Reload and try again.`);
      const { model: _m, ...plain } = before;
      await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "Asset", entityId: id, before: plain, after: { ...plain, ...data, ...next, version: before.version + 1 } });
      await publishEvent(tx, deps.provider, at, { scope: "asset", key: id, data: { kind: "asset.updated", version: before.version + 1 } });
      return toSummary((await tx.asset.findUniqueOrThrow({ where: { id }, select: summarySelect })) as TSummaryRow);
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `Asset tag ${data.assetTag} is already on another asset.`, { fields: { assetTag: ["Already in use"] } });
    throw e;
  }
}

/** `opts.orm`: skip the prepared statements (tests compare the two). */
export async function listAssets(deps: TDeps, input: TAssetListInput, opts: { orm?: boolean } = {}) {
  const f = ZAssetListInput.parse(input);
  const q = f.q ? normaliseSerial(f.q) : undefined;
  const skip = (f.page - 1) * f.pageSize;
  const out = (rows: TSummaryRow[], total: number) => ({ items: rows.map(toSummary), total, page: f.page, pageSize: f.pageSize, pages: Math.max(1, Math.ceil(total / f.pageSize)) });
  // the list page: prepared statements where there are (./hot.ts), else the same query through the ORM
  const hot = opts.orm ? undefined : hotDb(deps.db);
  if (hot) {
    const h = assetListQuery({ status: f.status, modelId: f.modelId, locationId: f.locationId, parentId: f.parentId, q, sort: f.sort, dir: f.dir }, { skip, take: f.pageSize }, hot.provider);
    const [rows, count] = await Promise.all([hot.all<THotSummaryRow>(h.list, h.listParams), hot.all<{ n: number | string | bigint }>(h.count, h.countParams)]);
    return out(rows.map(fromHotRow), Number(count[0]?.n ?? 0));
  }
  const where: Record<string, unknown> = {};
  if (f.status?.length) where.status = f.status.length === 1 ? f.status[0] : { in: f.status };
  if (f.modelId) where.modelId = f.modelId;
  if (f.locationId) where.locationId = f.locationId;
  if (f.parentId) where.parentId = f.parentId;
  if (q !== undefined) {
    // prefix match that uses the serial and asset-tag indexes on both databases
    const prefix = deps.provider === "sqlite" ? { gte: q, lt: `${q}\u{10FFFF}` } : { startsWith: q };
    where.OR = [{ serial: prefix }, { assetTag: prefix }];
  }
  const orderBy = [{ [f.sort]: f.dir }, { id: f.dir }];
  const [rows, total] = await Promise.all([
    deps.db.asset.findMany({ where, orderBy, skip, take: f.pageSize, select: summarySelect }),
    deps.db.asset.count({ where }),
  ]);
  return out(rows as TSummaryRow[], total);
}

/** Scan lookup: an asset tag, or a serial (which may match one asset per manufacturer). One indexed query. */
/** `opts.orm`: skip the prepared statement (tests compare the two). */
export async function findByCode(deps: TDeps, code: string, opts: { orm?: boolean } = {}): Promise<TAssetSummary[]> {
  const tag = normaliseTag(code);
  if (!tag) return [];
  const serial = normaliseSerial(code);
  // the scan path: a prepared statement where there is one (./hot.ts), else the same query through the ORM
  const hot = opts.orm ? undefined : hotDb(deps.db);
  const rows: TSummaryRow[] = hot
    ? (await hot.all<THotSummaryRow>(LOOKUP_BY_CODE, [tag, serial])).map(fromHotRow)
    : ((await deps.db.asset.findMany({ where: { OR: [{ assetTag: tag }, { serial }] }, select: summarySelect, take: 20 })) as TSummaryRow[]);
  const byTag = rows.find((r) => r.assetTag === tag);
  return (byTag ? [byTag] : rows).map(toSummary);
}

/**
 * Is this serial registered already? `duplicate`: under the manufacturer of the
 * chosen model (what createAsset would refuse); `otherManufacturers`: the same
 * serial under other manufacturers. An unknown model counts as no model chosen.
 */
export async function checkSerial(deps: TDeps, input: { serial: string; modelId?: string }): Promise<TSerialCheck> {
  const f = ZSerialCheckInput.parse(input);
  const serial = normaliseSerial(f.serial);
  const model = f.modelId ? await getModel(deps, f.modelId).catch(() => null) : null;
  const rows = await deps.db.asset.findMany({ where: { serial }, select: { ...summarySelect, manufacturerId: true }, orderBy: { createdAt: "asc" }, take: 20 });
  const same = model ? rows.find((r) => r.manufacturerId === model.manufacturerId) : undefined;
  const summary = ({ manufacturerId: _m, ...r }: (typeof rows)[number]) => toSummary(r as TSummaryRow);
  return { serial, duplicate: same ? summary(same) : null, otherManufacturers: rows.filter((r) => r !== same).map(summary) };
}

export async function assetEvents(deps: TDeps, assetId: string, opts: { take?: number } = {}): Promise<TAssetEvent[]> {
  const exists = await deps.db.asset.findUnique({ where: { id: assetId }, select: { id: true } });
  if (!exists) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  const events = await deps.db.assetEvent.findMany({ where: { assetId }, orderBy: [{ at: "desc" }, { chainSeq: { sort: "desc", nulls: "last" } }, { id: "desc" }], take: opts.take ?? 200 });
  const names = await actorDisplayNames(deps, events);
  return events.map((e) => ({
    id: e.id,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: names.get(e.actorId) ?? (e.actorType === "system" ? "IronLedger" : e.actorId),
    fromStatus: e.fromStatus as TAssetStatus | null,
    toStatus: e.toStatus as TAssetStatus,
    reason: e.reason,
    payload: e.payload ? (JSON.parse(e.payload) as Record<string, unknown>) : null,
  }));
}

export async function getAsset(deps: TDeps, id: string, role: TRole) {
  const a = await deps.db.asset.findUnique({
    where: { id },
    select: {
      ...summarySelect,
      heldStatus: true,
      notes: true,
      model: { select: { id: true, name: true, kind: true, partNumber: true, heightU: true, nominalPowerW: true, manufacturer: { select: { name: true } } } },
      vendor: { select: { id: true, name: true } },
      parent: { select: { id: true, serial: true, assetTag: true } },
      parts: { select: summarySelect, orderBy: { serial: "asc" } },
    },
  });
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${id}.`);
  const status = a.status as TAssetStatus;
  const heldStatus = (a.heldStatus as TAssetStatus | null) ?? null;
  return {
    ...toSummary(a as unknown as TSummaryRow),
    heldStatus,
    notes: a.notes,
    model: { id: a.model.id, name: a.model.name, kind: a.model.kind, manufacturer: a.model.manufacturer.name, partNumber: a.model.partNumber, heightU: a.model.heightU, nominalPowerW: a.model.nominalPowerW },
    vendor: a.vendor,
    parent: a.parent,
    parts: a.parts.map((p) => toSummary(p as TSummaryRow)),
    events: await assetEvents(deps, id, { take: 100 }),
    allowedTransitions: allowedTransitions({ status, heldStatus }, role),
  };
}

/**
 * An asset as other domains need it: serial, status and its parts (BMC
 * reconciliation, power-command guards). Takes a client so it also runs inside
 * the caller's transaction.
 */
export async function assetIdentity(db: Db | Tx, assetId: string): Promise<TAssetIdentity> {
  const a = (await assetIdentities(db, [assetId])).get(assetId);
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  return a;
}

/**
 * Registers parts found inside an asset (e.g. reported by its BMC) as assets of their own, linked to
 * it, in RECEIVED at its location; all or none. `within` runs in the same transaction (the caller's
 * own bookkeeping, such as closing the findings that led here).
 */
export async function registerParts(
  deps: TDeps,
  actor: TActor,
  input: { parentId: string; parts: { serial: string; modelId: string }[]; reason: string },
  within?: (tx: Tx) => Promise<void>,
): Promise<{ id: string; serial: string; kind: string; modelName: string }[]> {
  const parent = await deps.db.asset.findUnique({ where: { id: input.parentId }, select: { id: true, parentId: true, locationId: true, serial: true } });
  if (!parent) throw new AppError("NOT_FOUND", `No asset with id ${input.parentId}.`);
  if (parent.parentId) throw new AppError("BAD_REQUEST", "Parts go into a server or switch, not into another part.");
  const models = new Map<string, Awaited<ReturnType<typeof getModel>>>();
  for (const id of new Set(input.parts.map((p) => p.modelId))) {
    const m = await getModel(deps, id).catch(() => {
      throw new AppError("BAD_REQUEST", "That hardware model does not exist.", { fields: { models: ["Unknown model"] } });
    });
    if (!COMPONENT_KINDS.includes(m.kind as never)) throw new AppError("BAD_REQUEST", `${m.name} is a ${m.kind.toLowerCase()}, not a part; choose a CPU, DIMM, drive, NIC or PSU model.`, { fields: { models: ["Not a part model"] } });
    models.set(id, m);
  }
  const parts = input.parts.map((p) => ({ serial: normaliseSerial(p.serial), model: models.get(p.modelId)! }));
  const taken = await deps.db.asset.findMany({ where: { OR: parts.map((p) => ({ manufacturerId: p.model.manufacturerId, serial: p.serial })) }, select: { serial: true, assetTag: true, parentId: true } });
  if (taken.length > 0)
    throw new AppError("DUPLICATE", `Already registered: ${taken.map((t) => describe(t)).join(", ")}. Nothing was registered; leave those out, or correct the existing records.`, { fields: { ids: ["Already registered"] } });
  try {
    return await deps.db.$transaction(async (tx) => {
      const at = deps.clock.now();
      const out: { id: string; serial: string; kind: string; modelName: string }[] = [];
      for (const p of parts) {
        const row = await tx.asset.create({
          data: { serial: p.serial, manufacturerId: p.model.manufacturerId, modelId: p.model.id, status: "RECEIVED", locationId: parent.locationId, parentId: parent.id, createdAt: at, updatedAt: at },
          select: { id: true },
        });
        const event = initialStatusEvent(row.id, "RECEIVED", actor, at, input.reason);
        await tx.assetEvent.create({ data: { ...event, ...(await nextEventLink(tx, deps.provider, event)) } });
        await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Asset", entityId: row.id, after: { id: row.id, serial: p.serial, modelId: p.model.id, parentId: parent.id, status: "RECEIVED", reason: input.reason } });
        await publishEvent(tx, deps.provider, at, { scope: "asset", key: row.id, data: { kind: "asset.created", status: "RECEIVED" } });
        out.push({ id: row.id, serial: p.serial, kind: p.model.kind, modelName: p.model.name });
      }
      await within?.(tx);
      return out;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", "One of these serials was registered at the same moment; nothing was registered. Reload and try again.");
    throw e;
  }
}

export type TAssetIdentity = {
  id: string;
  serial: string;
  status: TAssetStatus;
  model: { name: string; manufacturer: string };
  parts: { id: string; serial: string; assetTag: string | null; kind: string }[];
};

/** assetIdentity for many assets in one query (agent ingest); unknown ids are left out. */
export async function assetIdentities(db: Db | Tx, assetIds: string[]): Promise<Map<string, TAssetIdentity>> {
  if (assetIds.length === 0) return new Map();
  const rows = await db.asset.findMany({
    where: { id: { in: assetIds } },
    select: {
      id: true,
      serial: true,
      status: true,
      model: { select: { name: true, manufacturer: { select: { name: true } } } },
      parts: { select: { id: true, serial: true, assetTag: true, model: { select: { kind: true } } } },
    },
  });
  return new Map(
    rows.map((a) => [
      a.id,
      {
        id: a.id,
        serial: a.serial,
        status: a.status as TAssetStatus,
        model: { name: a.model.name, manufacturer: a.model.manufacturer.name },
        parts: a.parts.map((p) => ({ id: p.id, serial: p.serial, assetTag: p.assetTag, kind: p.model.kind })),
      },
    ]),
  );
}

/** The model kind (SERVER, SWITCH, DIMM …) of each asset; unknown ids are left out. */
export async function assetKinds(db: Db | Tx, assetIds: string[]): Promise<Map<string, string>> {
  if (assetIds.length === 0) return new Map();
  const rows = await db.asset.findMany({ where: { id: { in: assetIds } }, select: { id: true, model: { select: { kind: true } } } });
  return new Map(rows.map((a) => [a.id, a.model.kind]));
}

/** The site an asset stands in (its location's site, or the location itself when that is a site); null when it has no location. */
export async function assetSite(deps: TDeps, assetId: string): Promise<{ id: string; name: string } | null> {
  const a = await deps.db.asset.findUnique({ where: { id: assetId }, select: { locationId: true } });
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  if (!a.locationId) return null;
  const loc = await getLocation(deps, a.locationId);
  if (loc.kind === "SITE") return { id: loc.id, name: loc.name };
  if (!loc.siteId) return null;
  const site = await getLocation(deps, loc.siteId);
  return { id: site.id, name: site.name };
}

// ---------------------------------------------------------------- purchase orders (procurement)

/**
 * An issued purchase order's assets: one placeholder per unit, status ORDERED, whose serial names the
 * PO line ("PO-000001-1-0001") until receiving records the real serial. Runs in the caller's transaction,
 * so the PO and its assets commit together; each gets its first lifecycle event and an audit entry.
 */
export async function createOrderedPlaceholders(tx: Tx, provider: TProvider, actor: TActor, at: Date, items: { modelId: string; manufacturerId: string; vendorId: string; serial: string; reason: string }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const it of items) {
    const row = await tx.asset.create({
      data: { serial: normaliseSerial(it.serial), manufacturerId: it.manufacturerId, modelId: it.modelId, vendorId: it.vendorId, status: "ORDERED", createdAt: at, updatedAt: at },
      select: { id: true },
    });
    const event = initialStatusEvent(row.id, "ORDERED", actor, at, it.reason);
    await tx.assetEvent.create({ data: { ...event, ...(await nextEventLink(tx, provider, event)) } });
    await appendAudit(tx, provider, actor, at, { action: "create", entity: "Asset", entityId: row.id, after: { id: row.id, serial: it.serial, modelId: it.modelId, vendorId: it.vendorId, status: "ORDERED" } });
    ids.push(row.id);
  }
  if (ids.length) await publishEvent(tx, provider, at, ...ids.map((id) => ({ scope: "asset" as const, key: id, data: { kind: "asset.created" as const, status: "ORDERED" as const } })));
  return ids;
}

/** The statuses of these assets (a purchase order's placeholders), read in the caller's transaction. */
export async function assetStatuses(db: Db | Tx, assetIds: string[]): Promise<Map<string, TAssetStatus>> {
  const rows = await db.asset.findMany({ where: { id: { in: assetIds } }, select: { id: true, status: true } });
  return new Map(rows.map((r) => [r.id, r.status as TAssetStatus]));
}

/** When each of these assets first reached a status (the lead-time KPI: first RECEIVED); absent when it never did. */
export async function firstReachedAt(db: Db | Tx, assetIds: string[], status: TAssetStatus): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (let i = 0; i < assetIds.length; i += 500) {
    const rows = await db.assetEvent.groupBy({ by: ["assetId"], where: { assetId: { in: assetIds.slice(i, i + 500) }, toStatus: status }, _min: { at: true } });
    for (const r of rows) if (r._min.at) out.set(r.assetId, r._min.at);
  }
  return out;
}

/** A cancelled purchase order's placeholders leave the books through the lifecycle (ORDERED → DISPOSED), in the caller's transaction. */
export async function disposeCancelledOrder(tx: Tx, deps: TDeps, actor: TActor, assetIds: string[], reason: string) {
  for (const assetId of assetIds) await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId, to: "DISPOSED", reason });
}

/** What a domain step needs to know of assets (RMA, sanitisation, disposal); unknown ids are left out. */
export async function assetFacts(db: Db | Tx, assetIds: string[]) {
  const rows = await db.asset.findMany({
    where: { id: { in: assetIds } },
    select: { id: true, serial: true, assetTag: true, status: true, version: true, modelId: true, manufacturerId: true, vendorId: true, parentId: true, locationId: true, rackUnit: true, model: { select: { name: true, kind: true } }, location: { select: { path: true } } },
  });
  return new Map(rows.map((r) => [r.id, { ...r, status: r.status as TAssetStatus, modelName: r.model.name, kind: r.model.kind, locationPath: r.location?.path ?? null }]));
}
export type TAssetFacts = NonNullable<Awaited<ReturnType<typeof assetFacts>> extends Map<string, infer V> ? V : never>;

/** Storage devices (DRIVE parts) inside these assets, with their parent. */
export async function drivesIn(db: Db | Tx, parentIds: string[]) {
  return db.asset.findMany({ where: { parentId: { in: parentIds }, model: { kind: "DRIVE" } }, select: { id: true, serial: true, parentId: true, model: { select: { name: true } } } });
}

/** Assets by serial or tag (normalised), for imports: serial → ids. */
export async function assetsBySerials(db: Db | Tx, serials: string[]): Promise<Map<string, { id: string; parentId: string | null; kind: string }[]>> {
  const out = new Map<string, { id: string; parentId: string | null; kind: string }[]>();
  for (let i = 0; i < serials.length; i += 500) {
    const chunk = serials.slice(i, i + 500);
    const wanted = new Set(chunk);
    const select = { id: true, serial: true, assetTag: true, parentId: true, model: { select: { kind: true } } } as const;
    // two index lookups (serial, tag) rather than one OR the planner may scan for
    const rows = [...(await db.asset.findMany({ where: { serial: { in: chunk } }, select })), ...(await db.asset.findMany({ where: { assetTag: { in: chunk } }, select }))];
    for (const r of rows) {
      for (const key of [r.serial, r.assetTag]) {
        if (!key || !wanted.has(key)) continue;
        const list = out.get(key) ?? [];
        if (!list.some((x) => x.id === r.id)) list.push({ id: r.id, parentId: r.parentId, kind: r.model.kind });
        out.set(key, list);
      }
    }
  }
  return out;
}

/** Where an asset stands: its location, rack unit and parent (the RMA replacement swap). */
export interface TAssetPlace {
  locationId: string | null;
  rackUnit: number | null;
  parentId: string | null;
}

/** Moves an asset to another place (location, rack unit, parent) in the caller's transaction, audited; for domain steps (RMA swap, keep-your-drive). */
export async function placeInTx(tx: Tx, provider: TProvider, actor: TActor, at: Date, assetId: string, place: TAssetPlace, reason: string): Promise<TAssetPlace> {
  const before = await tx.asset.findUnique({ where: { id: assetId }, select: { locationId: true, rackUnit: true, parentId: true } });
  if (!before) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  const updated = await tx.asset.update({ where: { id: assetId }, data: { ...place, updatedAt: at }, select: { version: true } });
  await appendAudit(tx, provider, actor, at, { action: "update", entity: "Asset", entityId: assetId, before, after: { ...place, reason } });
  await publishEvent(tx, provider, at, { scope: "asset", key: assetId, data: { kind: "asset.updated", version: updated.version } });
  return before;
}

/**
 * An RMA replacement, in the caller's transaction: the replacement is registered as a new asset
 * (RECEIVED, same vendor, the failed one's model unless another is given) and takes the failed asset's
 * place (same parent, same location and rack unit); the failed asset leaves that place and keeps its
 * record and history. Parts that were inside the failed asset stay with it.
 */
export async function replaceInPlaceInTx(
  tx: Tx,
  provider: TProvider,
  actor: TActor,
  at: Date,
  input: { failedId: string; serial: string; assetTag?: string | null; modelId: string; manufacturerId: string; reason: string },
): Promise<{ id: string; place: TAssetPlace }> {
  const failed = await tx.asset.findUnique({ where: { id: input.failedId }, select: { vendorId: true, locationId: true, rackUnit: true, parentId: true } });
  if (!failed) throw new AppError("NOT_FOUND", `No asset with id ${input.failedId}.`);
  const place = { locationId: failed.locationId, rackUnit: failed.rackUnit, parentId: failed.parentId };
  // the failed asset leaves first, so the rack unit is free when the replacement takes it
  await placeInTx(tx, provider, actor, at, input.failedId, { locationId: null, rackUnit: null, parentId: null }, `${input.reason}: replaced by serial ${input.serial}`);
  const row = await tx.asset.create({
    data: { serial: input.serial, manufacturerId: input.manufacturerId, modelId: input.modelId, assetTag: input.assetTag ?? null, status: "RECEIVED", ...place, vendorId: failed.vendorId, createdAt: at, updatedAt: at },
    select: { id: true },
  });
  const event = initialStatusEvent(row.id, "RECEIVED", actor, at, input.reason);
  await tx.assetEvent.create({ data: { ...event, ...(await nextEventLink(tx, provider, event)) } });
  await appendAudit(tx, provider, actor, at, { action: "create", entity: "Asset", entityId: row.id, after: { id: row.id, serial: input.serial, modelId: input.modelId, ...place, status: "RECEIVED", replaces: input.failedId, reason: input.reason } });
  await publishEvent(tx, provider, at, { scope: "asset", key: row.id, data: { kind: "asset.created", status: "RECEIVED" } });
  return { id: row.id, place };
}

/**
 * For other domains (they reach the lifecycle through this service): the moves inside a caller's
 * transaction, Prisma (SAT sign-off: SAT → IN_SERVICE with the run; burn-in) or driver-level
 * (receiving), and retryableDbError: a database too busy to answer in time, as 503 UNAVAILABLE.
 */
export { newRowId, retryableDbError, transitionInTx, transitionPg, transitionSqlite } from "./lifecycle";
export { STATUS_META } from "./status";

/** What a hardware BOM or a posture check needs of each asset: identity, model (with manufacturer and part number) and location. */
export interface TAssetBomRow {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  modelId: string;
  model: { name: string; partNumber: string; kind: string; manufacturer: string };
  locationId: string | null;
  rackUnit: number | null;
}

/** Assets for a BOM or a posture check: by id, by location (a rack: the assets in it), or every asset not disposed; ordered by id. */
export async function assetsForBom(db: Db | Tx, by: { ids?: string[]; locationId?: string; all?: true }): Promise<TAssetBomRow[]> {
  const where = by.ids ? { id: { in: by.ids } } : by.locationId ? { locationId: by.locationId, status: { not: "DISPOSED" } } : { status: { not: "DISPOSED" } };
  const rows = await db.asset.findMany({
    where,
    orderBy: { id: "asc" },
    select: { id: true, serial: true, assetTag: true, status: true, modelId: true, locationId: true, rackUnit: true, model: { select: { name: true, partNumber: true, kind: true, manufacturer: { select: { name: true } } } } },
  });
  return rows.map((r) => ({ ...r, model: { name: r.model.name, partNumber: r.model.partNumber, kind: r.model.kind, manufacturer: r.model.manufacturer.name } }));
}

export interface TFleetAsset {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  modelId: string;
  siteId: string | null;
}

/**
 * Assets not disposed, of these models (and status / site), with the site each stands in: the fleet read
 * behind firmware drift. One prepared full read filtered here when there is a hot reader, else the ORM.
 */
export async function fleetAssets(deps: TDeps, f: { modelIds: string[]; status?: string; siteId?: string }, opts: { orm?: boolean } = {}): Promise<TFleetAsset[]> {
  if (!f.modelIds.length) return [];
  const models = new Set(f.modelIds);
  const keep = (a: TFleetAsset) => models.has(a.modelId) && (!f.status || a.status === f.status) && (!f.siteId || a.siteId === f.siteId);
  const hot = opts.orm ? undefined : hotDb(deps.db);
  if (hot) return (await hot.all<TFleetAsset>(HOT_FLEET_ASSETS, [])).filter(keep);
  const rows = await deps.db.asset.findMany({
    where: { modelId: { in: f.modelIds }, status: f.status ? { equals: f.status, not: "DISPOSED" } : { not: "DISPOSED" } },
    select: { id: true, serial: true, assetTag: true, status: true, modelId: true, location: { select: { id: true, kind: true, siteId: true } } },
  });
  return rows.map(({ location: l, ...a }) => ({ ...a, siteId: l ? (l.kind === "SITE" ? l.id : l.siteId) : null })).filter(keep);
}

// ---------------------------------------------------------------- racking (cabling's placement step)

/** An asset as the placement step and the cable plan read it: identity, status, rack position and its model's size, power and ports. */
export type TRackableAsset = {
  id: string;
  serial: string;
  assetTag: string | null;
  status: TAssetStatus;
  version: number;
  locationId: string | null;
  rackUnit: number | null;
  model: { id: string; name: string; kind: string; heightU: number; nominalPowerW: number; typicalPowerW: number; weightKg: number | null; interfaceTemplate: string | null; manufacturer: string };
};
const rackableSelect = {
  id: true,
  serial: true,
  assetTag: true,
  status: true,
  version: true,
  locationId: true,
  rackUnit: true,
  model: { select: { id: true, name: true, kind: true, heightU: true, nominalPowerW: true, typicalPowerW: true, weightKg: true, interfaceTemplate: true, manufacturer: { select: { name: true } } } },
} as const;
type TRackableRow = { status: string; model: { manufacturer: { name: string } } & Omit<TRackableAsset["model"], "manufacturer"> } & Omit<TRackableAsset, "status" | "model">;
const toRackable = (r: TRackableRow): TRackableAsset => ({ ...r, status: r.status as TAssetStatus, model: { ...r.model, manufacturer: r.model.manufacturer.name } });

/** These assets (unknown ids are left out). */
export async function rackableAssets(db: Db | Tx, ids: string[]): Promise<TRackableAsset[]> {
  if (!ids.length) return [];
  return ((await db.asset.findMany({ where: { id: { in: [...new Set(ids)] } }, select: rackableSelect })) as TRackableRow[]).map(toRackable);
}

/** The assets standing in these racks (with a rack unit), disposed ones left out. */
export async function assetsInRacks(db: Db | Tx, rackIds: string[]): Promise<TRackableAsset[]> {
  if (!rackIds.length) return [];
  return ((await db.asset.findMany({ where: { locationId: { in: rackIds }, rackUnit: { not: null }, status: { notIn: ["DISPOSED"] } }, select: rackableSelect })) as TRackableRow[]).map(toRackable);
}

/** Puts an asset into a rack at a unit, in the caller's transaction (the placement step checked the position); bumps its version like a move. */
export async function setRackPositionInTx(tx: Tx, provider: TProvider, actor: TActor, at: Date, assetId: string, rackId: string, rackUnit: number) {
  const before = await tx.asset.findUnique({ where: { id: assetId }, select: { locationId: true, rackUnit: true } });
  if (!before) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  await tx.asset.update({ where: { id: assetId }, data: { locationId: rackId, rackUnit, updatedAt: at } });
  await appendAudit(tx, provider, actor, at, { action: "rack", entity: "Asset", entityId: assetId, before, after: { locationId: rackId, rackUnit } });
}
