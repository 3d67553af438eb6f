/**
 * Derives prisma/postgresql/schema.prisma from prisma/schema.prisma (the only
 * schema anyone edits). `--check` exits 1 when the derived file is stale.
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
export const SOURCE = path.join(root, "prisma/schema.prisma");
export const DERIVED = path.join(root, "prisma/postgresql/schema.prisma");

export function derivePostgres(source: string): string {
  const out = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/generated\/sqlite"/, 'output       = "../../generated/postgresql"');
  if (out === source || !out.includes("generated/postgresql")) throw new Error("prisma/schema.prisma: expected provider \"sqlite\" and output \"../generated/sqlite\"");
  return "// GENERATED from prisma/schema.prisma by `npm run db:derive`. Do not edit.\n" + out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("derive-schema.ts")) {
  const want = derivePostgres(readFileSync(SOURCE, "utf8"));
  const have = existsSync(DERIVED) ? readFileSync(DERIVED, "utf8") : "";
  if (process.argv.includes("--check")) {
    if (want !== have) {
      console.error("prisma/postgresql/schema.prisma is out of date: run `npm run db:derive`");
      process.exit(1);
    }
    console.log("derived PostgreSQL schema is current");
  } else {
    mkdirSync(path.dirname(DERIVED), { recursive: true });
    writeFileSync(DERIVED, want);
    console.log(`wrote ${path.relative(root, DERIVED)}`);
  }
}
