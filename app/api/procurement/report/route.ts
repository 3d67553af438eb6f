/**
 * Report downloads for signed-in users (the browser's session cookie): ?kind=tco&id=RFQ&format=pdf|csv
 * or ?kind=kpis&period=…&vendorId=…&format=pdf|csv. Goes through the tRPC procedures (role guards
 * and validation included) and sends the file.
 */
import { TRPCError } from "@trpc/server";
import { appRouter } from "@/server/router";
import { runtimeDeps } from "@/server/runtime";
import { createCallerFactory, createContext } from "@/server/trpc";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const STATUS: Partial<Record<TRPCError["code"], number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_REQUEST: 400 };

export async function GET(req: Request) {
  const url = new URL(req.url);
  const p = Object.fromEntries(url.searchParams);
  const api = createCallerFactory(appRouter)(await createContext(await runtimeDeps(), req));
  try {
    const format = p.format === "csv" ? "csv" : "pdf";
    const file = p.kind === "kpis" ? await api.procurement.kpiReport({ format, period: p.period || undefined, vendorId: p.vendorId || undefined }) : await api.procurement.tcoReport({ format, id: p.id ?? "" });
    return new Response(Buffer.from(file.base64, "base64"), {
      headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
    });
  } catch (e) {
    if (e instanceof TRPCError && STATUS[e.code]) return Response.json({ error: { code: e.code, message: e.message } }, { status: STATUS[e.code] });
    throw e;
  }
}
