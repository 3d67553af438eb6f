/**
 * The migration runner: applies prisma/migrations/<provider>/<name>/migration.sql
 * in name order, each in its own transaction, and records it (with a checksum)
 * in `_ironledger_migrations`. Safe to run from several processes at once
 * (PostgreSQL advisory lock; SQLite BEGIN IMMEDIATE).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { parseDatabaseUrl, type TDbTarget, type TProvider } from "./url";

// resolved from the working directory: every entry point (npm scripts, next start, tests) runs at the repository root
export const MIGRATIONS_ROOT = path.resolve(process.cwd(), "prisma/migrations");
const TABLE = "_ironledger_migrations";
const LOCK_KEY = 724_551_001; // pg_advisory_lock key for migrations

export interface TMigration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(provider: TProvider, root = MIGRATIONS_ROOT): TMigration[] {
  const dir = path.join(/*turbopackIgnore: true*/ root, provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface TMigrationStatus {
  provider: TProvider;
  applied: string[];
  pending: string[];
  /** applied migrations whose file changed since, or that no longer exist */
  drifted: string[];
}

interface Applied {
  name: string;
  checksum: string;
}

function compare(provider: TProvider, all: TMigration[], applied: Applied[]): TMigrationStatus {
  const byName = new Map(applied.map((a) => [a.name, a.checksum]));
  const known = new Set(all.map((m) => m.name));
  return {
    provider,
    applied: applied.map((a) => a.name),
    pending: all.filter((m) => !byName.has(m.name)).map((m) => m.name),
    drifted: [
      ...all.filter((m) => byName.has(m.name) && byName.get(m.name) !== m.checksum).map((m) => m.name),
      ...applied.filter((a) => !known.has(a.name)).map((a) => a.name),
    ],
  };
}

// ---------------------------------------------------------------- SQLite

function openSqlite(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  return db;
}

function sqliteApplied(db: Database.Database): Applied[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  return db.prepare(`SELECT name, checksum FROM "${TABLE}" ORDER BY name`).all() as Applied[];
}

// ---------------------------------------------------------------- PostgreSQL

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function pgApplied(c: pg.Client): Promise<Applied[]> {
  await c.query(`CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  return (await c.query<Applied>(`SELECT name, checksum FROM "${TABLE}" ORDER BY name`)).rows;
}

// ---------------------------------------------------------------- API

export async function migrationStatus(url: string, root = MIGRATIONS_ROOT): Promise<TMigrationStatus> {
  const target = parseDatabaseUrl(url);
  const all = listMigrations(target.provider, root);
  if (target.provider === "sqlite") {
    if (!existsSync(target.location)) return compare("sqlite", all, []);
    const db = new Database(target.location, { readonly: true, fileMustExist: true });
    try {
      const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name=?`).get(TABLE);
      return compare("sqlite", all, exists ? (db.prepare(`SELECT name, checksum FROM "${TABLE}" ORDER BY name`).all() as Applied[]) : []);
    } finally {
      db.close();
    }
  }
  return withPg(target.location, async (c) => {
    const exists = await c.query(`SELECT to_regclass($1) AS t`, [`public.${TABLE}`]);
    const applied = exists.rows[0]?.t ? (await c.query<Applied>(`SELECT name, checksum FROM "${TABLE}" ORDER BY name`)).rows : [];
    return compare("postgresql", all, applied);
  });
}

export class MigrationDriftError extends Error {
  constructor(public readonly names: string[]) {
    super(`applied migrations differ from the files in prisma/migrations: ${names.join(", ")}. Restore those files; never edit an applied migration, add a new one (npm run db:migration -- NAME).`);
  }
}

