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
 * Read-only, parameterised SQL only; writes stay in Prisma transactions (the
 * audit, event and live-update appends are written there, in the same
 * transaction). A query is one object naming both dialects, so the two cannot
 * drift apart unnoticed: every hot query has an integration test on both.
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
