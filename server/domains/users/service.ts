/**
 * Users, password login with rate limiting, sessions, API tokens.
 * Secrets (passwords, session ids, tokens) are stored only as hashes.
 */
import type { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { ZRole, type TRole } from "../../auth/roles";
import { generatePassword, hashPassword, needsRehash, randomToken, scryptParams, sha256, verifyPassword } from "../../auth/password";
import { HashSlots, HashSlotsFullError } from "../../auth/hash-slots";
import { cachedToken, invalidateTokenCache } from "../../auth/token-cache";
import { appendAudit } from "../audit/service";
import { env } from "../../env";
import { ZApiTokenCreate, ZLoginInput, ZUserCreate, ZUserUpdate } from "./schema";

export const SESSION_COOKIE = "il_session";
/** A session unused this long ends (sliding); it ends at sessionMaxAgeMs() after sign-in in any case. */
export const SESSION_TTL_MS = 4 * 60 * 60 * 1000;
/** A session ends this long after sign-in however active it is (IRONLEDGER_SESSION_MAX_HOURS, default 12). */
export function sessionMaxAgeMs(): number {
  return env().IRONLEDGER_SESSION_MAX_HOURS * 60 * 60 * 1000;
}
/**
 * Sign-in throttling. Failures count per user name AND client address, so a
 * stranger guessing `admin` slows down only themself: after
 * FREE_FAILS_PER_PAIR failures each further try from that address waits
 * 1 s, 2 s, 4 s, … (at most 15 minutes) after the previous failure. One
 * address with MAX_FAILS_PER_IP failures in the window (any user names) is
 * refused until the oldest leaves the window. Refusals are 429 with
 * Retry-After; an admin can clear a user's failures (unlockUser).
 */
export const RATE_WINDOW_MS = 15 * 60 * 1000;
export const FREE_FAILS_PER_PAIR = 3;
export const MAX_FAILS_PER_IP = 30;
const MAX_DELAY_MS = RATE_WINDOW_MS;
/** concurrent password hashing: 4 at once, 2 per client address (server/auth/hash-slots.ts) */
const hashSlots = new HashSlots(4, 2, 8);

/** The wait after `fails` failures of one user name from one address. */
export function failureDelayMs(fails: number): number {
  return fails < FREE_FAILS_PER_PAIR ? 0 : Math.min(1000 * 2 ** (fails - FREE_FAILS_PER_PAIR), MAX_DELAY_MS);
}

function rateLimited(message: string, retryAfterMs: number): AppError {
  const retryAfterSec = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError("RATE_LIMITED", message.replace("{wait}", retryAfterSec >= 90 ? `${Math.ceil(retryAfterSec / 60)} minutes` : retryAfterSec === 1 ? "1 second" : `${retryAfterSec} seconds`), { details: { retryAfterSec } });
}
export const API_TOKEN_PREFIX = "ilt_";

const publicUser = { id: true, username: true, displayName: true, role: true, active: true, createdAt: true } as const;

export async function createUser(deps: TDeps, actor: TActor, input: z.input<typeof ZUserCreate>) {
  const data = ZUserCreate.parse(input);
  // hash before the transaction: scrypt is slow on purpose, and a transaction (SQLite: the one writer) should not wait for it
  const passwordHash = await hashPassword(data.password);
  try {
    return await deps.db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { username: data.username, displayName: data.displayName, role: data.role, passwordHash }, select: publicUser });
      await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "create", entity: "User", entityId: user.id, after: user });
      return user;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `The user name ${data.username} is taken.`, { fields: { username: ["Taken"] } });
    throw e;
  }
}

