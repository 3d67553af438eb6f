/** Receiving's REST routes (/api/v1), for scanners and integrations; built from ./schema.ts, assembled by server/rest. */
import { route, type TRoute } from "../../rest/route";
import { closeReceipt, createReceipt, flagDamaged, getReceipt, importAsn } from "./service";
import { scan } from "./scan";
import { RECEIPT_READERS, RECEIVERS, SCAN_OUTCOMES, ZAsnInput, ZAsnOut, ZDamageInput, ZReceiptCreate, ZReceiptId, ZReceiptOut, ZScanInput, ZScanOut } from "./schema";

const NO_RECEIPT = "No such receipt";

export const receivingRestRoutes: TRoute[] = [
  route({ method: "POST", path: "/receipts", operationId: "createReceipt", summary: "Start a receipt against a PO (poId, or a scanned PO number / ASN reference as code) at a receiving bin; an open receipt of the PO at that bin is returned as is", roles: RECEIVERS, body: ZReceiptCreate, response: ZReceiptOut, status: 201, handler: (deps, actor, { body }) => createReceipt(deps, actor, body) }),
  route({ method: "GET", path: "/receipts/{id}", operationId: "getReceipt", summary: "A receipt: counters per line (received / ordered), received asset ids, ASN serials not yet scanned, recent scans, the discrepancy report once closed", roles: RECEIPT_READERS, params: ZReceiptId, response: ZReceiptOut, notFound: NO_RECEIPT, handler: (deps, _a, { params }) => getReceipt(deps, params.id) }),
  route({
    method: "POST",
    path: "/receipts/{id}/scans",
    operationId: "scanReceipt",
    summary: `One scan (serial, model/part barcode or pre-printed tag). Idempotent by clientScanId: a repeated id gets the first answer and writes nothing. outcome is one of ${SCAN_OUTCOMES.join(", ")}; ok outcomes: received, already_received, line_selected, tag_bound. Answers 200 for every outcome.`,
    roles: RECEIVERS,
    params: ZReceiptId,
    body: ZScanInput,
    response: ZScanOut,
    notFound: NO_RECEIPT,
    handler: (deps, actor, { params, body }) => scan(deps, actor, params.id, body),
  }),
  route({ method: "POST", path: "/receipts/{id}/damaged", operationId: "flagDamaged", summary: "Flag a unit received on this receipt as damaged or dead on arrival (→ FAILED, counted as DOA) with a reason", roles: RECEIVERS, params: ZReceiptId, body: ZDamageInput, response: ZReceiptOut, notFound: NO_RECEIPT, handler: (deps, actor, { params, body }) => flagDamaged(deps, actor, params.id, body) }),
  route({ method: "POST", path: "/receipts/{id}/close", operationId: "closeReceipt", summary: "Close a receipt: the discrepancy report (short, over, wrong model, damaged, expected but not scanned), and the PO moves to partially received / received", roles: RECEIVERS, params: ZReceiptId, response: ZReceiptOut, notFound: NO_RECEIPT, handler: (deps, actor, { params }) => closeReceipt(deps, actor, params.id) }),
  route({ method: "POST", path: "/asns", operationId: "importAsn", summary: "Import an advance ship notice for a PO: JSON lines [{carton, partNumber, serial, mac?}] or csv (header carton,partNumber,serial[,mac]); every bad line is reported, nothing is imported when any line is bad", roles: RECEIVERS, body: ZAsnInput, response: ZAsnOut, status: 201, handler: (deps, actor, { body }) => importAsn(deps, actor, body) }),
];
