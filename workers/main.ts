/**
 * The workers process: `npm run workers` runs it alone (any number of them may
 * share one PostgreSQL); `npm start` starts it beside the web server.
 * SIGTERM/SIGINT: stop claiming, let running jobs finish (up to the grace
 * time), give back the leases of those that did not, exit.
 */
import { createDatabase, tuneDatabase } from "../server/db/client";
import { env } from "../server/env";
import { systemClock } from "../server/context";
import { startRunner } from "./runner";
import { JOB_KINDS } from "./kinds";

const e = env();
const database = createDatabase(e.DATABASE_URL);
await tuneDatabase(database);
const runner = startRunner({ db: database.db, provider: database.provider, clock: systemClock }, JOB_KINDS, {
  concurrency: e.IRONLEDGER_WORKER_CONCURRENCY,
  leaseMs: e.IRONLEDGER_WORKER_LEASE_SEC * 1000,
  pollMs: e.IRONLEDGER_WORKER_POLL_MS,
});
console.log(`[workers] ${runner.workerId} running ${JOB_KINDS.map((j) => j.name).join(", ")} (database: ${database.provider})`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await runner.stop();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
