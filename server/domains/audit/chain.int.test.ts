/**
 * The keyed chains hold against someone with write access to the database:
 * TRUNCATE is refused, rows recomputed without the key fail verification, a
 * cut tail is found against a head kept elsewhere (`audit:verify --head`), and
 * an empty chain where entries are expected is a failure.
 */
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../../tests/harness/fixtures";
import { createAsset } from "../assets/service";
import { transition } from "../assets/lifecycle";
import { createUser } from "../users/service";
import { auditRowContent, canonicalJson, eventContent, legacyHash, verifyChain } from "../../chains/chain";

function runVerify(databaseUrl: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.resolve("node_modules/.bin/tsx"), ["scripts/audit-verify.ts", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const TABLES = ["AuditLog", "AssetEvent", "BmcObservation"] as const;

async function disableAppendOnly(t: TTestDb, table: (typeof TABLES)[number]): Promise<void> {
  if (t.provider === "sqlite") {
    await t.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${table}_no_update"`);
    await t.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "${table}_no_delete"`);
  } else {
    await t.db.$executeRawUnsafe(`ALTER TABLE "${table}" DISABLE TRIGGER ALL`);
  }
}

describe.each(DATABASES)("keyed chains on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    await createUser(deps, actor("admin"), { username: "chained", displayName: "Chained", role: "viewer", password: "s3cret-password-long" });
    for (const serial of ["CH-1", "CH-2"]) {
      const a = await createAsset(deps, actor("warehouse"), { serial, modelId: cat.server.id });
      for (const to of ["BURN_IN", "READY_TO_RACK"] as const) {
        clock.advance(60_000);
        await transition(deps, actor("technician"), { assetId: a.id, to, payload: { step: to } });
      }
    }
  });
  afterAll(() => t.close());

  it("refuses to empty an append-only table at once (TRUNCATE on PostgreSQL, even as the owner; DELETE on SQLite)", async () => {
    for (const table of TABLES) {
      if (provider === "postgresql") await expect(t.db.$executeRawUnsafe(`TRUNCATE "${table}"`), table).rejects.toThrow(/append-only/);
      // SQLite has no TRUNCATE; its row triggers refuse a DELETE as soon as there is a row to delete
      else if (table !== "BmcObservation") await expect(t.db.$executeRawUnsafe(`DELETE FROM "${table}"`), table).rejects.toThrow(/append-only/);
    }
    expect(await t.db.auditLog.count()).toBeGreaterThan(10);
  });

  it("prints the head of every chain; asset events are chained", async () => {
    const audit = await verifyChain(t.db, "audit");
    const events = await verifyChain(t.db, "events");
    expect(audit).toMatchObject({ ok: true, legacy: 0 });
    expect(events).toMatchObject({ ok: true, checked: 6, legacy: 0 });
    const last = await t.db.auditLog.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(audit.head).toEqual({ seq: last.seq, hash: last.hash });
    if (provider === "sqlite") {
      const r = await runVerify(t.url);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`audit chain intact: ${audit.checked} entries; head ${last.seq}:${last.hash}`);
      expect(r.stdout).toMatch(/asset event chain intact: 6 entries; head 6:[0-9a-f]{64}/);
      expect(r.stdout).toMatch(/observation chain intact: 0 entries/);
    }
  });

  it("rows recomputed without the key fail verification (as sha256, or as HMAC with another key)", async () => {
    await disableAppendOnly(t, "AuditLog");
    const rows = await t.db.auditLog.findMany({ orderBy: { seq: "asc" } });
    const k = Math.floor(rows.length / 2);
    const originals = rows.slice(k).map((r) => ({ seq: r.seq, after: r.after, prevHash: r.prevHash, hash: r.hash, hashVersion: r.hashVersion }));
    for (const mode of ["sha256", "wrong-key"] as const) {
      let prev = rows[k - 1]!.hash;
      for (const r of rows.slice(k)) {
        const after = r.seq === rows[k]!.seq ? JSON.stringify({ tampered: mode }) : r.after;
        const content = auditRowContent({ ...r, after });
        const hash = mode === "sha256" ? legacyHash(prev, content) : createHmac("sha256", "not-the-key").update(prev).update("\n").update(canonicalJson(content)).digest("hex");
        await t.db.auditLog.update({ where: { seq: r.seq }, data: { after, prevHash: prev, hash, hashVersion: mode === "sha256" ? 1 : 2 } });
        prev = hash;
      }
      const v = await verifyChain(t.db, "audit");
      expect(v.ok, mode).toBe(false);
      expect(v.firstBroken?.seq, mode).toBe(rows[k]!.seq);
      expect(v.firstBroken?.reason, mode).toMatch(/content changed/);
    }
    // put it back (last row first: hash is unique)
    for (const o of [...originals].reverse()) await t.db.auditLog.update({ where: { seq: o.seq }, data: { hash: `restoring-${o.seq}` } });
    for (const o of originals) await t.db.auditLog.update({ where: { seq: o.seq }, data: o });
    expect((await verifyChain(t.db, "audit")).ok).toBe(true);
  });

  it("a tampered asset event is found", async () => {
    await disableAppendOnly(t, "AssetEvent");
    const ev = await t.db.assetEvent.findFirstOrThrow({ where: { chainSeq: 3 } });
    await t.db.assetEvent.update({ where: { id: ev.id }, data: { toStatus: "RACKED" } });
    const v = await verifyChain(t.db, "events");
    expect(v).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
    await t.db.assetEvent.update({ where: { id: ev.id }, data: { toStatus: ev.toStatus } });
    expect(eventContent(ev).toStatus).toBe(ev.toStatus);
    expect((await verifyChain(t.db, "events")).ok).toBe(true);
  });

  it("a cut tail passes a plain walk but fails against the head kept elsewhere (--head)", async () => {
    const before = await verifyChain(t.db, "audit");
    const head = before.head!;
    const evHead = (await verifyChain(t.db, "events")).head!;
    const rows = await t.db.auditLog.findMany({ orderBy: { seq: "desc" }, take: 2 });
    await t.db.auditLog.deleteMany({ where: { seq: { in: rows.map((r) => r.seq) } } });
    expect((await verifyChain(t.db, "audit")).ok).toBe(true); // what is left is consistent
    const v = await verifyChain(t.db, "audit", { head });
    expect(v.ok).toBe(false);
    expect(v.firstBroken?.reason).toMatch(/cut tail/);
    if (provider === "sqlite") {
      const r = await runVerify(t.url, ["--head", `${head.seq}:${head.hash}`, "--head", `events=${evHead.seq}:${evHead.hash}`]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/audit chain BROKEN/);
      expect(r.stdout).toMatch(/reason:\s+cut tail/);
      expect(r.stdout).toMatch(/asset event chain intact/);
      const bad = await runVerify(t.url, ["--head", "12:nothex"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--head wants SEQ:HASH/);
    }
  });

  it("an empty chain where entries are expected is a failure, not 'ok, 0 checked'", async () => {
    await t.db.auditLog.deleteMany({});
    const v = await verifyChain(t.db, "audit");
    expect(v).toMatchObject({ ok: false, checked: 0 });
    expect(v.firstBroken?.reason).toMatch(/empty chain/);
    await t.db.assetEvent.deleteMany({});
    expect((await verifyChain(t.db, "events")).firstBroken?.reason).toMatch(/empty chain/);
    if (provider === "sqlite") {
      const r = await runVerify(t.url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/reason:\s+empty chain/);
    }
  });
});

describe.each(DATABASES)("audit entries written before keyed hashing on %s", (provider) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t.close());

  it("are checked as version 1 (sha256) before the first keyed entry, which anchors them", async () => {
    let prev = "0".repeat(64);
    for (let i = 0; i < 3; i++) {
      const row = { at: new Date(Date.UTC(2026, 0, 1, 0, i)), actorType: "system", actorId: "system", action: "create", entity: "Legacy", entityId: `L${i}`, before: null, after: JSON.stringify({ i }) };
      const hash = legacyHash(prev, auditRowContent(row));
      await t.db.auditLog.create({ data: { ...row, prevHash: prev, hash, hashVersion: 1 } });
      prev = hash;
    }
    await createUser(depsFor(t, new FakeClock()), actor("admin"), { username: "after-upgrade", displayName: "After", role: "viewer", password: "s3cret-password-long" });
    const v = await verifyChain(t.db, "audit");
    expect(v).toMatchObject({ ok: true, legacy: 3 });
    expect(v.checked).toBeGreaterThan(3);
    const keyed = await t.db.auditLog.findMany({ where: { hashVersion: 2 }, orderBy: { seq: "asc" } });
    expect(keyed.length).toBeGreaterThan(0);
    expect(keyed[0]!.prevHash).toBe(prev);
    // an unkeyed entry after keyed ones is a rewrite, whatever its hash says
    const last = keyed[keyed.length - 1]!;
    const row = { at: new Date(), actorType: "system", actorId: "x", action: "create", entity: "Forged", entityId: "F1", before: null, after: null };
    const forged = await t.db.auditLog.create({ data: { ...row, prevHash: last.hash, hash: legacyHash(last.hash, auditRowContent(row)), hashVersion: 1 } });
    expect((await verifyChain(t.db, "audit")).firstBroken).toMatchObject({ seq: forged.seq, reason: expect.stringMatching(/unkeyed/) });
  });
});
