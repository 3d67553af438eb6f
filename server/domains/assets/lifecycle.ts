/**
 * THE asset lifecycle. The only code that writes Asset.status.
 *
 * PLANNED → ORDERED → IN_TRANSIT → RECEIVED → BURN_IN → READY_TO_RACK → RACKED
 *   → CABLED → SAT → IN_SERVICE → DECOMMISSIONING → SANITIZED → DISPOSED
 * side paths: RECEIVED|BURN_IN|RACKED|CABLED|SAT → FAILED (DOA if before IN_SERVICE)
 *             FAILED|IN_SERVICE → RMA → RECEIVED (replacement received / back to stock)
 *             FAILED → DECOMMISSIONING (beyond repair, out of warranty)
 *             ORDERED → DISPOSED (the purchase order was cancelled before delivery)
 *             any (but DISPOSED) → QUARANTINE (hold) → the status it was held in
 *
 * Each transition, in one transaction: checks the move and the caller's role,
 * updates the asset guarded by its version (so of two concurrent transitions
 * exactly one wins and the other gets CONFLICT), appends an AssetEvent and an
 * audit entry.
 */
import { randomBytes } from "node:crypto";
import { AppError } from "../../errors";
import type { TActor, TClock, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import type { TRole } from "../../auth/roles";
import { appendAudit, auditRow, GENESIS, listAudit, type TAuditEntry } from "../audit/service";
import { actorDisplayNames } from "../users/service";
import { LIVE_NOTIFY_CHANNEL, liveEventRows, pokeLocalHubs, publishEvent } from "../../live/publish";
import type { TLivePublish } from "../../live/schema";
import { chainLockKeys, eventLinkAfter, nextEventLink, type TEventContent } from "../../chains/chain";
import { hotWriter, type TPgTx, type TSqliteTx } from "../../db/hot";
import { STATUS_META, type TAssetStatus } from "./status";
import { ZTransitionPayload, type TTransitionInput, type TTransitionResult } from "./schema";


/** The moves, and who may make them (admin may make every move). */
const MOVES: Record<TAssetStatus, Partial<Record<TAssetStatus, readonly TRole[]>>> = {
  PLANNED: { ORDERED: ["procurement"] },
  // DISPOSED: the order was cancelled before delivery (a cancelled purchase order's placeholder assets)
  ORDERED: { IN_TRANSIT: ["procurement", "warehouse"], DISPOSED: ["procurement"] },
  IN_TRANSIT: { RECEIVED: ["warehouse"] },
  RECEIVED: { BURN_IN: ["technician"], FAILED: ["warehouse", "technician"] },
  BURN_IN: { READY_TO_RACK: ["technician"], FAILED: ["technician"] },
  READY_TO_RACK: { RACKED: ["technician"] },
  RACKED: { CABLED: ["technician"], FAILED: ["technician"] },
  CABLED: { SAT: ["technician"], FAILED: ["technician"] },
  SAT: { IN_SERVICE: ["technician"], FAILED: ["technician"] },
  IN_SERVICE: { DECOMMISSIONING: ["technician"], RMA: ["warehouse", "technician"] },
  DECOMMISSIONING: { SANITIZED: ["technician"] },
  SANITIZED: { DISPOSED: ["warehouse"] },
  DISPOSED: {},
  FAILED: { RMA: ["warehouse", "technician"], DECOMMISSIONING: ["technician"] },
  RMA: { RECEIVED: ["warehouse"] },
  QUARANTINE: {}, // released to heldStatus, see below
};
/** Who may put an asset on hold or release it. */
const HOLD_ROLES: readonly TRole[] = ["warehouse", "technician", "firmware"];

/** Everyone who may make at least one move: who may call a transition endpoint at all (the move itself is checked per role). */
export const TRANSITION_ROLES: readonly TRole[] = [...new Set<TRole>(["admin", ...HOLD_ROLES, ...Object.values(MOVES).flatMap((m) => Object.values(m).flat())])];

export interface TAssetState {
  status: TAssetStatus;
  heldStatus: TAssetStatus | null;
}

/** Every status the asset may move to, whoever asks. */
export function nextStatuses(s: TAssetState): TAssetStatus[] {
  if (s.status === "QUARANTINE") return s.heldStatus ? [s.heldStatus] : [];
  const out = Object.keys(MOVES[s.status]) as TAssetStatus[];
  if (s.status !== "DISPOSED") out.push("QUARANTINE");
  return out;
}

export function rolesFor(s: TAssetState, to: TAssetStatus): readonly TRole[] {
  if (!nextStatuses(s).includes(to)) return [];
  if (to === "QUARANTINE" || s.status === "QUARANTINE") return ["admin", ...HOLD_ROLES];
  return ["admin", ...(MOVES[s.status][to] ?? [])];
}

/** The moves this role may make from this state (what the UI offers). */
export function allowedTransitions(s: TAssetState, role: TRole): TAssetStatus[] {
  return nextStatuses(s).filter((to) => rolesFor(s, to).includes(role));
}

/** A domain step that alone may make some moves (see STEP_ONLY). */
export type TLifecycleStep = "placement" | "sanitisation" | "disposal";

/**
 * Moves that need what a domain's own step records and checks in the same transaction (RACKED needs a
 * rack and U; SANITIZED needs evidence per storage device; DISPOSED needs a disposal batch). `from`,
 * when given, limits the rule to moves from those statuses. The
 * generic status change (tRPC `assets.transition`, REST) refuses them and names the step; the owning
 * domain calls transitionInTx / transitionSqlite / transitionPg with `{ step }`. Keyed by target status;
 * `where` tells a person where to find the step.
 */
export const STEP_ONLY: Partial<Record<TAssetStatus, { step: TLifecycleStep; where: string; from?: readonly TAssetStatus[] }>> = {
  RACKED: { step: "placement", where: "the placement step (Racks, or the Racked button on the asset page: choose the rack and U)" },
  SANITIZED: { step: "sanitisation", where: "Warehouse → RMA & disposal → sanitisation (evidence per storage device)" },
  // only from SANITIZED: a cancelled purchase order's placeholders still go ORDERED → DISPOSED directly
  DISPOSED: { step: "disposal", where: "Warehouse → RMA & disposal → a disposal batch (closed with the recycler's certificate)", from: ["SANITIZED"] },
};

/** Options a domain step passes to the in-transaction transitions. */
export interface TMoveOptions {
  step?: TLifecycleStep;
}

/** A failure before the first IN_SERVICE is dead on arrival (KPI: DOA rate). */
export function isDoaFailure(fromStatus: TAssetStatus, everInService: boolean): boolean {
  return !everInService && ["RECEIVED", "BURN_IN", "RACKED", "CABLED", "SAT"].includes(fromStatus);
}

export { PAYLOAD_MAX_BYTES, PAYLOAD_MAX_DEPTH, ZTransitionInput, ZTransitionPayload, type TTransitionInput, type TTransitionResult } from "./schema";

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The asset as a transition reads it inside its transaction. */
interface TAssetRow {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  heldStatus: string | null;
  version: number;
}

const displayName = (a: { serial: string; assetTag: string | null }) => (a.assetTag ? `${a.assetTag} (serial ${a.serial})` : `serial ${a.serial}`);

/**
 * The asset changed after the caller loaded it (`expectedStatus` /
 * `expectedVersion` no longer hold), found inside the transaction. Callers of
 * transitionInTx get this CONFLICT as it is; transition() replaces it, after
 * the rollback, with one that says who changed what and when (describeStale).
 */
class StaleAssetError extends AppError {
  constructor(readonly asset: TAssetRow) {
    super("CONFLICT", `Asset ${displayName(asset)} changed since you loaded it (it is now ${STATUS_META[asset.status as TAssetStatus].label}). Reload and try again.`, {
      details: { assetId: asset.id, status: asset.status, version: asset.version },
    });
  }
}

/** The checks every transition passes, on the asset as read inside its transaction: it exists, the caller is not behind, the move exists, the role may make it. */
function checkMove(asset: TAssetRow | null | undefined, actor: TActor, input: TTransitionInput, opts: TMoveOptions = {}): { asset: TAssetRow; name: string; state: TAssetState } {
  if (!asset) throw new AppError("NOT_FOUND", `No asset with id ${input.assetId}.`);
  const name = displayName(asset);
  const state: TAssetState = { status: asset.status as TAssetStatus, heldStatus: (asset.heldStatus as TAssetStatus | null) ?? null };
  if ((input.expectedVersion !== undefined && input.expectedVersion !== asset.version) || (input.expectedStatus !== undefined && input.expectedStatus !== state.status)) {
    throw new StaleAssetError(asset);
  }
  if (!nextStatuses(state).includes(input.to)) {
    const options = nextStatuses(state).map((s) => STATUS_META[s].label);
    throw new AppError("INVALID_TRANSITION", `Asset ${name} is ${STATUS_META[state.status].label}; it cannot move to ${STATUS_META[input.to].label}. ${options.length ? `From here it can move to: ${options.join(", ")}.` : "It is in a final state."}`, {
      details: { assetId: asset.id, status: state.status, attempted: input.to, allowed: nextStatuses(state) },
    });
  }
  if (!rolesFor(state, input.to).includes(actor.role)) {
    throw new AppError("FORBIDDEN", `Your role (${actor.role}) may not move an asset from ${STATUS_META[state.status].label} to ${STATUS_META[input.to].label}.`, {
      details: { assetId: asset.id, status: state.status, attempted: input.to },
    });
  }
  const only = STEP_ONLY[input.to];
  if (only && opts.step !== only.step && (!only.from || only.from.includes(state.status))) {
    throw new AppError("INVALID_TRANSITION", `Asset ${name} moves to ${STATUS_META[input.to].label} only through ${only.where}, which records what the move needs; nothing was changed.`, {
      details: { assetId: asset.id, status: state.status, attempted: input.to, step: only.step },
    });
  }
  return { asset, name, state };
}

const raceLost = (asset: TAssetRow, name: string) => new AppError("CONFLICT", `Asset ${name} was changed by someone else at the same moment. Reload and try again.`, { details: { assetId: asset.id } });

/** What a checked move writes besides the asset: its event, audit entry and live-update notice, and the answer. */
function moveWrites(asset: TAssetRow, state: TAssetState, actor: TActor, input: TTransitionInput, at: Date, everInService: boolean) {
  let payload = input.payload ?? {};
  if (input.to === "FAILED") payload = { ...payload, doa: isDoaFailure(state.status, everInService) };
  const event: TEventContent = {
    assetId: asset.id,
    at,
    actorType: actor.type,
    actorId: actor.id,
    fromStatus: state.status,
    toStatus: input.to,
    reason: input.reason ?? null,
    payload: Object.keys(payload).length ? JSON.stringify(payload) : null,
  };
  const audit: TAuditEntry = {
    action: "transition",
    entity: "Asset",
    entityId: asset.id,
    before: { status: state.status, version: asset.version },
    after: { status: input.to, version: asset.version + 1, reason: input.reason ?? null },
  };
  const notice: TLivePublish = { scope: "asset", key: asset.id, data: { kind: "asset.status", from: state.status, to: input.to, version: asset.version + 1 } };
  return { event, audit, notice, heldStatus: input.to === "QUARANTINE" ? state.status : null };
}

/**
 * The CONFLICT for a caller that is behind, saying who changed the asset to
 * what and when (from the audit trail), so a page can tell its user that
 * nothing was changed and why. Read after the refused transaction rolled back:
 * the audit lookups cost nothing on the happy path.
 */
async function describeStale(deps: TDeps, asset: TAssetRow): Promise<AppError> {
  const status = asset.status as TAssetStatus;
  const name = displayName(asset);
  const [last] = await listAudit(deps.db, { entity: "Asset", entityId: asset.id, take: 1 });
  const by = last ? ((await actorDisplayNames(deps, [last])).get(last.actorId) ?? (last.actorType === "system" ? "IronLedger" : last.actorId)) : null;
  const before = last?.before ? (JSON.parse(last.before) as { status?: TAssetStatus }) : null;
  const movedFrom = last?.action === "transition" ? (before?.status ?? null) : null;
  const what = !last
    ? `Asset ${name} changed after you loaded it`
    : movedFrom
      ? `${by} moved ${name} from ${STATUS_META[movedFrom].label} to ${STATUS_META[status].label} at ${utc(last.at)}`
      : `${by} edited ${name} at ${utc(last.at)}`;
  const now = movedFrom ? "" : ` It is ${STATUS_META[status].label}.`;
  return new AppError("CONFLICT", `Nothing was changed: ${what}, after you loaded it.${now} Check what it is now, then choose again.`, {
    details: { assetId: asset.id, status, version: asset.version, changedBy: by, changedAt: last?.at.toISOString() ?? null, change: movedFrom ? "status" : "edit", from: movedFrom },
  });
}

/**
 * One transition in its own transaction. Where the client has a driver-level
 * writer (server/db/hot.ts; every client of server/db/client.ts) the same
 * reads and writes run as prepared statements: on SQLite synchronously between
 * BEGIN IMMEDIATE and COMMIT on Prisma's connection, on PostgreSQL in seven
 * round trips (BEGIN and COMMIT included) instead of about fifteen. transitionInTx is the same move inside
 * a caller's Prisma transaction; lifecycle.int.test.ts holds the two to the
 * same rows and chains on both databases.
 */
export async function transition(deps: TDeps, actor: TActor, input: TTransitionInput): Promise<TTransitionResult> {
  ZTransitionPayload.optional().parse(input.payload); // every caller (tRPC, REST, scripts) is held to the bounds
  const writer = hotWriter(deps.db);
  try {
    if (writer?.provider === "sqlite") {
      const out = await writer.transaction((tx) => transitionSqlite(tx, deps.clock, actor, input));
      pokeLocalHubs();
      return out;
    }
    if (writer?.provider === "postgresql") return await writer.transaction((tx) => transitionPg(tx, deps.clock, actor, input));
    return await deps.db.$transaction((tx) => transitionInTx(tx, deps.provider, deps.clock, actor, input));
  } catch (e) {
    if (e instanceof StaleAssetError) throw await describeStale(deps, e.asset);
    throw retryableDbError(e) ?? e;
  }
}

/**
 * A database that is too busy right now (a connection not free in time, a lock
 * or transaction timeout, a deadlock or serialisation failure, SQLite busy):
 * nothing was written, and the same call will most likely go through in a
 * moment. 503 with Retry-After (server/http.ts), never a 500.
 */
export function retryableDbError(e: unknown): AppError | null {
  if (e instanceof AppError) return null;
  const err = e as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } } | undefined;
  const code = typeof err?.code === "string" ? err.code : "";
  const message = typeof err?.message === "string" ? err.message : "";
  const cause = err?.meta?.driverAdapterError?.cause;
  const transient =
    ["P2028", "P2034", "P1008", "40001", "40P01", "55P03", "57014", "53300", "SQLITE_BUSY", "SQLITE_LOCKED"].includes(code) ||
    ["40001", "40P01", "55P03", "57014", "53300", "SQLITE_BUSY", "5", "6"].includes(cause?.originalCode ?? "") ||
    cause?.kind === "TransactionWriteConflict" ||
    /timeout exceeded when trying to connect|Connection terminated due to connection timeout|database is locked|Unable to start a transaction in the given time|Transaction already closed/i.test(message);
  if (!transient) return null;
  return new AppError("UNAVAILABLE", "The database is busy right now; nothing was changed. Try again in a moment.", { details: { retryAfterSeconds: 1 }, cause: e });
}

