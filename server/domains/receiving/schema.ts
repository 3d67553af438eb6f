/**
 * Receiving: what a receipt, a scan, an ASN and the receiving settings look like (zod), shared by the
 * tRPC procedures, the REST routes (/api/v1/receipts, /api/v1/asns) and the tablet page.
 */
import { z } from "zod";

/** Who receives goods (writes receipts, scans, ASNs); everyone who may read purchase orders reads receipts. */
export const RECEIVERS = ["admin", "warehouse"] as const;
export const RECEIPT_READERS = ["admin", "warehouse", "procurement", "viewer"] as const;
/** Who changes the receiving settings (asset tag format, default bin). */
export const RECEIVING_ADMINS = ["admin"] as const;

/**
 * Every answer a scan can get. `ok` outcomes are green on the tablet; the rest are red with one line why.
 * - received: the serial was bound to one of the PO's ordered units, which is now RECEIVED at the bin
 * - already_received: this serial was already received on this PO (nothing written again)
 * - line_selected: a model/part barcode of a PO line: the following serials go to that line
 * - tag_bound: a pre-printed asset tag was bound to the unit received just before
 * - unknown_model: the serial cannot be tied to a line (several lines, no line chosen, not on an ASN)
 * - not_on_po: a model (or line) that is not on this PO: set the unit aside (wrong model)
 * - over_receipt: every unit of the line is already received: set the unit aside (over)
 * - po_closed: the receipt is closed, or the PO is not open for receiving (draft, received, closed, cancelled)
 * - invalid_serial: not a plausible serial (length 3–64; letters, digits and . _ - / : #)
 * - known_elsewhere: the serial belongs to another asset of the same manufacturer
 * - po_barcode: a purchase order / receipt / placeholder barcode where a serial was expected
 * - tag_refused: a pre-printed tag that cannot be bound (no unit before it, or the tag is taken)
 */
export const SCAN_OUTCOMES = ["received", "already_received", "line_selected", "tag_bound", "unknown_model", "not_on_po", "over_receipt", "po_closed", "invalid_serial", "known_elsewhere", "po_barcode", "tag_refused"] as const;
export type TScanOutcome = (typeof SCAN_OUTCOMES)[number];
export const OK_OUTCOMES: readonly TScanOutcome[] = ["received", "already_received", "line_selected", "tag_bound"];
export const ZScanOutcome = z.enum(SCAN_OUTCOMES);

const id = z.string().trim().min(1).max(64);

