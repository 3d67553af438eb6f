/**
 * IPMI on shapes unlike the default simulator profiles (issue 7): a sensor ID
 * packed as 6-bit ASCII, a malformed SDR record, sensors on LUN 1, discrete
 * sensors in full SDRs, a firmware minor revision that is not BCD and SEL
 * records of every sensor-specific type the tables lacked. Real ipmi_sim on
 * 127.0.0.1, cross-checked with the installed ipmitool where it can tell.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZBmcProbeResult } from "../../server/contracts/bmc";
import { DEFAULT_SENSORS, startIpmiSim, USERS, type IpmiSimHarness, type SimBmc, type SimBmcSpec, type SimSelSpec } from "../../tests/harness/ipmi-sim";
import { probeIpmi } from "./probe";

const run = promisify(execFile);
async function ipmitool(b: SimBmc, args: string[]): Promise<string> {
  const { stdout } = await run("ipmitool", ["-I", "lanplus", "-H", b.host, "-p", String(b.port), "-U", USERS.admin.username, "-P", USERS.admin.password, "-C", "3", ...args], { timeout: 20000 });
  return stdout;
}
const field = (out: string, name: string) => {
  const l = out.split("\n").find((x) => x.split(":")[0].trim() === name);
  return l ? l.slice(l.indexOf(":") + 1).trim() : null;
};
const admin = (b: SimBmc) => ({ host: b.host, port: b.port, ...USERS.admin, timeoutMs: 1000, retries: 2 });

/** A full sensor record that ends before its ID string (48 bytes needed, 40 given): malformed. */
const BAD_SDR = [0x40, 0x00, 0x51, 0x01, 35, 0x20, 0x00, 0x30, ...new Array(32).fill(0)];

// sensor-specific SEL records of the types whose text was missing, plus PSU 07h and OS Boot 07h-0Ah
const NEW_SEL: SimSelSpec[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((o) => ({ sensorType: 0x11, sensorNumber: 0x40, eventType: 0x6f, ed1: o })),
  ...[0, 1].map((o) => ({ sensorType: 0x19, sensorNumber: 0x41, eventType: 0x6f, ed1: o })),
  ...[0, 1].map((o) => ({ sensorType: 0x1b, sensorNumber: 0x42, eventType: 0x6f, ed1: o })),
  ...[0, 1, 2, 3, 4].map((o) => ({ sensorType: 0x1e, sensorNumber: 0x43, eventType: 0x6f, ed1: o })),
  ...[0, 1, 2, 3].map((o) => ({ sensorType: 0x24, sensorNumber: 0x44, eventType: 0x6f, ed1: o })),
  ...[0, 1, 2, 3, 4, 5].map((o) => ({ sensorType: 0x28, sensorNumber: 0x45, eventType: 0x6f, ed1: o })),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((o) => ({ sensorType: 0x2c, sensorNumber: 0x46, eventType: 0x6f, ed1: o })),
  { sensorType: 0x08, sensorNumber: 0x47, eventType: 0x6f, ed1: 0x07 },
  ...[7, 8, 9, 10].map((o) => ({ sensorType: 0x1f, sensorNumber: 0x48, eventType: 0x6f, ed1: o })),
];

const specs: SimBmcSpec[] = [
  {
    // 0: an all-caps ID string (sdrcomp packs it as 6-bit ASCII) and a malformed SDR record
    serial: "SHAPE-6BIT",
    sensors: [
      ...DEFAULT_SENSORS.slice(0, 2),
      { number: 9, name: "PSU1 TEMP", sensorType: 0x01, unit: 1, m: 1, raw: 41, thresholds: { uc: 90 } },
    ],
    rawSdrs: [BAD_SDR],
    sel: [{ sensorType: 0x01, sensorNumber: 1, eventType: 0x01, ed1: 0x59, ed2: 0x5b, ed3: 0x5a }],
  },
  {
    // 1: the same sensor number on LUN 0 and LUN 1, and discrete sensors in full SDRs
    serial: "SHAPE-LUN",
    sensors: [
      { number: 5, name: "Lun0 Temp", sensorType: 0x01, unit: 1, m: 1, raw: 30, thresholds: { uc: 90 } },
      { number: 5, name: "Lun1 Temp", sensorType: 0x01, unit: 1, m: 1, raw: 70, thresholds: { uc: 90 }, lun: 1 },
      { number: 8, name: "Psu1 Status", sensorType: 0x08, unit: 0, m: 1, raw: 0, discrete: { eventType: 0x6f, states: [0, 1] } },
      { number: 10, name: "Psu2 Status", sensorType: 0x08, unit: 0, m: 1, raw: 0, discrete: { eventType: 0x6f, states: [0] } },
      { number: 11, name: "Psu Redundancy", sensorType: 0x08, unit: 0, m: 1, raw: 0, discrete: { eventType: 0x0b, states: [1] } },
    ],
    sel: [],
  },
  {
    // 2: firmware minor revision 0x0a (not BCD) and the SEL types the tables lacked
    serial: "SHAPE-FW",
    firmware: [1, 0x0a],
    sensors: DEFAULT_SENSORS.slice(0, 1),
    sel: NEW_SEL,
  },
];

