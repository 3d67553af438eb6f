/**
 * The live-updates transport, loaded on its own after the page is idle (see
 * live.tsx): a tRPC client with only the server-sent-events link.
 */
import { createTRPCClient, httpSubscriptionLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/router";

export function createLiveClient() {
  return createTRPCClient<AppRouter>({ links: [httpSubscriptionLink({ url: "/api/trpc", transformer: superjson })] });
}
export type TLiveClient = ReturnType<typeof createLiveClient>;
