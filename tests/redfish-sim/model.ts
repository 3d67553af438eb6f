/**
 * The Redfish resource tree served by the simulator, following the DMTF
 * Redfish schema (ServiceRoot, ComputerSystem, Chassis, Manager, ...), in two
 * vendor flavours with different paths, OEM fields and thermal models:
 *
 *  - "dell-like": Systems/System.Embedded.1, Chassis/System.Embedded.1,
 *    Managers/iDRAC.Embedded.1, Oem.Dell fields, the older Thermal and Power
 *    resources, SEL at LogServices/Sel, "Installed-"/"Previous-" firmware
 *    inventory ids, timestamps with a local UTC offset, drive ids with colons,
 *    Reset answers 204.
 *  - "hpe-like": Systems/1, Chassis/1 (+ Chassis/Baseboard), Managers/1,
 *    Oem.Hpe fields, the newer Sensors collection with ThermalSubsystem and
 *    PowerSubsystem, @odata.id with trailing slashes, paged Memory and SEL
 *    entries (Members@odata.nextLink), an absolute session Location, no
 *    PowerCycle among the allowable ResetType values, Reset answers 200.
 *
 * The tree is rebuilt from options + mutable state on every request, so a test
 * can change state (power, sensor readings) and see it served.
 */

export type SimFlavour = "dell-like" | "hpe-like";
export type SimPowerState = "On" | "Off";

export interface SimThresholds {
  lowerFatal?: number;
  lowerCritical?: number;
  lowerCaution?: number;
  upperCaution?: number;
  upperCritical?: number;
  upperFatal?: number;
}

export interface SimSensor {
  name: string;
  kind: "temperature" | "fan" | "voltage" | "power";
  reading: number | null;
  thresholds?: SimThresholds;
}

export interface SimSelEntry {
  id: number;
  created: string; // ISO 8601 UTC
  sensorType: string;
  message: string;
  severity: "OK" | "Warning" | "Critical";
}

export interface SimFirmware {
  name: string;
  version: string;
}

export interface SimUser {
  username: string;
  password: string;
  role: "Administrator" | "Operator" | "ReadOnly";
}

export interface RedfishSimOptions {
  flavour?: SimFlavour;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0 (the OS picks; see the returned port). */
  port?: number;
  /** Administrator credentials; default admin / password. */
  username?: string;
  password?: string;
  /** More accounts, e.g. a ReadOnly one for privilege tests. */
  users?: SimUser[];
  /** SessionService available (default true). When false the service root does not advertise it and POST answers 405. */
  sessions?: boolean;
  /** HTTP basic auth accepted (default true). */
  basicAuth?: boolean;
  /** Delay before every answer, in ms. */
  latencyMs?: number;
  /** Accept connections but never answer HTTP requests (a hung BMC). */
  hang?: boolean;
  manufacturer?: string;
  model?: string;
  sku?: string;
  systemSerial?: string;
  chassisSerial?: string;
  boardSerial?: string;
  assetTag?: string;
  uuid?: string;
  biosVersion?: string;
  bmcFirmware?: string;
  powerState?: SimPowerState;
  cpus?: number;
  dimms?: number;
  drives?: number;
  nics?: number;
  psus?: number;
  /** MAC addresses of the NICs (default derived from the serial). */
  macs?: string[];
  sensors?: SimSensor[];
  /** Number of SEL entries to generate, or the entries themselves. */
  sel?: number | SimSelEntry[];
  firmware?: SimFirmware[];
  /** Page size of the paged collections (hpe-like: Memory and SEL entries; default 8). 0 disables paging. */
  pageSize?: number;
  secureBoot?: boolean;
  tpm?: { enabled: boolean; interfaceType?: "TPM2_0" | "TPM1_2"; firmwareVersion?: string } | null;
  /** Systems/{id}/Bios Attributes (merged over the flavour's defaults); null: no Bios resource. */
  bios?: Record<string, string | number | boolean> | null;
  /** Reuse a certificate (PEM) instead of generating one. */
  cert?: { key: string; cert: string };

  // ---- shapes seen on real BMCs unlike the two flavours (each off by default)
  /** The main chassis offers both models: a `Sensors` collection and the older `Thermal`/`Power` (dell-like: Sensors added; hpe-like: Power added beside PowerSubsystem). */
  sensorsAndPower?: boolean;
  /**
   * A DPU/SmartNIC inside the host: a second ComputerSystem (SystemType "DPU", no PowerState)
   * with its own Card chassis (ContainedBy the main chassis, its own Sensors and serial),
   * listed before the system board in the Chassis collection.
   */
  dpu?: boolean | { serial?: string; boardSerial?: string; uuid?: string };
  /**
   * Blades in the main chassis (which then acts as the enclosure): N more ComputerSystems
   * `Systems/BladeI` (Physical, with PowerState), each with its own Blade chassis
   * (ContainedBy the main chassis, its own Sensors and serial).
   */
  blades?: number;
  /** The SEL lives in a log service that is not named SEL (Id/Name/LogEntryType as given); its entries still say EntryType "SEL". */
  selService?: { id: string; name: string; logEntryType?: string };
  /** The system also has a SimpleStorage collection (one controller with two devices, one absent). */
  simpleStorage?: boolean;
  /** HTTP status of a successful session login (default 201). Some BMCs answer 200 or 204 (no body, token and Location in headers). */
  sessionCreateStatus?: 200 | 201 | 204;
}

export interface Resolved {
  flavour: SimFlavour;
  manufacturer: string;
  model: string;
  sku: string;
  systemSerial: string;
  chassisSerial: string;
  boardSerial: string;
  assetTag: string;
  uuid: string;
  biosVersion: string;
  bmcFirmware: string;
  cpus: number;
  dimms: number;
  drives: number;
  nics: number;
  psus: number;
  macs: string[];
  sel: SimSelEntry[];
  firmware: SimFirmware[];
  pageSize: number;
  secureBoot: boolean;
  tpm: { enabled: boolean; interfaceType: "TPM2_0" | "TPM1_2"; firmwareVersion: string } | null;
  bios: Record<string, string | number | boolean> | null;
  sessions: boolean;
  sensorsAndPower: boolean;
  dpu: { serial: string; boardSerial: string; uuid: string } | null;
  blades: number;
  selService: { id: string; name: string; logEntryType: string } | null;
  simpleStorage: boolean;
}

