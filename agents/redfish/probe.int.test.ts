/**
 * The Redfish client against the project's Redfish BMC simulator (a real
 * HTTPS server on 127.0.0.1, tests/redfish-sim): full reads of both vendor
 * flavours, paging, thresholds, firmware, security, SEL.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ZBmcProbeResult } from "../../server/contracts/bmc";
import { startRedfishSim, type RedfishSim, type RedfishSimOptions, type SimSensor } from "../../tests/redfish-sim/server";
import { probeRedfish } from "./probe";

const sims: RedfishSim[] = [];
async function sim(opts: RedfishSimOptions): Promise<RedfishSim> {
  const s = await startRedfishSim({ host: "127.0.0.1", port: 0, ...opts });
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

const creds = { username: "admin", password: "password" };

const SENSORS: SimSensor[] = [
  { name: "CPU1 Temp", kind: "temperature", reading: 96, thresholds: { upperCaution: 85, upperCritical: 95, upperFatal: 100 } },
  { name: "CPU2 Temp", kind: "temperature", reading: 101, thresholds: { upperCaution: 85, upperCritical: 95, upperFatal: 100 } },
  { name: "Inlet Temp", kind: "temperature", reading: 44, thresholds: { lowerCritical: -7, lowerCaution: 3, upperCaution: 42, upperCritical: 47 } },
  { name: "Exhaust Temp", kind: "temperature", reading: 35, thresholds: { upperCaution: 70, upperCritical: 75 } },
  { name: "Fan1", kind: "fan", reading: 8400, thresholds: { lowerCritical: 480, lowerCaution: 840 } },
  { name: "Fan2", kind: "fan", reading: 400, thresholds: { lowerCritical: 480, lowerCaution: 840 } },
  { name: "Fan3", kind: "fan", reading: 800, thresholds: { lowerCritical: 480, lowerCaution: 840 } },
  { name: "PSU1 Input Voltage", kind: "voltage", reading: 231, thresholds: { lowerCritical: 180, upperCritical: 264 } },
  { name: "System Power", kind: "power", reading: 318 },
];

function byName(sensors: Array<{ name: string; value: number | null; unit: string; status: string }>, suffix: string) {
  const s = sensors.find((x) => x.name === suffix || x.name.endsWith(` ${suffix}`));
  expect(s, `sensor ${suffix}`).toBeDefined();
  return s!;
}

describe("probeRedfish — dell-like flavour (older Thermal/Power model)", () => {
  it("reads identity, parts, sensors with threshold status, firmware, security and the SEL", async () => {
    const s = await sim({
      flavour: "dell-like",
      systemSerial: " 9zq7xk2 ",
      chassisSerial: "9ZQ7XK2",
      boardSerial: "cnfcp0042b00aa",
      assetTag: "IL-000123",
      model: "PowerEdge R760",
      bmcFirmware: "7.10.30.00",
      biosVersion: "2.3.5",
      uuid: "4c4c4544-0042-4b10-8032-b7c04f444c33",
      macs: ["B0-7B-25-00-00-01", "b0:7b:25:00:00:02"],
      nics: 2,
      dimms: 6,
      drives: 3,
      psus: 2,
      sensors: SENSORS,
      sel: 5,
      secureBoot: true,
      tpm: { enabled: true, interfaceType: "TPM2_0", firmwareVersion: "7.2.3.1" },
    });
    const { result, fingerprint } = await probeRedfish({ url: s.url, ...creds });

    expect(ZBmcProbeResult.parse(result)).toEqual(result);
    expect(fingerprint).toBe(s.fingerprint);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(result.protocol).toBe("redfish");
    expect(result.power).toBe("on");
    expect(result.deviceId).toEqual({ firmwareRevision: "7.10.30.00", manufacturerId: null, productId: null });
    expect(result.guid).toBe("4c4c4544-0042-4b10-8032-b7c04f444c33");
    expect(result.fru).toEqual({
      manufacturer: "Dell Inc.",
      productName: "PowerEdge R760",
      productSerial: "9ZQ7XK2",
      boardSerial: "CNFCP0042B00AA", // Oem.Dell.DellSystem.BoardSerialNumber
      chassisSerial: "9ZQ7XK2",
      assetTag: "IL-000123",
    });
    expect(result.macs).toEqual(["b0:7b:25:00:00:01", "b0:7b:25:00:00:02"]);

    // the older model: Thermal + Power, never the Sensors collection
    const paths = s.state.requests.map((r) => r.path);
    expect(paths).toContain("/redfish/v1/Chassis/System.Embedded.1/Thermal");
    expect(paths).toContain("/redfish/v1/Chassis/System.Embedded.1/Power");
    expect(paths.some((p) => p.endsWith("/Sensors"))).toBe(false);
    expect(byName(result.sensors, "CPU1 Temp")).toEqual({ name: "System Board CPU1 Temp", value: 96, unit: "degrees C", status: "cr" });
    expect(byName(result.sensors, "CPU2 Temp").status).toBe("nr");
    expect(byName(result.sensors, "Inlet Temp").status).toBe("nc");
    expect(byName(result.sensors, "Exhaust Temp").status).toBe("ok");
    expect(byName(result.sensors, "Fan1")).toMatchObject({ value: 8400, unit: "RPM", status: "ok" });
    expect(byName(result.sensors, "Fan2").status).toBe("cr");
    expect(byName(result.sensors, "Fan3").status).toBe("nc");
    expect(byName(result.sensors, "PSU1 Input Voltage")).toMatchObject({ value: 231, unit: "Volts", status: "ok" });
    expect(byName(result.sensors, "System Power")).toMatchObject({ value: 318, unit: "Watts", status: "ok" });
    expect(result.sensors).toHaveLength(SENSORS.length);

    const kinds = (k: string) => result.components!.filter((c) => c.kind === k);
    expect(kinds("CPU")).toHaveLength(2);
    expect(kinds("CPU")[0]).toMatchObject({ slot: "CPU.Socket.1", model: expect.stringContaining("Xeon"), serial: null });
    expect(kinds("DIMM").map((d) => d.slot)).toEqual(["DIMM.Socket.A1", "DIMM.Socket.A2", "DIMM.Socket.A3", "DIMM.Socket.A4", "DIMM.Socket.A5", "DIMM.Socket.A6"]);
    expect(kinds("DIMM")[0]).toMatchObject({ model: "HMA84GR7CJR4N-XN", serial: "9ZQ7D0001" });
    // drive ids contain colons (Disk.Bay.0:Enclosure.Internal.0-1:RAID.Integrated.1-1)
    expect(kinds("DRIVE").map((d) => [d.slot, d.serial])).toEqual([
      ["Disk.Bay.0", "S6JNNA0T000100"],
      ["Disk.Bay.1", "S6JNNA0T000101"],
      ["Disk.Bay.2", "S6JNNA0T000102"],
    ]);
    expect(kinds("NIC").map((n) => n.slot)).toEqual(["NIC.Integrated.1-1-1", "NIC.Integrated.1-2-1"]);
    expect(kinds("PSU").map((p) => [p.slot, p.serial])).toEqual([
      ["PSU.Slot.1", "PSU9ZQ71"],
      ["PSU.Slot.2", "PSU9ZQ72"],
    ]);

    // installed firmware only (Dell also lists "Previous-" images)
    expect(result.firmware.map(({ id: _id, ...f }) => f)).toEqual([
      { component: "Integrated Dell Remote Access Controller", version: "7.10.30.00", source: "redfish.FirmwareInventory" },
      { component: "BIOS", version: "2.3.5", source: "redfish.FirmwareInventory" },
      { component: "PERC H755 Front", version: "52.26.0-5179", source: "redfish.FirmwareInventory" },
      { component: "Broadcom Adv. Dual 25Gb Ethernet", version: "22.31.6", source: "redfish.FirmwareInventory" },
    ]);
    expect(result.firmware.every((f) => f.id && !/^Previous-/.test(f.id))).toBe(true);
    expect(result.security).toEqual({
      secureBoot: "enabled",
      secureBootEnable: true,
      secureBootMode: "DeployedMode",
      secureBootDatabases: [
        { id: "PK", certificates: 1 },
        { id: "KEK", certificates: 2 },
        { id: "db", certificates: 3 },
        { id: "dbx", certificates: 0 },
      ],
      tpm: { present: true, version: "2.0", enabled: true, interfaceType: "TPM2_0", firmwareVersion: "7.2.3.1" },
    });
    expect(result.bios?.attributes).toMatchObject({ BootMode: "Uefi", ProcVirtualization: "Enabled", SriovGlobalEnable: "Enabled" });

    // Dell reports local time with an offset; the result is UTC
    expect(result.sel).toHaveLength(5);
    expect(result.sel[0]).toEqual({
      id: 1,
      timestamp: "2026-11-01T08:00:00.000Z",
      sensorType: "Temperature",
      event: "The system inlet temperature is greater than the upper warning threshold.",
    });
    expect(result.sel.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);

    // the session was opened once and closed at the end
    expect(s.state.sessionsCreated).toBe(1);
    expect(s.state.sessionsDeleted).toBe(1);
    expect(s.state.sessions.size).toBe(0);
  });
});

describe("probeRedfish — hpe-like flavour (Sensors, ThermalSubsystem/PowerSubsystem, paging)", () => {
  it("reads everything, follows Members@odata.nextLink to the last member and uses the newer sensor model", async () => {
    const s = await sim({
      flavour: "hpe-like",
      systemSerial: "CZJ3310XYZ",
      chassisSerial: "CZJ3310XYZ",
      boardSerial: "PWUXA0ARHB9999",
      bmcFirmware: "iLO 6 v1.59",
      dimms: 20,
      drives: 2,
      nics: 3,
      sel: 30,
      pageSize: 8,
      sensors: SENSORS,
      secureBoot: false,
      tpm: { enabled: false, interfaceType: "TPM1_2" },
      powerState: "Off",
    });
    const { result, fingerprint } = await probeRedfish({ url: s.url, ...creds, concurrency: 3 });
    expect(ZBmcProbeResult.parse(result)).toEqual(result);
    expect(fingerprint).toBe(s.fingerprint);
    expect(result.power).toBe("off");
    expect(result.deviceId.firmwareRevision).toBe("iLO 6 v1.59");
    expect(result.fru).toMatchObject({
      manufacturer: "HPE",
      productName: "ProLiant DL380 Gen10 Plus",
      productSerial: "CZJ3310XYZ",
      chassisSerial: "CZJ3310XYZ",
      boardSerial: "PWUXA0ARHB9999", // the "System Board" chassis (ChassisType Card)
      assetTag: null,
    });

    // paging: 20 DIMMs in pages of 8, 30 SEL entries in pages of 8
    const dimms = result.components!.filter((c) => c.kind === "DIMM");
    expect(dimms).toHaveLength(20);
    expect(new Set(dimms.map((d) => d.serial)).size).toBe(20);
    expect(dimms.at(-1)!.slot).toBe("PROC 2 DIMM 8");
    expect(result.sel.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(result.sel[29].timestamp).toBe("2026-11-02T13:00:00.000Z");
    const memPages = s.state.requests.filter((r) => r.path === "/redfish/v1/Systems/1/Memory");
    expect(memPages.map((r) => r.query)).toEqual(["", "?$skip=8&$top=8", "?$skip=16&$top=8"]);
    const selPages = s.state.requests.filter((r) => r.path === "/redfish/v1/Managers/1/LogServices/SEL/Entries");
    expect(selPages).toHaveLength(4);

    // newer model: the Sensors collection, never Thermal/Power
    const paths = s.state.requests.map((r) => r.path);
    expect(paths).toContain("/redfish/v1/Chassis/1/Sensors");
    expect(paths).toContain("/redfish/v1/Chassis/1/PowerSubsystem/PowerSupplies");
    expect(paths.some((p) => p.endsWith("/Thermal") || p.endsWith("/Power"))).toBe(false);
    expect(byName(result.sensors, "CPU1 Temp")).toEqual({ name: "CPU1 Temp", value: 96, unit: "degrees C", status: "cr" });
    expect(byName(result.sensors, "CPU2 Temp").status).toBe("nr");
    expect(byName(result.sensors, "Inlet Temp").status).toBe("nc");
    expect(byName(result.sensors, "Fan2")).toMatchObject({ value: 400, unit: "RPM", status: "cr" });
    expect(byName(result.sensors, "Fan3").status).toBe("nc");
    expect(byName(result.sensors, "PSU1 Input Voltage")).toMatchObject({ unit: "Volts", status: "ok" });
    expect(byName(result.sensors, "System Power")).toMatchObject({ value: 318, unit: "Watts", status: "ok" });
    expect(result.sensors).toHaveLength(SENSORS.length);

    expect(result.macs).toHaveLength(3);
    expect(result.macs!.every((m) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m))).toBe(true);
    expect(result.components!.filter((c) => c.kind === "CPU").map((c) => c.serial)).toEqual(["PPIN-CZJ3310XYZ-1", "PPIN-CZJ3310XYZ-2"]);
    expect(result.components!.filter((c) => c.kind === "DRIVE").map((c) => c.slot)).toEqual(["Box 1 Bay 1", "Box 1 Bay 2"]);
    expect(result.components!.filter((c) => c.kind === "PSU").map((c) => [c.slot, c.model, c.serial])).toEqual([
      ["0", "P38995-B21", "PSUCZJ31"],
      ["1", "P38995-B21", "PSUCZJ32"],
    ]);
    expect(result.firmware.map((f) => f.component)).toEqual(["iLO 5", "System ROM", "Intelligent Platform Abstraction Data", "HPE MR416i-p Gen10+"]);
    expect(result.security).toEqual({ secureBoot: "disabled", secureBootEnable: false, secureBootMode: "DeployedMode", tpm: { present: true, version: "1.2", enabled: false, interfaceType: "TPM1_2", firmwareVersion: "7.2.3.1" } });
    expect(result.bios?.attributes).toMatchObject({ BootMode: "Uefi", Sriov: "Enabled" });
    expect(s.state.sessionsCreated).toBe(1);
    expect(s.state.sessions.size).toBe(0); // logged out via the absolute Location URL
  });

  it("keeps to the concurrency bound", async () => {
    const s = await sim({ flavour: "hpe-like", latencyMs: 15, dimms: 12, sel: 10 });
    await probeRedfish({ url: s.url, ...creds, concurrency: 2 });
    expect(s.state.maxInFlight).toBeLessThanOrEqual(2);
    expect(s.state.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(s.state.connections).toBeLessThanOrEqual(2); // keep-alive: connections are reused
  });

  it("reports no TPM and unknown SecureBoot when the BMC has neither", async () => {
    const s = await sim({ flavour: "hpe-like", tpm: null });
    s.state.statusOverrides.set("/redfish/v1/Systems/1/SecureBoot", 404);
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.security).toEqual({ secureBoot: "unknown", tpm: { present: false, version: null, enabled: false } });
    expect(result.bios).toBeDefined();
  });
});
