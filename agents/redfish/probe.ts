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
  ZSensor,
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

/** sub-collections a BMC may link to without implementing: 404 → empty */
const OPT = { optional: true } as const;

const key = (p: string) => p.replace(/\/+$/, "");

const ABSENT = (s: { State?: string | null } | null | undefined) => s?.State === "Absent";

function powerOf(sys: TSystem): "on" | "off" {
  return sys.PowerState === "On" || sys.PowerState === "PoweringOff" ? "on" : "off";
}

async function readSystems(c: RedfishClient): Promise<TSystem> {
  if (!c.root.Systems) throw new RedfishError("protocol", "the BMC's service root has no Systems collection");
  const systems = await c.members(c.root.Systems["@odata.id"], ZSystem);
  const sys = systems.find((s) => s.data.SystemType === "Physical") ?? systems[0];
  if (!sys) throw new RedfishError("protocol", "the BMC lists no ComputerSystem");
  return sys.data;
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

async function readSensors(c: RedfishClient, ch: TChassis): Promise<{ sensors: Sensor[]; psus: Component[] }> {
  const sensors: Sensor[] = [];
  const psus: Component[] = [];
  const tasks: Array<Promise<void>> = [];
  if (ch.Sensors) {
    // newer model: one Sensor resource per reading, with thresholds
    tasks.push(
      c.members(ch.Sensors["@odata.id"], ZSensor, OPT).then((list) => {
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
  } else {
    // older model: Thermal and Power resources with arrays of readings
    if (ch.Thermal) {
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
    if (ch.Power) {
      tasks.push(
        c.getOptional(c.resolveLink(ch.Power["@odata.id"]), ZPower).then((pw) => {
          for (const v of pw?.Voltages ?? []) {
            sensors.push({ name: cleanText(v.Name) ?? cleanText(v.MemberId) ?? "voltage", value: v.ReadingVolts ?? null, unit: "Volts", status: oldStatus(v.ReadingVolts, v) });
          }
          for (const p of pw?.PowerControl ?? []) {
            sensors.push({ name: cleanText(p.Name) ?? cleanText(p.MemberId) ?? "power", value: p.PowerConsumedWatts ?? null, unit: "Watts", status: sensorStatus(p.PowerConsumedWatts, {}, p.Status) });
          }
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
  }
  if (ch.PowerSubsystem && !ch.Power) {
    tasks.push(
      (async () => {
        const ps = await c.getOptional(c.resolveLink(ch.PowerSubsystem!["@odata.id"]), ZPowerSubsystem);
        if (!ps?.PowerSupplies) return;
        for (const { data: p } of await c.members(ps.PowerSupplies["@odata.id"], ZPowerSupply, OPT)) {
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

async function readSel(c: RedfishClient, links: Array<string | null | undefined>): Promise<SelEntry[]> {
  for (const link of links) {
    if (!link) continue;
    const services = await c.members(link, ZLogService, OPT);
    const sel =
      services.find((s) => s.data.LogEntryType === "SEL") ?? services.find((s) => /^sel$/i.test(s.data.Id ?? "") || /\/sel\/?$/i.test(s.path));
    if (!sel?.data.Entries) continue;
    const entries = await c.members(sel.data.Entries["@odata.id"], ZLogEntry, OPT);
    const out: SelEntry[] = entries.map(({ data: e }, i) => ({
      id: /^\d+$/.test(e.Id) && Number(e.Id) <= Number.MAX_SAFE_INTEGER ? Number(e.Id) : i + 1,
      timestamp: utcTimestamp(e.Created),
      sensorType: cleanText(e.SensorType) ?? cleanText(e.EntryType) ?? "Unknown",
      event: cleanText(e.Message) ?? cleanText(e.MessageId) ?? "",
    }));
    return out.sort((a, b) => a.id - b.id);
  }
  return [];
}

async function readFirmware(c: RedfishClient): Promise<Firmware[]> {
  if (!c.root.UpdateService) return [];
  const us = await c.getOptional(c.resolveLink(c.root.UpdateService["@odata.id"]), ZUpdateService);
  if (!us?.FirmwareInventory) return [];
  const items = await c.members(us.FirmwareInventory["@odata.id"], ZSoftwareInventory, OPT);
  const out: Firmware[] = [];
  for (const { data: f } of items) {
    // Dell lists the previous and the staged ("Available") images beside the installed one
    if (/^(Previous|Available)-/i.test(f.Id)) continue;
    const version = cleanText(f.Version);
    if (!version) continue;
    out.push({ component: cleanText(f.Name) ?? f.Id, version });
  }
  return out;
}

async function readSystemParts(c: RedfishClient, sys: TSystem) {
  const components: Component[] = [];
  const macs: string[] = [];
  const optionalMembers = async <T,>(ref: { "@odata.id": string } | null | undefined, fn: (link: string) => Promise<T[]>): Promise<T[]> =>
    ref ? fn(ref["@odata.id"]) : [];

  const [cpus, dimms, drives, nics, secureBoot] = await Promise.all([
    optionalMembers(sys.Processors, (l) => c.members(l, ZProcessor, OPT)),
    optionalMembers(sys.Memory, (l) => c.members(l, ZMemory, OPT)),
    optionalMembers(sys.Storage, async (l) => {
      const ctrls = await c.members(l, ZStorage, OPT);
      const links = ctrls.flatMap((s) => (s.data.Drives ?? []).map((d) => c.resolveLink(d["@odata.id"])));
      return Promise.all([...new Set(links)].map(async (p) => ({ path: p, data: await c.get(p, ZDrive) })));
    }),
    optionalMembers(sys.EthernetInterfaces, (l) => c.members(l, ZEthernetInterface, OPT)),
    sys.SecureBoot ? c.getOptional(c.resolveLink(sys.SecureBoot["@odata.id"]), ZSecureBoot) : Promise.resolve(null),
  ]);

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
  let tpm: { present: boolean; version: string | null; enabled: boolean } | null = null;
  if (Array.isArray(sys.TrustedModules)) {
    const m = sys.TrustedModules.find((t) => !ABSENT(t.Status));
    tpm = m ? { present: true, version: tpmVersion(m.InterfaceType), enabled: m.Status?.State === "Enabled" } : { present: false, version: null, enabled: false };
  }
  return { components, macs, security: { secureBoot: sb, tpm } };
}

function oemBoardSerial(sys: TSystem): string | null {
  const dell = (sys.Oem as { Dell?: { DellSystem?: { BoardSerialNumber?: unknown } } } | null | undefined)?.Dell?.DellSystem?.BoardSerialNumber;
  return typeof dell === "string" ? observedSerial(dell) : null;
}

/** Read everything the CMDB observes from one Redfish BMC. */
export async function probeRedfish(opts: RedfishConnectOptions): Promise<{ result: TBmcProbeResult; fingerprint: string }> {
  const { value, fingerprint } = await withClient(opts, async (c) => {
    const root = c.root;
    const [sys, chassisList, managers, firmware] = await Promise.all([
      readSystems(c),
      root.Chassis ? c.members(root.Chassis["@odata.id"], ZChassis, OPT) : Promise.resolve([]),
      root.Managers ? c.members(root.Managers["@odata.id"], ZManager, OPT) : Promise.resolve([]),
      readFirmware(c),
    ]);

    const chassisKeys = new Set((sys.Links?.Chassis ?? []).map((l) => key(l["@odata.id"])));
    const mainChassis: TChassis | undefined =
      chassisList.find((ch) => chassisKeys.has(key(ch.data["@odata.id"])))?.data ??
      chassisList.find((ch) => ch.data.ChassisType === "RackMount")?.data ??
      chassisList[0]?.data;
    const boardChassis = chassisList.find(
      (ch) => ch.data !== mainChassis && (ch.data.ChassisType === "Card" || ch.data.ChassisType === "Module" || /board/i.test(ch.data.Name ?? "")),
    )?.data;
    const mgrKeys = new Set((sys.Links?.ManagedBy ?? []).map((l) => key(l["@odata.id"])));
    const manager: TManager | undefined =
      managers.find((m) => mgrKeys.has(key(m.data["@odata.id"])))?.data ?? managers.find((m) => m.data.ManagerType === "BMC")?.data ?? managers[0]?.data;

    const [parts, chassisReadings, sel] = await Promise.all([
      readSystemParts(c, sys),
      Promise.all(chassisList.map((ch) => readSensors(c, ch.data))),
      readSel(c, [manager?.LogServices?.["@odata.id"], sys.LogServices?.["@odata.id"]]),
    ]);

    const result: TBmcProbeResult = {
      protocol: "redfish",
      power: powerOf(sys),
      deviceId: { firmwareRevision: cleanText(manager?.FirmwareVersion) ?? "", manufacturerId: null, productId: null },
      guid: cleanText(sys.UUID),
      fru: {
        manufacturer: cleanText(sys.Manufacturer) ?? cleanText(mainChassis?.Manufacturer),
        productName: cleanText(sys.Model),
        productSerial: observedSerial(sys.SerialNumber),
        boardSerial: oemBoardSerial(sys) ?? observedSerial(boardChassis?.SerialNumber),
        chassisSerial: observedSerial(mainChassis?.SerialNumber),
        assetTag: cleanText(sys.AssetTag) ?? cleanText(mainChassis?.AssetTag),
      },
      sensors: chassisReadings.flatMap((r) => r.sensors),
      sel,
      firmware,
      macs: parts.macs,
      components: [...parts.components, ...chassisReadings.flatMap((r) => r.psus)],
      security: parts.security,
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
    const sys = await readSystems(c);
    const current = powerOf(sys);
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
      const now = powerOf(await c.get(sysPath, ZSystem));
      if (now === want || Date.now() + 250 >= deadline) return now;
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  return { power: value };
}
