/**
 * Test harness for OpenIPMI's ipmi_sim: generates lan.conf, .emu, SDRs (via
 * sdrcomp), FRU images and a chassis-control script with state files, starts
 * `ipmi_sim -n -p` on free loopback ports (several BMCs per process), exposes
 * the console for runtime changes, and stops what it started by PID.
 *
 * Only 127.0.0.1 is used. Every process started here is killed by PID in
 * stop() and, as a last resort, on process exit.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// ------------------------------------------------------------------ FRU image

export type FruEncoding = "8bit" | "6bit" | "bcd" | "binary";
export type FruField = string | { value: string; encoding: FruEncoding } | { bytes: number[] };

export interface FruSpec {
  chassisType?: number;
  chassisPartNumber?: FruField;
  chassisSerial?: FruField;
  boardMfgMinutes?: number; // minutes since 1996-01-01 UTC
  boardManufacturer?: FruField;
  boardProductName?: FruField;
  boardSerial?: FruField;
  boardPartNumber?: FruField;
  productManufacturer?: FruField;
  productName?: FruField;
  productPartNumber?: FruField;
  productVersion?: FruField;
  productSerial?: FruField;
  assetTag?: FruField;
}

function encode6bit(s: string): number[] {
  const chars = [...s.toUpperCase()].map((c) => {
    const v = c.charCodeAt(0) - 0x20;
    if (v < 0 || v > 0x3f) throw new Error(`character ${c} not encodable in 6-bit ASCII`);
    return v;
  });
  while (chars.length % 4) chars.push(0); // pad with spaces
  const out: number[] = [];
  for (let i = 0; i < chars.length; i += 4) {
    const [a, b, c, d] = chars.slice(i, i + 4);
    out.push((a | (b << 6)) & 0xff, ((b >> 2) | (c << 4)) & 0xff, ((c >> 4) | (d << 2)) & 0xff);
  }
  return out;
}

function encodeBcd(s: string): number[] {
  const map: Record<string, number> = { " ": 0xa, "-": 0xb, ".": 0xc };
  const nib = [...s].map((c) => (c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : map[c] ?? (() => { throw new Error(`character ${c} not encodable in BCD+`); })()));
  if (nib.length % 2) nib.push(0xa);
  const out: number[] = [];
  for (let i = 0; i < nib.length; i += 2) out.push((nib[i] << 4) | nib[i + 1]);
  return out;
}

/** Type/length byte + data for one FRU field. */
export function encodeFruField(f: FruField | undefined): number[] {
  if (f === undefined) return [0xc0]; // empty 8-bit field
  if (typeof f === "string") f = { value: f, encoding: "8bit" };
  let type: number;
  let data: number[];
  if ("bytes" in f) {
    type = 0;
    data = f.bytes;
  } else if (f.encoding === "6bit") {
    type = 2;
    data = encode6bit(f.value);
  } else if (f.encoding === "bcd") {
    type = 1;
    data = encodeBcd(f.value);
  } else if (f.encoding === "binary") {
    type = 0;
    data = [...Buffer.from(f.value, "latin1")];
  } else {
    type = 3;
    data = [...Buffer.from(f.value, "latin1")];
  }
  if (data.length > 63) throw new Error("FRU field longer than 63 bytes");
  return [(type << 6) | data.length, ...data];
}

function finishArea(bytes: number[]): number[] {
  bytes.push(0xc1);
  while ((bytes.length + 1) % 8) bytes.push(0);
  bytes[1] = (bytes.length + 1) / 8;
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  bytes.push((0x100 - s) & 0xff);
  return bytes;
}

/** Build a spec-conformant FRU image (common header + chassis, board, product areas). */
export function buildFruImage(spec: FruSpec, size = 256): Buffer {
  const chassis = finishArea([0x01, 0, spec.chassisType ?? 0x17, ...encodeFruField(spec.chassisPartNumber), ...encodeFruField(spec.chassisSerial)]);
  const mins = spec.boardMfgMinutes ?? 15000000;
  const board = finishArea([
    0x01, 0, 0x00, mins & 0xff, (mins >> 8) & 0xff, (mins >> 16) & 0xff,
    ...encodeFruField(spec.boardManufacturer),
    ...encodeFruField(spec.boardProductName),
    ...encodeFruField(spec.boardSerial),
    ...encodeFruField(spec.boardPartNumber),
    ...encodeFruField(undefined), // FRU file id
  ]);
  const product = finishArea([
    0x01, 0, 0x00,
    ...encodeFruField(spec.productManufacturer),
    ...encodeFruField(spec.productName),
    ...encodeFruField(spec.productPartNumber),
    ...encodeFruField(spec.productVersion),
    ...encodeFruField(spec.productSerial),
    ...encodeFruField(spec.assetTag),
    ...encodeFruField(undefined), // FRU file id
  ]);
  const header = [0x01, 0, 1, 1 + chassis.length / 8, 1 + (chassis.length + board.length) / 8, 0, 0];
  let s = 0;
  for (const b of header) s = (s + b) & 0xff;
  header.push((0x100 - s) & 0xff);
  const img = Buffer.alloc(Math.max(size, 8 + chassis.length + board.length + product.length));
  Buffer.from([...header, ...chassis, ...board, ...product]).copy(img);
  return img;
}

