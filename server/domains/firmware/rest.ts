/** Firmware's REST routes (/api/v1), built from ./schema.ts; server/rest assembles them. */
import { route, type TRoute } from "../../rest/route";
import { drift, exportBaselines, firmwareLag, importBaselines, listBaselines, saveBaseline } from "./service";
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
];
