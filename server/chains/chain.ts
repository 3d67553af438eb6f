/**
 * Keyed hash chains over the append-only tables: the audit log, asset events
 * and BMC observations.
 *
 *   hash(n) = HMAC-SHA256(audit key, hash(n-1) + "\n" + canonical JSON of entry n)
 *
 * The key is not in the database (IRONLEDGER_AUDIT_KEY, else derived from the
 * secret key: IRONLEDGER_SECRET_KEY or the key file in the data directory), so
 * someone who can write the tables cannot recompute a chain after editing it.
 * A cut tail (the newest entries removed) leaves a shorter, valid chain: compare
 * the head (sequence, hash) with one kept elsewhere (`npm run audit:verify --
 * --head SEQ:HASH`).
 *
 * Audit entries written before keyed hashing carry hashVersion 1 (sha256);
 * they are accepted only before the first keyed entry, which anchors them.
 * Events and observations written before their chain existed have no chain
 * fields and are counted as "unchained".
 */
import { createHash, createHmac, hkdfSync } from "node:crypto";
import type { Db, Tx } from "../db/client";
import type { TProvider } from "../db/url";
import { env } from "../env";
import { secretKey } from "../crypto/secrets";

export const GENESIS = "0".repeat(64);
export const KEYED_VERSION = 2;

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

let cachedKey: { from: string; key: Buffer } | undefined;
/** The chain key: IRONLEDGER_AUDIT_KEY (any string of 32+ characters), else HKDF of the secret key. */
export function auditKey(): Buffer {
  const raw = env().IRONLEDGER_AUDIT_KEY;
  const from = raw ?? "secret";
  if (!cachedKey || cachedKey.from !== from) {
    const key = raw ? Buffer.from(raw, "utf8") : Buffer.from(hkdfSync("sha256", secretKey(), Buffer.alloc(0), "ironledger audit chain v2", 32));
    cachedKey = { from, key };
  }
  return cachedKey.key;
}

/** v1 (legacy, unkeyed): sha256. */
export function legacyHash(prevHash: string, content: unknown): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(content)).digest("hex");
}

export function keyedHash(prevHash: string, content: unknown, key: Buffer = auditKey()): string {
  return createHmac("sha256", key).update(prevHash).update("\n").update(canonicalJson(content)).digest("hex");
}

// ---------------------------------------------------------------- events and observations

export type TChainKind = "audit" | "events" | "observations";
const LOCKS: Record<TChainKind, number> = { audit: 724_551_002, events: 724_551_003, observations: 724_551_004 };

/**
 * Serialises appends to one chain inside the caller's transaction (PostgreSQL; SQLite has one writer).
 * Every chain lock is taken after the audit lock (which every write and every live-update notice
 * takes, see lockAppendOrder in ./service), so two transactions can never wait on each other's locks
 * in opposite orders. Advisory transaction locks are re-entrant.
 */
export async function lockChain(tx: Tx, provider: TProvider, kind: TChainKind): Promise<void> {
  if (provider !== "postgresql") return;
  if (kind !== "audit") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCKS.audit})`);
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCKS[kind]})`);
}

export interface TLink {
  chainSeq: number;
  prevHash: string;
  hash: string;
}

export interface TEventContent {
  assetId: string;
  at: Date;
  actorType: string;
  actorId: string;
  fromStatus: string | null;
  toStatus: string;
  reason: string | null;
  payload: string | null;
}
export function eventContent(e: TEventContent) {
  return { assetId: e.assetId, at: e.at.toISOString(), actorType: e.actorType, actorId: e.actorId, fromStatus: e.fromStatus, toStatus: e.toStatus, reason: e.reason, payload: e.payload };
}

export interface TObservationContent {
  endpointId: string;
  agentId: string;
  idempotencyKey: string;
  kind: string;
  observedAt: Date;
  receivedAt: Date;
  durationMs: number;
  payload: string;
}
export function observationContent(o: TObservationContent) {
  return { endpointId: o.endpointId, agentId: o.agentId, idempotencyKey: o.idempotencyKey, kind: o.kind, observedAt: o.observedAt.toISOString(), receivedAt: o.receivedAt.toISOString(), durationMs: o.durationMs, payload: o.payload };
}

