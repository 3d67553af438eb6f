import { handleTrpc } from "@/server/trpc-handler";
import { runtimeDeps } from "@/server/runtime";
import { csrfRefusal } from "@/server/csrf";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request) {
  const refused = csrfRefusal(req);
  if (refused) return refused;
  return handleTrpc(req, await runtimeDeps());
}
export { handler as GET, handler as POST };
