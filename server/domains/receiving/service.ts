/**
 * Receiving against purchase orders (issue 11): receipts, damaged-at-receipt, closing with a
 * discrepancy report, ASN import, and the receiving settings (asset tag format, default bin).
 * The scan itself, the hot path, is ./scan.ts.
 *
 * How an ordered unit becomes a received asset: issuing a PO created one ORDERED placeholder asset per
 * unit (procurement/orders.ts); a scan binds the real serial (and a generated or pre-printed asset tag,
 * and the receiving bin) to one of them and moves it ORDERED → IN_TRANSIT → RECEIVED through the
 * lifecycle, all in one transaction. The two moves keep the lifecycle's one path (a delivery is in
 * transit before it is received) without a shortcut any page could offer.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { transitionInTx } from "../assets/service";
import { isPlaceholderSerial, normaliseSerial } from "../../contracts/normalise";
import { syncReceipts } from "../procurement/service";
import { listVendors } from "../catalog/service";
import { lineCounters, receiptInfo } from "./scan";
import { flushSyncs } from "./sync";
import {
  ZAsnInput,
  ZAsnLine,
  ZDamageInput,
  ZReceiptCreate,
  ZReceivingSettings,
  type TDiscrepancy,
  type TReceiptOut,
  type TReceivingSettings,
  type TScanOutcome,
} from "./schema";

const SETTINGS_ID = 1;
export const DEFAULT_RECEIVING_SETTINGS: TReceivingSettings = { tagMode: "GENERATE", tagPrefix: "IL-", tagDigits: 6, tagNext: 1, defaultBinId: null };
const RECEIVABLE_PO = ["ISSUED", "PARTIALLY_RECEIVED"];

// ------------------------------------------------------------------ settings

export async function getReceivingSettings(deps: Pick<TDeps, "db">): Promise<TReceivingSettings> {
  const row = await deps.db.receivingSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (!row) return { ...DEFAULT_RECEIVING_SETTINGS };
  return { tagMode: row.tagMode as TReceivingSettings["tagMode"], tagPrefix: row.tagPrefix, tagDigits: row.tagDigits, tagNext: row.tagNext, defaultBinId: row.defaultBinId };
}

async function ensureSettings(deps: TDeps): Promise<TReceivingSettings> {
  const s = await getReceivingSettings(deps);
  await deps.db.receivingSettings.upsert({ where: { id: SETTINGS_ID }, create: { id: SETTINGS_ID, ...s, updatedAt: deps.clock.now() }, update: {} });
  return s;
}

async function checkBin(deps: Pick<TDeps, "db">, binId: string, field: string) {
  const bin = await deps.db.location.findUnique({ where: { id: binId }, select: { id: true, kind: true, path: true } });
  if (!bin || bin.kind !== "BIN") throw new AppError("BAD_REQUEST", "The receiving location must be a bin.", { fields: { [field]: ["Choose a bin"] } });
  return bin;
}

export async function updateReceivingSettings(deps: TDeps, actor: TActor, input: unknown): Promise<TReceivingSettings> {
  const s = ZReceivingSettings.parse(input);
  if (s.defaultBinId) await checkBin(deps, s.defaultBinId, "defaultBinId");
  const before = await getReceivingSettings(deps);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await tx.receivingSettings.upsert({ where: { id: SETTINGS_ID }, create: { id: SETTINGS_ID, ...s, updatedAt: at }, update: { ...s, updatedAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "ReceivingSettings", entityId: String(SETTINGS_ID), before, after: s });
  });
  return s;
}

const tagPattern = (s: TReceivingSettings) => `${s.tagPrefix}${"0".repeat(Math.max(0, s.tagDigits - 1))}1`;

// ------------------------------------------------------------------ receipts

async function poByCode(deps: TDeps, code: string) {
  const c = normaliseSerial(code);
  const po = await deps.db.purchaseOrder.findUnique({ where: { number: c }, select: { id: true } });
  if (po) return { poId: po.id, asnId: null as string | null };
  const asn = await deps.db.asn.findFirst({ where: { reference: code.trim() }, select: { id: true, poId: true }, orderBy: { createdAt: "desc" } });
  if (asn) return { poId: asn.poId, asnId: asn.id };
  throw new AppError("NOT_FOUND", `${code.trim()} is neither a purchase order number nor an ASN reference; scan the PO barcode or choose the PO.`, { fields: { code: ["Unknown PO or ASN"] } });
}

/** Starts a receipt against a PO (chosen, or its PO/ASN barcode scanned) at a receiving bin. An open receipt of the same PO is reused (several tablets receive one delivery together). */
export async function createReceipt(deps: TDeps, actor: TActor, input: unknown): Promise<TReceiptOut> {
  const r = ZReceiptCreate.parse(input);
  const found = r.poId ? { poId: r.poId, asnId: null as string | null } : await poByCode(deps, r.code!);
  const po = await deps.db.purchaseOrder.findUnique({ where: { id: found.poId }, select: { id: true, number: true, status: true } });
  if (!po) throw new AppError("NOT_FOUND", `No purchase order with id ${found.poId}.`, { fields: { poId: ["Unknown purchase order"] } });
  if (!RECEIVABLE_PO.includes(po.status)) throw new AppError("CONFLICT", `${po.number} is ${po.status.toLowerCase().replace("_", " ")}; only an issued or partially received PO can be received.`);
  const settings = await ensureSettings(deps);
  const binId = r.binId ?? settings.defaultBinId;
  if (!binId) throw new AppError("BAD_REQUEST", "Choose the receiving bin, or set a default bin in the receiving settings.", { fields: { binId: ["Choose a bin"] } });
  await checkBin(deps, binId, "binId");
  const open = await deps.db.receipt.findFirst({ where: { poId: po.id, status: "OPEN", locationId: binId }, select: { id: true } });
  if (open) return getReceipt(deps, open.id);
  const at = deps.clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const id = await deps.db.$transaction(async (tx) => {
        const number = `RCV-${String((await tx.receipt.count()) + 1).padStart(6, "0")}`;
        const row = await tx.receipt.create({ data: { number, poId: po.id, asnId: found.asnId, locationId: binId, status: "OPEN", createdById: actor.id, createdAt: at }, select: { id: true } });
        await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Receipt", entityId: row.id, after: { number, poId: po.id, asnId: found.asnId, locationId: binId } });
        return row.id;
      });
      return getReceipt(deps, id);
    } catch (e) {
      if (attempt < 3 && (e as { code?: string }).code === "P2002") continue;
      throw e;
    }
  }
}

