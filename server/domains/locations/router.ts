import { ANY_ROLE, CATALOG_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { ZLocation, ZLocationCreate, ZLocationListInput, ZLocations } from "./schema";
import { createLocation, listLocations } from "./service";

export const locationsRouter = router({
  list: procedure(ANY_ROLE).input(ZLocationListInput).output(ZLocations).query(({ ctx, input }) => listLocations(ctx.deps, input ?? {})),
  create: procedure(CATALOG_EDITORS).input(ZLocationCreate).output(ZLocation).mutation(({ ctx, input }) => createLocation(ctx.deps, ctx.actor, input)),
});