// ------------------------------------------------------------------ sensors and SEL

export interface SimSensorSpec {
  number: number;
  name: string; // give it a lower-case letter (ipmitool prints all-caps 6-bit names as garbage)
  sensorType: number; // 1 temperature, 2 voltage, 4 fan
  unit: number; // base unit code: 1 degrees C, 4 Volts, 18 RPM
  m: number;
  b?: number;
  bExp?: number;
  rExp?: number;
  format?: "unsigned" | "1s_complement" | "2s_complement";
  linearization?: "linear" | "ln" | "log10" | "log2" | "e" | "exp10" | "exp2" | "1/x" | "sqr(x)" | "cube(x)" | "sqrt(x)" | "cube-1(x)";
  raw: number;
  /** raw thresholds */
  thresholds?: { unr?: number; uc?: number; unc?: number; lnr?: number; lc?: number; lnc?: number };
  /** sensor owner LUN (default 0); Get Sensor Reading must be sent to this LUN */
  lun?: 0 | 1;
  /**
   * A discrete sensor in a full SDR: its event/reading type (e.g. 0x6f sensor-specific,
   * 0x0b redundancy) and the state offsets asserted now (Get Sensor Reading bytes 3-4).
   */
  discrete?: { eventType: number; states: number[] };
}

export interface SimSelSpec {
  sensorType: number;
  sensorNumber: number;
  eventType: number; // 0x01 threshold, 0x6f sensor-specific
  deassert?: boolean;
  ed1: number;
  ed2?: number;
  ed3?: number;
  timestamp?: number;
}

export interface SimBmcSpec {
  serial: string; // product serial
  boardSerial?: string;
  chassisSerial?: string;
  productName?: string;
  manufacturer?: string;
  assetTag?: string;
  fru?: FruSpec; // overrides the above
  sensors?: SimSensorSpec[];
  sel?: SimSelSpec[];
  power?: 0 | 1;
  firmware?: [number, number]; // major, minor (BCD shown as hex, e.g. 0x15 -> 2.15)
  guid?: string; // up to 16 characters
  /** BMC key (KG) for RMCP+; the simulator keeps at most 19 characters */
  bmcKey?: string;
  /** raw SDR records added after the compiled ones, as a BMC may hold them (e.g. a malformed record) */
  rawSdrs?: number[][];
}

export const DEFAULT_SENSORS: SimSensorSpec[] = [
  { number: 1, name: "CPU Temp", sensorType: 0x01, unit: 1, m: 1, raw: 45, thresholds: { unr: 100, uc: 90, unc: 80 } },
  { number: 2, name: "Fan 1", sensorType: 0x04, unit: 18, m: 50, raw: 120, thresholds: { lnr: 10, lc: 20, lnc: 30 } },
  { number: 3, name: "12V Rail", sensorType: 0x02, unit: 4, m: 10, rExp: -2, raw: 121, thresholds: { unr: 140, uc: 132, unc: 128, lnr: 100, lc: 108, lnc: 112 } },
  { number: 4, name: "Inlet Temp", sensorType: 0x01, unit: 1, m: 1, raw: 23, thresholds: { unr: 100, uc: 45, unc: 40 } },
];

export const USERS = {
  admin: { username: "admin", password: "password" },
  operator: { username: "oper", password: "operpass" },
  viewer: { username: "viewer", password: "viewpass" },
};

export interface SimBmc {
  index: number;
  host: "127.0.0.1";
  port: number;
  ipmbAddr: number;
  spec: SimBmcSpec;
  stateDir: string;
  /** current power state as the chassis script sees it */
  power(): 0 | 1;
  /** requests logged by the chassis-control script, one per line ("set power 1") */
  requests(): string[];
}

