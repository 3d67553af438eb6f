/**
 * Receiving's calls of procurement's syncReceipts hook (procurement/orders.ts), which copies each
 * received asset's first RECEIVED time onto the PO (the lead-time KPI) and moves the PO to partially
 * received / received. A scan must answer in milliseconds, so scans do not wait for it: after a
 * received scan the PO is synced in the background, at most one sync per PO at a time and at most one
 * every SYNC_DELAY_MS (scans in between fold into the next). Closing a receipt syncs at once and
 * waits. syncReceipts is idempotent, so a sync lost to a restart is made good by the next scan or close.
 */
import type { TActor, TDeps } from "../../context";
import { syncReceipts } from "../procurement/service";

export const SYNC_DELAY_MS = 2000;

interface TPending {
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<void> | null;
  again: boolean;
  deps: TDeps;
  actor: TActor;
}

const g = globalThis as unknown as { __ironledgerReceiptSyncs?: Map<string, TPending> };
const pending = () => (g.__ironledgerReceiptSyncs ??= new Map());

function start(poId: string, p: TPending): void {
  p.timer = null;
  p.again = false;
  p.running = syncReceipts(p.deps, p.actor, poId)
    .then(() => undefined)
    .catch((e: unknown) => console.error("receiving: syncing the PO's receipts failed (the next scan or close retries)", poId, e instanceof Error ? e.message : e))
    .finally(() => {
      p.running = null;
      if (p.again) p.timer = setTimeout(() => start(poId, p), SYNC_DELAY_MS);
      else pending().delete(poId);
    });
}

/** A received scan on this PO: sync it soon. */
export function scheduleSync(deps: TDeps, actor: TActor, poId: string, delayMs = SYNC_DELAY_MS): void {
  const p = pending().get(poId);
  if (p) {
    p.deps = deps;
    p.actor = actor;
    if (p.running) p.again = true;
    return;
  }
  const n: TPending = { timer: null, running: null, again: false, deps, actor };
  pending().set(poId, n);
  n.timer = setTimeout(() => start(poId, n), delayMs);
}

/** Runs every pending sync now and waits for them (closing a receipt, tests, shutdown). */
export async function flushSyncs(poId?: string): Promise<void> {
  for (;;) {
    const entries = [...pending()].filter(([id]) => poId === undefined || id === poId);
    if (!entries.length) return;
    for (const [id, p] of entries) {
      if (p.timer) {
        clearTimeout(p.timer);
        start(id, p);
      }
    }
    // a sync asked for again while it ran re-arms its timer: the next round runs it now
    await Promise.all(entries.map(([, p]) => p.running));
  }
}
