/**
 * Sign-in, sessions and API tokens on a real database with a fake clock:
 * rate limiting, deactivation, logout, expiry, and how secrets are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock } from "../../../tests/harness/fixtures";
import { sha256 } from "../../auth/password";
import type { TActor, TDeps } from "../../context";
import { AppError } from "../../errors";
import { actorFromApiToken, actorFromSession, createApiToken, createUser, login, logout, revokeApiToken, SESSION_TTL_MS, updateUser } from "./service";

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe.each(DATABASES)("sign-in, sessions and API tokens on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = (): TDeps => depsFor(t, clock);
  const admin = actor("admin");
  let n = 0;
  /** a fresh user per test, so rate limits and sessions do not leak between tests */
  async function newUser(role: "admin" | "viewer" | "technician" = "technician") {
    const username = `user${++n}`;
    const u = await createUser(deps(), admin, { username, displayName: `User ${n}`, role, password: PASSWORD });
    return { ...u, username };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t.close());

  it("signs in and the session resolves to the user", async () => {
    const u = await newUser("technician");
    const res = await login(deps(), { username: ` ${u.username.toUpperCase()} `, password: PASSWORD }, "10.0.0.1");
    expect(res.user).toEqual({ id: u.id, username: u.username, displayName: u.displayName, role: "technician" });
    expect(res.expiresAt.getTime()).toBe(clock.now().getTime() + SESSION_TTL_MS);
    expect(res.token.length).toBeGreaterThanOrEqual(40);
    const who = await actorFromSession(deps(), res.token);
    expect(who).toEqual({ type: "user", id: u.id, name: u.displayName, username: u.username, role: "technician" });
    // only the hash of the session token is stored
    const sessions = await t.db.session.findMany({ where: { userId: u.id } });
    expect(sessions.map((s) => s.id)).toEqual([sha256(res.token)]);
    expect(await actorFromSession(deps(), `${res.token}x`)).toBeNull();
    expect(await actorFromSession(deps(), undefined)).toBeNull();
    expect(await actorFromSession(deps(), "")).toBeNull();
  });

  it("refuses a wrong password without saying which part was wrong", async () => {
    const u = await newUser();
    const wrongPw = await failure(login(deps(), { username: u.username, password: "not the password" }, "10.0.0.2"));
    const noUser = await failure(login(deps(), { username: "nobody-here", password: PASSWORD }, "10.0.0.2"));
    expect(wrongPw.code).toBe("UNAUTHORIZED");
    expect(noUser.code).toBe("UNAUTHORIZED");
    expect(wrongPw.message).toBe(noUser.message);
    expect(wrongPw.message).not.toMatch(/password is|user (does not|doesn't) exist|unknown user/i);
    expect(wrongPw.fields).toBeUndefined();
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0);
  });

  it("slows a user name from one address after 3 failures, even for the right password; other users and addresses are not affected", async () => {
    const u = await newUser();
    for (let i = 0; i < 3; i++) {
      clock.advance(MINUTE);
      expect((await failure(login(deps(), { username: u.username, password: `wrong-${i}` }, "10.1.0.1"))).code).toBe("UNAUTHORIZED");
    }
    clock.advance(500);
    const limited = await failure(login(deps(), { username: u.username, password: PASSWORD }, "10.1.0.1"));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.message).toMatch(/Try again in 1 second\b/);
    // the user name is compared normalised
    expect((await failure(login(deps(), { username: u.username.toUpperCase(), password: PASSWORD }, "10.1.0.1"))).code).toBe("RATE_LIMITED");
    // other users and other addresses are not affected
    const other = await newUser();
    await expect(login(deps(), { username: other.username, password: PASSWORD }, "10.1.0.1")).resolves.toMatchObject({ user: { id: other.id } });
    await expect(login(deps(), { username: u.username, password: PASSWORD }, "10.1.1.3")).resolves.toMatchObject({ user: { id: u.id } });
    clock.advance(500);
    const ok = await login(deps(), { username: u.username, password: PASSWORD }, "10.1.0.1");
    expect(ok.user.id).toBe(u.id);
  });

  it("limits one address that tries many user names", async () => {
    const ip = "10.9.9.9";
    // 29 failures recorded as sign-in would (hashing each is slow), then the 30th for real
    await t.db.loginAttempt.createMany({ data: Array.from({ length: 29 }, (_, i) => ({ username: `ghost${i}`, ip, success: false, at: clock.now() })) });
    expect((await failure(login(deps(), { username: "ghost29", password: "nope" }, ip))).code).toBe("UNAUTHORIZED");
    const u = await newUser();
    expect((await failure(login(deps(), { username: u.username, password: PASSWORD }, ip))).code).toBe("RATE_LIMITED");
    await expect(login(deps(), { username: u.username, password: PASSWORD }, "10.9.9.10")).resolves.toBeTruthy();
    clock.advance(15 * MINUTE + 1);
    await expect(login(deps(), { username: u.username, password: PASSWORD }, ip)).resolves.toBeTruthy();
  });

  it("a deactivated user loses their sessions and cannot sign in", async () => {
    const u = await newUser();
    const s1 = await login(deps(), { username: u.username, password: PASSWORD }, "10.2.0.1");
    const s2 = await login(deps(), { username: u.username, password: PASSWORD }, "10.2.0.2");
    expect(await actorFromSession(deps(), s1.token)).not.toBeNull();
    await updateUser(deps(), admin, { id: u.id, data: { active: false } });
    expect(await actorFromSession(deps(), s1.token)).toBeNull();
    expect(await actorFromSession(deps(), s2.token)).toBeNull();
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0);
    const e = await failure(login(deps(), { username: u.username, password: PASSWORD }, "10.2.0.1"));
    expect(e.code).toBe("UNAUTHORIZED");
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0);
    // the wrong password still gets the generic answer
    expect((await failure(login(deps(), { username: u.username, password: "guess guess" }, "10.2.0.1"))).message).toBe("Wrong user name or password.");
  });

  it("logout ends exactly that session", async () => {
    const u = await newUser();
    const a = await login(deps(), { username: u.username, password: PASSWORD }, "10.3.0.1");
    const b = await login(deps(), { username: u.username, password: PASSWORD }, "10.3.0.2");
    await logout(deps(), a.token);
    expect(await actorFromSession(deps(), a.token)).toBeNull();
    expect((await actorFromSession(deps(), b.token))?.id).toBe(u.id);
    await expect(logout(deps(), a.token)).resolves.toBeUndefined(); // twice is fine
    const audit = await t.db.auditLog.findMany({ where: { entity: "User", entityId: u.id, action: { in: ["login", "logout"] } }, orderBy: { seq: "asc" } });
    expect(audit.map((x) => x.action)).toEqual(["login", "login", "logout"]);
  });

  it("a session expires after the TTL without use, and slides while in use", async () => {
    const u = await newUser();
    const idle = await login(deps(), { username: u.username, password: PASSWORD }, "10.4.0.1");
    const busy = await login(deps(), { username: u.username, password: PASSWORD }, "10.4.0.2");
    clock.advance(SESSION_TTL_MS - MINUTE);
    expect(await actorFromSession(deps(), busy.token)).not.toBeNull(); // refreshes busy
    clock.advance(2 * MINUTE);
    expect(await actorFromSession(deps(), idle.token)).toBeNull();
    expect((await actorFromSession(deps(), busy.token))?.id).toBe(u.id);
    clock.advance(SESSION_TTL_MS);
    expect(await actorFromSession(deps(), busy.token)).toBeNull();
  });

  it("stores passwords as salted scrypt hashes, never the password", async () => {
    const a = await newUser();
    const b = await newUser();
    const rows = await t.db.user.findMany({ where: { id: { in: [a.id, b.id] } }, select: { passwordHash: true } });
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.passwordHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(r.passwordHash).not.toBe(PASSWORD);
      expect(r.passwordHash).not.toContain(PASSWORD);
    }
    expect(rows[0]!.passwordHash).not.toBe(rows[1]!.passwordHash);
    // and the user API never hands the hash out
    expect(Object.keys(a)).not.toContain("passwordHash");
    const audit = await t.db.auditLog.findFirst({ where: { entity: "User", entityId: a.id, action: "create" } });
    expect(audit?.after).not.toContain("scrypt$");
  });

  it("API tokens: valid → actor with the token's role; revoked, expired or orphaned → null", async () => {
    const owner = await newUser("admin");
    const ownerActor: TActor = { type: "user", id: owner.id, name: owner.displayName, role: "admin" };
    const live = await createApiToken(deps(), ownerActor, { name: "ci", role: "viewer" });
    expect(live.token.startsWith("ilt_")).toBe(true);
    expect(await actorFromApiToken(deps(), live.token)).toEqual({ type: "token", id: live.id, name: "ci", role: "viewer" });
    const stored = await t.db.apiToken.findUniqueOrThrow({ where: { id: live.id } });
    expect(stored.tokenHash).toBe(sha256(live.token));
    expect(JSON.stringify(stored)).not.toContain(live.token);

    const rev = await createApiToken(deps(), ownerActor, { name: "old", role: "admin" });
    expect(await actorFromApiToken(deps(), rev.token)).not.toBeNull();
    await revokeApiToken(deps(), ownerActor, rev.id);
    expect(await actorFromApiToken(deps(), rev.token)).toBeNull();

    const exp = await createApiToken(deps(), ownerActor, { name: "short", role: "technician", expiresInDays: 1 });
    clock.advance(86_400_000 - MINUTE);
    expect(await actorFromApiToken(deps(), exp.token)).not.toBeNull();
    clock.advance(2 * MINUTE);
    expect(await actorFromApiToken(deps(), exp.token)).toBeNull();

    expect(await actorFromApiToken(deps(), "ilt_not-a-real-token")).toBeNull();
    expect(await actorFromApiToken(deps(), live.token.slice(4))).toBeNull();

    // a token dies with its creator's account
    const other = await newUser("admin");
    const orphan = await createApiToken(deps(), { ...ownerActor, id: other.id }, { name: "theirs", role: "viewer" });
    expect(await actorFromApiToken(deps(), orphan.token)).not.toBeNull();
    await updateUser(deps(), admin, { id: other.id, data: { active: false } });
    expect(await actorFromApiToken(deps(), orphan.token)).toBeNull();
    expect(await actorFromApiToken(deps(), live.token)).not.toBeNull();
  });
});
