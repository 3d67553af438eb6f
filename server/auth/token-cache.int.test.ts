/**
 * The API-token cache (./token-cache.ts) on a real database: a revocation or a
 * user change takes effect on the very next request in this process, expiry
 * is checked on every hit, and what is cached is bounded in time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../tests/harness/db";
import { actor, depsFor, FakeClock } from "../../tests/harness/fixtures";
import type { TActor, TDeps } from "../context";
import { actorFromApiToken, createApiToken, createUser, revokeApiToken, updateUser } from "../domains/users/service";
import { cachedToken, invalidateTokenCache, TOKEN_CACHE_TTL_MS } from "./token-cache";

describe.each(DATABASES)("API-token cache on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = (): TDeps => depsFor(t, clock);
  let owner: TActor;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const u = await createUser(deps(), actor("admin"), { username: "owner", displayName: "Owner", role: "admin", password: "correct horse battery" });
    owner = { type: "user", id: u.id, name: u.displayName, role: "admin" };
  });
  afterAll(() => t?.close());

  it("serves a token from the cache, and refuses it on the next request once it is revoked", async () => {
    const tok = await createApiToken(deps(), owner, { name: "scanner", role: "warehouse" });
    expect((await actorFromApiToken(deps(), tok.token))?.role).toBe("warehouse");
    // a change behind the service's back (another process) is not seen while cached: the documented bound
    await t.db.apiToken.update({ where: { id: tok.id }, data: { role: "viewer" } });
    expect((await actorFromApiToken(deps(), tok.token))?.role).toBe("warehouse");
    // revoking through the service clears the cache in this process at once
    await revokeApiToken(deps(), owner, tok.id);
    expect(await actorFromApiToken(deps(), tok.token)).toBeNull();
  });

  it("refuses a cached token at once when its creator is deactivated", async () => {
    const u = await createUser(deps(), owner, { username: "leaver", displayName: "Leaver", role: "technician", password: "correct horse battery" });
    const tok = await createApiToken(deps(), { type: "user", id: u.id, name: "Leaver", role: "technician" }, { name: "leaver's", role: "technician" });
    expect(await actorFromApiToken(deps(), tok.token)).not.toBeNull();
    await updateUser(deps(), owner, { id: u.id, data: { active: false } });
    expect(await actorFromApiToken(deps(), tok.token)).toBeNull();
  });

  it("checks expiry on every hit, against the caller's clock", async () => {
    const tok = await createApiToken(deps(), owner, { name: "short", role: "viewer", expiresInDays: 1 });
    expect(await actorFromApiToken(deps(), tok.token)).not.toBeNull();
    clock.advance(2 * 86_400_000);
    expect(await actorFromApiToken(deps(), tok.token)).toBeNull();
  });

  it("does not cache a lookup that was under way when the cache was invalidated", async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      invalidateTokenCache(t.db); // a revocation commits while this lookup reads
      return "old";
    };
    await cachedToken(t.db, "k", load, () => true);
    await cachedToken(t.db, "k", async () => (loads++, "new"), () => true);
    expect(loads).toBe(2);
    // and a value read undisturbed is kept for the TTL
    await cachedToken(t.db, "k", async () => (loads++, "newer"), () => true);
    expect(loads).toBe(2);
    expect(TOKEN_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
  });
});
