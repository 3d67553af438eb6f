/**
 * Redfish probe and power control, the two entry points the agent and the CLI
 * use:
 *
 *   probeRedfish({ url, username, password, pinnedFingerprint }) → { result, fingerprint }
 *   redfishPower(opts, "on" | "off" | "cycle" | "reset" | "soft" | "status") → { power }
 *
 * Errors are RedfishError (./errors) with code timeout | auth | privilege |
 * tls-mismatch | protocol | network.
 */
import { ZBmcProbeResult, type TBmcProbeResult, type TPowerAction } from "../../server/contracts/bmc";
import { RedfishClient, type RedfishConnectOptions } from "./client";
import { RedfishError } from "./errors";
import { observedSerial } from "../../server/contracts/normalise";
import { cleanText, normalizeMac, sensorStatus, tpmVersion, unitName, utcTimestamp } from "./map";
import {
  ZChassis,
  ZCollection,
  ZDrive,
  ZEthernetInterface,
  ZLogEntry,
  ZLogService,
  ZManager,
  ZMemory,
  ZPower,
  ZPowerSubsystem,
  ZPowerSupply,
  ZProcessor,
  ZSecureBoot,
  ZSecureBootDatabase,
  ZBios,
  ZSensor,
  ZSimpleStorage,
  ZSoftwareInventory,
  ZStorage,
  ZSystem,
  ZThermal,
  ZUpdateService,
  type TChassis,
  type TManager,
  type TSystem,
} from "./schemas";


type Sensor = TBmcProbeResult["sensors"][number];
type SelEntry = TBmcProbeResult["sel"][number];
type Component = NonNullable<TBmcProbeResult["components"]>[number];
type Firmware = TBmcProbeResult["firmware"][number];
type SystemReport = NonNullable<TBmcProbeResult["systems"]>[number];
type Warn = (problem: string) => void;

/** sub-collections a BMC may link to without implementing: 404 → empty */
const OPT = { optional: true } as const;

const key = (p: string) => p.replace(/\/+$/, "");

const ABSENT = (s: { State?: string | null } | null | undefined) => s?.State === "Absent";

/** PowerState → on/off; null when the system does not say (the property is optional). */
function powerOf(sys: TSystem): "on" | "off" | null {
  switch (sys.PowerState) {
    case "On":
    case "PoweringOff":
    case "Paused":
      return "on";
    case "Off":
    case "PoweringOn":
      return "off";
    default:
      return null;
  }
}

/**
 * Every system the BMC lists, the primary first: a Physical system that
 * reports its power state, else any that does, else the first. One odd member
 * is a warning, not a failure, as long as one system can be read.
 */
async function readSystems(c: RedfishClient, warn: Warn = () => {}): Promise<TSystem[]> {
  if (!c.root.Systems) throw new RedfishError("protocol", "the BMC's service root has no Systems collection");
  const problems: string[] = [];
  const systems = (
    await c.members(c.root.Systems["@odata.id"], ZSystem, {
      lenient: (p) => {
        problems.push(p);
        warn(p);
      },
    })
  ).map((m) => m.data);
  if (systems.length === 0) throw new RedfishError("protocol", problems[0] ?? "the BMC lists no ComputerSystem");
  const rank = (s: TSystem) => (s.SystemType === "Physical" && powerOf(s) !== null ? 0 : powerOf(s) !== null ? 1 : s.SystemType === "Physical" ? 2 : 3);
  const primary = systems.reduce((best, s) => (rank(s) < rank(best) ? s : best), systems[0]);
  return [primary, ...systems.filter((s) => s !== primary)];
}

async function withClient<T>(opts: RedfishConnectOptions, fn: (c: RedfishClient) => Promise<T>): Promise<{ value: T; fingerprint: string }> {
  const c = await RedfishClient.open(opts);
  try {
    const value = await fn(c);
    return { value, fingerprint: c.fingerprint ?? "" };
  } finally {
    await c.close();
  }
}

