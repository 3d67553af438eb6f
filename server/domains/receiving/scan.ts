/**
 * One scan of a receipt: the hot path (issue 8's targets: p95 ≤ 25 ms at 50 concurrent scanners,
 * ≥ 500 scans/s). Everything a scan decides and writes is ONE driver-level transaction
 * (server/db/hot.ts hotWriter):
 *
 *   lock the PO (PostgreSQL: its row, FOR UPDATE; SQLite: the one writer) → the scan seen before by
 *   its clientScanId? answer what was answered then → classify the code → for a serial: bind it to one
 *   of the line's ORDERED placeholder assets (real serial, asset tag, receiving bin; audited), move
 *   that asset ORDERED → IN_TRANSIT → RECEIVED through the lifecycle (assets/lifecycle.ts, which writes
 *   the status, its events and audit entries) → record the scan → a live notice for the receipt.
 *
 * Every outcome, good or bad, is recorded once per clientScanId (ReceiptScan, unique per receipt), so a
 * replayed scan (a scanner's retry, the browser's offline queue) gets the same answer and writes nothing.
 *
 * The steps are written once, as a generator of statements; a runner executes them synchronously on
 * SQLite (the writer lock is held for one event-loop turn) or asynchronously on PostgreSQL.
 */
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { hotDb, hotWriter, type THotQuery, type TPgTx, type TSqliteTx } from "../../db/hot";
import { isPlaceholderSerial, normaliseSerial } from "../../contracts/normalise";
import { auditRow, GENESIS, type TAuditEntry } from "../audit/service";
import { liveEventRows, pokeLocalHubs } from "../../live/publish";
import type { TLivePublish } from "../../live/schema";
import { chainLockKeys } from "../../chains/chain";
import { newRowId, retryableDbError, transitionPg, transitionSqlite } from "../assets/service";
import type { TTransitionInput, TTransitionResult } from "../assets/schema";
import { STATUS_META } from "../assets/service";
import { OK_OUTCOMES, ZScanInput, type TLineCounter, type TScanOutcome, type TScanOut } from "./schema";
import { scheduleSync } from "./sync";

// ---------------------------------------------------------------- statements (one text, both dialects)

type TParam = string | number | null | Date;
interface TQ {
  name: string;
  sqlite: string;
  pg: string;
}
/** `?` placeholders; identifiers double-quoted (both dialects); PostgreSQL gets $1… */
function q(name: string, sql: string, pgOnly?: string): TQ {
  let n = 0;
  const pg = (pgOnly ?? sql).replace(/\?/g, () => `$${++n}`);
  return { name: `rcv_${name}`, sqlite: sql, pg };
}

const [AUDIT_LOCK] = chainLockKeys("audit");

