import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../cli";
import { defaultBackends } from "../runner/collectors";
import { SnmpWalkError, type SnmpTarget } from "./lldp";
import { buildLldpView, decodeLldpId, emptyRaw } from "./decode";
import type { TLldpView } from "../../server/contracts/lldp";

describe("LLDP-MIB decoding", () => {
  it.each([
    ["mac", Buffer.from([0x02, 0x5a, 0, 0, 0, 0x0a]), "02:5a:00:00:00:0a"],
    ["mac", Buffer.from("AA-BB-CC-DD-EE-FF"), "aa:bb:cc:dd:ee:ff"],
    ["network", Buffer.from([1, 10, 0, 0, 7]), "10.0.0.7"],
    ["network", Buffer.from([2, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x5b, 0, 0xff, 0xfe, 0, 0, 1]), "fe80::5b:ff:fe00:1"],
    ["ifname", Buffer.from("Ethernet1/1"), "Ethernet1/1"],
    ["local", Buffer.from("17"), "17"],
    ["local", Buffer.from([0x01, 0x02]), "01:02"],
  ] as const)("%s %j -> %s", (st, b, text) => {
    expect(decodeLldpId(st, b)).toBe(text);
  });

  it("joins remote rows on lldpLocPortNum and local ports to ifName by name, alias, MAC or description", () => {
    const raw = emptyRaw();
    raw.locChassisIdSubtype = 4;
    raw.locChassisId = Buffer.from([0x02, 0x5a, 0, 0, 0, 1]);
    raw.locSysName = Buffer.from("leaf");
    raw.locPorts.set(11, { subtype: 5, id: Buffer.from("swp1"), desc: Buffer.from("x") }); // ifname
    raw.locPorts.set(12, { subtype: 1, id: Buffer.from("to-db1"), desc: Buffer.from("") }); // ifalias
    raw.locPorts.set(13, { subtype: 3, id: Buffer.from([0x02, 0x5a, 0, 0, 0, 3]) }); // mac
    raw.locPorts.set(14, { subtype: 7, id: Buffer.from("9"), desc: Buffer.from("Ethernet4") }); // local, desc = ifName
    raw.locPorts.set(15, { subtype: 7, id: Buffer.from("5") }); // local = ifIndex
    for (const [ix, name, alias, mac] of [
      [1, "swp1", "", "02:5a:00:00:00:01"],
      [2, "swp2", "to-db1", "02:5a:00:00:00:02"],
      [3, "swp3", "", "02:5a:00:00:00:03"],
      [4, "Ethernet4", "", "02:5a:00:00:00:04"],
      [5, "Ethernet5", "", "02:5a:00:00:00:05"],
    ] as const) {
      raw.ifName.set(ix, name);
      raw.ifAlias.set(ix, alias);
      raw.ifPhys.set(ix, mac);
    }
    raw.rem.set("100.12.1", { localPortNum: 12, remIndex: 1, cols: new Map<number, number | Buffer>([[4, 7], [5, Buffer.from("db1")], [6, 5], [7, Buffer.from("eth0")], [8, Buffer.from("")], [9, Buffer.from("db1.example")]]) });
    const v = buildLldpView(raw);
    expect(v.sysName).toBe("leaf");
    expect(v.chassisId).toBe("02:5a:00:00:00:01");
    expect(v.localPorts.map((p) => [p.portNum, p.portIdSubtype, p.ifName])).toEqual([
      [11, "ifname", "swp1"],
      [12, "ifalias", "swp2"],
      [13, "mac", "swp3"],
      [14, "local", "Ethernet4"],
      [15, "local", "Ethernet5"],
    ]);
    expect(v.neighbors).toEqual([
      { localPortNum: 12, localPortId: "swp2", chassisId: "db1", chassisIdSubtype: "local", portId: "eth0", portIdSubtype: "ifname", portDesc: "", sysName: "db1.example" },
    ]);
  });
});