/** The chain fields of the next asset event. Call inside the transaction that inserts it. */
export async function nextEventLink(tx: Tx, provider: TProvider, e: TEventContent): Promise<TLink> {
  await lockChain(tx, provider, "events");
  const last = await tx.assetEvent.findFirst({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true, hash: true } });
  const prevHash = last?.hash ?? GENESIS;
  return { chainSeq: (last?.chainSeq ?? 0) + 1, prevHash, hash: keyedHash(prevHash, eventContent(e)) };
}

/** The chain fields of an asset event appended after `last` (the chain's head, read under the chain lock), for a caller that reads the head itself. */
export function eventLinkAfter(last: { chainSeq: number | null; hash: string | null } | null | undefined, e: TEventContent): TLink {
  const prevHash = last?.hash ?? GENESIS;
  return { chainSeq: (last?.chainSeq ?? 0) + 1, prevHash, hash: keyedHash(prevHash, eventContent(e)) };
}

/** PostgreSQL advisory lock keys lockChain takes for `kind`, in the order it takes them (the audit lock first). */
export function chainLockKeys(kind: TChainKind): number[] {
  return kind === "audit" ? [LOCKS.audit] : [LOCKS.audit, LOCKS[kind]];
}

/** The chain fields of the next BMC observation. Call inside the transaction that inserts it. */
export async function nextObservationLink(tx: Tx, provider: TProvider, o: TObservationContent): Promise<TLink> {
  await lockChain(tx, provider, "observations");
  const last = await tx.bmcObservation.findFirst({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true, hash: true } });
  const prevHash = last?.hash ?? GENESIS;
  return { chainSeq: (last?.chainSeq ?? 0) + 1, prevHash, hash: keyedHash(prevHash, observationContent(o)) };
}

/** The chain fields of the next observations, in order, for rows inserted together. Call inside the transaction that inserts them. */
export async function nextObservationLinks(tx: Tx, provider: TProvider, rows: TObservationContent[]): Promise<TLink[]> {
  await lockChain(tx, provider, "observations");
  const last = await tx.bmcObservation.findFirst({ where: { chainSeq: { not: null } }, orderBy: { chainSeq: "desc" }, select: { chainSeq: true, hash: true } });
  let prevHash = last?.hash ?? GENESIS;
  let seq = last?.chainSeq ?? 0;
  const key = auditKey();
  return rows.map((r) => {
    const link = { chainSeq: ++seq, prevHash, hash: keyedHash(prevHash, observationContent(r), key) };
    prevHash = link.hash;
    return link;
  });
}

// ---------------------------------------------------------------- verification

export interface THead {
  seq: number;
  hash: string;
}

export interface TChainVerification {
  chain: TChainKind;
  ok: boolean;
  /** entries whose hash and link were checked */
  checked: number;
  /** audit: v1 (unkeyed) entries; events/observations: rows written before the chain existed */
  legacy: number;
  /** the newest entry: keep it elsewhere and pass it back with --head to detect a cut tail */
  head: THead | null;
  firstBroken?: { seq: number; reason: string };
}

interface TRow {
  seq: number;
  prevHash: string;
  hash: string;
  version: number;
  content: unknown;
}

type TFetch = (afterSeq: number, take: number) => Promise<TRow[]>;

async function walk(chain: TChainKind, fetch: TFetch, batch: number, key: Buffer): Promise<TChainVerification> {
  let prevHash = GENESIS;
  let afterSeq = 0;
  let checked = 0;
  let legacy = 0;
  let keyedSeen = false;
  let head: THead | null = null;
  const broken = (seq: number, reason: string): TChainVerification => ({ chain, ok: false, checked, legacy, head, firstBroken: { seq, reason } });
  for (;;) {
    const rows = await fetch(afterSeq, batch);
    if (rows.length === 0) return { chain, ok: true, checked, legacy, head };
    for (const r of rows) {
      if (r.prevHash !== prevHash) return broken(r.seq, "link broken: prevHash does not match the previous entry's hash (an entry was removed or reordered)");
      if (r.version === 1 && keyedSeen) return broken(r.seq, "content changed: an unkeyed (version 1) entry after keyed ones (entries were rewritten)");
      const want = r.version === 1 ? legacyHash(prevHash, r.content) : keyedHash(prevHash, r.content, key);
      if (want !== r.hash) return broken(r.seq, "content changed: the entry no longer matches its hash");
      if (r.version === 1) legacy++;
      else keyedSeen = true;
      prevHash = r.hash;
      checked++;
      afterSeq = r.seq;
      head = { seq: r.seq, hash: r.hash };
    }
  }
}