/** Applies every pending migration. Returns the names applied. */
export async function migrate(url: string, opts: { root?: string; log?: (line: string) => void } = {}): Promise<string[]> {
  const target: TDbTarget = parseDatabaseUrl(url);
  const all = listMigrations(target.provider, opts.root);
  const log = opts.log ?? (() => {});
  const done: string[] = [];

  if (target.provider === "sqlite") {
    const db = openSqlite(target.location);
    try {
      for (;;) {
        // one migration per IMMEDIATE transaction: a second process waits, then sees it applied
        const next = db.transaction(() => {
          const status = compare("sqlite", all, sqliteApplied(db));
          if (status.drifted.length) throw new MigrationDriftError(status.drifted);
          const m = all.find((x) => x.name === status.pending[0]);
          if (!m) return null;
          db.exec(m.sql);
          db.prepare(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES (?, ?, ?)`).run(m.name, m.checksum, new Date().toISOString());
          return m.name;
        }).immediate();
        if (!next) break;
        log(`applied ${next}`);
        done.push(next);
      }
    } finally {
      db.close();
    }
    return done;
  }

  return withPg(target.location, async (c) => {
    await c.query(`SELECT pg_advisory_lock($1)`, [LOCK_KEY]);
    try {
      const status = compare("postgresql", all, await pgApplied(c));
      if (status.drifted.length) throw new MigrationDriftError(status.drifted);
      for (const name of status.pending) {
        const m = all.find((x) => x.name === name)!;
        await c.query("BEGIN");
        try {
          await c.query(m.sql); // simple query protocol: many statements in one call
          await c.query(`INSERT INTO "${TABLE}" (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
          await c.query("COMMIT");
        } catch (e) {
          await c.query("ROLLBACK").catch(() => {});
          throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
        }
        log(`applied ${name}`);
        done.push(name);
      }
    } finally {
      await c.query(`SELECT pg_advisory_unlock($1)`, [LOCK_KEY]).catch(() => {});
    }
    return done;
  });
}

// ---------------------------------------------------------------- PostgreSQL roles

/** Tables the app only appends to: the runtime role may INSERT and SELECT, nothing else. */
export const APPEND_ONLY_TABLES = ["AuditLog", "AssetEvent", "BmcObservation"] as const;

/**
 * With separate roles (DATABASE_MIGRATION_URL owns the tables, DATABASE_URL is
 * the runtime role): grants the runtime role what the app needs and no more.
 * SELECT/INSERT/UPDATE/DELETE on ordinary tables, SELECT/INSERT on the
 * append-only ones, the sequences; never TRUNCATE, ALTER or DROP (only the
 * owner can touch triggers). Run after every migration (new tables).
 */
export async function grantRuntimeRole(ownerUrl: string, runtimeUrl: string): Promise<string> {
  const role = decodeURIComponent(new URL(runtimeUrl).username);
  if (!role) throw new Error("DATABASE_URL names no user: the runtime role must be given (postgresql://ROLE:PASSWORD@host/db)");
  const owner = decodeURIComponent(new URL(ownerUrl).username);
  if (role === owner) throw new Error(`DATABASE_URL and DATABASE_MIGRATION_URL use the same role (${role}): give the app a role of its own`);
  return withPg(ownerUrl, async (c) => {
    const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const tables = (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.t);
    const appendOnly = new Set<string>(APPEND_ONLY_TABLES);
    await c.query("BEGIN");
    try {
      await c.query(`GRANT USAGE ON SCHEMA public TO ${ident(role)}`);
      for (const t of tables) {
        await c.query(`REVOKE ALL ON TABLE ${ident(t)} FROM ${ident(role)}`);
        if (t === TABLE) await c.query(`GRANT SELECT ON TABLE ${ident(t)} TO ${ident(role)}`);
        else if (appendOnly.has(t)) await c.query(`GRANT SELECT, INSERT ON TABLE ${ident(t)} TO ${ident(role)}`);
        else await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${ident(t)} TO ${ident(role)}`);
      }
      await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident(role)}`);
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    }
    return role;
  });
}

/** Migrates with the owner role when one is configured, then grants the runtime role. */
export async function migrateWithRoles(runtimeUrl: string, migrationUrl: string | undefined, opts: { log?: (line: string) => void } = {}): Promise<string[]> {
  const ownerUrl = migrationUrl || runtimeUrl;
  const applied = await migrate(ownerUrl, opts);
  if (migrationUrl && parseDatabaseUrl(migrationUrl).provider === "postgresql" && migrationUrl !== runtimeUrl) {
    const role = await grantRuntimeRole(migrationUrl, runtimeUrl);
    opts.log?.(`granted the runtime role ${role} its privileges`);
  }
  return applied;
}
