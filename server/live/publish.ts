/**
 * Writing change notices (docs/live-updates.md). Call publishEvent inside the
 * transaction that makes the change: the notice commits with it or not at all.
 *
 *   await publishEvent(tx, deps.provider, at, { scope: "asset", key: asset.id, data: { kind: "asset.status", from, to, version } });
 *
 * Wake-up after commit: on PostgreSQL pg_notify inside the transaction is
 * delivered at commit to every web replica's LISTEN connection; on SQLite the
 * hubs of this process are poked (their read waits for this transaction), and
 * hubs in other processes find the row with their short poll.
 */
import type { Tx } from "../db/client";
import type { TProvider } from "../db/url";
import type { TDeps } from "../context";
import { lockAppendOrder } from "../domains/audit/service";
import { ZLiveData, type TLivePublish } from "./schema";

/** The PostgreSQL NOTIFY channel the hubs LISTEN on. */
export const LIVE_NOTIFY_CHANNEL = "ironledger_live";

const g = globalThis as unknown as { __ironledgerLivePokes?: Set<() => void> };
/** Hubs of this process register here to be woken when this process publishes. */
export function localPokes(): Set<() => void> {
  return (g.__ironledgerLivePokes ??= new Set());
}

export async function publishEvent(tx: Tx, provider: TProvider, at: Date, ...events: TLivePublish[]): Promise<void> {
  if (events.length === 0) return;
  // ids in commit order: a reader that saw id N never later finds a new id below N
  await lockAppendOrder(tx, provider);
  const rows = liveEventRows(at, events);
  // one statement for the lot (a batch of agent observations publishes one per endpoint); ids follow the order given
  if (rows.length === 1) await tx.liveEvent.create({ data: rows[0]!, select: { id: true } });
  else {
    // raw: the query builder's per-row cost was a visible share of an ingest batch (docs/performance.md)
    let n = 0;
    const p = (type: string) => (provider === "postgresql" ? `$${++n}::${type}` : "?");
    const values = rows.map(() => `(${p("timestamp(3)")},${p("text")},${p("text")},${p("text")},${p("text")})`);
    await tx.$executeRawUnsafe(`INSERT INTO "LiveEvent" ("at","scope","key","kind","data") VALUES ${values.join(",")}`, ...rows.flatMap((r) => [r.at, r.scope, r.key, r.kind, r.data]));
  }
  if (provider === "postgresql") {
    // an empty payload: several notices in one transaction fold into one wake-up
    await tx.$executeRawUnsafe(`SELECT pg_notify('${LIVE_NOTIFY_CHANNEL}', '')`);
  } else {
    pokeLocalHubs();
  }
}

/** The LiveEvent rows publishEvent inserts (validated), for a caller that writes them through the driver (server/db/hot.ts). */
export function liveEventRows(at: Date, events: readonly TLivePublish[]) {
  return events.map((e) => {
    const data = ZLiveData.parse(e.data);
    return { at, scope: e.scope, key: e.key, kind: data.kind, data: JSON.stringify(data) };
  });
}

/** SQLite: wakes this process's hubs once the publishing transaction has committed (their read waits for it). */
export function pokeLocalHubs(): void {
  setImmediate(() => {
    for (const poke of localPokes()) poke();
  });
}

/**
 * Deletes notices older than `olderThan`, keeping the newest one (so a resume
 * cursor can always be told apart from "pruned"). Returns how many went.
 * A client whose cursor is older than what is kept gets a reset and refetches.
 */
export async function pruneEvents(deps: Pick<TDeps, "db">, olderThan: Date): Promise<number> {
  const newest = await deps.db.liveEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  if (!newest) return 0;
  const res = await deps.db.liveEvent.deleteMany({ where: { at: { lt: olderThan }, id: { lt: newest.id } } });
  return res.count;
}

/** How long notices are kept by default: a tab offline longer than this refetches instead of replaying. */
export const LIVE_RETENTION_MS = 24 * 60 * 60 * 1000;
