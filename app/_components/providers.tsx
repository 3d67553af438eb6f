"use client";
/**
 * What every page gets: toasts and the live-updates bus. Deliberately light:
 * react-query and the tRPC client live in RpcProvider (rpc-provider.tsx),
 * placed only where a page calls procedures from the browser; the live bus
 * loads its transport after the page is idle (live.tsx).
 */
import { LiveProvider } from "./live";
import { ToastProvider } from "./ui/toast";

export function Providers({ children }: { children: React.ReactNode }) {
  return (
    <ToastProvider>
      <LiveProvider>{children}</LiveProvider>
    </ToastProvider>
  );
}