const CHASSIS_SCRIPT = `#!/bin/sh
# chassis_control script for ipmi_sim: $1 = state dir, then get|set and params
dir="$1"; shift
op="$1"; shift
echo "$op $*" >> "$dir/requests.log"
if [ "$op" = "get" ]; then
  for p in "$@"; do
    case "$p" in
      power) echo "power:$(cat "$dir/power" 2>/dev/null || echo 0)" ;;
      *) echo "$p:0" ;;
    esac
  done
else
  while [ $# -ge 2 ]; do
    k="$1"; v="$2"; shift 2
    case "$k" in
      power) echo "$v" > "$dir/power" ;;
      shutdown) [ "$v" = "1" ] && echo 0 > "$dir/power" ;;
      *) ;;
    esac
  done
fi
exit 0
`;

const live = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pid of live) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });
}

/** Reserve `n` distinct free UDP ports on 127.0.0.1 (held until all are known, then released). */
export async function freeUdpPorts(n: number): Promise<number[]> {
  const socks: dgram.Socket[] = [];
  const ports = new Set<number>();
  try {
    while (ports.size < n) {
      const s = dgram.createSocket("udp4");
      socks.push(s);
      await new Promise<void>((res, rej) => {
        s.once("error", rej);
        s.bind(0, "127.0.0.1", () => res());
      });
      ports.add(s.address().port);
    }
  } finally {
    for (const s of socks) s.close();
  }
  return [...ports];
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(p));
    });
  });
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(2, "0");
}

function sdrText(s: SimSensorSpec, owner: number): string {
  const t = s.thresholds ?? {};
  const lines = [
    "sdr type 1",
    `  sensor_owner_id ${hex(owner)}`,
    `  sensor_owner_lun ${s.lun ?? 0}`,
    "  channel_number 0",
    `  sensor_number ${s.number}`,
    `  entity_id ${s.sensorType === 4 ? 29 : s.sensorType === 2 ? 20 : 3}`,
    "  entity_instance 1",
    "  init_scanning true",
    "  init_events true",
    "  init_thresholds true",
    "  init_sensor_type true",
    "  default_event_gen_on true",
    "  default_sensor_scan_on true",
    `  sensor_type ${s.sensorType}`,
    `  event_reading_type_code ${s.discrete ? s.discrete.eventType : 1}`,
    `  analog_data_format ${s.format ?? "unsigned"}`,
    `  base_unit ${s.unit}`,
    `  linearization ${s.linearization ?? "linear"}`,
    `  m ${s.m}`,
    `  b ${s.b ?? 0}`,
    `  r_exp ${s.rExp ?? 0}`,
    `  b_exp ${s.bExp ?? 0}`,
  ];
  for (const k of ["unr", "uc", "unc", "lnr", "lc", "lnc"] as const) {
    if (t[k] !== undefined) {
      lines.push(`  ${k}_thresh ${t[k]}`);
      lines.push(`  ${k}_thrsh_readable true`);
    }
  }
  lines.push(`  id_string "${s.name}"`, "endsdr", "");
  return lines.join("\n");
}

const sdrCache = new Map<string, Buffer[]>();

/** Compile SDR text with sdrcomp and split the binary into records (cached per text). */
function compileSdrs(text: string, dir: string, name: string): Buffer[] {
  const cached = sdrCache.get(text);
  if (cached) return cached;
  const src = path.join(dir, `${name}.sdrs`);
  const out = path.join(dir, `${name}.bin`);
  fs.writeFileSync(src, text);
  execFileSync("sdrcomp", ["-r", "-o", out, src], { stdio: ["ignore", "ignore", "pipe"] });
  const bin = fs.readFileSync(out);
  const recs: Buffer[] = [];
  for (let o = 0; o + 5 <= bin.length; ) {
    const len = 5 + bin[o + 4];
    recs.push(bin.subarray(o, o + len));
    o += len;
  }
  sdrCache.set(text, recs);
  return recs;
}

export interface StartOptions {
  /** BMCs per ipmi_sim process (default: all in one process; at most 100) */
  perProcess?: number;
  dir?: string;
  /** SDR sensor owner: 0x20 for every BMC (default) or each MC's IPMB address */
  sdrOwner?: "bmc" | "ipmb";
  /** ms to wait for all BMCs to answer an ASF ping */
  readyTimeoutMs?: number;
}

