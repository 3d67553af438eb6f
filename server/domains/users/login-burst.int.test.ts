import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock } from "../../../tests/harness/fixtures";
import { createUser, FREE_FAILS_PER_PAIR, login } from "./service";

describe.each(DATABASES)("login rate limit under a parallel burst on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  beforeAll(async () => {
    t = await freshDatabase(provider);
    await createUser(depsFor(t, clock), actor("admin"), { username: "burst", displayName: "Burst", role: "viewer", password: "the-right-password" });
  });
  afterAll(() => t.close());

  it("lets no more than the free failures through to verification, however many arrive at once", async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => login(depsFor(t, clock), { username: "burst", password: "wrong-password" }, "10.0.0.9")));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
    expect(codes.filter((c) => c === "UNAUTHORIZED").length).toBeLessThanOrEqual(FREE_FAILS_PER_PAIR);
    expect(codes.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(12 - FREE_FAILS_PER_PAIR);
    expect(codes).not.toContain("OK");
    // attempts refused during the burst do not count; the wait starts after the free failures
    const failed = codes.filter((c) => c === "UNAUTHORIZED").length;
    for (let i = failed; i < FREE_FAILS_PER_PAIR; i++) await expect(login(depsFor(t, clock), { username: "burst", password: "wrong-password" }, "10.0.0.9")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(login(depsFor(t, clock), { username: "burst", password: "the-right-password" }, "10.0.0.9")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    clock.advance(1000);
    await expect(login(depsFor(t, clock), { username: "burst", password: "the-right-password" }, "10.0.0.9")).resolves.toMatchObject({ user: { username: "burst" } });
  });
});