/**
 * Readings and power supplies of one chassis. Readings come from the Sensors
 * collection when there is one (it holds what Thermal/Power arrays would
 * repeat), else from Thermal and Power; power supplies from PowerSubsystem
 * when there is one, else from Power, whichever model the readings used.
 */
async function readSensors(c: RedfishClient, ch: TChassis, warn: Warn): Promise<{ sensors: Sensor[]; psus: Component[] }> {
  const sensors: Sensor[] = [];
  const psus: Component[] = [];
  const tasks: Array<Promise<void>> = [];
  const newModel = Boolean(ch.Sensors);
  if (ch.Sensors) {
    tasks.push(
      c.members(ch.Sensors["@odata.id"], ZSensor, { ...OPT, lenient: warn }).then((list) => {
        for (const { data: s } of list) {
          const t = s.Thresholds;
          sensors.push({
            name: cleanText(s.Name) ?? cleanText(s.Id) ?? "sensor",
            value: s.Reading ?? null,
            unit: unitName(s.ReadingUnits, s.ReadingType),
            status: sensorStatus(
              s.Reading,
              {
                lowerCaution: t?.LowerCaution?.Reading,
                lowerCritical: t?.LowerCritical?.Reading,
                lowerFatal: t?.LowerFatal?.Reading,
                upperCaution: t?.UpperCaution?.Reading,
                upperCritical: t?.UpperCritical?.Reading,
                upperFatal: t?.UpperFatal?.Reading,
              },
              s.Status,
            ),
          });
        }
      }),
    );
  }
  if (!newModel && ch.Thermal) {
    tasks.push(
      c.getOptional(c.resolveLink(ch.Thermal["@odata.id"]), ZThermal).then((th) => {
        for (const t of th?.Temperatures ?? []) {
          sensors.push({ name: cleanText(t.Name) ?? cleanText(t.MemberId) ?? "temperature", value: t.ReadingCelsius ?? null, unit: "degrees C", status: oldStatus(t.ReadingCelsius, t) });
        }
        for (const f of th?.Fans ?? []) {
          sensors.push({
            name: cleanText(f.Name) ?? cleanText(f.FanName) ?? cleanText(f.MemberId) ?? "fan",
            value: f.Reading ?? null,
            unit: f.ReadingUnits === "Percent" ? "percent" : "RPM",
            status: oldStatus(f.Reading, f),
          });
        }
      }),
    );
  }
  const psusFromPower = Boolean(ch.Power) && !ch.PowerSubsystem;
  if (ch.Power && (!newModel || psusFromPower)) {
    tasks.push(
      c.getOptional(c.resolveLink(ch.Power["@odata.id"]), ZPower).then((pw) => {
        if (!newModel) {
          for (const v of pw?.Voltages ?? []) {
            sensors.push({ name: cleanText(v.Name) ?? cleanText(v.MemberId) ?? "voltage", value: v.ReadingVolts ?? null, unit: "Volts", status: oldStatus(v.ReadingVolts, v) });
          }
          for (const p of pw?.PowerControl ?? []) {
            sensors.push({ name: cleanText(p.Name) ?? cleanText(p.MemberId) ?? "power", value: p.PowerConsumedWatts ?? null, unit: "Watts", status: sensorStatus(p.PowerConsumedWatts, {}, p.Status) });
          }
        }
        if (!psusFromPower) return;
        (pw?.PowerSupplies ?? []).forEach((p, i) => {
          if (ABSENT(p.Status)) return;
          psus.push({
            kind: "PSU",
            slot: cleanText(p.MemberId) ?? cleanText(p.Name) ?? String(i),
            model: cleanText(p.Model),
            serial: observedSerial(p.SerialNumber),
            detail: { name: p.Name ?? null, firmware: p.FirmwareVersion ?? null, capacityWatts: p.PowerCapacityWatts ?? null },
          });
        });
      }),
    );
  }
  if (ch.PowerSubsystem) {
    tasks.push(
      (async () => {
        const ps = await c.getOptional(c.resolveLink(ch.PowerSubsystem!["@odata.id"]), ZPowerSubsystem);
        if (!ps?.PowerSupplies) return;
        for (const { data: p } of await c.members(ps.PowerSupplies["@odata.id"], ZPowerSupply, { ...OPT, lenient: warn })) {
          if (ABSENT(p.Status)) continue;
          psus.push({
            kind: "PSU",
            slot: cleanText(p.Id) ?? cleanText(p.Name) ?? String(psus.length),
            model: cleanText(p.Model),
            serial: observedSerial(p.SerialNumber),
            detail: { name: p.Name ?? null, firmware: p.FirmwareVersion ?? null, capacityWatts: p.PowerCapacityWatts ?? null },
          });
        }
      })(),
    );
  }
  await Promise.all(tasks);
  return { sensors, psus };
}

