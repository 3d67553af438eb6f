/** LLDP's tRPC procedures (thin: parse, call the service). Mounted as `lldp` in server/router.ts. */
import { z } from "zod";
import { ANY_ROLE } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { createSwitch, deleteSwitch, getSwitch, latestLldpViews, listSwitches, lldpHistory, updateSwitch } from "./lldp-service";
import { LLDP_WRITERS, ZLldpHistoryInput, ZLldpLatestInput, ZLldpObserved, ZSwitch, ZSwitchCreate, ZSwitchId, ZSwitchUpdate } from "./lldp-schema";

const W = LLDP_WRITERS;

export const lldpRouter = router({
  switches: procedure(W)
    .input(z.object({ agentId: z.string().min(1).optional() }).default({}))
    .output(z.array(ZSwitch))
    .query(({ ctx, input }) => listSwitches(ctx.deps, input)),
  switch: procedure(W).input(ZSwitchId).output(ZSwitch).query(({ ctx, input }) => getSwitch(ctx.deps, input.id)),
  createSwitch: procedure(W).input(ZSwitchCreate).output(ZSwitch).mutation(({ ctx, input }) => createSwitch(ctx.deps, ctx.actor, input)),
  updateSwitch: procedure(W).input(ZSwitchUpdate).output(ZSwitch).mutation(({ ctx, input }) => updateSwitch(ctx.deps, ctx.actor, input)),
  deleteSwitch: procedure(W).input(ZSwitchId).output(ZSwitchId).mutation(({ ctx, input }) => deleteSwitch(ctx.deps, ctx.actor, input.id)),
  latest: procedure(ANY_ROLE).input(ZLldpLatestInput).output(z.array(ZLldpObserved)).query(({ ctx, input }) => latestLldpViews(ctx.deps, input)),
  history: procedure(ANY_ROLE).input(ZLldpHistoryInput).output(z.array(ZLldpObserved)).query(({ ctx, input }) => lldpHistory(ctx.deps, input)),
});