export async function getReceipt(deps: TDeps, id: string): Promise<TReceiptOut> {
  const r = await deps.db.receipt.findUnique({ where: { id } });
  if (!r) throw new AppError("NOT_FOUND", `No receipt with id ${id}.`);
  const info = await receiptInfo(deps, id);
  const [po, bin, settings, counters, scans, received, expected] = await Promise.all([
    deps.db.purchaseOrder.findUnique({ where: { id: r.poId }, select: { status: true, vendorId: true } }),
    r.locationId ? deps.db.location.findUnique({ where: { id: r.locationId }, select: { id: true, path: true } }) : null,
    getReceivingSettings(deps),
    lineCounters(deps, info),
    deps.db.receiptScan.findMany({ where: { receiptId: id }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 50, select: { id: true, clientScanId: true, code: true, outcome: true, message: true, poLineId: true, assetId: true, at: true } }),
    deps.db.receiptScan.findMany({ where: { receiptId: id, outcome: "received" }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { assetId: true } }),
    deps.db.asnItem.findMany({ where: { poId: r.poId, assetId: null }, orderBy: [{ carton: "asc" }, { serial: "asc" }], take: 500, select: { carton: true, partNumber: true, serial: true } }),
  ]);
  const vendor = (await listVendors(deps)).find((v) => v.id === po?.vendorId);
  return {
    id: r.id,
    number: r.number,
    poId: r.poId,
    poNumber: info.poNumber,
    poStatus: po?.status ?? "UNKNOWN",
    vendorName: vendor?.name ?? "",
    status: r.status as "OPEN" | "CLOSED",
    bin: bin ?? null,
    tagMode: settings.tagMode,
    tagPattern: tagPattern(settings),
    createdAt: r.createdAt,
    closedAt: r.closedAt,
    counters,
    receivedAssetIds: received.flatMap((x) => (x.assetId ? [x.assetId] : [])),
    expectedNotScanned: expected,
    recentScans: scans.map((s) => ({ ...s, outcome: s.outcome as TScanOutcome })),
    report: r.report ? (JSON.parse(r.report) as TDiscrepancy) : null,
  };
}