export class IpmiSimProcess {
  readonly consolePort: number;
  constructor(
    readonly pid: number,
    readonly child: ChildProcess,
    readonly bmcs: SimBmc[],
    consolePort: number,
    readonly dir: string,
  ) {
    this.consolePort = consolePort;
  }

  get alive(): boolean {
    return live.has(this.pid);
  }

  /** Send one console command (e.g. "sensor_set_value 0x20 0 1 95 1") and return its output. */
  async console(cmd: string, waitMs = 150): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(this.consolePort, "127.0.0.1");
      let out = "";
      const t = setTimeout(() => {
        sock.destroy();
        resolve(out);
      }, waitMs + 1000);
      sock.on("data", (d) => (out += d.toString("latin1")));
      sock.on("error", (e) => {
        clearTimeout(t);
        reject(e);
      });
      sock.on("connect", () => {
        sock.write(cmd + "\r\n");
        setTimeout(() => {
          clearTimeout(t);
          sock.end();
          sock.destroy();
          resolve(out);
        }, waitMs);
      });
    });
  }

  async setSensorRaw(bmc: SimBmc, sensor: number, raw: number, generateEvent = false): Promise<void> {
    await this.console(`sensor_set_value ${hex(bmc.ipmbAddr)} 0 ${sensor} ${raw} ${generateEvent ? 1 : 0}`);
  }

  /** Kill this ipmi_sim by PID (SIGTERM, then SIGKILL) and wait for it to exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!live.has(this.pid)) return;
    const exited = new Promise<void>((r) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) r();
      else this.child.once("exit", () => r());
    });
    try {
      process.kill(this.pid, "SIGCONT"); // in case a test stopped it to simulate a hang
      process.kill(this.pid, signal);
    } catch {
      /* already gone */
    }
    const t = setTimeout(() => {
      try {
        process.kill(this.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }, 2000);
    await exited;
    clearTimeout(t);
    live.delete(this.pid);
  }
}

export class IpmiSimHarness {
  readonly processes: IpmiSimProcess[] = [];
  readonly bmcs: SimBmc[] = [];
  constructor(readonly dir: string, private readonly ownsDir: boolean) {}

