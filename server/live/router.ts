/**
 * live.events: one subscription per browser tab, over server-sent events
 * (httpSubscriptionLink). Role-checked like any procedure, and per channel:
 * a role follows only the scopes LIVE_SCOPES gives it. Each message is
 * tracked by its event id, so a dropped connection resumes where it stopped
 * (the browser sends Last-Event-ID; tRPC passes it as input.lastEventId).
 */
import { tracked } from "@trpc/server";
import { ANY_ROLE } from "../auth/roles";
import { AppError } from "../errors";
import { procedure, router } from "../trpc";
import { channelFilter, ZLiveSubscribe, type TLiveMessage } from "./schema";

export const liveRouter = router({
  events: procedure(ANY_ROLE)
    .input(ZLiveSubscribe)
    .subscription(async ({ ctx, input, signal }) => {
      // checked before the stream starts, so refusals are ordinary errors (FORBIDDEN, BAD_REQUEST)
      const checked = channelFilter(input.channels, ctx.actor.role);
      if ("error" in checked) throw new AppError(checked.error, checked.message);
      const hub = ctx.deps.live;
      if (!hub) throw new AppError("UNAVAILABLE", "Live updates are not running in this process; reload the page later.");
      const from = input.lastEventId ? Number(input.lastEventId) : null;
      const stop = signal ?? new AbortController().signal;
      return (async function* () {
        for await (const m of hub.subscribe(checked.filter, from, stop)) yield tracked(m.id, m as TLiveMessage);
        // ended by the request going away or by sse.maxDurationMs: an abort, not a normal end, so the
        // browser is not told "done" and reconnects (resuming from its last event id)
        throw new DOMException("the live stream ended; reconnect", "AbortError");
      })();
    }),
});
