/**
 * Dispatcher for /api/v1: bearer-token auth, role guard, zod validation, and
 * the one mapping of errors to HTTP. Bad input is a 400 with field errors,
 * never a 500.
 */
import type { z } from "zod";
import type { TDeps } from "../context";
import { bearer, BODY_LIMITS, BodyTooLargeError, errorBody, errorResponse, fieldErrors, INTERNAL_MESSAGE, json, readBodyLimited, readTextLimited, tooLargeResponse } from "../http";
import { actorFromApiToken } from "../domains/users/service";
import { ROUTES, type TRoute } from "./routes";
import { openApiDocument } from "./openapi";

export const API_PREFIX = "/api/v1";

function match(route: TRoute, method: string, path: string): Record<string, string> | null {
  if (route.method !== method) return null;
  const want = route.path.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith("{")) params[w.slice(1, -1)] = safeDecode(got[i]!);
    else if (w !== got[i]) return null;
  }
  return params;
}

/** A malformed escape (`%zz`) stays as sent: it names no asset, so the handler answers 404, not a crash. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** PostgreSQL text cannot hold NUL characters: refuse them as bad input instead of failing in the database. */
function nulFields(v: unknown, where: string, out: Record<string, string[]>, depth = 0): void {
  if (typeof v === "string") {
    if (v.includes("\u0000")) (out[where] ??= []).push("Must not contain NUL characters");
  } else if (v && typeof v === "object" && depth < 20) {
    for (const [k, x] of Object.entries(v)) {
      const key = `${where}.${k}`;
      if (k.includes("\u0000")) (out[key] ??= []).push("Must not contain NUL characters");
      nulFields(x, key, out, depth + 1);
    }
  }
}

export async function handleRest(req: Request, deps: TDeps): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.slice(API_PREFIX.length) || "/";
  if (req.method === "GET" && path === "/openapi.json") return json(200, openApiDocument());

  let route: TRoute | undefined;
  let params: Record<string, string> | null = null;
  for (const r of ROUTES) {
    params = match(r, req.method, path);
    if (params) {
      route = r;
      break;
    }
  }
  if (!route || !params) {
    const pathExists = ROUTES.some((r) => match({ ...r, method: req.method as "GET" }, req.method, path));
    return json(pathExists ? 405 : 404, errorBody("NOT_FOUND", `No API route ${req.method} ${API_PREFIX}${path}. See ${API_PREFIX}/openapi.json.`));
  }

  const token = bearer(req.headers);
  if (!token) return json(401, errorBody("UNAUTHORIZED", "Send an API token: Authorization: Bearer <token>."), { "www-authenticate": "Bearer" });
  const actor = route.auth ? await route.auth.actor(deps, token) : await actorFromApiToken(deps, token);
  if (!actor) return json(401, errorBody("UNAUTHORIZED", route.auth ? `The token is not valid for ${route.operationId}: ${route.auth.description}` : "The API token is unknown, revoked or expired."), { "www-authenticate": "Bearer" });
  if (!route.roles.includes(actor.role)) return json(403, errorBody("FORBIDDEN", `This token's role (${actor.role}) may not call ${route.operationId}.`));

  try {
    const input = { params: {}, query: {}, body: undefined as unknown };
    const problems: Record<string, string[]> = {};
    const parse = (schema: z.ZodType | undefined, value: unknown, where: string) => {
      if (!schema) return value;
      const nul: Record<string, string[]> = {};
      nulFields(value, where, nul);
      if (Object.keys(nul).length) {
        Object.assign(problems, nul);
        return undefined;
      }
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      Object.assign(problems, fieldErrors(r.error, where));
      return undefined;
    };
    input.params = parse(route.params, params, "path") as object;
    input.query = parse(route.query, Object.fromEntries(url.searchParams), "query") as object;
    const text = route.textBody && (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() === route.textBody.contentType ? route.textBody : undefined;
    const binary = route.binaryBody && (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() === route.binaryBody.contentType ? route.binaryBody : undefined;
    if (route.body && binary) {
      let bytes: Buffer;
      try {
        bytes = await readBodyLimited(req, binary.maxBytes);
      } catch (e) {
        if (e instanceof BodyTooLargeError) return tooLargeResponse(e);
        throw e;
      }
      const q = parse(binary.query, Object.fromEntries(url.searchParams), "query");
      if (q) input.body = parse(route.body, binary.toBody(bytes, q), "body");
    } else if (route.body && route.rawBody) {
      let raw: string;
      try {
        raw = await readTextLimited(req, BODY_LIMITS.rest);
      } catch (e) {
        if (e instanceof BodyTooLargeError) return tooLargeResponse(e);
        throw e;
      }
      input.body = parse(route.body, route.rawBody.parse(raw, Object.fromEntries(url.searchParams)), "body");
    } else if (route.body && text) {
      let raw: string;
      try {
        raw = await readTextLimited(req, BODY_LIMITS.rest);
      } catch (e) {
        if (e instanceof BodyTooLargeError) return tooLargeResponse(e);
        throw e;
      }
      const q = parse(text.query, Object.fromEntries(url.searchParams), "query");
      if (q) input.body = parse(route.body, text.toBody(raw, q), "body");
    } else if (route.body) {
      let raw: unknown;
      try {
        raw = JSON.parse(await readTextLimited(req, BODY_LIMITS.rest));
      } catch (e) {
        if (e instanceof BodyTooLargeError) return tooLargeResponse(e);
        return json(400, errorBody("BAD_REQUEST", `The request body must be JSON (Content-Type: application/json)${route.textBody ? `, or ${route.textBody.contentType}` : ""}.`));
      }
      input.body = parse(route.body, raw, "body");
    }
    if (Object.keys(problems).length) return json(400, errorBody("BAD_REQUEST", "Some fields need fixing.", { fields: problems }));
    const result = await route.handler(deps, actor, input);
    // the route's response schema is the contract: it drops any key it does not name
    const out = route.response.safeParse(result);
    if (!out.success) {
      console.error("REST response does not match its schema", req.method, path, out.error.issues.slice(0, 5));
      return json(500, errorBody("INTERNAL", INTERNAL_MESSAGE));
    }
    if (route.file) {
      const f = out.data as { filename: string; contentType: string; base64: string };
      return new Response(Buffer.from(f.base64, "base64"), { status: route.status ?? 200, headers: { "content-type": f.contentType, "content-disposition": `attachment; filename="${f.filename}"`, "cache-control": "no-store" } });
    }
    return json(route.status ?? 200, out.data);
  } catch (e) {
    return errorResponse(e, { onInternal: (x) => console.error("REST handler failed", req.method, path, x) });
  }
}
