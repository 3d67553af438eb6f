/**
 * Rack placement: plan assets into rack positions (rack, lowest U, face), checked for height, overlap
 * with what stands or is planned there, the rack's power budget and (when known) its weight limit;
 * bulk plans from CSV (every bad line reported, nothing planned when one is bad); and the technician's
 * confirmation (scan the rack label, scan the server, confirm the U), which sets the asset's rack and
 * U and moves it READY_TO_RACK → RACKED through the lifecycle's placement step, in one transaction.
 */
import { parse as parseCsv } from "csv-parse/sync";
import type { z } from "zod";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Db, Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { assetsInRacks, findByCode, rackableAssets, setRackPositionInTx, transitionInTx, type TRackableAsset } from "../assets/service";
import { COMPONENT_KINDS, RACKABLE_KINDS } from "../catalog/schema";
import { findLocationByKey, getLocation } from "../locations/service";
import { ZPlacementConfirm, ZPlacementCsv, ZPlacementPlan, ZRackNow, type TFace, type TPlacement } from "./schema";

export type TRack = { id: string; code: string; path: string; heightU: number; powerBudgetW: number | null; maxWeightKg: number | null };

export const describeAsset = (a: { serial: string; assetTag: string | null }) => (a.assetTag ? `${a.assetTag} (serial ${a.serial})` : `serial ${a.serial}`);
export const devicePowerW = (m: { typicalPowerW: number; nominalPowerW: number }) => m.typicalPowerW || m.nominalPowerW;
const heightOf = (m: { heightU: number }) => Math.max(m.heightU, 1);

export async function loadRack(deps: TDeps, rackId: string): Promise<TRack> {
  const l = await getLocation(deps, rackId).catch(() => {
    throw new AppError("BAD_REQUEST", `No rack with id ${rackId}.`, { fields: { rackId: ["Unknown rack"] } });
  });
  if (l.kind !== "RACK") throw new AppError("BAD_REQUEST", `${l.path} is a ${l.kind.toLowerCase()}, not a rack.`, { fields: { rackId: ["Choose a rack"] } });
  return { id: l.id, code: l.code, path: l.path, heightU: l.heightU ?? 0, powerBudgetW: l.powerBudgetW ?? null, maxWeightKg: l.maxWeightKg ?? null };
}

/** What occupies a rack: devices standing there and devices planned there (not yet racked). */
export type TOccupant = { assetId: string; name: string; from: number; to: number; powerW: number; weightKg: number | null; state: "RACKED" | "PLANNED"; face: TFace; asset: TRackableAsset };

export async function occupants(db: Db | Tx, rackIds: string[]): Promise<Map<string, TOccupant[]>> {
  const racked = await assetsInRacks(db, rackIds);
  const plans = await db.rackPlacement.findMany({ where: { rackId: { in: rackIds } }, select: { assetId: true, rackId: true, rackUnit: true, face: true, status: true } });
  const planOf = new Map(plans.map((p) => [p.assetId, p]));
  const plannedAssets = new Map((await rackableAssets(db, plans.filter((p) => p.status === "PLANNED").map((p) => p.assetId))).map((a) => [a.id, a]));
  const out = new Map<string, TOccupant[]>(rackIds.map((id) => [id, []]));
  const occ = (a: TRackableAsset, rackId: string, u: number, state: "RACKED" | "PLANNED", face: TFace) =>
    out.get(rackId)?.push({ assetId: a.id, name: describeAsset(a), from: u, to: u + heightOf(a.model) - 1, powerW: devicePowerW(a.model), weightKg: a.model.weightKg, state, face, asset: a });
  for (const a of racked) {
    const p = planOf.get(a.id);
    occ(a, a.locationId!, a.rackUnit!, "RACKED", p && p.rackId === a.locationId ? (p.face as TFace) : "FRONT");
  }
  for (const p of plans) {
    const a = plannedAssets.get(p.assetId);
    if (p.status !== "PLANNED" || !a || a.status === "DISPOSED") continue;
    if (a.locationId === p.rackId && a.rackUnit !== null) continue; // stands there already
    occ(a, p.rackId, p.rackUnit, "PLANNED", p.face as TFace);
  }
  return out;
}