/** The assets a receipt received (its "received" scans), for work that follows a receipt, such as a burn-in batch. */
export async function receiptAssets(deps: Pick<TDeps, "db">, receiptId: string): Promise<{ id: string; number: string; assetIds: string[] }> {
  const r = await deps.db.receipt.findUnique({ where: { id: receiptId }, select: { id: true, number: true } });
  if (!r) throw new AppError("NOT_FOUND", `No receipt with id ${receiptId}.`);
  const scans = await deps.db.receiptScan.findMany({ where: { receiptId, outcome: "received", assetId: { not: null } }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { assetId: true } });
  return { ...r, assetIds: [...new Set(scans.flatMap((x) => (x.assetId ? [x.assetId] : [])))] };
}

/** The latest receipts (newest first) with the assets each received, in two queries. */
export async function recentReceiptAssets(deps: Pick<TDeps, "db">, take = 30): Promise<{ id: string; number: string; poId: string; createdAt: Date; assetIds: string[] }[]> {
  const rows = await deps.db.receipt.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take, select: { id: true, number: true, poId: true, createdAt: true } });
  const scans = rows.length ? await deps.db.receiptScan.findMany({ where: { receiptId: { in: rows.map((r) => r.id) }, outcome: "received", assetId: { not: null } }, select: { receiptId: true, assetId: true } }) : [];
  const by = new Map<string, Set<string>>(rows.map((r) => [r.id, new Set()]));
  for (const x of scans) if (x.assetId) by.get(x.receiptId)?.add(x.assetId);
  return rows.map((r) => ({ ...r, assetIds: [...(by.get(r.id) ?? [])] }));
}

export async function listReceipts(deps: TDeps, q: { status?: "OPEN" | "CLOSED" }) {
  const rows = await deps.db.receipt.findMany({ where: { status: q.status }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 });
  const pos = new Map((await deps.db.purchaseOrder.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.poId))] } }, select: { id: true, number: true } })).map((p) => [p.id, p.number]));
  return { items: rows.map((r) => ({ id: r.id, number: r.number, poId: r.poId, poNumber: pos.get(r.poId) ?? r.poId, status: r.status as "OPEN" | "CLOSED", createdAt: r.createdAt, closedAt: r.closedAt })) };
}

/** Purchase orders that can be received now, with received / ordered units (the "choose the PO" list). */
export async function receivablePos(deps: TDeps) {
  const pos = await deps.db.purchaseOrder.findMany({ where: { status: { in: RECEIVABLE_PO } }, orderBy: [{ issuedAt: "desc" }, { id: "desc" }], take: 200, select: { id: true, number: true, vendorId: true, status: true, lines: { select: { quantity: true, receivedQty: true } } } });
  const vendors = new Map((await listVendors(deps)).map((v) => [v.id, v.name]));
  return { items: pos.map((p) => ({ id: p.id, number: p.number, vendorName: vendors.get(p.vendorId) ?? "", status: p.status, ordered: p.lines.reduce((s, l) => s + l.quantity, 0), received: p.lines.reduce((s, l) => s + l.receivedQty, 0) })) };
}

