/**
 * The tRPC HTTP endpoint (/api/trpc), as a web-standard Request → Response
 * handler: CSRF defence for cookie-authenticated mutations (server/csrf.ts), body
 * size limit (413 while the body is still arriving), batch cap, and the context of
 * the signed-in actor. Subscriptions (live updates) answer
 * as server-sent events through the same handler.
 */
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TDeps } from "./context";
import { csrfRefusal } from "./csrf";
import { BODY_LIMITS, formatBytes, withBodyLimit } from "./http";
import { appRouter } from "./router";
import { createContext } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";
/** the most calls one batched request may carry (the UI batches a page's queries, well under this) */
export const TRPC_MAX_BATCH = 20;

export function handleTrpc(req: Request, deps: TDeps, limit: number = BODY_LIMITS.trpc): Promise<Response> {
  const refused = csrfRefusal(req);
  if (refused) return Promise.resolve(refused);
  const limited = withBodyLimit(req, limit, () => new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${formatBytes(limit)}, the limit for this API. Send less at once.` }));
  const calls = new URL(req.url).searchParams.get("batch") === "1" ? new URL(req.url).pathname.slice(TRPC_ENDPOINT.length + 1).split(",").length : 1;
  if (calls > TRPC_MAX_BATCH) {
    // tRPC's own check says only "Batch call exceeds maximum size"; say what to do
    return Promise.resolve(
      new Response(JSON.stringify({ error: { code: "BAD_REQUEST", message: `A batch may hold at most ${TRPC_MAX_BATCH} calls; this one has ${calls}. Send fewer calls at once.` } }), {
        status: 400,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      }),
    );
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: limited,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: ({ resHeaders }) => createContext(deps, req, resHeaders),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path} failed:`, error.cause ?? error);
    },
  });
}
