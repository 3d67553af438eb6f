/**
 * The process-wide dependencies of the web app (one database client per
 * process). Workers and scripts build their own with createDatabase.
 */
import { createDatabase, tuneDatabase, type TDatabase } from "./db/client";
import { env } from "./env";
import { systemClock, type TDeps } from "./context";
import { createLiveHub, type TLiveHub } from "./live/hub";

const g = globalThis as unknown as { __ironledger?: { database: TDatabase; ready: Promise<void> }; __ironledgerHub?: TLiveHub };

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
  g.__ironledgerHub ??= createLiveHub({ db: database.db, provider: database.provider, url: database.url });
  return { db: database.db, provider: database.provider, clock: systemClock, live: g.__ironledgerHub };
}
