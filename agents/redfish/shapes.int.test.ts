/**
 * Redfish services shaped unlike the two simulator flavours (issue 7,
 * "Redfish on shapes unlike our simulator"): each shape is a simulator option
 * (tests/redfish-sim/README.md), probed through HTTPS on 127.0.0.1.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ZBmcProbeResult } from "../../server/contracts/bmc";
import { startRedfishSim, type RedfishSim, type RedfishSimOptions } from "../../tests/redfish-sim/server";
import { main, type CliIo } from "../cli";
import { probeRedfish } from "./probe";

const sims: RedfishSim[] = [];
const servers: http.Server[] = [];
async function sim(opts: RedfishSimOptions): Promise<RedfishSim> {
  const s = await startRedfishSim({ host: "127.0.0.1", port: 0, ...opts });
  sims.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

const creds = { username: "admin", password: "password" };
const psus = (r: { components?: Array<{ kind: string; serial: string | null }> }) => (r.components ?? []).filter((c) => c.kind === "PSU");

describe("a chassis with both Sensors and Power", () => {
  it("dell-like with a Sensors collection beside Thermal/Power still yields its power supplies, readings once", async () => {
    const s = await sim({ flavour: "dell-like", sensorsAndPower: true, psus: 2, systemSerial: "ABC1234" });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(psus(result).map((p) => p.serial)).toEqual(["PSUABC11", "PSUABC12"]);
    // the Sensors collection is read; Thermal/Power arrays would only repeat it
    expect(result.sensors.map((x) => x.name).sort()).toEqual(s.state.sensors.map((x) => x.name).sort());
  });

  it("hpe-like with Power beside PowerSubsystem lists each power supply once", async () => {
    const s = await sim({ flavour: "hpe-like", sensorsAndPower: true, psus: 2 });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(psus(result)).toHaveLength(2);
  });
});

describe("several systems: a DPU without PowerState inside the host", () => {
  it("does not fail the probe, credits each chassis to its own system and reports each system apart", async () => {
    const s = await sim({ flavour: "hpe-like", dpu: { serial: "MT0000DPU01", boardSerial: "MT0000CARD01" }, boardSerial: "PWUXA0ARHBX999" });
    // the DPU is listed first: the primary is still the host
    s.state.overrides.set("/redfish/v1/Systems", {
      "@odata.id": "/redfish/v1/Systems/",
      Name: "Computer System Collection",
      "Members@odata.count": 2,
      Members: [{ "@odata.id": "/redfish/v1/Systems/DPU1/" }, { "@odata.id": "/redfish/v1/Systems/1/" }],
    });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(ZBmcProbeResult.parse(result)).toEqual(result);
    expect(result.power).toBe("on");
    expect(result.fru.productSerial).toBe("CZJ2410ABC");
    expect(result.fru.boardSerial).toBe("PWUXA0ARHBX999"); // the host's own board, not the DPU card
    expect(result.sensors.map((x) => x.name)).not.toContain("DPU Temp");
    expect(result.macs).not.toContain("02:00:0d:00:00:01");

    expect(result.systems?.map((x) => [x.id, x.primary, x.systemType, x.power])).toEqual([
      ["/redfish/v1/Systems/1", true, "Physical", "on"],
      ["/redfish/v1/Systems/DPU1", false, "DPU", null],
    ]);
    const dpu = result.systems![1];
    expect(dpu).toMatchObject({
      model: "BlueField-3 DPU",
      serialNumber: "MT0000DPU01",
      boardSerial: "MT0000CARD01",
      partNumber: "900-9D3B6-00CV-AA0",
      biosVersion: "4.7.0-42",
      macs: ["02:00:0d:00:00:01"],
    });
    expect(dpu.sensors).toEqual([{ name: "DPU Temp", value: 61, unit: "degrees C", status: "ok" }]);
    const host = result.systems![0];
    expect(host.sensors).toEqual(result.sensors);
    expect(host.boardSerial).toBe("PWUXA0ARHBX999");
  });

  it("blades: each system gets its own chassis' sensors and serial; the first system stays primary", async () => {
    const s = await sim({ flavour: "dell-like", blades: 2, systemSerial: "ENCL001" });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.systems?.map((x) => [x.id, x.primary, x.serialNumber, x.chassisSerial, x.sensors.map((y) => y.name)])).toEqual([
      ["/redfish/v1/Systems/System.Embedded.1", true, "ENCL001", "ENCL001", expect.arrayContaining(["System Board CPU1 Temp"])],
      ["/redfish/v1/Systems/Blade1", false, "BLADE1-ENCL001", "BLCH1-ENCL001", ["Blade1 Temp"]],
      ["/redfish/v1/Systems/Blade2", false, "BLADE2-ENCL001", "BLCH2-ENCL001", ["Blade2 Temp"]],
    ]);
    expect(result.sensors.map((x) => x.name)).not.toContain("Blade1 Temp");
    expect(result.fru.chassisSerial).toBe("ENCL001");
    expect(psus(result)).toHaveLength(2); // the enclosure's power supplies stay with the primary
  });

  it("a system whose PowerState is missing is not a failure even alone; power reads from Status", async () => {
    const s = await sim({ flavour: "dell-like" });
    const sys = "/redfish/v1/Systems/System.Embedded.1";
    const res = await fetchJson(s, sys);
    delete res.PowerState;
    s.state.overrides.set(sys, res);
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.power).toBe("on");
    expect(result.system?.power).toBeNull();
    expect(result.fru.productSerial).toBe("7XK2DL3");
  });

  it("one odd member (a DIMM with a wrongly typed property) does not sink the rest", async () => {
    const s = await sim({ flavour: "hpe-like", dimms: 4 });
    const dimm = "/redfish/v1/Systems/1/Memory/proc1dimm2";
    s.state.overrides.set(dimm, { "@odata.id": `${dimm}/`, Id: "proc1dimm2", CapacityMiB: "lots" });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.components!.filter((c) => c.kind === "DIMM").map((d) => d.slot)).toEqual(["PROC 1 DIMM 1", "PROC 1 DIMM 3", "PROC 1 DIMM 4"]);
    expect(result.warnings?.join("\n")).toMatch(/proc1dimm2.*CapacityMiB/);
    expect(result.sensors.length).toBeGreaterThan(0);
  });
});

describe("SEL, storage and system identity", () => {
  it("a log service not named SEL whose entries are EntryType SEL is read as the SEL", async () => {
    const s = await sim({ flavour: "hpe-like", sel: 5, selService: { id: "Log1", name: "Event Log" } });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.sel.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
    expect(result.sel[1]).toMatchObject({ sensorType: "Power Supply", event: "Power supply redundancy is lost." });
  });

  it("SimpleStorage devices are read (absent ones left out)", async () => {
    const s = await sim({ flavour: "dell-like", drives: 2, simpleStorage: true });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    const drives = result.components!.filter((c) => c.kind === "DRIVE");
    expect(drives).toHaveLength(3);
    expect(drives.find((d) => d.slot === "SATA Port 0")).toMatchObject({ model: "SSDSC2KB480G8", serial: null, detail: { capacityBytes: 480103981056, source: "SimpleStorage" } });
  });

  it("SKU, PartNumber, BiosVersion, AssetTag and UUID of the system are in the JSON", async () => {
    const s = await sim({ flavour: "dell-like", sku: "SKU-77", assetTag: "IL-42", biosVersion: "2.3.5", uuid: "4c4c4544-0042-4b10-8032-b7c04f444c33" });
    const { result } = await probeRedfish({ url: s.url, ...creds });
    expect(result.system).toEqual({
      id: "/redfish/v1/Systems/System.Embedded.1",
      systemType: "Physical",
      manufacturer: "Dell Inc.",
      model: "PowerEdge R750",
      sku: "SKU-77",
      partNumber: "0J6FV1A01",
      serialNumber: "7XK2DL3",
      biosVersion: "2.3.5",
      assetTag: "IL-42",
      uuid: "4c4c4544-0042-4b10-8032-b7c04f444c33",
      power: "on",
    });
  });
});

describe("sessions and URLs", () => {
  it.each([200, 204] as const)("a session created with status %i and a token is used and deleted at the end", async (status) => {
    const s = await sim({ flavour: "hpe-like", sessionCreateStatus: status });
    await probeRedfish({ url: s.url, ...creds });
    expect(s.state.sessionsCreated).toBe(1);
    expect(s.state.sessionsDeleted).toBe(1);
    expect(s.state.sessions.size).toBe(0);
    expect(s.state.requests.filter((r) => r.auth === "session").length).toBeGreaterThan(5);
  });

  it("https:// to a plain-HTTP port: one clear line, no OpenSSL text", async () => {
    const plain = http.createServer((_req, res) => res.end("hello"));
    servers.push(plain);
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    const port = (plain.address() as AddressInfo).port;
    const err: string[] = [];
    const io: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), env: { BMC_PW: "password" } };
    const code = await main(["bmc", "probe", "--redfish", `https://127.0.0.1:${port}`, "--user", "admin", "--password-env", "BMC_PW", "--timeout", "5000"], io);
    expect(code).toBe(1);
    const text = err.join("");
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toMatch(/^error: cannot reach 127\.0\.0\.1:\d+: the BMC (at 127\.0\.0\.1:\d+ )?does not speak TLS on this port \(a plain-HTTP port\?\); give the BMC's HTTPS port\n$/);
    expect(text).not.toMatch(/SSL routines|openssl|0A0000|EPROTO/i);
  });

  it("a URL with a path is refused with one line and exit 2, before any request", async () => {
    const s = await sim({ flavour: "dell-like" });
    const err: string[] = [];
    const io: CliIo = { stdout: () => {}, stderr: (t) => err.push(t), env: { BMC_PW: "password" } };
    expect(await main(["bmc", "probe", "--redfish", `${s.url}/wrong/path`, "--user", "admin", "--password-env", "BMC_PW"], io)).toBe(2);
    expect(await main(["bmc", "probe", "--redfish", s.url.replace("https:", "http:"), "--user", "admin", "--password-env", "BMC_PW"], io)).toBe(2);
    expect(err.join("").split("\n").filter(Boolean)).toHaveLength(2);
    expect(s.state.requests).toHaveLength(0);
  });
});

async function fetchJson(s: RedfishSim, path: string): Promise<Record<string, unknown>> {
  const { RedfishClient } = await import("./client");
  const c = await RedfishClient.open({ url: s.url, ...creds });
  try {
    const r = await c.raw("GET", path, { auth: true });
    return JSON.parse(r.text) as Record<string, unknown>;
  } finally {
    await c.close();
  }
}
