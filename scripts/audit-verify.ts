/**
 * npm run audit:verify [-- --head SEQ:HASH] [--head events=SEQ:HASH] [--head observations=SEQ:HASH]
 *
 * Walks the keyed hash chains of DATABASE_URL: the audit log, asset events and
 * BMC observations. For each it prints the head (sequence and hash): keep it
 * somewhere the database's users cannot write (a ticket, a log server), and
 * pass it back with --head next time, so a cut tail (newest entries removed)
 * or a rewritten chain is found even though what is left is consistent.
 *
 * Exit 0: every chain intact. Exit 1: a chain is broken, cut, or empty where
 * entries are expected (the first problem is named: seq, time, entity, reason).
 * Exit 2: the check could not run (bad arguments, no database).
 */
import { existsSync } from "node:fs";
import { env } from "../server/env";
import { createDatabase } from "../server/db/client";
import { parseDatabaseUrl } from "../server/db/url";
import { verifyChain, type TChainKind, type THead } from "../server/chains/chain";

const NAMES: Record<TChainKind, string> = { audit: "audit chain", events: "asset event chain", observations: "observation chain" };
const USAGE = "usage: npm run audit:verify -- [--head SEQ:HASH] [--head events=SEQ:HASH] [--head observations=SEQ:HASH]";

function parseArgs(argv: string[]): Partial<Record<TChainKind, THead>> {
  const heads: Partial<Record<TChainKind, THead>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let v: string | undefined;
    if (a === "--head") v = argv[++i];
    else if (a.startsWith("--head=")) v = a.slice(7);
    else throw new Error(`unknown argument "${a}"`);
    const m = v?.match(/^(?:(audit|events|observations)=)?(\d+):([0-9a-f]{64})$/);
    if (!m) throw new Error(`--head wants SEQ:HASH (the 64 hex digits printed as the head), optionally prefixed with events= or observations=; got "${v ?? ""}"`);
    heads[(m[1] as TChainKind | undefined) ?? "audit"] = { seq: Number(m[2]), hash: m[3]! };
  }
  return heads;
}

async function main(): Promise<number> {
  let heads: Partial<Record<TChainKind, THead>>;
  try {
    heads = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`audit check failed: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = env().DATABASE_URL;
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite" && !existsSync(target.location)) {
    console.error(`audit check failed: no database file at ${target.location} (check DATABASE_URL)`);
    return 2;
  }
  const database = createDatabase(url);
  let code = 0;
  try {
    for (const chain of ["audit", "events", "observations"] as const) {
      const r = await verifyChain(database.db, chain, { head: heads[chain] });
      const legacy = r.legacy ? ` (${r.legacy} written before keyed hashing, ${chain === "audit" ? "checked unkeyed" : "not chained"})` : "";
      const head = r.head ? `; head ${r.head.seq}:${r.head.hash}` : "";
      if (r.ok) {
        console.log(`${NAMES[chain]} intact: ${r.checked} entries${legacy}${head}`);
        continue;
      }
      code = 1;
      const broken = r.firstBroken!;
      console.log(`${NAMES[chain]} BROKEN after ${r.checked} intact entries${head}`);
      console.log(`  seq:    ${broken.seq}`);
      if (chain === "audit" && broken.seq > 0) {
        const row = await database.db.auditLog.findUnique({ where: { seq: broken.seq }, select: { at: true, entity: true, entityId: true, action: true } });
        console.log(`  time:   ${row ? row.at.toISOString() : "?"}`);
        console.log(`  entity: ${row ? `${row.entity} ${row.entityId} (${row.action})` : "?"}`);
      }
      console.log(`  reason: ${broken.reason}`);
    }
    return code;
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
