/** Warehouse REST routes (/api/v1): labels, moves, transfers, RFID reads and tags, cycle counts. */
import { z } from "zod";
import { route, type TRoute } from "../../rest/route";
import { approveCount, getCount, inventoryAccuracy, listCounts, openCount, reconcileCount, scanCount } from "./counts";
import { binContents, getTransfer, moveAssets, receiveTransfer, shipTransfer } from "./moves";
import { assetLabel, labelBatch, labelFile } from "./printing";
import { bindTag, readsFromBody, recordReads } from "./rfid";
import {
  WAREHOUSE_READERS as R,
  WAREHOUSE_WRITERS as W,
  ZAccuracy,
  ZAccuracyInput,
  ZAssetIdParam,
  ZBinContents,
  ZBinding,
  ZBindTag,
  ZCountDetail,
  ZCountId,
  ZCountOpen,
  ZCounts,
  ZLabelBatch,
  ZLabelFile,
  ZLabelQuery,
  ZMoveInput,
  ZMoveResult,
  ZRfidBatch,
  ZRfidReadsOut,
  ZScanOut,
  ZTransfer,
  ZTransferInput,
} from "./schema";

const FILE = { contentTypes: ["application/pdf", "application/zpl; charset=utf-8"] };

export const warehouseRestRoutes: TRoute[] = [
  route({
    method: "GET",
    path: "/assets/{id}/label",
    operationId: "getAssetLabel",
    summary: "An asset's label as PDF or ZPL II (?format=pdf|zpl&stock=2x1|4x6|a4; A4 sheets are PDF only)",
    roles: R,
    params: ZAssetIdParam,
    query: ZLabelQuery,
    response: ZLabelFile,
    file: FILE,
    notFound: "No such asset",
    handler: async (deps, _a, { params, query }) => {
      const r = await assetLabel(deps, params.id, query.format, query.stock);
      return labelFile(`label-${r.labels[0]!.kind === "asset" ? (r.labels[0]!.tag ?? r.labels[0]!.serial) : params.id}`, query.format, r.body, 1);
    },
  }),
  route({
    method: "POST",
    path: "/labels/batch",
    operationId: "labelBatch",
    summary: "Labels for several assets and/or bin and rack locations in one PDF or ZPL document ({assetIds?, locationIds?, format, stock})",
    roles: R,
    body: ZLabelBatch,
    response: ZLabelFile,
    file: FILE,
    handler: async (deps, _a, { body }) => {
      const r = await labelBatch(deps, body);
      return labelFile(`labels-${r.labels.length}`, r.format, r.body, r.labels.length);
    },
  }),
  route({
    method: "POST",
    path: "/moves",
    operationId: "moveAssets",
    summary: "Move assets to a bin, rack or room: {locationId | locationCode, codes: [tag | serial | EPC], assetIds?}; one line per code with its outcome (moved, already_there, not_found, ambiguous, in_transit, refused)",
    roles: W,
    body: ZMoveInput,
    response: ZMoveResult,
    handler: (deps, actor, { body }) => moveAssets(deps, actor, body),
  }),
  route({ method: "GET", path: "/locations/{id}/contents", operationId: "binContents", summary: "The assets in a bin, rack or room (and below it)", roles: R, params: ZAssetIdParam, response: ZBinContents, notFound: "No such location", handler: (deps, _a, { params }) => binContents(deps, { locationId: params.id }) }),
  route({ method: "POST", path: "/transfers", operationId: "shipTransfer", summary: "Ship assets to another site: {toSiteId, toLocationId?, codes | assetIds, carrier?, tracking?}; they are in transit until received", roles: W, body: ZTransferInput, response: ZTransfer, status: 201, handler: (deps, actor, { body }) => shipTransfer(deps, actor, body) }),
  route({ method: "GET", path: "/transfers/{id}", operationId: "getTransfer", summary: "A transfer with its assets", roles: R, params: ZCountId, response: ZTransfer, notFound: "No such transfer", handler: (deps, _a, { params }) => getTransfer(deps, params.id) }),
  route({
    method: "POST",
    path: "/transfers/{id}/receive",
    operationId: "receiveTransfer",
    summary: "Receive a shipped transfer at its destination ({toLocationId?}: default the transfer's receiving location, else the site)",
    roles: W,
    params: ZCountId,
    body: z.object({ toLocationId: z.string().min(1).nullish() }),
    response: ZTransfer,
    notFound: "No such transfer",
    handler: (deps, actor, { params, body }) => receiveTransfer(deps, actor, { id: params.id, toLocationId: body.toLocationId }),
  }),
  route({
    method: "POST",
    path: "/rfid/reads",
    operationId: "rfidReads",
    summary: "RFID reads: {readerId, reads: [{epc, antenna?, rssi?, seenAt}]}, Impinj IoT device interface tagInventory events, or Zebra IoT Connector data events (several JSON objects may be run together; ?readerId= names the reader for the vendors' formats). Each read is answered {epc, scheme, gtin?, serial?, assetRef?, assetId?}",
    roles: W,
    body: z.array(ZRfidBatch).min(1),
    rawBody: { description: "One or more JSON values: our batch, Impinj tagInventory events or Zebra data events", parse: (text, q) => readsFromBody(text, q.readerId || undefined) },
    response: z.object({ batches: z.array(ZRfidReadsOut) }),
    handler: async (deps, actor, { body }) => ({ batches: await recordReads(deps, actor, body) }),
  }),
  route({ method: "POST", path: "/rfid/tags", operationId: "bindRfidTag", summary: "Bind a tag's EPC (an OEM SGTIN-96 tag, or any 96-bit EPC) to an asset", roles: W, body: ZBindTag, response: ZBinding, status: 201, handler: (deps, actor, { body }) => bindTag(deps, actor, body) }),
  route({ method: "GET", path: "/cycle-counts", operationId: "listCycleCounts", summary: "Cycle counts, newest first", roles: R, response: z.object({ items: ZCounts }), handler: async (deps) => ({ items: await listCounts(deps) }) }),
  route({ method: "POST", path: "/cycle-counts", operationId: "openCycleCount", summary: "Open a cycle count for a bin, rack or room ({locationId}); the assets recorded there are the expected lines", roles: W, body: ZCountOpen, response: ZCountDetail, status: 201, handler: (deps, actor, { body }) => openCount(deps, actor, body) }),
  route({ method: "GET", path: "/cycle-counts/{id}", operationId: "getCycleCount", summary: "A cycle count with its lines (FOUND, ELSEWHERE, MISSING, UNEXPECTED, PENDING)", roles: R, params: ZCountId, response: ZCountDetail, notFound: "No such cycle count", handler: (deps, _a, { params }) => getCount(deps, params.id) }),
  route({
    method: "POST",
    path: "/cycle-counts/{id}/scans",
    operationId: "scanCycleCount",
    summary: "Codes seen in a count ({codes: [tag | serial | EPC], locationId?: the bin they were in, source?: scan | rfid})",
    roles: W,
    params: ZCountId,
    body: z.object({ codes: z.array(z.string().trim().min(1).max(128)).min(1).max(20000), locationId: z.string().min(1).nullish(), source: z.enum(["scan", "rfid"]).default("scan") }),
    response: ZScanOut,
    notFound: "No such cycle count",
    handler: (deps, actor, { params, body }) => scanCount(deps, actor, { id: params.id, ...body }),
  }),
  route({ method: "POST", path: "/cycle-counts/{id}/reconcile", operationId: "reconcileCycleCount", summary: "Close scanning: expected lines not seen become MISSING", roles: W, params: ZCountId, response: ZCountDetail, notFound: "No such cycle count", handler: (deps, actor, { params }) => reconcileCount(deps, actor, params.id) }),
  route({ method: "POST", path: "/cycle-counts/{id}/approve", operationId: "approveCycleCount", summary: "Approve a reconciled count's adjustments (admin, or a warehouse lead): misplaced assets move to where they were found, missing ones lose their location", roles: W, params: ZCountId, response: ZCountDetail, notFound: "No such cycle count", handler: (deps, actor, { params }) => approveCount(deps, actor, params.id) }),
  route({ method: "GET", path: "/kpis/inventory-accuracy", operationId: "inventoryAccuracy", summary: "Inventory accuracy per site: FOUND lines ÷ lines counted over counts reconciled in [from, to)", roles: R, query: ZAccuracyInput, response: ZAccuracy, handler: (deps, _a, { query }) => inventoryAccuracy(deps, query) }),
];
