import { ANY_ROLE, ASSET_CREATORS, ASSET_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { TRANSITION_ROLES, transition } from "./lifecycle";
import { ZAssetCode, ZAssetCreate, ZAssetDetail, ZAssetEvents, ZAssetId, ZAssetList, ZAssetListInput, ZAssetSummaries, ZAssetSummary, ZAssetUpdate, ZSerialCheck, ZSerialCheckInput, ZTransitionInput, ZTransitionResult } from "./schema";
import { assetEvents, checkSerial, createAsset, findByCode, getAsset, listAssets, updateAsset } from "./service";

export const assetsRouter = router({
  list: procedure(ANY_ROLE).input(ZAssetListInput).output(ZAssetList).query(({ ctx, input }) => listAssets(ctx.deps, input)),
  get: procedure(ANY_ROLE).input(ZAssetId).output(ZAssetDetail).query(({ ctx, input }) => getAsset(ctx.deps, input.id, ctx.actor.role)),
  byCode: procedure(ANY_ROLE).input(ZAssetCode).output(ZAssetSummaries).query(({ ctx, input }) => findByCode(ctx.deps, input.code)),
  events: procedure(ANY_ROLE).input(ZAssetId).output(ZAssetEvents).query(({ ctx, input }) => assetEvents(ctx.deps, input.id)),
  checkSerial: procedure(ASSET_CREATORS).input(ZSerialCheckInput).output(ZSerialCheck).query(({ ctx, input }) => checkSerial(ctx.deps, input)),
  create: procedure(ASSET_CREATORS).input(ZAssetCreate).output(ZAssetSummary).mutation(({ ctx, input }) => createAsset(ctx.deps, ctx.actor, input)),
  update: procedure(ASSET_EDITORS).input(ZAssetUpdate).output(ZAssetSummary).mutation(({ ctx, input }) => updateAsset(ctx.deps, ctx.actor, input)),
  transition: procedure(TRANSITION_ROLES).input(ZTransitionInput).output(ZTransitionResult).mutation(({ ctx, input }) => transition(ctx.deps, ctx.actor, input)),
});
