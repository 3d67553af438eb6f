import { health } from "@/server/health";
import { runtimeDatabase } from "@/server/runtime";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export async function GET() {
  const { code, body } = await health(runtimeDatabase());
  return Response.json(body, { status: code, headers: { "cache-control": "no-store" } });
}
