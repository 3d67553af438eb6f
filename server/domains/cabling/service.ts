/**
 * Racking and cabling (the domain's entry for routers, REST and other domains): rack elevations and
 * rooms as rows of racks, placements (./placement.ts), the cable plan (./cables.ts) and its LLDP
 * reconciliation (./reconcile.ts).
 */
import { AppError } from "../../errors";
import type { TDeps } from "../../context";
import { listLocations } from "../locations/service";
import { elevationSvg } from "./elevation";
import { loadRack, occupants } from "./placement";
import type { TElevation } from "./schema";

/** A rack's elevation: its devices (standing and planned), power against the budget, and the front and rear SVG. */
export async function rackElevation(deps: TDeps, rackId: string): Promise<TElevation> {
  const rack = await loadRack(deps, rackId);
  const occ = (await occupants(deps.db, [rack.id])).get(rack.id) ?? [];
  const devices = occ.map((o) => ({ assetId: o.assetId, label: o.asset.assetTag ?? o.asset.serial, model: `${o.asset.model.manufacturer} ${o.asset.model.name}`, kind: o.asset.model.kind, rackUnit: o.from, heightU: o.to - o.from + 1, face: o.face, state: o.state, status: o.asset.status, powerW: o.powerW }));
  const racked = occ.filter((o) => o.state === "RACKED");
  const planned = occ.filter((o) => o.state === "PLANNED");
  const powerW = racked.reduce((s, o) => s + o.powerW, 0);
  const plannedW = planned.reduce((s, o) => s + o.powerW, 0);
  const units = (l: typeof occ) => l.reduce((s, o) => s + o.to - o.from + 1, 0);
  return {
    rack: { id: rack.id, code: rack.code, path: rack.path, heightU: rack.heightU, powerBudgetW: rack.powerBudgetW, maxWeightKg: rack.maxWeightKg },
    devices,
    powerW: { racked: powerW, planned: plannedW, budget: rack.powerBudgetW },
    usedU: units(racked),
    reservedU: units(planned),
    front: elevationSvg(rack, devices, "FRONT", powerW),
    rear: elevationSvg(rack, devices, "REAR", powerW),
  };
}

/** Rooms as rows of racks: each rack's units used and reserved, power, and cables verified. */
export async function rooms(deps: TDeps, q: { siteId?: string } = {}) {
  const rooms = await listLocations(deps, { kind: "ROOM", siteId: q.siteId });
  const racks = await listLocations(deps, { kind: "RACK", siteId: q.siteId });
  const occ = await occupants(deps.db, racks.map((r) => r.id));
  const assetIds = [...occ.values()].flat().filter((o) => o.state === "RACKED").map((o) => o.assetId);
  const cables = assetIds.length ? await deps.db.cable.findMany({ where: { OR: [{ aAssetId: { in: assetIds } }, { bAssetId: { in: assetIds } }] }, select: { aAssetId: true, bAssetId: true, status: true } }) : [];
  return rooms
    .map((room) => ({
      id: room.id,
      path: room.path,
      racks: racks
        .filter((r) => r.parentId === room.id)
        .map((r) => {
          const list = occ.get(r.id) ?? [];
          const ids = new Set(list.filter((o) => o.state === "RACKED").map((o) => o.assetId));
          const mine = cables.filter((c) => ids.has(c.aAssetId) || ids.has(c.bAssetId));
          const units = (state: string) => list.filter((o) => o.state === state).reduce((s, o) => s + o.to - o.from + 1, 0);
          return { id: r.id, code: r.code, name: r.name, path: r.path, heightU: r.heightU ?? 0, usedU: units("RACKED"), reservedU: units("PLANNED"), powerW: list.filter((o) => o.state === "RACKED").reduce((s, o) => s + o.powerW, 0), powerBudgetW: r.powerBudgetW ?? null, cables: { verified: mine.filter((c) => c.status === "VERIFIED").length, total: mine.length } };
        }),
    }))
    .filter((r) => r.racks.length);
}

export function requireRackOrAsset(q: { rackId?: string; assetId?: string }) {
  if (!q.rackId && !q.assetId) throw new AppError("BAD_REQUEST", "Name a rack or an asset.");
}

export { confirmPlacement, importPlacementsCsv, listPlacements, planPlacement, rackNow, rackPart, PLACEMENT_COLUMNS } from "./placement";
export { assertCablingVerified, cableLabels, cablingBoard, createCable, deleteCable, listCables, listInterfaces, syncInterfaces, updateCable, waiveCabling } from "./cables";
export { onLldpObserved, onLldpObservedWith, reconcileCables } from "./reconcile";