/** Why this asset cannot go at this U of this rack (null: it can). `others` excludes the asset itself. */
export function positionProblem(rack: TRack, asset: TRackableAsset, rackUnit: number, others: TOccupant[]): { field: string; message: string } | null {
  if (!RACKABLE_KINDS.includes(asset.model.kind as never)) return { field: "assetId", message: `${describeAsset(asset)} is a ${asset.model.kind.toLowerCase()}; only servers, switches and PDUs go into racks.` };
  if (asset.status === "DISPOSED") return { field: "assetId", message: `${describeAsset(asset)} is disposed.` };
  const h = heightOf(asset.model);
  const top = rackUnit + h - 1;
  if (top > rack.heightU) return { field: "rackUnit", message: `${rack.path} is ${rack.heightU} U high; a ${h} U ${asset.model.name} at U${rackUnit} would reach U${top}. Choose U1–U${Math.max(rack.heightU - h + 1, 1)}.` };
  const mine = others.filter((o) => o.assetId !== asset.id);
  const hit = mine.find((o) => o.from <= top && rackUnit <= o.to);
  if (hit) return { field: "rackUnit", message: `U${hit.from}–U${hit.to} of ${rack.path} is ${hit.state === "RACKED" ? "taken by" : "reserved for"} ${hit.name}; choose free units.` };
  const power = devicePowerW(asset.model);
  if (rack.powerBudgetW !== null) {
    const drawn = mine.reduce((s, o) => s + o.powerW, 0);
    if (drawn + power > rack.powerBudgetW) return { field: "rackId", message: `${rack.path} would draw ${drawn + power} W (${drawn} W placed or planned + ${power} W) over its ${rack.powerBudgetW} W budget; choose another rack or raise its budget.` };
  }
  if (rack.maxWeightKg !== null && asset.model.weightKg !== null) {
    const kg = mine.reduce((s, o) => s + (o.weightKg ?? 0), 0) + asset.model.weightKg;
    if (kg > rack.maxWeightKg) return { field: "rackId", message: `${rack.path} would carry ${Math.round(kg)} kg, over its ${rack.maxWeightKg} kg limit; choose another rack.` };
  }
  return null;
}

async function assetOrThrow(db: Db | Tx, assetId: string): Promise<TRackableAsset> {
  const [a] = await rackableAssets(db, [assetId]);
  if (!a) throw new AppError("BAD_REQUEST", `No asset with id ${assetId}.`, { fields: { assetId: ["Unknown asset"] } });
  return a;
}

async function checkOrThrow(tx: Tx, rack: TRack, asset: TRackableAsset, rackUnit: number) {
  const occ = (await occupants(tx, [rack.id])).get(rack.id) ?? [];
  const p = positionProblem(rack, asset, rackUnit, occ);
  if (p) throw new AppError(p.field === "rackUnit" && p.message.includes("taken") ? "CONFLICT" : "BAD_REQUEST", p.message, { fields: { [p.field]: [p.message] } });
}

async function savePlan(tx: Tx, deps: TDeps, actor: TActor, at: Date, p: { assetId: string; rackId: string; rackUnit: number; face: TFace }) {
  const before = await tx.rackPlacement.findUnique({ where: { assetId: p.assetId } });
  if (before?.status === "RACKED") throw new AppError("CONFLICT", `This asset is already racked (U${before.rackUnit}); its placement is done.`);
  const row = before
    ? await tx.rackPlacement.update({ where: { id: before.id }, data: { rackId: p.rackId, rackUnit: p.rackUnit, face: p.face, plannedBy: actor.name, version: { increment: 1 }, updatedAt: at } })
    : await tx.rackPlacement.create({ data: { ...p, status: "PLANNED", plannedBy: actor.name, createdAt: at, updatedAt: at } });
  await appendAudit(tx, deps.provider, actor, at, { action: "placement.plan", entity: "RackPlacement", entityId: row.id, before: before ? { rackId: before.rackId, rackUnit: before.rackUnit, face: before.face } : undefined, after: p });
  return row;
}

async function publishRack(tx: Tx, deps: TDeps, at: Date, rackIds: string[]) {
  await publishEvent(tx, deps.provider, at, ...[...new Set(rackIds)].map((id) => ({ scope: "cabling" as const, key: id, data: { kind: "cabling.rack" as const } })));
}

