import { z } from "zod";
import { ANY_ROLE, ASSET_CREATORS, ASSET_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { TRANSITION_ROLES, ZTransitionInput, transition } from "./lifecycle";
import { ZAssetCreate, ZAssetListInput, ZAssetUpdate } from "./schema";
import { assetEvents, createAsset, findByCode, getAsset, listAssets, updateAsset } from "./service";


export const assetsRouter = router({
  list: procedure(ANY_ROLE).input(ZAssetListInput).query(({ ctx, input }) => listAssets(ctx.deps, input)),
  get: procedure(ANY_ROLE).input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => getAsset(ctx.deps, input.id, ctx.actor.role)),
  byCode: procedure(ANY_ROLE).input(z.object({ code: z.string().trim().min(1, "Scan or type a serial or asset tag").max(128) })).query(({ ctx, input }) => findByCode(ctx.deps, input.code)),
  events: procedure(ANY_ROLE).input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => assetEvents(ctx.deps, input.id)),
  create: procedure(ASSET_CREATORS).input(ZAssetCreate).mutation(({ ctx, input }) => createAsset(ctx.deps, ctx.actor, input)),
  update: procedure(ASSET_EDITORS).input(ZAssetUpdate).mutation(({ ctx, input }) => updateAsset(ctx.deps, ctx.actor, input)),
  transition: procedure(TRANSITION_ROLES).input(ZTransitionInput).mutation(({ ctx, input }) => transition(ctx.deps, ctx.actor, input)),
});
