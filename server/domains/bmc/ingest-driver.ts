/**
 * An agent batch stored through the driver (server/db/hot.ts's write
 * transaction, the path lifecycle transitions take), with statements whose
 * text does not depend on the batch's size, so each is prepared once:
 *
 * - SQLite: on Prisma's own connection, under its lock, BEGIN IMMEDIATE …
 *   COMMIT in one synchronous run: the reads take their id lists as one JSON
 *   array (`json_each`), the writes are one prepared single-row statement run
 *   per row (a few microseconds each in process).
 * - PostgreSQL: one pooled connection, named statements, lists as arrays
 *   (`= ANY($1)`, `unnest(...)` for the multi-row writes).
 *
 * The reads, the chain links and the reconciliation are the ones of the
 * Prisma path (agent-service.ts, ./reconcile.ts); only the transport differs.
 * Everything commits together: observations (chained), endpoint state,
 * findings, live notices and the audit entry.
 */
import { auditRow, GENESIS, type TAuditEntry } from "../audit/service";
import { chainLockKeys, type TLink } from "../../chains/chain";
import type { TPgTx, TSqliteTx } from "../../db/hot";
import { LIVE_NOTIFY_CHANNEL, liveEventRows } from "../../live/publish";
import type { TLivePublish } from "../../live/schema";
import type { TActor } from "../../context";
import type { TAssetIdentity } from "../assets/service";
import type { TKnownFinding, TFindingWrites } from "./reconcile";
import type { TEndpointChange, TObservationRow } from "./ingest-sql";

/** What the transaction reads before it writes (the same as the Prisma path reads). */
export interface TBatchReads {
  owned: { id: string; assetId: string; tlsFingerprint: string | null }[];
  held: Set<string>;
}
export interface TStateReads {
  latest: Map<string, Date | null>;
  identities: Map<string, TAssetIdentity>;
  findings: Map<string, TKnownFinding[]>;
}
/** What a batch writes after reconciliation. */
export interface TBatchWrites {
  endpoints: ReadonlyMap<string, TEndpointChange>;
  findings: TFindingWrites;
  notices: TLivePublish[];
  actor: TActor;
  audit: TAuditEntry;
}

interface TIdentityRow {
  id: string;
  serial: string;
  status: string;
  modelName: string;
  maker: string;
  partId: string | null;
  partSerial: string | null;
  partTag: string | null;
  partKind: string | null;
}

/** Rows of the identity join (asset, model, maker, parts) as assets/service.ts's assetIdentities returns them. */
function identitiesFrom(rows: TIdentityRow[]): Map<string, TAssetIdentity> {
  const out = new Map<string, TAssetIdentity>();
  for (const r of rows) {
    let a = out.get(r.id);
    if (!a) out.set(r.id, (a = { id: r.id, serial: r.serial, status: r.status as TAssetIdentity["status"], model: { name: r.modelName, manufacturer: r.maker }, parts: [] }));
    if (r.partId) a.parts.push({ id: r.partId, serial: r.partSerial!, assetTag: r.partTag, kind: r.partKind! });
  }
  return out;
}

function findingsFrom(endpointIds: string[], rows: (TKnownFinding & { endpointId: string })[]): Map<string, TKnownFinding[]> {
  const out = new Map<string, TKnownFinding[]>(endpointIds.map((id) => [id, []]));
  for (const { endpointId, ...f } of rows) out.get(endpointId)?.push(f);
  return out;
}

function latestFrom(endpointIds: string[], rows: { endpointId: string; m: Date | string | null }[]): Map<string, Date | null> {
  const out = new Map<string, Date | null>(endpointIds.map((id) => [id, null]));
  for (const r of rows) out.set(r.endpointId, r.m === null ? null : new Date(r.m));
  return out;
}

