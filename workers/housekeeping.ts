import { z } from "zod";
import { defineJob } from "./jobs";
import { purgeExpiredSessions } from "../server/domains/users/service";

/** Removes expired sessions and login attempts older than a day. */
export const housekeeping = defineJob({
  name: "housekeeping",
  version: 1,
  payload: z.object({}),
  everyMs: 15 * 60 * 1000,
  handler: async (deps) => {
    const n = await purgeExpiredSessions(deps);
    return n ? `removed ${n} expired sessions/attempts` : undefined;
  },
});