function oldStatus(
  value: number | null | undefined,
  t: {
    UpperThresholdNonCritical?: number | null;
    UpperThresholdCritical?: number | null;
    UpperThresholdFatal?: number | null;
    LowerThresholdNonCritical?: number | null;
    LowerThresholdCritical?: number | null;
    LowerThresholdFatal?: number | null;
    Status?: { State?: string | null; Health?: string | null } | null;
  },
) {
  return sensorStatus(
    value,
    {
      upperCaution: t.UpperThresholdNonCritical,
      upperCritical: t.UpperThresholdCritical,
      upperFatal: t.UpperThresholdFatal,
      lowerCaution: t.LowerThresholdNonCritical,
      lowerCritical: t.LowerThresholdCritical,
      lowerFatal: t.LowerThresholdFatal,
    },
    t.Status,
  );
}

/** Does this log service hold SEL records? Asked of its first entry, for a service not named SEL. */
async function holdsSelEntries(c: RedfishClient, entries: string): Promise<boolean> {
  const page = await c.getOptional(c.resolveLink(entries), ZCollection);
  const first = page?.Members[0];
  if (!first) return false;
  const e = await c.getOptional(c.resolveLink(first["@odata.id"]), ZLogEntry);
  return e?.EntryType === "SEL";
}

/**
 * The SEL: the log service that says it is one (LogEntryType "SEL", or Id/path
 * SEL), else one whose entries say EntryType "SEL" (then only those entries).
 */
async function readSel(c: RedfishClient, links: Array<string | null | undefined>, warn: Warn): Promise<SelEntry[]> {
  for (const link of links) {
    if (!link) continue;
    const services = await c.members(link, ZLogService, { ...OPT, lenient: warn });
    let sel = services.find((s) => s.data.LogEntryType === "SEL") ?? services.find((s) => /^sel$/i.test(s.data.Id ?? "") || /\/sel\/?$/i.test(s.path));
    let byEntries = false;
    if (!sel) {
      for (const s of services) {
        if (s.data.Entries && (await holdsSelEntries(c, s.data.Entries["@odata.id"]))) {
          sel = s;
          byEntries = true;
          break;
        }
      }
    }
    if (!sel?.data.Entries) continue;
    const entries = await c.members(sel.data.Entries["@odata.id"], ZLogEntry, { ...OPT, lenient: warn });
    const out: SelEntry[] = entries
      .filter(({ data: e }) => !byEntries || e.EntryType === "SEL")
      .map(({ data: e }, i) => ({
        id: /^\d+$/.test(e.Id) && Number(e.Id) <= Number.MAX_SAFE_INTEGER ? Number(e.Id) : i + 1,
        timestamp: utcTimestamp(e.Created),
        sensorType: cleanText(e.SensorType) ?? cleanText(e.EntryType) ?? "Unknown",
        event: cleanText(e.Message) ?? cleanText(e.MessageId) ?? "",
      }));
    return out.sort((a, b) => a.id - b.id);
  }
  return [];
}

