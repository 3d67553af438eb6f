/**
 * Fresh, migrated databases for integration tests: one SQLite file in a temp
 * dir and one PostgreSQL database on the server from global-setup.
 *
 *   describe.each(DATABASES)("… on %s", (provider) => {
 *     let t: TTestDb;
 *     beforeAll(async () => { t = await freshDatabase(provider); });
 *     afterAll(() => t.close());
 *   });
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabase, tuneDatabase, type TDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import type { TProvider } from "../../server/db/url";
import { createPgDatabase } from "./postgres";

export const DATABASES: TProvider[] = ["sqlite", "postgresql"];

export type TTestDb = TDatabase;

export async function freshDatabaseUrl(provider: TProvider): Promise<{ url: string; cleanup: () => void }> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-sqlite-"));
    return { url: `file:${path.join(dir, "test.db")}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `il_test_${randomBytes(6).toString("hex")}`;
  return { url: await createPgDatabase(inject("postgresAdminUrl"), name), cleanup: () => {} };
}

export async function freshDatabase(provider: TProvider): Promise<TTestDb> {
  const { url, cleanup } = await freshDatabaseUrl(provider);
  await migrate(url);
  const database = createDatabase(url);
  await tuneDatabase(database);
  return {
    ...database,
    async close() {
      await database.close();
      cleanup();
    },
  };
}
