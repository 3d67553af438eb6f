/**
 * Prepared statements for the few hottest reads (docs/performance.md), beside
 * the Prisma client and on the same database:
 *
 * - SQLite: a second better-sqlite3 connection to the same file, opened on
 *   first use, with its statements prepared once. In WAL mode it reads the
 *   last committed state without waiting for the writer, exactly what a plain
 *   query through the Prisma client sees (server/db/client.ts serialises those
 *   behind open transactions for the same reason).
 * - PostgreSQL: the Prisma adapter's own pg.Pool (no extra connections), with
 *   named statements, which pg prepares once per connection.
 *
 * Read-only, parameterised SQL only here; the few hot writes (a lifecycle
 * transition, an agent batch) go through the write transaction below, with the
 * audit, event and live-update appends in the same transaction. A query is one
 * object naming both dialects, so the two cannot drift apart unnoticed: every
 * hot query has an integration test on both.
 */
import type pg from "pg";
import type { TProvider } from "./url";

export interface THotQuery {
  /** unique per query text (PostgreSQL prepared statement name) */
  name: string;
  sqlite: string;
  postgresql: string;
}

export interface THotDb {
  provider: TProvider;
  /** the rows; DateTime columns come back as Date on both databases */
  all<T>(q: THotQuery, params: readonly (string | number | null)[]): Promise<T[]>;
  close(): Promise<void>;
}

// PostgreSQL `timestamp(3)` (no time zone, as Prisma writes UTC): read as UTC, not as local time
const TIMESTAMP_OID = 1114;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP_OID) return (s: string) => new Date(`${s.replace(" ", "T")}Z`);
    return (pgTypesDefault as { getTypeParser(o: number, f?: string): unknown }).getTypeParser(oid, format);
  },
};
let pgTypesDefault: unknown;

export function pgHotDb(pool: pg.Pool, types: unknown): THotDb {
  pgTypesDefault = types;
  return {
    provider: "postgresql",
    async all<T>(q: THotQuery, params: readonly (string | number | null)[]) {
      const r = await pool.query({ name: q.name, text: q.postgresql, values: params as unknown[], types: pgTypes as never });
      return r.rows as T[];
    },
    close: async () => {},
  };
}

interface TSqliteConn {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}

/** SQLite stores DateTime as ISO text (timestampFormat iso8601): these columns come back as Date */
const SQLITE_DATE_COLUMNS = new Set(["createdAt", "updatedAt", "at", "observedAt", "receivedAt", "expiresAt", "lastUsedAt", "revokedAt"]);

export function sqliteHotDb(open: () => TSqliteConn): THotDb {
  let conn: TSqliteConn | undefined;
  const statements = new Map<string, { all(...params: unknown[]): unknown[] }>();
  return {
    provider: "sqlite",
    async all<T>(q: THotQuery, params: readonly (string | number | null)[]) {
      conn ??= open();
      let st = statements.get(q.name);
      if (!st) statements.set(q.name, (st = conn.prepare(q.sqlite)));
      const rows = st.all(...params) as Record<string, unknown>[];
      for (const r of rows) for (const k in r) if (SQLITE_DATE_COLUMNS.has(k) && typeof r[k] === "string") r[k] = new Date(r[k] as string);
      return rows as T[];
    },
    async close() {
      conn?.close();
      conn = undefined;
      statements.clear();
    },
  };
}

// on globalThis: the Next.js route handlers and the node:http dispatcher are two copies of the server code sharing one client
const g = globalThis as unknown as { __ironledgerHot?: WeakMap<object, THotDb> };

export function registerHotDb(db: object, hot: THotDb): void {
  (g.__ironledgerHot ??= new WeakMap()).set(db, hot);
}

/** The prepared-statement reader of this Prisma client, if it has one (not inside a transaction: use the tx there). */
export function hotDb(db: object): THotDb | undefined {
  return g.__ironledgerHot?.get(db);
}

// ---------------------------------------------------------------- short write transactions

/**
 * A short write transaction through the driver, for the hottest writes (the
 * lifecycle transition, server/domains/assets/lifecycle.ts; an agent's batch of
 * observations, server/domains/bmc/ingest-driver.ts), on the same
 * connections the Prisma client writes through:
 *
 * - SQLite: Prisma's own better-sqlite3 connection (a second connection would
 *   wait on the one writer lock while this thread blocks), taken under the same
 *   lock that serialises Prisma's transactions and queries on it
 *   (server/db/client.ts), then BEGIN IMMEDIATE … COMMIT run synchronously: no
 *   other work on the connection can interleave, and the writer lock is held
 *   for one event-loop turn, not one per statement.
 * - PostgreSQL: a connection of the Prisma adapter's pool, BEGIN … COMMIT, the
 *   statements named (prepared once per connection).
 *
 * The caller keeps everything a Prisma transaction would write in the same
 * transaction (audit, events, live-update notices). A throw rolls back.
 */
