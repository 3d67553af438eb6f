/**
 * Run by `npm start` before the servers: applies pending migrations and makes
 * sure there is a first admin. Prints the generated password once.
 */
import { createDatabase } from "../server/db/client";
import { migrateWithRoles } from "../server/db/migrate";
import { env } from "../server/env";
import { systemClock } from "../server/context";
import { ensureFirstAdmin } from "../server/domains/users/service";
import { resealLegacyPasswords } from "../server/domains/bmc/credentials";

const e = env();
const applied = await migrateWithRoles(e.DATABASE_URL, e.DATABASE_MIGRATION_URL, { log: (l) => console.log(`[migrate] ${l}`) });
if (!applied.length) console.log("[migrate] database is current");
const database = createDatabase(e.DATABASE_URL);
try {
  const admin = await ensureFirstAdmin({ db: database.db, provider: database.provider, clock: systemClock }, e.IRONLEDGER_ADMIN_PASSWORD);
  if (admin?.password) {
    console.log("");
    console.log("  First administrator created. This password is shown ONCE:");
    console.log(`    user name: ${admin.username}`);
    console.log(`    password:  ${admin.password}`);
    console.log("  Sign in and add people under Admin. (Set IRONLEDGER_ADMIN_PASSWORD to choose it instead.)");
    console.log("");
  } else if (admin) {
    console.log(`[boot] first administrator "${admin.username}" created with IRONLEDGER_ADMIN_PASSWORD`);
  }
  // BMC passwords sealed before v2 (no associated data) are sealed again for their endpoint
  const sealed = await resealLegacyPasswords(database.db);
  if (sealed.resealed) console.log(`[boot] sealed ${sealed.resealed} BMC password(s) again for their endpoint`);
  if (sealed.unreadable) console.log(`[boot] ${sealed.unreadable} BMC password(s) do not open with the current secret key; enter them again on the asset page`);
} finally {
  await database.close();
}
