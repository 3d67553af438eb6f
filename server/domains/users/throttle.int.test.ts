/**
 * Sign-in throttling: per user name AND address with a progressive wait (a
 * stranger cannot keep a user locked out), an admin unlock, 429 with
 * Retry-After once an address passes its limit, bounded password hashing
 * (a spray from one address does not starve a sign-in from another), and
 * old password hashes upgraded at sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentApiServer, type AgentApiServer } from "../../../tests/harness/agent-api-server";
import { DATABASES, freshDatabase, type TTestDb } from "../../../tests/harness/db";
import { actor, depsFor, FakeClock } from "../../../tests/harness/fixtures";
import { withStandardPasswordHashing } from "../../../tests/harness/password-hashing";
import { hashPassword, SCRYPT_PARAMS } from "../../auth/password";
import type { TDeps } from "../../context";
import { AppError } from "../../errors";
import { handleTrpc } from "../../trpc-handler";
import { createUser, login, MAX_FAILS_PER_IP, unlockUser } from "./service";

const PASSWORD = "correct horse battery staple";

async function code(p: Promise<unknown>): Promise<{ code: string; retryAfterSec?: number }> {
  return p.then(
    () => ({ code: "OK" }),
    (e: unknown) => {
      if (!(e instanceof AppError)) throw e;
      return { code: e.code, retryAfterSec: e.details?.retryAfterSec as number | undefined };
    },
  );
}

describe.each(DATABASES)("sign-in throttling on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = (): TDeps => depsFor(t, clock);
  let n = 0;
  async function newUser() {
    const username = `throttle${++n}`;
    const u = await createUser(deps(), actor("admin"), { username, displayName: `T ${n}`, role: "technician", password: PASSWORD });
    return { ...u, username };
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
  });
  afterAll(() => t.close());

  it("a stranger's wrong passwords do not lock the user out from their own address", async () => {
    const u = await newUser();
    for (let i = 0; i < 6; i++) {
      clock.advance(20 * 60_000); // each try after any wait, so every one is a real failure
      expect((await code(login(deps(), { username: u.username, password: `guess-${i}` }, "203.0.113.66"))).code).toBe("UNAUTHORIZED");
    }
    // meanwhile, the same instant, from the user's own address
    expect((await code(login(deps(), { username: u.username, password: PASSWORD }, "10.20.0.5"))).code).toBe("OK");
  });

  it("failures from one address slow that address progressively; the wait is in the error", async () => {
    const u = await newUser();
    const ip = "198.51.100.20";
    const attempt = (pw = "wrong-password") => code(login(deps(), { username: u.username, password: pw }, ip));
    for (let i = 0; i < 3; i++) expect((await attempt()).code).toBe("UNAUTHORIZED");
    expect(await attempt()).toEqual({ code: "RATE_LIMITED", retryAfterSec: 1 });
    expect(await attempt(PASSWORD)).toEqual({ code: "RATE_LIMITED", retryAfterSec: 1 }); // even the right password waits
    clock.advance(1000);
    expect((await attempt()).code).toBe("UNAUTHORIZED");
    expect(await attempt()).toEqual({ code: "RATE_LIMITED", retryAfterSec: 2 });
    clock.advance(2000);
    expect((await attempt()).code).toBe("UNAUTHORIZED");
    expect(await attempt()).toEqual({ code: "RATE_LIMITED", retryAfterSec: 4 });
    clock.advance(4000);
    expect((await attempt(PASSWORD)).code).toBe("OK");
    // a success forgives this address its failures for this user
    expect((await attempt()).code).toBe("UNAUTHORIZED");
    expect((await attempt()).code).toBe("UNAUTHORIZED");
  });

  it("an admin unlock clears the wait at once, by user name or id, and is audited", async () => {
    const u = await newUser();
    const ip = "198.51.100.30";
    for (let i = 0; i < 3; i++) await code(login(deps(), { username: u.username, password: "wrong-password" }, ip));
    expect((await code(login(deps(), { username: u.username, password: PASSWORD }, ip))).code).toBe("RATE_LIMITED");
    const res = await unlockUser(deps(), actor("admin"), u.username.toUpperCase());
    expect(res).toEqual({ id: u.id, username: u.username, cleared: 3 });
    expect((await code(login(deps(), { username: u.username, password: PASSWORD }, ip))).code).toBe("OK");
    expect(await unlockUser(deps(), actor("admin"), u.id)).toMatchObject({ cleared: 0 });
    const audit = await t.db.auditLog.findMany({ where: { entity: "User", entityId: u.id, action: "unlock" } });
    expect(audit).toHaveLength(2);
    await expect(unlockUser(deps(), actor("admin"), "nobody-at-all")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("an address past its limit gets 429 with Retry-After over HTTP (tRPC)", async () => {
    const ip = "192.0.2.77";
    const at = clock.now();
    await t.db.loginAttempt.createMany({ data: Array.from({ length: MAX_FAILS_PER_IP }, (_, i) => ({ username: `ghost${i}`, ip, success: false, at })) });
    const server: AgentApiServer = await startAgentApiServer({ handler: (req) => handleTrpc(req, deps()) });
    try {
      const u = await newUser();
      clock.advance(60_000);
      // without our web server in front, a lone X-Forwarded-For is what Next.js sets from the socket
      const res = await fetch(`${server.url}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json", "x-ironledger-request": "1", "x-forwarded-for": ip }, body: JSON.stringify({ json: { username: u.username, password: PASSWORD } }) });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe(String(14 * 60));
      expect(await res.text()).toMatch(/Too many failed sign-ins from your address\. Try again in 14 minutes/);
      // another address is not affected
      const other = await fetch(`${server.url}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json", "x-ironledger-request": "1", "x-forwarded-for": "192.0.2.78" }, body: JSON.stringify({ json: { username: u.username, password: PASSWORD } }) });
      expect(other.status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("a burst of bad sign-ins from one address does not starve a good sign-in from another", async () => {
    // hashing at a deployment's cost: the spray must outlast the good sign-in for the bound to show
    await withStandardPasswordHashing(async () => {
      const u = await newUser();
      const order: string[] = [];
      const burst = Array.from({ length: 24 }, (_, i) =>
        code(login(deps(), { username: `sprayed${i}`, password: "wrong-password" }, "203.0.113.99")).then((r) => {
          order.push(r.code);
          return r;
        }),
      );
      const good = code(login(deps(), { username: u.username, password: PASSWORD }, "10.30.0.7")).then((r) => {
        order.push("GOOD");
        return r;
      });
      const results = await Promise.all(burst);
      expect((await good).code).toBe("OK");
      // the spray holds at most its share of the hashing; the rest of it is refused at once
      expect(results.filter((r) => r.code === "RATE_LIMITED").length).toBeGreaterThan(0);
      const hashedAfterGood = order.slice(order.indexOf("GOOD") + 1).filter((c) => c === "UNAUTHORIZED").length;
      expect(hashedAfterGood).toBeGreaterThanOrEqual(5); // its share (2) runs beside the good one; its queue (8) waits
    });
  });

  it("a password hash made with older scrypt settings is upgraded at sign-in", async () => {
    // the settings of a deployment: the upgrade is to SCRYPT_PARAMS
    await withStandardPasswordHashing(async () => {
      const u = await newUser();
      await t.db.user.update({ where: { id: u.id }, data: { passwordHash: await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 }) } });
      expect((await code(login(deps(), { username: u.username, password: PASSWORD }, "10.40.0.1"))).code).toBe("OK");
      const row = await t.db.user.findUniqueOrThrow({ where: { id: u.id }, select: { passwordHash: true } });
      expect(row.passwordHash.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`)).toBe(true);
      expect((await code(login(deps(), { username: u.username, password: PASSWORD }, "10.40.0.1"))).code).toBe("OK");
    });
  });
});
