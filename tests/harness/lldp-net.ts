/**
 * A small LLDP network in network namespaces: one "switch" namespace running lldpd (with its SNMP
 * AgentX subagent) and snmpd (a v2c community and SNMPv3 authPriv users), and N "server" namespaces
 * running lldpd. Switch port swpK is one end of a veth pair whose other end (the "cable", named cK) sits
 * in a server namespace; `plug(K, server)` moves that end, so a cable can be swapped or pulled while
 * everything keeps running. The switch's SNMP agent is reached from this process's namespace over a
 * management veth with link-local addresses (169.254.x.1 ⇄ 169.254.x.2).
 *
 * Every process is started here and stopped by its PID; the namespaces and veths are deleted in stop().
 * Needs root (ip netns) and the Debian packages lldpd, snmpd, snmp and iproute2 (lldpd makes its own
 * privilege-separation directory).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stopChild } from "./child";

export const LLDP_COMMUNITY = "ironledger-test-ro";
/**
 * SNMPv3 users the switch's snmpd knows: name → protocols and pass phrases. Debian's snmpd has AES-256
 * with Blumenthal key extension ("AES-256" = aes256b) but not Reeder's ("AES-256C" = aes256r), so
 * aes256r is not exercised here.
 */
export const LLDP_V3_USERS = {
  alice: { auth: "sha", priv: "aes", authKey: "alice-auth-pass", privKey: "alice-priv-pass" },
  bob: { auth: "sha256", priv: "aes", authKey: "bob-auth-pass-256", privKey: "bob-priv-pass-128" },
  carol: { auth: "sha256", priv: "aes256b", authKey: "carol-auth-pass", privKey: "carol-priv-pass" },
} as const;

const NET_SNMP_AUTH = { sha: "SHA", sha256: "SHA-256" } as const;
const NET_SNMP_PRIV = { aes: "AES", aes256b: "AES-256" } as const;

interface Proc {
  child: ChildProcess;
  exited: Promise<unknown>;
  name: string;
}