const Q = {
  head: q(
    "head",
    `SELECT r.status AS "rStatus", p.status AS "poStatus" FROM "Receipt" r JOIN "PurchaseOrder" p ON p.id = r."poId" WHERE r.id = ?`,
    `SELECT r.status AS "rStatus", p.status AS "poStatus" FROM "Receipt" r JOIN "PurchaseOrder" p ON p.id = r."poId" WHERE r.id = ? FOR UPDATE OF p`,
  ),
  prevScan: q("prev", `SELECT outcome, message, code, "assetId", "poLineId" FROM "ReceiptScan" WHERE "receiptId" = ? AND "clientScanId" = ?`),
  model: q("model", `SELECT id, name, "partNumber" FROM "HardwareModel" WHERE "partNumber" = ? LIMIT 1`),
  settings: q("settings", `SELECT "tagMode", "tagPrefix", "tagDigits" FROM "ReceivingSettings" WHERE id = 1`),
  serial: q(
    "serial",
    `SELECT a.id, a."assetTag", a.status, a."manufacturerId", l."poId" FROM "Asset" a LEFT JOIN "PurchaseOrderAsset" pa ON pa."assetId" = a.id LEFT JOIN "PurchaseOrderLine" l ON l.id = pa."poLineId"
     WHERE a.serial = ? ORDER BY CASE WHEN l."poId" = ? THEN 0 ELSE 1 END LIMIT 1`,
  ),
  asn: q("asn", `SELECT "poLineId" FROM "AsnItem" WHERE "poId" = ? AND serial = ?`),
  // issuing names each placeholder after its line ("PO-000001-1-0001", assets/service.ts createOrderedPlaceholders) and a
  // received unit leaves that range with its real serial: the first one left in the range is found on the serial index at once
  placeholderByName: q(
    "placeholder_by_name",
    `SELECT a.id, a.serial, a.version, a.status FROM "Asset" a JOIN "PurchaseOrderAsset" pa ON pa."assetId" = a.id AND pa."poLineId" = ?
     WHERE a.serial >= ? AND a.serial < ? AND a.status IN ('ORDERED', 'IN_TRANSIT') ORDER BY a.serial LIMIT 1`,
    `SELECT a.id, a.serial, a.version, a.status FROM "Asset" a JOIN "PurchaseOrderAsset" pa ON pa."assetId" = a.id AND pa."poLineId" = ?
     WHERE a.serial >= ? AND a.serial < ? AND a.status IN ('ORDERED', 'IN_TRANSIT') ORDER BY a.serial LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
  ),
  // any other placeholder of the line (one renamed by hand): reads the whole line, only when the range has none left
  placeholder: q(
    "placeholder",
    `SELECT a.id, a.serial, a.version, a.status FROM "PurchaseOrderAsset" pa JOIN "Asset" a ON a.id = pa."assetId" WHERE pa."poLineId" = ? AND a.status IN ('ORDERED', 'IN_TRANSIT') ORDER BY a.serial LIMIT 1`,
    `SELECT a.id, a.serial, a.version, a.status FROM "PurchaseOrderAsset" pa JOIN "Asset" a ON a.id = pa."assetId" WHERE pa."poLineId" = ? AND a.status IN ('ORDERED', 'IN_TRANSIT') ORDER BY a.serial LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
  ),
  nextTag: q("next_tag", `UPDATE "ReceivingSettings" SET "tagNext" = "tagNext" + 1 WHERE id = 1 RETURNING "tagNext" - 1 AS n, "tagPrefix" AS prefix, "tagDigits" AS digits`),
  tagTaken: q("tag_taken", `SELECT id FROM "Asset" WHERE "assetTag" = ?`),
  bind: q("bind", `UPDATE "Asset" SET serial = ?, "assetTag" = ?, "locationId" = ?, version = version + 1, "updatedAt" = ? WHERE id = ? AND version = ?`),
  // units of the line received by receiving so far (the scan records' index), before this scan's own record
  lineCount: q("line_count", `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM "ReceiptScan" WHERE "poLineId" = ? AND outcome = 'received'`),
  lockAudit: q("lock_audit", `SELECT 1 AS one`, `SELECT pg_advisory_xact_lock(${AUDIT_LOCK}::bigint) AS one`),
  auditHead: q("audit_head", `SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1`),
  insertAudit: q("audit", `INSERT INTO "AuditLog" (at, "actorType", "actorId", action, entity, "entityId", before, after, "prevHash", hash, "hashVersion") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  asnDone: q("asn_done", `UPDATE "AsnItem" SET "assetId" = ? WHERE "poId" = ? AND serial = ?`),
  insertLive: q("live", `INSERT INTO "LiveEvent" (at, scope, "key", kind, data) VALUES (?, ?, ?, ?, ?)`),
  receivedHere: q("received_here", `SELECT "assetId" FROM "ReceiptScan" WHERE "receiptId" = ? AND "assetId" = ? AND outcome = 'received' LIMIT 1`),
  assetTagOf: q("asset_tag_of", `SELECT id, serial, "assetTag", version FROM "Asset" WHERE id = ?`),
  setTag: q("set_tag", `UPDATE "Asset" SET "assetTag" = ?, version = version + 1, "updatedAt" = ? WHERE id = ? AND version = ? AND "assetTag" IS NULL`),
  insertScan: q(
    "scan",
    `INSERT INTO "ReceiptScan" (id, "receiptId", "poId", "clientScanId", code, outcome, message, "poLineId", "assetId", "modelId", "actorId", at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
};

type TStep = { kind: "get"; q: TQ; params: TParam[] } | { kind: "run"; q: TQ; params: TParam[] } | { kind: "move"; input: TTransitionInput };

const get = (query: TQ, params: TParam[]): TStep => ({ kind: "get", q: query, params });
const run = (query: TQ, params: TParam[]): TStep => ({ kind: "run", q: query, params });

// ---------------------------------------------------------------- what a receipt is, cached (immutable once the PO is issued)

export interface TReceiptLine {
  id: string;
  lineNo: number;
  modelId: string | null;
  manufacturerId: string | null;
  partNumber: string | null;
  modelName: string | null;
  quantity: number;
}
export interface TReceiptInfo {
  id: string;
  number: string;
  poId: string;
  poNumber: string;
  locationId: string | null;
  lines: TReceiptLine[];
}

const g = globalThis as unknown as { __ironledgerReceipts?: Map<string, TReceiptInfo> };
const cache = () => (g.__ironledgerReceipts ??= new Map());

export async function receiptInfo(deps: Pick<TDeps, "db">, receiptId: string): Promise<TReceiptInfo> {
  const hit = cache().get(receiptId);
  if (hit) return hit;
  const r = await deps.db.receipt.findUnique({ where: { id: receiptId }, select: { id: true, number: true, poId: true, locationId: true } });
  if (!r) throw new AppError("NOT_FOUND", `No receipt with id ${receiptId}.`);
  const po = await deps.db.purchaseOrder.findUnique({ where: { id: r.poId }, select: { number: true, lines: { orderBy: { lineNo: "asc" }, select: { id: true, lineNo: true, modelId: true, quantity: true } } } });
  if (!po) throw new AppError("NOT_FOUND", `The purchase order of ${r.number} no longer exists.`);
  const models = new Map((await deps.db.hardwareModel.findMany({ where: { id: { in: po.lines.flatMap((l) => (l.modelId ? [l.modelId] : [])) } }, select: { id: true, manufacturerId: true, partNumber: true, name: true } })).map((m) => [m.id, m]));
  const info: TReceiptInfo = {
    id: r.id,
    number: r.number,
    poId: r.poId,
    poNumber: po.number,
    locationId: r.locationId,
    lines: po.lines.map((l) => {
      const m = l.modelId ? models.get(l.modelId) : undefined;
      return { id: l.id, lineNo: l.lineNo, modelId: l.modelId, manufacturerId: m?.manufacturerId ?? null, partNumber: m?.partNumber ?? null, modelName: m?.name ?? null, quantity: l.quantity };
    }),
  };
  if (cache().size > 5000) cache().clear();
  cache().set(receiptId, info);
  return info;
}

// ---------------------------------------------------------------- the steps

const SERIAL = /^[A-Z0-9][A-Z0-9._\-/:#]{2,63}$/;
const PO_LIKE = /^(PO|RCV)-\d{6}(-\d+-\d{4})?$/;
const OPEN_PO = ["ISSUED", "PARTIALLY_RECEIVED", "RECEIVED"];

interface TDecision {
  outcome: TScanOutcome;
  message: string;
  assetId?: string;
  assetTag?: string | null;
  poLineId?: string;
  modelId?: string;
  replayed?: boolean;
  code: string;
}

const lineName = (l: TReceiptLine) => `line ${l.lineNo}${l.partNumber ? ` (${l.partNumber})` : ""}`;
const pad = (n: number, d: number) => String(n).padStart(d, "0");

function auditSteps(actor: TActor, at: Date, entry: TAuditEntry): Generator<TStep, void, any> {
  return (function* () {
    const head = (yield get(Q.auditHead, [])) as { hash: string } | undefined;
    const a = auditRow(head?.hash ?? GENESIS, actor, at, entry);
    yield run(Q.insertAudit, [at, a.actorType, a.actorId, a.action, a.entity, a.entityId, a.before, a.after, a.prevHash, a.hash, a.hashVersion]);
  })();
}

function* decide(info: TReceiptInfo, actor: TActor, input: { code: string; poLineId?: string; assetId?: string }, at: Date): Generator<TStep, TDecision, any> {
  const raw = input.code.trim();
  const code = normaliseSerial(raw).slice(0, 128);
  const head = (yield get(Q.head, [info.id])) as { rStatus: string; poStatus: string } | undefined;
  if (!head) throw new AppError("NOT_FOUND", `No receipt with id ${info.id}.`);
  if (head.rStatus !== "OPEN") return { outcome: "po_closed", code, message: `${info.number} is closed; start a new receipt to receive more.` };
  if (!OPEN_PO.includes(head.poStatus)) return { outcome: "po_closed", code, message: `${info.poNumber} is ${head.poStatus.toLowerCase().replace("_", " ")}; nothing can be received on it.` };
  if (!code) return { outcome: "invalid_serial", code, message: "Nothing was scanned; scan the serial label again." };
  if (code === info.poNumber || PO_LIKE.test(code)) return { outcome: "po_barcode", code, message: `${code} is a purchase order or receipt barcode, not a serial; scan the serial on the unit.` };

  // a model / part barcode: chooses the line the next serials go to
  const model = (yield get(Q.model, [code])) as { id: string; name: string; partNumber: string } | undefined;
  if (model) {
    const line = info.lines.find((l) => l.modelId === model.id);
    if (!line) return { outcome: "not_on_po", code, modelId: model.id, message: `${model.name} (${model.partNumber}) is not on ${info.poNumber}; set the unit aside (wrong model).` };
    return { outcome: "line_selected", code, poLineId: line.id, modelId: model.id, message: `Line ${line.lineNo}: ${model.name}. Scan its serials.` };
  }

  // a pre-printed asset tag, bound to the unit received just before
  const settings = (yield get(Q.settings, [])) as { tagMode: string; tagPrefix: string; tagDigits: number } | undefined;
  if (settings?.tagMode === "PREPRINTED" && code.startsWith(settings.tagPrefix) && /^\d+$/.test(code.slice(settings.tagPrefix.length))) {
    if (!input.assetId || !(yield get(Q.receivedHere, [info.id, input.assetId]))) return { outcome: "tag_refused", code, message: `Tag ${code}: scan the unit's serial first, then its tag.` };
    if (yield get(Q.tagTaken, [code])) return { outcome: "tag_refused", code, message: `Tag ${code} is already on another asset; use a fresh tag.` };
    const a = (yield get(Q.assetTagOf, [input.assetId])) as { id: string; serial: string; assetTag: string | null; version: number };
    if (a.assetTag) return { outcome: "tag_refused", code, assetId: a.id, message: `Serial ${a.serial} already has tag ${a.assetTag}.` };
    if ((yield run(Q.setTag, [code, at, a.id, a.version])) !== 1) throw new AppError("CONFLICT", "The unit changed at the same moment; scan the tag again.");
    yield get(Q.lockAudit, []);
    yield* auditSteps(actor, at, { action: "update", entity: "Asset", entityId: a.id, before: { assetTag: null }, after: { assetTag: code, receiptId: info.id } });
    return { outcome: "tag_bound", code, assetId: a.id, assetTag: code, message: `Tag ${code} bound to serial ${a.serial}.` };
  }

  if (!SERIAL.test(code) || isPlaceholderSerial(code)) {
    return { outcome: "invalid_serial", code, message: `"${raw.slice(0, 40)}" is not a plausible serial (3–64 letters, digits and . _ - / : #); scan the serial label again.` };
  }

  const known = (yield get(Q.serial, [code, info.poId])) as { id: string; assetTag: string | null; status: string; manufacturerId: string; poId: string | null } | undefined;
  if (known?.poId === info.poId) {
    return { outcome: "already_received", code, assetId: known.id, assetTag: known.assetTag, message: `Already received: serial ${code}${known.assetTag ? ` (${known.assetTag})` : ""}. Nothing changed.` };
  }

  let line: TReceiptLine | undefined;
  if (input.poLineId) {
    line = info.lines.find((l) => l.id === input.poLineId);
    if (!line) return { outcome: "not_on_po", code, message: `The line chosen is not on ${info.poNumber}; choose a line of this PO.` };
  } else {
    const asn = (yield get(Q.asn, [info.poId, code])) as { poLineId: string } | undefined;
    const modelLines = info.lines.filter((l) => l.modelId);
    line = asn ? info.lines.find((l) => l.id === asn.poLineId) : modelLines.length === 1 ? modelLines[0] : undefined;
    if (!line) return { outcome: "unknown_model", code, message: `Which model is serial ${code}? Scan the model barcode or choose the line first.` };
  }
  if (!line.modelId) return { outcome: "unknown_model", code, poLineId: line.id, message: `Line ${line.lineNo} has no model (free text); receive it by choosing a model line.` };
  if (known && known.manufacturerId === line.manufacturerId) {
    const status = STATUS_META[known.status as keyof typeof STATUS_META]?.label ?? known.status;
    return { outcome: "known_elsewhere", code, assetId: known.id, message: `Serial ${code} is already asset ${known.assetTag ?? known.id} (${status}), not on ${info.poNumber}; set it aside.` };
  }

  const prefix = `${info.poNumber}-${line.lineNo}-`; // "." follows "-": the range is exactly the names with this prefix
  type TUnit = { id: string; serial: string; version: number; status: string };
  const unit = ((yield get(Q.placeholderByName, [line.id, prefix, `${prefix.slice(0, -1)}.`])) as TUnit | undefined) ?? ((yield get(Q.placeholder, [line.id])) as TUnit | undefined);
  if (!unit) {
    return { outcome: "over_receipt", code, poLineId: line.id, modelId: line.modelId, message: `Over-receipt: ${lineName(line)} has all ${line.quantity} received; set this unit aside.` };
  }

  let tag: string | null = null;
  if (settings?.tagMode !== "PREPRINTED") {
    for (let i = 0; i < 100 && !tag; i++) {
      const t = (yield get(Q.nextTag, [])) as { n: number; prefix: string; digits: number } | undefined;
      if (!t) break;
      const candidate = `${t.prefix}${pad(t.n, t.digits)}`;
      if (!(yield get(Q.tagTaken, [candidate]))) tag = candidate;
    }
  }
  if ((yield run(Q.bind, [code, tag, info.locationId, at, unit.id, unit.version])) !== 1) throw new AppError("CONFLICT", "The unit changed at the same moment; scan again.");
  const reason = `Received on ${info.number} (${info.poNumber})`;
  if (unit.status === "ORDERED") yield { kind: "move", input: { assetId: unit.id, to: "IN_TRANSIT", reason } };
  yield { kind: "move", input: { assetId: unit.id, to: "RECEIVED", reason, payload: { receiptId: info.id, serial: code } } };
  yield* auditSteps(actor, at, {
    action: "receive",
    entity: "Asset",
    entityId: unit.id,
    before: { serial: unit.serial, assetTag: null },
    after: { serial: code, assetTag: tag, locationId: info.locationId, receiptId: info.id, poLineId: line.id },
  });
  yield run(Q.asnDone, [unit.id, info.poId, code]);
  const n = ((yield get(Q.lineCount, [line.id])) as { n: number }).n + 1;
  const notice: TLivePublish = { scope: "receipt", key: info.id, data: { kind: "receipt.scan", poLineId: line.id, received: n, ordered: line.quantity } };
  const [live] = liveEventRows(at, [notice]);
  yield run(Q.insertLive, [at, live!.scope, live!.key, live!.kind, live!.data]);
  return { outcome: "received", code, assetId: unit.id, assetTag: tag, poLineId: line.id, modelId: line.modelId, message: `Received ${code}${tag ? ` → ${tag}` : ""}, ${lineName(line)}: ${n}/${line.quantity}.` };
}

function* scanSteps(info: TReceiptInfo, actor: TActor, input: { code: string; clientScanId: string; poLineId?: string; assetId?: string }, at: Date): Generator<TStep, TDecision, any> {
  const prev = (yield get(Q.prevScan, [info.id, input.clientScanId])) as { outcome: TScanOutcome; message: string; code: string; assetId: string | null; poLineId: string | null } | undefined;
  if (prev) return { outcome: prev.outcome, message: prev.message, code: prev.code, assetId: prev.assetId ?? undefined, poLineId: prev.poLineId ?? undefined, replayed: true };
  const d = yield* decide(info, actor, input, at);
  yield run(Q.insertScan, [newRowId(), info.id, info.poId, input.clientScanId, d.code, d.outcome, d.message, d.poLineId ?? null, d.assetId ?? null, d.modelId ?? null, actor.id, at]);
  return d;
}

// ---------------------------------------------------------------- runners

const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
const pgTime = (d: Date) => d.toISOString().slice(0, 23).replace("T", " ");

function runSqlite(tx: TSqliteTx, deps: TDeps, actor: TActor, steps: Generator<TStep, TDecision, any>): TDecision {
  let next = steps.next();
  while (!next.done) {
    const s = next.value;
    let out: unknown;
    if (s.kind === "move") out = transitionSqlite(tx, deps.clock, actor, s.input) satisfies TTransitionResult;
    else {
      const params = s.params.map((p) => (p instanceof Date ? sqliteTime(p) : p));
      out = s.kind === "get" ? tx.get(s.q.sqlite, params) : tx.run(s.q.sqlite, params).changes;
    }
    next = steps.next(out);
  }
  return next.value;
}

async function runPg(tx: TPgTx, deps: TDeps, actor: TActor, steps: Generator<TStep, TDecision, any>): Promise<TDecision> {
  let next = steps.next();
  while (!next.done) {
    const s = next.value;
    let out: unknown;
    if (s.kind === "move") out = await transitionPg(tx, deps.clock, actor, s.input);
    else {
      const params = s.params.map((p) => (p instanceof Date ? pgTime(p) : p));
      const r = await tx.query({ name: s.q.name, text: s.q.pg }, params);
      out = s.kind === "get" ? r.rows[0] : r.rowCount;
    }
    next = steps.next(out);
  }
  return next.value;
}

// ---------------------------------------------------------------- counters (read after the commit)

const COUNTERS: THotQuery = {
  name: "rcv_counters",
  sqlite: `SELECT pa."poLineId" AS "poLineId", CAST(SUM(CASE WHEN a.status NOT IN ('ORDERED', 'IN_TRANSIT', 'DISPOSED') THEN 1 ELSE 0 END) AS INTEGER) AS received, CAST(SUM(CASE WHEN a.status = 'FAILED' THEN 1 ELSE 0 END) AS INTEGER) AS damaged
    FROM "PurchaseOrderLine" l JOIN "PurchaseOrderAsset" pa ON pa."poLineId" = l.id JOIN "Asset" a ON a.id = pa."assetId" WHERE l."poId" = ? GROUP BY pa."poLineId"`,
  postgresql: `SELECT pa."poLineId" AS "poLineId", CAST(SUM(CASE WHEN a.status NOT IN ('ORDERED', 'IN_TRANSIT', 'DISPOSED') THEN 1 ELSE 0 END) AS INTEGER) AS received, CAST(SUM(CASE WHEN a.status = 'FAILED' THEN 1 ELSE 0 END) AS INTEGER) AS damaged
    FROM "PurchaseOrderLine" l JOIN "PurchaseOrderAsset" pa ON pa."poLineId" = l.id JOIN "Asset" a ON a.id = pa."assetId" WHERE l."poId" = $1 GROUP BY pa."poLineId"`,
};

/** Received / ordered per line of the receipt's PO (received counts every unit past IN_TRANSIT, damaged ones too). */
export async function lineCounters(deps: Pick<TDeps, "db">, info: TReceiptInfo): Promise<TLineCounter[]> {
  const hot = hotDb(deps.db);
  const rows = hot
    ? await hot.all<{ poLineId: string; received: number; damaged: number }>(COUNTERS, [info.poId])
    : (
        await deps.db.purchaseOrderAsset.findMany({ where: { poLine: { poId: info.poId } }, select: { poLineId: true, assetId: true } }).then(async (pas) => {
          const st = new Map((await deps.db.asset.findMany({ where: { id: { in: pas.map((p) => p.assetId) } }, select: { id: true, status: true } })).map((a) => [a.id, a.status]));
          const by = new Map<string, { poLineId: string; received: number; damaged: number }>();
          for (const p of pas) {
            const r = by.get(p.poLineId) ?? by.set(p.poLineId, { poLineId: p.poLineId, received: 0, damaged: 0 }).get(p.poLineId)!;
            const s = st.get(p.assetId);
            if (s && !["ORDERED", "IN_TRANSIT", "DISPOSED"].includes(s)) r.received++;
            if (s === "FAILED") r.damaged++;
          }
          return [...by.values()];
        })
      );
  const by = new Map(rows.map((r) => [r.poLineId, r]));
  return info.lines.map((l) => ({ poLineId: l.id, lineNo: l.lineNo, modelId: l.modelId, partNumber: l.partNumber, modelName: l.modelName, received: Number(by.get(l.id)?.received ?? 0), ordered: l.quantity, damaged: Number(by.get(l.id)?.damaged ?? 0) }));
}

// ---------------------------------------------------------------- the entry point

/** Unique violations that a concurrent scan can cause (the same clientScanId or serial at the same moment): the scan is re-run and finds what won. */
function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  return err?.code === "23505" || err?.code === "SQLITE_CONSTRAINT_UNIQUE" || /UNIQUE constraint failed/.test(err?.message ?? "");
}

export async function scan(deps: TDeps, actor: TActor, receiptId: string, rawInput: unknown): Promise<TScanOut> {
  const input = ZScanInput.parse(rawInput);
  const info = await receiptInfo(deps, receiptId);
  const writer = hotWriter(deps.db);
  if (!writer) throw new AppError("INTERNAL", "This database client has no driver-level writer; receiving needs one (server/db/client.ts).");
  let d: TDecision | undefined;
  for (let attempt = 0; !d; attempt++) {
    const at = deps.clock.now();
    try {
      d = writer.provider === "sqlite" ? await writer.transaction((tx) => runSqlite(tx, deps, actor, scanSteps(info, actor, input, at))) : await writer.transaction((tx) => runPg(tx, deps, actor, scanSteps(info, actor, input, at)));
    } catch (e) {
      if (attempt < 3 && (isUniqueViolation(e) || (e instanceof AppError && e.code === "CONFLICT"))) continue;
      if (e instanceof AppError) throw e;
      throw retryableDbError(e) ?? e;
    }
  }
  if (d.outcome === "received" && !d.replayed) {
    if (writer.provider === "sqlite") pokeLocalHubs();
    scheduleSync(deps, actor, info.poId);
  }
  return {
    outcome: d.outcome,
    ok: OK_OUTCOMES.includes(d.outcome),
    message: d.message,
    code: d.code,
    ...(d.assetId ? { assetId: d.assetId } : {}),
    ...(d.assetTag !== undefined ? { assetTag: d.assetTag } : {}),
    ...(d.poLineId ? { poLineId: d.poLineId } : {}),
    replayed: Boolean(d.replayed),
    counters: await lineCounters(deps, info),
  };
}

/** For tests: forget cached receipts (a test database is replaced under the same ids only in theory). */
export function forgetReceipts(): void {
  cache().clear();
}
