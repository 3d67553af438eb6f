"use client";
/**
 * Live updates in the browser: ONE subscription per tab (live.events over
 * server-sent events) carrying every channel the mounted components follow.
 * Pages call one hook and refetch their own queries (which check permissions):
 *
 *   useLive(`asset:${id}`, () => qc.invalidateQueries({ queryKey: trpc.assets.get.queryKey({ id }) }));
 *
 * A dropped connection resumes from the last event id (the browser's
 * EventSource retries by itself; after a hard failure we resubscribe with a
 * backoff); when the server cannot replay what was missed, every listener gets
 * a `reset` and refetches. A tab's first subscription replays the last few
 * seconds' notices, which covers changes between the page's fetch and it.
 *
 * The transport (the browser's EventSource reading tRPC's SSE format,
 * live-client.ts) is a separate small chunk, loaded once the page is idle
 * after hydration: it is not part of the first load and does not compete with
 * the first tap. The replay above covers whatever changed in between.
 */
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { TLiveChange } from "@/server/live/schema";
import type { TLiveClient } from "./live-client";
import { onUnauthorizedCode } from "./rpc-fetch";

export type TLiveEvent = TLiveChange | { type: "reset" };
type TListener = (e: TLiveEvent) => void;

/** The transport, after the browser is idle (at most ~1 s after hydration). */
let clientPromise: Promise<TLiveClient> | null = null;
function loadClient(): Promise<TLiveClient> {
  clientPromise ??= new Promise<void>((resolve) => {
    if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 200);
  })
    .then(() => import("./live-client"))
    .then((m) => m.createLiveClient());
  return clientPromise;
}
export type TLiveState = "idle" | "connecting" | "live" | "offline";

const STOP_CODES = ["UNAUTHORIZED", "FORBIDDEN", "BAD_REQUEST"];

class LiveBus {
  private listeners = new Map<string, Set<TListener>>();
  private cursor: string | null = null;
  private key = "";
  private sub: { unsubscribe(): void } | null = null;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private scheduled = false;
  /** which subscription is current: callbacks of replaced ones are ignored */
  private gen = 0;
  state: TLiveState = "idle";
  private stateListeners = new Set<() => void>();

  private client: TLiveClient | null = null;
  private loading = false;

  follow(channels: string[], fn: TListener): () => void {
    for (const c of channels) {
      const set = this.listeners.get(c) ?? new Set();
      set.add(fn);
      this.listeners.set(c, set);
    }
    this.schedule();
    return () => {
      for (const c of channels) {
        const set = this.listeners.get(c);
        set?.delete(fn);
        if (set?.size === 0) this.listeners.delete(c);
      }
      this.schedule();
    };
  }

  onState = (fn: () => void) => {
    this.stateListeners.add(fn);
    return () => void this.stateListeners.delete(fn);
  };

  private setState(s: TLiveState) {
    if (s === this.state) return;
    this.state = s;
    for (const fn of this.stateListeners) fn();
  }

  /** Mounts and unmounts of one render settle before the subscription changes. */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.reconcile();
    }, 0);
  }

  private reconcile(force = false) {
    if (!this.client) {
      if (this.listeners.size === 0 || this.loading) return;
      this.loading = true;
      this.setState("connecting");
      loadClient().then(
        (c) => {
          this.loading = false;
          this.client = c;
          this.reconcile(true);
        },
        () => {
          this.loading = false;
          clientPromise = null;
          this.retryLater();
        },
      );
      return;
    }
    const channels = [...this.listeners.keys()].sort();
    const key = channels.join(" ");
    if (!force && key === this.key && (this.sub || this.retryTimer)) return;
    this.key = key;
    const gen = ++this.gen;
    this.sub?.unsubscribe();
    this.sub = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (channels.length === 0) return this.setState("idle");
    this.setState("connecting");
    this.sub = this.client.subscribe(
      { channels, lastEventId: this.cursor },
      {
        onData: (m) => {
          if (gen !== this.gen) return;
          this.cursor = m.id;
          this.retryMs = 1000;
          this.setState("live");
          if (m.type === "change") this.dispatch(m, [m.channel, m.scope]);
          // the server could not replay what this tab missed: refetch everything
          else if (m.type === "reset") this.dispatch({ type: "reset" }, [...this.listeners.keys()]);
        },
        onReconnecting: () => {
          if (gen === this.gen) this.setState("offline");
        },
        onError: (code) => {
          if (gen !== this.gen) return;
          if (code && STOP_CODES.includes(code)) {
            this.sub = null;
            // the session ended while the page was open: sign in again and come back here
            onUnauthorizedCode(code);
            return this.setState("idle");
          }
          this.retryLater();
        },
        // the server never ends the stream on purpose; if it did, follow on
        onComplete: () => gen === this.gen && this.retryLater(),
      },
    );
  }

  private retryLater() {
    this.sub = null;
    if (this.retryTimer || this.listeners.size === 0) return;
    this.setState("offline");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconcile(true);
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
  }

  private dispatch(e: TLiveEvent, channels: string[]) {
    const fns = new Set<TListener>();
    for (const c of channels) for (const fn of this.listeners.get(c) ?? []) fns.add(fn);
    for (const fn of fns) fn(e);
  }

  close() {
    this.listeners.clear();
    this.reconcile();
  }
}

const LiveContext = createContext<LiveBus | null>(null);

export function LiveProvider({ children }: { children: React.ReactNode }) {
  const [bus] = useState(() => new LiveBus());
  useEffect(() => () => bus.close(), [bus]);
  return <LiveContext.Provider value={bus}>{children}</LiveContext.Provider>;
}

/**
 * Calls `onEvent` for each change on `channels` (`asset`, `asset:<id>`, `bmc:<assetId>`)
 * and with `{ type: "reset" }` when the page should refetch everything it shows.
 * `throttleMs`: at most one call per interval (the last event), for pages that follow a whole scope.
 */
export function useLive(channels: string | string[], onEvent: (e: TLiveEvent) => void, opts: { throttleMs?: number; enabled?: boolean } = {}): void {
  const bus = useContext(LiveContext);
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const list = (Array.isArray(channels) ? channels : [channels]).filter(Boolean);
  const key = [...list].sort().join(" ");
  const enabled = opts.enabled ?? true;
  const throttleMs = opts.throttleMs ?? 0;
  useEffect(() => {
    if (!bus || !enabled || !key) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let pending: TLiveEvent | null = null;
    let last = 0;
    const fire = (e: TLiveEvent) => {
      last = Date.now();
      handler.current(e);
    };
    const off = bus.follow(key.split(" "), (e) => {
      if (!throttleMs) return fire(e);
      pending = e.type === "reset" || pending?.type === "reset" ? { type: "reset" } : e;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (pending) fire(pending);
        pending = null;
      }, Math.max(0, last + throttleMs - Date.now()));
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [bus, key, enabled, throttleMs]);
}

/** The tab's connection: "live", "connecting", "offline" (retrying), or "idle" (nothing followed). */
export function useLiveState(): TLiveState {
  const bus = useContext(LiveContext);
  return useSyncExternalStore(
    (fn) => bus?.onState(fn) ?? (() => {}),
    () => bus?.state ?? "idle",
    () => "idle",
  );
}
