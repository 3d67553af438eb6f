/**
 * Pure mapping from Redfish vocabulary to the probe result's (which follows
 * ipmitool's: sensor status ok/nc/cr/nr/ns, units "degrees C", "RPM", ...).
 */
export type SensorStatus = "ok" | "nc" | "cr" | "nr" | "ns";

export interface Thresholds {
  lowerCaution?: number | null;
  lowerCritical?: number | null;
  lowerFatal?: number | null;
  upperCaution?: number | null;
  upperCritical?: number | null;
  upperFatal?: number | null;
}

const UNAVAILABLE = new Set(["Absent", "UnavailableOffline", "Disabled", "StandbyOffline"]);

/**
 * Status from the reading and its thresholds (a reading at or beyond a
 * threshold crosses it); without any threshold, from Status.Health.
 */
export function sensorStatus(value: number | null | undefined, t: Thresholds, status?: { State?: string | null; Health?: string | null } | null): SensorStatus {
  if (value === null || value === undefined || (status?.State && UNAVAILABLE.has(status.State))) return "ns";
  const hi = (x: number | null | undefined) => typeof x === "number" && value >= x;
  const lo = (x: number | null | undefined) => typeof x === "number" && value <= x;
  if (hi(t.upperFatal) || lo(t.lowerFatal)) return "nr";
  if (hi(t.upperCritical) || lo(t.lowerCritical)) return "cr";
  if (hi(t.upperCaution) || lo(t.lowerCaution)) return "nc";
  const any = Object.values(t).some((x) => typeof x === "number");
  if (any) return "ok";
  switch (status?.Health) {
    case "Critical":
      return "cr";
    case "Warning":
      return "nc";
    default:
      return "ok";
  }
}

/** Redfish ReadingUnits (UCUM) → the unit words ipmitool prints. */
export function unitName(units: string | null | undefined, readingType?: string | null): string {
  switch (units) {
    case "Cel":
      return "degrees C";
    case "RPM":
      return "RPM";
    case "%":
    case "Percent":
      return "percent";
    case "V":
      return "Volts";
    case "W":
      return "Watts";
    case "A":
      return "Amps";
    case "Hz":
      return "Hz";
    case "kW.h":
      return "kWh";
    default:
      break;
  }
  if (units) return units;
  switch (readingType) {
    case "Temperature":
      return "degrees C";
    case "Rotational":
      return "RPM";
    case "Voltage":
      return "Volts";
    case "Power":
      return "Watts";
    case "Current":
      return "Amps";
    default:
      return "unspecified";
  }
}

/** Any MAC notation → "aa:bb:cc:dd:ee:ff"; null when it is not a usable MAC. */
export function normalizeMac(mac: string | null | undefined): string | null {
  if (!mac) return null;
  const hex = mac.replace(/[^0-9a-fA-F]/g, "").toLowerCase();
  if (hex.length !== 12 || /^0+$/.test(hex) || /^f+$/.test(hex)) return null;
  return (hex.match(/.{2}/g) ?? []).join(":");
}

export function cleanText(s: string | null | undefined): string | null {
  if (typeof s !== "string") return null;
  const t = s.trim();
  return t === "" ? null : t;
}

/** Created (any ISO 8601 with offset) → UTC ISO 8601; null when absent or not a real time (before 1990). */
export function utcTimestamp(s: string | null | undefined): string | null {
  if (!s) return null;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || ms < Date.UTC(1990, 0, 1)) return null;
  return new Date(ms).toISOString();
}

/** TrustedModules InterfaceType → version string. */
export function tpmVersion(interfaceType: string | null | undefined): string | null {
  switch (interfaceType) {
    case "TPM2_0":
      return "2.0";
    case "TPM1_2":
      return "1.2";
    case null:
    case undefined:
      return null;
    default:
      return interfaceType;
  }
}