async function readFirmware(c: RedfishClient, warn: Warn): Promise<Firmware[]> {
  if (!c.root.UpdateService) return [];
  const us = await c.getOptional(c.resolveLink(c.root.UpdateService["@odata.id"]), ZUpdateService);
  if (!us?.FirmwareInventory) return [];
  const items = await c.members(us.FirmwareInventory["@odata.id"], ZSoftwareInventory, { ...OPT, lenient: warn });
  const out: Firmware[] = [];
  for (const { data: f } of items) {
    // Dell lists the previous and the staged ("Available") images beside the installed one
    if (/^(Previous|Available)-/i.test(f.Id)) continue;
    const version = cleanText(f.Version);
    if (!version) continue;
    out.push({ component: cleanText(f.Name) ?? f.Id, version, source: "redfish.FirmwareInventory", id: f.Id });
  }
  return out;
}

function fallbackFirmware(bmc: string | null | undefined, bios: string | null | undefined): Firmware[] {
  return [...(bmc ? [{ component: "BMC", version: bmc, source: "redfish.Manager" as const }] : []), ...(bios ? [{ component: "BIOS", version: bios, source: "redfish.BiosVersion" as const }] : [])];
}

async function readSystemParts(c: RedfishClient, sys: TSystem, warn: Warn) {
  const components: Component[] = [];
  const macs: string[] = [];
  const optionalMembers = async <T,>(ref: { "@odata.id": string } | null | undefined, fn: (link: string) => Promise<T[]>): Promise<T[]> =>
    ref ? fn(ref["@odata.id"]) : [];

  const lenient = { ...OPT, lenient: warn };
  const [cpus, dimms, drives, simple, nics, secureBoot] = await Promise.all([
    optionalMembers(sys.Processors, (l) => c.members(l, ZProcessor, lenient)),
    optionalMembers(sys.Memory, (l) => c.members(l, ZMemory, lenient)),
    optionalMembers(sys.Storage, async (l) => {
      const ctrls = await c.members(l, ZStorage, lenient);
      const links = ctrls.flatMap((s) => (s.data.Drives ?? []).map((d) => c.resolveLink(d["@odata.id"])));
      const got = await Promise.all(
        [...new Set(links)].map(async (p) => {
          try {
            return { path: p, data: await c.get(p, ZDrive) };
          } catch (e) {
            if (!(e instanceof RedfishError) || e.code !== "protocol") throw e;
            warn(e.message);
            return null;
          }
        }),
      );
      return got.filter((d) => d !== null);
    }),
    optionalMembers(sys.SimpleStorage, (l) => c.members(l, ZSimpleStorage, lenient)),
    optionalMembers(sys.EthernetInterfaces, (l) => c.members(l, ZEthernetInterface, lenient)),
    sys.SecureBoot ? c.getOptional(c.resolveLink(sys.SecureBoot["@odata.id"]), ZSecureBoot) : Promise.resolve(null),
  ]);
  const [databases, bios] = await Promise.all([readSecureBootDatabases(c, secureBoot, warn), readBios(c, sys, warn)]);

  for (const { data: p } of cpus) {
    if (ABSENT(p.Status) || (p.ProcessorType && p.ProcessorType !== "CPU")) continue;
    components.push({
      kind: "CPU",
      slot: cleanText(p.Socket) ?? cleanText(p.Id) ?? String(components.length),
      model: cleanText(p.Model),
      serial: observedSerial(p.SerialNumber),
      detail: { manufacturer: p.Manufacturer ?? null, cores: p.TotalCores ?? null, threads: p.TotalThreads ?? null, maxSpeedMHz: p.MaxSpeedMHz ?? null },
    });
  }
  for (const { data: m } of dimms) {
    if (ABSENT(m.Status)) continue;
    components.push({
      kind: "DIMM",
      slot: cleanText(m.DeviceLocator) ?? cleanText(m.Id) ?? String(components.length),
      model: cleanText(m.PartNumber),
      serial: observedSerial(m.SerialNumber),
      detail: { manufacturer: m.Manufacturer ?? null, capacityMiB: m.CapacityMiB ?? null, speedMHz: m.OperatingSpeedMhz ?? null, type: m.MemoryDeviceType ?? null },
    });
  }
  for (const { data: d } of drives) {
    if (ABSENT(d.Status)) continue;
    components.push({
      kind: "DRIVE",
      slot: cleanText(d.PhysicalLocation?.PartLocation?.ServiceLabel) ?? cleanText(d.Id) ?? String(components.length),
      model: cleanText(d.Model),
      serial: observedSerial(d.SerialNumber),
      detail: { manufacturer: d.Manufacturer ?? null, capacityBytes: d.CapacityBytes ?? null, mediaType: d.MediaType ?? null, protocol: d.Protocol ?? null, firmware: d.Revision ?? null },
    });
  }
  // SimpleStorage devices (older or simpler BMCs), unless the same device is already listed under Storage
  const unmatched = drives.map((d) => `${cleanText(d.data.Model) ?? ""}|${d.data.CapacityBytes ?? ""}`);
  for (const { data: ctl } of simple) {
    (ctl.Devices ?? []).forEach((d, i) => {
      if (ABSENT(d.Status)) return;
      const k = unmatched.indexOf(`${cleanText(d.Model) ?? ""}|${d.CapacityBytes ?? ""}`);
      if (k >= 0) {
        unmatched.splice(k, 1);
        return;
      }
      components.push({
        kind: "DRIVE",
        slot: cleanText(d.Name) ?? `${cleanText(ctl.Id) ?? "SimpleStorage"}:${i}`,
        model: cleanText(d.Model),
        serial: null, // SimpleStorage devices carry no serial number
        detail: { manufacturer: d.Manufacturer ?? null, capacityBytes: d.CapacityBytes ?? null, controller: ctl.Name ?? ctl.Id ?? null, source: "SimpleStorage" },
      });
    });
  }
  for (const { data: n } of nics) {
    const mac = normalizeMac(n.MACAddress) ?? normalizeMac(n.PermanentMACAddress);
    if (mac && !macs.includes(mac)) macs.push(mac);
    if (ABSENT(n.Status)) continue;
    components.push({
      kind: "NIC",
      slot: cleanText(n.Id) ?? String(components.length),
      model: cleanText(n.Name),
      serial: null,
      detail: { mac, speedMbps: n.SpeedMbps ?? null, linkStatus: n.LinkStatus ?? null },
    });
  }

  let sb: "enabled" | "disabled" | "unknown" = "unknown";
  if (secureBoot) {
    if (secureBoot.SecureBootCurrentBoot === "Enabled") sb = "enabled";
    else if (secureBoot.SecureBootCurrentBoot === "Disabled") sb = "disabled";
    else if (typeof secureBoot.SecureBootEnable === "boolean") sb = secureBoot.SecureBootEnable ? "enabled" : "disabled";
  }
  let tpm: NonNullable<TBmcProbeResult["security"]>["tpm"] = null;
  if (Array.isArray(sys.TrustedModules)) {
    const m = sys.TrustedModules.find((t) => !ABSENT(t.Status));
    tpm = m
      ? { present: true, version: tpmVersion(m.InterfaceType), enabled: m.Status?.State === "Enabled", interfaceType: cleanText(m.InterfaceType), firmwareVersion: cleanText(m.FirmwareVersion) }
      : { present: false, version: null, enabled: false };
  }
  const details = secureBoot
    ? { secureBootEnable: typeof secureBoot.SecureBootEnable === "boolean" ? secureBoot.SecureBootEnable : null, secureBootMode: cleanText(secureBoot.SecureBootMode), ...(databases ? { secureBootDatabases: databases } : {}) }
    : {};
  return { components, macs, security: { secureBoot: sb, tpm, ...details }, bios };
}

