/** Small helpers shared by the tRPC context, REST and agent API handlers, and their one error mapper. */
import type { BlockList } from "node:net";
import { ZodError } from "zod";
import { AppError } from "./errors";
import { clientAddress, parseTrustedProxies } from "./auth/client-address";
import { env } from "./env";

/** A JSON response that is never cached. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  const r = new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
  jsonBodies.set(r, text);
  return r;
}

// on globalThis: the Next.js route handlers and the node:http dispatcher are two copies of this module in one process
const jsonBodies: WeakMap<Response, string> = ((globalThis as unknown as { __ironledgerJsonBodies?: WeakMap<Response, string> }).__ironledgerJsonBodies ??= new WeakMap());

/** The text json() built this response from, so server/api-dispatch.ts can write it without reading the body stream back. */
export function jsonText(r: Response): string | undefined {
  return r.bodyUsed ? undefined : jsonBodies.get(r);
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
  if (e instanceof AppError) {
    // a retryable refusal (database busy, rate limit) says when to try again
    const retry = e.details?.retryAfterSeconds;
    const headers: Record<string, string> = typeof retry === "number" && (e.code === "UNAVAILABLE" || e.code === "RATE_LIMITED") ? { "retry-after": String(Math.max(1, Math.ceil(retry))) } : {};
    return json(e.httpStatus, errorBody(e.code, e.message, { ...(e.fields ? { fields: e.fields } : {}), ...(e.details ? { details: e.details } : {}) }), headers);
  }
  if (e instanceof ZodError) return json(400, errorBody("BAD_REQUEST", "Some fields need fixing.", { fields: fieldErrors(e, opts.where ?? "") }));
  if (isUnstorableText(e)) return json(400, errorBody("BAD_REQUEST", "The text contains a character that cannot be stored (such as NUL). Remove it and try again."));
  opts.onInternal?.(e);
  return json(500, errorBody("INTERNAL", opts.internalMessage ?? INTERNAL_MESSAGE));
}

let proxies: { list: string | undefined; bl: BlockList } | undefined;
/** The client's address (server/auth/client-address.ts): X-Forwarded-For only from IRONLEDGER_TRUSTED_PROXIES. */
export function clientIp(headers: Headers): string {
  const list = env().IRONLEDGER_TRUSTED_PROXIES;
  if (!proxies || proxies.list !== list) proxies = { list, bl: parseTrustedProxies(list) };
  return clientAddress(headers, proxies.bl);
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

/** Body limits per API, in bytes. A body past its limit is refused with 413 while it is still arriving. */
export const BODY_LIMITS = {
  /** tRPC (the web UI): forms and batches of small calls */
  trpc: 1024 * 1024,
  /** REST /api/v1 */
  rest: 1024 * 1024,
  /** agent API: one batch of observations */
  agentObservations: 8 * 1024 * 1024,
} as const;

export class BodyTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`The request body is larger than ${formatBytes(limit)}, the limit for this API. Send less at once.`);
  }
}

export function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** Refuses at once when Content-Length already says too much (it is a hint; the stream is counted anyway). */
function checkDeclaredLength(req: Request, limit: number): void {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
}

/**
 * The request body, read up to `limit` bytes: the bytes are counted as they
 * arrive and reading stops at the limit (Content-Length is not trusted), so
 * an oversized or endless body never sits in memory whole.
 * Throws BodyTooLargeError.
 */
export async function readBodyLimited(req: Request, limit: number): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The body as text (UTF-8), up to `limit` bytes. Throws BodyTooLargeError. */
export async function readTextLimited(req: Request, limit: number): Promise<string> {
  return (await readBodyLimited(req, limit)).toString("utf8");
}

/**
 * The same request with a body stream that errors with `tooLarge()` once more
 * than `limit` bytes have arrived, for handlers that read the body themselves
 * (tRPC's fetch adapter).
 */
export function withBodyLimit(req: Request, limit: number, tooLarge: () => Error): Request {
  if (!req.body) return req;
  const declared = Number(req.headers.get("content-length") ?? "");
  let size = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      if (Number.isFinite(declared) && declared > limit) controller.error(tooLarge());
    },
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > limit) controller.error(tooLarge());
      else controller.enqueue(chunk);
    },
  });
  return new Request(req.url, { method: req.method, headers: req.headers, body: req.body.pipeThrough(counter), signal: req.signal, duplex: "half" } as RequestInit);
}

/** 413 in the error shape of the HTTP APIs. */
export function tooLargeResponse(e: BodyTooLargeError): Response {
  return json(413, errorBody("PAYLOAD_TOO_LARGE", e.message, { details: { limitBytes: e.limit } }));
}
