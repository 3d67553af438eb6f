/**
 * "Agents never touch the database": code under agents/ may import from
 * server/ only through server/contracts (the zod schemas shared with the
 * server). ESLint enforces the same zone; this test keeps it true even where
 * lint is not run.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const AGENTS = path.resolve(import.meta.dirname, "..");
const ROOT = path.resolve(AGENTS, "..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
    return /\.(ts|mts|mjs|js)$/.test(e.name) && !/\.(int\.)?test\.ts$/.test(e.name) ? [p] : [];
  });
}

const IMPORT_RE = /(?:import|export)\s[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

describe("agents/ dependency rule", () => {
  it("imports nothing from server/ except server/contracts, and no database client", () => {
    const offences: string[] = [];
    for (const file of sources(AGENTS)) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2];
        const rel = path.relative(ROOT, file);
        if (/^(@prisma\/|prisma$|pg$|better-sqlite3$)/.test(spec)) offences.push(`${rel}: ${spec}`);
        const target = spec.startsWith(".") ? path.relative(ROOT, path.resolve(path.dirname(file), spec)) : spec.startsWith("@/") ? spec.slice(2) : null;
        if (target && target.startsWith(`server${path.sep}`) && !target.startsWith(`server${path.sep}contracts${path.sep}`))
          offences.push(`${rel}: ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