/** SecureBootDatabases (SecureBoot v1.1+): each database and how many certificates it holds; null when the service has none. */
async function readSecureBootDatabases(c: RedfishClient, sb: { SecureBootDatabases?: { "@odata.id": string } | null } | null, warn: Warn) {
  if (!sb?.SecureBootDatabases) return null;
  try {
    const dbs = await c.members(sb.SecureBootDatabases["@odata.id"], ZSecureBootDatabase, { ...OPT, lenient: warn });
    return Promise.all(
      dbs.map(async ({ data: d }) => ({
        id: cleanText(d.DatabaseId) ?? cleanText(d.Id) ?? "?",
        certificates: d.Certificates ? (await c.collection(d.Certificates["@odata.id"], { optional: true })).length : null,
      })),
    );
  } catch (e) {
    if (!(e instanceof RedfishError) || e.code !== "protocol") throw e;
    warn(e.message);
    return null;
  }
}

/** Systems/{id}/Bios Attributes (scalars only); undefined when the system has no Bios resource. */
async function readBios(c: RedfishClient, sys: TSystem, warn: Warn): Promise<{ attributes: Record<string, string | number | boolean | null> } | undefined> {
  if (!sys.Bios) return undefined;
  try {
    const b = await c.getOptional(c.resolveLink(sys.Bios["@odata.id"]), ZBios);
    if (!b?.Attributes) return undefined;
    const attributes: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(b.Attributes)) if (v === null || ["string", "number", "boolean"].includes(typeof v)) attributes[k] = v as string | number | boolean | null;
    return { attributes };
  } catch (e) {
    if (!(e instanceof RedfishError) || e.code !== "protocol") throw e;
    warn(e.message);
    return undefined;
  }
}