const LIVE = "'OPEN', 'ACCEPTED', 'DISMISSED'";
const ENDPOINT_COLUMNS = ["lastSeenAt", "lastPower", "lastStatus", "lastError", "lastProbeId", "tlsFingerprint", "updatedAt"] as const;
const FINDING_COLUMNS = ["id", "endpointId", "assetId", "kind", "key", "detail", "status", "firstSeenAt", "lastSeenAt", "resolvedBy", "resolvedAt"] as const;
const FINDING_UPDATE_COLUMNS = ["detail", "status", "lastSeenAt", "resolvedBy", "resolvedAt"] as const;
const OBSERVATION_COLUMNS = ["id", "endpointId", "agentId", "idempotencyKey", "kind", "observedAt", "receivedAt", "durationMs", "payload", "chainSeq", "prevHash", "hash"] as const;

// ---------------------------------------------------------------- SQLite

/** SQLite stores DateTime as the Prisma adapter writes it (timestampFormat iso8601). */
const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
const sqv = (v: unknown): string | number | null => (v instanceof Date ? sqliteTime(v) : (v as string | number | null | undefined) ?? null);
const q = (c: string) => `"${c}"`;

const SQ = {
  owned: `SELECT id, assetId, tlsFingerprint FROM "BmcEndpoint" WHERE agentId = ? AND id IN (SELECT value FROM json_each(?))`,
  held: `SELECT idempotencyKey FROM "BmcObservation" WHERE agentId = ? AND idempotencyKey IN (SELECT value FROM json_each(?))`,
  latest: `SELECT endpointId, MAX(observedAt) AS m FROM "BmcObservation" WHERE endpointId IN (SELECT value FROM json_each(?)) AND observedAt <= ? GROUP BY endpointId`,
  chainHead: `SELECT chainSeq, hash FROM "BmcObservation" WHERE chainSeq IS NOT NULL ORDER BY chainSeq DESC LIMIT 1`,
  identities: `SELECT a.id, a.serial, a.status, m.name AS modelName, mf.name AS maker, pa.id AS partId, pa.serial AS partSerial, pa.assetTag AS partTag, pm.kind AS partKind
    FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId JOIN "Manufacturer" mf ON mf.id = m.manufacturerId
    LEFT JOIN "Asset" pa ON pa.parentId = a.id LEFT JOIN "HardwareModel" pm ON pm.id = pa.modelId
    WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id, pa.id`,
  findings: `SELECT id, endpointId, kind, key, status FROM "BmcFinding" WHERE endpointId IN (SELECT value FROM json_each(?)) AND status IN (${LIVE})`,
  insertObservation: `INSERT INTO "BmcObservation" (${OBSERVATION_COLUMNS.map(q).join(", ")}) VALUES (${OBSERVATION_COLUMNS.map(() => "?").join(", ")})`,
  // per column: "set it?" (0/1) then the value; a column not set keeps its value
  updateEndpoint: `UPDATE "BmcEndpoint" SET ${ENDPOINT_COLUMNS.map((c) => `${q(c)} = CASE WHEN ? THEN ? ELSE ${q(c)} END`).join(", ")} WHERE id = ?`,
  insertFinding: `INSERT INTO "BmcFinding" (${FINDING_COLUMNS.map(q).join(", ")}) VALUES (${FINDING_COLUMNS.map(() => "?").join(", ")})`,
  updateFinding: `UPDATE "BmcFinding" SET ${FINDING_UPDATE_COLUMNS.map((c) => `${q(c)} = CASE WHEN ? THEN ? ELSE ${q(c)} END`).join(", ")} WHERE id = ?`,
  insertLive: `INSERT INTO "LiveEvent" (at, scope, key, kind, data) VALUES (?, ?, ?, ?, ?)`,
  auditHead: `SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1`,
  insertAudit: `INSERT INTO "AuditLog" (at, actorType, actorId, action, entity, entityId, before, after, prevHash, hash, hashVersion) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
};

function masked(columns: readonly string[], change: Record<string, unknown>): (string | number | null)[] {
  return columns.flatMap((c) => (change[c] === undefined ? [0, null] : [1, sqv(change[c])]));
}

/** Driver-level reads and writes of one batch inside a synchronous SQLite transaction (the writer lock is held). */
export const sqliteIngest = {
  batch(tx: TSqliteTx, agentId: string, endpointIds: string[], keys: string[]): TBatchReads {
    const owned = tx.all<TBatchReads["owned"][number]>(SQ.owned, [agentId, JSON.stringify(endpointIds)]);
    const held = new Set(tx.all<{ idempotencyKey: string }>(SQ.held, [agentId, JSON.stringify(keys)]).map((r) => r.idempotencyKey));
    return { owned, held };
  },
  chainHead(tx: TSqliteTx): { chainSeq: number; hash: string } | undefined {
    return tx.get<{ chainSeq: number; hash: string }>(SQ.chainHead);
  },
  state(tx: TSqliteTx, endpointIds: string[], assetIds: string[], upTo: Date): TStateReads {
    const ids = JSON.stringify(endpointIds);
    return {
      latest: latestFrom(endpointIds, tx.all(SQ.latest, [ids, sqliteTime(upTo)])),
      identities: identitiesFrom(tx.all<TIdentityRow>(SQ.identities, [JSON.stringify(assetIds)])),
      findings: findingsFrom(endpointIds, tx.all(SQ.findings, [ids])),
    };
  },
  insertObservations(tx: TSqliteTx, rows: (TObservationRow & TLink)[]): void {
    for (const r of rows) tx.run(SQ.insertObservation, OBSERVATION_COLUMNS.map((c) => sqv(r[c])));
  },
  write(tx: TSqliteTx, at: Date, w: TBatchWrites): void {
    for (const [id, ch] of w.endpoints) tx.run(SQ.updateEndpoint, [...masked(ENDPOINT_COLUMNS, ch as unknown as Record<string, unknown>), id]);
    for (const f of w.findings.creates.values()) tx.run(SQ.insertFinding, FINDING_COLUMNS.map((c) => sqv(f[c])));
    for (const [id, ch] of w.findings.updates) tx.run(SQ.updateFinding, [...masked(FINDING_UPDATE_COLUMNS, ch), id]);
    const t = sqliteTime(at);
    for (const l of liveEventRows(at, w.notices)) tx.run(SQ.insertLive, [t, l.scope, l.key, l.kind, l.data]);
    const a = auditRow(tx.get<{ hash: string }>(SQ.auditHead)?.hash ?? GENESIS, w.actor, at, w.audit);
    tx.run(SQ.insertAudit, [t, a.actorType, a.actorId, a.action, a.entity, a.entityId, a.before, a.after, a.prevHash, a.hash, a.hashVersion]);
  },
};

// ---------------------------------------------------------------- PostgreSQL

/** PostgreSQL `timestamp(3)` holds UTC without a zone, as the Prisma adapter writes it. */
const pgTime = (d: Date) => d.toISOString().slice(0, 23).replace("T", " ");
const pgv = (v: unknown): unknown => (v instanceof Date ? pgTime(v) : (v ?? null));
const [AUDIT_LOCK, OBSERVATIONS_LOCK] = chainLockKeys("observations");

const TYPES: Record<string, string> = { m: "int", observedAt: "timestamp(3)", receivedAt: "timestamp(3)", durationMs: "int", chainSeq: "int", lastSeenAt: "timestamp(3)", updatedAt: "timestamp(3)", firstSeenAt: "timestamp(3)", resolvedAt: "timestamp(3)" };
const typeOf = (c: string) => TYPES[c] ?? "text";
/** `unnest($1::text[], $2::int[], …)`, one array per column, parameters from `from` */
const unnest = (columns: readonly string[], from = 1) => `unnest(${columns.map((c, i) => `$${from + i}::${typeOf(c)}[]`).join(", ")})`;
const maskedSet = (table: string, columns: readonly string[]) => columns.map((c, i) => `${q(c)} = CASE WHEN (v.m & ${1 << i}) <> 0 THEN v.c${i} ELSE ${table}.${q(c)} END`).join(", ");

const PQ = {
  lock: { name: "ingest_lock", text: `SELECT pg_advisory_xact_lock(${AUDIT_LOCK}::bigint) AS a, pg_advisory_xact_lock(${OBSERVATIONS_LOCK}::bigint) AS o` },
  owned: { name: "ingest_owned", text: `SELECT id, "assetId", "tlsFingerprint" FROM "BmcEndpoint" WHERE "agentId" = $1 AND id = ANY($2::text[])` },
  held: { name: "ingest_held", text: `SELECT "idempotencyKey" FROM "BmcObservation" WHERE "agentId" = $1 AND "idempotencyKey" = ANY($2::text[])` },
  // after the lock: each statement reads what was committed when it began
  heads: {
    name: "ingest_heads",
    text: `SELECT o."chainSeq", o.hash FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT "chainSeq", hash FROM "BmcObservation" WHERE "chainSeq" IS NOT NULL ORDER BY "chainSeq" DESC LIMIT 1) o ON true`,
  },
  latest: { name: "ingest_latest", text: `SELECT "endpointId", MAX("observedAt") AS m FROM "BmcObservation" WHERE "endpointId" = ANY($1::text[]) AND "observedAt" <= $2::timestamp(3) GROUP BY "endpointId"` },
  identities: {
    name: "ingest_identities",
    text: `SELECT a.id, a.serial, a.status, m.name AS "modelName", mf.name AS maker, pa.id AS "partId", pa.serial AS "partSerial", pa."assetTag" AS "partTag", pm.kind AS "partKind"
      FROM "Asset" a JOIN "HardwareModel" m ON m.id = a."modelId" JOIN "Manufacturer" mf ON mf.id = m."manufacturerId"
      LEFT JOIN "Asset" pa ON pa."parentId" = a.id LEFT JOIN "HardwareModel" pm ON pm.id = pa."modelId"
      WHERE a.id = ANY($1::text[]) ORDER BY a.id, pa.id`,
  },
  findings: { name: "ingest_findings", text: `SELECT id, "endpointId", kind, key, status FROM "BmcFinding" WHERE "endpointId" = ANY($1::text[]) AND status IN (${LIVE})` },
  insertObservations: { name: "ingest_observations", text: `INSERT INTO "BmcObservation" (${OBSERVATION_COLUMNS.map(q).join(", ")}) SELECT * FROM ${unnest(OBSERVATION_COLUMNS)}` },
  updateEndpoints: {
    name: "ingest_endpoints",
    text: `UPDATE "BmcEndpoint" SET ${maskedSet(`"BmcEndpoint"`, ENDPOINT_COLUMNS)} FROM ${unnest(["id", "m", ...ENDPOINT_COLUMNS])} AS v(id, m, ${ENDPOINT_COLUMNS.map((_, i) => `c${i}`).join(", ")}) WHERE "BmcEndpoint".id = v.id`,
  },
  insertFindings: { name: "ingest_findings_insert", text: `INSERT INTO "BmcFinding" (${FINDING_COLUMNS.map(q).join(", ")}) SELECT * FROM ${unnest(FINDING_COLUMNS)}` },
  updateFindings: {
    name: "ingest_findings_update",
    text: `UPDATE "BmcFinding" SET ${maskedSet(`"BmcFinding"`, FINDING_UPDATE_COLUMNS)} FROM ${unnest(["id", "m", ...FINDING_UPDATE_COLUMNS])} AS v(id, m, ${FINDING_UPDATE_COLUMNS.map((_, i) => `c${i}`).join(", ")}) WHERE "BmcFinding".id = v.id`,
  },
  // live notices in the order given (ids follow it), the audit entry, and the wake-up delivered at commit
  finish: {
    name: "ingest_finish",
    text: `WITH li AS (
        INSERT INTO "LiveEvent" (at, scope, "key", kind, data)
        SELECT $1::timestamp(3), v.scope, v.key, v.kind, v.data FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS v(scope, key, kind, data, n) ORDER BY v.n RETURNING id),
      au AS (
        INSERT INTO "AuditLog" (at, "actorType", "actorId", action, entity, "entityId", before, after, "prevHash", hash, "hashVersion")
        VALUES ($1::timestamp(3), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq)
      SELECT (SELECT count(*) FROM li) AS live, (SELECT seq FROM au) AS seq, pg_notify('${LIVE_NOTIFY_CHANNEL}', '') AS notified`,
  },
  auditHead: { name: "ingest_audit_head", text: `SELECT hash FROM "AuditLog" ORDER BY seq DESC LIMIT 1` },
};

/** Column arrays for unnest: one array per column, in `columns` order. */
function arrays(columns: readonly string[], rows: readonly Record<string, unknown>[]): unknown[][] {
  return columns.map((c) => rows.map((r) => pgv(r[c])));
}

function maskedArrays(columns: readonly string[], changes: ReadonlyMap<string, Record<string, unknown>>): unknown[][] {
  const rows = [...changes].map(([id, ch]) => {
    let m = 0;
    const out: Record<string, unknown> = { id };
    columns.forEach((c, i) => {
      if (ch[c] !== undefined) m |= 1 << i;
      out[c] = ch[c];
    });
    return { ...out, m };
  });
  return arrays(["id", "m", ...columns], rows);
}

/** Driver-level reads and writes of one batch in a PostgreSQL transaction (named statements). */
export const pgIngest = {
  async batch(tx: TPgTx, agentId: string, endpointIds: string[], keys: string[]): Promise<TBatchReads> {
    const owned = (await tx.query<TBatchReads["owned"][number]>(PQ.owned, [agentId, endpointIds])).rows;
    const held = new Set((await tx.query<{ idempotencyKey: string }>(PQ.held, [agentId, keys])).rows.map((r) => r.idempotencyKey));
    return { owned, held };
  },
  /** takes the chain locks (the audit lock first, as lockChain does), then reads the observation chain's head */
  async chainHead(tx: TPgTx): Promise<{ chainSeq: number; hash: string } | undefined> {
    await tx.query(PQ.lock);
    const h = (await tx.query<{ chainSeq: number | null; hash: string | null }>(PQ.heads)).rows[0];
    return h && h.chainSeq !== null ? { chainSeq: h.chainSeq, hash: h.hash! } : undefined;
  },
  async state(tx: TPgTx, endpointIds: string[], assetIds: string[], upTo: Date): Promise<TStateReads> {
    return {
      latest: latestFrom(endpointIds, (await tx.query<{ endpointId: string; m: Date | null }>(PQ.latest, [endpointIds, pgTime(upTo)])).rows),
      identities: identitiesFrom((await tx.query<TIdentityRow>(PQ.identities, [assetIds])).rows),
      findings: findingsFrom(endpointIds, (await tx.query<TKnownFinding & { endpointId: string }>(PQ.findings, [endpointIds])).rows),
    };
  },
  async insertObservations(tx: TPgTx, rows: (TObservationRow & TLink)[]): Promise<void> {
    await tx.query(PQ.insertObservations, arrays(OBSERVATION_COLUMNS, rows as unknown as Record<string, unknown>[]));
  },
  async write(tx: TPgTx, at: Date, w: TBatchWrites): Promise<void> {
    if (w.endpoints.size) await tx.query(PQ.updateEndpoints, maskedArrays(ENDPOINT_COLUMNS, w.endpoints as unknown as ReadonlyMap<string, Record<string, unknown>>));
    if (w.findings.creates.size) await tx.query(PQ.insertFindings, arrays(FINDING_COLUMNS, [...w.findings.creates.values()] as unknown as Record<string, unknown>[]));
    if (w.findings.updates.size) await tx.query(PQ.updateFindings, maskedArrays(FINDING_UPDATE_COLUMNS, w.findings.updates as ReadonlyMap<string, Record<string, unknown>>));
    const live = liveEventRows(at, w.notices);
    // the audit lock is held since chainHead: the head read here is the one the entry follows
    const a = auditRow((await tx.query<{ hash: string }>(PQ.auditHead)).rows[0]?.hash ?? GENESIS, w.actor, at, w.audit);
    await tx.query(PQ.finish, [
      pgTime(at),
      live.map((l) => l.scope),
      live.map((l) => l.key),
      live.map((l) => l.kind),
      live.map((l) => l.data),
      a.actorType, a.actorId, a.action, a.entity, a.entityId, a.before, a.after, a.prevHash, a.hash, a.hashVersion,
    ]);
  },
};
