"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/router";
import { LiveProvider } from "./live";
import { TRPCProvider } from "./trpc";
import { ToastProvider } from "./ui/toast";

const codeOf = (err: unknown) => (err as { data?: { code?: string } } | null)?.data?.code;

/** A session that expired while the page was open: sign in again and come back here. */
function onUnauthorized(err: unknown) {
  if (codeOf(err) !== "UNAUTHORIZED" || typeof window === "undefined" || window.location.pathname === "/login") return;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

// the server refuses tRPC mutations without it (server/csrf.ts): a form on another site cannot add it

export function Providers({ children }: { children: React.ReactNode }) {
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
      links: [
        splitLink({
          // subscriptions (live updates) as server-sent events; queries and mutations batched
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          // the custom header is part of the CSRF defence (server/csrf.ts): a cross-site form cannot send it
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson, headers: { "x-ironledger-request": "1" } }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>
          <LiveProvider>{children}</LiveProvider>
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