export async function updateUser(deps: TDeps, actor: TActor, input: z.input<typeof ZUserUpdate>) {
  const { id, data } = ZUserUpdate.parse(input);
  const before = await deps.db.user.findUnique({ where: { id }, select: publicUser });
  if (!before) throw new AppError("NOT_FOUND", `No user with id ${id}.`);
  if (actor.id === id && (data.role && data.role !== "admin" || data.active === false)) throw new AppError("BAD_REQUEST", "You cannot demote or deactivate yourself; ask another admin.");
  const { password, ...rest } = data;
  const passwordHash = password ? await hashPassword(password) : undefined; // before the transaction: keep it short
  const updated = await deps.db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id }, data: { ...rest, ...(passwordHash ? { passwordHash } : {}) }, select: publicUser });
    if (data.active === false || password || data.role) await tx.session.deleteMany({ where: { userId: id } });
    await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "update", entity: "User", entityId: id, before, after: { ...user, passwordChanged: Boolean(password) } });
    return user;
  });
  invalidateTokenCache(deps.db); // a token is worth no more than its creator is now (role, active)
  return updated;
}

export function listUsers(deps: TDeps) {
  return deps.db.user.findMany({ orderBy: { username: "asc" }, select: publicUser });
}

/** Creates the first admin when there is no user yet. Returns the generated password (to print once) or null. */
export async function ensureFirstAdmin(deps: TDeps, password?: string): Promise<{ username: string; password: string | null } | null> {
  if ((await deps.db.user.count()) > 0) return null;
  const pw = password ?? generatePassword();
  await createUser(deps, { type: "system", id: "system", name: "IronLedger", role: "admin" }, { username: "admin", displayName: "Administrator", role: "admin", password: pw });
  return { username: "admin", password: password ? null : pw };
}

export interface TLoginResult {
  token: string;
  expiresAt: Date;
  user: { id: string; username: string; displayName: string; role: TRole };
}

