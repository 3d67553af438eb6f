import { handleTrpc } from "@/server/trpc-handler";
import { runtimeDeps } from "@/server/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request) {
  return handleTrpc(req, await runtimeDeps());
}
export { handler as GET, handler as POST };
