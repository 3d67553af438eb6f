/**
 * REST API v1 for integrations (bearer API tokens): the routes of every domain,
 * assembled. Each domain declares its routes beside its router
 * (server/domains/<domain>/rest.ts) from its own zod schemas; the dispatcher
 * (./http.ts) and the OpenAPI document (./openapi.ts) are both generated from
 * this list.
 */
import { acceptanceRestRoutes } from "../domains/acceptance/rest";
import { assetsRestRoutes } from "../domains/assets/rest";
import { firmwareRestRoutes } from "../domains/firmware/rest";
import { procurementRestRoutes } from "../domains/procurement/rest";
import { receivingRestRoutes } from "../domains/receiving/rest";
import { warehouseRestRoutes } from "../domains/warehouse/rest";
import { burninRestRoutes } from "../domains/burnin/rest";
import { cablingRestRoutes } from "../domains/cabling/rest";
import { lldpRestRoutes } from "../domains/cabling/lldp-rest";
import { rmaRestRoutes } from "../domains/rma/rest";
import type { TRoute } from "./route";

export type { TRoute } from "./route";

export const ROUTES: TRoute[] = [...assetsRestRoutes, ...procurementRestRoutes, ...receivingRestRoutes, ...warehouseRestRoutes, ...acceptanceRestRoutes, ...firmwareRestRoutes, ...burninRestRoutes, ...cablingRestRoutes, ...lldpRestRoutes, ...rmaRestRoutes];
