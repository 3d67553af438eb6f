/**
 * Walks a switch's LLDP-MIB and IF-MIB names over SNMP (v2c, or v3 authPriv) with net-snmp and returns
 * the LLDP view (server/contracts/lldp.ts). Errors carry a `code` the CLI and the agent map like the BMC
 * probes' (agents/runner/errors.ts): "timeout", "auth", "network", "protocol"; messages name the target
 * and what to check, never a secret.
 */
import snmp, { type Session, type Varbind } from "net-snmp";
import type { TLldpView } from "../../server/contracts/lldp";
import { buildLldpView, emptyRaw, macText, type RawLldp } from "./decode";

export const SNMP_AUTH_PROTOCOLS = ["sha", "sha256"] as const;
export const SNMP_PRIV_PROTOCOLS = ["aes", "aes256b", "aes256r"] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

export type SnmpCredentials =
  | { version: "2c"; community: string }
  | { version: "3"; user: string; authProtocol: SnmpAuthProtocol; authKey: string; privProtocol: SnmpPrivProtocol; privKey: string };

export type SnmpTarget = { host: string; port: number; timeoutMs?: number; retries?: number; maxRepetitions?: number } & SnmpCredentials;

export class SnmpWalkError extends Error {
  constructor(
    readonly code: "timeout" | "auth" | "network" | "protocol",
    message: string,
  ) {
    super(message);
    this.name = "SnmpWalkError";
  }
}

const LLDP_LOC = "1.0.8802.1.1.2.1.3"; // lldpLocalSystemData: 1 chassis subtype, 2 chassis id, 3 sysName, 7 port table
const LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"; // lldpRemTable
const IF_DESCR = "1.3.6.1.2.1.2.2.1.2";
const IF_PHYS = "1.3.6.1.2.1.2.2.1.6";
const IF_NAME = "1.3.6.1.2.1.31.1.1.1.1";
const IF_ALIAS = "1.3.6.1.2.1.31.1.1.1.18";

