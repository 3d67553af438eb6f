/**
 * The live-updates transport, loaded on its own after the page is idle (see
 * live.tsx): the browser's own EventSource on `live.events`, reading tRPC's
 * server-sent-events format (`connected` with the client options, tracked
 * messages with their id, `ping`, `serialized-error`, `return`). No tRPC
 * client or superjson in the bundle: on a slow tablet this is the last task
 * that ran after a page became interactive. The server side is the ordinary
 * tRPC subscription (server/live/router.ts), role-checked like any procedure.
 *
 * EventSource reconnects by itself after a dropped connection and sends
 * Last-Event-ID, which the server uses as the place to resume.
 */
import type { TLiveMessage, TLiveSubscribe } from "@/server/live/schema";

export type TLiveHandlers = {
  onData: (m: TLiveMessage) => void;
  /** the connection dropped; the browser is reconnecting on its own */
  onReconnecting: () => void;
  /** the server refused the subscription (code: UNAUTHORIZED, FORBIDDEN, …) or the connection is gone for good (code null) */
  onError: (code: string | null, message: string) => void;
  /** the server ended the stream on purpose */
  onComplete: () => void;
};

/** superjson's envelope; change notices carry `at` as a Date */
type TEnvelope<T> = { json?: T };

export function subscribeLive(input: TLiveSubscribe, h: TLiveHandlers): { unsubscribe(): void } {
  const es = new EventSource(`/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  let closed = false;
  let quietMs = 0;
  let quietTimer: ReturnType<typeof setTimeout> | null = null;
  const close = () => {
    closed = true;
    if (quietTimer) clearTimeout(quietTimer);
    es.close();
  };
  // the server pings; a connection that went silent (a proxy holding it half-open) is given up and redone
  const heard = () => {
    if (!quietMs) return;
    if (quietTimer) clearTimeout(quietTimer);
    quietTimer = setTimeout(() => {
      close();
      h.onError(null, "The live connection went quiet.");
    }, quietMs);
  };
  es.addEventListener("connected", (e) => {
    try {
      quietMs = Number((JSON.parse((e as MessageEvent<string>).data) as { reconnectAfterInactivityMs?: number }).reconnectAfterInactivityMs) || 0;
    } catch {
      quietMs = 0;
    }
    heard();
  });
  es.addEventListener("ping", heard);
  es.onmessage = (e) => {
    heard();
    let m: TLiveMessage | undefined;
    try {
      m = (JSON.parse(e.data) as TEnvelope<TLiveMessage>).json;
    } catch {
      return;
    }
    if (!m) return;
    if (m.type === "change") m.at = new Date(m.at);
    h.onData(m);
  };
  es.addEventListener("serialized-error", (e) => {
    let err: { message?: string; data?: { code?: string } } | undefined;
    try {
      err = (JSON.parse((e as MessageEvent<string>).data) as TEnvelope<typeof err>).json;
    } catch {
      err = undefined;
    }
    close();
    h.onError(err?.data?.code ?? null, err?.message ?? "Live updates stopped.");
  });
  es.addEventListener("return", () => {
    close();
    h.onComplete();
  });
  es.onerror = () => {
    if (closed) return;
    if (es.readyState === EventSource.CLOSED) {
      close();
      h.onError(null, "The live connection failed.");
    } else h.onReconnecting();
  };
  return { unsubscribe: close };
}

export function createLiveClient() {
  return { subscribe: subscribeLive };
}
export type TLiveClient = ReturnType<typeof createLiveClient>;
