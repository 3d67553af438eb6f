/**
 * `ironledger` — one-off BMC probes and the site agent.
 *
 *   ironledger bmc probe --ipmi HOST:PORT --user U --password-env VAR [--json] ...
 *   ironledger bmc probe --redfish URL --user U --password-env VAR [--json] ...
 *   ironledger bmc power on|off|cycle|reset|soft|status --ipmi ... | --redfish ...
 *   ironledger lldp walk --snmp HOST[:PORT] (--community-env VAR | --v3-user U --auth-env VAR --priv-env VAR) [--json]
 *   ironledger agent --server URL --token TOKEN [--journal DIR] [--once]
 *
 * Errors: one line on stderr starting with "error:", and a non-zero exit code
 * (see EXIT in runner/errors.ts). Passwords are read from an environment
 * variable named on the command line and never printed.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readFileSync } from "node:fs";
import { POWER_ACTIONS, type TBmcProbeResult, type TPowerAction } from "../server/contracts/bmc";
import { redfishOrigin } from "./redfish/url";
import { describeProbeError, EXIT, exitCodeFor, oneLine } from "./runner/errors";
import { parseHostPort } from "../server/contracts/normalise";
import {
  defaultBackends,
  type Backends,
  type IpmiOptions,
  type IpmiPrivilege,
  type RedfishOptions,
} from "./runner/collectors";
import { defaultSnmpBackend, LLDP_USAGE, lldpWalk, type SnmpBackend } from "./snmp/cli";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** aborted on SIGINT/SIGTERM (agent mode) */
  signal?: AbortSignal;
}

