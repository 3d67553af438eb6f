/** GET /api/health: is the database reachable and are its migrations current? */
import type { TDatabase } from "./db/client";
import { migrationStatus } from "./db/migrate";

export interface THealth {
  status: "ok" | "unavailable";
  database: "sqlite" | "postgresql";
  migrations: "current" | "behind" | "drifted" | "unknown";
  reason?: string;
}

export async function health(database: TDatabase): Promise<{ code: number; body: THealth }> {
  const base = { database: database.provider } as const;
  try {
    await database.db.$queryRawUnsafe("SELECT 1");
  } catch (e) {
    return { code: 503, body: { ...base, status: "unavailable", migrations: "unknown", reason: `database unreachable: ${(e as Error).message.split("\n").filter(Boolean).pop()}` } };
  }
  try {
    const s = await migrationStatus(database.url);
    if (s.drifted.length) return { code: 503, body: { ...base, status: "unavailable", migrations: "drifted", reason: `applied migrations differ from the files: ${s.drifted.join(", ")}` } };
    if (s.pending.length) return { code: 503, body: { ...base, status: "unavailable", migrations: "behind", reason: `${s.pending.length} migration(s) not applied: ${s.pending.join(", ")}; run npm run db:migrate` } };
    return { code: 200, body: { ...base, status: "ok", migrations: "current" } };
  } catch (e) {
    return { code: 503, body: { ...base, status: "unavailable", migrations: "unknown", reason: `cannot read migration state: ${(e as Error).message}` } };
  }
}
