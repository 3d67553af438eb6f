import { ANY_ROLE, CATALOG_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { ZManufacturerCreate, ZModelCreate, ZVendorCreate } from "./schema";
import { createManufacturer, createModel, createVendor, listManufacturers, listModels, listVendors } from "./service";
import { z } from "zod";
import { ZModelKind } from "./schema";

export const catalogRouter = router({
  manufacturers: procedure(ANY_ROLE).query(({ ctx }) => listManufacturers(ctx.deps)),
  createManufacturer: procedure(CATALOG_EDITORS).input(ZManufacturerCreate).mutation(({ ctx, input }) => createManufacturer(ctx.deps, ctx.actor, input)),
  models: procedure(ANY_ROLE).input(z.object({ kind: ZModelKind.optional() }).optional()).query(({ ctx, input }) => listModels(ctx.deps, input ?? {})),
  createModel: procedure(CATALOG_EDITORS).input(ZModelCreate).mutation(({ ctx, input }) => createModel(ctx.deps, ctx.actor, input)),
  vendors: procedure(ANY_ROLE).query(({ ctx }) => listVendors(ctx.deps)),
  createVendor: procedure(["admin", "procurement"]).input(ZVendorCreate).mutation(({ ctx, input }) => createVendor(ctx.deps, ctx.actor, input)),
});