async function openReceipt(deps: TDeps, id: string) {
  const r = await deps.db.receipt.findUnique({ where: { id }, select: { id: true, number: true, poId: true, status: true } });
  if (!r) throw new AppError("NOT_FOUND", `No receipt with id ${id}.`);
  if (r.status !== "OPEN") throw new AppError("CONFLICT", `${r.number} is closed.`);
  return r;
}

/** Damaged or dead at receipt: a unit received on this receipt → FAILED with the reason (the lifecycle records it as DOA). */
export async function flagDamaged(deps: TDeps, actor: TActor, receiptId: string, input: unknown): Promise<TReceiptOut> {
  const d = ZDamageInput.parse(input);
  const r = await openReceipt(deps, receiptId);
  const scan = await deps.db.receiptScan.findFirst({ where: { receiptId, assetId: d.assetId, outcome: "received" }, select: { id: true } });
  if (!scan) throw new AppError("BAD_REQUEST", `That asset was not received on ${r.number}; flag only units received here.`, { fields: { assetId: ["Not received on this receipt"] } });
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: d.assetId, to: "FAILED", reason: `Damaged at receipt (${r.number}): ${d.reason}`, payload: { receiptId, damaged: true } });
    await publishEvent(tx, deps.provider, at, { scope: "receipt", key: receiptId, data: { kind: "receipt.damaged", assetId: d.assetId } });
  });
  return getReceipt(deps, receiptId);
}

/** The discrepancy report of a receipt's PO: short and over per line, wrong models, damaged units, ASN serials not scanned. */
async function discrepancies(deps: TDeps, receiptId: string, poId: string): Promise<TDiscrepancy> {
  const info = await receiptInfo(deps, receiptId);
  const counters = await lineCounters(deps, info);
  const bad = await deps.db.receiptScan.findMany({ where: { poId, outcome: { in: ["over_receipt", "not_on_po"] } }, orderBy: { at: "asc" }, select: { code: true, outcome: true, message: true, poLineId: true, modelId: true } });
  const received = await deps.db.receiptScan.findMany({ where: { poId, outcome: "received" }, select: { assetId: true } });
  const assetIds = received.flatMap((x) => (x.assetId ? [x.assetId] : []));
  const failed = assetIds.length ? await deps.db.assetEvent.findMany({ where: { assetId: { in: assetIds }, toStatus: "FAILED" }, orderBy: { at: "asc" }, select: { assetId: true, reason: true } }) : [];
  const serials = new Map((await deps.db.asset.findMany({ where: { id: { in: failed.map((f) => f.assetId) } }, select: { id: true, serial: true } })).map((a) => [a.id, a.serial]));
  const lineNo = new Map(info.lines.map((l) => [l.id, l.lineNo]));
  const seenOver = new Set<string>();
  const seenWrong = new Set<string>();
  return {
    short: counters.filter((c) => c.modelId && c.received < c.ordered).map((c) => ({ poLineId: c.poLineId, lineNo: c.lineNo, partNumber: c.partNumber, ordered: c.ordered, received: c.received, missing: c.ordered - c.received })),
    over: bad.filter((b) => b.outcome === "over_receipt" && b.poLineId && !seenOver.has(b.code) && seenOver.add(b.code)).map((b) => ({ poLineId: b.poLineId!, lineNo: lineNo.get(b.poLineId!) ?? 0, code: b.code })),
    wrongModel: bad.filter((b) => b.outcome === "not_on_po" && b.modelId && !seenWrong.has(b.code) && seenWrong.add(b.code)).map((b) => ({ code: b.code, message: b.message })),
    damaged: failed.map((f) => ({ assetId: f.assetId, serial: serials.get(f.assetId) ?? "", reason: f.reason ?? "" })),
    expectedNotScanned: await deps.db.asnItem.findMany({ where: { poId, assetId: null }, orderBy: [{ carton: "asc" }, { serial: "asc" }], select: { carton: true, partNumber: true, serial: true } }),
  };
}