/** Plans one asset into a rack position (replacing its earlier plan), checked. */
export async function planPlacement(deps: TDeps, actor: TActor, input: z.input<typeof ZPlacementPlan>): Promise<TPlacement> {
  const p = ZPlacementPlan.parse(input);
  const rack = await loadRack(deps, p.rackId);
  const id = await deps.db.$transaction(async (tx) => {
    const asset = await assetOrThrow(tx, p.assetId);
    await checkOrThrow(tx, rack, asset, p.rackUnit);
    const at = deps.clock.now();
    const row = await savePlan(tx, deps, actor, at, p);
    await publishRack(tx, deps, at, [rack.id]);
    return row.id;
  });
  return (await listPlacements(deps, { id }))[0]!;
}

export const PLACEMENT_COLUMNS = ["asset", "rack", "u", "face"] as const;

/**
 * A placement plan from CSV (header asset,rack,u[,face]): asset = tag or serial, rack = the rack's label
 * key ("FRA1/HALL-A/R01") or id, u = lowest unit, face = FRONT (default) or REAR. Each row is checked
 * against the rack and against the rows above it; every bad line is reported, nothing planned when one is bad.
 */
export async function importPlacementsCsv(deps: TDeps, actor: TActor, input: z.input<typeof ZPlacementCsv>): Promise<{ planned: number }> {
  const { csv } = ZPlacementCsv.parse(input);
  const problems: { line: number; message: string }[] = [];
  let rows: { record: Record<string, string>; info: { lines: number } }[] = [];
  try {
    rows = parseCsv(csv, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    problems.push({ line: err.lines ?? 1, message: err.message.replace(/^Invalid Record Length: /, "Wrong number of fields: ") });
  }
  const header = rows.length ? Object.keys(rows[0]!.record) : (csv.split(/\r?\n/)[0] ?? "").split(",").map((c) => c.trim().toLowerCase());
  const missing = ["asset", "rack", "u"].filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(PLACEMENT_COLUMNS as readonly string[]).includes(h));
  if (missing.length) problems.push({ line: 1, message: `Missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; the columns are ${PLACEMENT_COLUMNS.join(", ")} (face optional)` });
  if (unknown.length) problems.push({ line: 1, message: `Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the columns are ${PLACEMENT_COLUMNS.join(", ")}` });
  if (!problems.length && !rows.length) problems.push({ line: 2, message: "No rows: one row per asset to place" });
  const racks = new Map<string, TRack | null>();
  const items: { line: number; assetId: string; rack: TRack; rackUnit: number; face: TFace }[] = [];
  if (!problems.length) {
    for (const { record: r, info } of rows) {
      const line = info.lines;
      const u = Number(r.u);
      const face = (r.face || "FRONT").toUpperCase();
      if (!Number.isInteger(u) || u < 1 || u > 60) { problems.push({ line, message: `u "${r.u}" is not a unit (a whole number 1–60)` }); continue; }
      if (face !== "FRONT" && face !== "REAR") { problems.push({ line, message: `face "${r.face}" is FRONT or REAR` }); continue; }
      const found = r.asset ? await findByCode(deps, r.asset) : [];
      if (found.length !== 1) { problems.push({ line, message: found.length ? `asset "${r.asset}" matches ${found.length} assets; use the asset tag` : `asset "${r.asset ?? ""}" is no asset tag or serial we know` }); continue; }
      const key = r.rack ?? "";
      if (!racks.has(key)) {
        const l = key ? await findLocationByKey(deps, key) : null;
        racks.set(key, l && l.kind === "RACK" ? { id: l.id, code: l.code, path: l.path, heightU: l.heightU ?? 0, powerBudgetW: l.powerBudgetW ?? null, maxWeightKg: l.maxWeightKg ?? null } : null);
      }
      const rack = racks.get(key);
      if (!rack) { problems.push({ line, message: `rack "${key}" is no rack: use the key on its label, like FRA1/HALL-A/R01` }); continue; }
      if (items.some((i) => i.assetId === found[0]!.id)) { problems.push({ line, message: `asset ${r.asset} is on line ${items.find((i) => i.assetId === found[0]!.id)!.line} already; place each asset once` }); continue; }
      items.push({ line, assetId: found[0]!.id, rack, rackUnit: u, face });
    }
  }
  const fail = () => new AppError("BAD_REQUEST", `${problems.length} line${problems.length > 1 ? "s need" : " needs"} fixing; nothing was planned. ${problems.slice(0, 3).map((p) => `Line ${p.line}: ${p.message}`).join(" ")}`, { details: { problems: problems.slice(0, 200), count: problems.length } });
  if (problems.length) throw fail();
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const rackIds = [...new Set(items.map((i) => i.rack.id))];
    const occ = await occupants(tx, rackIds);
    const assets = new Map((await rackableAssets(tx, items.map((i) => i.assetId))).map((a) => [a.id, a]));
    const placed = await tx.rackPlacement.findMany({ where: { assetId: { in: items.map((i) => i.assetId) }, status: "RACKED" }, select: { assetId: true } });
    // the rows replace these assets' earlier plans: leave those out of the checks
    for (const [k, list] of occ) occ.set(k, list.filter((o) => o.state === "RACKED" || !assets.has(o.assetId)));
    for (const it of items) {
      const asset = assets.get(it.assetId)!;
      if (placed.some((p) => p.assetId === it.assetId)) { problems.push({ line: it.line, message: `${describeAsset(asset)} is racked already` }); continue; }
      const list = occ.get(it.rack.id)!;
      const p = positionProblem(it.rack, asset, it.rackUnit, list);
      if (p) { problems.push({ line: it.line, message: p.message }); continue; }
      list.push({ assetId: asset.id, name: `${describeAsset(asset)} (line ${it.line})`, from: it.rackUnit, to: it.rackUnit + heightOf(asset.model) - 1, powerW: devicePowerW(asset.model), weightKg: asset.model.weightKg, state: "PLANNED", face: it.face, asset });
    }
    if (problems.length) throw fail();
    for (const it of items) await savePlan(tx, deps, actor, at, { assetId: it.assetId, rackId: it.rack.id, rackUnit: it.rackUnit, face: it.face });
    await publishRack(tx, deps, at, rackIds);
  });
  return { planned: items.length };
}

