"use client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@/server/router";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The message a person should read for a failed call, and field errors for forms. */
export function errorInfo(e: unknown): { message: string; fields: Record<string, string[]> | null; code: string | null } {
  const err = e as { message?: string; data?: { fields?: Record<string, string[]> | null; appCode?: string | null; code?: string } } | null;
  return { message: err?.message ?? "Something went wrong.", fields: err?.data?.fields ?? null, code: err?.data?.appCode ?? err?.data?.code ?? null };
}
