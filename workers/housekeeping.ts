import { z } from "zod";
import { defineJob } from "../server/jobs/queue";
import { purgeExpiredSessions } from "../server/domains/users/service";
import { purgeFinishedJobs } from "../server/domains/jobs/service";

/** Every 15 minutes: expired sessions, login attempts older than a day, finished jobs older than two weeks. */
export const housekeeping = defineJob({
  name: "housekeeping",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 15 * 60 * 1000 },
  maxAttempts: 3,
  handler: async (deps) => {
    const sessions = await purgeExpiredSessions(deps);
    const jobs = await purgeFinishedJobs(deps);
    return `removed ${sessions} expired sessions/attempts, ${jobs} finished jobs`;
  },
});
