/**
 * The live hub: one per web process. It follows the LiveEvent table with one
 * cursor and fans each new notice out, in memory, to the subscriptions of
 * this process whose channels match (N open tabs cost one query per wake-up,
 * not N).
 *
 * Wake-ups: PostgreSQL NOTIFY (one LISTEN connection per process) plus a slow
 * backstop poll; on SQLite a poke from publishEvent in this process plus a
 * short poll that finds rows other processes (the workers) wrote. Timers run
 * only while someone is subscribed.
 *
 * Resume: a subscription that brings a lastEventId first gets the notices it
 * missed for its channels, in id order, then the live ones; none twice, none
 * skipped. If it missed too many, or they were pruned, it gets one `reset`.
 */
import type { Db } from "../db/client";
import type { TProvider } from "../db/url";
import { listen, type TListener } from "../db/listen";
import { LIVE_NOTIFY_CHANNEL, localPokes } from "./publish";
import { matches, ZLiveData, type TChannelFilter, type TLiveChange, type TLiveMessage } from "./schema";

export interface TLiveHubOptions {
  db: Db;
  provider: TProvider;
  /** PostgreSQL: the connection string for LISTEN */
  url?: string;
  /** SQLite: how often to look for rows other processes wrote (default 300 ms) */
  pollMs?: number;
  /** PostgreSQL: a backstop read in case a notification was lost (default 5 s) */
  backstopMs?: number;
  /** a resume that missed more than this gets a reset instead (default 500) */
  replayLimit?: number;
  /** a subscriber this far behind is given a reset instead (default 1000) */
  queueLimit?: number;
  /**
   * A fresh subscription (no lastEventId) first gets its channels' notices of
   * the last this-many ms (default 10 s): what changed between the page's first
   * fetch and the subscription. The page refetches only if there were any.
   */
  freshReplayMs?: number;
  /** the clock notices are stamped with (default: the system clock) */
  now?: () => Date;
  log?: (line: string) => void;
}

export interface TLiveHub {
  /** Notices for `filter`, from `lastEventId` (exclusive) or from now (the last few seconds' notices, then `ready`). Ends when `signal` aborts. */
  subscribe(filter: TChannelFilter, lastEventId: number | null, signal: AbortSignal): AsyncGenerator<TLiveMessage>;
  /** Re-read now (tests, and after a reconnect). */
  wake(): void;
  readonly subscriberCount: number;
  close(): Promise<void>;
}

interface TSub {
  filter: TChannelFilter;
  push(m: TLiveChange): void;
  /** wake the consumer without a message (the hub is closing) */
  kick(): void;
}

type TRow = { id: number; at: Date; scope: string; key: string; kind: string; data: string | null };

function toChange(r: TRow): TLiveChange | null {
  const parsed = ZLiveData.safeParse(r.data ? JSON.parse(r.data) : { kind: r.kind });
  if (!parsed.success) return null; // a kind this build does not know (a newer replica wrote it): skip
  return { type: "change", id: String(r.id), at: r.at, scope: r.scope, key: r.key, channel: `${r.scope}:${r.key}`, data: parsed.data };
}

function filterWhere(filter: TChannelFilter) {
  const or: Record<string, unknown>[] = [];
  if (filter.scopes.length) or.push({ scope: { in: filter.scopes } });
  for (const [scope, keys] of filter.keys) or.push({ scope, key: { in: [...keys] } });
  return or;
}

const BATCH = 500;

