/**
 * The audit log: every write, append-only and hash-chained with a key that is
 * not in the database (chain.ts). Appends are serialised (PostgreSQL: a
 * transaction-scoped advisory lock; SQLite: one writer) so the chain never
 * forks. Database triggers refuse UPDATE, DELETE and TRUNCATE on the table.
 */
import type { Db, Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import type { TActor } from "../../context";
import { auditRowContent, canonicalJson, GENESIS, KEYED_VERSION, keyedHash, legacyHash, lockChain, verifyChain, type TChainVerification, type THead } from "../../chains/chain";

export { canonicalJson, GENESIS };

export interface TAuditEntry {
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Secrets never enter the audit log. */
const SECRET_KEYS = /password|secret|token|credential|hash/i;
function redact(v: unknown): unknown {
  if (v === null || typeof v !== "object" || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(redact);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redact(x)]));
}

interface THashable {
  at: string;
  actorType: string;
  actorId: string;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
}

/** The version-1 (unkeyed, sha256) hash of entries written before keyed hashing. */
export function entryHash(prevHash: string, e: THashable): string {
  return legacyHash(prevHash, e);
}

/**
 * Serialises appends to the ordered logs (this chain, and the live events of
 * server/live) until the caller's transaction ends, so their ids follow commit
 * order. One lock for both: re-entrant within a transaction, no lock-order deadlock.
 */
export async function lockAppendOrder(tx: Tx, provider: TProvider): Promise<void> {
  await lockChain(tx, provider, "audit");
}

/** Append one entry inside the caller's transaction. */
export async function appendAudit(tx: Tx, provider: TProvider, actor: TActor, at: Date, entry: TAuditEntry): Promise<void> {
  await lockAppendOrder(tx, provider);
  const last = await tx.auditLog.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  await tx.auditLog.create({ data: auditRow(last?.hash ?? GENESIS, actor, at, entry) });
}

/**
 * The row appendAudit inserts after the chain head `prevHash` (for a caller that
 * writes it through the driver, server/db/hot.ts: same content, same hash).
 */
export function auditRow(prevHash: string, actor: TActor, at: Date, entry: TAuditEntry) {
  const row: THashable = {
    at: at.toISOString(),
    actorType: actor.type,
    actorId: actor.id,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: entry.before === undefined ? null : canonicalJson(redact(entry.before)),
    after: entry.after === undefined ? null : canonicalJson(redact(entry.after)),
  };
  return { ...row, at, prevHash, hash: keyedHash(prevHash, auditRowContent({ ...row, at })), hashVersion: KEYED_VERSION };
}

export type TAuditVerification = TChainVerification;

/** Walks the whole chain in order; names the first entry whose hash or link does not hold. */
export async function verifyAuditChain(db: Db, batch = 5000, head?: THead): Promise<TAuditVerification> {
  return verifyChain(db, "audit", { batch, head });
}

export async function listAudit(db: Db, opts: { entity?: string; entityId?: string; take: number; beforeSeq?: number }) {
  return db.auditLog.findMany({
    where: { entity: opts.entity, entityId: opts.entityId, seq: opts.beforeSeq ? { lt: opts.beforeSeq } : undefined },
    orderBy: { seq: "desc" },
    take: opts.take,
    select: { seq: true, at: true, actorType: true, actorId: true, action: true, entity: true, entityId: true, before: true, after: true, hash: true },
  });
}