export interface ModelState {
  powerState: SimPowerState;
  sensors: SimSensor[];
  /** TaskService tasks (firmware updates), oldest first */
  tasks?: SimTask[];
}

/** A TaskService task (DMTF Task.v1_7): an update the UpdateService accepted. */
export interface SimTask {
  id: string;
  state: "New" | "Running" | "Completed" | "Exception";
  percent: number;
  startTime: string;
  endTime: string | null;
  messages: Array<{ MessageId: string; Message: string; Severity: "OK" | "Warning" | "Critical"; MessageArgs?: string[] }>;
}

export const DEFAULT_SENSORS: SimSensor[] = [
  { name: "CPU1 Temp", kind: "temperature", reading: 45, thresholds: { upperCaution: 85, upperCritical: 95, upperFatal: 100 } },
  { name: "Inlet Temp", kind: "temperature", reading: 24, thresholds: { lowerCritical: -7, lowerCaution: 3, upperCaution: 42, upperCritical: 47 } },
  { name: "Fan1", kind: "fan", reading: 8400, thresholds: { lowerCritical: 480, lowerCaution: 840 } },
  { name: "Fan2", kind: "fan", reading: 8280, thresholds: { lowerCritical: 480, lowerCaution: 840 } },
  { name: "PSU1 Input Voltage", kind: "voltage", reading: 230, thresholds: { lowerCritical: 180, upperCritical: 264 } },
  { name: "System Power", kind: "power", reading: 320 },
];

const SEL_SAMPLES: Array<[string, string, SimSelEntry["severity"]]> = [
  ["Temperature", "The system inlet temperature is greater than the upper warning threshold.", "Warning"],
  ["Power Supply", "Power supply redundancy is lost.", "Critical"],
  ["Memory", "Correctable memory error rate exceeded for DIMM A1.", "Warning"],
  ["Processor", "CPU 1 machine check error detected.", "Critical"],
  ["Fan", "Fan 2 RPM is less than the lower warning threshold.", "Warning"],
  ["Event Logging Disabled", "Log cleared.", "OK"],
];

export function resolveOptions(o: RedfishSimOptions): Resolved {
  const flavour = o.flavour ?? "dell-like";
  const dell = flavour === "dell-like";
  const systemSerial = o.systemSerial ?? (dell ? "7XK2DL3" : "CZJ2410ABC");
  const nics = o.nics ?? 4;
  const macs =
    o.macs ??
    Array.from({ length: nics }, (_, i) => {
      const h = [...systemSerial].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
      const b = [0x02, (h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, i];
      return b.map((x) => x.toString(16).padStart(2, "0")).join(":").toUpperCase();
    });
  const selOpt = o.sel ?? 12;
  const sel: SimSelEntry[] = Array.isArray(selOpt)
    ? selOpt
    : Array.from({ length: selOpt }, (_, i) => {
        const [sensorType, message, severity] = SEL_SAMPLES[i % SEL_SAMPLES.length];
        return { id: i + 1, created: new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 3_600_000).toISOString().replace(".000Z", "Z"), sensorType, message, severity };
      });
  const firmware =
    o.firmware ??
    (dell
      ? [
          { name: "Integrated Dell Remote Access Controller", version: o.bmcFirmware ?? "7.00.00.171" },
          { name: "BIOS", version: o.biosVersion ?? "2.19.1" },
          { name: "PERC H755 Front", version: "52.26.0-5179" },
          { name: "Broadcom Adv. Dual 25Gb Ethernet", version: "22.31.6" },
        ]
      : [
          { name: "iLO 5", version: o.bmcFirmware ?? "3.01 Jan 15 2024" },
          { name: "System ROM", version: o.biosVersion ?? "U46 v2.90 (01/15/2024)" },
          { name: "Intelligent Platform Abstraction Data", version: "13.1.0 Build 27" },
          { name: "HPE MR416i-p Gen10+", version: "52.24.3-4948" },
        ]);
  const tpm =
    o.tpm === null
      ? null
      : { enabled: o.tpm?.enabled ?? true, interfaceType: o.tpm?.interfaceType ?? "TPM2_0", firmwareVersion: o.tpm?.firmwareVersion ?? "7.2.3.1" };
  return {
    flavour,
    manufacturer: o.manufacturer ?? (dell ? "Dell Inc." : "HPE"),
    model: o.model ?? (dell ? "PowerEdge R750" : "ProLiant DL380 Gen10 Plus"),
    sku: o.sku ?? (dell ? "7XK2DL3" : "P05172-B21"),
    systemSerial,
    chassisSerial: o.chassisSerial ?? (dell ? systemSerial : "CZJ2410ABC"),
    boardSerial: o.boardSerial ?? (dell ? "CNFCP0011B00XY" : "PWUXA0ARHBX123"),
    assetTag: o.assetTag ?? "",
    uuid: o.uuid ?? (dell ? "4c4c4544-0058-4b10-8032-b7c04f444c33" : "36383150-3630-5a43-4a32-343130414243"),
    biosVersion: o.biosVersion ?? (dell ? "2.19.1" : "U46 v2.90 (01/15/2024)"),
    bmcFirmware: o.bmcFirmware ?? (dell ? "7.00.00.171" : "iLO 5 v3.01"),
    cpus: o.cpus ?? 2,
    dimms: o.dimms ?? (dell ? 8 : 20),
    drives: o.drives ?? 4,
    nics,
    psus: o.psus ?? 2,
    macs,
    sel,
    firmware,
    pageSize: o.pageSize ?? (dell ? 0 : 8),
    secureBoot: o.secureBoot ?? true,
    tpm,
    // vendor attribute names differ (Dell SriovGlobalEnable, HPE Sriov): a posture policy is per model
    bios:
      o.bios === null
        ? null
        : { ...(dell ? { BootMode: "Uefi", ProcVirtualization: "Enabled", SriovGlobalEnable: "Enabled", SysProfile: "PerfOptimized", MemTest: "Disabled" } : { BootMode: "Uefi", ProcVirtualization: "Enabled", Sriov: "Enabled", WorkloadProfile: "GeneralPowerEfficientCompute", ProcHyperthreading: "Enabled" }), ...o.bios },
    sessions: o.sessions ?? true,
    sensorsAndPower: o.sensorsAndPower ?? false,
    dpu: o.dpu
      ? {
          serial: (typeof o.dpu === "object" && o.dpu.serial) || "MT2333X00DPU",
          boardSerial: (typeof o.dpu === "object" && o.dpu.boardSerial) || "MT2333XBOARD1",
          uuid: (typeof o.dpu === "object" && o.dpu.uuid) || "a1b2c3d4-0000-4d50-8000-000000000d01",
        }
      : null,
    selService: o.selService ? { logEntryType: "Multiple", ...o.selService } : null,
    simpleStorage: o.simpleStorage ?? false,
    blades: o.blades ?? 0,
  };
}

