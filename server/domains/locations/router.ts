import { z } from "zod";
import { ANY_ROLE, CATALOG_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { ZLocationCreate, ZLocationKind } from "./schema";
import { createLocation, listLocations } from "./service";

export const locationsRouter = router({
  list: procedure(ANY_ROLE)
    .input(z.object({ kind: ZLocationKind.optional(), siteId: z.string().min(1).optional(), parentId: z.string().min(1).optional() }).optional())
    .query(({ ctx, input }) => listLocations(ctx.deps, input ?? {})),
  create: procedure(CATALOG_EDITORS).input(ZLocationCreate).mutation(({ ctx, input }) => createLocation(ctx.deps, ctx.actor, input)),
});
