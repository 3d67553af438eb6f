/**
 * Contract-first procedures: every tRPC procedure declares an output schema,
 * and what leaves through a procedure is what that schema lets through. On a
 * real database with real secrets stored (a BMC password, API and agent
 * tokens, password hashes), no procedure answer carries one of them; and an
 * output schema strips a key the service handed back by mistake.
 */
import { randomBytes } from "node:crypto";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../tests/harness/fixtures";
import { ANY_ROLE } from "./auth/roles";
import type { TActor } from "./context";
import { createAsset } from "./domains/assets/service";
import { ZEndpointPublic } from "./domains/bmc/schema";
import { appRouter } from "./router";
import { createCallerFactory, procedure, router, type TContext } from "./trpc";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const BMC_PASSWORD = "Bmc-Output-Secret-77";
const USER_PASSWORD = "a long user password 1";

describe("every procedure declares its output", () => {
  it("has an .output() schema on each of the app router's queries and mutations", () => {
    const procs = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; output?: unknown } }>;
    // subscriptions yield events (typed by their generator), so tRPC's output parser does not apply to them
    const missing = Object.entries(procs)
      .filter(([, p]) => p._def.type !== "subscription" && !p._def.output)
      .map(([path]) => path);
    expect(Object.keys(procs).length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});

describe("an output schema strips what it does not name", () => {
  const leaky = router({
    endpoint: procedure(ANY_ROLE)
      .output(ZEndpointPublic)
      .query(() => {
        const at = new Date("2026-01-05T08:00:00Z");
        // a service that forgot to drop the sealed password: the schema still must
        const row = { id: "e1", assetId: "a1", agentId: null, agentName: null, protocol: "ipmi", address: "10.0.0.5", username: "root", hasPassword: true, intervalSec: 300, allowCipherZero: false, tlsFingerprint: null, lastSeenAt: null, lastPower: null, lastStatus: null, lastError: null, createdAt: at, updatedAt: at };
        return { ...row, passwordEnc: "v1:sealed-secret", password: BMC_PASSWORD } as typeof row;
      }),
  });

  it("returns the endpoint without passwordEnc or password", async () => {
    const ctx = { deps: {} as TContext["deps"], actor: actor("viewer"), ip: "127.0.0.1", secureCookies: false } satisfies TContext;
    const out = await createCallerFactory(leaky)(ctx).endpoint();
    expect(out.id).toBe("e1");
    expect(out.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(out)).not.toContain("passwordEnc");
    expect(Object.keys(out)).not.toContain("password");
    expect(JSON.stringify(out)).not.toContain(BMC_PASSWORD);
  });
});

const callerFor = (ctx: TContext) => createCallerFactory(appRouter)(ctx);

describe.each(DATABASES)("procedure outputs carry no secrets on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  let secrets: string[] = [];
  let caller: ReturnType<typeof callerFor>;
  let assetId = "";
  let endpointId = "";

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const deps = depsFor(t, clock);
    const cat = await seedCatalog(deps);
    const asset = await createAsset(deps, actor("admin"), { serial: "OUT-0001", modelId: cat.server.id });
    assetId = asset.id;
    // an administrator who exists (API tokens name their creator)
    const u = await callerFor({ deps, actor: actor("admin"), ip: "127.0.0.1", secureCookies: false }).users.create({ username: "outputs", displayName: "Outputs", role: "admin", password: USER_PASSWORD });
    const admin: TActor = { type: "user", id: u.id, name: u.displayName, role: "admin" };
    caller = callerFor({ deps, actor: admin, ip: "127.0.0.1", secureCookies: false, resHeaders: new Headers() });
    const token = await caller.users.createToken({ name: "ci", role: "viewer" });
    const agent = await caller.bmc.createAgent({ name: "agent-out" });
    const ep = await caller.bmc.createEndpoint({ assetId, agentId: agent.id, protocol: "ipmi", address: "10.0.0.5:623", username: "root", password: BMC_PASSWORD });
    endpointId = ep.id;
    const stored = await t.db.bmcEndpoint.findUniqueOrThrow({ where: { id: ep.id }, select: { passwordEnc: true } });
    const tokenRow = await t.db.apiToken.findUniqueOrThrow({ where: { id: token.id }, select: { tokenHash: true } });
    const agentRow = await t.db.agent.findUniqueOrThrow({ where: { id: agent.id }, select: { tokenHash: true } });
    const users = await t.db.user.findMany({ select: { passwordHash: true } });
    secrets = [BMC_PASSWORD, USER_PASSWORD, stored.passwordEnc, tokenRow.tokenHash, agentRow.tokenHash, token.token, agent.token, ...users.map((u) => u.passwordHash)];
  });
  afterAll(() => t.close());

  it("reading endpoints, agents, users, tokens, the asset and its BMC view never returns a secret", async () => {
    const answers = await Promise.all([
      caller.bmc.endpoints({}),
      caller.bmc.endpoint({ id: endpointId }),
      caller.bmc.forAsset({ assetId }),
      caller.bmc.agents(),
      caller.bmc.updateEndpoint({ id: endpointId, data: { password: `${BMC_PASSWORD}-2`, intervalSec: 60 } }),
      caller.users.list(),
      caller.users.tokens(),
      caller.auth.me(),
      caller.assets.get({ id: assetId }),
      caller.audit.list({ take: 500 }),
    ]);
    const wire = superjson.stringify(answers);
    for (const s of [...secrets, `${BMC_PASSWORD}-2`]) expect(wire).not.toContain(s);
    for (const key of ["passwordEnc", "passwordHash", "tokenHash"]) expect(wire).not.toContain(`"${key}"`);
    // and the typed answer is what the page reads: dates are Dates, the password is only a flag
    const ep = answers[1];
    expect(ep.createdAt).toBeInstanceOf(Date);
    expect(ep.hasPassword).toBe(true);
    expect(Object.keys(ep).sort()).toEqual(Object.keys(ZEndpointPublic.shape).sort());
  });
});