let sim: IpmiSimHarness;
beforeAll(async () => {
  sim = await startIpmiSim(specs);
});
afterAll(async () => {
  await sim?.stop();
});

describe("IPMI shapes unlike the simulator profiles", () => {
  it("decodes a 6-bit packed sensor ID string, and one malformed SDR record does not sink the probe", async () => {
    const b = sim.bmcs[0];
    const r = await probeIpmi(admin(b));
    expect(ZBmcProbeResult.parse(r)).toEqual(r);
    expect(r.sensors.find((s) => s.name === "PSU1 TEMP")).toEqual({ name: "PSU1 TEMP", value: 41, unit: "degrees C", status: "ok" });
    expect(r.sensors.filter((s) => !s.error).map((s) => s.name)).toEqual(["CPU Temp", "Fan 1", "PSU1 TEMP"]);
    const bad = r.sensors.filter((s) => s.error);
    expect(bad).toEqual([{ name: expect.stringMatching(/^SDR record \d+$/), value: null, unit: "", status: "ns", error: expect.stringMatching(/full sensor record \d+ too short/) }]);
    // everything else is still there
    expect(r.fru.productSerial).toBe("SHAPE-6BIT");
    expect(r.sel).toHaveLength(1);
    expect(r.deviceId.firmwareRevision).toBe("2.15");
    // ipmitool reads the same value for that sensor (it prints the packed name raw, so match by the reading)
    const elist = await ipmitool(b, ["sdr", "elist"]);
    expect(elist.split("\n").find((l) => l.includes("| 09h |"))).toMatch(/41 degrees C/);
  });

  it("reads a LUN-1 sensor on LUN 1, not the LUN-0 sensor of the same number (like ipmitool)", async () => {
    const b = sim.bmcs[1];
    const [r, list] = await Promise.all([probeIpmi(admin(b)), ipmitool(b, ["sdr", "list"])]);
    const lun = (n: string) => r.sensors.find((s) => s.name === n)?.value;
    expect([lun("Lun0 Temp"), lun("Lun1 Temp")]).toEqual([30, 70]);
    const tool = (n: string) => list.split("\n").find((l) => l.startsWith(n))?.split("|")[1].trim();
    expect([tool("Lun0 Temp"), tool("Lun1 Temp")]).toEqual(["30 degrees C", "70 degrees C"]);
  });

  it("reports discrete sensors by their asserted states, named as ipmitool names them, with a derived status", async () => {
    const b = sim.bmcs[1];
    const [r, elist] = await Promise.all([probeIpmi(admin(b)), ipmitool(b, ["sdr", "elist"])]);
    const get = (n: string) => r.sensors.find((s) => s.name === n)!;
    expect(get("Psu1 Status")).toEqual({
      name: "Psu1 Status",
      value: null,
      unit: "discrete",
      status: "cr", // "Failure detected" is not lost
      states: [
        { offset: 0, name: "Presence detected" },
        { offset: 1, name: "Failure detected" },
      ],
    });
    expect(get("Psu2 Status")).toMatchObject({ status: "ok", states: [{ offset: 0, name: "Presence detected" }] });
    expect(get("Psu Redundancy")).toMatchObject({ status: "cr", states: [{ offset: 1, name: "Redundancy Lost" }] });
    for (const name of ["Psu1 Status", "Psu2 Status", "Psu Redundancy"]) {
      const line = elist.split("\n").find((l) => l.startsWith(name));
      expect(line?.split("|")[4].trim(), name).toBe(get(name).states!.map((s) => s.name).join(", "));
    }
  });

  it("prints a firmware minor revision that is not BCD as ipmitool and FreeIPMI do (1.0a)", async () => {
    const b = sim.bmcs[2];
    const [r, mc] = await Promise.all([probeIpmi(admin(b)), ipmitool(b, ["mc", "info"])]);
    expect(r.deviceId.firmwareRevision).toBe("1.0a");
    expect(r.deviceId.firmwareRevision).toBe(field(mc, "Firmware Revision"));
    const { stdout } = await run(
      "bmc-info",
      ["-h", `127.0.0.1:${b.port}`, "-u", USERS.admin.username, "-p", USERS.admin.password, "-W", "opensesspriv", "-D", "LAN_2_0", "-I", "3", "--get-device-id"],
      { timeout: 20000 },
    );
    expect(field(stdout, "Firmware Revision")).toBe("1.0a");
  });

  it("names every event of sensor types 0x11, 0x19, 0x1B, 0x1E, 0x24, 0x28, 0x2C, PSU 07h and OS Boot 07h-0Ah as ipmitool does", async () => {
    const b = sim.bmcs[2];
    const [r, list] = await Promise.all([probeIpmi(admin(b)), ipmitool(b, ["sel", "list"])]);
    const tool = list.split("\n").filter((l) => l.includes("|")).map((l) => l.split("|").map((x) => x.trim()));
    expect(r.sel).toHaveLength(NEW_SEL.length);
    expect(r.sel.map((e) => e.event)).toEqual(tool.map((c) => c[4]));
    expect(r.sel.map((e) => e.sensorType)).toEqual(tool.map((c) => c[3].replace(/ #0x[0-9a-f]+$/i, "")));
    expect(r.sel.some((e) => /^Unknown/.test(e.event))).toBe(false);
  });
});
