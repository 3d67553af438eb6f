/** The assets domain's REST routes (/api/v1), built from ./schema.ts; server/rest assembles them. */
import { ANY_ROLE, ASSET_CREATORS } from "../../auth/roles";
import { route, type TRoute } from "../../rest/route";
import { transition, TRANSITION_ROLES } from "./lifecycle";
import {
  ZAssetCreate,
  ZAssetEventItems,
  ZAssetItems,
  ZAssetList,
  ZAssetSummary,
  ZRestAssetCode,
  ZRestAssetDetail,
  ZRestAssetId,
  ZRestAssetListQuery,
  ZRestTransitionBody,
  ZTransitionResult,
} from "./schema";
import { assetEvents, createAsset, findByCode, getAsset, listAssets } from "./service";

const NO_ASSET = "No such asset";

export const assetsRestRoutes: TRoute[] = [
  route({
    method: "GET",
    path: "/assets",
    operationId: "listAssets",
    summary: "List assets (filter, sort, page)",
    roles: ANY_ROLE,
    query: ZRestAssetListQuery,
    response: ZAssetList,
    handler: (deps, _a, { query }) => listAssets(deps, query),
  }),
  route({
    method: "POST",
    path: "/assets",
    operationId: "createAsset",
    summary: "Register an asset",
    roles: ASSET_CREATORS,
    body: ZAssetCreate,
    response: ZAssetSummary,
    status: 201,
    handler: (deps, actor, { body }) => createAsset(deps, actor, body),
  }),
  route({
    method: "GET",
    path: "/assets/lookup",
    operationId: "lookupAsset",
    summary: "Find assets by a scanned asset tag or serial",
    roles: ANY_ROLE,
    query: ZRestAssetCode,
    response: ZAssetItems,
    handler: async (deps, _a, { query }) => ({ items: await findByCode(deps, query.code) }),
  }),
  route({
    method: "GET",
    path: "/assets/{id}",
    operationId: "getAsset",
    summary: "Get one asset with its parts",
    roles: ANY_ROLE,
    params: ZRestAssetId,
    response: ZRestAssetDetail,
    notFound: NO_ASSET,
    handler: async (deps, actor, { params }) => {
      const { events: _e, ...rest } = await getAsset(deps, params.id, actor.role);
      return rest;
    },
  }),
  route({
    method: "GET",
    path: "/assets/{id}/events",
    operationId: "listAssetEvents",
    summary: "An asset's lifecycle events, newest first",
    roles: ANY_ROLE,
    params: ZRestAssetId,
    response: ZAssetEventItems,
    notFound: NO_ASSET,
    handler: async (deps, _a, { params }) => ({ items: await assetEvents(deps, params.id) }),
  }),
  route({
    method: "POST",
    path: "/assets/{id}/transitions",
    operationId: "transitionAsset",
    summary: "Move an asset to another lifecycle status",
    roles: TRANSITION_ROLES,
    params: ZRestAssetId,
    body: ZRestTransitionBody,
    response: ZTransitionResult,
    notFound: NO_ASSET,
    handler: (deps, actor, { params, body }) => transition(deps, actor, { ...body, assetId: params.id }),
  }),
];