function oemBoardSerial(sys: TSystem): string | null {
  const dell = (sys.Oem as { Dell?: { DellSystem?: { BoardSerialNumber?: unknown } } } | null | undefined)?.Dell?.DellSystem?.BoardSerialNumber;
  return typeof dell === "string" ? observedSerial(dell) : null;
}

/**
 * Which system each chassis belongs to: the one system its Links.ComputerSystems
 * names, else the first system whose Links.Chassis names it, else the owner of
 * the chassis it is ContainedBy (a card inside a host), else the primary.
 */
function chassisOwners(systems: TSystem[], chassis: TChassis[]): Map<string, TSystem> {
  const bySys = new Map(systems.map((s) => [key(s["@odata.id"]), s]));
  const byKey = new Map(chassis.map((ch) => [key(ch["@odata.id"]), ch]));
  const direct = new Map<string, TSystem>();
  for (const ch of chassis) {
    const named = (ch.Links?.ComputerSystems ?? []).map((l) => bySys.get(key(l["@odata.id"]))).filter((s) => s !== undefined);
    if (named.length === 1) direct.set(key(ch["@odata.id"]), named[0]);
  }
  for (const sys of systems) {
    for (const l of sys.Links?.Chassis ?? []) if (!direct.has(key(l["@odata.id"]))) direct.set(key(l["@odata.id"]), sys);
  }
  const owners = new Map<string, TSystem>();
  for (const ch of chassis) {
    let k: string | undefined = key(ch["@odata.id"]);
    const seen = new Set<string>();
    let owner: TSystem | undefined;
    while (k !== undefined && !seen.has(k)) {
      seen.add(k);
      owner = direct.get(k);
      if (owner) break;
      const parent: string | undefined = byKey.get(k)?.Links?.ContainedBy?.["@odata.id"];
      k = parent === undefined ? undefined : key(parent);
    }
    owners.set(key(ch["@odata.id"]), owner ?? systems[0]);
  }
  return owners;
}

const isCard = (ch: TChassis) => ch.ChassisType === "Card" || ch.ChassisType === "Module" || /board/i.test(ch.Name ?? "");

function chassisPower(ch: TChassis | undefined): "on" | "off" | null {
  if (ch?.PowerState === "On" || ch?.PowerState === "PoweringOff") return "on";
  if (ch?.PowerState === "Off" || ch?.PowerState === "PoweringOn") return "off";
  return null;
}

