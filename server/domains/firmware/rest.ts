/** Firmware's REST routes (/api/v1), built from ./schema.ts; server/rest assembles them. */
import { route, type TRoute } from "../../rest/route";
import { drift, exportBaselines, firmwareLag, importBaselines, listBaselines, saveBaseline } from "./service";
import { createCampaign, getCampaign, listCampaigns, pauseCampaign, startCampaign } from "./campaign";
import { ZCampaignCreate, ZCampaignDetail, ZCampaignId, ZCampaignQuery, ZCampaigns, ZCampaignVersion } from "./campaign-schema";
import { FIRMWARE_READERS, FIRMWARE_WRITERS, ZBaselineDoc, ZBaselineInput, ZBaselineItems, ZBaselineOut, ZBaselineQuery, ZDriftOut, ZDriftQuery, ZImportOut, ZLagOut, ZLagQuery } from "./schema";

const W = FIRMWARE_WRITERS;
const R = FIRMWARE_READERS;

export const firmwareRestRoutes: TRoute[] = [
  route({ method: "GET", path: "/firmware/baselines", operationId: "listFirmwareBaselines", summary: "The current firmware baselines (per hardware model and component: releases oldest first, match rule, revision)", roles: R, query: ZBaselineQuery, response: ZBaselineItems, handler: async (deps, _a, { query }) => ({ items: await listBaselines(deps, query) }) }),
  route({ method: "POST", path: "/firmware/baselines", operationId: "saveFirmwareBaseline", summary: "Save a model's component baseline as a new revision (unchanged content saves nothing)", roles: W, body: ZBaselineInput, response: ZBaselineOut, handler: (deps, actor, { body }) => saveBaseline(deps, actor, body) }),
  route({ method: "GET", path: "/firmware/baselines/export", operationId: "exportFirmwareBaselines", summary: "The current baselines as a JSON document (models by manufacturer and part number)", roles: R, response: ZBaselineDoc, handler: (deps) => exportBaselines(deps) }),
  route({ method: "POST", path: "/firmware/baselines/import", operationId: "importFirmwareBaselines", summary: "Import a baselines document: every bad entry reported by its index, nothing imported when any is bad", roles: W, body: ZBaselineDoc, response: ZImportOut, handler: (deps, actor, { body }) => importBaselines(deps, actor, body) }),
  route({ method: "GET", path: "/firmware/drift", operationId: "firmwareDrift", summary: "Drift of every baselined component (filters: modelId, component, siteId, status, state), worst first, with counts per state", roles: R, query: ZDriftQuery, response: ZDriftOut, handler: (deps, _a, { query }) => drift(deps, query) }),
  route({ method: "GET", path: "/kpis/firmware-lag", operationId: "kpiFirmwareLag", summary: "Share of in-service components less than 2 approved releases behind, per model and site, with the worst offenders", roles: R, query: ZLagQuery, response: ZLagOut, handler: (deps, _a, { query }) => firmwareLag(deps, query) }),
  route({ method: "GET", path: "/firmware/campaigns", operationId: "listFirmwareCampaigns", summary: "Firmware update campaigns, newest first, with counts per asset state (filter: status)", roles: R, query: ZCampaignQuery, response: ZCampaigns, handler: async (deps, _a, { query }) => ({ items: await listCampaigns(deps, query) }) }),
  route({ method: "POST", path: "/firmware/campaigns", operationId: "createFirmwareCampaign", summary: "Plan a campaign (DRAFT): model, component, an approved target release of its baseline, racks or assets (waves per rack), the UTC maintenance window, max in flight", roles: W, body: ZCampaignCreate, response: ZCampaignDetail, handler: (deps, actor, { body }) => createCampaign(deps, actor, body) }),
  route({ method: "GET", path: "/firmware/campaigns/{id}", operationId: "getFirmwareCampaign", summary: "A campaign's status: its waves and every asset's update state", roles: R, params: ZCampaignId, response: ZCampaignDetail, handler: (deps, _a, { params }) => getCampaign(deps, params.id) }),
  route({ method: "POST", path: "/firmware/campaigns/{id}/start", operationId: "startFirmwareCampaign", summary: "Start (or resume) a draft or paused campaign: the workers update its waves", roles: W, params: ZCampaignId, body: ZCampaignVersion, response: ZCampaignDetail, handler: (deps, actor, { params, body }) => startCampaign(deps, actor, { id: params.id, ...body }) }),
  route({ method: "POST", path: "/firmware/campaigns/{id}/pause", operationId: "pauseFirmwareCampaign", summary: "Pause a campaign: no new update starts, the ones in flight finish", roles: W, params: ZCampaignId, body: ZCampaignVersion, response: ZCampaignDetail, handler: (deps, actor, { params, body }) => pauseCampaign(deps, actor, { id: params.id, ...body }) }),
];