type Json = Record<string, unknown>;

/** A collection: paging is applied by the server with $skip/$top. */
export interface CollectionResource {
  kind: "collection";
  body: Json; // without Members
  members: string[];
  paged: boolean;
}
export interface PlainResource {
  kind: "resource";
  body: Json;
}
export type SimResource = CollectionResource | PlainResource;

const DIMM_LETTERS = "ABCDEFGHIJKLMNOP";

function upperOld(t?: SimThresholds): Json {
  return {
    UpperThresholdNonCritical: t?.upperCaution ?? null,
    UpperThresholdCritical: t?.upperCritical ?? null,
    UpperThresholdFatal: t?.upperFatal ?? null,
    LowerThresholdNonCritical: t?.lowerCaution ?? null,
    LowerThresholdCritical: t?.lowerCritical ?? null,
    LowerThresholdFatal: t?.lowerFatal ?? null,
  };
}

function simHealth(s: SimSensor): string {
  const t = s.thresholds ?? {};
  const v = s.reading;
  if (v === null) return "OK";
  if ((t.upperCritical !== undefined && v >= t.upperCritical) || (t.lowerCritical !== undefined && v <= t.lowerCritical)) return "Critical";
  if ((t.upperFatal !== undefined && v >= t.upperFatal) || (t.lowerFatal !== undefined && v <= t.lowerFatal)) return "Critical";
  if ((t.upperCaution !== undefined && v >= t.upperCaution) || (t.lowerCaution !== undefined && v <= t.lowerCaution)) return "Warning";
  return "OK";
}

function sensorId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "");
}

function dellOffset(iso: string): string {
  // Dell BMCs report local time with an offset; the instant is the same.
  const d = new Date(Date.parse(iso) - 6 * 3_600_000);
  return d.toISOString().replace(/\.\d{3}Z$/, "-06:00");
}