export function auditRowContent(r: { at: Date; actorType: string; actorId: string; action: string; entity: string; entityId: string; before: string | null; after: string | null }) {
  return { at: r.at.toISOString(), actorType: r.actorType, actorId: r.actorId, action: r.action, entity: r.entity, entityId: r.entityId, before: r.before, after: r.after };
}

const FETCH: Record<TChainKind, (db: Db) => TFetch> = {
  audit: (db) => async (afterSeq, take) =>
    (await db.auditLog.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take })).map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, version: r.hashVersion, content: auditRowContent(r) })),
  events: (db) => async (afterSeq, take) =>
    (await db.assetEvent.findMany({ where: { chainSeq: { gt: afterSeq } }, orderBy: { chainSeq: "asc" }, take })).map((r) => ({ seq: r.chainSeq!, prevHash: r.prevHash ?? "", hash: r.hash ?? "", version: KEYED_VERSION, content: eventContent(r) })),
  observations: (db) => async (afterSeq, take) =>
    (await db.bmcObservation.findMany({ where: { chainSeq: { gt: afterSeq } }, orderBy: { chainSeq: "asc" }, take })).map((r) => ({ seq: r.chainSeq!, prevHash: r.prevHash ?? "", hash: r.hash ?? "", version: KEYED_VERSION, content: observationContent(r) })),
};

/** Why an empty chain is suspicious: the rows that imply it should hold entries. */
async function expectedEntries(db: Db, chain: TChainKind): Promise<string | null> {
  if (chain === "audit") return (await db.user.count()) > 0 ? "the audit log is empty, but the database has users (every write is audited): entries were removed" : null;
  if (chain === "events") {
    const assets = await db.asset.count();
    const unchained = await db.assetEvent.count({ where: { chainSeq: null } });
    return assets > 0 && unchained === 0 ? "there are no asset events, but there are assets (each is registered with an event): events were removed" : null;
  }
  const seen = await db.bmcEndpoint.count({ where: { lastSeenAt: { not: null } } });
  const unchained = await db.bmcObservation.count({ where: { chainSeq: null } });
  return seen > 0 && unchained === 0 ? "there are no BMC observations, but endpoints were seen: observations were removed" : null;
}

/**
 * Walks one chain from the start. With `head`, also checks that the entry
 * `head.seq` is still there with `head.hash` (a cut tail or a rewritten chain
 * fails this even when what is left is consistent).
 */
export async function verifyChain(db: Db, chain: TChainKind, opts: { head?: THead; batch?: number } = {}): Promise<TChainVerification> {
  const result = await walk(chain, FETCH[chain](db), opts.batch ?? 5000, auditKey());
  if (chain !== "audit") {
    result.legacy = chain === "events" ? await db.assetEvent.count({ where: { chainSeq: null } }) : await db.bmcObservation.count({ where: { chainSeq: null } });
  }
  if (!result.ok) return result;
  if (result.checked === 0) {
    const why = await expectedEntries(db, chain);
    if (why) return { ...result, ok: false, firstBroken: { seq: 0, reason: `empty chain: ${why}` } };
  }
  const want = opts.head;
  if (want) {
    const at = result.head;
    if (!at || at.seq < want.seq) return { ...result, ok: false, firstBroken: { seq: want.seq, reason: `cut tail: the chain ends at ${at ? at.seq : "nothing"}, but the head kept elsewhere is ${want.seq}` } };
    const row = (await FETCH[chain](db)(want.seq - 1, 1))[0];
    if (!row || row.seq !== want.seq || row.hash !== want.hash) return { ...result, ok: false, firstBroken: { seq: want.seq, reason: "head mismatch: the entry at the kept head has another hash (the chain was rewritten)" } };
  }
  return result;
}
