/**
 * A worker process for the multi-process tests: the real runner
 * (workers/runner.ts) with one test kind, `test.sleep`, that appends
 * "start|end <jobId> <pid> <epoch ms>" lines to TEST_JOB_TRACE around a sleep.
 * Lease and poll interval come from TEST_WORKER_LEASE_MS / TEST_WORKER_POLL_MS.
 */
import { appendFileSync } from "node:fs";
import { z } from "zod";
import { createDatabase, tuneDatabase } from "../../server/db/client";
import { systemClock } from "../../server/context";
import { defineJob, type TJobKind } from "../../server/jobs/queue";
import { startRunner } from "../../workers/runner";

export const sleepJob = defineJob({
  name: "test.sleep",
  version: 1,
  payload: z.object({ ms: z.number().int().min(0).max(60_000) }),
  maxAttempts: 5,
  handler: async (_deps, { ms }, ctx) => {
    const trace = process.env.TEST_JOB_TRACE!;
    appendFileSync(trace, `start ${ctx.jobId} ${process.pid} ${Date.now()}\n`);
    await new Promise((r) => setTimeout(r, ms));
    appendFileSync(trace, `end ${ctx.jobId} ${process.pid} ${Date.now()}\n`);
  },
});

if (process.argv[1]?.endsWith("test-worker.ts")) {
  const database = createDatabase(process.env.DATABASE_URL!);
  await tuneDatabase(database);
  const runner = startRunner({ db: database.db, provider: database.provider, clock: systemClock }, [sleepJob] as TJobKind[], {
    leaseMs: Number(process.env.TEST_WORKER_LEASE_MS ?? 1000),
    pollMs: Number(process.env.TEST_WORKER_POLL_MS ?? 50),
    concurrency: 2,
  });
  await runner.idle(); // its first look at the queue is done: the database client is warm
  console.log(`[test-worker] ready ${runner.workerId}`);
  const shutdown = async () => {
    await runner.stop();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
