/** The workers process: started by `npm start` beside the web server; can run on its own (`npx tsx workers/main.ts`). */
import { createDatabase, tuneDatabase } from "../server/db/client";
import { env } from "../server/env";
import { systemClock } from "../server/context";
import { runJobs, type TJob } from "./jobs";
import { housekeeping } from "./housekeeping";

const JOBS: TJob[] = [housekeeping];

const database = createDatabase(env().DATABASE_URL);
await tuneDatabase(database);
const runner = runJobs({ db: database.db, provider: database.provider, clock: systemClock }, JOBS);
console.log(`[workers] running ${JOBS.map((j) => j.name).join(", ")}`);

const shutdown = async () => {
  await runner.stop();
  await database.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
