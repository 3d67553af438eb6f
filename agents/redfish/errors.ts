/**
 * Typed errors of the Redfish client. `code` is the machine-readable reason an
 * agent reports (see ZObservation "bmc.unreachable" in server/contracts/agent.ts).
 */
export type RedfishErrorCode = "timeout" | "auth" | "privilege" | "tls-mismatch" | "protocol" | "network";

export class RedfishError extends Error {
  readonly code: RedfishErrorCode;
  readonly status: number | null;
  readonly url: string | null;

  constructor(code: RedfishErrorCode, message: string, extra: { status?: number; url?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "RedfishError";
    this.code = code;
    this.status = extra.status ?? null;
    this.url = extra.url ?? null;
  }
}

export function isRedfishError(e: unknown): e is RedfishError {
  return e instanceof RedfishError;
}

/** Map anything thrown below us (socket errors, aborted requests) to a RedfishError. */
export function toRedfishError(e: unknown, url?: string): RedfishError {
  if (e instanceof RedfishError) return e;
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === "string" ? err.code : "";
  const msg = typeof err?.message === "string" ? err.message : String(e);
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return new RedfishError("timeout", `BMC did not answer in time (${msg})`, { url, cause: e });
  const reason = typeof (e as { reason?: unknown } | null)?.reason === "string" ? (e as { reason: string }).reason : "";
  const where = url ? ` at ${new URL(url).host}` : "";
  // an https:// URL to a plain-HTTP port: OpenSSL sees an HTTP answer where a TLS record should be
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_HTTP_REQUEST" || /wrong version number|http request|packet length too long/i.test(`${reason} ${msg}`)) {
    return new RedfishError("network", `the BMC${where} does not speak TLS on this port (a plain-HTTP port?); give the BMC's HTTPS port`, { url, cause: e });
  }
  if (code === "EPROTO" || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || /ssl|tls/i.test(msg)) {
    // OpenSSL's own text (addresses, source files) stays out of the message; the short reason is enough
    const why = (reason || code || "TLS error").replace(/[^\w .:-]/g, "").slice(0, 80);
    return new RedfishError("network", `TLS handshake with the BMC${where} failed (${why})`, { url, cause: e });
  }
  return new RedfishError("network", `cannot reach the BMC: ${msg}${code ? ` (${code})` : ""}`, { url, cause: e });
}
