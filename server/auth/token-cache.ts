/**
 * A short-lived, per-process cache of API-token lookups (REST /api/v1) and
 * agent-token lookups (/api/agent/v1), so a scan or an agent's batch does not
 * pay a database round trip for its bearer token every time.
 *
 * - Only tokens that were valid when read are cached, for TOKEN_CACHE_TTL_MS
 *   of real time; expiry (expiresAt) is checked against the caller's clock on
 *   every hit, so a token still stops at its expiry to the millisecond.
 * - Revoking a token or an agent, and changing or deactivating a user (a token
 *   is never worth more than its creator), call invalidateTokenCache after commit: in
 *   this process the next request reads the database again. A lookup that was
 *   already reading when the invalidation came is not cached (generation check),
 *   so it cannot put the old state back.
 * - Other processes (more web replicas, the admin CLI) do not see this
 *   invalidation: there a revocation takes effect within TOKEN_CACHE_TTL_MS.
 *   docs/security.md and docs/performance.md state that bound.
 *
 * The cache lives on globalThis, per database client: the Next.js route
 * handlers and the node:http dispatcher (server/api-dispatch.ts) are two
 * copies of the server code in one process and must share it.
 */
import type { Db } from "../db/client";

export const TOKEN_CACHE_TTL_MS = 5_000;
/** more distinct live tokens than this in TTL_MS and the cache starts over (a bound, not an expected size) */
const MAX_ENTRIES = 10_000;

interface TEntry<T> {
  value: T;
  until: number;
}
interface TCache {
  generation: number;
  entries: Map<string, TEntry<unknown>>;
}

const g = globalThis as unknown as { __ironledgerTokenCache?: WeakMap<object, TCache> };
function cacheFor(db: Db): TCache {
  const all = (g.__ironledgerTokenCache ??= new WeakMap());
  let c = all.get(db);
  if (!c) all.set(db, (c = { generation: 0, entries: new Map() }));
  return c;
}

/**
 * The cached value for `key`, else `load()`'s; a value is kept only when
 * `keep(value)` says so and nothing was invalidated while it loaded.
 */
export async function cachedToken<T>(db: Db, key: string, load: () => Promise<T>, keep: (v: T) => boolean): Promise<T> {
  const c = cacheFor(db);
  const hit = c.entries.get(key);
  const now = Date.now();
  if (hit && hit.until > now) return hit.value as T;
  if (hit) c.entries.delete(key);
  const generation = c.generation;
  const value = await load();
  if (keep(value) && c.generation === generation) {
    if (c.entries.size >= MAX_ENTRIES) c.entries.clear();
    c.entries.set(key, { value, until: Date.now() + TOKEN_CACHE_TTL_MS });
  }
  return value;
}

/** Forget every cached token of this database (after a revocation or a user change commits). */
export function invalidateTokenCache(db: Db): void {
  const c = cacheFor(db);
  c.generation++;
  c.entries.clear();
}
