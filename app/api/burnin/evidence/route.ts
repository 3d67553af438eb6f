/** A burn-in run's evidence PDF for signed-in users (?runId=…), through the tRPC procedure (role guard and validation included). */
import { TRPCError } from "@trpc/server";
import { appRouter } from "@/server/router";
import { runtimeDeps } from "@/server/runtime";
import { createCallerFactory, createContext } from "@/server/trpc";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const STATUS: Partial<Record<TRPCError["code"], number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_REQUEST: 400 };

export async function GET(req: Request) {
  const runId = new URL(req.url).searchParams.get("runId") ?? "";
  const api = createCallerFactory(appRouter)(await createContext(await runtimeDeps(), req));
  try {
    const file = await api.burnin.evidencePdf({ runId });
    return new Response(Buffer.from(file.base64, "base64"), { headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof TRPCError && STATUS[e.code]) return Response.json({ error: { code: e.code, message: e.message } }, { status: STATUS[e.code] });
    throw e;
  }
}
