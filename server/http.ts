/** Small helpers shared by the tRPC context, REST and agent API handlers, and their one error mapper. */
import { ZodError } from "zod";
import { AppError } from "./errors";

/** A JSON response that is never cached. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/** The error shape of every HTTP API: `{ error: { code, message, fields?, details? } }`. */
export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, ...extra } };
}

/** zod issues as `field.path -> messages`, prefixed with where the field was (path, query, body). */
export function fieldErrors(e: ZodError, where = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of e.issues) {
    const key = [where, ...issue.path.map(String)].filter(Boolean).join(".") || "body";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
/** PostgreSQL refuses NUL and invalid UTF-8 in text: that is bad input, not a server fault. */
export function isUnstorableText(e: unknown): boolean {
  return /invalid byte sequence|0x00/i.test(String((e as Error | undefined)?.message ?? ""));
}

export const INTERNAL_MESSAGE = "Something went wrong on the server. Try again; if it keeps happening, tell an administrator.";

/**
 * The one mapping of errors to HTTP, for REST (server/rest) and the agent API
 * (server/agent-api): AppError → its status and code (with fields and details),
 * ZodError → 400 with field errors (prefixed with `where`), unstorable text →
 * 400, anything else → 500 with `internalMessage`, after `onInternal` (the
 * caller logs what it may log).
 */
export function errorResponse(e: unknown, opts: { where?: string; internalMessage?: string; onInternal?: (e: unknown) => void } = {}): Response {
  if (e instanceof AppError) return json(e.httpStatus, errorBody(e.code, e.message, { ...(e.fields ? { fields: e.fields } : {}), ...(e.details ? { details: e.details } : {}) }));
  if (e instanceof ZodError) return json(400, errorBody("BAD_REQUEST", "Some fields need fixing.", { fields: fieldErrors(e, opts.where ?? "") }));
  if (isUnstorableText(e)) return json(400, errorBody("BAD_REQUEST", "The text contains a character that cannot be stored (such as NUL). Remove it and try again."));
  opts.onInternal?.(e);
  return json(500, errorBody("INTERNAL", opts.internalMessage ?? INTERNAL_MESSAGE));
}

export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "local";
}

export function readCookie(headers: Headers, name: string): string | undefined {
  const raw = headers.get("cookie");
  if (!raw) return undefined;
  for (const part of raw.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function isHttps(req: Request): boolean {
  return req.headers.get("x-forwarded-proto") === "https" || new URL(req.url).protocol === "https:";
}

export function bearer(headers: Headers): string | undefined {
  const h = headers.get("authorization");
  const m = h?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
