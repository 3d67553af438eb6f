/**
 * Database administration outside the Prisma client: waiting for a PostgreSQL
 * server, creating an empty database on it, and a raw SQLite connection for
 * benchmarks that compare the ORM with hand-written SQL. Everything that opens
 * a database goes through server/db (eslint.config.mjs enforces it).
 */
import Database from "better-sqlite3";
import pg from "pg";

/** Connects once and disconnects; throws when the server does not answer. */
export async function pingPostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.end();
}

/** Creates a fresh, empty database on the server (dropping one of that name) and returns its URL. */
export async function createPgDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and _ only`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export type TRawSqlite = Database.Database;

/** A raw better-sqlite3 connection to a SQLite file (benchmark baselines only; the app uses createDatabase). */
export function openRawSqlite(file: string): TRawSqlite {
  return new Database(file);
}

/** A raw `pg` client (benchmark baselines and bulk loads only; the app uses createDatabase). Connect it yourself. */
export function openRawPg(url: string): pg.Client {
  return new pg.Client({ connectionString: url });
}