export const ZClientScanId = z
  .string()
  .trim()
  .min(8, "clientScanId is the scanner's own id for this scan (8–64 characters, e.g. a UUID)")
  .max(64, "clientScanId is at most 64 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "clientScanId may contain letters, digits and _ . : - only");

export const ZScanInput = z.object({
  code: z.string().max(256, "A scanned code is at most 256 characters"),
  clientScanId: ZClientScanId,
  poLineId: id.optional().describe("the PO line the serial belongs to (else the model barcode scanned before, the ASN, or the PO's only line)"),
  assetId: id.optional().describe("pre-printed tags: the unit received just before, to bind the scanned tag to"),
});
export type TScanInput = z.infer<typeof ZScanInput>;

export const ZLineCounter = z.object({ poLineId: z.string(), lineNo: z.number().int(), modelId: z.string().nullable(), partNumber: z.string().nullable(), modelName: z.string().nullable(), received: z.number().int(), ordered: z.number().int(), damaged: z.number().int() });
export type TLineCounter = z.infer<typeof ZLineCounter>;

export const ZScanOut = z.object({
  outcome: ZScanOutcome,
  ok: z.boolean(),
  message: z.string().describe("one line for the person at the scanner"),
  code: z.string(),
  assetId: z.string().optional(),
  assetTag: z.string().nullable().optional(),
  poLineId: z.string().optional(),
  replayed: z.boolean().describe("true when this clientScanId was seen before: the stored answer, nothing written"),
  counters: z.array(ZLineCounter),
});
export type TScanOut = z.infer<typeof ZScanOut>;

export const ZReceiptCreate = z
  .object({
    poId: id.optional(),
    code: z.string().trim().min(1).max(128).optional().describe("a scanned PO number (PO-000001) or ASN reference instead of poId"),
    binId: id.optional().describe("the receiving bin (else the default bin in the receiving settings)"),
  })
  .refine((x) => x.poId || x.code, { message: "Choose a purchase order (poId) or scan its barcode (code)", path: ["poId"] });
export type TReceiptCreate = z.infer<typeof ZReceiptCreate>;

export const ZReceiptId = z.object({ id });
export const ZReceiptListQuery = z.object({ status: z.enum(["OPEN", "CLOSED"]).optional() });
export const ZDamageInput = z.object({ assetId: id, reason: z.string().trim().min(3, "Say what is wrong (at least 3 characters)").max(500) });

export const ZDiscrepancy = z.object({
  short: z.array(z.object({ poLineId: z.string(), lineNo: z.number().int(), partNumber: z.string().nullable(), ordered: z.number().int(), received: z.number().int(), missing: z.number().int() })),
  over: z.array(z.object({ poLineId: z.string(), lineNo: z.number().int(), code: z.string() })),
  wrongModel: z.array(z.object({ code: z.string(), message: z.string() })),
  damaged: z.array(z.object({ assetId: z.string(), serial: z.string(), reason: z.string() })),
  expectedNotScanned: z.array(z.object({ carton: z.string(), partNumber: z.string(), serial: z.string() })),
});
export type TDiscrepancy = z.infer<typeof ZDiscrepancy>;

export const ZScanRow = z.object({ id: z.string(), clientScanId: z.string(), code: z.string(), outcome: ZScanOutcome, message: z.string(), poLineId: z.string().nullable(), assetId: z.string().nullable(), at: z.date() });

export const ZReceiptOut = z.object({
  id: z.string(),
  number: z.string(),
  poId: z.string(),
  poNumber: z.string(),
  poStatus: z.string(),
  vendorName: z.string(),
  status: z.enum(["OPEN", "CLOSED"]),
  bin: z.object({ id: z.string(), path: z.string() }).nullable(),
  tagMode: z.enum(["GENERATE", "PREPRINTED"]),
  tagPattern: z.string().describe("what a pre-printed tag looks like, e.g. IL-000123"),
  createdAt: z.date(),
  closedAt: z.date().nullable(),
  counters: z.array(ZLineCounter),
  receivedAssetIds: z.array(z.string()),
  expectedNotScanned: z.array(z.object({ carton: z.string(), partNumber: z.string(), serial: z.string() })),
  recentScans: z.array(ZScanRow),
  report: ZDiscrepancy.nullable(),
});
export type TReceiptOut = z.infer<typeof ZReceiptOut>;

export const ZReceiptItems = z.object({ items: z.array(ZReceiptOut.pick({ id: true, number: true, poId: true, poNumber: true, status: true, createdAt: true, closedAt: true })) });
export const ZOpenPos = z.object({ items: z.array(z.object({ id: z.string(), number: z.string(), vendorName: z.string(), status: z.string(), ordered: z.number().int(), received: z.number().int() })) });

// ------------------------------------------------------------------ ASN

const MAC = /^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/;

/** One ASN line as a vendor sends it (CSV columns or JSON keys of the same names). */
export const ZAsnLine = z.object({
  carton: z.string().trim().min(1, "carton is empty").max(64, "carton is at most 64 characters"),
  partNumber: z.string().trim().min(1, "partNumber is empty").max(64).transform((s) => s.toUpperCase()),
  serial: z.string().max(128),
  mac: z
    .string()
    .trim()
    .optional()
    .refine((m) => !m || MAC.test(m), "mac is not a MAC address (12 hex digits, optionally separated by : or -)")
    .transform((m) => (m ? m.replace(/[:-]/g, "").toUpperCase().match(/../g)!.join(":") : undefined)),
});
export type TAsnLine = z.infer<typeof ZAsnLine>;

export const ZAsnInput = z
  .object({
    poId: id,
    reference: z.string().trim().min(1, "Give the ASN's reference (the vendor's shipment number)").max(64),
    lines: z.array(z.unknown()).max(20_000, "At most 20,000 lines per ASN").optional(),
    csv: z.string().max(4_000_000).optional().describe("CSV with the header carton,partNumber,serial[,mac] instead of lines"),
  })
  .refine((x) => (x.lines ? 1 : 0) + (x.csv !== undefined ? 1 : 0) === 1, { message: "Send either lines (JSON) or csv, not both", path: ["lines"] });
export type TAsnInput = z.infer<typeof ZAsnInput>;

export const ZAsnOut = z.object({ id: z.string(), poId: z.string(), reference: z.string(), lineCount: z.number().int(), cartons: z.number().int() });

export const ZReceivingSettings = z.object({
  tagMode: z.enum(["GENERATE", "PREPRINTED"]),
  tagPrefix: z.string().trim().toUpperCase().regex(/^[A-Z][A-Z0-9-]{0,11}$/, "A tag prefix is 1–12 letters, digits or -, starting with a letter"),
  tagDigits: z.number().int().min(3, "At least 3 digits").max(12, "At most 12 digits"),
  tagNext: z.number().int().min(1).max(999_999_999_999),
  defaultBinId: z.string().nullable(),
});
export type TReceivingSettings = z.infer<typeof ZReceivingSettings>;