export async function login(deps: TDeps, input: z.input<typeof ZLoginInput>, ip: string): Promise<TLoginResult> {
  const { username, password } = ZLoginInput.parse(input);
  const now = deps.clock.now();
  const since = new Date(now.getTime() - RATE_WINDOW_MS);
  // Claim the attempt first (as a failure), then count: of many parallel attempts the k-th claim
  // sees at least k failures, so no burst gets more than the limit through.
  const attempt = await deps.db.loginAttempt.create({ data: { username, ip, success: false, at: now }, select: { id: true } });
  const failed = { success: false, at: { gte: since } };
  const [pairFails, ipFails, lastOther, oldestIp] = await Promise.all([
    deps.db.loginAttempt.count({ where: { username, ip, ...failed } }),
    deps.db.loginAttempt.count({ where: { ip, ...failed } }),
    deps.db.loginAttempt.findFirst({ where: { username, ip, ...failed, id: { not: attempt.id } }, orderBy: { at: "desc" }, select: { at: true } }),
    deps.db.loginAttempt.findFirst({ where: { ip, ...failed }, orderBy: { at: "asc" }, select: { at: true } }),
  ]);
  const refuse = async (e: AppError) => {
    await deps.db.loginAttempt.delete({ where: { id: attempt.id } }); // a refused attempt does not extend the wait
    return e;
  };
  if (ipFails > MAX_FAILS_PER_IP) {
    throw await refuse(rateLimited("Too many failed sign-ins from your address. Try again in {wait}.", (oldestIp?.at.getTime() ?? now.getTime()) + RATE_WINDOW_MS - now.getTime()));
  }
  const delay = failureDelayMs(pairFails - 1);
  if (delay > 0 && lastOther && now.getTime() - lastOther.at.getTime() < delay) {
    throw await refuse(rateLimited("Too many wrong passwords for this user from your address. Try again in {wait}, or ask an administrator to unlock the account.", lastOther.at.getTime() + delay - now.getTime()));
  }
  const user = await deps.db.user.findUnique({ where: { username } });
  let ok: boolean;
  let rehashed: string | null = null;
  try {
    // verify against a dummy hash when the user does not exist, so timing does not reveal user names
    ok = await hashSlots.run(ip, async () => {
      const good = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, dummyHash()), false);
      if (good && user && needsRehash(user.passwordHash)) rehashed = await hashPassword(password);
      return good;
    });
  } catch (e) {
    if (e instanceof HashSlotsFullError) throw await refuse(rateLimited("Too many sign-ins at once from your address. Try again in {wait}.", 1000));
    throw e;
  }
  if (!user || !ok || !user.active) {
    throw new AppError("UNAUTHORIZED", user && ok && !user.active ? "This account is deactivated. Ask an administrator." : "Wrong user name or password.");
  }
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + Math.min(SESSION_TTL_MS, sessionMaxAgeMs()));
  const actor: TActor = { type: "user", id: user.id, name: user.displayName, role: ZRole.parse(user.role) };
  await deps.db.$transaction(async (tx) => {
    await tx.session.create({ data: { id: sha256(token), userId: user.id, createdAt: now, expiresAt, lastSeenAt: now } });
    await tx.loginAttempt.update({ where: { id: attempt.id }, data: { success: true } });
    // a success from this address forgives its earlier failures for this user
    await tx.loginAttempt.deleteMany({ where: { username, ip, success: false } });
    if (rehashed) await tx.user.update({ where: { id: user.id }, data: { passwordHash: rehashed } });
    await appendAudit(tx, deps.provider, actor, now, { action: "login", entity: "User", entityId: user.id, after: { ip, ...(rehashed ? { passwordRehashed: true } : {}) } });
  });
  return { token, expiresAt, user: { id: user.id, username: user.username, displayName: user.displayName, role: actor.role } };
}
/** What an unknown user name is checked against: the work of a real user's check. */
function dummyHash(): string {
  const { N, r, p } = scryptParams();
  return `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
}

/** Clears a user's failed sign-ins (every address), so they can sign in at once. Audited. */
export async function unlockUser(deps: TDeps, actor: TActor, user: string): Promise<{ id: string; username: string; cleared: number }> {
  const key = user.trim();
  const found = await deps.db.user.findFirst({ where: { OR: [{ id: key }, { username: key.toLowerCase() }] }, select: { id: true, username: true } });
  if (!found) throw new AppError("NOT_FOUND", `No user with id or user name "${key}".`);
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.loginAttempt.deleteMany({ where: { username: found.username, success: false } });
    await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "unlock", entity: "User", entityId: found.id, after: { clearedFailures: count } });
    return { id: found.id, username: found.username, cleared: count };
  });
}

export async function logout(deps: TDeps, token: string): Promise<void> {
  const session = await deps.db.session.findUnique({ where: { id: sha256(token) }, select: { id: true, user: { select: { id: true, displayName: true, role: true } } } });
  if (!session) return;
  await deps.db.$transaction(async (tx) => {
    await tx.session.delete({ where: { id: session.id } });
    await appendAudit(tx, deps.provider, { type: "user", id: session.user.id, name: session.user.displayName, role: ZRole.parse(session.user.role) }, deps.clock.now(), { action: "logout", entity: "User", entityId: session.user.id });
  });
}

/** The actor behind a session cookie, or null. Sliding expiry, refreshed at most once a minute. */
export async function actorFromSession(deps: TDeps, token: string | undefined): Promise<(TActor & { username: string }) | null> {
  if (!token || token.length > 100) return null;
  const now = deps.clock.now();
  const s = await deps.db.session.findUnique({ where: { id: sha256(token) }, select: { id: true, createdAt: true, expiresAt: true, lastSeenAt: true, user: { select: { id: true, username: true, displayName: true, role: true, active: true } } } });
  const endOfLife = s ? s.createdAt.getTime() + sessionMaxAgeMs() : 0;
  if (!s || s.expiresAt <= now || now.getTime() >= endOfLife || !s.user.active) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
    // sliding, but never past the absolute lifetime
    await deps.db.session.update({ where: { id: s.id }, data: { lastSeenAt: now, expiresAt: new Date(Math.min(now.getTime() + SESSION_TTL_MS, endOfLife)) } }).catch(() => {});
  }
  return { type: "user", id: s.user.id, name: s.user.displayName, username: s.user.username, role: ZRole.parse(s.user.role) };
}

/** `owner`: the user the token belongs to (default: the actor); the operator CLI creates tokens as the system actor for an admin. */
export async function createApiToken(deps: TDeps, actor: TActor, input: z.input<typeof ZApiTokenCreate>, owner: { id: string } = actor) {
  const data = ZApiTokenCreate.parse(input);
  const token = API_TOKEN_PREFIX + randomToken();
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: { name: data.name, role: data.role, prefix: token.slice(0, 10), tokenHash: sha256(token), createdById: owner.id, createdAt: now, expiresAt: data.expiresInDays ? new Date(now.getTime() + data.expiresInDays * 86_400_000) : null },
      select: { id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true },
    });
    await appendAudit(tx, deps.provider, actor, now, { action: "create", entity: "ApiToken", entityId: row.id, after: row });
    return { ...row, token }; // shown once
  });
}

export function listApiTokens(deps: TDeps) {
  return deps.db.apiToken.findMany({ orderBy: { createdAt: "desc" }, select: { id: true, name: true, role: true, prefix: true, createdAt: true, expiresAt: true, lastUsedAt: true, revokedAt: true } });
}

export async function revokeApiToken(deps: TDeps, actor: TActor, id: string) {
  const t = await deps.db.apiToken.findUnique({ where: { id }, select: { id: true, name: true, revokedAt: true } });
  if (!t) throw new AppError("NOT_FOUND", `No API token with id ${id}.`);
  if (t.revokedAt) return t;
  const revoked = await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    const row = await tx.apiToken.update({ where: { id }, data: { revokedAt: now }, select: { id: true, name: true, revokedAt: true } });
    await appendAudit(tx, deps.provider, actor, now, { action: "revoke", entity: "ApiToken", entityId: id, before: t, after: row });
    return row;
  });
  invalidateTokenCache(deps.db); // after commit: the next request reads the revocation
  return revoked;
}

export async function actorFromApiToken(deps: TDeps, token: string): Promise<TActor | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 100) return null;
  const now = deps.clock.now();
  // cached for a few seconds (server/auth/token-cache.ts); revocation and user changes clear it
  const tokenHash = sha256(token);
  const t = await cachedToken(
    deps.db,
    tokenHash,
    (): Promise<TTokenRow | null> =>
      deps.db.apiToken.findUnique({ where: { tokenHash }, select: { id: true, name: true, role: true, revokedAt: true, expiresAt: true, lastUsedAt: true, createdBy: { select: { active: true, role: true } } } }),
    (r) => r !== null && !r.revokedAt && r.createdBy.active,
  );
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= now) || !t.createdBy.active) return null;
  // a token is never worth more than its creator is now
  if (!creatorMayHold(ZRole.parse(t.createdBy.role), ZRole.parse(t.role))) return null;
  if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() > 60_000) {
    t.lastUsedAt = now; // the cached row too: one write a minute, not one per request
    await deps.db.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: now } }).catch(() => {});
  }
  return { type: "token", id: t.id, name: t.name, role: ZRole.parse(t.role) };
}

interface TTokenRow {
  id: string;
  name: string;
  role: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdBy: { active: boolean; role: string };
}

/** Whether someone of `creator`'s role may still hold a token of `token`'s role: an admin any, others their own role or viewer. */
function creatorMayHold(creator: TRole, token: TRole): boolean {
  return creator === "admin" || creator === token || token === "viewer";
}

/** Housekeeping: expired sessions and login attempts older than a day (rate limiting needs only 15 minutes). */
export async function purgeExpiredSessions(deps: TDeps): Promise<number> {
  const now = deps.clock.now();
  const a = await deps.db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  const b = await deps.db.loginAttempt.deleteMany({ where: { at: { lt: new Date(now.getTime() - 86_400_000) } } });
  return a.count + b.count;
}

/** Display names of the users and API tokens behind recorded actors (`actorType` "user" / "token"), by id. */
export async function actorDisplayNames(deps: TDeps, actors: { actorType: string; actorId: string }[]): Promise<Map<string, string>> {
  const userIds = [...new Set(actors.filter((e) => e.actorType === "user").map((e) => e.actorId))];
  const tokenIds = [...new Set(actors.filter((e) => e.actorType === "token").map((e) => e.actorId))];
  const [users, tokens] = await Promise.all([
    userIds.length ? deps.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } }) : [],
    tokenIds.length ? deps.db.apiToken.findMany({ where: { id: { in: tokenIds } }, select: { id: true, name: true } }) : [],
  ]);
  return new Map([...users.map((u) => [u.id, u.displayName] as const), ...tokens.map((t) => [t.id, `API token “${t.name}”`] as const)]);
}
