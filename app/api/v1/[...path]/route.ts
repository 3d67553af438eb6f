import { handleRest } from "@/server/rest/http";
import { runtimeDeps } from "@/server/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

async function handler(req: Request) {
  return handleRest(req, await runtimeDeps());
}
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
