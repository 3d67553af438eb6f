"use client";
/**
 * Server-rendered pages follow live updates with this: when a notice arrives on
 * one of the channels, the page's server data is fetched again (router.refresh),
 * which re-runs the Server Component with the user's own permissions.
 */
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useLive } from "./live";

export function LiveRefresh({ channels, throttleMs = 0 }: { channels: string | string[]; throttleMs?: number }) {
  const router = useRouter();
  const [, startRefresh] = useTransition();
  useLive(channels, () => startRefresh(() => router.refresh()), { throttleMs });
  return null;
}
