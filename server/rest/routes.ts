/**
 * REST API v1 for integrations (bearer API tokens). Each route is declared once
 * with its zod schemas; the dispatcher (./http.ts) and the OpenAPI document
 * (./openapi.ts) are both generated from this list.
 */
import { z } from "zod";
import type { TActor, TDeps } from "../context";
import { ANY_ROLE, ASSET_CREATORS, type TRole } from "../auth/roles";
import { transition, TRANSITION_ROLES, ZTransitionPayload } from "../domains/assets/lifecycle";
import { ZAssetStatus } from "../domains/assets/status";
import { ASSET_SORT_FIELDS, ZAssetCreate, ZAssetEvent, ZAssetSummary } from "../domains/assets/schema";
import { assetEvents, createAsset, findByCode, getAsset, listAssets } from "../domains/assets/service";

export interface TRoute {
  method: "GET" | "POST";
  path: string; // OpenAPI style: /assets/{id}
  operationId: string;
  summary: string;
  roles: readonly TRole[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  status?: number;
  handler(deps: TDeps, actor: TActor, input: { params: any; query: any; body: any }): Promise<unknown>;
}

const ZId = z.object({ id: z.string().min(1).max(64) });
const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item));

export const ZRestAssetListQuery = z.object({
  status: csv(ZAssetStatus).optional().describe("comma-separated statuses, e.g. RECEIVED,BURN_IN"),
  modelId: z.string().min(1).optional(),
  locationId: z.string().min(1).optional(),
  q: z.string().max(64).optional().describe("prefix of a serial or asset tag"),
  sort: z.enum(ASSET_SORT_FIELDS).default("updatedAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const ZAssetDetail = ZAssetSummary.extend({
  heldStatus: ZAssetStatus.nullable(),
  notes: z.string().nullable(),
  parts: z.array(ZAssetSummary),
  allowedTransitions: z.array(ZAssetStatus).describe("moves the calling token's role may make"),
});

const ZTransitionBody = z.object({
  to: ZAssetStatus,
  expectedVersion: z.number().int().nonnegative().optional().describe("the version you last saw; 409 CONFLICT if the asset changed since"),
  reason: z.string().trim().max(500).optional(),
  payload: ZTransitionPayload.optional(),
});


export const ROUTES: TRoute[] = [
  {
    method: "GET",
    path: "/assets",
    operationId: "listAssets",
    summary: "List assets (filter, sort, page)",
    roles: ANY_ROLE,
    query: ZRestAssetListQuery,
    response: z.object({ items: z.array(ZAssetSummary), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() }),
    handler: (deps, _a, { query }) => listAssets(deps, query),
  },
  {
    method: "POST",
    path: "/assets",
    operationId: "createAsset",
    summary: "Register an asset",
    roles: ASSET_CREATORS,
    body: ZAssetCreate,
    response: ZAssetSummary,
    status: 201,
    handler: (deps, actor, { body }) => createAsset(deps, actor, body),
  },
  {
    method: "GET",
    path: "/assets/lookup",
    operationId: "lookupAsset",
    summary: "Find assets by a scanned asset tag or serial",
    roles: ANY_ROLE,
    query: z.object({ code: z.string().trim().min(1).max(128) }),
    response: z.object({ items: z.array(ZAssetSummary) }),
    handler: async (deps, _a, { query }) => ({ items: await findByCode(deps, query.code) }),
  },
  {
    method: "GET",
    path: "/assets/{id}",
    operationId: "getAsset",
    summary: "Get one asset with its parts",
    roles: ANY_ROLE,
    params: ZId,
    response: ZAssetDetail,
    handler: async (deps, actor, { params }) => {
      const { events: _e, ...rest } = await getAsset(deps, params.id, actor.role);
      return rest;
    },
  },
  {
    method: "GET",
    path: "/assets/{id}/events",
    operationId: "listAssetEvents",
    summary: "An asset's lifecycle events, newest first",
    roles: ANY_ROLE,
    params: ZId,
    response: z.object({ items: z.array(ZAssetEvent) }),
    handler: async (deps, _a, { params }) => ({ items: await assetEvents(deps, params.id) }),
  },
  {
    method: "POST",
    path: "/assets/{id}/transitions",
    operationId: "transitionAsset",
    summary: "Move an asset to another lifecycle status",
    roles: TRANSITION_ROLES,
    params: ZId,
    body: ZTransitionBody,
    response: z.object({ assetId: z.string(), from: ZAssetStatus, to: ZAssetStatus, version: z.number().int(), eventId: z.string() }),
    handler: (deps, actor, { params, body }) => transition(deps, actor, { ...body, assetId: params.id }),
  },
];
