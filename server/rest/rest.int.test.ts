/**
 * REST /api/v1 end to end through handleRest on a real database: bearer tokens,
 * roles, validation, the error mapping, and the OpenAPI document matching ROUTES.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASES, freshDatabase, type TTestDb } from "../../tests/harness/db";
import { actor, depsFor, FakeClock, seedCatalog } from "../../tests/harness/fixtures";
import { ROLES, type TRole } from "../auth/roles";
import type { TActor, TDeps } from "../context";
import { ASSET_STATUSES } from "../domains/assets/status";
import { createApiToken, createUser, revokeApiToken } from "../domains/users/service";
import { handleRest } from "./http";
import { ROUTES } from "./routes";
import { assetsRestRoutes } from "../domains/assets/rest";

interface TErrorBody {
  error: { code: string; message: string; fields?: Record<string, string[]>; details?: Record<string, unknown> };
}
interface TSummary {
  id: string;
  serial: string;
  assetTag: string | null;
  status: string;
  version: number;
}

/** A small deterministic PRNG, so a fuzz failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

describe.each(DATABASES)("REST API v1 on %s", (provider) => {
  let t: TTestDb;
  const clock = new FakeClock();
  let cat: Awaited<ReturnType<typeof seedCatalog>>;
  const tokens = {} as Record<TRole, string>;
  let owner: TActor;
  let revoked: string;
  let expired: string;
  const deps = (): TDeps => depsFor(t, clock);

  async function call(method: string, path: string, opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? tokens.admin : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    const res = await handleRest(new Request(`http://test/api/v1${path}`, { method, headers, body }), deps());
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON: asserted by callers when it matters */
    }
    return { status: res.status, json, headers: res.headers };
  }
  const err = (r: { json: unknown }) => (r.json as TErrorBody).error;

  beforeAll(async () => {
    t = await freshDatabase(provider);
    cat = await seedCatalog(deps());
    const u = await createUser(deps(), actor("admin"), { username: "integrator", displayName: "Integrator", role: "admin", password: "correct horse battery" });
    owner = { type: "user", id: u.id, name: u.displayName, role: "admin" };
    for (const role of ROLES) tokens[role] = (await createApiToken(deps(), owner, { name: `ci ${role}`, role })).token;
    const r = await createApiToken(deps(), owner, { name: "old", role: "admin" });
    await revokeApiToken(deps(), owner, r.id);
    revoked = r.token;
    expired = (await createApiToken(deps(), owner, { name: "short", role: "admin", expiresInDays: 1 })).token;
    clock.advance(2 * 86_400_000);
  });
  afterAll(() => t.close());

  let a1: TSummary;

  it("creates an asset: 201 with the normalised record", async () => {
    const r = await call("POST", "/assets", { token: tokens.warehouse, body: { serial: " rest-0001 ", modelId: cat.server.id, assetTag: "il-r-0001", locationId: cat.bin.id } });
    expect(r.status).toBe(201);
    a1 = r.json as TSummary;
    expect(a1).toMatchObject({ serial: "REST-0001", assetTag: "IL-R-0001", status: "RECEIVED", version: 0 });
    for (let i = 2; i <= 5; i++) {
      const c = await call("POST", "/assets", { token: tokens.procurement, body: { serial: `REST-000${i}`, modelId: cat.server.id, status: i % 2 ? "ORDERED" : "RECEIVED" } });
      expect(c.status).toBe(201);
    }
  });

  it("lists with a status filter, sort and paging", async () => {
    const r = await call("GET", "/assets?status=RECEIVED&sort=serial&dir=asc&pageSize=2&page=1", { token: tokens.viewer });
    expect(r.status).toBe(200);
    const body = r.json as { items: TSummary[]; total: number; page: number; pageSize: number; pages: number };
    expect(body.items.map((i) => i.serial)).toEqual(["REST-0001", "REST-0002"]);
    expect(body).toMatchObject({ total: 3, page: 1, pageSize: 2, pages: 2 });
    const p2 = (await call("GET", "/assets?status=RECEIVED&sort=serial&dir=asc&pageSize=2&page=2")).json as { items: TSummary[] };
    expect(p2.items.map((i) => i.serial)).toEqual(["REST-0004"]);
    const two = (await call("GET", "/assets?status=RECEIVED,ORDERED&sort=serial&dir=desc&pageSize=50")).json as { items: TSummary[]; total: number };
    expect(two.total).toBe(5);
    expect(two.items[0]!.serial).toBe("REST-0005");
    const q = (await call("GET", "/assets?q=rest-000&status=ORDERED")).json as { items: TSummary[] };
    expect(q.items.map((i) => i.serial).sort()).toEqual(["REST-0003", "REST-0005"]);
  });

  it("gets one asset, its events, and looks it up by tag or serial", async () => {
    const g = await call("GET", `/assets/${a1.id}`, { token: tokens.technician });
    expect(g.status).toBe(200);
    expect(g.json).toMatchObject({ id: a1.id, serial: "REST-0001", parts: [] });
    expect((g.json as { allowedTransitions: string[] }).allowedTransitions).toContain("BURN_IN");
    expect((g.json as Record<string, unknown>).events).toBeUndefined();
    const v = await call("GET", `/assets/${a1.id}`, { token: tokens.viewer });
    expect((v.json as { allowedTransitions: string[] }).allowedTransitions).toEqual([]);
    const ev = await call("GET", `/assets/${a1.id}/events`, { token: tokens.viewer });
    expect(ev.status).toBe(200);
    expect((ev.json as { items: { toStatus: string }[] }).items.map((e) => e.toStatus)).toEqual(["RECEIVED"]);
    const byTag = await call("GET", "/assets/lookup?code=%20il-r-0001%20", { token: tokens.viewer });
    expect(byTag.status).toBe(200);
    expect((byTag.json as { items: TSummary[] }).items.map((i) => i.id)).toEqual([a1.id]);
    const bySerial = await call("GET", "/assets/lookup?code=rest-0002");
    expect((bySerial.json as { items: TSummary[] }).items.map((i) => i.serial)).toEqual(["REST-0002"]);
    expect((await call("GET", "/assets/lookup?code=NOPE-404")).json).toEqual({ items: [] });
  });

  it("transitions, and refuses an invalid move (409 INVALID_TRANSITION) and a stale version (409 CONFLICT)", async () => {
    const ok = await call("POST", `/assets/${a1.id}/transitions`, { token: tokens.technician, body: { to: "BURN_IN", expectedVersion: 0, reason: "soak" } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ assetId: a1.id, from: "RECEIVED", to: "BURN_IN", version: 1 });
    const bad = await call("POST", `/assets/${a1.id}/transitions`, { token: tokens.technician, body: { to: "DISPOSED" } });
    expect(bad.status).toBe(409);
    expect(err(bad).code).toBe("INVALID_TRANSITION");
    expect(err(bad).message).toContain("IL-R-0001");
    expect(err(bad).message).toContain("Burn-in");
    expect(err(bad).message).toContain("Disposed");
    expect(err(bad).details).toMatchObject({ status: "BURN_IN", attempted: "DISPOSED" });
    const stale = await call("POST", `/assets/${a1.id}/transitions`, { token: tokens.technician, body: { to: "READY_TO_RACK", expectedVersion: 0 } });
    expect(stale.status).toBe(409);
    expect(err(stale).code).toBe("CONFLICT");
    const ev = (await call("GET", `/assets/${a1.id}/events`)).json as { items: { toStatus: string; reason: string | null }[] };
    expect(ev.items.map((e) => e.toStatus)).toEqual(["BURN_IN", "RECEIVED"]);
    expect(ev.items[0]!.reason).toBe("soak");
  });

  it("answers a duplicate serial with 409 DUPLICATE naming the asset", async () => {
    const r = await call("POST", "/assets", { token: tokens.warehouse, body: { serial: "rest-0001", modelId: cat.server.id } });
    expect(r.status).toBe(409);
    expect(err(r).code).toBe("DUPLICATE");
    expect(err(r).message).toContain("IL-R-0001");
    expect(err(r).fields).toHaveProperty("serial");
  });

  it("answers bad input with 400 and fields naming what to fix", async () => {
    const q = await call("GET", "/assets?pageSize=0&status=RECEIVED,NOPE&sort=colour&page=x");
    expect(q.status).toBe(400);
    expect(err(q).code).toBe("BAD_REQUEST");
    expect(Object.keys(err(q).fields ?? {}).sort()).toEqual(["query.page", "query.pageSize", "query.sort", "query.status.1"]);
    const lk = await call("GET", "/assets/lookup");
    expect(lk.status).toBe(400);
    expect(err(lk).fields).toHaveProperty(["query.code"]);
    const body = await call("POST", "/assets", { body: { modelId: cat.server.id, rackUnit: "ten" } });
    expect(body.status).toBe(400);
    expect(Object.keys(err(body).fields ?? {}).sort()).toEqual(["body.rackUnit", "body.serial"]);
    const tr = await call("POST", `/assets/${a1.id}/transitions`, { body: { to: "LOST", expectedVersion: -1 } });
    expect(tr.status).toBe(400);
    expect(Object.keys(err(tr).fields ?? {}).sort()).toEqual(["body.expectedVersion", "body.to"]);
    const notJson = await call("POST", "/assets", { rawBody: "serial=X&modelId=Y", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(notJson.status).toBe(400);
    expect(err(notJson).code).toBe("BAD_REQUEST");
    expect(err(notJson).message).toMatch(/JSON/);
    const broken = await call("POST", "/assets", { rawBody: '{"serial": "X",' });
    expect(broken.status).toBe(400);
    const arr = await call("POST", "/assets", { body: [1, 2] });
    expect(arr.status).toBe(400);
    expect(err(arr).fields).toBeDefined();
    // NUL characters (PostgreSQL text cannot hold them) are bad input, not a database failure
    const nul = await call("GET", "/assets/lookup?code=AB%00CD");
    expect(nul.status).toBe(400);
    expect(err(nul).fields).toHaveProperty(["query.code"]);
    const nulBody = await call("POST", "/assets", { body: { serial: "REST-0098", modelId: cat.server.id, notes: "a\u0000b" } });
    expect(nulBody.status).toBe(400);
    expect(err(nulBody).fields).toHaveProperty(["body.notes"]);
    const unknownModel = await call("POST", "/assets", { body: { serial: "REST-0099", modelId: "nope" } });
    expect(unknownModel.status).toBe(400);
    expect(err(unknownModel).fields).toHaveProperty("modelId");
  });

  it("refuses a missing, unknown, revoked or expired token with 401", async () => {
    for (const token of [null, "ilt_unknown_but_well_formed", "not-even-prefixed", revoked, expired]) {
      const r = await call("GET", "/assets", { token });
      expect(r.status, String(token)).toBe(401);
      expect(err(r).code).toBe("UNAUTHORIZED");
      expect(r.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect((await call("GET", "/assets", { token: null, headers: { authorization: `Basic ${tokens.admin}` } })).status).toBe(401);
  });

  it("refuses a role the route does not allow with 403, before looking at the input", async () => {
    const v = await call("POST", "/assets", { token: tokens.viewer, body: { serial: "REST-0100", modelId: cat.server.id } });
    expect(v.status).toBe(403);
    expect(err(v).code).toBe("FORBIDDEN");
    expect(err(v).message).toContain("viewer");
    expect((await call("POST", "/assets", { token: tokens.technician, body: {} })).status).toBe(403);
    expect((await call("POST", `/assets/${a1.id}/transitions`, { token: tokens.viewer, body: { to: "READY_TO_RACK" } })).status).toBe(403);
    // a role the route admits, but the lifecycle does not for this move
    const r = await call("POST", `/assets/${a1.id}/transitions`, { token: tokens.procurement, body: { to: "READY_TO_RACK" } });
    expect(r.status).toBe(403);
    expect((await call("GET", "/assets", { token: tokens.viewer })).status).toBe(200);
  });

  it("walks every route × every role: 403 exactly where the route's roles say so, 401 without a token", async () => {
    for (const route of ROUTES) {
      const path = route.path.replace("{id}", a1.id) + (route.operationId === "lookupAsset" ? "?code=nothing" : "");
      const body = route.body ? {} : undefined;
      expect((await call(route.method, path, { token: null, body })).status, `${route.operationId} signed out`).toBe(401);
      for (const role of ROLES) {
        const r = await call(route.method, path, { token: tokens[role], body });
        if (route.roles.includes(role)) expect(r.status, `${route.operationId} as ${role}`).not.toBe(403);
        else expect(r.status, `${route.operationId} as ${role}`).toBe(403);
        expect(r.status, `${route.operationId} as ${role}`).toBeLessThan(500);
      }
    }
  });

  it("answers an unknown asset with 404 and an unknown route with 404/405", async () => {
    for (const p of ["/assets/nope", "/assets/nope/events", "/assets/%zz", "/assets/%E0%A4%A/events"]) {
      const r = await call("GET", p);
      expect(r.status, p).toBe(404);
      expect(err(r).code).toBe("NOT_FOUND");
    }
    const tr = await call("POST", "/assets/nope/transitions", { body: { to: "BURN_IN" } });
    expect(tr.status).toBe(404);
    expect((await call("GET", "/widgets")).status).toBe(404);
    expect((await call("DELETE", `/assets/${a1.id}`)).status).toBe(405);
  });

  it("never answers bad input with a 5xx (fuzz every route)", async () => {
    const rnd = prng(provider === "sqlite" ? 42 : 4242);
    const junk = ["", " ", "0", "-1", "1e999", "NaN", "null", "[]", "{}", "%", "%zz", "%E0%A4%A", "a".repeat(300), "\u0000", "é", "💥", "RECEIVED", "RECEIVED,,BURN_IN", "../..", "'; DROP TABLE \"Asset\"; --", a1.id];
    const keys = ["status", "sort", "dir", "page", "pageSize", "q", "code", "modelId", "locationId", "x", "__proto__", "constructor"];
    const values = (): unknown => {
      const k = rnd.int(10);
      if (k === 0) return rnd.pick(junk);
      if (k === 1) return rnd.int(2) ? rnd.next() * 1e12 - 5e11 : -rnd.int(5);
      if (k === 2) return rnd.pick([true, false, null]);
      if (k === 3) return [rnd.pick(junk), rnd.int(100)];
      if (k === 4) return { nested: rnd.pick(junk) };
      if (k === 5) return rnd.pick(ASSET_STATUSES);
      if (k === 6) return cat.server.id;
      if (k === 7) return `FZ-${rnd.int(1e6)}`;
      if (k === 8) return 2 ** 31 + rnd.int(10);
      return rnd.pick(junk) + rnd.pick(junk);
    };
    const bodyKeys = ["serial", "modelId", "assetTag", "status", "locationId", "rackUnit", "parentId", "vendorId", "notes", "to", "expectedVersion", "reason", "payload", "__proto__"];
    const failures: string[] = [];
    let calls = 0;
    for (let i = 0; i < 300; i++) {
      const route = ROUTES[i % ROUTES.length]!;
      const id = rnd.int(3) === 0 ? encodeURIComponent(String(values())) : rnd.pick([a1.id, "%zz", "%E0%A4%A", "nope", "%00", "a%2Fb"]);
      const path = route.path.replace("{id}", id || "x");
      const qs = Array.from({ length: rnd.int(5) }, () => `${encodeURIComponent(rnd.pick(keys))}=${rnd.int(4) ? encodeURIComponent(String(values())) : rnd.pick(["%", "%zz", "%00", "&&", "=="])}`).join("&");
      let rawBody: string | undefined;
      if (route.method === "POST") {
        const kind = rnd.int(6);
        if (kind === 0) rawBody = rnd.pick(["", "{", "nul", "[", "\"str\"", "42", "null", "{\"a\":}", "\u0000"]);
        else rawBody = JSON.stringify(Object.fromEntries(Array.from({ length: rnd.int(6) }, () => [rnd.pick(bodyKeys), values()])));
      }
      const r = await call(route.method, `${path}${qs ? `?${qs}` : ""}`, { rawBody, token: rnd.int(8) === 0 ? tokens.viewer : tokens.admin }).catch((e: unknown) => ({ status: 599, json: { error: { code: "THROWN", message: String(e) } }, headers: new Headers() }));
      calls++;
      if (r.status >= 500) failures.push(`${route.method} ${path}?${qs} ${rawBody ?? ""} → ${r.status} ${JSON.stringify(r.json)}`);
      // file routes (labels) answer the file's bytes when the call succeeds; everything else answers JSON
      else if (!(route.file && r.status === 200)) expect((r.json as TErrorBody | null) !== null, `${route.method} ${path} answered JSON`).toBe(true);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(calls).toBe(300);
  });

  it("serves an OpenAPI 3.1 document whose operations are exactly ROUTES", async () => {
    const r = await call("GET", "/openapi.json", { token: null });
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, Record<string, unknown>> } }> }; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const inDoc = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`));
    const inRoutes = ROUTES.map((x) => `${x.method} ${x.path} ${x.operationId}`);
    // every route is in the document, and the document has nothing that is not a route
    expect(inRoutes.filter((x) => !inDoc.includes(x)), "routes missing from the OpenAPI document").toEqual([]);
    expect(inDoc.filter((x) => !inRoutes.includes(x)), "operations in the OpenAPI document that are no route").toEqual([]);
    expect(new Set(inRoutes).size, "two routes share a method, path or operationId").toBe(inRoutes.length);
    expect(new Set(ROUTES.map((x) => x.operationId)).size).toBe(ROUTES.length);
    // the assembled list is the domains' routes
    expect(ROUTES).toEqual(expect.arrayContaining(assetsRestRoutes));
    for (const route of ROUTES) {
      const op = doc.paths[route.path]![route.method.toLowerCase()]!;
      expect(Object.keys(op.responses), route.operationId).toContain(String(route.status ?? 200));
      expect(Boolean(op.requestBody), route.operationId).toBe(Boolean(route.body));
      for (const name of Object.keys(route.params?.shape ?? {})) expect(op.parameters.find((p) => p.in === "path" && p.name === name)?.required).toBe(true);
    }

    // the document rejects what the dispatcher rejects
    const create = doc.paths["/assets"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(create.required).toContain("serial");
    expect(create.required).toContain("modelId");
    const missing = await call("POST", "/assets", { body: { modelId: cat.server.id } });
    expect(missing.status).toBe(400);
    expect(err(missing).fields).toHaveProperty(["body.serial"]);

    const trBody = doc.paths["/assets/{id}/transitions"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(trBody.required).toEqual(["to"]);
    expect([...(trBody.properties!.to!.enum as string[])].sort()).toEqual([...ASSET_STATUSES].sort());
    expect((await call("POST", `/assets/${a1.id}/transitions`, { body: { to: "LOST" } })).status).toBe(400);

    const pageSize = doc.paths["/assets"]!.get!.parameters.find((p) => p.name === "pageSize")!;
    expect(pageSize.in).toBe("query");
    expect(pageSize.schema.maximum).toBe(200);
    expect((await call("GET", "/assets?pageSize=201")).status).toBe(400);
    expect((await call("GET", "/assets?pageSize=200")).status).toBe(200);
    const code = doc.paths["/assets/lookup"]!.get!.parameters.find((p) => p.name === "code")!;
    expect(code.required).toBe(true);
  });
});
