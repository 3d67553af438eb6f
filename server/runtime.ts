/**
 * The web app's composition root: the process-wide dependencies (one database
 * client per process, the system clock, the BMC protocol clients). Workers and
 * scripts build their own with createDatabase.
 *
 * This is the one module under server/ that imports agents/ (eslint.config.mjs
 * allows it here only): the real protocol clients (agents/clients.ts) enter
 * the server as TDeps.bmc, behind server/contracts/bmc.ts TBmcClients.
 */
import { bmcClients } from "../agents/clients";
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
  return { db: database.db, provider: database.provider, clock: systemClock, bmc: bmcClients, live: g.__ironledgerHub };
}