export interface LldpNet {
  /** the switch's SNMP agent, as HOST:PORT from this namespace */
  host: string;
  port: number;
  switchName: string;
  servers: string[];
  /** namespace names, for `ip netns exec` */
  switchNs: string;
  serverNs: string[];
  /** move cable K (the far end of swpK) into server `server` (1-based), or unplug it with null */
  plug(port: number, server: number | null): void;
  /** `lldpcli -f json0 show neighbors` in the switch (or a server: 1-based) namespace, parsed */
  lldpcliJson0(server?: number): Promise<unknown>;
  /** wait until lldpd on the switch reports exactly these neighbours: port name → server sysName (one per port) */
  waitForNeighbors(expected: Record<string, string>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function start(name: string, ns: string, cmd: string, args: string[], logFile: string): Proc {
  const out = fs.openSync(logFile, "a");
  const child = spawn("ip", ["netns", "exec", ns, cmd, ...args], { stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { child, exited, name };
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

export interface LldpNetOptions {
  servers?: number;
  /** initial cabling: switch port (1-based) → server (1-based) or null */
  cabling?: Record<number, number | null>;
}

/** Builds the network and waits until the switch's SNMP agent answers. */
export async function startLldpNet(opts: LldpNetOptions = {}): Promise<LldpNet> {
  const n = opts.servers ?? 3;
  const tag = `il${process.pid % 100000}`;
  const subnet = 16 + (process.pid % 200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-lldp-"));
  fs.chmodSync(dir, 0o755);
  const switchNs = `${tag}-sw`;
  const serverNs = Array.from({ length: n }, (_, i) => `${tag}-s${i + 1}`);
  const procs: Proc[] = [];
  const where = new Map<number, string | null>(); // cable K → namespace it sits in (null: parked in the switch ns, down)
  const mgmtRoot = `${tag}m`;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of procs.reverse()) await stopChild(p.child, p.exited);
    for (const ns of [switchNs, ...serverNs]) {
      try {
        ip("netns", "del", ns);
      } catch {
        /* never made */
      }
    }
    try {
      ip("link", "del", mgmtRoot);
    } catch {
      /* gone with the namespace */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const ns of [switchNs, ...serverNs]) {
      ip("netns", "add", ns);
      ip("-n", ns, "link", "set", "lo", "up");
    }
    // management link: root ⇄ switch
    ip("link", "add", mgmtRoot, "type", "veth", "peer", "name", "mgmt0", "netns", switchNs);
    ip("addr", "add", `169.254.${subnet}.2/30`, "dev", mgmtRoot);
    ip("link", "set", mgmtRoot, "up");
    ip("-n", switchNs, "addr", "add", `169.254.${subnet}.1/30`, "dev", "mgmt0");
    ip("-n", switchNs, "link", "set", "mgmt0", "up");
    // switch ports and their cables
    const cabling = opts.cabling ?? Object.fromEntries(serverNs.map((_, i) => [i + 1, i + 1]));
    for (let k = 1; k <= n; k++) {
      const to = cabling[k] ?? null;
      const ns = to === null ? switchNs : serverNs[to - 1];
      ip("link", "add", `swp${k}`, "netns", switchNs, "address", `02:5a:00:00:00:${String(k).padStart(2, "0")}`, "type", "veth", "peer", "name", `c${k}`, "netns", ns, "address", `02:5b:00:00:00:${String(k).padStart(2, "0")}`);
      ip("-n", switchNs, "link", "set", `swp${k}`, "alias", `uplink-${k}`);
      ip("-n", switchNs, "link", "set", `swp${k}`, "up");
      if (to !== null) ip("-n", ns, "link", "set", `c${k}`, "up");
      where.set(k, to === null ? null : ns);
    }

    // snmpd (master agent, AgentX) in the switch namespace
    const agentx = path.join(dir, "agentx.sock");
    const users = Object.entries(LLDP_V3_USERS)
      .map(([u, c]) => `createUser ${u} ${NET_SNMP_AUTH[c.auth]} "${c.authKey}" ${NET_SNMP_PRIV[c.priv]} "${c.privKey}"\nrouser ${u} priv`)
      .join("\n");
    fs.mkdirSync(path.join(dir, "snmp"), { mode: 0o755 });
    fs.writeFileSync(
      path.join(dir, "snmpd.conf"),
      `[snmp] persistentDir ${path.join(dir, "snmp")}\nagentaddress udp:169.254.${subnet}.1:161\nrocommunity ${LLDP_COMMUNITY} default\n${users}\nmaster agentx\nagentxsocket ${agentx}\nagentxperms 777 777\n`,
    );
    procs.push(start("snmpd", switchNs, "snmpd", ["-f", "-C", "-c", path.join(dir, "snmpd.conf"), "-p", path.join(dir, "snmpd.pid"), "-Lf", path.join(dir, "snmpd.log")], path.join(dir, "snmpd.out")));
    // wait for the AgentX socket before lldpd connects (it retries, but slowly)
    for (let i = 0; i < 100 && !fs.existsSync(agentx); i++) await sleep(50);

    const lldpd = (label: string, ns: string, hostname: string, extra: string[], conf: string) => {
      const confFile = path.join(dir, `${label}.conf`);
      fs.writeFileSync(confFile, `configure system hostname ${hostname}\nconfigure lldp tx-interval 1\n${conf}`);
      procs.push(
        start(`lldpd ${label}`, ns, "lldpd", ["-d", "-u", path.join(dir, `${label}.sock`), "-p", path.join(dir, `${label}.pid`), "-O", confFile, ...extra], path.join(dir, `${label}.log`)),
      );
    };
    const portDescs = Array.from({ length: n }, (_, i) => `configure ports swp${i + 1} lldp portdescription "server port ${i + 1}"`).join("\n");
    lldpd("sw", switchNs, "leaf-sw1", ["-I", "swp*", "-x", "-X", `unix:${agentx}`], `configure lldp portidsubtype ifname\n${portDescs}\n`);
    serverNs.forEach((ns, i) => lldpd(`s${i + 1}`, ns, `srv${i + 1}`, ["-I", "c*"], ""));

    const lldpcliJson0 = async (server?: number) => {
      const label = server === undefined ? "sw" : `s${server}`;
      const ns = server === undefined ? switchNs : serverNs[server - 1];
      const out = execFileSync("ip", ["netns", "exec", ns, "lldpcli", "-u", path.join(dir, `${label}.sock`), "-f", "json0", "show", "neighbors"], { encoding: "utf8" });
      return JSON.parse(out) as unknown;
    };

    const net: LldpNet = {
      host: `169.254.${subnet}.1`,
      port: 161,
      switchName: "leaf-sw1",
      servers: serverNs.map((_, i) => `srv${i + 1}`),
      switchNs,
      serverNs,
      plug(port, server) {
        const from = where.get(port);
        if (from === undefined) throw new Error(`no switch port ${port}`);
        const to = server === null ? switchNs : serverNs[server - 1];
        if (from === to || (from === null && server === null)) return;
        ip("-n", from ?? switchNs, "link", "set", `c${port}`, "netns", to);
        if (server !== null) ip("-n", to, "link", "set", `c${port}`, "up");
        where.set(port, server === null ? null : to);
      },
      lldpcliJson0,
      async waitForNeighbors(expected, timeoutMs = 15_000) {
        const deadline = Date.now() + timeoutMs;
        let seen = "";
        for (;;) {
          const j = (await lldpcliJson0()) as { lldp?: { interface?: { name: string; chassis?: { name?: { value: string }[] }[] }[] }[] };
          const got: Record<string, string> = {};
          // a port can list two neighbours for a moment (the old one until its TTL runs out): keep them all
          for (const itf of j.lldp?.[0]?.interface ?? []) got[itf.name] = [got[itf.name], itf.chassis?.[0]?.name?.[0]?.value ?? ""].filter((x) => x !== undefined).join(",");
          seen = JSON.stringify(Object.fromEntries(Object.entries(got).sort()));
          if (seen === JSON.stringify(Object.fromEntries(Object.entries(expected).sort()))) return;
          if (Date.now() > deadline) throw new Error(`lldpd on the switch still sees ${seen}, expected ${JSON.stringify(expected)}`);
          await sleep(200);
        }
      },
      stop,
    };
    return net;
  } catch (err) {
    await stop();
    throw err;
  }
}
