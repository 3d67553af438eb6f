/**
 * Receiving's calls of procurement's syncReceipts hook (procurement/service.ts), which copies each
 * received asset's first RECEIVED time onto the PO (the lead-time KPI) and moves the PO to partially
 * received / received. It reads and rewrites every unit of the PO in a transaction, far more than a
 * scan may cost, so scans do not wait for it: a PO is synced in the background once its scanning
 * pauses (SYNC_IDLE_MS after its last received scan), or every SYNC_MAX_WAIT_MS while scanning goes
 * on, one run per PO at a time. Closing a receipt syncs at once and waits. syncReceipts is
 * idempotent, so a sync lost to a restart is made good by the next scan or by the close.
 */
import type { TActor, TDeps } from "../../context";
import { syncReceipts } from "../procurement/service";

export const SYNC_IDLE_MS = 5_000;
export const SYNC_MAX_WAIT_MS = 60_000;

interface TPending {
  timer: ReturnType<typeof setTimeout> | null;
  /** when the first scan not yet synced came */
  since: number;
  running: Promise<void> | null;
  again: boolean;
  deps: TDeps;
  actor: TActor;
}

const g = globalThis as unknown as { __ironledgerReceiptSyncs?: Map<string, TPending> };
const pending = () => (g.__ironledgerReceiptSyncs ??= new Map());

function start(poId: string, p: TPending): void {
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
  p.again = false;
  p.running = syncReceipts(p.deps, p.actor, poId)
    .then(() => undefined)
    .catch((e: unknown) => console.error("receiving: syncing the PO's receipts failed (the next scan or close retries)", poId, e instanceof Error ? e.message : e))
    .finally(() => {
      p.running = null;
      if (p.again) arm(poId, p);
      else pending().delete(poId);
    });
}

function arm(poId: string, p: TPending): void {
  if (p.timer) clearTimeout(p.timer);
  const wait = Math.max(0, Math.min(SYNC_IDLE_MS, p.since + SYNC_MAX_WAIT_MS - Date.now()));
  p.timer = setTimeout(() => start(poId, p), wait);
  p.timer.unref?.();
}

/** A received scan on this PO: sync it once scanning pauses. */
export function scheduleSync(deps: TDeps, actor: TActor, poId: string): void {
  const p = pending().get(poId);
  if (p) {
    p.deps = deps;
    p.actor = actor;
    if (p.running) {
      if (!p.again) p.since = Date.now();
      p.again = true;
    } else arm(poId, p);
    return;
  }
  const n: TPending = { timer: null, since: Date.now(), running: null, again: false, deps, actor };
  pending().set(poId, n);
  arm(poId, n);
}

/** Runs the pending syncs (of one PO, or all) now and waits for them (closing a receipt, tests, shutdown). */
export async function flushSyncs(poId?: string): Promise<void> {
  for (;;) {
    const entries = [...pending()].filter(([id]) => poId === undefined || id === poId);
    if (!entries.length) return;
    for (const [id, p] of entries) if (p.timer) start(id, p);
    // a sync asked for again while it ran re-arms its timer: the next round runs it now
    await Promise.all(entries.map(([, p]) => p.running));
  }
}
