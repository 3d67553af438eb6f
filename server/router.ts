/** The tRPC API the UI uses. One sub-router per domain. */
import { router } from "./trpc";
import { acceptanceRouter } from "./domains/acceptance/router";
import { assetsRouter } from "./domains/assets/router";
import { auditRouter } from "./domains/audit/router";
import { bmcRouter } from "./domains/bmc/router";
import { catalogRouter } from "./domains/catalog/router";
import { firmwareRouter } from "./domains/firmware/router";
import { jobsRouter } from "./domains/jobs/router";
import { locationsRouter } from "./domains/locations/router";
import { procurementRouter } from "./domains/procurement/router";
import { receivingRouter } from "./domains/receiving/router";
import { burninRouter } from "./domains/burnin/router";
import { cablingRouter } from "./domains/cabling/router";
import { authRouter, usersRouter } from "./domains/users/router";
import { liveRouter } from "./live/router";
import { warehouseRouter } from "./domains/warehouse/router";
import { lldpRouter } from "./domains/cabling/lldp-router";
import { rmaRouter } from "./domains/rma/router";

export const appRouter = router({
  auth: authRouter,
  assets: assetsRouter,
  catalog: catalogRouter,
  locations: locationsRouter,
  users: usersRouter,
  audit: auditRouter,
  bmc: bmcRouter,
  jobs: jobsRouter,
  live: liveRouter,
  procurement: procurementRouter,
  receiving: receivingRouter,
  warehouse: warehouseRouter,
  acceptance: acceptanceRouter,
  firmware: firmwareRouter,
  burnin: burninRouter,
  cabling: cablingRouter,
  lldp: lldpRouter,
  rma: rmaRouter,
});
export type AppRouter = typeof appRouter;
