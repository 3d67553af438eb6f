"use client";
/**
 * react-query + the tRPC client, for the parts of the app that call procedures
 * from the browser (forms, the BMC panel, admin). Not in the root layout: the
 * signed-in shell and the server-rendered asset list do without it, so their
 * first load carries neither react-query, the tRPC client nor superjson.
 * Placed by the layouts and pages that need it (admin, places, assets/new,
 * the asset page, login).
 */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/router";
import { TRPCProvider } from "./trpc";
import { CSRF_HEADER, onUnauthorizedCode } from "./rpc-fetch";

const codeOf = (err: unknown) => (err as { data?: { code?: string } } | null)?.data?.code;
const onUnauthorized = (err: unknown) => onUnauthorizedCode(codeOf(err));

export function RpcProvider({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onUnauthorized }),
        mutationCache: new MutationCache({ onError: onUnauthorized }),
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            retry: (count, err) => count < 2 && !["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"].includes(codeOf(err) ?? ""),
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // the custom header is part of the CSRF defence (server/csrf.ts): a cross-site form cannot send it
      links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, headers: CSRF_HEADER })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