  processOf(bmc: SimBmc): IpmiSimProcess {
    const p = this.processes.find((pr) => pr.bmcs.includes(bmc));
    if (!p) throw new Error("BMC not managed by this harness");
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Start simulated BMCs. Throws (after cleaning up) if they do not come up. */
export async function startIpmiSim(specs: SimBmcSpec[], opts: StartOptions = {}): Promise<IpmiSimHarness> {
  installExitHook();
  const ownsDir = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "ipmi-sim-"));
  const harness = new IpmiSimHarness(dir, ownsDir);
  const per = Math.min(opts.perProcess ?? specs.length, 100);
  const script = path.join(dir, "chassis.sh");
  fs.writeFileSync(script, CHASSIS_SCRIPT, { mode: 0o755 });
  const ports = await freeUdpPorts(specs.length);
  try {
    for (let start = 0, pi = 0; start < specs.length; start += per, pi++) {
      const group = specs.slice(start, start + per);
      const pdir = path.join(dir, `proc${pi}`);
      fs.mkdirSync(pdir, { recursive: true });
      const consolePort = await freeTcpPort();
      const lan: string[] = [`name "sim${pi}"`, ""];
      const emu: string[] = ["mc_setbmc 0x20", ""];
      const bmcs: SimBmc[] = [];
      group.forEach((spec, gi) => {
        const index = start + gi;
        const addr = 0x20 + gi * 2;
        const port = ports[index];
        const sdir = path.join(pdir, `bmc${gi}`);
        fs.mkdirSync(sdir, { recursive: true });
        fs.writeFileSync(path.join(sdir, "power"), `${spec.power ?? 1}\n`);
        fs.writeFileSync(path.join(sdir, "requests.log"), "");
        const guid = (spec.guid ?? `SIMBMC-${index.toString(16).padStart(8, "0")}`).slice(0, 16);
        lan.push(
          `set_working_mc ${hex(addr)}`,
          "  startlan 1",
          `    addr 127.0.0.1 ${port}`,
          "    priv_limit admin",
          "    allowed_auths_callback none md2 md5 straight",
          "    allowed_auths_user none md2 md5 straight",
          "    allowed_auths_operator none md2 md5 straight",
          "    allowed_auths_admin none md2 md5 straight",
          `    guid "${guid}"`,
          ...(spec.bmcKey ? [`    bmc_key "${spec.bmcKey}"`] : []),
          "  endlan",
          `  chassis_control "${script} ${sdir}"`,
          `  user 2 true "${USERS.admin.username}" "${USERS.admin.password}" admin 10 md5`,
          `  user 3 true "${USERS.operator.username}" "${USERS.operator.password}" operator 10 md5`,
          `  user 4 true "${USERS.viewer.username}" "${USERS.viewer.password}" user 10 md5`,
          "",
        );
        const [fwMaj, fwMin] = spec.firmware ?? [2, 0x15];
        emu.push(`mc_add ${hex(addr)} 0x20 no-device-sdrs 0x01 ${hex(fwMaj)} ${hex(fwMin)} 0x9f 0x1291 0x0f02`);
        emu.push(`sel_enable ${hex(addr)} 1000 0x0a`);
        const sensors = spec.sensors ?? DEFAULT_SENSORS;
        for (const s of sensors) {
          const t = s.thresholds ?? {};
          const mask = ["unr", "uc", "unc", "lnr", "lc", "lnc"].map((k) => (t[k as keyof typeof t] !== undefined ? "1" : "0")).join("");
          const vals = ["unr", "uc", "unc", "lnr", "lc", "lnc"].map((k) => t[k as keyof typeof t] ?? 0).join(" ");
          const lun = s.lun ?? 0;
          if (s.discrete) {
            emu.push(`sensor_add ${hex(addr)} ${lun} ${s.number} ${hex(s.sensorType)} ${hex(s.discrete.eventType)}`);
            for (const bit of s.discrete.states) emu.push(`sensor_set_bit ${hex(addr)} ${lun} ${s.number} ${bit} 1 0`);
            emu.push(`sensor_set_event_support ${hex(addr)} ${lun} ${s.number} enable scanning per-state 111111111111111 111111111111111 111111111111111 111111111111111`);
            continue;
          }
          emu.push(`sensor_add ${hex(addr)} ${lun} ${s.number} ${hex(s.sensorType)} 0x01`);
          emu.push(`sensor_set_threshold ${hex(addr)} ${lun} ${s.number} readable ${mask} ${vals}`);
          emu.push(`sensor_set_value ${hex(addr)} ${lun} ${s.number} ${s.raw} 0`);
          emu.push(`sensor_set_event_support ${hex(addr)} ${lun} ${s.number} enable scanning per-state 000111111000000 000111111000000 000111111000000 000111111000000`);
        }
        // sensors are owned by 0x20 as seen from each BMC's LAN channel (like a standalone BMC), so clients need no bridging
        const recs = compileSdrs(sensors.map((s) => sdrText(s, opts.sdrOwner === "ipmb" ? addr : 0x20)).join("\n"), sdir, "sdr");
        for (const r of recs) emu.push(`main_sdr_add ${hex(addr)} ${[...r].map(hex).join(" ")}`);
        for (const r of spec.rawSdrs ?? []) emu.push(`main_sdr_add ${hex(addr)} ${r.map(hex).join(" ")}`);
        const fru = buildFruImage(
          spec.fru ?? {
            chassisSerial: spec.chassisSerial ?? `CH-${spec.serial}`,
            chassisPartNumber: "CHP-100",
            boardManufacturer: spec.manufacturer ?? "Simulated Systems",
            boardProductName: "SimBoard X1",
            boardSerial: spec.boardSerial ?? `BD-${spec.serial}`,
            boardPartNumber: "BP-200",
            productManufacturer: spec.manufacturer ?? "Simulated Systems",
            productName: spec.productName ?? "SimServer 1000",
            productPartNumber: "PN-300",
            productVersion: "1.0",
            productSerial: spec.serial,
            assetTag: spec.assetTag ?? `AT-${index}`,
          },
        );
        const fruPath = path.join(sdir, "fru.bin");
        fs.writeFileSync(fruPath, fru);
        emu.push(`mc_add_fru_data ${hex(addr)} 0 ${fru.length} file 0 "${fruPath}"`);
        for (const e of spec.sel ?? []) {
          const ts = e.timestamp ?? 0;
          emu.push(
            `sel_add ${hex(addr)} 0x02 ${[ts & 0xff, (ts >> 8) & 0xff, (ts >> 16) & 0xff, (ts >>> 24) & 0xff, 0x20, 0x00, 0x04, e.sensorType, e.sensorNumber, (e.deassert ? 0x80 : 0) | e.eventType, e.ed1, e.ed2 ?? 0xff, e.ed3 ?? 0xff].map(hex).join(" ")}`,
          );
        }
        emu.push(`mc_enable ${hex(addr)}`, "");
        bmcs.push({
          index,
          host: "127.0.0.1",
          port,
          ipmbAddr: addr,
          spec,
          stateDir: sdir,
          power: () => (fs.readFileSync(path.join(sdir, "power"), "utf8").trim() === "1" ? 1 : 0),
          requests: () => fs.readFileSync(path.join(sdir, "requests.log"), "utf8").split("\n").filter(Boolean),
        });
      });
      lan.push(`console 127.0.0.1 ${consolePort}`, "");
      fs.writeFileSync(path.join(pdir, "lan.conf"), lan.join("\n"));
      fs.writeFileSync(path.join(pdir, "bmc.emu"), emu.join("\n"));
      const statedir = path.join(pdir, "state");
      fs.mkdirSync(statedir, { recursive: true });
      const child = spawn("ipmi_sim", ["-n", "-p", "-c", path.join(pdir, "lan.conf"), "-f", path.join(pdir, "bmc.emu"), "-s", statedir], {
        stdio: ["ignore", "ignore", fs.openSync(path.join(pdir, "stderr.log"), "w")],
      });
      if (!child.pid) throw new Error("ipmi_sim failed to start");
      live.add(child.pid);
      child.once("exit", () => live.delete(child.pid!));
      const proc = new IpmiSimProcess(child.pid, child, bmcs, consolePort, pdir);
      harness.processes.push(proc);
      harness.bmcs.push(...bmcs);
    }
    await waitReady(harness, opts.readyTimeoutMs ?? 20000);
    return harness;
  } catch (e) {
    await harness.stop();
    throw e;
  }
}

