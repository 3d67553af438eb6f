import { ANY_ROLE, CATALOG_EDITORS } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { ZManufacturer, ZManufacturerCreate, ZManufacturers, ZModelCreate, ZModelCreated, ZModelListInput, ZModels, ZVendor, ZVendorCreate, ZVendors } from "./schema";
import { createManufacturer, createModel, createVendor, listManufacturers, listModels, listVendors } from "./service";

export const catalogRouter = router({
  manufacturers: procedure(ANY_ROLE).output(ZManufacturers).query(({ ctx }) => listManufacturers(ctx.deps)),
  createManufacturer: procedure(CATALOG_EDITORS).input(ZManufacturerCreate).output(ZManufacturer).mutation(({ ctx, input }) => createManufacturer(ctx.deps, ctx.actor, input)),
  models: procedure(ANY_ROLE).input(ZModelListInput).output(ZModels).query(({ ctx, input }) => listModels(ctx.deps, input ?? {})),
  createModel: procedure(CATALOG_EDITORS).input(ZModelCreate).output(ZModelCreated).mutation(({ ctx, input }) => createModel(ctx.deps, ctx.actor, input)),
  vendors: procedure(ANY_ROLE).output(ZVendors).query(({ ctx }) => listVendors(ctx.deps)),
  createVendor: procedure(["admin", "procurement"]).input(ZVendorCreate).output(ZVendor).mutation(({ ctx, input }) => createVendor(ctx.deps, ctx.actor, input)),
});
