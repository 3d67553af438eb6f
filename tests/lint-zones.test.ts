/**
 * The import zones of eslint.config.mjs, proved from both sides: each zone
 * reports an import it forbids, and lets the sanctioned import through. Runs
 * the real ESLint with the repository's config on small snippets at virtual
 * paths (nothing is written).
 */
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const RULE = "@typescript-eslint/no-restricted-imports";
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The messages of the import rule for `import { x } from "<spec>"` in a file at `file`. */
async function importProblems(file: string, spec: string): Promise<string[]> {
  const [res] = await eslint.lintText(`import { x } from "${spec}";\nexport { x };\n`, { filePath: path.join(ROOT, file) });
  const other = res!.messages.filter((m) => m.ruleId !== RULE);
  expect(other, `${file}: only the import rule should speak`).toEqual([]);
  return res!.messages.map((m) => m.message);
}

type TCase = [file: string, spec: string, message: RegExp];

describe("zone: one domain imports another only through its service or schema", () => {
  const refused: TCase[] = [
    ["server/domains/bmc/service.ts", "../assets/lifecycle", /only through its service or schema/],
    ["server/domains/bmc/service.ts", "../assets/router", /only through its service or schema/],
    ["server/domains/catalog/service.ts", "../assets/rest", /only through its service or schema/],
    ["server/domains/bmc/commands.ts", "@/server/domains/users/router", /only through its service or schema/],
  ];
  it.each(refused)("%s may not import %s", async (file, spec, message) => {
    const problems = await importProblems(file, spec);
    expect(problems.some((m) => message.test(m)), problems.join("\n")).toBe(true);
  });
  it.each([
    ["server/domains/bmc/service.ts", "../assets/service"],
    ["server/domains/assets/service.ts", "../catalog/schema"],
    ["server/domains/assets/rest.ts", "./lifecycle"],
    ["server/domains/assets/rest.ts", "../../rest/route"],
  ])("%s may import %s", async (file, spec) => {
    expect(await importProblems(file, spec)).toEqual([]);
  });
});

describe("zone: a domain touches only its own tables", () => {
  async function syntaxProblems(file: string, code: string): Promise<string[]> {
    const [res] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return res!.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
  }
  const code = (table: string) => `import type { TDeps } from "../../context";\nexport const f = (deps: TDeps) => deps.db.${table}.count();\nexport const g = (tx: TDeps["db"]) => tx.${table}.count();\n`;
  it.each([
    ["server/domains/assets/service.ts", "user", /users domain/],
    ["server/domains/bmc/service.ts", "asset", /assets domain/],
    ["server/domains/catalog/service.ts", "auditLog", /audit domain/],
  ])("%s may not read %s", async (file, table, message) => {
    const problems = await syntaxProblems(file, code(table));
    expect(problems).toHaveLength(2);
    expect(problems.every((m) => message.test(m)), problems.join("\n")).toBe(true);
  });
  it.each([
    ["server/domains/assets/service.ts", "asset"],
    ["server/domains/users/service.ts", "apiToken"],
    ["server/domains/bmc/commands.ts", "bmcCommand"],
  ])("%s may read its own %s", async (file, table) => {
    expect(await syntaxProblems(file, code(table))).toEqual([]);
  });
});

describe("zone: nothing outside server/db opens a database", () => {
  const refused: TCase[] = [
    ["bench/core.ts", "better-sqlite3", /Only server\/db opens a database/],
    ["scripts/seed-demo.ts", "pg", /Only server\/db opens a database/],
    ["scripts/tool.mjs", "@prisma/client", /Only server\/db opens a database/],
    ["workers/main.ts", "../generated/sqlite/client", /Only server\/db opens a database/],
    ["tests/harness/postgres.ts", "pg", /Only server\/db opens a database/],
    ["server/domains/assets/service.ts", "@prisma/adapter-pg", /Only server\/db opens a database/],
    ["server/health.ts", "better-sqlite3", /Only server\/db opens a database/],
    ["app/(app)/page.tsx", "@prisma/client", /Only server\/db opens a database/],
    ["agents/runner/agent.ts", "pg", /Only server\/db opens a database/],
  ];
  it.each(refused)("%s may not import %s", async (file, spec, message) => {
    const problems = await importProblems(file, spec);
    expect(problems.some((m) => message.test(m)), problems.join("\n")).toBe(true);
  });
  it.each([
    ["server/db/admin.ts", "pg"],
    ["server/db/client.ts", "@prisma/adapter-better-sqlite3"],
    ["bench/core.ts", "../server/db/admin"],
    ["scripts/boot.ts", "../server/db/client"],
  ])("%s may import %s", async (file, spec) => {
    expect(await importProblems(file, spec)).toEqual([]);
  });
});

describe("zone: server/ never imports agents/", () => {
  const refused: TCase[] = [
    ["server/domains/bmc/service.ts", "../../../agents/ipmi/probe", /never imports agents/],
    ["server/domains/bmc/service.ts", "../../../agents/clients", /never imports agents/],
    ["server/agent-api/http.ts", "../../agents/redfish/probe", /never imports agents/],
    ["server/trpc.ts", "@/agents/clients", /never imports agents/],
    ["server/db/client.ts", "../../agents/clients", /never imports agents/],
    // the composition root takes the protocol clients, nothing else
    ["server/runtime.ts", "../agents/ipmi/probe", /only agents\/clients/],
  ];
  it.each(refused)("%s may not import %s", async (file, spec, message) => {
    const problems = await importProblems(file, spec);
    expect(problems.some((m) => message.test(m)), problems.join("\n")).toBe(true);
  });
  it.each([
    ["server/runtime.ts", "../agents/clients"],
    ["server/domains/bmc/service.ts", "../../contracts/bmc"],
    ["agents/clients.ts", "../server/contracts/bmc"],
  ])("%s may import %s", async (file, spec) => {
    expect(await importProblems(file, spec)).toEqual([]);
  });
  it("and agents/ import nothing from server/ but its contracts", async () => {
    expect((await importProblems("agents/runner/agent.ts", "../../server/domains/bmc/service")).join("\n")).toMatch(/only server\/contracts/);
  });
});

describe("*.mjs files are linted", () => {
  it("reports problems in an .mjs file like in a .ts one", async () => {
    const [res] = await eslint.lintText(`const unused = 1;\nimport pg from "pg";\nexport default pg;\n`, { filePath: path.join(ROOT, "scripts/start.mjs") });
    const rules = res!.messages.map((m) => m.ruleId);
    expect(rules).toContain("@typescript-eslint/no-unused-vars");
    expect(rules).toContain(RULE);
  });
  it("does not ignore the repository's .mjs files", async () => {
    for (const f of ["scripts/start.mjs", "scripts/prisma.mjs", "agents/bin/ironledger.mjs", "eslint.config.mjs"]) {
      expect(await eslint.isPathIgnored(path.join(ROOT, f)), f).toBe(false);
    }
  });
});