export interface TSqliteTx {
  get<T>(sql: string, params?: readonly (string | number | null)[]): T | undefined;
  all<T>(sql: string, params?: readonly (string | number | null)[]): T[];
  run(sql: string, params?: readonly (string | number | null)[]): { changes: number; lastInsertRowid: number };
}

export interface TPgTx {
  query<T>(q: { name: string; text: string }, params?: readonly unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

export type THotWriter =
  | { provider: "sqlite"; transaction<T>(fn: (tx: TSqliteTx) => T): Promise<T> }
  | { provider: "postgresql"; transaction<T>(fn: (tx: TPgTx) => Promise<T>): Promise<T> };

interface TSqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  safeIntegers(on?: boolean): TSqliteStatement;
}
export interface TSqliteWriteConn {
  prepare(sql: string): TSqliteStatement;
  inTransaction: boolean;
}

/**
 * `connection` gives Prisma's connection and the lock it is used under (opening
 * it if needed); the lock's release must be called once.
 */
export function sqliteHotWriter(connection: () => Promise<{ conn: TSqliteWriteConn; acquire(): Promise<() => void> }>): THotWriter {
  const cache = new WeakMap<TSqliteWriteConn, Map<string, TSqliteStatement>>();
  const prepared = (conn: TSqliteWriteConn, sql: string) => {
    let m = cache.get(conn);
    if (!m) cache.set(conn, (m = new Map()));
    let st = m.get(sql);
    // integers as numbers (the Prisma adapter's connection defaults to BigInt)
    if (!st) m.set(sql, (st = conn.prepare(sql).safeIntegers(false)));
    return st;
  };
  return {
    provider: "sqlite",
    async transaction<T>(fn: (tx: TSqliteTx) => T): Promise<T> {
      const { conn, acquire } = await connection();
      const release = await acquire();
      try {
        const tx: TSqliteTx = {
          get: <R>(sql: string, params: readonly (string | number | null)[] = []) => prepared(conn, sql).get(...params) as R | undefined,
          all: <R>(sql: string, params: readonly (string | number | null)[] = []) => prepared(conn, sql).all(...params) as R[],
          run: (sql, params = []) => {
            const r = prepared(conn, sql).run(...params);
            return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
          },
        };
        prepared(conn, "BEGIN IMMEDIATE").run();
        try {
          const out = fn(tx);
          prepared(conn, "COMMIT").run();
          return out;
        } catch (e) {
          if (conn.inTransaction) prepared(conn, "ROLLBACK").run();
          throw e;
        }
      } finally {
        release();
      }
    },
  };
}

/** How long a driver-level write transaction on PostgreSQL waits for a lock (a row, a chain's advisory lock). */
export const PG_LOCK_TIMEOUT_MS = 10_000;

export function pgHotWriter(pool: pg.Pool): THotWriter {
  return {
    provider: "postgresql",
    async transaction<T>(fn: (tx: TPgTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // back to the pool only after a COMMIT or ROLLBACK that went through; otherwise its state is unknown
      let clean = false;
      try {
        // a lock not granted within PG_LOCK_TIMEOUT_MS fails the transaction (retryable, 55P03) instead of queueing without end
        await client.query(`BEGIN; SET LOCAL lock_timeout = ${PG_LOCK_TIMEOUT_MS}`);
        const tx: TPgTx = {
          async query<R>(q: { name: string; text: string }, params: readonly unknown[] = []) {
            const r = await client.query({ name: q.name, text: q.text, values: params as unknown[], types: pgTypes as never });
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
        };
        try {
          const out = await fn(tx);
          await client.query("COMMIT");
          clean = true;
          return out;
        } catch (e) {
          await client.query("ROLLBACK").then(
            () => (clean = true),
            () => {},
          );
          throw e;
        }
      } finally {
        client.release(clean ? undefined : new Error("connection state unknown after a failed transaction"));
      }
    },
  };
}

const gw = globalThis as unknown as { __ironledgerHotWriter?: WeakMap<object, THotWriter> };

export function registerHotWriter(db: object, w: THotWriter): void {
  (gw.__ironledgerHotWriter ??= new WeakMap()).set(db, w);
}

/** The driver-level write transaction of this Prisma client, if it has one. */
export function hotWriter(db: object): THotWriter | undefined {
  return gw.__ironledgerHotWriter?.get(db);
}
