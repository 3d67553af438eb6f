/** The tRPC endpoint (/api/trpc) as a fetch handler: queries, mutations, and subscriptions as server-sent events. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TDeps } from "./context";
import { appRouter } from "./router";
import { createContext } from "./trpc";

export function handleTrpc(req: Request, deps: TDeps): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(deps, req, resHeaders),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path} failed:`, error.cause ?? error);
    },
  });
}
