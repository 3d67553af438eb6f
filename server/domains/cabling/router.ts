/** Racking and cabling tRPC procedures (thin: parse, call a service). */
import { z } from "zod";
import { procedure, router } from "../../trpc";
import { updateRackLimits } from "../locations/service";
import { ZLocation } from "../locations/schema";
import { cableLabels, cablingBoard, confirmPlacement, createCable, deleteCable, importPlacementsCsv, listCables, listInterfaces, listPlacements, planPlacement, rackElevation, rackNow, rooms, syncInterfaces, updateCable, waiveCabling } from "./service";
import {
  CABLING_ADMINS,
  CABLING_READERS,
  CABLING_WRITERS,
  ZAssetId,
  ZCable,
  ZCableInput,
  ZCableQuery,
  ZCables,
  ZCableUpdate,
  ZCablingBoard,
  ZCsvResult,
  ZElevation,
  ZId,
  ZInterfaces,
  ZLabelFile,
  ZLabelQuery,
  ZPlacement,
  ZPlacementConfirm,
  ZPlacementCsv,
  ZPlacementPlan,
  ZPlacements,
  ZRackId,
  ZRackLimits,
  ZRackNow,
  ZRooms,
  ZWaiver,
  ZWaiverOut,
} from "./schema";

export const cablingRouter = router({
  rooms: procedure(CABLING_READERS).input(z.object({ siteId: z.string().min(1).optional() }).optional()).output(ZRooms).query(({ ctx, input }) => rooms(ctx.deps, input ?? {})),
  elevation: procedure(CABLING_READERS).input(ZRackId).output(ZElevation).query(({ ctx, input }) => rackElevation(ctx.deps, input.rackId)),
  setRackLimits: procedure(CABLING_WRITERS).input(ZRackLimits).output(ZLocation).mutation(({ ctx, input }) => updateRackLimits(ctx.deps, ctx.actor, input)),
  placements: procedure(CABLING_READERS).input(ZRackId).output(ZPlacements).query(({ ctx, input }) => listPlacements(ctx.deps, { rackId: input.rackId })),
  plan: procedure(CABLING_WRITERS).input(ZPlacementPlan).output(ZPlacement).mutation(({ ctx, input }) => planPlacement(ctx.deps, ctx.actor, input)),
  importPlan: procedure(CABLING_WRITERS).input(ZPlacementCsv).output(ZCsvResult).mutation(({ ctx, input }) => importPlacementsCsv(ctx.deps, ctx.actor, input)),
  confirm: procedure(CABLING_WRITERS).input(ZPlacementConfirm).output(ZPlacement).mutation(({ ctx, input }) => confirmPlacement(ctx.deps, ctx.actor, input)),
  rackNow: procedure(CABLING_WRITERS).input(ZRackNow).output(ZPlacement).mutation(({ ctx, input }) => rackNow(ctx.deps, ctx.actor, input)),
  interfaces: procedure(CABLING_READERS).input(ZAssetId).output(ZInterfaces).query(({ ctx, input }) => listInterfaces(ctx.deps, input.assetId)),
  syncInterfaces: procedure(CABLING_WRITERS).input(ZAssetId).output(ZInterfaces).mutation(({ ctx, input }) => syncInterfaces(ctx.deps, ctx.actor, input.assetId)),
  cables: procedure(CABLING_READERS).input(ZCableQuery).output(ZCables).query(({ ctx, input }) => listCables(ctx.deps, input)),
  createCable: procedure(CABLING_WRITERS).input(ZCableInput).output(ZCable).mutation(({ ctx, input }) => createCable(ctx.deps, ctx.actor, input)),
  updateCable: procedure(CABLING_WRITERS).input(ZCableUpdate).output(ZCable).mutation(({ ctx, input }) => updateCable(ctx.deps, ctx.actor, input)),
  deleteCable: procedure(CABLING_WRITERS).input(ZId).output(ZId).mutation(({ ctx, input }) => deleteCable(ctx.deps, ctx.actor, input.id)),
  cableLabels: procedure(CABLING_READERS).input(ZLabelQuery).output(ZLabelFile).mutation(({ ctx, input }) => cableLabels(ctx.deps, input)),
  board: procedure(CABLING_READERS).input(ZCableQuery).output(ZCablingBoard).query(({ ctx, input }) => cablingBoard(ctx.deps, input)),
  waive: procedure(CABLING_ADMINS).input(ZWaiver).output(ZWaiverOut).mutation(({ ctx, input }) => waiveCabling(ctx.deps, ctx.actor, input)),
});
