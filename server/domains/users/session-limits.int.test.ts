/**
 * Issue 7 point 6, sessions and tokens: a session ends at its absolute
 * lifetime however active it is; an API token ends at its expiry, and loses
 * its power when its creator is deactivated or demoted below its role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock } from "../../../tests/harness/fixtures";
import type { TActor, TDeps } from "../../context";
import { actorFromApiToken, actorFromSession, createApiToken, createUser, login, sessionMaxAgeMs, updateUser } from "./service";

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(DATABASES)("session lifetime and API token limits on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = (): TDeps => depsFor(t, clock);
  const root = actor("admin");
  let n = 0;
  async function newUser(role: "admin" | "technician" | "viewer") {
    const u = await createUser(deps(), root, { username: `limits${++n}`, displayName: `Limits ${n}`, role, password: PASSWORD });
    const asActor: TActor = { type: "user", id: u.id, name: u.displayName, role };
    return { ...u, asActor };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t.close());

  it("ends a session at its absolute lifetime (12 h by default) even while it is in use", async () => {
    expect(sessionMaxAgeMs()).toBe(12 * HOUR);
    const u = await newUser("technician");
    const { token } = await login(deps(), { username: u.username, password: PASSWORD }, "10.0.0.1");
    // busy all shift: a request every 30 minutes keeps sliding the idle expiry
    for (let elapsed = 0; elapsed < 12 * HOUR - 30 * MINUTE; elapsed += 30 * MINUTE) {
      clock.advance(30 * MINUTE);
      expect(await actorFromSession(deps(), token), `after ${(elapsed + 30 * MINUTE) / HOUR} h`).not.toBeNull();
    }
    clock.advance(29 * MINUTE);
    expect(await actorFromSession(deps(), token)).not.toBeNull();
    clock.advance(2 * MINUTE); // 12 h 1 min after sign-in
    expect(await actorFromSession(deps(), token)).toBeNull();
    // the stored expiry never runs past the absolute limit either
    const s = await t.db.session.findFirstOrThrow({ where: { userId: u.id } });
    expect(s.expiresAt.getTime()).toBeLessThanOrEqual(s.createdAt.getTime() + 12 * HOUR);
  });

  it("refuses an API token after its expiry", async () => {
    const a = await newUser("admin");
    const tok = await createApiToken(deps(), a.asActor, { name: "ci", role: "viewer", expiresInDays: 1 });
    expect(tok.expiresAt!.getTime()).toBe(clock.now().getTime() + 24 * HOUR);
    expect(await actorFromApiToken(deps(), tok.token)).toMatchObject({ type: "token", role: "viewer" });
    clock.advance(24 * HOUR - MINUTE);
    expect(await actorFromApiToken(deps(), tok.token)).not.toBeNull();
    clock.advance(2 * MINUTE);
    expect(await actorFromApiToken(deps(), tok.token)).toBeNull();
    // without an expiry it keeps working
    const forever = await createApiToken(deps(), a.asActor, { name: "forever", role: "viewer" });
    expect(forever.expiresAt).toBeNull();
    clock.advance(3650 * 24 * HOUR);
    expect(await actorFromApiToken(deps(), forever.token)).not.toBeNull();
  });

  it("takes a token's power away when its creator is deactivated or demoted below the token's role", async () => {
    const a = await newUser("admin");
    const adminToken = await createApiToken(deps(), a.asActor, { name: "sync", role: "admin" });
    const techToken = await createApiToken(deps(), a.asActor, { name: "burn-in", role: "technician" });
    const viewerToken = await createApiToken(deps(), a.asActor, { name: "report", role: "viewer" });
    expect(await actorFromApiToken(deps(), adminToken.token)).toMatchObject({ role: "admin" });

    // demoted to technician: the admin token is dead, the technician and viewer tokens still work
    await updateUser(deps(), root, { id: a.id, data: { role: "technician" } });
    expect(await actorFromApiToken(deps(), adminToken.token)).toBeNull();
    expect(await actorFromApiToken(deps(), techToken.token)).toMatchObject({ role: "technician" });
    expect(await actorFromApiToken(deps(), viewerToken.token)).toMatchObject({ role: "viewer" });

    // demoted to viewer: only the viewer token is left
    await updateUser(deps(), root, { id: a.id, data: { role: "viewer" } });
    expect(await actorFromApiToken(deps(), techToken.token)).toBeNull();
    expect(await actorFromApiToken(deps(), viewerToken.token)).toMatchObject({ role: "viewer" });

    // promoted back, the tokens work again; deactivated, none does
    await updateUser(deps(), root, { id: a.id, data: { role: "admin" } });
    expect(await actorFromApiToken(deps(), adminToken.token)).toMatchObject({ role: "admin" });
    await updateUser(deps(), root, { id: a.id, data: { active: false } });
    for (const tk of [adminToken, techToken, viewerToken]) expect(await actorFromApiToken(deps(), tk.token)).toBeNull();
  });
});
