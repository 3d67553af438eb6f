/**
 * Calling a tRPC procedure with plain `fetch`, for the few calls the shell
 * makes on every page (scan-to-open, sign out): no tRPC client, react-query or
 * superjson in the first load. Same endpoint, same server checks: a mutation
 * carries the CSRF header that server/csrf.ts requires on every tRPC POST, and
 * results are read from the superjson envelope (`{ json, meta }`), so only
 * procedures whose output is plain JSON (no dates) belong here.
 */

/** server/csrf.ts refuses tRPC mutations without it: a form on another site cannot add a custom header */
export const CSRF_HEADER = { "x-ironledger-request": "1" } as const;

export class RpcError extends Error {
  constructor(
    message: string,
    /** the AppError code (CONFLICT, INVALID_TRANSITION, …) or tRPC's (UNAUTHORIZED, …) */
    readonly code: string | null,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

/**
 * What a page shows for a call refused because the session ended, instead of
 * the server's "Sign in first." under a header that still names the user: the
 * page is on its way to sign-in (forms keep their drafts, ui/draft.ts).
 */
export const SESSION_ENDED = "Your session has ended. Taking you to sign in; you come back here afterwards.";

/** UNAUTHORIZED outside the sign-in page (where it means a wrong password): the session ended. */
export function isSessionEnded(code: string | null | undefined): boolean {
  return code === "UNAUTHORIZED" && typeof window !== "undefined" && window.location.pathname !== "/login";
}

/**
 * A session that expired while the page was open: sign in again and come back here. Several calls
 * refused together may each start the same navigation; the last one wins, and the page lands on
 * sign-in either way (a once-only flag would strand the page if its first navigation were aborted).
 */
export function onUnauthorizedCode(code: string | null | undefined): void {
  if (!isSessionEnded(code)) return;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

/** The code of a failed call: RpcError's, or a tRPC client error's `data.code`. */
export function errorCode(e: unknown): string | null {
  if (e instanceof RpcError) return e.code;
  return (e as { data?: { appCode?: string | null; code?: string } } | null)?.data?.appCode ?? (e as { data?: { code?: string } } | null)?.data?.code ?? null;
}

/** The sentence a person reads for a failed call, whichever client made it. */
export function errorMessage(e: unknown): string {
  if (isSessionEnded(errorCode(e))) return SESSION_ENDED;
  return e instanceof Error && e.message ? e.message : "Something went wrong. Try again.";
}

type TEnvelope = { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { code?: string; appCode?: string | null; details?: Record<string, unknown> | null } } } };

async function read<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as TEnvelope | null;
  if (res.ok && body?.result?.data) return body.result.data.json as T;
  const data = body?.error?.json?.data;
  const code = data?.appCode ?? data?.code ?? null;
  onUnauthorizedCode(code);
  throw new RpcError(isSessionEnded(code) ? SESSION_ENDED : (body?.error?.json?.message ?? `The server answered ${res.status}. Try again.`), code, data?.details ?? null);
}

/** A query (GET, no side effects). */
export async function rpcQuery<T>(path: string, input: unknown): Promise<T> {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return read<T>(await fetch(`/api/trpc/${path}${qs}`, { headers: { accept: "application/json" } }));
}

/** A mutation (POST with the CSRF header). */
export async function rpcMutation<T>(path: string, input?: unknown): Promise<T> {
  const res = await fetch(`/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...CSRF_HEADER },
    body: JSON.stringify(input === undefined ? {} : { json: input }),
  });
  return read<T>(res);
}