/** Wait until every BMC answers an ASF presence ping. */
async function waitReady(h: IpmiSimHarness, timeoutMs: number): Promise<void> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  const pendingPorts = new Set(h.bmcs.map((b) => b.port));
  sock.on("message", (msg, rinfo) => {
    if (msg.length >= 12 && msg[3] === 0x06 && msg[8] === 0x40) pendingPorts.delete(rinfo.port);
  });
  const ping = Buffer.from([0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, 0x01, 0x00, 0x00]);
  const deadline = Date.now() + timeoutMs;
  try {
    while (pendingPorts.size > 0) {
      for (const p of h.processes) {
        if (p.child.exitCode !== null) {
          const log = fs.readFileSync(path.join(p.dir, "stderr.log"), "utf8").slice(0, 2000);
          throw new Error(`ipmi_sim (pid ${p.pid}) exited with ${p.child.exitCode}: ${log}`);
        }
      }
      if (Date.now() > deadline) throw new Error(`ipmi_sim: ${pendingPorts.size} BMCs did not answer within ${timeoutMs} ms`);
      for (const port of pendingPorts) sock.send(ping, port, "127.0.0.1");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    sock.close();
  }
}

/** A list of varied BMC specs (different serials, sensor sets and SEL) for tests and benchmarks. */
export function variedSpecs(n: number, prefix = "SN"): SimBmcSpec[] {
  const out: SimBmcSpec[] = [];
  for (let i = 0; i < n; i++) {
    const sensors = DEFAULT_SENSORS.map((s) => ({ ...s, raw: s.raw + ((i * 3 + s.number) % 5) }));
    if (i % 3 === 1) sensors.push({ number: 5, name: "Aux Rail", sensorType: 0x02, unit: 4, m: -2, b: 5, bExp: 1, rExp: -1, format: "2s_complement", raw: 0xf7 });
    if (i % 3 === 2) sensors.push({ number: 6, name: "Fan 2", sensorType: 0x04, unit: 18, m: 40, raw: 100 + (i % 7), thresholds: { lc: 20, lnc: 30 } });
    out.push({
      serial: `${prefix}${String(i).padStart(5, "0")}`,
      sensors,
      sel: [
        { sensorType: 0x01, sensorNumber: 1, eventType: 0x01, ed1: 0x59, ed2: 0x5b, ed3: 0x5a },
        ...(i % 2 ? [{ sensorType: 0x04, sensorNumber: 2, eventType: 0x01, ed1: 0x52, ed2: 0x10, ed3: 0x14 }] : []),
        { sensorType: 0x08, sensorNumber: 7, eventType: 0x6f, ed1: 0x01 },
      ],
      power: (i % 4 === 3 ? 0 : 1) as 0 | 1,
    });
  }
  return out;
}
