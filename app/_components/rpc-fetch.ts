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
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** A session that expired while the page was open: sign in again and come back here. */
export function onUnauthorizedCode(code: string | null | undefined): void {
  if (code !== "UNAUTHORIZED" || typeof window === "undefined" || window.location.pathname === "/login") return;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

type TEnvelope = { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { code?: string } } } };

async function read<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as TEnvelope | null;
  if (res.ok && body?.result?.data) return body.result.data.json as T;
  const code = body?.error?.json?.data?.code ?? null;
  onUnauthorizedCode(code);
  throw new RpcError(body?.error?.json?.message ?? `The server answered ${res.status}. Try again.`, code);
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