/** Racks an asset at a checked position in the caller's transaction: rack and U on the asset, the plan marked RACKED, READY_TO_RACK → RACKED (placement step). */
async function rackInTx(tx: Tx, deps: TDeps, actor: TActor, rack: TRack, p: { assetId: string; rackUnit: number; face: TFace; expectedVersion?: number; reason: string }) {
  const asset = await assetOrThrow(tx, p.assetId);
  await checkOrThrow(tx, rack, asset, p.rackUnit);
  const at = deps.clock.now();
  const plan = await tx.rackPlacement.findUnique({ where: { assetId: asset.id } });
  const data = { rackId: rack.id, rackUnit: p.rackUnit, face: p.face, status: "RACKED", rackedBy: actor.name, rackedAt: at, updatedAt: at };
  const row = plan
    ? await tx.rackPlacement.update({ where: { id: plan.id }, data: { ...data, version: { increment: 1 } } })
    : await tx.rackPlacement.create({ data: { ...data, assetId: asset.id, plannedBy: actor.name, createdAt: at } });
  await setRackPositionInTx(tx, deps.provider, actor, at, asset.id, rack.id, p.rackUnit);
  await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: asset.id, to: "RACKED", expectedStatus: "READY_TO_RACK", expectedVersion: p.expectedVersion, reason: p.reason, payload: { rackId: rack.id, rackUnit: p.rackUnit, face: p.face } }, { step: "placement" });
  await appendAudit(tx, deps.provider, actor, at, { action: "placement.rack", entity: "RackPlacement", entityId: row.id, before: plan ? { status: plan.status, rackId: plan.rackId, rackUnit: plan.rackUnit } : undefined, after: { status: "RACKED", rackId: rack.id, rackUnit: p.rackUnit, face: p.face } });
  await publishRack(tx, deps, at, [rack.id]);
  return row.id;
}

