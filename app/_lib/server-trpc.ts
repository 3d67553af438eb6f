/**
 * The one server-side entry from pages into the API (React Server Components):
 * a tRPC caller built from this request's cookie, so the first data of a page
 * is rendered on the server through the same procedures, role guards and
 * errors as the browser's calls. Server Components only (it opens the database).
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { TRPCError } from "@trpc/server";
import { appRouter } from "@/server/router";
import { runtimeDeps } from "@/server/runtime";
import { createCallerFactory, createContext } from "@/server/trpc";

export { safeNext } from "./next-path";

const createCaller = createCallerFactory(appRouter);

/** One caller (and one session look-up) per request. */
export const serverApi = cache(async () => {
  const h = await headers();
  const ctx = await createContext(await runtimeDeps(), new Request("http://localhost/", { headers: h }));
  return createCaller(ctx);
});

/** The path of this request (set by proxy.ts), for /login?next=… */
export async function currentPath(): Promise<string> {
  return (await headers()).get("x-il-path") ?? "/assets";
}

export function loginUrl(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}

/** The signed-in user and what they may do, or null. */
export const getMe = cache(async () => {
  try {
    return await (await serverApi()).auth.me();
  } catch (e) {
    if (e instanceof TRPCError && e.code === "UNAUTHORIZED") return null;
    throw e;
  }
});
export type TMe = NonNullable<Awaited<ReturnType<typeof getMe>>>;

/** The signed-in user, or a redirect to sign-in that comes back here. */
export async function requireMe(): Promise<TMe> {
  const me = await getMe();
  if (!me) redirect(loginUrl(await currentPath()));
  return me;
}

/**
 * Runs a server-side call for a page. An expired session goes to sign-in and
 * back; NOT_FOUND and FORBIDDEN come back as a message the page shows.
 */
export async function load<T>(fn: (api: Awaited<ReturnType<typeof serverApi>>) => Promise<T>): Promise<{ ok: true; data: T } | { ok: false; message: string; code: string }> {
  try {
    return { ok: true, data: await fn(await serverApi()) };
  } catch (e) {
    if (e instanceof TRPCError) {
      if (e.code === "UNAUTHORIZED") redirect(loginUrl(await currentPath()));
      if (e.code === "NOT_FOUND" || e.code === "FORBIDDEN" || e.code === "BAD_REQUEST") return { ok: false, message: e.message, code: e.code };
    }
    throw e;
  }
}
