/** Warehouse: labels and printers, moves and transfers, RFID reads, cycle counts. Inputs and outputs. */
import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE, type TRole } from "../../auth/roles";
import { LABEL_FORMATS, STOCKS } from "./labels";

/** Who works the warehouse (moves, transfers, counts, printing, RFID feeds). */
export const WAREHOUSE_WRITERS: readonly TRole[] = ["admin", "warehouse"];
/** Who reads warehouse state (bin contents, counts, KPIs, label downloads). */
export const WAREHOUSE_READERS: readonly TRole[] = ANY_ROLE;
/** Who configures printers and readers and names warehouse leads. */
export const WAREHOUSE_ADMINS: readonly TRole[] = ADMIN_ONLY;

const id = z.string().trim().min(1, "Required").max(64);
const code = z.string().trim().min(1, "Scan or type a code").max(128, "At most 128 characters");

export const ZStock = z.enum(STOCKS, { error: "stock is one of 2x1, 4x6, a4" });
export const ZLabelFormat = z.enum(LABEL_FORMATS, { error: "format is pdf or zpl" });

// ---------------------------------------------------------------- labels and printers

export const ZLabelQuery = z.object({ format: ZLabelFormat.default("pdf"), stock: ZStock.default("2x1") });
export const ZAssetIdParam = z.object({ id });

export const ZLabelBatch = z
  .object({
    assetIds: z.array(id).max(1000, "At most 1000 assets in one batch").optional(),
    locationIds: z.array(id).max(1000, "At most 1000 locations in one batch").optional(),
    format: ZLabelFormat,
    stock: ZStock,
  })
  .refine((b) => (b.assetIds?.length ?? 0) + (b.locationIds?.length ?? 0) > 0, { message: "Give assetIds or locationIds (or both).", path: ["assetIds"] });
export type TLabelBatch = z.infer<typeof ZLabelBatch>;

export const ZLabelFile = z.object({ filename: z.string(), contentType: z.string(), base64: z.string(), labels: z.number().int() });

export const ZPrinterInput = z.object({
  name: z.string().trim().min(1, "Give the printer a name").max(80),
  host: z
    .string()
    .trim()
    .min(1, "The printer's host name or IP address")
    .max(253)
    .regex(/^[A-Za-z0-9.:-]+$/, "A host name or IP address (letters, digits, dots, dashes, colons)"),
  port: z.number().int().min(1).max(65535).default(9100),
  language: z.enum(["zpl", "pdf"], { error: "language is zpl (Zebra) or pdf (printers that print PDF on their raw port)" }).default("zpl"),
  siteId: id.nullish(),
});
export const ZPrinterUpdate = ZPrinterInput.partial().extend({ id });
export const ZPrinter = z.object({ id: z.string(), name: z.string(), host: z.string(), port: z.number().int(), language: z.string(), siteId: z.string().nullable() });
export const ZPrinters = z.array(ZPrinter);

export const ZPrintInput = z.object({ printerId: id, assetIds: z.array(id).max(1000).optional(), locationIds: z.array(id).max(1000).optional(), stock: ZStock });
export const ZPrintJob = z.object({ id: z.string(), printerId: z.string(), format: z.string(), stock: z.string(), labels: z.number().int(), status: z.string(), bytes: z.number().int().nullable(), error: z.string().nullable(), createdAt: z.date(), sentAt: z.date().nullable() });
export const ZPrintJobs = z.array(ZPrintJob);

// ---------------------------------------------------------------- moves and transfers

export const MOVE_OUTCOMES = ["moved", "already_there", "not_found", "ambiguous", "in_transit", "refused"] as const;
export const ZMoveInput = z
  .object({
    /** the destination: its id, or the code on its label ("FRA1/B-01") */
    locationId: id.optional(),
    locationCode: code.optional(),
    /** what was scanned: asset tags, serials or EPCs */
    codes: z.array(code).max(500, "At most 500 codes in one move").default([]),
    assetIds: z.array(id).max(500).default([]),
  })
  .refine((m) => m.locationId || m.locationCode, { message: "Give locationId or locationCode (scan the bin first).", path: ["locationId"] })
  .refine((m) => m.codes.length + m.assetIds.length > 0, { message: "Scan at least one asset.", path: ["codes"] });
export type TMoveInput = z.input<typeof ZMoveInput>;

export const ZMoveLine = z.object({ code: z.string(), outcome: z.enum(MOVE_OUTCOMES), message: z.string(), assetId: z.string().optional(), fromLocationId: z.string().nullable().optional() });
export const ZMoveResult = z.object({ location: z.object({ id: z.string(), path: z.string(), kind: z.string() }), lines: z.array(ZMoveLine), moved: z.number().int() });

export const ZLocationRef = z.object({ locationId: id.optional(), code: code.optional() }).refine((r) => r.locationId || r.code, { message: "Give locationId or code.", path: ["locationId"] });
export const ZBinContents = z.object({
  location: z.object({ id: z.string(), path: z.string(), kind: z.string(), name: z.string() }),
  assets: z.array(z.object({ id: z.string(), serial: z.string(), assetTag: z.string().nullable(), status: z.string(), model: z.string(), locationId: z.string().nullable(), locationPath: z.string().nullable() })),
  truncated: z.boolean(),
});

