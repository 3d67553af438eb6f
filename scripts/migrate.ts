/** npm run db:migrate — applies pending migrations to DATABASE_URL (default: the embedded SQLite file). */
import { env } from "../server/env";
import { migrateWithRoles, migrationStatus } from "../server/db/migrate";

const url = env().DATABASE_URL;
try {
  const applied = await migrateWithRoles(url, env().DATABASE_MIGRATION_URL, { log: (l) => console.log(l) });
  const s = await migrationStatus(url);
  console.log(applied.length ? `applied ${applied.length} migration(s); ${s.applied.length} in all` : `database is current (${s.applied.length} migrations)`);
} catch (e) {
  console.error(`migration failed: ${(e as Error).message}`);
  process.exit(1);
}
