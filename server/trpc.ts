/**
 * tRPC wiring: context (deps + the signed-in actor), role-guarded procedures,
 * and the one place AppError / ZodError become what the client reads.
 * Every procedure declares who may call it: `procedure(ROLES)` or `publicProcedure`.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError, z } from "zod";
import superjson from "superjson";
import { AppError, type TAppErrorCode } from "./errors";
import type { TActor, TDeps } from "./context";
import type { TRole } from "./auth/roles";
import { env } from "./env";
import { clientIp, isHttps, isUnstorableText, readCookie } from "./http";
import { actorFromSession, SESSION_COOKIE } from "./domains/users/service";

export interface TContext {
  deps: TDeps;
  actor: TActor | null;
  ip: string;
  /** the raw session token (for logout) */
  sessionToken?: string;
  secureCookies: boolean;
  resHeaders?: Headers;
}

export async function createContext(deps: TDeps, req: Request, resHeaders?: Headers): Promise<TContext> {
  const sessionToken = readCookie(req.headers, SESSION_COOKIE);
  const mode = env().IRONLEDGER_SECURE_COOKIES;
  return {
    deps,
    actor: await actorFromSession(deps, sessionToken),
    ip: clientIp(req.headers),
    sessionToken,
    secureCookies: mode === "always" || (mode === "auto" && isHttps(req)),
    resHeaders,
  };
}

export interface TMeta {
  /** "public": no sign-in needed (login only) */
  roles: readonly TRole[] | "public";
}

const TRPC_CODE: Record<TAppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INVALID_TRANSITION: "CONFLICT",
  CONFLICT: "CONFLICT",
  DUPLICATE: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

const t = initTRPC
  .context<TContext>()
  .meta<TMeta>()
  .create({
    // Dates and other non-JSON values cross the wire typed (pages carry no casts)
    transformer: superjson,
    // live updates (server/live): keep-alive pings through proxies; a stream ends after a while so
    // the session is checked again when the browser reconnects (it resumes from its last event id)
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 }, maxDurationMs: 5 * 60_000 },
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const app = cause instanceof AppError ? cause : null;
      // a ZodError on an INTERNAL error is an output that broke its schema: the server's fault, not the caller's fields
      const zod = cause instanceof ZodError && error.code !== "INTERNAL_SERVER_ERROR" ? cause : null;
      return {
        ...shape,
        message: zod ? "Some fields need fixing." : error.code === "INTERNAL_SERVER_ERROR" && !app ? "Something went wrong on the server. Try again; if it keeps happening, tell an administrator." : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          appCode: app?.code ?? (zod ? "BAD_REQUEST" : null),
          fields: app?.fields ?? (zod ? zodFields(zod) : null),
          details: app?.details ?? null,
        },
      };
    },
  });

/**
 * A ZodError's messages by field: the top-level field (a form's "lines") and, for nested issues, the full
 * path too ("lines.2.quantity", "releases.1.sha256"), so a form can put each message beside its input.
 */
function zodFields(e: ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = { ...(z.flattenError(e).fieldErrors as Record<string, string[]>) };
  for (const issue of e.issues) if (issue.path.length > 1) (fields[issue.path.map(String).join(".")] ??= []).push(issue.message);
  return fields;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** tRPC's message when a procedure's result fails its output schema. */
const OUTPUT_INVALID = "Output validation failed";

/** Translates service errors; runs around every procedure. */
const errors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok) {
    const cause = res.error.cause;
    // an output that does not match its .output() schema stays an internal error (logged by the route handler)
    if (res.error.message === OUTPUT_INVALID) return res;
    if (cause instanceof AppError) throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    if (cause instanceof ZodError) throw new TRPCError({ code: "BAD_REQUEST", message: "Some fields need fixing.", cause });
    // PostgreSQL refuses NUL and invalid UTF-8 in text: that is bad input, not a server fault
    if (isUnstorableText(cause)) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The text contains a character that cannot be stored (such as NUL). Remove it and try again.", cause: new AppError("BAD_REQUEST", "invalid character") });
    }
  }
  return res;
});

const guard = t.middleware(({ ctx, meta, next }) => {
  const roles = meta?.roles;
  if (!roles) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "procedure declares no roles" });
  if (roles === "public") return next();
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (!roles.includes(ctx.actor.role)) throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${ctx.actor.role}) may not do this.` });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const publicProcedure = t.procedure.meta({ roles: "public" }).use(errors).use(guard);

/** A procedure callable by the given roles only. */
export function procedure(roles: readonly TRole[]) {
  return t.procedure
    .meta({ roles })
    .use(errors)
    .use(guard)
    .use(({ ctx, next }) => next({ ctx: { ...ctx, actor: ctx.actor as TActor } }));
}