/** The technician's step: the scanned rack label and server must match the plan; the U they confirm is checked again. */
export async function confirmPlacement(deps: TDeps, actor: TActor, input: z.input<typeof ZPlacementConfirm>): Promise<TPlacement> {
  const c = ZPlacementConfirm.parse(input);
  const rackLoc = await findLocationByKey(deps, c.rackCode);
  if (!rackLoc || rackLoc.kind !== "RACK") throw new AppError("BAD_REQUEST", `"${c.rackCode}" is no rack label we know; scan the label on the rack.`, { fields: { rackCode: ["Not a rack label"] } });
  const found = await findByCode(deps, c.assetCode);
  if (found.length !== 1) throw new AppError("BAD_REQUEST", found.length ? `"${c.assetCode}" matches ${found.length} assets; scan the asset tag.` : `"${c.assetCode}" is no asset tag or serial we know; scan the server's label.`, { fields: { assetCode: ["Unknown asset"] } });
  const asset = found[0]!;
  const plan = await deps.db.rackPlacement.findUnique({ where: { assetId: asset.id } });
  if (!plan || plan.status !== "PLANNED") throw new AppError("CONFLICT", plan ? `${describeAsset(asset)} is racked already.` : `${describeAsset(asset)} has no placement plan; plan it first (Racks → the rack → Plan) or use its Racked button.`, { fields: { assetCode: ["No plan"] } });
  if (plan.rackId !== rackLoc.id) {
    const planned = await loadRack(deps, plan.rackId);
    throw new AppError("CONFLICT", `${describeAsset(asset)} is planned for ${planned.path}, not ${rackLoc.path}; take it to the planned rack.`, { fields: { rackCode: [`Planned for ${planned.path}`] } });
  }
  const rack = await loadRack(deps, rackLoc.id);
  const id = await deps.db.$transaction((tx) => rackInTx(tx, deps, actor, rack, { assetId: asset.id, rackUnit: c.rackUnit, face: plan.face as TFace, expectedVersion: c.expectedVersion, reason: `racked at ${rack.path} U${c.rackUnit}${c.rackUnit !== plan.rackUnit ? ` (planned U${plan.rackUnit})` : ""}` }));
  return (await listPlacements(deps, { id }))[0]!;
}

/** The asset page's Racked button: rack and U chosen on the page, checked like a plan, racked at once. */
export async function rackNow(deps: TDeps, actor: TActor, input: z.input<typeof ZRackNow>): Promise<TPlacement> {
  const r = ZRackNow.parse(input);
  const rack = await loadRack(deps, r.rackId);
  const id = await deps.db.$transaction((tx) => rackInTx(tx, deps, actor, rack, { assetId: r.assetId, rackUnit: r.rackUnit, face: r.face, expectedVersion: r.expectedVersion, reason: `racked at ${rack.path} U${r.rackUnit}` }));
  return (await listPlacements(deps, { id }))[0]!;
}

/** Placements of a rack (or one placement by id), lowest U first. */
export async function listPlacements(deps: TDeps, q: { rackId?: string; id?: string; assetId?: string }): Promise<TPlacement[]> {
  const rows = await deps.db.rackPlacement.findMany({ where: { rackId: q.rackId, id: q.id, assetId: q.assetId }, orderBy: [{ rackUnit: "asc" }, { id: "asc" }], take: 500 });
  const assets = new Map((await rackableAssets(deps.db, rows.map((r) => r.assetId))).map((a) => [a.id, a]));
  return rows.flatMap((r) => {
    const a = assets.get(r.assetId);
    if (!a) return [];
    return [{ id: r.id, assetId: r.assetId, rackId: r.rackId, rackUnit: r.rackUnit, face: r.face as TFace, status: r.status as TPlacement["status"], version: r.version, asset: { serial: a.serial, assetTag: a.assetTag, status: a.status, model: `${a.model.manufacturer} ${a.model.name}`, heightU: a.model.heightU } }];
  });
}

/** A part (CPU, DIMM, drive, NIC, PSU) takes no rack units: it is RACKED with its server, through the same step. */
export async function rackPart(deps: TDeps, actor: TActor, input: { assetId: string; reason?: string }) {
  await deps.db.$transaction(async (tx) => {
    const a = await assetOrThrow(tx, input.assetId);
    if (!COMPONENT_KINDS.includes(a.model.kind as never)) throw new AppError("BAD_REQUEST", `${describeAsset(a)} is a ${a.model.kind.toLowerCase()}; it is racked at a rack and U, not as a part.`);
    await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: a.id, to: "RACKED", expectedStatus: "READY_TO_RACK", reason: input.reason ?? "racked with its server" }, { step: "placement" });
  });
}
