/**
 * Error vocabulary shared by the CLI and the site agent. The protocol modules
 * (agents/ipmi, agents/redfish) throw errors carrying a string `code`; this
 * module maps those codes to observation reasons, CLI exit codes and one-line
 * messages a person can act on.
 */
import type { TObservation } from "../../server/contracts/agent";

export const PROBE_ERROR_CODES = ["timeout", "auth", "privilege", "tls-mismatch", "protocol", "network", "decode"] as const;
export type ProbeErrorCode = (typeof PROBE_ERROR_CODES)[number];

export type UnreachableReason = Extract<TObservation, { kind: "bmc.unreachable" }>["reason"];

/** CLI exit codes (documented in `ironledger --help`). */
export const EXIT = {
  ok: 0,
  other: 1,
  usage: 2,
  auth: 3,
  privilege: 4,
  timeout: 5,
  tlsMismatch: 6,
} as const;

export function probeErrorCode(err: unknown): ProbeErrorCode | null {
  if (err && typeof err === "object" && "code" in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === "string" && (PROBE_ERROR_CODES as readonly string[]).includes(code)) return code as ProbeErrorCode;
  }
  return null;
}

/** The reason recorded in a `bmc.unreachable` observation. */
export function unreachableReason(err: unknown): UnreachableReason {
  const code = probeErrorCode(err);
  switch (code) {
    case "timeout":
    case "auth":
    case "privilege":
    case "tls-mismatch":
    case "protocol":
    case "network":
      return code;
    case "decode":
      return "protocol";
    case null:
      return "protocol";
    default: {
      const never: never = code;
      return never;
    }
  }
}

export function exitCodeFor(err: unknown): number {
  const code = probeErrorCode(err);
  switch (code) {
    case "auth":
      return EXIT.auth;
    case "privilege":
      return EXIT.privilege;
    case "timeout":
      return EXIT.timeout;
    case "tls-mismatch":
      return EXIT.tlsMismatch;
    case "protocol":
    case "network":
    case "decode":
    case null:
      return EXIT.other;
    default: {
      const never: never = code;
      return never;
    }
  }
}

/**
 * The error's own message on one line. Secrets are kept out structurally: no
 * module puts a password into an error message in the first place (the
 * protocol modules name the user, never the password), so nothing here edits
 * text; replacing a secret's text would only reveal it (a password "x" turns
 * "expected" into "e***pected").
 */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*[\r\n]+\s*/g, " ").trim().slice(0, 1000) || "no detail";
}

/**
 * One clear sentence for a failed probe, e.g.
 * "authentication failed for admin@127.0.0.1:9001: wrong user name or password".
 */
export function describeProbeError(err: unknown, who: { user: string; target: string }): string {
  let detail = oneLine(err);
  // the protocol modules often prefix their message with the target already
  const ownTarget = err && typeof err === "object" && "target" in err && typeof err.target === "string" ? err.target : null;
  for (const prefix of [who.target, ownTarget]) if (prefix && detail.startsWith(`${prefix}: `)) detail = detail.slice(prefix.length + 2);
  const at = `${who.user}@${who.target}`;
  const code = probeErrorCode(err);
  switch (code) {
    case "auth":
      return `authentication failed for ${at}: ${detail}`;
    case "privilege":
      return `privilege level refused for ${at}: ${detail}`;
    case "timeout":
      return `timed out talking to ${who.target}: ${detail}`;
    case "tls-mismatch":
      return `TLS certificate of ${who.target} does not match the pinned fingerprint: ${detail}`;
    case "network":
      return `cannot reach ${who.target}: ${detail}`;
    case "protocol":
      return `protocol error from ${who.target}: ${detail}`;
    case "decode":
      return `could not decode the answer of ${who.target}: ${detail}`;
    case null:
      return `probe of ${who.target} failed: ${detail}`;
    default: {
      const never: never = code;
      return never;
    }
  }
}
