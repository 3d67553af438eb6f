/**
 * Request size over real HTTP, for each API (tRPC, REST, agent API): a body
 * past its route's limit is answered 413 with a clear message, counted while
 * it arrives (a client that keeps sending after the limit gets its answer
 * without the server waiting for the end), and a transition's payload is
 * bounded in size and depth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentApiServer, type AgentApiServer } from "../tests/harness/agent-api-server";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../tests/harness/fixtures";
import type { TDeps } from "./context";
import { BODY_LIMITS } from "./http";
import { handleRest } from "./rest/http";
import { handleAgentApi } from "./agent-api/http";
import { createAgent } from "./domains/bmc/service";
import { createAsset } from "./domains/assets/service";
import { createApiToken, createUser } from "./domains/users/service";
import { handleTrpc, TRPC_MAX_BATCH } from "./trpc-handler";

/**
 * A body that sends `bytes` bytes and then stays open (never ends) until
 * `release()` — a server that waits for the end before checking the size
 * never answers.
 */
function endlessBody(bytes: number) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= bytes) {
        await released;
        controller.close();
        return;
      }
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, release };
}

async function post(url: string, body: BodyInit | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-ironledger-request": "1", ...headers }, duplex: "half", signal: AbortSignal.timeout(10_000) } as RequestInit);
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text) as unknown; } catch { return null; } })() };
}

describe.each(DATABASES)("request size limits over HTTP on %s", (provider) => {
  let t: TTestDb;
  let deps: TDeps;
  const servers: AgentApiServer[] = [];
  let trpcUrl: string, restUrl: string, agentUrl: string;
  let apiToken: string, agentToken: string, assetId: string;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    deps = depsFor(t, new FakeClock());
    const cat = await seedCatalog(deps);
    const u = await createUser(deps, actor("admin"), { username: "sizer", displayName: "Sizer", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: u.displayName, role: "admin" as const };
    apiToken = (await createApiToken(deps, owner, { name: "size", role: "admin" })).token;
    agentToken = (await createAgent(deps, actor("admin"), { name: "size-agent", siteId: cat.site.id })).token;
    assetId = (await createAsset(deps, actor("warehouse"), { serial: "SIZE-0001", modelId: cat.server.id })).id;
    const start = async (handler: (req: Request) => Promise<Response>) => {
      const s = await startAgentApiServer({ handler });
      servers.push(s);
      return s.url;
    };
    trpcUrl = await start((req) => handleTrpc(req, deps));
    restUrl = await start((req) => handleRest(req, deps));
    agentUrl = await start((req) => handleAgentApi(req, deps));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await t.close();
  });

  it("tRPC: a body over the limit is 413 (declared length, and streamed without one)", async () => {
    const big = JSON.stringify({ json: { username: "x".repeat(BODY_LIMITS.trpc), password: "y" } });
    const declared = await post(`${trpcUrl}/api/trpc/auth.login`, big);
    expect(declared.status).toBe(413);
    expect(declared.text).toMatch(/larger than 1 MiB/);

    const { stream, release } = endlessBody(BODY_LIMITS.trpc + 256 * 1024);
    try {
      const streamed = await post(`${trpcUrl}/api/trpc/auth.login`, stream);
      expect(streamed.status).toBe(413);
      expect(streamed.text).toMatch(/larger than 1 MiB/);
    } finally {
      release();
    }
    // a normal call still works
    const ok = await post(`${trpcUrl}/api/trpc/auth.login`, JSON.stringify({ json: { username: "sizer", password: "correct horse battery" } }));
    expect(ok.status).toBe(200);
  });

  it(`tRPC: a batch of more than ${TRPC_MAX_BATCH} calls is refused with a clear message`, async () => {
    const paths = Array.from({ length: TRPC_MAX_BATCH + 1 }, () => "auth.me").join(",");
    const res = await fetch(`${trpcUrl}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(new RegExp(`at most ${TRPC_MAX_BATCH} calls`));
    const fine = await fetch(`${trpcUrl}/api/trpc/${Array.from({ length: TRPC_MAX_BATCH }, () => "auth.me").join(",")}?batch=1&input=${encodeURIComponent("{}")}`);
    expect(fine.status).toBe(401); // every call answered (not signed in), none refused for size
  });

  it("tRPC: a cookie-authenticated mutation without the app's header, or from another site, is refused (CSRF)", async () => {
    const login = JSON.stringify({ json: { username: "sizer", password: "correct horse battery" } });
    const bare = await fetch(`${trpcUrl}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: login });
    expect(bare.status).toBe(403);
    const crossSite = await post(`${trpcUrl}/api/trpc/auth.login`, login, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const own = await post(`${trpcUrl}/api/trpc/auth.login`, login);
    expect(own.status).toBe(200);
  });

  it("REST: a body over the limit is 413, even while the client keeps sending", async () => {
    const auth = { authorization: `Bearer ${apiToken}` };
    const { stream, release } = endlessBody(BODY_LIMITS.rest + 256 * 1024);
    try {
      const r = await post(`${restUrl}/api/v1/assets/${assetId}/transitions`, stream, auth);
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", details: { limitBytes: BODY_LIMITS.rest } } });
      expect((r.json as { error: { message: string } }).error.message).toMatch(/larger than 1 MiB/);
    } finally {
      release();
    }
    const declared = await post(`${restUrl}/api/v1/assets/${assetId}/transitions`, JSON.stringify({ to: "BURN_IN", reason: "x".repeat(BODY_LIMITS.rest) }), auth);
    expect(declared.status).toBe(413);
  });

  it("REST: a transition's payload is bounded in size and depth", async () => {
    const auth = { authorization: `Bearer ${apiToken}` };
    const url = `${restUrl}/api/v1/assets/${assetId}/transitions`;
    const large = await post(url, JSON.stringify({ to: "BURN_IN", payload: { notes: "n".repeat(9000) } }), auth);
    expect(large.status).toBe(400);
    expect(JSON.stringify(large.json)).toMatch(/at most 8 KB/);
    const deep = await post(url, JSON.stringify({ to: "BURN_IN", payload: { a: { b: { c: { d: { e: 1 } } } } } }), auth);
    expect(deep.status).toBe(400);
    expect(JSON.stringify(deep.json)).toMatch(/at most 4 levels/);
    expect(await t.db.assetEvent.count({ where: { assetId, toStatus: "BURN_IN" } })).toBe(0);
    const fine = await post(url, JSON.stringify({ to: "BURN_IN", payload: { a: { b: { c: 1 } }, notes: "n".repeat(1000) } }), auth);
    expect(fine.status).toBe(200);
  });

  it("agent API: an observation batch over the limit is 413 while the agent is still sending", async () => {
    const { stream, release } = endlessBody(BODY_LIMITS.agentObservations + 256 * 1024);
    try {
      const r = await post(`${agentUrl}/api/agent/v1/observations`, stream, { authorization: `Bearer ${agentToken}` });
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      expect((r.json as { error: { message: string } }).error.message).toMatch(/larger than 8 MiB/);
    } finally {
      release();
    }
    expect(await t.db.bmcObservation.count()).toBe(0);
  });
});