/** The same transition inside the caller's transaction (a purchase order's cancellation moves its assets with it). */
export async function transitionInTx(tx: Tx, provider: TProvider, clock: TClock, actor: TActor, input: TTransitionInput, opts: TMoveOptions = {}): Promise<TTransitionResult> {
  ZTransitionPayload.optional().parse(input.payload);
  const row = await tx.asset.findUnique({ where: { id: input.assetId }, select: { id: true, serial: true, assetTag: true, status: true, heldStatus: true, version: true } });
  const { asset, name, state } = checkMove(row, actor, input, opts);
  const at = clock.now();
  const heldStatus = input.to === "QUARANTINE" ? state.status : null;
  const updated = await tx.asset.updateMany({
    where: { id: asset.id, version: asset.version, status: asset.status },
    data: { status: input.to, heldStatus, version: { increment: 1 }, updatedAt: at },
  });
  if (updated.count !== 1) throw raceLost(asset, name);
  const everInService = input.to === "FAILED" && (await tx.assetEvent.count({ where: { assetId: asset.id, toStatus: "IN_SERVICE" } })) > 0;
  const w = moveWrites(asset, state, actor, input, at, everInService);
  const event = await tx.assetEvent.create({ data: { ...w.event, ...(await nextEventLink(tx, provider, w.event)) }, select: { id: true } });
  await appendAudit(tx, provider, actor, at, w.audit);
  await publishEvent(tx, provider, at, w.notice);
  return { assetId: asset.id, from: state.status, to: input.to, version: asset.version + 1, eventId: event.id };
}

