/**
 * Prisma client factory. The provider follows DATABASE_URL's scheme: SQLite
 * (embedded default, better-sqlite3 driver adapter) or PostgreSQL (pg adapter).
 * Both generated clients share one API; `Db` is that API.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaClient as SqliteClient, type Prisma } from "../../generated/sqlite/client";
import { PrismaClient as PgClient } from "../../generated/postgresql/client";
import { parseDatabaseUrl, type TProvider } from "./url";
import { pgHotDb, pgHotWriter, registerHotDb, registerHotWriter, sqliteHotDb, sqliteHotWriter, type TSqliteWriteConn } from "./hot";

export type Db = SqliteClient;
/** The client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;

export interface TDatabase {
  db: Db;
  provider: TProvider;
  url: string;
  close(): Promise<void>;
}

export function createDatabase(url: string): TDatabase {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    mkdirSync(path.dirname(target.location), { recursive: true });
    const current: TCurrentConnection = {};
    const adapter = serialisedSqlite(new PrismaBetterSqlite3({ url: target.location, timeout: 15_000 }, { timestampFormat: "iso8601" }), current);
    const db = new SqliteClient({ adapter });
    // short synchronous write transactions on Prisma's own connection, under its lock (server/db/hot.ts)
    registerHotWriter(
      db,
      sqliteHotWriter(async () => {
        // the first use in a process opens Prisma's connection (a query certainly does; $connect may be lazy)
        if (!current.conn) await db.$queryRawUnsafe("SELECT 1");
        if (!current.conn) throw new Error("the SQLite connection did not open");
        return current.conn;
      }),
    );
    // prepared statements for the hottest reads, on a second connection (server/db/hot.ts)
    const hot = sqliteHotDb(() => new Database(target.location, { fileMustExist: true, timeout: 15_000 }));
    registerHotDb(db, hot);
    return { db, provider: "sqlite", url, close: async () => (await hot.close(), await db.$disconnect()) };
  }
  // one pool, shared by the Prisma adapter and the prepared statements of server/db/hot.ts
  const pool = new pg.Pool({ connectionString: target.location, max: 10, connectionTimeoutMillis: 5000 });
  // an idle connection that breaks (server restart) is replaced on the next query; it must not crash the process
  pool.on("error", (e) => console.error("database pool:", e.message));
  const adapter = new PrismaPg(pool);
  const db = new PgClient({ adapter }) as unknown as Db;
  registerHotDb(db, pgHotDb(pool, pg.types));
  registerHotWriter(db, pgHotWriter(pool));
  return {
    db,
    provider: "postgresql",
    url,
    close: async () => {
      await db.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/** Pragmas for the embedded database: WAL so readers never block the writer. */
export async function tuneDatabase(database: TDatabase): Promise<void> {
  if (database.provider !== "sqlite") return;
  await database.db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await database.db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await database.db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

/**
 * better-sqlite3 is one synchronous connection. The Prisma adapter serialises
 * transactions among themselves, but a plain query issued while a transaction
 * is open runs on the same connection, INSIDE that transaction: it reads
 * uncommitted rows and is rolled back with it. This wrapper makes every plain
 * query wait while a transaction is open (and transactions wait for each
 * other), so each request sees only committed data and keeps its own writes.
 * A plain query holds the lock for one synchronous statement; a transaction
 * holds it until commit or rollback, so keep transactions short and never use
 * the outer client inside a transaction callback (it would wait for itself
 * until the transaction times out).
 */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** The connection the adapter opened last, and its lock (for server/db/hot.ts's write transactions). */
interface TCurrentConnection {
  conn?: { conn: TSqliteWriteConn; acquire(): Promise<() => void> };
}

function serialisedSqlite(factory: SqlDriverAdapterFactory, current: TCurrentConnection = {}): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const inner = await factory.connect();
      const lock = new Lock();
      // the better-sqlite3 Database the Prisma adapter holds (a public field of its adapter class)
      const raw = (inner as unknown as { client?: TSqliteWriteConn }).client;
      if (raw) current.conn = { conn: raw, acquire: () => lock.acquire() };
      const adapter: SqlDriverAdapter = {
        provider: inner.provider,
        adapterName: inner.adapterName,
        queryRaw: (q: SqlQuery) => lock.run(() => inner.queryRaw(q)),
        executeRaw: (q: SqlQuery) => lock.run(() => inner.executeRaw(q)),
        executeScript: (script: string) => lock.run(() => inner.executeScript(script)),
        getConnectionInfo: inner.getConnectionInfo?.bind(inner),
        dispose: () => {
          if (current.conn?.conn === raw) current.conn = undefined;
          return inner.dispose();
        },
        async startTransaction(isolationLevel) {
          const release = await lock.acquire();
          let tx: Transaction;
          try {
            tx = await inner.startTransaction(isolationLevel);
          } catch (e) {
            release();
            throw e;
          }
          let done = false;
          const finish = async (end: () => Promise<void>) => {
            try {
              await end();
            } finally {
              if (!done) {
                done = true;
                release();
              }
            }
          };
          const wrapped: Transaction = {
            provider: tx.provider,
            adapterName: tx.adapterName,
            options: tx.options,
            queryRaw: (q) => tx.queryRaw(q),
            executeRaw: (q) => tx.executeRaw(q),
            commit: () => finish(() => tx.commit()),
            rollback: () => finish(() => tx.rollback()),
          };
          if (tx.createSavepoint) wrapped.createSavepoint = (n) => tx.createSavepoint!(n);
          if (tx.rollbackToSavepoint) wrapped.rollbackToSavepoint = (n) => tx.rollbackToSavepoint!(n);
          if (tx.releaseSavepoint) wrapped.releaseSavepoint = (n) => tx.releaseSavepoint!(n);
          return wrapped;
        },
      };
      return adapter;
    },
  };
}