/** Closes a receipt: the discrepancy report is kept on it, and the PO moves to partially received / received (syncReceipts). */
export async function closeReceipt(deps: TDeps, actor: TActor, receiptId: string): Promise<TReceiptOut> {
  const r = await openReceipt(deps, receiptId);
  await flushSyncs(r.poId);
  const po = await syncReceipts(deps, actor, r.poId);
  const report = await discrepancies(deps, receiptId, r.poId);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const done = await tx.receipt.updateMany({ where: { id: receiptId, status: "OPEN" }, data: { status: "CLOSED", closedAt: at, report: JSON.stringify(report) } });
    if (done.count !== 1) throw new AppError("CONFLICT", `${r.number} was closed by someone else at the same moment.`);
    await appendAudit(tx, deps.provider, actor, at, {
      action: "close",
      entity: "Receipt",
      entityId: receiptId,
      before: { status: "OPEN" },
      after: { status: "CLOSED", poStatus: po.status, short: report.short.length, over: report.over.length, wrongModel: report.wrongModel.length, damaged: report.damaged.length },
    });
    await publishEvent(tx, deps.provider, at, { scope: "receipt", key: receiptId, data: { kind: "receipt.closed", poStatus: po.status } });
  });
  return getReceipt(deps, receiptId);
}

// ------------------------------------------------------------------ ASN import

