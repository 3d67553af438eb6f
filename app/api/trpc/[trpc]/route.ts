import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/router";
import { createContext } from "@/server/trpc";
import { runtimeDeps } from "@/server/runtime";
import { csrfRefusal } from "@/server/csrf";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request) {
  const refused = csrfRefusal(req);
  if (refused) return refused;
  const deps = await runtimeDeps();
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
export { handler as GET, handler as POST };
