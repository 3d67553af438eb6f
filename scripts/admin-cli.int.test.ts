/**
 * The operator CLI as a child process (`node agents/bin/ironledger.mjs admin …`)
 * against a SQLite file and a PostgreSQL database: an administrator locked
 * out by failed sign-ins gets back in with `user unlock` or
 * `user reset-password`; `token create` prints a working token once; every
 * change is audited as the system actor; usage errors exit 2 with one line.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { systemClock, type TDeps } from "../server/context";
import { actorFromApiToken, login } from "../server/domains/users/service";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "agents/bin/ironledger.mjs");

interface TRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(databaseUrl: string, args: string[], extraEnv: Record<string, string> = {}): Promise<TRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "admin", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: databaseUrl, ...extraEnv } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(DATABASES)("ironledger admin on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  const PW = "first-admin-password";
  const PW2 = "second-admin-password";

  beforeAll(async () => {
    t = await freshDatabase(provider);
    deps = { db: t.db, provider: t.provider, clock: systemClock };
  });
  afterAll(() => t?.close());

  const lockOut = async () => {
    for (let i = 0; i < 6; i++) await login(deps, { username: "root", password: "wrong-password" }, "10.0.0.9").catch(() => {});
    await expect(login(deps, { username: "root", password: PW }, "10.0.0.9")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  };

  it("creates an administrator, who gets back in after a lock-out with `user unlock`", async () => {
    const created = await cli(t.url, ["user", "create", "--username", "Root", "--name", "Root Admin", "--role", "admin", "--password-env", "NEW_PW"], { NEW_PW: PW });
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: "created user root (Root Admin, admin)\n" });
    await lockOut();
    const unlocked = await cli(t.url, ["user", "unlock", "--username", "root"]);
    expect(unlocked, unlocked.stderr).toMatchObject({ code: 0 });
    expect(unlocked.stdout).toMatch(/^root may sign in again \(\d+ failed sign-ins forgotten\)\n$/);
    expect((await login(deps, { username: "root", password: PW }, "10.0.0.9")).user.role).toBe("admin");
    const audit = await t.db.auditLog.findMany({ where: { entity: "User", action: { in: ["create", "unlock"] } }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => [a.action, a.actorType, a.actorId])).toEqual([
      ["create", "system", "system"],
      ["unlock", "system", "system"],
    ]);
  });

  it("resets a locked-out administrator's password (signing them out and lifting the lock)", async () => {
    await lockOut();
    const reset = await cli(t.url, ["user", "reset-password", "--username", "root", "--password-env", "PW2"], { PW2 });
    expect(reset, reset.stderr).toMatchObject({ code: 0 });
    expect(reset.stdout).toMatch(/^password of root changed; open sessions signed out/);
    await expect(login(deps, { username: "root", password: PW }, "10.0.0.9")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect((await login(deps, { username: "root", password: PW2 }, "10.0.0.9")).user.username).toBe("root");
    expect(await t.db.session.count()).toBe(1); // the sessions before the reset were signed out
  });

  it("creates an API token, printed once on stdout, that works and expires", async () => {
    const r = await cli(t.url, ["token", "create", "--name", "erp-sync", "--role", "procurement", "--expires", "30"]);
    expect(r, r.stderr).toMatchObject({ code: 0 });
    const token = r.stdout.trim();
    expect(token).toMatch(/^ilt_[A-Za-z0-9_-]{20,}$/);
    expect(r.stdout).toBe(`${token}\n`);
    expect(r.stderr).toMatch(/erp-sync.*procurement.*owner root.*expires .*shown once/);
    expect(r.stderr).not.toContain(token);
    expect(await actorFromApiToken(deps, token)).toMatchObject({ type: "token", name: "erp-sync", role: "procurement" });
    const row = await t.db.apiToken.findFirstOrThrow({ where: { name: "erp-sync" }, select: { expiresAt: true, createdBy: { select: { username: true } } } });
    expect(row.createdBy.username).toBe("root");
    expect(Math.abs(row.expiresAt!.getTime() - Date.now() - 30 * 86_400_000)).toBeLessThan(120_000);
    expect(await t.db.auditLog.count({ where: { entity: "ApiToken", action: "create", actorType: "system" } })).toBe(1);
  });

  it("refuses bad usage with exit 2 and one line, and never takes a password as an argument", async () => {
    const cases: [string[], RegExp][] = [
      [["user", "create", "--username", "eve", "--name", "Eve", "--role", "admin", "--password", "given-on-argv-123"], /never taken as an argument/],
      [["user", "create", "--username", "eve", "--name", "Eve", "--role", "root", "--password-env", "X"], /unknown role "root"/],
      [["user", "reset-password", "--username", "root"], /no password: give --password-env VAR/],
      [["token", "create", "--name", "x", "--role", "viewer", "--expires", "soon"], /--expires takes a number of days/],
      [["user", "frobnicate"], /unknown user subcommand "frobnicate"/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(t.url, args, { X: PW })));
    runs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stdout).toBe("");
    });
    expect(await t.db.user.count({ where: { username: "eve" } })).toBe(0);
    const missing = await cli(t.url, ["user", "unlock", "--username", "nobody"]);
    expect(missing).toMatchObject({ code: 1, stderr: "error: no user named nobody\n" });
  });
});