/** Build every resource, keyed by path without a trailing slash. */
export function buildResources(r: Resolved, st: ModelState): Map<string, SimResource> {
  const dell = r.flavour === "dell-like";
  const tag = r.systemSerial.trim().toUpperCase().replace(/[^A-Z0-9]/g, "") || "SIM";
  const out = new Map<string, SimResource>();
  const oid = (p: string) => (dell ? p : `${p}/`);
  const ref = (p: string) => ({ "@odata.id": oid(p) });
  const put = (p: string, type: string, body: Json) => {
    out.set(p, { kind: "resource", body: { "@odata.id": oid(p), "@odata.type": type, ...body } });
  };
  const coll = (p: string, type: string, name: string, members: string[], paged = false) => {
    out.set(p, {
      kind: "collection",
      body: { "@odata.id": oid(p), "@odata.type": `#${type}.${type}`, Name: name },
      members: members.map(oid),
      paged: paged && r.pageSize > 0,
    });
  };

  const root = "/redfish/v1";
  const sysId = dell ? "System.Embedded.1" : "1";
  const chId = dell ? "System.Embedded.1" : "1";
  const mgrId = dell ? "iDRAC.Embedded.1" : "1";
  const sys = `${root}/Systems/${sysId}`;
  const ch = `${root}/Chassis/${chId}`;
  const mgr = `${root}/Managers/${mgrId}`;

  put(root, "#ServiceRoot.v1_15_0.ServiceRoot", {
    Id: "RootService",
    Name: "Root Service",
    RedfishVersion: "1.17.0",
    UUID: r.uuid,
    Product: dell ? "Integrated Dell Remote Access Controller" : "Integrated Lights-Out 5",
    Vendor: dell ? "Dell" : "HPE",
    Systems: ref(`${root}/Systems`),
    Chassis: ref(`${root}/Chassis`),
    Managers: ref(`${root}/Managers`),
    UpdateService: ref(`${root}/UpdateService`),
    TaskService: ref(`${root}/TaskService`),
    ...(r.sessions ? { SessionService: ref(`${root}/SessionService`), Links: { Sessions: ref(`${root}/SessionService/Sessions`) } } : { Links: {} }),
    ...(dell ? { Oem: { Dell: { "@odata.type": "#DellServiceRoot.v1_0_0.DellServiceRoot", ManagerMACAddress: "d0:8e:79:00:00:01", ServiceTag: r.systemSerial } } } : { Oem: { Hpe: { "@odata.type": "#HpeiLOServiceExt.v2_3_0.HpeiLOServiceExt", Manager: [{ ManagerType: "iLO 5", ManagerFirmwareVersion: "3.01" }] } } }),
  });
  if (r.sessions) {
    put(`${root}/SessionService`, "#SessionService.v1_1_9.SessionService", {
      Id: "SessionService",
      Name: "Session Service",
      ServiceEnabled: true,
      SessionTimeout: 1800,
      Sessions: ref(`${root}/SessionService/Sessions`),
    });
  }

  // ---- Systems
  const bladeIds = Array.from({ length: r.blades }, (_, i) => `Blade${i + 1}`);
  coll(`${root}/Systems`, "ComputerSystemCollection", "Computer System Collection", [
    sys,
    ...bladeIds.map((b) => `${root}/Systems/${b}`),
    ...(r.dpu ? [`${root}/Systems/DPU1`] : []),
  ]);
  const allowable = dell
    ? ["On", "ForceOff", "ForceRestart", "GracefulRestart", "GracefulShutdown", "PushPowerButton", "Nmi", "PowerCycle"]
    : ["On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton", "GracefulRestart"];
  put(sys, "#ComputerSystem.v1_20_0.ComputerSystem", {
    Id: sysId,
    Name: "System",
    SystemType: "Physical",
    Manufacturer: r.manufacturer,
    Model: r.model,
    SKU: r.sku,
    SerialNumber: r.systemSerial,
    PartNumber: dell ? "0J6FV1A01" : "P05172-B21",
    AssetTag: r.assetTag,
    UUID: r.uuid,
    BiosVersion: r.biosVersion,
    PowerState: st.powerState,
    Status: { State: "Enabled", Health: "OK" },
    ProcessorSummary: { Count: r.cpus, Model: "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz" },
    MemorySummary: { TotalSystemMemoryGiB: r.dimms * 32 },
    Processors: ref(`${sys}/Processors`),
    Memory: ref(`${sys}/Memory`),
    Storage: ref(`${sys}/Storage`),
    EthernetInterfaces: ref(`${sys}/EthernetInterfaces`),
    ...(r.simpleStorage ? { SimpleStorage: ref(`${sys}/SimpleStorage`) } : {}),
    SecureBoot: ref(`${sys}/SecureBoot`),
    ...(r.bios ? { Bios: ref(`${sys}/Bios`) } : {}),
    TrustedModules: r.tpm
      ? [{ FirmwareVersion: r.tpm.firmwareVersion, InterfaceType: r.tpm.interfaceType, Status: { State: r.tpm.enabled ? "Enabled" : "Disabled", Health: "OK" } }]
      : [],
    Links: { Chassis: [ref(ch)], ManagedBy: [ref(mgr)] },
    Actions: {
      "#ComputerSystem.Reset": {
        target: oid(`${sys}/Actions/ComputerSystem.Reset`),
        "ResetType@Redfish.AllowableValues": allowable,
      },
    },
    Oem: dell
      ? { Dell: { "@odata.type": "#DellOem.v1_3_0.DellOemResources", DellSystem: { "@odata.type": "#DellSystem.v1_4_0.DellSystem", BoardSerialNumber: r.boardSerial, BoardPartNumber: "0J6FV1A01", ChassisServiceTag: r.chassisSerial, ExpressServiceCode: "16170845535" } } }
      : { Hpe: { "@odata.type": "#HpeComputerSystemExt.v2_12_0.HpeComputerSystemExt", PostState: "FinishedPost", PowerRegulatorMode: "Dynamic", ServerSignature: 1234567890, AggregateHealthStatus: { AggregateServerHealth: "OK" } } },
  });

  const cpuPaths: string[] = [];
  for (let i = 1; i <= r.cpus; i++) {
    const id = dell ? `CPU.Socket.${i}` : `${i}`;
    const p = `${sys}/Processors/${id}`;
    cpuPaths.push(p);
    put(p, "#Processor.v1_18_0.Processor", {
      Id: id,
      Name: `CPU ${i}`,
      Socket: dell ? `CPU.Socket.${i}` : `Proc ${i}`,
      ProcessorType: "CPU",
      Manufacturer: "Intel",
      Model: "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
      SerialNumber: dell ? null : `PPIN-${tag}-${i}`,
      TotalCores: 32,
      TotalThreads: 64,
      MaxSpeedMHz: 4000,
      Status: { State: "Enabled", Health: "OK" },
    });
  }
  coll(`${sys}/Processors`, "ProcessorCollection", "Processors Collection", cpuPaths);

  const dimmPaths: string[] = [];
  for (let i = 0; i < r.dimms; i++) {
    const letter = DIMM_LETTERS[Math.floor(i / 12) % DIMM_LETTERS.length];
    const n = (i % 12) + 1;
    const id = dell ? `DIMM.Socket.${letter}${n}` : `proc${Math.floor(i / 12) + 1}dimm${n}`;
    const p = `${sys}/Memory/${id}`;
    dimmPaths.push(p);
    put(p, "#Memory.v1_17_0.Memory", {
      Id: id,
      Name: dell ? `DIMM ${letter}${n}` : `proc${Math.floor(i / 12) + 1}dimm${n}`,
      DeviceLocator: dell ? `DIMM.Socket.${letter}${n}` : `PROC ${Math.floor(i / 12) + 1} DIMM ${n}`,
      MemoryDeviceType: "DDR4",
      CapacityMiB: 32768,
      OperatingSpeedMhz: 3200,
      Manufacturer: "Hynix Semiconductor",
      PartNumber: "HMA84GR7CJR4N-XN",
      SerialNumber: `${tag.slice(0, 4)}D${String(i + 1).padStart(4, "0")}`,
      Status: { State: "Enabled", Health: "OK" },
    });
  }
  coll(`${sys}/Memory`, "MemoryCollection", "Memory Collection", dimmPaths, !dell);

  const ctl = dell ? "RAID.Integrated.1-1" : "DE00A000";
  const stor = `${sys}/Storage/${ctl}`;
  const drivePaths: string[] = [];
  for (let i = 0; i < r.drives; i++) {
    const id = dell ? `Disk.Bay.${i}:Enclosure.Internal.0-1:${ctl}` : `${i}`;
    const p = `${stor}/Drives/${id}`;
    drivePaths.push(p);
    put(p, "#Drive.v1_17_0.Drive", {
      Id: id,
      Name: dell ? `Physical Disk 0:1:${i}` : `Drive ${i}`,
      Manufacturer: "SAMSUNG",
      Model: "MZ7L3960HCJR-00B7C",
      SerialNumber: `S6JNNA0T${String(i + 100).padStart(6, "0")}`,
      CapacityBytes: 960197124096,
      MediaType: "SSD",
      Protocol: "SATA",
      Revision: "JXTC304Q",
      PhysicalLocation: { PartLocation: { ServiceLabel: dell ? `Disk.Bay.${i}` : `Box 1 Bay ${i + 1}`, LocationType: "Bay", LocationOrdinalValue: i } },
      Status: { State: "Enabled", Health: "OK" },
    });
  }
  coll(`${sys}/Storage`, "StorageCollection", "Storage Collection", [stor]);
  put(stor, "#Storage.v1_15_0.Storage", {
    Id: ctl,
    Name: dell ? "PERC H755 Front" : "HPE MR416i-p Gen10+",
    Drives: drivePaths.map(ref),
    "Drives@odata.count": drivePaths.length,
    Status: { State: "Enabled", Health: "OK" },
  });

  const nicPaths: string[] = [];
  for (let i = 0; i < r.nics; i++) {
    const id = dell ? `NIC.Integrated.1-${i + 1}-1` : `${i + 1}`;
    const p = `${sys}/EthernetInterfaces/${id}`;
    nicPaths.push(p);
    put(p, "#EthernetInterface.v1_11_0.EthernetInterface", {
      Id: id,
      Name: dell ? `Integrated NIC 1 Port ${i + 1} Partition 1` : `Port ${i + 1}`,
      MACAddress: r.macs[i] ?? "00:00:00:00:00:00",
      PermanentMACAddress: r.macs[i] ?? "00:00:00:00:00:00",
      SpeedMbps: 25000,
      LinkStatus: i === 0 ? "LinkUp" : "LinkDown",
      Status: { State: "Enabled", Health: "OK" },
    });
  }
  coll(`${sys}/EthernetInterfaces`, "EthernetInterfaceCollection", "Ethernet Interfaces", nicPaths);

  put(`${sys}/SecureBoot`, "#SecureBoot.v1_1_0.SecureBoot", {
    Id: "SecureBoot",
    Name: "UEFI Secure Boot",
    SecureBootEnable: r.secureBoot,
    SecureBootCurrentBoot: r.secureBoot ? "Enabled" : "Disabled",
    SecureBootMode: "DeployedMode",
    // dell-like lists its SecureBoot databases (SecureBoot v1.1); hpe-like leaves them out
    ...(dell ? { SecureBootDatabases: ref(`${sys}/SecureBoot/SecureBootDatabases`) } : {}),
  });
  if (dell) {
    const dbs = (["PK", "KEK", "db", "dbx"] as const).map((d) => `${sys}/SecureBoot/SecureBootDatabases/${d}`);
    coll(`${sys}/SecureBoot/SecureBootDatabases`, "SecureBootDatabaseCollection", "UEFI SecureBoot Database Collection", dbs);
    (["PK", "KEK", "db", "dbx"] as const).forEach((d, i) => {
      const certs = Array.from({ length: [1, 2, 3, 0][i]! }, (_, k) => `${dbs[i]}/Certificates/${k + 1}`);
      put(dbs[i]!, "#SecureBootDatabase.v1_0_1.SecureBootDatabase", { Id: d, Name: `${d} Database`, DatabaseId: d, Certificates: ref(`${dbs[i]}/Certificates`) });
      coll(`${dbs[i]}/Certificates`, "CertificateCollection", `${d} Certificates`, certs);
    });
  }
  if (r.bios) put(`${sys}/Bios`, "#Bios.v1_2_0.Bios", { Id: "Bios", Name: "BIOS Configuration Current Settings", AttributeRegistry: dell ? "BiosAttributeRegistry.v1_0_0" : "BiosAttributeRegistryU46.v1_2_68", Attributes: r.bios });

  /** A Sensors collection (newer model) under a chassis. */
  const putSensors = (ch: string, sensors: SimSensor[]) => {
    const sensorPaths: string[] = [];
    for (const s of sensors) {
      const id = sensorId(s.name);
      const p = `${ch}/Sensors/${id}`;
      sensorPaths.push(p);
      const t = s.thresholds ?? {};
      const th: Json = {};
      if (t.lowerCaution !== undefined) th.LowerCaution = { Reading: t.lowerCaution };
      if (t.lowerCritical !== undefined) th.LowerCritical = { Reading: t.lowerCritical };
      if (t.lowerFatal !== undefined) th.LowerFatal = { Reading: t.lowerFatal };
      if (t.upperCaution !== undefined) th.UpperCaution = { Reading: t.upperCaution };
      if (t.upperCritical !== undefined) th.UpperCritical = { Reading: t.upperCritical };
      if (t.upperFatal !== undefined) th.UpperFatal = { Reading: t.upperFatal };
      const [readingType, units] =
        s.kind === "temperature" ? ["Temperature", "Cel"] : s.kind === "fan" ? ["Rotational", "RPM"] : s.kind === "voltage" ? ["Voltage", "V"] : ["Power", "W"];
      put(p, "#Sensor.v1_8_0.Sensor", {
        Id: id,
        Name: s.name,
        ReadingType: readingType,
        Reading: s.reading,
        ReadingUnits: units,
        Thresholds: th,
        Status: { State: s.reading === null ? "UnavailableOffline" : "Enabled", Health: simHealth(s) },
      });
    }
    coll(`${ch}/Sensors`, "SensorCollection", "Sensors", sensorPaths);
  };

  // ---- Chassis
  const dpuSys = `${root}/Systems/DPU1`;
  const dpuCh = `${root}/Chassis/DPU1`;
  const chassisMembers = [ch, ...bladeIds.map((b) => `${root}/Chassis/${b}`), ...(r.dpu ? [dpuCh] : []), ...(dell ? [] : [`${root}/Chassis/Baseboard`])];
  coll(`${root}/Chassis`, "ChassisCollection", "Chassis Collection", chassisMembers);
  const psuList = Array.from({ length: r.psus }, (_, i) => ({
    id: dell ? `PSU.Slot.${i + 1}` : `${i}`,
    name: dell ? `PS${i + 1} Status` : `HpeServerPowerSupply ${i + 1}`,
    serial: `PSU${tag.slice(0, 4)}${i + 1}`,
    model: dell ? "0Y1R4KA01" : "P38995-B21",
  }));
  put(ch, "#Chassis.v1_23_0.Chassis", {
    Id: chId,
    Name: dell ? "Computer System Chassis" : "Computer System Chassis",
    ChassisType: "RackMount",
    Manufacturer: r.manufacturer,
    Model: r.model,
    SerialNumber: r.chassisSerial,
    PartNumber: dell ? "0J6FV1A01" : "P05172-B21",
    SKU: r.sku,
    AssetTag: r.assetTag,
    Status: { State: "Enabled", Health: "OK" },
    Links: {
      ComputerSystems: [ref(sys)],
      ManagedBy: [ref(mgr)],
      ...(dell && !r.dpu && !r.blades
        ? {}
        : { Contains: [...(dell ? [] : [ref(`${root}/Chassis/Baseboard`)]), ...bladeIds.map((b) => ref(`${root}/Chassis/${b}`)), ...(r.dpu ? [ref(dpuCh)] : [])] }),
    },
    ...(r.sensorsAndPower ? (dell ? { Sensors: ref(`${ch}/Sensors`) } : { Power: ref(`${ch}/Power`) }) : {}),
    ...(dell
      ? { Thermal: ref(`${ch}/Thermal`), Power: ref(`${ch}/Power`), Oem: { Dell: { "@odata.type": "#DellOem.v1_3_0.DellOemResources", DellChassis: { CanBeFRUed: true, SystemID: 2298 } } } }
      : {
          Sensors: ref(`${ch}/Sensors`),
          ThermalSubsystem: ref(`${ch}/ThermalSubsystem`),
          PowerSubsystem: ref(`${ch}/PowerSubsystem`),
          Oem: { Hpe: { "@odata.type": "#HpeServerChassis.v2_4_0.HpeServerChassis", BayNumber: 0, Firmware: { PlatformDefinitionTable: { Current: { VersionString: "13.1.0 Build 27" } } } } },
        }),
  });

  if (dell) {
    const temps = st.sensors.filter((s) => s.kind === "temperature");
    const fans = st.sensors.filter((s) => s.kind === "fan");
    const volts = st.sensors.filter((s) => s.kind === "voltage");
    const power = st.sensors.filter((s) => s.kind === "power");
    const status = (s: SimSensor) => ({ State: s.reading === null ? "UnavailableOffline" : "Enabled", Health: simHealth(s) });
    put(`${ch}/Thermal`, "#Thermal.v1_7_1.Thermal", {
      Id: "Thermal",
      Name: "Thermal",
      Temperatures: temps.map((s, i) => ({
        "@odata.id": `${ch}/Thermal#/Temperatures/${i}`,
        MemberId: `iDRAC.Embedded.1#${sensorId(s.name)}`,
        Name: `System Board ${s.name}`,
        ReadingCelsius: s.reading,
        ...upperOld(s.thresholds),
        Status: status(s),
      })),
      Fans: fans.map((s, i) => ({
        "@odata.id": `${ch}/Thermal#/Fans/${i}`,
        MemberId: `0x17||Fan.Embedded.${sensorId(s.name)}`,
        Name: `System Board ${s.name}`,
        Reading: s.reading,
        ReadingUnits: "RPM",
        ...upperOld(s.thresholds),
        Status: status(s),
      })),
    });
    put(`${ch}/Power`, "#Power.v1_7_1.Power", {
      Id: "Power",
      Name: "Power",
      PowerControl: power.map((s, i) => ({
        "@odata.id": `${ch}/Power#/PowerControl/${i}`,
        MemberId: `PowerControl${i}`,
        Name: s.name,
        PowerConsumedWatts: s.reading,
        PowerCapacityWatts: 1400,
        Status: status(s),
      })),
      Voltages: volts.map((s, i) => ({
        "@odata.id": `${ch}/Power#/Voltages/${i}`,
        MemberId: `iDRAC.Embedded.1#${sensorId(s.name)}`,
        Name: s.name,
        ReadingVolts: s.reading,
        ...upperOld(s.thresholds),
        Status: status(s),
      })),
      PowerSupplies: psuList.map((p, i) => ({
        "@odata.id": `${ch}/Power#/PowerSupplies/${i}`,
        MemberId: p.id,
        Name: p.name,
        Model: p.model,
        SerialNumber: p.serial,
        FirmwareVersion: "00.1D.7D",
        PowerCapacityWatts: 1400,
        LastPowerOutputWatts: 160,
        Status: { State: "Enabled", Health: "OK" },
      })),
    });
    if (r.sensorsAndPower) putSensors(ch, st.sensors);
  } else {
    putSensors(ch, st.sensors);
    if (r.sensorsAndPower) {
      put(`${ch}/Power`, "#Power.v1_7_1.Power", {
        Id: "Power",
        Name: "Power",
        PowerSupplies: psuList.map((p, i) => ({
          "@odata.id": `${ch}/Power#/PowerSupplies/${i}`,
          MemberId: p.id,
          Name: p.name,
          Model: p.model,
          SerialNumber: p.serial,
          FirmwareVersion: "2.04",
          PowerCapacityWatts: 800,
          Status: { State: "Enabled", Health: "OK" },
        })),
      });
    }
    const fans = st.sensors.filter((s) => s.kind === "fan");
    put(`${ch}/ThermalSubsystem`, "#ThermalSubsystem.v1_3_0.ThermalSubsystem", {
      Id: "ThermalSubsystem",
      Name: "Thermal Subsystem",
      Fans: ref(`${ch}/ThermalSubsystem/Fans`),
      ThermalMetrics: ref(`${ch}/ThermalSubsystem/ThermalMetrics`),
      Status: { State: "Enabled", Health: "OK" },
    });
    const fanPaths = fans.map((s) => `${ch}/ThermalSubsystem/Fans/${sensorId(s.name)}`);
    fans.forEach((s, i) =>
      put(fanPaths[i], "#Fan.v1_5_0.Fan", {
        Id: sensorId(s.name),
        Name: s.name,
        SpeedPercent: { DataSourceUri: oid(`${ch}/Sensors/${sensorId(s.name)}`), Reading: s.reading === null ? null : Math.round(s.reading / 120), SpeedRPM: s.reading },
        Status: { State: "Enabled", Health: simHealth(s) },
      }),
    );
    coll(`${ch}/ThermalSubsystem/Fans`, "FanCollection", "Fans", fanPaths);
    put(`${ch}/ThermalSubsystem/ThermalMetrics`, "#ThermalMetrics.v1_3_0.ThermalMetrics", {
      Id: "ThermalMetrics",
      Name: "Thermal Metrics",
      TemperatureReadingsCelsius: st.sensors
        .filter((s) => s.kind === "temperature")
        .map((s) => ({ DataSourceUri: oid(`${ch}/Sensors/${sensorId(s.name)}`), DeviceName: s.name, Reading: s.reading })),
    });
    put(`${ch}/PowerSubsystem`, "#PowerSubsystem.v1_1_0.PowerSubsystem", {
      Id: "PowerSubsystem",
      Name: "Power Subsystem",
      CapacityWatts: 1600,
      PowerSupplies: ref(`${ch}/PowerSubsystem/PowerSupplies`),
      Status: { State: "Enabled", Health: "OK" },
    });
    const psuPaths = psuList.map((p) => `${ch}/PowerSubsystem/PowerSupplies/${p.id}`);
    psuList.forEach((p, i) =>
      put(psuPaths[i], "#PowerSupply.v1_5_0.PowerSupply", {
        Id: p.id,
        Name: p.name,
        Model: p.model,
        SerialNumber: p.serial,
        FirmwareVersion: "2.04",
        PowerCapacityWatts: 800,
        Status: { State: "Enabled", Health: "OK" },
        Oem: { Hpe: { "@odata.type": "#HpeServerPowerSupply.v2_0_0.HpeServerPowerSupply", BayNumber: i + 1, HotplugCapable: true } },
      }),
    );
    coll(`${ch}/PowerSubsystem/PowerSupplies`, "PowerSupplyCollection", "Power Supplies", psuPaths);
    put(`${root}/Chassis/Baseboard`, "#Chassis.v1_23_0.Chassis", {
      Id: "Baseboard",
      Name: "System Board",
      ChassisType: "Card",
      Manufacturer: r.manufacturer,
      SerialNumber: r.boardSerial,
      PartNumber: "P26322-001",
      Status: { State: "Enabled", Health: "OK" },
      Links: { ContainedBy: ref(ch) },
    });
  }

  if (r.simpleStorage) {
    coll(`${sys}/SimpleStorage`, "SimpleStorageCollection", "Simple Storage Collection", [`${sys}/SimpleStorage/1`]);
    put(`${sys}/SimpleStorage/1`, "#SimpleStorage.v1_3_1.SimpleStorage", {
      Id: "1",
      Name: "Onboard SATA Controller",
      Devices: [
        { Name: "SATA Port 0", Manufacturer: "INTEL", Model: "SSDSC2KB480G8", CapacityBytes: 480103981056, Status: { State: "Enabled", Health: "OK" } },
        { Name: "SATA Port 1", Status: { State: "Absent" } },
      ],
      Status: { State: "Enabled", Health: "OK" },
    });
  }

  // ---- blades in the main chassis: their own systems and Blade chassis
  bladeIds.forEach((b, i) => {
    const bs = `${root}/Systems/${b}`;
    const bc = `${root}/Chassis/${b}`;
    put(bs, "#ComputerSystem.v1_20_0.ComputerSystem", {
      Id: b,
      Name: b,
      SystemType: "Physical",
      Manufacturer: r.manufacturer,
      Model: "Blade Node B1",
      SerialNumber: `${b.toUpperCase()}-${tag}`,
      UUID: `00000000-0000-4000-8000-0000000b1ad${i}`,
      PowerState: "On",
      Status: { State: "Enabled", Health: "OK" },
      Links: { Chassis: [ref(bc)], ManagedBy: [ref(mgr)] },
    });
    put(bc, "#Chassis.v1_23_0.Chassis", {
      Id: b,
      Name: `${b} Chassis`,
      ChassisType: "Blade",
      Manufacturer: r.manufacturer,
      SerialNumber: `BLCH${i + 1}-${tag}`,
      Status: { State: "Enabled", Health: "OK" },
      Sensors: ref(`${bc}/Sensors`),
      Links: { ContainedBy: ref(ch), ComputerSystems: [ref(bs)] },
    });
    putSensors(bc, [{ name: `${b} Temp`, kind: "temperature", reading: 50 + i, thresholds: { upperCaution: 85 } }]);
  });

  // ---- a DPU inside the host: its own system (no PowerState) and Card chassis
  if (r.dpu) {
    put(dpuSys, "#ComputerSystem.v1_20_0.ComputerSystem", {
      Id: "DPU1",
      Name: "DPU",
      SystemType: "DPU",
      Manufacturer: "Nvidia",
      Model: "BlueField-3 DPU",
      SerialNumber: r.dpu.serial,
      PartNumber: "900-9D3B6-00CV-AA0",
      UUID: r.dpu.uuid,
      BiosVersion: "4.7.0-42",
      Status: { State: "Enabled", Health: "OK" },
      EthernetInterfaces: ref(`${dpuSys}/EthernetInterfaces`),
      Links: { Chassis: [ref(dpuCh)], ManagedBy: [ref(mgr)] },
    });
    put(`${dpuSys}/EthernetInterfaces/oob`, "#EthernetInterface.v1_11_0.EthernetInterface", {
      Id: "oob",
      Name: "DPU OOB port",
      MACAddress: "02:00:0D:00:00:01",
      SpeedMbps: 1000,
      LinkStatus: "LinkUp",
      Status: { State: "Enabled", Health: "OK" },
    });
    coll(`${dpuSys}/EthernetInterfaces`, "EthernetInterfaceCollection", "Ethernet Interfaces", [`${dpuSys}/EthernetInterfaces/oob`]);
    put(dpuCh, "#Chassis.v1_23_0.Chassis", {
      Id: "DPU1",
      Name: "BlueField-3 DPU Card",
      ChassisType: "Card",
      Manufacturer: "Nvidia",
      Model: "BlueField-3",
      SerialNumber: r.dpu.boardSerial,
      Status: { State: "Enabled", Health: "OK" },
      Sensors: ref(`${dpuCh}/Sensors`),
      Links: { ContainedBy: ref(ch), ComputerSystems: [ref(dpuSys)] },
    });
    putSensors(dpuCh, [{ name: "DPU Temp", kind: "temperature", reading: 61, thresholds: { upperCaution: 95, upperCritical: 105 } }]);
  }

  // ---- Managers
  coll(`${root}/Managers`, "ManagerCollection", "Managers", [mgr]);
  put(mgr, "#Manager.v1_19_0.Manager", {
    Id: mgrId,
    Name: "Manager",
    ManagerType: "BMC",
    Model: dell ? "16G Monolithic" : "iLO 5",
    FirmwareVersion: r.bmcFirmware,
    UUID: r.uuid,
    Status: { State: "Enabled", Health: "OK" },
    LogServices: ref(`${mgr}/LogServices`),
    Links: { ManagerForServers: [ref(sys)], ManagerForChassis: [ref(ch)] },
    Oem: dell
      ? { Dell: { "@odata.type": "#DellOem.v1_3_0.DellOemResources", DelliDRACCard: { IPMIVersion: "2.0", URLString: "https://127.0.0.1:443" } } }
      : { Hpe: { "@odata.type": "#HpeiLO.v2_9_0.HpeiLO", Firmware: { Current: { Date: "Jan 15 2024", VersionString: r.bmcFirmware } } } },
  });
  const selId = r.selService?.id ?? (dell ? "Sel" : "SEL");
  const logIds = [dell ? "Lclog" : "IEL", selId];
  coll(`${mgr}/LogServices`, "LogServiceCollection", "Log Service Collection", logIds.map((l) => `${mgr}/LogServices/${l}`));
  for (const l of logIds) {
    const isSel = l === selId;
    put(`${mgr}/LogServices/${l}`, "#LogService.v1_5_0.LogService", {
      Id: l,
      Name: isSel ? (r.selService?.name ?? "SEL Log Service") : dell ? "Lifecycle Controller Log Service" : "Integrated Event Log",
      LogEntryType: isSel ? (r.selService?.logEntryType ?? "SEL") : dell ? "Event" : "Multiple",
      MaxNumberOfRecords: 1024,
      OverWritePolicy: "WrapsWhenFull",
      ServiceEnabled: true,
      Entries: ref(`${mgr}/LogServices/${l}/Entries`),
    });
  }
  const selPaths: string[] = [];
  for (const e of r.sel) {
    const p = `${mgr}/LogServices/${selId}/Entries/${e.id}`;
    selPaths.push(p);
    put(p, "#LogEntry.v1_15_0.LogEntry", {
      Id: String(e.id),
      Name: "Log Entry",
      EntryType: "SEL",
      Created: dell ? dellOffset(e.created) : e.created,
      Message: e.message,
      MessageId: dell ? "SEL9901" : "IPMI.0.1.Event",
      SensorType: e.sensorType,
      SensorNumber: e.id % 64,
      Severity: e.severity,
      EntryCode: "Assert",
      ...(dell ? { Oem: { Dell: { "@odata.type": "#DellLogEntry.v1_1_0.DellLogEntry" } } } : { Oem: { Hpe: { "@odata.type": "#HpeLogEntry.v2_4_0.HpeLogEntry", EventNumber: e.id } } }),
    });
  }
  coll(`${mgr}/LogServices/${selId}/Entries`, "LogEntryCollection", "Log Service Entries", selPaths, !dell);
  const otherLog = dell ? "Lclog" : "IEL";
  put(`${mgr}/LogServices/${otherLog}/Entries/1`, "#LogEntry.v1_15_0.LogEntry", {
    Id: "1",
    Name: "Log Entry",
    EntryType: "Oem",
    Created: "2026-11-01T07:00:00Z",
    Message: "The iDRAC firmware was rebooted.",
    Severity: "OK",
  });
  coll(`${mgr}/LogServices/${otherLog}/Entries`, "LogEntryCollection", "Log Entries", [`${mgr}/LogServices/${otherLog}/Entries/1`]);

  // ---- UpdateService
  put(`${root}/UpdateService`, "#UpdateService.v1_13_0.UpdateService", {
    Id: "UpdateService",
    Name: "Update Service",
    ServiceEnabled: true,
    FirmwareInventory: ref(`${root}/UpdateService/FirmwareInventory`),
    Actions: {
      "#UpdateService.SimpleUpdate": {
        target: oid(`${root}/UpdateService/Actions/UpdateService.SimpleUpdate`),
        "TransferProtocol@Redfish.AllowableValues": ["HTTP", "HTTPS"],
      },
    },
  });
  const tasks = st.tasks ?? [];
  put(`${root}/TaskService`, "#TaskService.v1_2_0.TaskService", {
    Id: "TaskService",
    Name: "Task Service",
    ServiceEnabled: true,
    CompletedTaskOverWritePolicy: "Oldest",
    Tasks: ref(`${root}/TaskService/Tasks`),
    Status: { State: "Enabled", Health: "OK" },
  });
  const taskPaths = tasks.map((t) => `${root}/TaskService/Tasks/${t.id}`);
  tasks.forEach((t, i) =>
    put(taskPaths[i], "#Task.v1_7_0.Task", {
      Id: t.id,
      Name: `Firmware update task ${t.id}`,
      TaskState: t.state,
      TaskStatus: t.state === "Exception" ? "Critical" : "OK",
      PercentComplete: t.percent,
      StartTime: t.startTime,
      ...(t.endTime ? { EndTime: t.endTime } : {}),
      Messages: t.messages,
    }),
  );
  coll(`${root}/TaskService/Tasks`, "TaskCollection", "Task Collection", taskPaths);
  const fwPaths: string[] = [];
  r.firmware.forEach((f, i) => {
    const ids = dell ? [`Installed-${1000 + i}-${f.version}`, ...(i === 0 ? [`Previous-${1000 + i}-6.10.30.00`] : [])] : [`${i + 1}`];
    for (const id of ids) {
      const p = `${root}/UpdateService/FirmwareInventory/${id}`;
      fwPaths.push(p);
      put(p, "#SoftwareInventory.v1_10_0.SoftwareInventory", {
        Id: id,
        Name: f.name,
        Version: id.startsWith("Previous-") ? "6.10.30.00" : f.version,
        Updateable: true,
        Status: { State: id.startsWith("Previous-") ? "StandbyOffline" : "Enabled", Health: "OK" },
      });
    }
  });
  coll(`${root}/UpdateService/FirmwareInventory`, "SoftwareInventoryCollection", "Firmware Inventory Collection", fwPaths);

  return out;
}

export function systemPaths(flavour: SimFlavour) {
  const dell = flavour === "dell-like";
  const sys = `/redfish/v1/Systems/${dell ? "System.Embedded.1" : "1"}`;
  return {
    system: sys,
    reset: `${sys}/Actions/ComputerSystem.Reset`,
    allowable: dell
      ? ["On", "ForceOff", "ForceRestart", "GracefulRestart", "GracefulShutdown", "PushPowerButton", "Nmi", "PowerCycle"]
      : ["On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton", "GracefulRestart"],
  };
}