export const ASN_COLUMNS = ["carton", "partNumber", "serial", "mac"] as const;
const ASN_REQUIRED = ["carton", "partNumber", "serial"];
const SERIAL = /^[A-Z0-9][A-Z0-9._\-/:#]{2,63}$/;

export interface TAsnProblem {
  line: number;
  field?: string;
  message: string;
}

function csvRecords(csv: string): { records: { line: number; value: Record<string, string> }[]; problems: TAsnProblem[] } {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(csv, { columns: (h: string[]) => h.map((c) => c.trim()), info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: false }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    return { records: [], problems: [{ line: err.lines ?? 1, message: err.message.replace(/^Invalid Record Length: /, "Wrong number of fields: ") }] };
  }
  const header = rows.length ? Object.keys(rows[0]!.record) : (csv.split(/\r?\n/)[0] ?? "").split(",").map((c) => c.trim());
  const problems: TAsnProblem[] = [];
  const unknown = header.filter((h) => !(ASN_COLUMNS as readonly string[]).includes(h));
  const missing = ASN_REQUIRED.filter((c) => !header.includes(c));
  if (unknown.length) problems.push({ line: 1, message: `Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the columns are ${ASN_COLUMNS.join(", ")} (mac optional)` });
  if (missing.length) problems.push({ line: 1, message: `Missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` });
  return { records: rows.map((r) => ({ line: r.info.lines, value: r.record })), problems };
}

/**
 * Imports an ASN (CSV with the header carton,partNumber,serial[,mac], or JSON lines with the same keys):
 * every bad line is reported with its line number (CSV: the file's line; JSON: the 1-based index) and
 * what to fix, and nothing is imported when any line is bad. Its serials become expected on the PO:
 * a scan of one goes to its line without choosing it, and the receipt lists those not yet scanned.
 */
export async function importAsn(deps: TDeps, actor: TActor, input: unknown) {
  const a = ZAsnInput.parse(input);
  const po = await deps.db.purchaseOrder.findUnique({ where: { id: a.poId }, select: { id: true, number: true, status: true, lines: { select: { id: true, lineNo: true, modelId: true } } } });
  if (!po) throw new AppError("NOT_FOUND", `No purchase order with id ${a.poId}.`, { fields: { poId: ["Unknown purchase order"] } });
  if (!RECEIVABLE_PO.includes(po.status)) throw new AppError("CONFLICT", `${po.number} is ${po.status.toLowerCase().replace("_", " ")}; an ASN can only be added to an issued or partially received PO.`);
  const parsed = a.csv !== undefined ? csvRecords(a.csv) : { records: (a.lines ?? []).map((v, i) => ({ line: i + 1, value: v })), problems: [] as TAsnProblem[] };
  const problems = parsed.problems;
  if (!parsed.records.length && !problems.length) problems.push({ line: a.csv !== undefined ? 2 : 1, message: "No lines: one line per unit shipped" });
  const models = await deps.db.hardwareModel.findMany({ where: { id: { in: po.lines.flatMap((l) => (l.modelId ? [l.modelId] : [])) } }, select: { id: true, partNumber: true } });
  const lineByPart = new Map<string, { poLineId: string; modelId: string }>();
  for (const l of [...po.lines].sort((x, y) => x.lineNo - y.lineNo)) {
    const m = models.find((x) => x.id === l.modelId);
    if (m && !lineByPart.has(m.partNumber)) lineByPart.set(m.partNumber, { poLineId: l.id, modelId: m.id });
  }
  const seen = new Map<string, number>();
  const items: { carton: string; partNumber: string; serial: string; mac: string | null; poLineId: string; modelId: string }[] = [];
  if (!problems.length) {
    for (const rec of parsed.records) {
      const r = ZAsnLine.safeParse(rec.value);
      if (!r.success) {
        for (const issue of r.error.issues) problems.push({ line: rec.line, field: issue.path.join(".") || undefined, message: issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message });
        continue;
      }
      const serial = normaliseSerial(r.data.serial);
      if (!SERIAL.test(serial) || isPlaceholderSerial(serial)) {
        problems.push({ line: rec.line, field: "serial", message: `serial "${r.data.serial.slice(0, 40)}" is not a plausible serial (3–64 letters, digits and . _ - / : #)` });
        continue;
      }
      const target = lineByPart.get(r.data.partNumber);
      if (!target) {
        problems.push({ line: rec.line, field: "partNumber", message: `partNumber ${r.data.partNumber} is not on ${po.number}; the PO's part numbers are ${[...lineByPart.keys()].join(", ") || "none"}` });
        continue;
      }
      if (seen.has(serial)) {
        problems.push({ line: rec.line, field: "serial", message: `serial ${serial} is already on line ${seen.get(serial)}; list each unit once` });
        continue;
      }
      seen.set(serial, rec.line);
      items.push({ carton: r.data.carton, partNumber: r.data.partNumber, serial, mac: r.data.mac ?? null, ...target });
    }
  }
  if (!problems.length && items.length) {
    const already = await deps.db.asnItem.findMany({ where: { poId: po.id, serial: { in: items.map((i) => i.serial) } }, select: { serial: true } });
    for (const x of already) problems.push({ line: seen.get(x.serial)!, field: "serial", message: `serial ${x.serial} is already on an earlier ASN of ${po.number}` });
    problems.sort((x, y) => x.line - y.line);
  }
  if (problems.length) {
    throw new AppError("BAD_REQUEST", `${problems.length} line${problems.length > 1 ? "s need" : " needs"} fixing; nothing was imported.`, { details: { problems: problems.slice(0, 200), count: problems.length } });
  }
  const at = deps.clock.now();
  try {
    const asnId = await deps.db.$transaction(async (tx) => {
      const asn = await tx.asn.create({ data: { poId: po.id, reference: a.reference, createdById: actor.id, createdAt: at }, select: { id: true } });
      for (let i = 0; i < items.length; i += 1000) await tx.asnItem.createMany({ data: items.slice(i, i + 1000).map((x) => ({ ...x, asnId: asn.id, poId: po.id })) });
      await appendAudit(tx, deps.provider, actor, at, { action: "import", entity: "Asn", entityId: asn.id, after: { poId: po.id, reference: a.reference, lines: items.length } });
      return asn.id;
    });
    return { id: asnId, poId: po.id, reference: a.reference, lineCount: items.length, cartons: new Set(items.map((i) => i.carton)).size };
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("DUPLICATE", `${po.number} already has an ASN ${a.reference}, or one of its serials arrived on another ASN at the same moment; nothing was imported.`);
    throw e;
  }
}
