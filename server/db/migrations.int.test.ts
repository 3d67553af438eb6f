/**
 * The migrations build exactly the schema, on both databases; the runner is
 * idempotent and refuses edited history; a schema change without a migration
 * is caught by scripts/check-schema.ts.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabaseUrl } from "../../tests/harness/db";
import { DERIVED, SOURCE } from "../../scripts/derive-schema";
import { schemaProblems } from "../../scripts/check-schema";
import { diffDatamodels } from "./schema-engine";
import { listMigrations, migrate, MigrationDriftError, migrationStatus, MIGRATIONS_ROOT } from "./migrate";
import { parseDatabaseUrl, type TProvider } from "./url";

const RUNNER_TABLE = "_ironledger_migrations";

/** Tables, columns and indexes, normalised so that two databases built differently compare equal when they are equal. */
async function catalog(provider: TProvider, url: string): Promise<Record<string, unknown>> {
  const { location } = parseDatabaseUrl(url);
  if (provider === "sqlite") {
    const db = new Database(location, { readonly: true, fileMustExist: true });
    try {
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`).all(RUNNER_TABLE) as { name: string }[]).map((r) => r.name);
      const out: Record<string, unknown> = {};
      for (const table of tables) {
        const columns = (db.prepare(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as Record<string, unknown>[]).map((c) => JSON.stringify(c));
        const indexes = (db.prepare(`SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name`).all(table) as { name: string; unique: number; origin: string; partial: number }[]).map((ix) => {
          const cols = (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(ix.name) as { name: string }[]).map((c) => c.name);
          // auto-indexes are named by position; their columns and uniqueness are what matter
          return JSON.stringify({ name: ix.origin === "pk" || ix.name.startsWith("sqlite_autoindex") ? `(${ix.origin})` : ix.name, unique: ix.unique, partial: ix.partial, cols });
        });
        const fks = (db.prepare(`SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"`).all(table) as Record<string, unknown>[]).map((f) => JSON.stringify(f));
        out[table] = { columns, indexes: indexes.sort(), fks: fks.sort() };
      }
      return out;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    const cols = await c.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null; ordinal_position: number }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, ordinal_position FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> $1 ORDER BY table_name, column_name`, // by name: ALTER TABLE … ADD COLUMN appends, wherever the schema lists the field
      [RUNNER_TABLE],
    );
    const idx = await c.query<{ tablename: string; indexname: string; indexdef: string }>(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> $1 ORDER BY tablename, indexname`, [RUNNER_TABLE]);
    const fks = await c.query<{ table: string; name: string; def: string }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    const types = await c.query<{ name: string; labels: string }>(
      `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`,
    );
    const out: Record<string, { columns: string[]; indexes: string[]; fks: string[] }> = {};
    const of = (t: string) => (out[t] ??= { columns: [], indexes: [], fks: [] });
    for (const r of cols.rows) of(r.table_name).columns.push(JSON.stringify({ name: r.column_name, type: r.data_type, udt: r.udt_name, nullable: r.is_nullable, default: r.column_default }));
    for (const r of idx.rows) of(r.tablename).indexes.push(`${r.indexname}: ${r.indexdef}`);
    for (const r of fks.rows) of(r.table.replace(/"/g, "")).fks.push(`${r.name}: ${r.def}`);
    return { tables: out, enums: types.rows };
  } finally {
    await c.end();
  }
}

async function applySql(provider: TProvider, url: string, sql: string): Promise<void> {
  const { location } = parseDatabaseUrl(url);
  if (provider === "sqlite") {
    const db = new Database(location);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const schemaFor = (provider: TProvider) => readFileSync(provider === "sqlite" ? SOURCE : DERIVED, "utf8");

describe("scripts/check-schema.ts", () => {
  it("finds no problem in the repository as it is", async () => {
    expect(await schemaProblems()).toEqual([]);
  });

  it("reports a schema change that no migration carries, for both providers", async () => {
    const edited = readFileSync(SOURCE, "utf8").replace(/model AuditLog \{/, "model AuditLog {\n  note      String?");
    expect(edited).not.toBe(readFileSync(SOURCE, "utf8"));
    const problems = await schemaProblems(edited);
    const uncarried = problems.filter((p) => p.includes("changes no migration carries"));
    expect(uncarried.map((p) => p.split(":")[0]).sort()).toEqual(["postgresql", "sqlite"]);
    for (const p of uncarried) expect(p).toMatch(/note/);
  });
});

describe.each(DATABASES)("migrations on %s", (provider) => {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups) c();
  });
  async function emptyDb(): Promise<string> {
    const { url, cleanup } = await freshDatabaseUrl(provider);
    cleanups.push(cleanup);
    return url;
  }

  it("build the same tables, columns and indexes as the schema itself", async () => {
    const viaMigrations = await emptyDb();
    const applied = await migrate(viaMigrations);
    expect(applied).toEqual(listMigrations(provider).map((m) => m.name));
    expect(applied.length).toBeGreaterThan(0);

    const viaSchema = await emptyDb();
    const sql = await diffDatamodels(provider, null, schemaFor(provider));
    expect(sql).toMatch(/CREATE TABLE/);
    await applySql(provider, viaSchema, sql);

    const [a, b] = await Promise.all([catalog(provider, viaMigrations), catalog(provider, viaSchema)]);
    expect(Object.keys(provider === "sqlite" ? a : (a.tables as object))).toContain("AuditLog");
    expect(a).toEqual(b);
  });

  it("notices when a migration drifts from the schema (the comparison can fail)", async () => {
    const viaMigrations = await emptyDb();
    await migrate(viaMigrations);
    await applySql(provider, viaMigrations, `CREATE INDEX "AuditLog_actorId_idx" ON "AuditLog"("actorId")`);
    const viaSchema = await emptyDb();
    await applySql(provider, viaSchema, await diffDatamodels(provider, null, schemaFor(provider)));
    expect(await catalog(provider, viaMigrations)).not.toEqual(await catalog(provider, viaSchema));
  });

  it("are idempotent: a second run applies nothing and nothing is pending", async () => {
    const url = await emptyDb();
    const first = await migrate(url);
    expect(first.length).toBe(listMigrations(provider).length);
    expect(await migrate(url)).toEqual([]);
    const status = await migrationStatus(url);
    expect(status).toMatchObject({ provider, pending: [], drifted: [] });
    expect(status.applied).toEqual(first);
  });

  it("refuse to run when an applied migration file was edited or removed", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "ironledger-migrations-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    cpSync(MIGRATIONS_ROOT, root, { recursive: true });
    const url = await emptyDb();
    const names = await migrate(url, { root });
    expect(names.length).toBeGreaterThan(0);

    const first = names[0]!;
    appendFileSync(path.join(root, provider, first, "migration.sql"), "\n-- edited after it was applied\n");
    const err = await migrate(url, { root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationDriftError);
    expect((err as MigrationDriftError).names).toEqual([first]);
    expect((err as Error).message).toContain(first);
    expect((await migrationStatus(url, root)).drifted).toEqual([first]);

    // removed is drift too
    cpSync(path.join(MIGRATIONS_ROOT, provider, first), path.join(root, provider, first), { recursive: true });
    expect(await migrate(url, { root })).toEqual([]);
    const last = names[names.length - 1]!;
    rmSync(path.join(root, provider, last), { recursive: true });
    const gone = await migrate(url, { root }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(MigrationDriftError);
    expect((gone as MigrationDriftError).names).toEqual([last]);
  });
});
