/**
 * `ironledger lldp walk`: one SNMP walk of a switch's LLDP-MIB, printed as the LLDP view (--json) or a
 * short table. Same conventions as `bmc probe` (agents/cli.ts): secrets only through environment
 * variables named on the command line, one "error:" line and the exit codes of agents/runner/errors.ts.
 */
import { parseArgs } from "node:util";
import type { TLldpView } from "../../server/contracts/lldp";
import { parseHostPort } from "../../server/contracts/normalise";
import { EXIT, exitCodeFor, oneLine } from "../runner/errors";
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, type SnmpAuthProtocol, type SnmpPrivProtocol, type SnmpTarget } from "./lldp";

export interface SnmpBackend {
  walkLldp(t: SnmpTarget): Promise<TLldpView>;
}

export const defaultSnmpBackend = async (): Promise<SnmpBackend> => await import("./lldp");

export const LLDP_USAGE = `  ironledger lldp walk --snmp HOST[:PORT] (--community-env VAR |
                       --v3-user USER --auth-env VAR --priv-env VAR
                       [--auth sha|sha256] [--priv aes|aes256b|aes256r])
                       [--timeout MS] [--retries N] [--json]
`;

const OPTIONS = {
  snmp: { type: "string" },
  "community-env": { type: "string" },
  "v3-user": { type: "string" },
  "auth-env": { type: "string" },
  "priv-env": { type: "string" },
  auth: { type: "string" },
  priv: { type: "string" },
  timeout: { type: "string" },
  retries: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

type Usage = (message: string) => Error;

function secret(env: Io["env"], flag: string, name: string | undefined, usage: Usage): string {
  if (!name) throw usage(`missing --${flag} VAR (the name of the environment variable holding it)`);
  const v = env[name];
  if (v === undefined || v === "") throw usage(`environment variable ${name} (named by --${flag}) is not set or empty`);
  return v;
}

/** The walk target from the command line; throws `usage(...)` errors for mistakes. */
export function parseLldpWalk(args: string[], env: Io["env"], usage: Usage): { target: SnmpTarget; json: boolean; label: string } | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw usage(oneLine(err).split(". ")[0].replace(/\.$/, ""));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return "help";
  if (positionals.length > 0) throw usage(`unexpected argument "${positionals[0]}"`);
  if (!v.snmp) throw usage("missing --snmp HOST[:PORT]");
  let hp: { host: string; port: number };
  try {
    hp = parseHostPort(v.snmp, 161);
  } catch (err) {
    throw usage(`--snmp: ${oneLine(err)}`);
  }
  const int = (name: string, text: string | undefined, min: number, max: number) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw usage(`--${name} must be a whole number between ${min} and ${max}, got "${text}"`);
    return Number(text);
  };
  const timeoutMs = int("timeout", v.timeout, 1, 600_000);
  const retries = int("retries", v.retries, 0, 10);
  const common = { host: hp.host, port: hp.port, ...(timeoutMs ? { timeoutMs } : {}), ...(retries !== undefined ? { retries } : {}) };
  const v3 = v["v3-user"] !== undefined || v["auth-env"] !== undefined || v["priv-env"] !== undefined || v.auth !== undefined || v.priv !== undefined;
  if (v["community-env"] !== undefined && v3) throw usage("give either --community-env (SNMP v2c) or --v3-user with --auth-env and --priv-env (SNMPv3), not both");
  let target: SnmpTarget;
  if (v["community-env"] !== undefined) {
    target = { ...common, version: "2c", community: secret(env, "community-env", v["community-env"], usage) };
  } else {
    if (!v3) throw usage("missing --community-env VAR (SNMP v2c) or --v3-user USER --auth-env VAR --priv-env VAR (SNMPv3)");
    if (!v["v3-user"]) throw usage("missing --v3-user USER");
    const auth = v.auth ?? "sha";
    const priv = v.priv ?? "aes";
    if (!(SNMP_AUTH_PROTOCOLS as readonly string[]).includes(auth)) throw usage(`--auth must be ${SNMP_AUTH_PROTOCOLS.join(" or ")}, got "${auth}"`);
    if (!(SNMP_PRIV_PROTOCOLS as readonly string[]).includes(priv))
      throw usage(`--priv must be aes (AES-128), aes256b (AES-256, Blumenthal key extension) or aes256r (AES-256, Reeder/Cisco "AES256C" key extension), got "${priv}"`);
    target = {
      ...common,
      version: "3",
      user: v["v3-user"],
      authProtocol: auth as SnmpAuthProtocol,
      authKey: secret(env, "auth-env", v["auth-env"], usage),
      privProtocol: priv as SnmpPrivProtocol,
      privKey: secret(env, "priv-env", v["priv-env"], usage),
    };
  }
  const label = hp.host.includes(":") ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
  return { target, json: v.json === true, label };
}

export function lldpSummary(label: string, view: TLldpView): string {
  const lines = [`${label}: ${view.sysName || "?"} (chassis ${view.chassisId || "?"}), ${view.localPorts.length} ports, ${view.neighbors.length} neighbours`];
  for (const n of view.neighbors) lines.push(`  ${n.localPortId || n.localPortNum}  ->  ${n.sysName || n.chassisId} ${n.portId}${n.portDesc ? ` (${n.portDesc})` : ""}`);
  return `${lines.join("\n")}\n`;
}

export async function lldpWalk(args: string[], io: Io, backend: () => Promise<SnmpBackend>, usage: Usage, fullUsage: string): Promise<number> {
  const p = parseLldpWalk(args, io.env, usage);
  if (p === "help") {
    io.stdout(fullUsage);
    return EXIT.ok;
  }
  try {
    const view = await (await backend()).walkLldp(p.target);
    io.stdout(p.json ? `${JSON.stringify(view)}\n` : lldpSummary(p.label, view));
    return EXIT.ok;
  } catch (err) {
    io.stderr(`error: ${oneLine(err)}\n`);
    return exitCodeFor(err);
  }
}
