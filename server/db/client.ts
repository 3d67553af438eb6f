/**
 * Prisma client factory. The provider follows DATABASE_URL's scheme: SQLite
 * (embedded default, better-sqlite3 driver adapter) or PostgreSQL (pg adapter).
 * Both generated clients share one API; `Db` is that API.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaClient as SqliteClient, type Prisma } from "../../generated/sqlite/client";
import { PrismaClient as PgClient } from "../../generated/postgresql/client";
import { parseDatabaseUrl, type TProvider } from "./url";

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
    const adapter = new PrismaBetterSqlite3({ url: target.location, timeout: 15_000 }, { timestampFormat: "iso8601" });
    const db = new SqliteClient({ adapter });
    return { db, provider: "sqlite", url, close: () => db.$disconnect() };
  }
  const adapter = new PrismaPg({ connectionString: target.location, max: 10, connectionTimeoutMillis: 5000 });
  const db = new PgClient({ adapter }) as unknown as Db;
  return { db, provider: "postgresql", url, close: () => db.$disconnect() };
}

/** Pragmas for the embedded database: WAL so readers never block the writer. */
export async function tuneDatabase(database: TDatabase): Promise<void> {
  if (database.provider !== "sqlite") return;
  await database.db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await database.db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await database.db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}
