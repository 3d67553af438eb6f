/**
 * npm run audit:verify — walks the hash-chained audit log of DATABASE_URL.
 * Exit 0: "audit chain intact: N entries". Exit 1: the first broken entry
 * (seq, time, entity, reason). Exit 2: the check could not run.
 */
import { existsSync } from "node:fs";
import { env } from "../server/env";
import { createDatabase } from "../server/db/client";
import { parseDatabaseUrl } from "../server/db/url";
import { verifyAuditChain } from "../server/domains/audit/service";

async function main(): Promise<number> {
  const url = env().DATABASE_URL;
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite" && !existsSync(target.location)) {
    console.error(`audit check failed: no database file at ${target.location} (check DATABASE_URL)`);
    return 2;
  }
  const database = createDatabase(url);
  try {
    const result = await verifyAuditChain(database.db);
    if (result.ok) {
      console.log(`audit chain intact: ${result.checked} entries`);
      return 0;
    }
    const broken = result.firstBroken!;
    const row = await database.db.auditLog.findUnique({ where: { seq: broken.seq }, select: { at: true, entity: true, entityId: true, action: true } });
    console.log(`audit chain BROKEN after ${result.checked} intact entries`);
    console.log(`  seq:    ${broken.seq}`);
    console.log(`  time:   ${row ? row.at.toISOString() : "?"}`);
    console.log(`  entity: ${row ? `${row.entity} ${row.entityId} (${row.action})` : "?"}`);
    console.log(`  reason: ${broken.reason}`);
    return 1;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`audit check failed: ${(e as Error).message}`);
  process.exitCode = 2;
}