export function createLiveHub(opts: TLiveHubOptions): TLiveHub {
  const { db, provider } = opts;
  const pollMs = opts.pollMs ?? 300;
  const backstopMs = opts.backstopMs ?? 5000;
  const replayLimit = opts.replayLimit ?? 500;
  const queueLimit = opts.queueLimit ?? 1000;
  const freshReplayMs = opts.freshReplayMs ?? 10_000;
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? ((l: string) => console.error(l));
  if (provider === "postgresql" && !opts.url) throw new Error("a PostgreSQL live hub needs the database URL for LISTEN");

  const subs = new Set<TSub>();
  /** the highest id dispatched; null while idle */
  let cursor: number | null = null;
  let starting: Promise<void> | null = null;
  let reading: Promise<void> | null = null;
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let listener: TListener | null = null;
  let listening: Promise<void> | null = null;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  /** SQLite: read inside a transaction, which waits for this process's open write (the adapter has one connection) and sees committed rows only. */
  function read<T>(fn: (d: Db) => Promise<T>): Promise<T> {
    return provider === "sqlite" ? db.$transaction((tx) => fn(tx as unknown as Db)) : fn(db);
  }

  async function maxId(): Promise<number> {
    const r = await read((d) => d.liveEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } }));
    return r?.id ?? 0;
  }

  function wake(): void {
    if (cursor === null || closed) return;
    if (reading) {
      dirty = true;
      return;
    }
    reading = (async () => {
      try {
        do {
          dirty = false;
          for (;;) {
            if (cursor === null) return;
            const from: number = cursor;
            const rows = await read((d) => d.liveEvent.findMany({ where: { id: { gt: from } }, orderBy: { id: "asc" }, take: BATCH }));
            if (cursor !== from) break; // went idle (and maybe restarted) meanwhile
            for (const r of rows) {
              cursor = r.id;
              const m = toChange(r);
              if (!m) continue;
              for (const s of subs) if (matches(s.filter, m.scope, m.key)) s.push(m);
            }
            if (rows.length < BATCH) break;
          }
        } while (dirty);
      } catch (e) {
        if (!closed) log(`[live] reading events failed: ${(e as Error).message}`);
      } finally {
        reading = null;
      }
    })();
  }

  function ensureListening(): void {
    if (provider !== "postgresql" || listener || listening || closed) return;
    listening = listen({
      url: opts.url!,
      channel: LIVE_NOTIFY_CHANNEL,
      onNotify: wake,
      onLost: (e) => {
        log(`[live] LISTEN connection lost (${e.message}); reconnecting`);
        const l = listener;
        listener = null;
        void l?.close();
        scheduleListen();
      },
    })
      .then((l) => {
        if (closed) return void l.close();
        listener = l;
        wake(); // catch up on anything written while not listening
      })
      .catch((e) => {
        log(`[live] LISTEN failed (${(e as Error).message}); retrying`);
        scheduleListen();
      })
      .finally(() => {
        listening = null;
      });
  }

  function scheduleListen(): void {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = null;
      if (subs.size > 0) ensureListening();
    }, 1000);
    retry.unref?.();
  }

  const poke = () => wake();

  async function start(): Promise<void> {
    if (cursor !== null) return;
    starting ??= (async () => {
      try {
        const head = await maxId();
        if (cursor === null) cursor = head;
        localPokes().add(poke);
        timer ??= setInterval(wake, provider === "sqlite" ? pollMs : backstopMs);
        timer.unref?.();
        ensureListening();
      } finally {
        starting = null;
      }
    })();
    await starting;
  }

  function idle(): void {
    if (subs.size > 0) return;
    if (timer) clearInterval(timer);
    timer = null;
    localPokes().delete(poke);
    cursor = null;
  }

  async function* subscribe(filter: TChannelFilter, lastEventId: number | null, signal: AbortSignal): AsyncGenerator<TLiveMessage> {
    if (closed) throw new Error("the live hub is closed");
    const queue: TLiveChange[] = [];
    let overflow = false;
    let notify: (() => void) | null = null;
    const onAbort = () => notify?.();
    signal.addEventListener("abort", onAbort, { once: true });
    const sub: TSub = {
      filter,
      push(m) {
        if (queue.length >= queueLimit) overflow = true;
        else queue.push(m);
        notify?.();
      },
      kick: onAbort,
    };
    while (cursor === null) await start();
    // synchronous with dispatch: every id ≤ head went out before we joined, every id > head comes to us
    subs.add(sub);
    const head: number = cursor;
    try {
      let last = head;
      if (lastEventId !== null && lastEventId > head) {
        yield { type: "reset", id: String(head) }; // a cursor from the future: another database, or a restored one
      } else if (lastEventId !== null && lastEventId < head) {
        const oldest = await read((d) => d.liveEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true } }));
        const pruned = oldest !== null && lastEventId < oldest.id - 1;
        const rows = pruned ? [] : await read((d) => d.liveEvent.findMany({ where: { id: { gt: lastEventId, lte: head }, OR: filterWhere(filter) }, orderBy: { id: "asc" }, take: replayLimit + 1 }));
        if (pruned || rows.length > replayLimit) {
          yield { type: "reset", id: String(head) };
        } else {
          for (const r of rows) {
            const m = toChange(r);
            if (m) yield m;
          }
          yield { type: "ready", id: String(head) };
        }
      } else {
        const since = new Date(now().getTime() - freshReplayMs);
        const rows = await read((d) => d.liveEvent.findMany({ where: { id: { lte: head }, at: { gte: since }, OR: filterWhere(filter) }, orderBy: { id: "asc" }, take: replayLimit }));
        for (const r of rows) {
          const m = toChange(r);
          if (m) yield m;
        }
        yield { type: "ready", id: String(head) };
      }
      last = Math.max(last, head);
      while (!signal.aborted && !closed) {
        if (overflow) {
          overflow = false;
          const drop = queue.splice(0);
          last = Number(drop[drop.length - 1]?.id ?? last);
          yield { type: "reset", id: String(last) };
          continue;
        }
        const m = queue.shift();
        if (m) {
          if (Number(m.id) > last) {
            last = Number(m.id);
            yield m;
          }
          continue;
        }
        await new Promise<void>((resolve) => {
          notify = resolve;
          if (signal.aborted || closed) resolve();
        });
        notify = null;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      subs.delete(sub);
      idle();
    }
  }

  return {
    subscribe,
    wake,
    get subscriberCount() {
      return subs.size;
    },
    async close() {
      closed = true;
      for (const s of subs) s.kick();
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry);
      localPokes().delete(poke);
      await listening?.catch(() => {});
      await listener?.close();
      listener = null;
      await reading?.catch(() => {});
    },
  };
}
