import { z } from "zod";
import { ADMIN_ONLY, ANY_ROLE } from "../../auth/roles";
import { procedure, publicProcedure, router } from "../../trpc";
import { ZApiTokenCreate, ZLoginInput, ZUserCreate, ZUserUpdate } from "./schema";
import { createApiToken, createUser, listApiTokens, listUsers, login, logout, revokeApiToken, SESSION_COOKIE, sessionMaxAgeMs, updateUser } from "./service";

function sessionCookie(value: string, maxAgeSec: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure ? "; Secure" : ""}`;
}

// the cookie lives as long as the session may (the server ends idle sessions earlier)
export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const res = await login(ctx.deps, input, ctx.ip);
    ctx.resHeaders?.append("set-cookie", sessionCookie(res.token, Math.floor(sessionMaxAgeMs() / 1000), ctx.secureCookies));
    return { user: res.user, expiresAt: res.expiresAt };
  }),
  logout: procedure(ANY_ROLE).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logout(ctx.deps, ctx.sessionToken);
    ctx.resHeaders?.append("set-cookie", sessionCookie("", 0, ctx.secureCookies));
    return { ok: true };
  }),
  me: procedure(ANY_ROLE).query(({ ctx }) => ctx.actor),
});

export const usersRouter = router({
  list: procedure(ADMIN_ONLY).query(({ ctx }) => listUsers(ctx.deps)),
  create: procedure(ADMIN_ONLY).input(ZUserCreate).mutation(({ ctx, input }) => createUser(ctx.deps, ctx.actor, input)),
  update: procedure(ADMIN_ONLY).input(ZUserUpdate).mutation(({ ctx, input }) => updateUser(ctx.deps, ctx.actor, input)),
  tokens: procedure(ADMIN_ONLY).query(({ ctx }) => listApiTokens(ctx.deps)),
  createToken: procedure(ADMIN_ONLY).input(ZApiTokenCreate).mutation(({ ctx, input }) => createApiToken(ctx.deps, ctx.actor, input)),
  revokeToken: procedure(ADMIN_ONLY).input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => revokeApiToken(ctx.deps, ctx.actor, input.id)),
});
