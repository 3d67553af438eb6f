/**
 * Normalisers the server and the field agents share: the ONE place serials and
 * BMC addresses are read, so the CMDB and what a BMC reports compare alike.
 * Pure functions, no imports (agents/ may import server/contracts only).
 */

/** Values BMCs and FRUs put where they have no serial. */
const SERIAL_PLACEHOLDERS = new Set(["N/A", "NA", "NONE", "NULL", "NOTSPECIFIED", "NOTAVAILABLE", "UNKNOWN", "DEFAULTSTRING", "TOBEFILLEDBYO.E.M."]);

/**
 * A serial as stored and compared: trimmed, upper-case, inner whitespace
 * dropped (scanners, people and FRU fields add it). "cz 12 3" → "CZ123".
 */
export function normaliseSerial(raw: string): string {
  return raw.trim().replace(/\s+/g, "").toUpperCase();
}

/** True for what stands in for a missing serial: empty, all zeros, "N/A", "Not Specified", "To Be Filled By O.E.M." … */
export function isPlaceholderSerial(raw: string): boolean {
  const n = normaliseSerial(raw);
  return n === "" || /^0+$/.test(n) || SERIAL_PLACEHOLDERS.has(n);
}

/** A serial a BMC reported, normalised; null when there is none or only a placeholder. */
export function observedSerial(raw: string | null | undefined): string | null {
  if (typeof raw !== "string" || isPlaceholderSerial(raw)) return null;
  return normaliseSerial(raw);
}

export const IPMI_DEFAULT_PORT = 623;

export type THostPort = { ok: true; host: string; port: number } | { ok: false; error: string };

/**
 * "host", "host:port", "[v6]" or "[v6]:port" → host and port (default 623).
 * Host names and IPv4: letters, digits, "." and "-"; IPv6 only in brackets.
 * Port: 1–65535. Surrounding whitespace is ignored.
 */
export function readHostPort(address: string, defaultPort = IPMI_DEFAULT_PORT): THostPort {
  const s = address.trim();
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
    if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(":")) return { ok: false, error: `"${address}" has no valid IPv6 address in brackets` };
  } else {
    const parts = s.split(":");
    if (parts.length > 2) return { ok: false, error: `"${address}" is not HOST:PORT (write IPv6 addresses as [addr]:port)` };
    host = parts[0]!;
    portText = parts[1];
    if (!host) return { ok: false, error: `"${address}" has no host` };
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) return { ok: false, error: `"${address}" has an invalid host (letters, digits, "." and "-")` };
  }
  if (portText === undefined) return { ok: true, host, port: defaultPort };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return { ok: false, error: `"${address}" has an invalid port (1-65535)` };
  return { ok: true, host, port };
}

/** readHostPort that throws an Error with the reason. */
export function parseHostPort(address: string, defaultPort = IPMI_DEFAULT_PORT): { host: string; port: number } {
  const r = readHostPort(address, defaultPort);
  if (!r.ok) throw new Error(r.error);
  return { host: r.host, port: r.port };
}