export const ZTransferInput = z.object({
  toSiteId: id,
  toLocationId: id.nullish(),
  codes: z.array(code).max(500).default([]),
  assetIds: z.array(id).max(500).default([]),
  carrier: z.string().trim().max(80).nullish(),
  tracking: z.string().trim().max(80).nullish(),
});
export const ZTransferReceive = z.object({ id, toLocationId: id.nullish() });
export const ZTransfer = z.object({
  id: z.string(),
  fromSiteId: z.string(),
  toSiteId: z.string(),
  toLocationId: z.string().nullable(),
  status: z.string(),
  carrier: z.string().nullable(),
  tracking: z.string().nullable(),
  shippedBy: z.string(),
  shippedAt: z.date(),
  receivedBy: z.string().nullable(),
  receivedAt: z.date().nullable(),
  lines: z.array(z.object({ assetId: z.string(), fromLocationId: z.string().nullable(), receivedAt: z.date().nullable() })),
});
export const ZTransfers = z.array(ZTransfer.omit({ lines: true }).extend({ assets: z.number().int() }));

// ---------------------------------------------------------------- RFID

export const ZReaderInput = z.object({
  id: z.string().trim().min(1, "The reader's id as it reports it (hostname)").max(64).regex(/^[A-Za-z0-9._:-]+$/, "Letters, digits, . _ : -"),
  name: z.string().trim().min(1).max(80),
  siteId: id,
  locationId: id.nullish(),
});
export const ZReader = z.object({ id: z.string(), name: z.string(), siteId: z.string(), locationId: z.string().nullable() });
export const ZReaders = z.array(ZReader);

export const ZRfidRead = z.object({
  epc: z.string().trim().min(1, "epc: the tag's EPC in hex").max(64),
  antenna: z.number().int().min(0).max(64).optional(),
  rssi: z.number().min(-200).max(50).optional(),
  seenAt: z.coerce.date({ error: "seenAt: an ISO 8601 time" }),
});
export const ZRfidBatch = z.object({ readerId: z.string().trim().min(1).max(64), reads: z.array(ZRfidRead).min(1, "Send at least one read").max(20000, "At most 20000 reads in one batch") });
export type TRfidBatch = z.infer<typeof ZRfidBatch>;
export const ZRfidAnswer = z.object({
  epc: z.string(),
  scheme: z.string(),
  gtin: z.string().optional(),
  serial: z.string().optional(),
  assetRef: z.string().optional(),
  assetId: z.string().optional(),
});
export const ZRfidReadsOut = z.object({ readerId: z.string(), reads: z.array(ZRfidAnswer), counted: z.number().int() });

export const ZBindTag = z.object({ epc: z.string().trim().min(1).max(64), assetId: id });
export const ZBinding = z.object({ epc: z.string(), scheme: z.string(), assetId: z.string(), gtin: z.string().optional(), serial: z.string().optional() });
export const ZEncodeTag = z.object({ assetId: id });

// ---------------------------------------------------------------- cycle counts

export const COUNT_RESULTS = ["PENDING", "FOUND", "ELSEWHERE", "MISSING", "UNEXPECTED"] as const;
export const ZCountOpen = z.object({ locationId: id });
export const ZCountId = z.object({ id });
export const ZCountScan = z.object({ id, codes: z.array(code).min(1).max(20000), locationId: id.nullish(), source: z.enum(["scan", "rfid"]).default("scan") });
export const ZCountLine = z.object({
  id: z.string(),
  assetId: z.string().nullable(),
  code: z.string(),
  serial: z.string().nullable(),
  assetTag: z.string().nullable(),
  model: z.string().nullable(),
  expectedLocationId: z.string().nullable(),
  expectedPath: z.string().nullable(),
  foundLocationId: z.string().nullable(),
  foundPath: z.string().nullable(),
  result: z.enum(COUNT_RESULTS),
  seenAt: z.date().nullable(),
  adjusted: z.boolean(),
});
export const ZCountTotals = z.object({ expected: z.number().int(), found: z.number().int(), elsewhere: z.number().int(), missing: z.number().int(), unexpected: z.number().int(), pending: z.number().int() });
export const ZCount = z.object({
  id: z.string(),
  locationId: z.string(),
  locationPath: z.string(),
  siteId: z.string(),
  status: z.string(),
  openedBy: z.string(),
  openedAt: z.date(),
  reconciledAt: z.date().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.date().nullable(),
  totals: ZCountTotals,
});
export const ZCountDetail = ZCount.extend({ lines: z.array(ZCountLine) });
export const ZCounts = z.array(ZCount);
export const ZCountListInput = z.object({ status: z.enum(["OPEN", "RECONCILED", "APPROVED", "CANCELLED"]).optional(), siteId: id.optional() }).optional();
export const ZScanOut = z.object({ lines: z.array(z.object({ code: z.string(), result: z.enum(COUNT_RESULTS), assetId: z.string().nullable(), message: z.string() })), totals: ZCountTotals });

export const ZAccuracyInput = z.object({
  siteId: id.optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export const ZAccuracy = z.object({
  sites: z.array(z.object({ siteId: z.string(), sitePath: z.string(), counted: z.number().int(), found: z.number().int(), accuracy: z.number().nullable(), counts: z.number().int() })),
  counted: z.number().int(),
  found: z.number().int(),
  accuracy: z.number().nullable(),
});
export const ZLeadInput = z.object({ userId: id, lead: z.boolean() });
export const ZLeads = z.array(z.object({ userId: z.string(), username: z.string(), displayName: z.string() }));
