/**
 * Fails when prisma/schema.prisma, the derived PostgreSQL schema and the
 * migrations disagree: the derived file must be current, and the schema must
 * have no change that no migration carries. (That the migrations build exactly
 * this schema is checked by server/db/migrations.int.test.ts on both databases.)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { diffDatamodels } from "../server/db/schema-engine";
import { MIGRATIONS_ROOT } from "../server/db/migrate";
import { derivePostgres, DERIVED, SOURCE } from "./derive-schema";

/** `sqliteSchema` defaults to prisma/schema.prisma (tests pass an edited copy). */
export async function schemaProblems(sqliteSchema: string = readFileSync(SOURCE, "utf8")): Promise<string[]> {
  const problems: string[] = [];
  const pgSchema = derivePostgres(sqliteSchema);
  if (!existsSync(DERIVED) || readFileSync(DERIVED, "utf8") !== pgSchema) problems.push("prisma/postgresql/schema.prisma is out of date: run `npm run db:derive`");
  for (const [provider, schema] of [["sqlite", sqliteSchema], ["postgresql", pgSchema]] as const) {
    const snapshot = path.join(MIGRATIONS_ROOT, provider, "schema.snapshot.prisma");
    const previous = existsSync(snapshot) ? readFileSync(snapshot, "utf8") : null;
    const sql = await diffDatamodels(provider, previous, schema);
    if (sql.trim() && !/^-- This is an empty migration\.\s*$/.test(sql)) {
      problems.push(`${provider}: prisma/schema.prisma has changes no migration carries: run \`npm run db:migration -- NAME\`\n${sql.split("\n").slice(0, 12).join("\n")}`);
    }
  }
  return problems;
}

if (process.argv[1]?.endsWith("check-schema.ts")) {
  const problems = await schemaProblems();
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
  console.log("schema, derived schema and migrations agree");
}
