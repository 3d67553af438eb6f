/**
 * Tests that walk an asset along the lifecycle: RACKED is a step-only move (the placement step needs a
 * rack and U), so these helpers rack it into a rack of its own, through the cabling service, like a
 * technician's Racked button, and make every other move through the plain transition.
 */
import type { TActor, TDeps } from "../../server/context";
import { transition } from "../../server/domains/assets/lifecycle";
import type { TAssetStatus } from "../../server/domains/assets/status";
import { rackElevation, rackNow } from "../../server/domains/cabling/service";
import { createLocation, findLocationByKey } from "../../server/domains/locations/service";

let racks = 0;

/** A fresh 42 U rack in a test room (site TRK), for one asset. */
export async function testRack(deps: TDeps): Promise<string> {
  const admin: TActor = { type: "user", id: "test-admin", name: "Test admin", role: "admin" };
  const site = (await findLocationByKey(deps, "TRK")) ?? (await createLocation(deps, admin, { kind: "SITE", code: "TRK", name: "Test racks" }));
  const room = (await findLocationByKey(deps, "TRK/ROOM")) ?? (await createLocation(deps, admin, { kind: "ROOM", code: "ROOM", name: "Test room", parentId: site.id }));
  racks += 1;
  const rack = await createLocation(deps, admin, { kind: "RACK", code: `T${racks}-${Math.random().toString(36).slice(2, 8)}`, name: "Test rack", parentId: room.id, heightU: 42 });
  return rack.id;
}

/** Moves an asset one step; RACKED goes through the placement step (into `rackId` at its lowest free U, else a rack of its own at U1). */
export async function moveTo(deps: TDeps, actor: TActor, assetId: string, to: TAssetStatus, opts: { reason?: string; rackId?: string } = {}) {
  if (to === "RACKED") {
    const rackId = opts.rackId ?? (await testRack(deps));
    const e = await rackElevation(deps, rackId);
    const top = Math.max(0, ...e.devices.map((d) => d.rackUnit + Math.max(d.heightU, 1) - 1));
    await rackNow(deps, actor, { assetId, rackId, rackUnit: top + 1 });
    return;
  }
  await transition(deps, actor, { assetId, to, reason: opts.reason });
}
