/**
 * The audit log's hash chain: writes verify; an edited entry or a removed one
 * is named exactly; `npm run audit:verify` says so with its exit code.
 * Tampering bypasses the append-only triggers the way an attacker with
 * database access would.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { createAsset } from "../assets/service";
import { createUser } from "../users/service";
import { GENESIS, verifyAuditChain } from "./service";
import { moveTo } from "../../../tests/harness/racking";

/** `npm run audit:verify` as a child process (tsx from node_modules/.bin, as npx would resolve it). */
function runVerify(databaseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.resolve("node_modules/.bin/tsx"), ["scripts/audit-verify.ts"], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function disableAppendOnly(t: TTestDb): Promise<void> {
  if (t.provider === "sqlite") {
    await t.db.$executeRawUnsafe(`DROP TRIGGER "AuditLog_no_update"`);
    await t.db.$executeRawUnsafe(`DROP TRIGGER "AuditLog_no_delete"`);
  } else {
    await t.db.$executeRawUnsafe(`ALTER TABLE "AuditLog" DISABLE TRIGGER ALL`);
  }
}

describe.each(DATABASES)("audit chain on %s", (provider) => {
  // the script is the same code on both providers; run it as a child process on SQLite only (it is slow to start)
  const script = provider === "sqlite";
  let t: TTestDb;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    await createUser(deps, actor("admin"), { username: "auditor", displayName: "Auditor", role: "viewer", password: "s3cret-password-long" });
    const a = await createAsset(deps, actor("warehouse"), { serial: "AUD-0001", modelId: cat.server.id });
    for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED"] as const) {
      clock.advance(60_000);
      await moveTo(deps, actor("technician"), a.id, to);
    }
  });
  afterAll(() => t.close());

  it("verifies a chain of writes, across batch boundaries, and keeps secrets out of it", async () => {
    const count = await t.db.auditLog.count();
    expect(count).toBeGreaterThanOrEqual(13);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: count, legacy: 0 });
    expect(await verifyAuditChain(t.db, 3)).toMatchObject({ ok: true, checked: count });
    const rows = await t.db.auditLog.findMany({ orderBy: { seq: "asc" } });
    expect(rows[0]!.prevHash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    const user = rows.find((r) => r.entity === "User")!;
    expect(user.after).not.toContain("s3cret");
  });

  if (script) it("the script reports an intact chain with exit code 0", async () => {
    const count = await t.db.auditLog.count();
    const r = await runVerify(t.url);
    expect(r.stderr).toBe("");
    const last = await t.db.auditLog.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(r.stdout.split("\n")[0]).toBe(`audit chain intact: ${count} entries; head ${last.seq}:${last.hash}`);
    expect(r.code).toBe(0);
  });

  it("names exactly the entry whose content was changed", async () => {
    await disableAppendOnly(t);
    const rows = await t.db.auditLog.findMany({ orderBy: { seq: "asc" } });
    const victim = rows[Math.floor(rows.length / 2)]!;
    const original = victim.after;
    await t.db.auditLog.update({ where: { seq: victim.seq }, data: { after: JSON.stringify({ tampered: true }) } });
    const v = await verifyAuditChain(t.db);
    expect(v.ok).toBe(false);
    expect(v.firstBroken?.seq).toBe(victim.seq);
    expect(v.firstBroken?.reason).toMatch(/content changed/);
    expect(v.checked).toBe(rows.findIndex((r) => r.seq === victim.seq));

    if (script) {
      const r = await runVerify(t.url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`seq:\\s+${victim.seq}\\b`));
      expect(r.stdout).toContain(victim.at.toISOString());
      expect(r.stdout).toContain(`${victim.entity} ${victim.entityId}`);
      expect(r.stdout).toMatch(/reason:\s+content changed/);
    }

    // put it back: the chain holds again, so the verifier judged the content, not something else
    await t.db.auditLog.update({ where: { seq: victim.seq }, data: { after: original } });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it("names the entry after a removed one as a broken link", async () => {
    const rows = await t.db.auditLog.findMany({ orderBy: { seq: "asc" } });
    const i = Math.floor(rows.length / 3);
    const removed = rows[i]!;
    const next = rows[i + 1]!;
    await t.db.auditLog.delete({ where: { seq: removed.seq } });
    const v = await verifyAuditChain(t.db);
    expect(v).toMatchObject({ ok: false, checked: i, firstBroken: { seq: next.seq } });
    expect(v.firstBroken?.reason).toMatch(/link broken/);
    if (script) {
      const r = await runVerify(t.url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`seq:\\s+${next.seq}\\b`));
      expect(r.stdout).toMatch(/reason:\s+link broken/);
    }
  });
});

describe("audit:verify script", () => {
  it("exits 2 and says why when the database does not exist", async () => {
    const r = await runVerify("file:/nonexistent/ironledger-missing.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no database file");
  });
});
