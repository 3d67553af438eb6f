/**
 * bench:lldp — LLDP walks of large switches by one agent.
 *
 * lldpd cannot easily have 96 neighbours, so the 48- and 96-port switches are simulated by net-snmp's
 * own SNMP agent (the npm package's Agent/Mib: lldpLocalSystemData, lldpLocPortTable, lldpRemTable
 * with lldpLocPortNum ≠ ifIndex, IF-MIB ifDescr/ifPhysAddress/ifName/ifAlias), several switches on
 * loopback ports in ONE separate process. The walker (agents/snmp/lldp.ts walkLldp, what the site agent
 * runs) walks them from this process with the agent's default concurrency (16). On a machine of 2 cores
 * the simulator process is the limit: the figure is the simulator's, not the walker's, and says so.
 *
 *   npm run bench:lldp [-- --switches 8 --seconds 10]
 *
 * Ends with one JSON line {"bench","results","baseline","targets"}.
 */
import { benchCabling } from "./cabling";
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import snmp from "net-snmp";
import { walkLldp } from "../agents/snmp/lldp";
import type { TLldpView } from "../server/contracts/lldp";

const COMMUNITY = "bench-ro";
const BASE_PORT = 17_161;

// ---------------------------------------------------------------- the simulator (child process)

interface MibApi {
  registerProvider(p: unknown): void;
  setScalarValue(name: string, v: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
}

function simulate(ports: number, switches: number): void {
  const s = snmp as any;
  const T = s.ObjectType;
  const RO = s.MaxAccess["read-only"];
  const NA = s.MaxAccess["not-accessible"];
  const mac = (a: number, b: number) => Buffer.from([0x02, a, 0, 0, b >> 8, b & 0xff]);
  for (let k = 0; k < switches; k++) {
    const agent = s.createAgent({ port: BASE_PORT + k, address: "127.0.0.1", disableAuthorization: true }, () => {});
    agent.getAuthorizer().addCommunity(COMMUNITY);
    const mib: MibApi = agent.getMib();
    const scalar = (name: string, oid: string, type: number, v: unknown) => {
      mib.registerProvider({ name, type: s.MibProviderType.Scalar, oid, scalarType: type, maxAccess: RO });
      mib.setScalarValue(name, v);
    };
    scalar("lldpLocChassisIdSubtype", "1.0.8802.1.1.2.1.3.1", T.Integer, 4);
    scalar("lldpLocChassisId", "1.0.8802.1.1.2.1.3.2", T.OctetString, mac(0x5a, k));
    scalar("lldpLocSysName", "1.0.8802.1.1.2.1.3.3", T.OctetString, `sim-leaf-${k}`);
    const col = (number: number, name: string, type: number, access = RO) => ({ number, name, type, maxAccess: access });
    mib.registerProvider({
      name: "lldpLocPortEntry",
      type: s.MibProviderType.Table,
      oid: "1.0.8802.1.1.2.1.3.7.1",
      maxAccess: NA,
      tableColumns: [col(1, "lldpLocPortNum", T.Integer, NA), col(2, "lldpLocPortIdSubtype", T.Integer), col(3, "lldpLocPortId", T.OctetString), col(4, "lldpLocPortDesc", T.OctetString)],
      tableIndex: [{ columnName: "lldpLocPortNum" }],
    });
    mib.registerProvider({
      name: "lldpRemEntry",
      type: s.MibProviderType.Table,
      oid: "1.0.8802.1.1.2.1.4.1.1",
      maxAccess: NA,
      tableColumns: [
        col(1, "lldpRemTimeMark", T.TimeTicks, NA),
        col(2, "lldpRemLocalPortNum", T.Integer, NA),
        col(3, "lldpRemIndex", T.Integer, NA),
        col(4, "lldpRemChassisIdSubtype", T.Integer),
        col(5, "lldpRemChassisId", T.OctetString),
        col(6, "lldpRemPortIdSubtype", T.Integer),
        col(7, "lldpRemPortId", T.OctetString),
        col(8, "lldpRemPortDesc", T.OctetString),
        col(9, "lldpRemSysName", T.OctetString),
      ],
      tableIndex: [{ columnName: "lldpRemTimeMark" }, { columnName: "lldpRemLocalPortNum" }, { columnName: "lldpRemIndex" }],
    });
    mib.registerProvider({
      name: "ifEntry",
      type: s.MibProviderType.Table,
      oid: "1.3.6.1.2.1.2.2.1",
      maxAccess: NA,
      tableColumns: [col(1, "ifIndex", T.Integer), col(2, "ifDescr", T.OctetString), col(6, "ifPhysAddress", T.OctetString)],
      tableIndex: [{ columnName: "ifIndex" }],
    });
    mib.registerProvider({
      name: "ifXEntry",
      type: s.MibProviderType.Table,
      oid: "1.3.6.1.2.1.31.1.1.1",
      maxAccess: NA,
      tableColumns: [col(1, "ifName", T.OctetString), col(18, "ifAlias", T.OctetString), col(1000, "ifXIndex", T.Integer, NA)],
      tableIndex: [{ columnName: "ifXIndex" }],
    });
    for (let p = 1; p <= ports; p++) {
      const ifIndex = 1000 + p; // LLDP's port numbers are not the ifIndex
      mib.addTableRow("lldpLocPortEntry", [p, 7, Buffer.from(String(ifIndex)), Buffer.from(`Ethernet${p}`)]);
      mib.addTableRow("lldpRemEntry", [100, p, 1, 4, mac(0x5b, k * 1000 + p), 3, mac(0x5b, k * 1000 + p), Buffer.from("eth0"), Buffer.from(`srv-${k}-${p}`)]);
      mib.addTableRow("ifEntry", [ifIndex, Buffer.from(`Ethernet${p}`), mac(0x5a, p)]);
      mib.addTableRow("ifXEntry", [Buffer.from(`Ethernet${p}`), Buffer.from(p % 2 ? `to srv-${k}-${p}` : ""), ifIndex]);
    }
  }
  process.send?.("ready");
}

// ---------------------------------------------------------------- the walker (this process)

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

async function startSimulator(ports: number, switches: number): Promise<ChildProcess> {
  const child = fork(process.argv[1]!, ["--simulate", String(ports), String(switches)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return child;
}

async function stopSimulator(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once("exit", r));
  process.kill(child.pid!, "SIGTERM");
  await gone;
}

async function measure(ports: number, switches: number, seconds: number, concurrency: number) {
  const sim = await startSimulator(ports, switches);
  try {
    const target = (k: number) => ({ host: "127.0.0.1", port: BASE_PORT + k, version: "2c" as const, community: COMMUNITY, timeoutMs: 5000, retries: 1 });
    // correctness first: one walk, every port joined
    const t0 = performance.now();
    const view: TLldpView = await walkLldp(target(0));
    const oneWalkMs = performance.now() - t0;
    if (view.neighbors.length !== ports || view.localPorts.some((p) => p.ifName !== `Ethernet${p.portNum}`)) throw new Error(`simulated ${ports}-port walk came back wrong: ${view.neighbors.length} neighbours`);
    const end = Date.now() + seconds * 1000;
    let walks = 0;
    let failed = 0;
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (Date.now() < end) {
        const k = next++ % switches;
        const s = performance.now();
        try {
          await walkLldp(target(k));
          walks++;
          latencies.push(performance.now() - s);
        } catch {
          failed++;
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      ports,
      switches,
      concurrency,
      oneWalkMs: Math.round(oneWalkMs),
      walks,
      failed,
      seconds: Math.round(elapsed * 10) / 10,
      walksPerMin: Math.round((walks / elapsed) * 60),
      p50Ms: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0),
      p95Ms: Math.round(latencies[Math.floor(latencies.length * 0.95)] ?? 0),
    };
  } finally {
    await stopSimulator(sim);
  }
}

async function main() {
  const switches = arg("switches", 8);
  const seconds = arg("seconds", 10);
  const concurrency = arg("concurrency", 16);
  const loadBefore = os.loadavg();
  const r48 = await measure(48, switches, seconds, concurrency);
  console.error(`48 ports: ${r48.walksPerMin} walks/min (p50 ${r48.p50Ms} ms, p95 ${r48.p95Ms} ms, ${r48.failed} failed)`);
  const r96 = await measure(96, switches, seconds, concurrency);
  const cabling = await benchCabling();
  console.error(`96 ports: ${r96.walksPerMin} walks/min (p50 ${r96.p50Ms} ms, p95 ${r96.p95Ms} ms, ${r96.failed} failed)`);
  const results = {
    simulator: "net-snmp npm Agent (one separate process, loopback), SNMP v2c, GETBULK max-repetitions 40",
    walk48: r48,
    walk96: r96,
    cpus: os.cpus().length,
    loadavgBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadavgAfter: os.loadavg().map((x) => Math.round(x * 100) / 100),
    note: "one agent's walker against one simulator process sharing the same cores: the rate is bounded by the simulator; numbers are pessimistic on a loaded machine",
    // the cable plan's side (bench/cabling.ts): reconciling the walked tables against their plans, the 48-U elevation
    cabling: cabling.results,
  };
  const targets = [{ metric: "48-port switches walked per minute by one agent", target: ">= 500 (or the simulator's limit)", actual: r48.walksPerMin, met: r48.walksPerMin >= 500 }, ...cabling.targets];
  console.log(JSON.stringify({ bench: "lldp", results, baseline: null, targets }));
}

if (process.argv[2] === "--simulate") simulate(Number(process.argv[3]), Number(process.argv[4]));
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
