/**
 * The set-based writes of an agent batch (docs/performance.md, "Agent ingest"):
 * one parameterised statement per kind of write for the whole batch, in the
 * caller's transaction, on SQLite and PostgreSQL. They skip the Prisma query
 * builder (its per-row cost was most of a batch's time) but stay on the
 * transaction's connection, so the observations, the endpoints' state, the
 * audit entry and the live notices commit together or not at all.
 */
import { randomBytes } from "node:crypto";
import type { Tx } from "../../db/client";
import type { TProvider } from "../../db/url";

export type TParam = string | number | Date | null;

/** A placeholder: `?` on SQLite, `$n::type` on PostgreSQL (untyped parameters in VALUES would be text). */
function placeholders(provider: TProvider) {
  let n = 0;
  return (pgType: string) => (provider === "postgresql" ? `$${++n}::${pgType}` : "?");
}

export type TColumns = readonly (readonly [name: string, pgType: string])[];
/** rows per INSERT: far below SQLite's 32,766 and PostgreSQL's 65,535 parameters */
const INSERT_CHUNK = 1000;

/** Rows inserted with one multi-row INSERT per thousand rows (a batch is at most 500 observations). */
export async function insertRows(tx: Tx, provider: TProvider, table: string, columns: TColumns, rows: readonly Record<string, TParam>[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const p = placeholders(provider);
    const params: TParam[] = [];
    const values = chunk.map((r) => {
      const cells = columns.map(([c, type]) => {
        params.push(r[c] ?? null);
        return p(type);
      });
      return `(${cells.join(",")})`;
    });
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map(([c]) => `"${c}"`).join(",")}) VALUES ${values.join(",")}`, ...params);
  }
}

/**
 * Rows updated by id with one UPDATE … FROM: the new values as a VALUES list
 * with a bit mask of the columns each row sets (a key absent from a row's
 * change leaves that column as it is). The same end state as one update per row.
 */
export async function updateRows(tx: Tx, provider: TProvider, table: string, columns: TColumns, changes: ReadonlyMap<string, Record<string, TParam | undefined>>): Promise<void> {
  if (changes.size === 0) return;
  const p = placeholders(provider);
  const params: TParam[] = [];
  const values: string[] = [];
  for (const [id, ch] of changes) {
    let mask = 0;
    const cells = [p("text"), p("int")];
    const at = params.push(id, 0) - 1;
    columns.forEach(([c, type], bit) => {
      const v = ch[c];
      if (v !== undefined) mask |= 1 << bit;
      params.push(v ?? null);
      cells.push(p(type));
    });
    params[at] = mask;
    values.push(`(${cells.join(",")})`);
  }
  const names = ["id", "m", ...columns.map((_, i) => `c${i}`)];
  const sets = columns.map(([c], i) => `"${c}" = CASE WHEN (v.m & ${1 << i}) <> 0 THEN v.c${i} ELSE "${table}"."${c}" END`);
  await tx.$executeRawUnsafe(`WITH v(${names.join(",")}) AS (VALUES ${values.join(",")}) UPDATE "${table}" SET ${sets.join(", ")} FROM v WHERE "${table}"."id" = v.id`, ...params);
}

export interface TObservationRow {
  id: string;
  endpointId: string;
  agentId: string;
  idempotencyKey: string;
  kind: string;
  observedAt: Date;
  receivedAt: Date;
  durationMs: number;
  payload: string;
  chainSeq: number;
  prevHash: string;
  hash: string;
}

const OBSERVATION_COLUMNS = [
  ["id", "text"],
  ["endpointId", "text"],
  ["agentId", "text"],
  ["idempotencyKey", "text"],
  ["kind", "text"],
  ["observedAt", "timestamp(3)"],
  ["receivedAt", "timestamp(3)"],
  ["durationMs", "int"],
  ["payload", "text"],
  ["chainSeq", "int"],
  ["prevHash", "text"],
  ["hash", "text"],
] as const;

export function insertObservations(tx: Tx, provider: TProvider, rows: TObservationRow[]): Promise<void> {
  return insertRows(tx, provider, "BmcObservation", OBSERVATION_COLUMNS, rows as unknown as Record<string, TParam>[]);
}

/** What a batch changes on an endpoint's row; absent keys are left as they are. */
export interface TEndpointChange {
  lastSeenAt?: Date;
  lastPower?: string;
  lastStatus?: string;
  lastError?: string | null;
  lastProbeId?: string;
  tlsFingerprint?: string;
  updatedAt: Date;
}

const ENDPOINT_COLUMNS = [
  ["lastSeenAt", "timestamp(3)"],
  ["lastPower", "text"],
  ["lastStatus", "text"],
  ["lastError", "text"],
  ["lastProbeId", "text"],
  ["tlsFingerprint", "text"],
  ["updatedAt", "timestamp(3)"],
] as const;

/** Every endpoint's new state in one statement. */
export function updateEndpoints(tx: Tx, provider: TProvider, changes: ReadonlyMap<string, TEndpointChange>): Promise<void> {
  return updateRows(tx, provider, "BmcEndpoint", ENDPOINT_COLUMNS, changes as unknown as ReadonlyMap<string, Record<string, TParam | undefined>>);
}

/** Row ids in the shape of Prisma's cuid() default (25 characters): a random prefix per batch and a counter. */
export function rowIds(): () => string {
  const prefix = `c${randomBytes(8).toString("hex")}`;
  let n = 0;
  return () => `${prefix}${(n++).toString(16).padStart(8, "0")}`;
}

/** Per endpoint, the newest observation dated at or before `upTo` (null: none yet). */
export async function lastObserved(tx: Tx, provider: TProvider, endpointIds: string[], upTo: Date): Promise<Map<string, Date | null>> {
  const out = new Map<string, Date | null>(endpointIds.map((id) => [id, null]));
  if (endpointIds.length === 0) return out;
  const p = placeholders(provider);
  const list = endpointIds.map(() => p("text")).join(",");
  const rows = await tx.$queryRawUnsafe<{ endpointId: string; m: Date | string | null }[]>(
    `SELECT "endpointId", MAX("observedAt") AS m FROM "BmcObservation" WHERE "endpointId" IN (${list}) AND "observedAt" <= ${p("timestamp(3)")} GROUP BY "endpointId"`,
    ...endpointIds,
    upTo,
  );
  for (const r of rows) out.set(r.endpointId, r.m === null ? null : new Date(r.m));
  return out;
}
