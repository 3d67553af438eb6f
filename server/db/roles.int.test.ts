/**
 * Separate PostgreSQL roles: the owner (DATABASE_MIGRATION_URL) migrates; the
 * runtime role (DATABASE_URL) gets only what the app needs. It cannot drop or
 * disable the append-only triggers, truncate, update or delete the append-only
 * tables, yet the app works through it. (SQLite has no roles: one file, one
 * owner; its append-only guards are covered by the chain tests.)
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TTestDb } from "../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../tests/harness/fixtures";
import { createAsset } from "../domains/assets/service";
import { transition } from "../domains/assets/lifecycle";
import { verifyChain } from "../chains/chain";
import { createUser, login } from "../domains/users/service";
import { createDatabase, type TDatabase } from "./client";
import { grantRuntimeRole, migrateWithRoles } from "./migrate";

describe("separate owner and runtime roles on postgresql", () => {
  let owner: TTestDb;
  let runtime: TDatabase;
  let runtimeUrl: string;
  let sql: pg.Client;
  const role = `il_app_${randomBytes(4).toString("hex")}`;

  beforeAll(async () => {
    owner = await freshDatabase("postgresql");
    sql = new pg.Client({ connectionString: owner.url });
    await sql.connect();
    await sql.query(`CREATE ROLE ${role} LOGIN`);
    const u = new URL(owner.url);
    u.username = role;
    runtimeUrl = u.toString();
    // what npm start / db:migrate do with DATABASE_MIGRATION_URL set (migrations already applied: grants only)
    await migrateWithRoles(runtimeUrl, owner.url);
    runtime = createDatabase(runtimeUrl);
  });
  afterAll(async () => {
    await runtime?.close();
    await owner.close();
    await sql.query(`DROP OWNED BY ${role}`).catch(() => {});
    await sql.end();
  });

  async function asRuntime(statement: string): Promise<string> {
    const c = new pg.Client({ connectionString: runtimeUrl });
    await c.connect();
    try {
      await c.query(statement);
      return "ok";
    } catch (e) {
      return (e as Error).message;
    } finally {
      await c.end();
    }
  }

  it("the runtime role cannot drop or disable triggers, truncate, update or delete append-only rows", async () => {
    for (const table of ["AuditLog", "AssetEvent", "BmcObservation"]) {
      expect(await asRuntime(`DROP TRIGGER "${table}_no_truncate" ON "${table}"`)).toMatch(/must be owner/);
      expect(await asRuntime(`ALTER TABLE "${table}" DISABLE TRIGGER ALL`)).toMatch(/must be owner/);
      expect(await asRuntime(`TRUNCATE "${table}"`)).toMatch(/permission denied/);
      expect(await asRuntime(`DELETE FROM "${table}"`)).toMatch(/permission denied/);
      expect(await asRuntime(`UPDATE "${table}" SET "prevHash" = "prevHash"`)).toMatch(/permission denied/);
    }
    expect(await asRuntime(`DROP TABLE "User"`)).toMatch(/must be owner/);
    expect(await asRuntime(`DROP FUNCTION ironledger_no_truncate()`)).toMatch(/must be owner/);
  });

  it("even the owner's TRUNCATE is refused by the statement trigger", async () => {
    await expect(sql.query(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append-only/);
  });

  it("the app works through the runtime role, and its chains verify", async () => {
    const clock = new FakeClock();
    const deps = { db: runtime.db, provider: runtime.provider, clock };
    const cat = await seedCatalog(deps);
    await createUser(deps, actor("admin"), { username: "runtime-user", displayName: "Runtime", role: "technician", password: "correct horse battery" });
    await expect(login(deps, { username: "runtime-user", password: "correct horse battery" }, "10.0.0.1")).resolves.toMatchObject({ user: { username: "runtime-user" } });
    const a = await createAsset(deps, actor("warehouse"), { serial: "RT-1", modelId: cat.server.id });
    await transition(deps, actor("technician"), { assetId: a.id, to: "BURN_IN" });
    expect((await verifyChain(runtime.db, "audit")).ok).toBe(true);
    expect(await verifyChain(runtime.db, "events")).toMatchObject({ ok: true, checked: 2 });
    expect(depsFor).toBeTypeOf("function");
  });

  it("refuses to grant when both URLs use the same role", async () => {
    await expect(grantRuntimeRole(owner.url, owner.url)).rejects.toThrow(/same role/);
  });
});
