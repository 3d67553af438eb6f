"use client";
import { TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/router";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A failed tRPC call, its `data` typed by the server's error formatter (server/trpc.ts). */
export function trpcError(e: unknown): TRPCClientError<AppRouter> | null {
  return e instanceof TRPCClientError ? e : null;
}

/** The message a person should read for a failed call, and field errors for forms. */
export function errorInfo(e: unknown): { message: string; fields: Record<string, string[] | undefined> | null; code: string | null } {
  const err = trpcError(e);
  return { message: err?.message ?? (e instanceof Error ? e.message : "Something went wrong."), fields: err?.data?.fields ?? null, code: err?.data?.appCode ?? err?.data?.code ?? null };
}
