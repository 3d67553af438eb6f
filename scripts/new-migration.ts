/**
 * npm run db:migration -- NAME
 * Writes the next migration for BOTH providers from the difference between the
 * schema as of the last migration (prisma/migrations/<provider>/schema.snapshot.prisma)
 * and prisma/schema.prisma. No database and no native engine needed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { diffDatamodels } from "../server/db/schema-engine";
import { MIGRATIONS_ROOT } from "../server/db/migrate";
import { derivePostgres, DERIVED, SOURCE } from "./derive-schema";

const name = process.argv.slice(2).find((a) => !a.startsWith("-"));
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- NAME   (NAME: lower-case letters, digits and _)");
  process.exit(2);
}

const sqliteSchema = readFileSync(SOURCE, "utf8");
const pgSchema = derivePostgres(sqliteSchema);
mkdirSync(path.dirname(DERIVED), { recursive: true });
writeFileSync(DERIVED, pgSchema);

const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
let wrote = 0;
for (const [provider, schema] of [["sqlite", sqliteSchema], ["postgresql", pgSchema]] as const) {
  const dir = path.join(MIGRATIONS_ROOT, provider);
  const snapshotFile = path.join(dir, "schema.snapshot.prisma");
  const previous = existsSync(snapshotFile) ? readFileSync(snapshotFile, "utf8") : null;
  const sql = await diffDatamodels(provider, previous, schema);
  if (!sql.trim() || /^-- This is an empty migration\.\s*$/.test(sql)) {
    console.log(`${provider}: no schema changes`);
    continue;
  }
  const target = path.join(dir, `${stamp}_${name}`);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "migration.sql"), sql);
  writeFileSync(snapshotFile, schema);
  console.log(`${provider}: wrote ${path.relative(process.cwd(), target)}/migration.sql`);
  wrote++;
}
if (wrote) console.log("now run `npm run db:generate` and `npm run db:migrate`");
