/**
 * The process-wide dependencies of the web app (one database client per
 * process). Workers and scripts build their own with createDatabase.
 */
import { createDatabase, tuneDatabase, type TDatabase } from "./db/client";
import { env } from "./env";
import { systemClock, type TDeps } from "./context";

const g = globalThis as unknown as { __ironledger?: { database: TDatabase; ready: Promise<void> } };

export function runtimeDatabase(): TDatabase {
  if (!g.__ironledger) {
    const database = createDatabase(env().DATABASE_URL);
    g.__ironledger = { database, ready: tuneDatabase(database).catch(() => {}) };
  }
  return g.__ironledger.database;
}

export async function runtimeDeps(): Promise<TDeps> {
  const database = runtimeDatabase();
  await g.__ironledger!.ready;
  return { db: database.db, provider: database.provider, clock: systemClock };
}
