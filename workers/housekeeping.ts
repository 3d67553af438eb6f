import { z } from "zod";
import { defineJob } from "../server/jobs/queue";
import { purgeExpiredSessions } from "../server/domains/users/service";
import { purgeFinishedJobs } from "../server/domains/jobs/service";
import { LIVE_RETENTION_MS, pruneEvents } from "../server/live/publish";

/** Every 15 minutes: expired sessions, login attempts older than a day, finished jobs older than two weeks, live-update notices older than a day. */
export const housekeeping = defineJob({
  name: "housekeeping",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 15 * 60 * 1000 },
  maxAttempts: 3,
  handler: async (deps) => {
    const sessions = await purgeExpiredSessions(deps);
    const jobs = await purgeFinishedJobs(deps);
    const notices = await pruneEvents(deps, new Date(deps.clock.now().getTime() - LIVE_RETENTION_MS));
    return `removed ${sessions} expired sessions/attempts, ${jobs} finished jobs, ${notices} live-update notices`;
  },
});