/** Read everything the CMDB observes from one Redfish BMC. */
export async function probeRedfish(opts: RedfishConnectOptions): Promise<{ result: TBmcProbeResult; fingerprint: string }> {
  const { value, fingerprint } = await withClient(opts, async (c) => {
    const root = c.root;
    const warnings: string[] = [];
    const warn: Warn = (p) => {
      if (warnings.length < 100 && !warnings.includes(p)) warnings.push(p);
    };
    const [systems, chassisList, managers, firmware] = await Promise.all([
      readSystems(c, warn),
      root.Chassis ? c.members(root.Chassis["@odata.id"], ZChassis, { ...OPT, lenient: warn }) : Promise.resolve([]),
      root.Managers ? c.members(root.Managers["@odata.id"], ZManager, { ...OPT, lenient: warn }) : Promise.resolve([]),
      readFirmware(c, warn),
    ]);
    const sys = systems[0];
    const chassis = chassisList.map((m) => m.data);
    const owners = chassisOwners(systems, chassis);

    const mgrKeys = new Set((sys.Links?.ManagedBy ?? []).map((l) => key(l["@odata.id"])));
    const manager: TManager | undefined =
      managers.find((m) => mgrKeys.has(key(m.data["@odata.id"])))?.data ?? managers.find((m) => m.data.ManagerType === "BMC")?.data ?? managers[0]?.data;

    const [parts, chassisReadings, sel] = await Promise.all([
      Promise.all(systems.map((s) => readSystemParts(c, s, warn))),
      Promise.all(chassis.map((ch) => readSensors(c, ch, warn))),
      readSel(c, [manager?.LogServices?.["@odata.id"], sys.LogServices?.["@odata.id"]], warn),
    ]);

    const mains: Array<TChassis | undefined> = [];
    const reports: SystemReport[] = systems.map((s, i) => {
      const own = chassis.map((ch, k) => ({ ch, r: chassisReadings[k] })).filter(({ ch }) => owners.get(key(ch["@odata.id"])) === s);
      const linked = new Set((s.Links?.Chassis ?? []).map((l) => key(l["@odata.id"])));
      const main =
        own.find(({ ch }) => linked.has(key(ch["@odata.id"])))?.ch ??
        own.find(({ ch }) => ch.ChassisType === "RackMount")?.ch ??
        own.find(({ ch }) => !isCard(ch))?.ch ??
        own[0]?.ch;
      const board = own.find(({ ch }) => ch !== main && isCard(ch))?.ch ?? (main && isCard(main) && i > 0 ? main : undefined);
      mains.push(main);
      const power = powerOf(s) ?? chassisPower(main);
      return {
        id: key(s["@odata.id"]),
        primary: i === 0,
        systemType: cleanText(s.SystemType),
        manufacturer: cleanText(s.Manufacturer) ?? cleanText(main?.Manufacturer),
        model: cleanText(s.Model),
        sku: cleanText(s.SKU),
        partNumber: cleanText(s.PartNumber),
        serialNumber: observedSerial(s.SerialNumber),
        biosVersion: cleanText(s.BiosVersion),
        assetTag: cleanText(s.AssetTag),
        uuid: cleanText(s.UUID),
        power,
        chassisSerial: observedSerial(main?.SerialNumber),
        boardSerial: (i === 0 ? oemBoardSerial(s) : null) ?? observedSerial(board?.SerialNumber),
        sensors: own.flatMap(({ r }) => r.sensors),
        components: [...parts[i].components, ...own.flatMap(({ r }) => r.psus)],
        macs: parts[i].macs,
      };
    });
    const p = reports[0];

    const result: TBmcProbeResult = {
      protocol: "redfish",
      // without a PowerState on the system or its chassis, a system the BMC calls Enabled is taken as running
      power: p.power ?? (sys.Status?.State === "Enabled" ? "on" : "off"),
      deviceId: { firmwareRevision: cleanText(manager?.FirmwareVersion) ?? "", manufacturerId: null, productId: null },
      guid: p.uuid,
      fru: {
        manufacturer: p.manufacturer,
        productName: p.model,
        productSerial: p.serialNumber,
        boardSerial: p.boardSerial,
        chassisSerial: p.chassisSerial,
        assetTag: p.assetTag ?? cleanText(mains[0]?.AssetTag),
      },
      sensors: p.sensors,
      sel,
      // a BMC without a firmware inventory still names its own and the BIOS version
      firmware: firmware.length ? firmware : fallbackFirmware(cleanText(manager?.FirmwareVersion), cleanText(sys.BiosVersion)),
      macs: p.macs,
      components: p.components,
      security: parts[0].security,
      ...(parts[0].bios ? { bios: parts[0].bios } : {}),
      system: {
        id: p.id,
        systemType: p.systemType,
        manufacturer: p.manufacturer,
        model: p.model,
        sku: p.sku,
        partNumber: p.partNumber,
        serialNumber: p.serialNumber,
        biosVersion: p.biosVersion,
        assetTag: p.assetTag,
        uuid: p.uuid,
        power: p.power,
      },
      systems: reports,
      ...(warnings.length ? { warnings } : {}),
    };
    const checked = ZBmcProbeResult.safeParse(result);
    if (!checked.success) throw new RedfishError("protocol", `the BMC's answers do not make a valid probe result: ${checked.error.issues[0]?.message ?? "invalid"}`);
    return checked.data;
  });
  return { result: value, fingerprint };
}