const VIEW: TLldpView = { sysName: "leaf-sw1", chassisId: "02:5a:00:00:00:01", localPorts: [], neighbors: [] };
const ENV = { COMM: "c0mmunity-s3cret", AUTH: "auth-s3cret-key", PRIV: "priv-s3cret-key" };

async function run(argv: string[], fail?: Error) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: SnmpTarget[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: ENV };
  const code = await main(["lldp", "walk", ...argv], io, defaultBackends, async () => ({
    walkLldp: async (t) => {
      calls.push(t);
      if (fail) throw fail;
      return VIEW;
    },
  }));
  const stderr = err.join("");
  for (const s of Object.values(ENV)) expect(stderr + out.join("")).not.toContain(s);
  return { code, stdout: out.join(""), stderr, calls };
}

describe("ironledger lldp walk", () => {
  it.each([
    [[], /missing --snmp/],
    [["--snmp", "10.0.0.1"], /missing --community-env VAR \(SNMP v2c\) or --v3-user/],
    [["--snmp", "10.0.0.1:99999", "--community-env", "COMM"], /--snmp: .*port/],
    [["--snmp", "10.0.0.1", "--community-env", "NOPE"], /NOPE \(named by --community-env\) is not set/],
    [["--snmp", "10.0.0.1", "--community-env", "COMM", "--v3-user", "u"], /either --community-env .* not both/],
    [["--snmp", "10.0.0.1", "--v3-user", "u", "--auth-env", "AUTH"], /missing --priv-env/],
    [["--snmp", "10.0.0.1", "--auth-env", "AUTH", "--priv-env", "PRIV"], /missing --v3-user/],
    [["--snmp", "10.0.0.1", "--v3-user", "u", "--auth-env", "AUTH", "--priv-env", "PRIV", "--auth", "md5"], /--auth must be sha or sha256/],
    [["--snmp", "10.0.0.1", "--v3-user", "u", "--auth-env", "AUTH", "--priv-env", "PRIV", "--priv", "des"], /--priv must be aes .*aes256b .*aes256r/],
    [["--snmp", "10.0.0.1", "--community-env", "COMM", "--timeout", "soon"], /--timeout must be a whole number/],
    [["--snmp", "10.0.0.1", "--community-env", "COMM", "extra"], /unexpected argument "extra"/],
  ])("%j exits 2", async (argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(pattern);
    expect(r.calls).toHaveLength(0);
  });

  it("--help names the lldp walk options; an unknown subcommand exits 2", async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: () => {}, env: {} };
    expect(await main(["lldp", "walk", "--help"], io)).toBe(0);
    expect(out.join("")).toMatch(/ironledger lldp walk --snmp HOST\[:PORT\][\s\S]*--priv aes\|aes256b\|aes256r/);
    expect(await main(["lldp", "show"], io)).toBe(2);
  });

  it("v2c --json prints the view; the default port is 161", async () => {
    const r = await run(["--snmp", "10.0.0.1", "--community-env", "COMM", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(VIEW);
    expect(r.calls[0]).toEqual({ host: "10.0.0.1", port: 161, version: "2c", community: ENV.COMM });
  });

  it("v3 passes user, protocols and keys", async () => {
    const r = await run(["--snmp", "10.0.0.1:1161", "--v3-user", "ops", "--auth-env", "AUTH", "--priv-env", "PRIV", "--auth", "sha256", "--priv", "aes256r", "--timeout", "900"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/10\.0\.0\.1:1161: leaf-sw1/);
    expect(r.calls[0]).toEqual({ host: "10.0.0.1", port: 1161, timeoutMs: 900, version: "3", user: "ops", authProtocol: "sha256", authKey: ENV.AUTH, privProtocol: "aes256r", privKey: ENV.PRIV });
  });

  it.each([
    ["auth", 3],
    ["timeout", 5],
    ["network", 1],
    ["protocol", 1],
  ] as const)("a %s error exits %i with one line", async (code, exit) => {
    const r = await run(["--snmp", "10.0.0.1", "--community-env", "COMM", "--json"], new SnmpWalkError(code, `${code} went wrong`));
    expect(r.code).toBe(exit);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error: ${code} went wrong\n`);
  });
});
