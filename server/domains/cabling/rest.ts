/** Racking and cabling REST routes (/api/v1): elevations, placements, cables and their labels, cable status. */
import { z } from "zod";
import { route, type TRoute } from "../../rest/route";
import { cableLabels, cablingBoard, confirmPlacement, createCable, deleteCable, importPlacementsCsv, listCables, listPlacements, planPlacement, rackElevation, updateCable } from "./service";
import { CABLING_READERS as R, CABLING_WRITERS as W, ZCable, ZCableInput, ZCables, ZCablingBoard, ZCsvResult, ZElevation, ZId, ZLabelFile, ZPlacement, ZPlacementConfirm, ZPlacementCsv, ZPlacementPlan, ZPlacements } from "./schema";

const ZRackParam = z.object({ id: z.string().min(1).max(64) });
const ZFaceQuery = z.object({ face: z.enum(["front", "rear"]).default("front") });
const ZLabelQ = z.object({ format: z.enum(["pdf", "zpl"]).default("pdf"), stock: z.enum(["2x1", "4x6"]).default("2x1") });
const NO_RACK = "No such rack";
const NO_CABLE = "No such cable";

export const cablingRestRoutes: TRoute[] = [
  route({ method: "GET", path: "/racks/{id}/elevation", operationId: "getRackElevation", summary: "A rack's elevation: its devices (standing and planned), units used and reserved, power drawn against the budget, and the front and rear SVG", roles: R, params: ZRackParam, response: ZElevation, notFound: NO_RACK, handler: (deps, _a, { params }) => rackElevation(deps, params.id) }),
  route({
    method: "GET",
    path: "/racks/{id}/elevation.svg",
    operationId: "getRackElevationSvg",
    summary: "A rack's elevation as an SVG drawing (?face=front|rear)",
    roles: R,
    params: ZRackParam,
    query: ZFaceQuery,
    response: ZLabelFile.omit({ labels: true }),
    file: { contentTypes: ["image/svg+xml"] },
    notFound: NO_RACK,
    handler: async (deps, _a, { params, query }) => {
      const e = await rackElevation(deps, params.id);
      return { filename: `elevation-${e.rack.code}-${query.face}.svg`, contentType: "image/svg+xml", base64: Buffer.from(query.face === "rear" ? e.rear : e.front).toString("base64") };
    },
  }),
  route({ method: "GET", path: "/racks/{id}/placements", operationId: "listRackPlacements", summary: "A rack's placements (planned and racked), lowest U first", roles: R, params: ZRackParam, response: ZPlacements, notFound: NO_RACK, handler: (deps, _a, { params }) => listPlacements(deps, { rackId: params.id }) }),
  route({ method: "POST", path: "/placements", operationId: "planPlacement", summary: "Plan an asset into a rack position ({assetId, rackId, rackUnit, face}); checked for height, overlap with placed and planned devices, power budget and weight", roles: W, body: ZPlacementPlan, response: ZPlacement, status: 201, handler: (deps, actor, { body }) => planPlacement(deps, actor, body) }),
  route({
    method: "POST",
    path: "/placements/import",
    operationId: "importPlacements",
    summary: "Plan placements from CSV (header asset,rack,u[,face]; JSON {csv} or text/csv): every bad line is reported with its number, nothing is planned when one is bad",
    roles: W,
    body: ZPlacementCsv,
    textBody: { contentType: "text/csv", query: z.object({}), toBody: (csv) => ({ csv }) },
    response: ZCsvResult,
    status: 201,
    handler: (deps, actor, { body }) => importPlacementsCsv(deps, actor, body),
  }),
  route({ method: "POST", path: "/placements/confirm", operationId: "confirmPlacement", summary: "A technician racks an asset from its plan: the scanned rack label and asset, and the U it was mounted at (checked again) → the asset is RACKED there", roles: W, body: ZPlacementConfirm, response: ZPlacement, handler: (deps, actor, { body }) => confirmPlacement(deps, actor, body) }),
  route({ method: "GET", path: "/racks/{id}/cables", operationId: "listRackCables", summary: "The planned cables with an end in this rack, with their verification state", roles: R, params: ZRackParam, response: ZCables, notFound: NO_RACK, handler: (deps, _a, { params }) => listCables(deps, { rackId: params.id }) }),
  route({ method: "GET", path: "/racks/{id}/cabling", operationId: "getRackCabling", summary: "Cable status per port of every device in a rack (verified, wrong port, missing, unexpected, pending)", roles: R, params: ZRackParam, response: ZCablingBoard, notFound: NO_RACK, handler: (deps, _a, { params }) => cablingBoard(deps, { rackId: params.id }) }),
  route({ method: "GET", path: "/assets/{id}/cabling", operationId: "getAssetCabling", summary: "Cable status per port of one device (a switch or a server)", roles: R, params: ZRackParam, response: ZCablingBoard, notFound: "No such asset", handler: (deps, _a, { params }) => cablingBoard(deps, { assetId: params.id }) }),
  route({ method: "POST", path: "/cables", operationId: "createCable", summary: "Plan a cable port to port ({label, aAssetId, aPort, bAssetId, bPort, type, lengthM})", roles: W, body: ZCableInput, response: ZCable, status: 201, handler: (deps, actor, { body }) => createCable(deps, actor, body) }),
  route({ method: "POST", path: "/cables/{id}", operationId: "updateCable", summary: "Change a planned cable (moving an end resets its verification)", roles: W, params: ZId, body: ZCableInput.partial(), response: ZCable, notFound: NO_CABLE, handler: (deps, actor, { params, body }) => updateCable(deps, actor, { id: params.id, data: body }) }),
  route({ method: "POST", path: "/cables/{id}/delete", operationId: "deleteCable", summary: "Remove a cable from the plan", roles: W, params: ZId, response: ZId, notFound: NO_CABLE, handler: (deps, actor, { params }) => deleteCable(deps, actor, params.id) }),
  route({ method: "GET", path: "/cables/{id}/labels", operationId: "getCableLabels", summary: "A cable's labels, one per end (A, B), as PDF or ZPL II (?format=pdf|zpl&stock=2x1|4x6)", roles: R, params: ZId, query: ZLabelQ, response: ZLabelFile, file: { contentTypes: ["application/pdf", "application/zpl; charset=utf-8"] }, notFound: NO_CABLE, handler: (deps, _a, { params, query }) => cableLabels(deps, { id: params.id, ...query }) }),
];
