"use client";
import { TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/router";
import { isSessionEnded, SESSION_ENDED } from "./rpc-fetch";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A failed tRPC call, its `data` typed by the server's error formatter (server/trpc.ts). */
export function trpcError(e: unknown): TRPCClientError<AppRouter> | null {
  return e instanceof TRPCClientError ? e : null;
}

/** The message a person should read for a failed call, and field errors for forms. */
export function errorInfo(e: unknown): { message: string; fields: Record<string, string[] | undefined> | null; code: string | null } {
  const err = trpcError(e);
  const code = err?.data?.appCode ?? err?.data?.code ?? null;
  // a session that ended is on its way to sign-in (rpc-provider.tsx), not a "Sign in first." under a signed-in header
  if (isSessionEnded(code)) return { message: SESSION_ENDED, fields: null, code };
  return { message: err?.message ?? (e instanceof Error ? e.message : "Something went wrong."), fields: err?.data?.fields ?? null, code };
}
