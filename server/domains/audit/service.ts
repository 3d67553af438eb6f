/**
 * The audit log: every write, append-only and hash-chained.
 * hash(n) = sha256(hash(n-1) + "\n" + canonical JSON of entry n); the first entry chains from GENESIS.
 * Appends are serialised (PostgreSQL: a transaction-scoped advisory lock; SQLite: one writer)
 * so the chain never forks. Database triggers refuse UPDATE and DELETE on the table.
 */
import { createHash } from "node:crypto";
import type { Db, Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import type { TActor } from "../../context";
import type { TAuditVerification } from "./schema";

export const GENESIS = "0".repeat(64);
const AUDIT_LOCK = 724_551_002;

export interface TAuditEntry {
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** JSON with keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v ?? null);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(",")}}`;
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

export function entryHash(prevHash: string, e: THashable): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(e)).digest("hex");
}

/**
 * Serialises appends to the ordered logs (this chain, and the live events of
 * server/live) until the caller's transaction ends, so their ids follow commit
 * order. One lock for both: re-entrant within a transaction, no lock-order deadlock.
 */
export async function lockAppendOrder(tx: Tx, provider: TProvider): Promise<void> {
  if (provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
}

/** Append one entry inside the caller's transaction. */
export async function appendAudit(tx: Tx, provider: TProvider, actor: TActor, at: Date, entry: TAuditEntry): Promise<void> {
  await lockAppendOrder(tx, provider);
  const last = await tx.auditLog.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS;
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
  await tx.auditLog.create({ data: { ...row, at, prevHash, hash: entryHash(prevHash, row) } });
}

export type { TAuditVerification };

/** Walks the whole chain in order; names the first entry whose hash or link does not hold. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<TAuditVerification> {
  let prevHash = GENESIS;
  let afterSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.auditLog.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: batch });
    if (rows.length === 0) return { ok: true, checked };
    for (const r of rows) {
      if (r.prevHash !== prevHash) return { ok: false, checked, firstBroken: { seq: r.seq, reason: "link broken: prevHash does not match the previous entry's hash (an entry was removed or reordered)" } };
      const want = entryHash(prevHash, {
        at: r.at.toISOString(),
        actorType: r.actorType,
        actorId: r.actorId,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        before: r.before,
        after: r.after,
      });
      if (want !== r.hash) return { ok: false, checked, firstBroken: { seq: r.seq, reason: "content changed: the entry no longer matches its hash" } };
      prevHash = r.hash;
      checked++;
      afterSeq = r.seq;
    }
  }
}

export async function listAudit(db: Db, opts: { entity?: string; entityId?: string; take: number; beforeSeq?: number }) {
  return db.auditLog.findMany({
    where: { entity: opts.entity, entityId: opts.entityId, seq: opts.beforeSeq ? { lt: opts.beforeSeq } : undefined },
    orderBy: { seq: "desc" },
    take: opts.take,
    select: { seq: true, at: true, actorType: true, actorId: true, action: true, entity: true, entityId: true, before: true, after: true, hash: true },
  });
}