function label(t: SnmpTarget): string {
  return t.host.includes(":") ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

function openSession(t: SnmpTarget): Session {
  const options = {
    port: t.port,
    timeout: t.timeoutMs ?? 2000,
    retries: t.retries ?? 1,
    backoff: 1,
    transport: t.host.includes(":") ? ("udp6" as const) : ("udp4" as const),
  };
  if (t.version === "2c") return snmp.createSession(t.host, t.community, { ...options, version: snmp.Version2c });
  return snmp.createV3Session(
    t.host,
    {
      name: t.user,
      level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols[t.authProtocol],
      authKey: t.authKey,
      privProtocol: snmp.PrivProtocols[t.privProtocol],
      privKey: t.privKey,
    },
    { ...options, version: snmp.Version3 },
  );
}

function credentialHint(t: SnmpTarget): string {
  return t.version === "2c"
    ? "check the community (--community-env) and that the switch allows this address"
    : `check --v3-user, --auth ${t.authProtocol} and the key in --auth-env`;
}

/** net-snmp's error as a SnmpWalkError saying what to check. */
export function describeSnmpError(err: unknown, t: SnmpTarget): SnmpWalkError {
  if (err instanceof SnmpWalkError) return err;
  const e = err as { name?: string; message?: string; code?: unknown };
  const where = label(t);
  const msg = String(e?.message ?? err);
  if (e?.name === "RequestTimedOutError") {
    const hint =
      t.version === "2c"
        ? "check the address, that snmpd listens there and the community (v2c agents do not answer a wrong community)"
        : `check the address, and --priv ${t.privProtocol} and the key in --priv-env (a wrong privacy key or the other AES-256 variant, aes256b vs aes256r, looks like this)`;
    return new SnmpWalkError("timeout", `SNMP request to ${where} timed out: ${hint}`);
  }
  if (e?.name === "ResponseInvalidError" && t.version === "3" && /Wrong Digest|Unknown User|Unsupported Security Level|Decryption|EAuthFailure|authentication/i.test(msg + String(e.code)))
    return new SnmpWalkError("auth", `SNMPv3 authentication failed for user ${t.user} at ${where} (${msg}): ${credentialHint(t)}${/Decryption/i.test(msg) ? `, and --priv ${t.privProtocol} with the key in --priv-env` : ""}`);
  if (e?.name === "ResponseInvalidError" && /decrypt/i.test(msg) && t.version === "3")
    return new SnmpWalkError("auth", `SNMPv3 answer from ${where} could not be decrypted for user ${t.user}: check --priv ${t.privProtocol} and the key in --priv-env`);
  if (e?.name === "ResponseInvalidError" || e?.name === "RequestFailedError") return new SnmpWalkError("protocol", `SNMP agent at ${where} answered something unexpected: ${msg}`);
  if (typeof e?.code === "string" && /^E[A-Z]+/.test(e.code)) return new SnmpWalkError("network", `cannot reach the SNMP agent at ${where}: ${msg}`);
  return new SnmpWalkError("protocol", `SNMP walk of ${where} failed: ${msg}`);
}

function subtree(session: Session, oid: string, maxRep: number, feed: (vb: Varbind) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    session.subtree(
      oid,
      maxRep,
      (varbinds) => {
        for (const vb of varbinds) if (!snmp.isVarbindError(vb)) feed(vb);
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

/** The index part of `oid` below `base` (which must be a prefix), as numbers. */
function indexOf(oid: string, base: string): number[] {
  return oid.slice(base.length + 1).split(".").map(Number);
}

/** Walks LLDP-MIB (local system, local ports, remote table) and IF-MIB names; the whole view or an error. */
export async function walkLldp(t: SnmpTarget): Promise<TLldpView> {
  const session = openSession(t);
  const raw: RawLldp = emptyRaw();
  const maxRep = t.maxRepetitions ?? 40;
  let sessionError: unknown = null;
  session.on("error", (err) => {
    sessionError = err;
  });
  try {
    // the local system first: a wrong key fails here once, not four times in parallel
    await subtree(session, LLDP_LOC, maxRep, (vb) => {
      const [col, ...rest] = indexOf(vb.oid, LLDP_LOC);
      if (col === 1) raw.locChassisIdSubtype = Number(vb.value);
      else if (col === 2 && Buffer.isBuffer(vb.value)) raw.locChassisId = vb.value;
      else if (col === 3 && Buffer.isBuffer(vb.value)) raw.locSysName = vb.value;
      else if (col === 7 && rest[0] === 1) {
        const [c, portNum] = rest.slice(1);
        const port = raw.locPorts.get(portNum) ?? {};
        if (c === 2) port.subtype = Number(vb.value);
        else if (c === 3 && Buffer.isBuffer(vb.value)) port.id = vb.value;
        else if (c === 4 && Buffer.isBuffer(vb.value)) port.desc = vb.value;
        raw.locPorts.set(portNum, port);
      }
    });
    const text = (m: Map<number, string>) => (vb: Varbind) => {
      const [ix] = indexOf(vb.oid, vb.oid.slice(0, vb.oid.lastIndexOf(".")));
      if (Buffer.isBuffer(vb.value)) m.set(ix, vb.value.toString("utf8"));
    };
    await Promise.all([
      subtree(session, LLDP_REM, maxRep, (vb) => {
        const [col, timeMark, localPortNum, remIndex] = indexOf(vb.oid, LLDP_REM);
        if (col < 4 || col > 9) return;
        const key = `${timeMark}.${localPortNum}.${remIndex}`;
        const row = raw.rem.get(key) ?? { localPortNum, remIndex, cols: new Map() };
        row.cols.set(col, Buffer.isBuffer(vb.value) ? vb.value : Number(vb.value));
        raw.rem.set(key, row);
      }),
      subtree(session, IF_NAME, maxRep, text(raw.ifName)),
      subtree(session, IF_ALIAS, maxRep, text(raw.ifAlias)),
      subtree(session, IF_DESCR, maxRep, text(raw.ifDescr)),
      subtree(session, IF_PHYS, maxRep, (vb) => {
        const [ix] = indexOf(vb.oid, IF_PHYS);
        if (Buffer.isBuffer(vb.value) && vb.value.length === 6) raw.ifPhys.set(ix, macText(vb.value));
      }),
    ]);
  } catch (err) {
    throw describeSnmpError(err, t);
  } finally {
    session.close();
  }
  if (sessionError) throw describeSnmpError(sessionError, t);
  // a neighbour that changed during the walk can leave a row with its old and new time mark: keep the newest per port and remIndex
  const newest = new Map<string, string>();
  for (const key of raw.rem.keys()) {
    const [tm, port, idx] = key.split(".").map(Number);
    const k = `${port}.${idx}`;
    const prev = newest.get(k);
    if (prev === undefined || Number(prev.split(".")[0]) < tm) newest.set(k, key);
  }
  const keep = new Set(newest.values());
  for (const key of [...raw.rem.keys()]) if (!keep.has(key)) raw.rem.delete(key);
  return buildLldpView(raw);
}
