/**
 * The APIs as served in front of Next.js (server/api-dispatch.ts, what
 * scripts/web-server.mjs runs), through a real node:http server on loopback
 * and a real database: the same route table, role guards, validation, error
 * mapping, body limits, CSRF check and security headers as the Next.js route
 * handlers; everything else falls through to Next.js.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../tests/harness/fixtures";
import { dispatchApi } from "./api-dispatch";
import { ROLES, type TRole } from "./auth/roles";
import { PEER_TOKEN_ENV } from "./auth/client-address";
import type { TDeps } from "./context";
import { ASSET_STATUSES } from "./domains/assets/status";
import { createAsset } from "./domains/assets/service";
import { createAgent } from "./domains/bmc/service";
import { createApiToken, createUser } from "./domains/users/service";
import { BODY_LIMITS } from "./http";
import { ROUTES } from "./rest/routes";
import { appRouter } from "./router";
import type { TMeta } from "./trpc";

const FALLBACK = 599; // what the stand-in for Next.js answers

interface TAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
}

function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0), s / 2 ** 32);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

describe.each(DATABASES)("the APIs dispatched in front of Next.js, on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  const deps = (): TDeps => depsFor(t, clock);
  let server: http.Server;
  let port: number;
  const tokens = {} as Record<TRole, string>;
  let agentToken: string;
  let assetId: string;

  /** raw HTTP, so paths reach the server exactly as written */
  function send(method: string, path: string, opts: { token?: string | null; body?: string; headers?: Record<string, string> } = {}): Promise<TAnswer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? tokens.admin : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers["content-type"] ??= "application/json";
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          let json = {} as TAnswer["json"];
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON: asserted where it matters */
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      });
      req.on("error", reject);
      req.end(opts.body);
    });
  }

  beforeAll(async () => {
    t = await freshDatabase(provider);
    const cat = await seedCatalog(deps());
    const u = await createUser(deps(), actor("admin"), { username: "dispatch", displayName: "Dispatch", role: "admin", password: "correct horse battery" });
    const owner = { type: "user" as const, id: u.id, name: u.displayName, role: "admin" as const };
    for (const role of ROLES) tokens[role] = (await createApiToken(deps(), owner, { name: `d ${role}`, role })).token;
    agentToken = (await createAgent(deps(), owner, { name: "dispatch-agent" })).token;
    assetId = (await createAsset(deps(), actor("admin"), { serial: "DSP-0001", modelId: cat.server.id, assetTag: "IL-DSP-1" })).id;
    process.env[PEER_TOKEN_ENV] ??= "test-peer-token";
    server = http.createServer((req, res) => {
      req.headers["x-ironledger-peer"] = `${process.env[PEER_TOKEN_ENV]} ${req.socket.remoteAddress ?? ""}`;
      if (dispatchApi(req, res, async () => deps())) return;
      res.writeHead(FALLBACK, { "content-type": "text/plain" });
      res.end("next.js");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  it("answers a lookup with the route's schema and the security headers of every response", async () => {
    const r = await send("GET", "/api/v1/assets/lookup?code=il-dsp-1");
    expect(r.status).toBe(200);
    expect((r.json.items as { serial: string }[]).map((a) => a.serial)).toEqual(["DSP-0001"]);
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["x-frame-options"]).toBe("DENY");
    expect(r.headers["strict-transport-security"]).toBeUndefined();
    const https = await send("GET", "/api/v1/assets/lookup?code=x", { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers["strict-transport-security"]).toContain("max-age=");
  });

  it("walks every route × every role: 403 exactly where the route's roles say so, 401 without a token", async () => {
    for (const route of ROUTES) {
      const path = `/api/v1${route.path.replace("{id}", assetId)}${route.operationId === "lookupAsset" ? "?code=nothing" : ""}`;
      const body = route.body ? "{}" : undefined;
      const anon = await send(route.method, path, { token: null, body });
      expect(anon.status, `${route.operationId} signed out`).toBe(401);
      expect(anon.headers["www-authenticate"]).toBe("Bearer");
      for (const role of ROLES) {
        const r = await send(route.method, path, { token: tokens[role], body });
        if (route.roles.includes(role)) expect(r.status, `${route.operationId} as ${role}`).not.toBe(403);
        else expect(r.status, `${route.operationId} as ${role}`).toBe(403);
        expect(r.status, `${route.operationId} as ${role}`).toBeLessThan(500);
        expect(r.json.error?.code ?? "ok", `${route.operationId} as ${role} answered in the API's shape`).toBeTruthy();
      }
    }
  });

  it("transitions through the dispatcher: the lifecycle, the event and the audit entry in one go", async () => {
    const r = await send("POST", `/api/v1/assets/${assetId}/transitions`, { token: tokens.warehouse, body: JSON.stringify({ to: "QUARANTINE", reason: "dispatch test" }) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ assetId, to: "QUARANTINE", version: 1 });
    const audit = await t.db.auditLog.findFirst({ where: { entity: "Asset", entityId: assetId, action: "transition" } });
    expect(audit).not.toBeNull();
    const bad = await send("POST", `/api/v1/assets/${assetId}/transitions`, { token: tokens.warehouse, body: JSON.stringify({ to: "DISPOSED" }) });
    expect(bad.status).toBe(409);
    expect(bad.json.error?.code).toBe("INVALID_TRANSITION");
  });

  it("maps bad input, unknown routes and oversized bodies exactly as the route handlers do", async () => {
    const bad = await send("POST", "/api/v1/assets", { body: "{" });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe("BAD_REQUEST");
    expect((await send("GET", "/api/v1/widgets")).status).toBe(404);
    expect((await send("DELETE", `/api/v1/assets/${assetId}`)).status).toBe(405);
    // an oversized body is answered while it is still arriving (fetch reads the answer before it has sent everything)
    const post = (path: string, token: string, bytes: number) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "x".repeat(bytes), signal: AbortSignal.timeout(10_000) });
    const big = await post("/api/v1/assets", tokens.admin, BODY_LIMITS.rest + 10);
    expect(big.status).toBe(413);
    expect(((await big.json()) as TAnswer["json"]).error?.code).toBe("PAYLOAD_TOO_LARGE");
    const agentBig = await post("/api/agent/v1/observations", agentToken, BODY_LIMITS.agentObservations + 10);
    expect(agentBig.status).toBe(413);
    // the server is still there for the next request
    expect((await send("GET", "/api/v1/assets/lookup?code=x")).status).toBe(200);
  });

  it("serves the agent API with its own tokens, and refuses API tokens there", async () => {
    const w = await send("GET", "/api/agent/v1/work", { token: agentToken });
    expect(w.status).toBe(200);
    expect(w.json).toMatchObject({ targets: [] });
    expect((await send("GET", "/api/agent/v1/work", { token: tokens.admin })).status).toBe(401);
    expect((await send("POST", "/api/agent/v1/work", { token: agentToken, body: "{}" })).status).toBe(405);
    const obs = await send("POST", "/api/agent/v1/observations", { token: agentToken, body: JSON.stringify({ observations: [] }) });
    expect(obs.status).toBe(400);
  });

  it("keeps the tRPC CSRF check and the session requirement", async () => {
    const post = await send("POST", "/api/trpc/assets.create", { token: null, body: JSON.stringify({ json: {} }) });
    expect(post.status).toBe(403);
    expect(post.json.error?.code).toBe("FORBIDDEN");
    const cross = await send("POST", "/api/trpc/assets.create", { token: null, body: "{}", headers: { "x-ironledger-request": "1", origin: "https://evil.example", host: `127.0.0.1:${port}` } });
    expect(cross.status).toBe(403);
    const q = await send("GET", `/api/trpc/assets.byCode?input=${encodeURIComponent(JSON.stringify({ json: { code: "DSP-0001" } }))}`, { token: null });
    expect(q.status).toBe(401);
    expect(q.headers["content-security-policy"]).toBeDefined();
  });

  it("walks every tRPC procedure × every role through the dispatcher: 403 exactly where meta.roles says so, 401 signed out", async () => {
    const procs = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: Partial<TMeta> } }>)
      .map(([path, p]) => ({ path, type: p._def.type, roles: p._def.meta?.roles }))
      .filter((p) => p.type !== "subscription") // live.events: covered through real HTTP by tests/e2e/live.e2e.ts
      .sort((a, b) => Number(a.path === "auth.logout") - Number(b.path === "auth.logout")); // it ends the sessions: last
    expect(procs.length).toBeGreaterThan(20);
    const call = (path: string, type: string, cookie?: string) =>
      type === "mutation"
        ? send("POST", `/api/trpc/${path}`, { token: null, body: JSON.stringify({ json: {} }), headers: { "x-ironledger-request": "1", ...(cookie ? { cookie } : {}) } })
        : send("GET", `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, { token: null, headers: cookie ? { cookie } : {} });
    const sessions = {} as Record<TRole, string>;
    for (const role of ROLES) {
      await createUser(deps(), actor("admin"), { username: `walk-${role}`, displayName: `Walk ${role}`, role, password: "correct horse battery" });
      const r = await send("POST", "/api/trpc/auth.login", { token: null, body: JSON.stringify({ json: { username: `walk-${role}`, password: "correct horse battery" } }), headers: { "x-ironledger-request": "1" } });
      expect(r.status, `sign-in as ${role}`).toBe(200);
      sessions[role] = String(r.headers["set-cookie"]?.find((c) => c.startsWith("il_session="))?.split(";")[0]);
    }
    for (const p of procs) {
      if (p.roles === "public") continue;
      expect(Array.isArray(p.roles), `${p.path} declares its roles`).toBe(true);
      expect((await call(p.path, p.type)).status, `${p.path} signed out`).toBe(401);
      for (const role of ROLES) {
        const r = await call(p.path, p.type, sessions[role]);
        if ((p.roles as readonly TRole[]).includes(role)) expect(r.status, `${p.path} as ${role}`).not.toBe(403);
        else expect(r.status, `${p.path} as ${role}`).toBe(403);
        expect(r.status, `${p.path} as ${role}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      }
    }
  });

  it("leaves to Next.js what its route files do not export or match", async () => {
    for (const [method, path] of [
      ["HEAD", "/api/v1/assets"],
      ["OPTIONS", "/api/v1/assets"],
      ["GET", "/api/v1/assets/"],
      ["GET", "/api/v1"],
      ["GET", "/api/v1//assets"],
      ["PUT", "/api/agent/v1/work"],
      ["GET", "/api/trpc"],
      ["GET", "/api/trpc/a/b"],
      ["GET", "/api/health"],
      ["GET", "/assets"],
      ["GET", "/api/v1x/assets"],
    ] as const) {
      expect((await send(method, path)).status, `${method} ${path}`).toBe(FALLBACK);
    }
  });

  it("never answers bad input with a 5xx through the real server (fuzz every route)", async () => {
    const rnd = prng(provider === "sqlite" ? 4711 : 1147);
    const junk = ["", " ", "0", "-1", "1e999", "NaN", "null", "[]", "{}", "%", "%zz", "%E0%A4%A", "a".repeat(300), "\u0000", "é", "💥", "RECEIVED", "'; DROP TABLE \"Asset\"; --", assetId];
    const keys = ["status", "sort", "dir", "page", "pageSize", "q", "code", "modelId", "x", "__proto__"];
    const value = (): unknown => {
      const k = rnd.int(6);
      if (k === 0) return rnd.pick(junk);
      if (k === 1) return rnd.next() * 1e12 - 5e11;
      if (k === 2) return rnd.pick([true, false, null]);
      if (k === 3) return { nested: rnd.pick(junk) };
      if (k === 4) return rnd.pick(ASSET_STATUSES);
      return rnd.pick(junk) + rnd.pick(junk);
    };
    const bodyKeys = ["serial", "modelId", "assetTag", "status", "to", "expectedVersion", "reason", "payload", "__proto__"];
    const failures: string[] = [];
    for (let i = 0; i < 150; i++) {
      const route = ROUTES[i % ROUTES.length]!;
      const id = rnd.int(3) === 0 ? encodeURIComponent(String(value())) : rnd.pick([assetId, "%zz", "%E0%A4%A", "nope", "%00", "a%2Fb"]);
      const path = `/api/v1${route.path.replace("{id}", id || "x")}`;
      const qs = Array.from({ length: rnd.int(5) }, () => `${encodeURIComponent(rnd.pick(keys))}=${rnd.int(4) ? encodeURIComponent(String(value())) : rnd.pick(["%", "%zz", "%00", "&&", "=="])}`).join("&");
      let body: string | undefined;
      if (route.method === "POST") body = rnd.int(5) === 0 ? rnd.pick(["", "{", "nul", "[", "42", "\u0000"]) : JSON.stringify(Object.fromEntries(Array.from({ length: rnd.int(6) }, () => [rnd.pick(bodyKeys), value()])));
      const r = await send(route.method, `${path}${qs ? `?${qs}` : ""}`, { body, token: rnd.int(8) === 0 ? tokens.viewer : tokens.admin });
      if (r.status >= 500) failures.push(`${route.method} ${path}?${qs} ${body ?? ""} → ${r.status} ${r.text.slice(0, 200)}`);
      // file routes (labels) answer the file's bytes when the call succeeds; everything else answers JSON
      else if (!(route.file && r.status === 200)) expect(r.headers["content-type"], `${route.method} ${path} answered JSON`).toContain("application/json");
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