/** A mistake on the command line: exit code 2 and a one-line message. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
}

export const USAGE = `usage:
  ironledger bmc probe --ipmi HOST[:PORT] --user USER --password-env VAR
                       [--privilege user|operator|administrator] [--timeout MS]
                       [--retries N] [--allow-cipher-zero] [--json]
  ironledger bmc probe --redfish URL --user USER --password-env VAR
                       [--fingerprint FP] [--timeout MS] [--json]
  ironledger bmc power on|off|cycle|reset|soft|status (--ipmi ... | --redfish ...)
                       --user USER --password-env VAR [--json]
${LLDP_USAGE}  ironledger agent --server URL [--token TOKEN] [--journal DIR] [--ca FILE]
                   [--concurrency N] [--once] [--insecure-http]
  ironledger admin user|token ...   operator commands against DATABASE_URL
                   (ironledger admin --help)

  --password-env VAR   name of the environment variable holding the BMC password
  --community-env, --auth-env, --priv-env VAR
                       environment variables holding the SNMP community or v3 keys
  --token              agent token (or IRONLEDGER_AGENT_TOKEN)
  --journal DIR        store-and-forward journal (default ./data/agent-journal)
  --ca FILE            PEM bundle of a private CA for an HTTPS server
  --insecure-http      allow a plain http:// server that is not on this machine
                       (BMC passwords then cross the network in clear text;
                       a warning is printed at every start)

exit codes: 0 ok, 1 other failure, 2 bad arguments, 3 authentication failed,
            4 privilege refused, 5 timeout, 6 TLS fingerprint mismatch
`;

const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
};

export async function main(
  argv: string[],
  io: CliIo = processIo,
  backends: Backends = defaultBackends,
  snmp: () => Promise<SnmpBackend> = defaultSnmpBackend,
): Promise<number> {
  const [command, sub, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === "bmc") {
      if (sub === "probe") return await bmcProbe(rest, io, backends);
      if (sub === "power") return await bmcPower(rest, io, backends);
      if (sub === "--help" || sub === "-h") {
        io.stdout(USAGE);
        return EXIT.ok;
      }
      throw new UsageError(sub === undefined ? "missing bmc subcommand (probe or power)" : `unknown bmc subcommand "${sub}" (probe or power)`);
    }
    if (command === "agent") return await agent(argv.slice(1), io);
    if (command === "lldp") {
      if (sub === "walk") return await lldpWalk(rest, io, snmp, (m) => new UsageError(m), USAGE);
      throw new UsageError(sub === undefined ? "missing lldp subcommand (walk)" : `unknown lldp subcommand "${sub}" (walk)`);
    }
    throw new UsageError(`unknown command "${command}" (bmc, lldp or agent; see ironledger --help)`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`error: ${oneLine(err)}\n`);
    return EXIT.other;
  }
}

// ---------------------------------------------------------------- arguments

const BMC_OPTIONS = {
  ipmi: { type: "string" },
  redfish: { type: "string" },
  user: { type: "string" },
  "password-env": { type: "string" },
  privilege: { type: "string" },
  timeout: { type: "string" },
  retries: { type: "string" },
  "allow-cipher-zero": { type: "boolean" },
  fingerprint: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    // node's messages carry a long hint after the first sentence; keep the first.
    const msg = oneLine(err).split(". ")[0].replace(/\.$/, "");
    throw new UsageError(msg);
  }
}

function positiveInt(name: string, text: string | undefined, max = 2 ** 31): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number between 1 and ${max}, got "${text}"`);
  return n;
}

type BmcTarget =
  | { protocol: "ipmi"; opts: IpmiOptions; label: string }
  | { protocol: "redfish"; opts: RedfishOptions; label: string };

interface ParsedBmc {
  target: BmcTarget;
  json: boolean;
  positionals: string[];
  help: boolean;
}

function parseBmc(args: string[], env: CliIo["env"]): ParsedBmc {
  const { values: v, positionals } = parse(args, BMC_OPTIONS);
  if (v.help) return { help: true, json: false, positionals, target: undefined as never };
  if (v.ipmi !== undefined && v.redfish !== undefined) throw new UsageError("give either --ipmi or --redfish, not both");
  if (v.ipmi === undefined && v.redfish === undefined) throw new UsageError("missing --ipmi HOST:PORT or --redfish URL");
  if (!v.user) throw new UsageError("missing --user USER");
  if (!v["password-env"]) throw new UsageError("missing --password-env VAR (the name of the environment variable holding the password)");
  const varName = v["password-env"];
  const password = env[varName];
  if (password === undefined || password === "")
    throw new UsageError(`environment variable ${varName} (named by --password-env) is not set or empty`);
  const timeoutMs = positiveInt("timeout", v.timeout, 600_000);

  if (v.ipmi !== undefined) {
    if (v.fingerprint !== undefined) throw new UsageError("--fingerprint applies to --redfish only");
    let hp: { host: string; port: number };
    try {
      hp = parseHostPort(v.ipmi);
    } catch (err) {
      throw new UsageError(`--ipmi: ${oneLine(err)}`);
    }
    let privilege: IpmiPrivilege | undefined;
    if (v.privilege !== undefined) {
      if (v.privilege !== "user" && v.privilege !== "operator" && v.privilege !== "administrator")
        throw new UsageError(`--privilege must be user, operator or administrator, got "${v.privilege}"`);
      privilege = v.privilege;
    }
    const retries = v.retries === undefined ? undefined : v.retries === "0" ? 0 : positiveInt("retries", v.retries, 10);
    const opts: IpmiOptions = {
      host: hp.host,
      port: hp.port,
      username: v.user,
      password,
      ...(privilege ? { privilege } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      allowCipherZero: v["allow-cipher-zero"] === true,
    };
    const label = hp.host.includes(":") ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
    return { help: false, json: v.json === true, positionals, target: { protocol: "ipmi", opts, label } };
  }

  const url = v.redfish as string;
  const checked = redfishOrigin(url);
  if (!checked.ok) throw new UsageError(checked.message);
  if (v.privilege !== undefined || v["allow-cipher-zero"] || v.retries !== undefined)
    throw new UsageError("--privilege, --retries and --allow-cipher-zero apply to --ipmi only");
  const opts: RedfishOptions = {
    url,
    username: v.user,
    password,
    pinnedFingerprint: v.fingerprint ?? null,
    ...(timeoutMs ? { timeoutMs } : {}),
  };
  return { help: false, json: v.json === true, positionals, target: { protocol: "redfish", opts, label: checked.host } };
}

// ---------------------------------------------------------------- bmc probe / power

async function bmcProbe(args: string[], io: CliIo, backends: Backends): Promise<number> {
  const p = parseBmc(args, io.env);
  if (p.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
  const t = p.target;
  try {
    let result: TBmcProbeResult;
    let fingerprint: string | null = null;
    if (t.protocol === "ipmi") {
      result = await (await backends.ipmi()).probeIpmi(t.opts);
    } else {
      const r = await (await backends.redfish()).probeRedfish(t.opts);
      result = r.result;
      fingerprint = r.fingerprint;
    }
    io.stdout(p.json ? `${JSON.stringify(result)}\n` : summary(t.label, result, fingerprint));
    return EXIT.ok;
  } catch (err) {
    return reportProbeError(err, t, io);
  }
}

async function bmcPower(args: string[], io: CliIo, backends: Backends): Promise<number> {
  const p = parseBmc(args, io.env);
  if (p.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const [action, extra] = p.positionals;
  if (action === undefined) throw new UsageError(`missing power action (${POWER_ACTIONS.join("|")})`);
  if (!(POWER_ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`unknown power action "${action}" (${POWER_ACTIONS.join("|")})`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const t = p.target;
  try {
    const r =
      t.protocol === "ipmi"
        ? await (await backends.ipmi()).ipmiPower(t.opts, action as TPowerAction)
        : await (await backends.redfish()).redfishPower(t.opts, action as TPowerAction);
    io.stdout(p.json ? `${JSON.stringify({ power: r.power })}\n` : `${t.label}: power ${r.power}\n`);
    return EXIT.ok;
  } catch (err) {
    return reportProbeError(err, t, io);
  }
}

function reportProbeError(err: unknown, t: BmcTarget, io: CliIo): number {
  io.stderr(`error: ${describeProbeError(err, { user: t.opts.username, target: t.label })}\n`);
  return exitCodeFor(err);
}

function summary(label: string, r: TBmcProbeResult, fingerprint: string | null): string {
  const bad = r.sensors.filter((s) => s.status !== "ok" && s.status !== "ns");
  const unreadable = r.sensors.filter((s) => s.error !== undefined).length;
  const reading = (s: TBmcProbeResult["sensors"][number]) =>
    s.states ? `[${s.states.map((x) => x.name).join(", ")}]` : `${s.value ?? "?"}${s.unit ? ` ${s.unit}` : ""}`;
  const lines = [
    `${label} (${r.protocol}): power ${r.power}, firmware ${r.deviceId.firmwareRevision}${r.guid ? `, guid ${r.guid}` : ""}`,
    `  product  ${r.fru.manufacturer ?? "?"} ${r.fru.productName ?? "?"}, serial ${r.fru.productSerial ?? r.fru.chassisSerial ?? r.fru.boardSerial ?? "?"}`,
    `  sensors  ${r.sensors.length}${bad.length ? ` (${bad.length} not ok: ${bad.map((s) => `${s.name}=${reading(s)} ${s.status}`).join(", ")})` : ", all ok"}${unreadable ? `, ${unreadable} unreadable` : ""}`,
    `  SEL      ${r.sel.length} entr${r.sel.length === 1 ? "y" : "ies"}`,
  ];
  if (r.systems && r.systems.length > 1)
    lines.push(`  systems  ${r.systems.map((x) => `${x.id.split("/").pop()}${x.systemType ? ` (${x.systemType})` : ""}${x.serialNumber ? ` ${x.serialNumber}` : ""}`).join(", ")}`);
  if (r.warnings?.length) lines.push(`  warnings ${r.warnings.length} (left out: ${r.warnings[0]}${r.warnings.length > 1 ? ", ..." : ""})`);
  if (r.firmware.length) lines.push(`  firmware ${r.firmware.map((f) => `${f.component} ${f.version}`).join(", ")}`);
  if (r.components?.length) lines.push(`  parts    ${r.components.length}`);
  if (fingerprint) lines.push(`  TLS      ${fingerprint}`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- agent

const AGENT_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
  journal: { type: "string" },
  ca: { type: "string" },
  concurrency: { type: "string" },
  once: { type: "boolean" },
  "insecure-http": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function agent(args: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(args, AGENT_OPTIONS);
  if (v.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!v.server) throw new UsageError("missing --server URL");
  const { checkServerUrl } = await import("./runner/transport");
  const allowInsecureHttp = v["insecure-http"] === true;
  let server: URL;
  let warning: string | null;
  try {
    ({ url: server, warning } = checkServerUrl(v.server, allowInsecureHttp));
  } catch (err) {
    throw new UsageError(oneLine(err));
  }
  const token = v.token ?? io.env.IRONLEDGER_AGENT_TOKEN;
  if (!token) throw new UsageError("missing --token TOKEN (or set IRONLEDGER_AGENT_TOKEN)");
  const concurrency = positiveInt("concurrency", v.concurrency, 1024);
  let ca: string | undefined;
  if (v.ca !== undefined) {
    try {
      ca = readFileSync(v.ca, "utf8");
    } catch (err) {
      throw new UsageError(`--ca: cannot read ${v.ca}: ${oneLine(err)}`);
    }
  }
  const { runAgent } = await import("./runner/agent");
  const { nodeTransport } = await import("./runner/transport");
  if (warning) io.stderr(`${warning}\n`);
  const result = await runAgent({
    server: server.toString().replace(/\/+$/, ""),
    token,
    journalDir: v.journal ?? "./data/agent-journal",
    once: v.once === true,
    ...(concurrency ? { concurrency } : {}),
    transport: nodeTransport({ ca, allowInsecureHttp }),
    log: (line) => io.stderr(`${line}\n`),
    signal: io.signal,
  });
  return result.ok ? EXIT.ok : EXIT.other;
}

// Run as a program (agents/bin/ironledger.mjs imports and calls main itself).
export async function runAsProgram(): Promise<void> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await main(process.argv.slice(2), { ...processIo, signal: ac.signal });
  await new Promise<void>((r) => process.stdout.write("", () => r()));
  await new Promise<void>((r) => process.stderr.write("", () => r()));
  process.exit(code);
}
