import { ADMIN_ONLY, ANY_ROLE } from "../../auth/roles";
import { capabilitiesFor, isReadOnly } from "../../auth/capabilities";
import { procedure, publicProcedure, router } from "../../trpc";
import { ZApiTokenCreate, ZApiTokenCreated, ZApiTokenRevoked, ZApiTokens, ZIdInput, ZLoginInput, ZLoginOutput, ZMe, ZOk, ZUnlockInput, ZUnlockOutput, ZUser, ZUserCreate, ZUsers, ZUserUpdate } from "./schema";
import { AppError } from "../../errors";
import { createApiToken, createUser, listApiTokens, listUsers, login, logout, revokeApiToken, SESSION_COOKIE, sessionMaxAgeMs, unlockUser, updateUser } from "./service";

function sessionCookie(value: string, maxAgeSec: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure ? "; Secure" : ""}`;
}

// the cookie lives as long as the session may (the server ends idle sessions earlier)
export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).output(ZLoginOutput).mutation(async ({ ctx, input }) => {
    const res = await login(ctx.deps, input, ctx.ip).catch((e: unknown) => {
      const wait = e instanceof AppError && e.code === "RATE_LIMITED" ? e.details?.retryAfterSec : undefined;
      if (typeof wait === "number") ctx.resHeaders?.set("retry-after", String(wait));
      throw e;
    });
    ctx.resHeaders?.append("set-cookie", sessionCookie(res.token, Math.floor(sessionMaxAgeMs() / 1000), ctx.secureCookies));
    return { user: res.user, expiresAt: res.expiresAt };
  }),
  logout: procedure(ANY_ROLE).output(ZOk).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logout(ctx.deps, ctx.sessionToken);
    ctx.resHeaders?.append("set-cookie", sessionCookie("", 0, ctx.secureCookies));
    return { ok: true };
  }),
  // the signed-in actor and what the UI may offer them (pages hold no role lists)
  me: procedure(ANY_ROLE).output(ZMe).query(({ ctx }) => {
    const can = capabilitiesFor(ctx.actor.role);
    return { ...ctx.actor, can, readOnly: isReadOnly(can) };
  }),
});

export const usersRouter = router({
  list: procedure(ADMIN_ONLY).output(ZUsers).query(({ ctx }) => listUsers(ctx.deps)),
  create: procedure(ADMIN_ONLY).input(ZUserCreate).output(ZUser).mutation(({ ctx, input }) => createUser(ctx.deps, ctx.actor, input)),
  update: procedure(ADMIN_ONLY).input(ZUserUpdate).output(ZUser).mutation(({ ctx, input }) => updateUser(ctx.deps, ctx.actor, input)),
  tokens: procedure(ADMIN_ONLY).output(ZApiTokens).query(({ ctx }) => listApiTokens(ctx.deps)),
  createToken: procedure(ADMIN_ONLY).input(ZApiTokenCreate).output(ZApiTokenCreated).mutation(({ ctx, input }) => createApiToken(ctx.deps, ctx.actor, input)),
  /** clears a user's failed sign-ins, by id or user name */
  unlock: procedure(ADMIN_ONLY).input(ZUnlockInput).output(ZUnlockOutput).mutation(({ ctx, input }) => unlockUser(ctx.deps, ctx.actor, input.user)),
  revokeToken: procedure(ADMIN_ONLY).input(ZIdInput).output(ZApiTokenRevoked).mutation(({ ctx, input }) => revokeApiToken(ctx.deps, ctx.actor, input.id)),
});