const RESET_TYPE: Record<Exclude<TPowerAction, "status">, string> = {
  on: "On",
  off: "ForceOff",
  cycle: "PowerCycle",
  reset: "ForceRestart",
  soft: "GracefulShutdown",
};

/**
 * Power control through ComputerSystem.Reset. "on"/"off"/"soft" are no-ops
 * when the system is already in that state; "cycle" on a BMC that does not
 * offer PowerCycle is ForceOff then On; "cycle" on a system that is off powers
 * it on. Returns the power state read back afterwards.
 */
export async function redfishPower(
  opts: { url: string; username: string; password: string; pinnedFingerprint?: string | null; timeoutMs?: number; concurrency?: number },
  action: TPowerAction,
): Promise<{ power: "on" | "off" }> {
  const { value } = await withClient(opts, async (c) => {
    const [sys] = await readSystems(c);
    const current = powerOf(sys);
    if (current === null) throw new RedfishError("protocol", `the BMC's system ${sys["@odata.id"]} reports no PowerState, so its power cannot be read or switched`);
    if (action === "status") return current;
    if ((action === "on" && current === "on") || ((action === "off" || action === "soft") && current === "off")) return current;

    const reset = sys.Actions?.["#ComputerSystem.Reset"];
    if (!reset) throw new RedfishError("protocol", "the BMC's ComputerSystem offers no #ComputerSystem.Reset action");
    const target = c.resolveLink(reset.target);
    const allowed = reset["ResetType@Redfish.AllowableValues"] ?? null;
    const offers = (t: string) => allowed === null || allowed.includes(t);

    let sequence: string[];
    if (action === "cycle" && current === "off") sequence = ["On"];
    else if (action === "cycle" && !offers("PowerCycle") && offers("ForceOff") && offers("On")) sequence = ["ForceOff", "On"];
    else sequence = [RESET_TYPE[action]];
    for (const t of sequence) {
      if (!offers(t)) throw new RedfishError("protocol", `the BMC does not offer ResetType ${t} (it offers ${allowed?.join(", ") ?? "nothing"})`);
    }
    for (const t of sequence) await c.post(target, { ResetType: t });

    // read back; a graceful shutdown may take a moment, so poll briefly
    const want: "on" | "off" = action === "off" || action === "soft" ? "off" : "on";
    const deadline = Math.min(c.deadline - 500, Date.now() + 10_000);
    const sysPath = c.resolveLink(sys["@odata.id"]);
    for (;;) {
      const now = powerOf(await c.get(sysPath, ZSystem)) ?? current;
      if (now === want || Date.now() + 250 >= deadline) return now;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  return { power: value };
}