/**
 * A row id as Prisma's cuid() default makes them (cuid v1: "c", time, counter,
 * fingerprint, random, base 36), for the event the driver path inserts: ids
 * made later sort later, which the event history's tie-breaker (same `at`,
 * then id) relies on.
 */
const BASE = 36;
const pad = (s: string, n: number) => s.padStart(n, "0").slice(-n);
let idCounter = randomBytes(4).readUInt32BE() % BASE ** 4;
const fingerprint = pad(process.pid.toString(BASE), 2) + pad(randomBytes(2).readUInt16BE().toString(BASE), 2);
export function newRowId(): string {
  idCounter = (idCounter + 1) % BASE ** 4;
  return `c${pad(Date.now().toString(BASE), 8)}${pad(idCounter.toString(BASE), 4)}${fingerprint}${pad(randomBytes(6).readUIntBE(0, 6).toString(BASE), 8)}`;
}

// ---------------------------------------------------------------- SQLite: one synchronous transaction

/** SQLite stores DateTime as the Prisma adapter writes it (timestampFormat iso8601). */
const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

const SQ = {
  asset: `SELECT id, serial, assetTag, status, heldStatus, version FROM "Asset" WHERE id = ?`,
  update: `UPDATE "Asset" SET status = ?, heldStatus = ?, version = version + 1, updatedAt = ? WHERE id = ? AND version = ? AND status = ?`,
  everInService: `SELECT 1 AS hit FROM "AssetEvent" WHERE assetId = ? AND toStatus = 'IN_SERVICE' LIMIT 1`,
  eventHead: `SELECT chainSeq, hash FROM "AssetEvent" WHERE chainSeq IS NOT NULL ORDER BY chainSeq DESC LIMIT 1`,
  auditHead: `SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1`,
  insertEvent: `INSERT INTO "AssetEvent" (id, assetId, at, actorType, actorId, fromStatus, toStatus, reason, payload, chainSeq, prevHash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertAudit: `INSERT INTO "AuditLog" (at, actorType, actorId, action, entity, entityId, before, after, prevHash, hash, hashVersion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertLive: `INSERT INTO "LiveEvent" (at, scope, key, kind, data) VALUES (?, ?, ?, ?, ?)`,
};

/**
 * The SQLite transition inside a caller's driver-level transaction (server/db/hot.ts), for a caller
 * that writes more in the same transaction (receiving binds a serial, then moves the asset). The caller
 * pokes the local hubs after its commit (pokeLocalHubs).
 */
export function transitionSqlite(tx: TSqliteTx, clock: TClock, actor: TActor, input: TTransitionInput, opts: TMoveOptions = {}): TTransitionResult {
  const { asset, name, state } = checkMove(tx.get<TAssetRow>(SQ.asset, [input.assetId]), actor, input, opts);
  const at = clock.now();
  const t = sqliteTime(at);
  const heldStatus = input.to === "QUARANTINE" ? state.status : null;
  if (tx.run(SQ.update, [input.to, heldStatus, t, asset.id, asset.version, asset.status]).changes !== 1) throw raceLost(asset, name);
  const everInService = input.to === "FAILED" && tx.get(SQ.everInService, [asset.id]) !== undefined;
  const w = moveWrites(asset, state, actor, input, at, everInService);
  // the chains: SQLite has one writer, and this transaction holds it (BEGIN IMMEDIATE)
  const link = eventLinkAfter(tx.get<{ chainSeq: number; hash: string }>(SQ.eventHead), w.event);
  const eventId = newRowId();
  const e = w.event;
  tx.run(SQ.insertEvent, [eventId, e.assetId, t, e.actorType, e.actorId, e.fromStatus, e.toStatus, e.reason, e.payload, link.chainSeq, link.prevHash, link.hash]);
  const a = auditRow(tx.get<{ hash: string }>(SQ.auditHead)?.hash ?? GENESIS, actor, at, w.audit);
  tx.run(SQ.insertAudit, [t, a.actorType, a.actorId, a.action, a.entity, a.entityId, a.before, a.after, a.prevHash, a.hash, a.hashVersion]);
  const [live] = liveEventRows(at, [w.notice]);
  tx.run(SQ.insertLive, [t, live!.scope, live!.key, live!.kind, live!.data]);
  return { assetId: asset.id, from: state.status, to: input.to, version: asset.version + 1, eventId };
}

// ---------------------------------------------------------------- PostgreSQL: seven round trips

/** PostgreSQL `timestamp(3)` holds UTC without a zone, as the Prisma adapter writes it. */
const pgTime = (d: Date) => d.toISOString().slice(0, 23).replace("T", " ");
const [AUDIT_LOCK, EVENTS_LOCK] = chainLockKeys("events");

const PQ = {
  asset: { name: "lifecycle_asset", text: `SELECT id, serial, "assetTag", status, "heldStatus", version FROM "Asset" WHERE id = $1` },
  update: { name: "lifecycle_update", text: `UPDATE "Asset" SET status = $1, "heldStatus" = $2, version = version + 1, "updatedAt" = $3::timestamp(3) WHERE id = $4 AND version = $5 AND status = $6` },
  everInService: { name: "lifecycle_ever_in_service", text: `SELECT 1 AS hit FROM "AssetEvent" WHERE "assetId" = $1 AND "toStatus" = 'IN_SERVICE' LIMIT 1` },
  // the audit lock first, as lockChain takes them (no lock-order deadlock with any other writer), after the asset's row lock
  lock: { name: "lifecycle_lock", text: `SELECT pg_advisory_xact_lock(${AUDIT_LOCK}::bigint) AS a, pg_advisory_xact_lock(${EVENTS_LOCK}::bigint) AS e` },
  // a statement of its own after the lock: each statement reads what was committed when it began
  heads: {
    name: "lifecycle_heads",
    text: `SELECT e."chainSeq", e.hash, (SELECT l.hash FROM "AuditLog" l ORDER BY l.seq DESC LIMIT 1) AS "auditHash"
      FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT "chainSeq", hash FROM "AssetEvent" WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1) e ON true`,
  },
  insert: {
    name: "lifecycle_insert",
    text: `WITH ev AS (
        INSERT INTO "AssetEvent" (id, "assetId", at, "actorType", "actorId", "fromStatus", "toStatus", reason, payload, "chainSeq", "prevHash", hash)
        VALUES ($1, $2, $3::timestamp(3), $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id),
      au AS (
        INSERT INTO "AuditLog" (at, "actorType", "actorId", action, entity, "entityId", before, after, "prevHash", hash, "hashVersion")
        VALUES ($3::timestamp(3), $4, $5, $13, $14, $2, $15, $16, $17, $18, $19) RETURNING seq),
      li AS (
        INSERT INTO "LiveEvent" (at, scope, "key", kind, data) VALUES ($3::timestamp(3), $20, $21, $22, $23) RETURNING id)
      SELECT (SELECT id FROM ev) AS "eventId", (SELECT seq FROM au) AS seq, (SELECT id FROM li) AS "liveId", pg_notify('${LIVE_NOTIFY_CHANNEL}', '') AS notified`,
  },
};

/** The PostgreSQL transition inside a caller's driver-level transaction; it takes the audit and event chain locks, which the caller then holds too. */
export async function transitionPg(tx: TPgTx, clock: TClock, actor: TActor, input: TTransitionInput, opts: TMoveOptions = {}): Promise<TTransitionResult> {
  const { asset, name, state } = checkMove((await tx.query<TAssetRow>(PQ.asset, [input.assetId])).rows[0], actor, input, opts);
  const at = clock.now();
  const t = pgTime(at);
  const heldStatus = input.to === "QUARANTINE" ? state.status : null;
  if ((await tx.query(PQ.update, [input.to, heldStatus, t, asset.id, asset.version, asset.status])).rowCount !== 1) throw raceLost(asset, name);
  const everInService = input.to === "FAILED" && (await tx.query(PQ.everInService, [asset.id])).rows.length > 0;
  const w = moveWrites(asset, state, actor, input, at, everInService);
  await tx.query(PQ.lock);
  const head = (await tx.query<{ chainSeq: number | null; hash: string | null; auditHash: string | null }>(PQ.heads)).rows[0];
  const link = eventLinkAfter(head && head.chainSeq !== null ? head : null, w.event);
  const a = auditRow(head?.auditHash ?? GENESIS, actor, at, w.audit);
  const [live] = liveEventRows(at, [w.notice]);
  const e = w.event;
  const eventId = newRowId();
  await tx.query(PQ.insert, [
    eventId, e.assetId, t, e.actorType, e.actorId, e.fromStatus, e.toStatus, e.reason, e.payload, link.chainSeq, link.prevHash, link.hash,
    a.action, a.entity, a.before, a.after, a.prevHash, a.hash, a.hashVersion,
    live!.scope, live!.key, live!.kind, live!.data,
  ]);
  return { assetId: asset.id, from: state.status, to: input.to, version: asset.version + 1, eventId };
}

/** The first event of a new asset, written by assets/service.ts when it creates one (in its transaction). */
export function initialStatusEvent(assetId: string, status: TAssetStatus, actor: TActor, at: Date, reason: string | null) {
  return { assetId, at, actorType: actor.type, actorId: actor.id, fromStatus: null, toStatus: status, reason, payload: null };
}
