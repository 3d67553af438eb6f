/**
 * SDR records and sensor readings: parsing, reading conversion (M, B,
 * exponents, linearisation), unit names and threshold status.
 */
import { DecodeError } from "./errors";
import { decode6bitAscii, decodeTypeLength } from "./fru";

/** IPMI base/modifier unit names (IPMI v2.0 table 43-15), spelled as ipmitool prints them. */
export const UNIT_NAMES: readonly string[] = [
  "unspecified", "degrees C", "degrees F", "degrees K", "Volts", "Amps", "Watts", "Joules", "Coulombs", "VA",
  "Nits", "lumen", "lux", "Candela", "kPa", "PSI", "Newton", "CFM", "RPM", "Hz",
  "microsecond", "millisecond", "second", "minute", "hour", "day", "week", "mil", "inches", "feet",
  "cu in", "cu feet", "mm", "cm", "m", "cu cm", "cu m", "liters", "fluid ounce", "radians",
  "steradians", "revolutions", "cycles", "gravities", "ounce", "pound", "ft-lb", "oz-in", "gauss", "gilberts",
  "henry", "millihenry", "farad", "microfarad", "ohms", "siemens", "mole", "becquerel", "PPM", "reserved",
  "Decibels", "DbA", "DbC", "gray", "sievert", "color temp deg K", "bit", "kilobit", "megabit", "gigabit",
  "byte", "kilobyte", "megabyte", "gigabyte", "word", "dword", "qword", "line", "hit", "miss",
  "retry", "reset", "overflow", "underrun", "collision", "packets", "messages", "characters", "error", "correctable error",
  "uncorrectable error", "fatal error", "grams",
];

export function unitName(code: number): string {
  return UNIT_NAMES[code] ?? `unit ${code}`;
}

export type AnalogFormat = "unsigned" | "1s" | "2s" | "none";

export interface FullSensorRecord {
  kind: "full";
  recordId: number;
  ownerId: number;
  ownerLun: number;
  number: number;
  entityId: number;
  entityInstance: number;
  sensorType: number;
  eventType: number;
  format: AnalogFormat;
  percentage: boolean;
  modifierMode: number; // 0 none, 1 base/mod, 2 base*mod
  baseUnit: number;
  modifierUnit: number;
  linearization: number;
  m: number;
  b: number;
  rExp: number;
  bExp: number;
  tolerance: number;
  accuracy: number;
  name: string;
}

export interface CompactSensorRecord {
  kind: "compact";
  recordId: number;
  ownerId: number;
  ownerLun: number;
  number: number;
  entityId: number;
  entityInstance: number;
  sensorType: number;
  eventType: number;
  baseUnit: number;
  name: string;
}

export type SensorRecord = FullSensorRecord | CompactSensorRecord;

function signed(v: number, bits: number): number {
  const sign = 1 << (bits - 1);
  return v & sign ? v - (1 << bits) : v;
}

const FORMATS: AnalogFormat[] = ["unsigned", "1s", "2s", "none"];

/** Parse one SDR record (header included). Returns null for record types we do not use. */
export function parseSdrRecord(r: Uint8Array): SensorRecord | null {
  if (r.length < 5) throw new DecodeError("SDR record shorter than its header");
  const b = Buffer.from(r.buffer, r.byteOffset, r.length);
  const recordId = b.readUInt16LE(0);
  const type = b[3];
  const len = 5 + b[4];
  if (b.length < len) throw new DecodeError(`SDR record ${recordId}: ${b.length} bytes, header says ${len}`);
  if (type === 0x01) {
    if (len < 48) throw new DecodeError(`full sensor record ${recordId} too short (${len})`);
    const units1 = b[20];
    const m = signed(b[24] | ((b[25] & 0xc0) << 2), 10);
    const bb = signed(b[26] | ((b[27] & 0xc0) << 2), 10);
    const idLen = b[47] & 0x1f;
    const name = decodeSensorName(b, 47, len);
    void idLen;
    return {
      kind: "full",
      recordId,
      ownerId: b[5],
      ownerLun: b[6] & 3,
      number: b[7],
      entityId: b[8],
      entityInstance: b[9] & 0x7f,
      sensorType: b[12],
      eventType: b[13],
      format: FORMATS[units1 >> 6],
      percentage: (units1 & 1) !== 0,
      modifierMode: (units1 >> 1) & 3,
      baseUnit: b[21],
      modifierUnit: b[22],
      linearization: b[23] & 0x7f,
      m,
      b: bb,
      tolerance: b[25] & 0x3f,
      accuracy: (b[27] & 0x3f) | ((b[28] & 0xf0) << 2),
      rExp: signed(b[29] >> 4, 4),
      bExp: signed(b[29] & 0x0f, 4),
      name,
    };
  }
  if (type === 0x02) {
    if (len < 32) throw new DecodeError(`compact sensor record ${recordId} too short (${len})`);
    return {
      kind: "compact",
      recordId,
      ownerId: b[5],
      ownerLun: b[6] & 3,
      number: b[7],
      entityId: b[8],
      entityInstance: b[9] & 0x7f,
      sensorType: b[12],
      eventType: b[13],
      baseUnit: b[21],
      name: decodeSensorName(b, 31, len),
    };
  }
  return null;
}

/**
 * The sensor ID string (IPMI v2.0 §43.15): type/length byte, b7:6 type, b4:0
 * length in characters (b5 reserved), unlike FRU fields whose length counts
 * bytes. For 6-bit packed ASCII, n characters take ceil(6n/8) bytes; a BMC
 * that counts bytes there instead is accepted when the record says so.
 */
export function decodeSensorName(b: Buffer, off: number, len: number): string {
  if (off >= len) return "";
  const tl = b[off];
  const type = tl >> 6;
  const n = tl & 0x1f;
  const left = len - off - 1;
  if (type === 2) {
    const packed = Math.ceil((n * 6) / 8);
    // the ID string ends the record, so the bytes left tell which count the BMC used
    if (n === left && packed !== left) return decode6bitAscii(b.subarray(off + 1, off + 1 + n)).trim(); // counted in bytes
    if (packed <= left) return decode6bitAscii(b.subarray(off + 1, off + 1 + packed)).slice(0, n).trim();
    throw new DecodeError(`sensor name: ${n} six-bit characters need ${packed} bytes, the record has ${left}`);
  }
  if (n > left) throw new DecodeError(`sensor name: ${n} bytes announced, the record has ${left}`);
  return decodeTypeLength(Buffer.from([(type << 6) | n, ...b.subarray(off + 1, off + 1 + n)]), 0).value.trim();
}

const LINEAR: Record<number, (x: number) => number> = {
  0: (x) => x,
  1: Math.log,
  2: Math.log10,
  3: Math.log2,
  4: Math.exp,
  5: (x) => Math.pow(10, x),
  6: (x) => Math.pow(2, x),
  7: (x) => 1 / x,
  8: (x) => x * x,
  9: (x) => x * x * x,
  10: Math.sqrt,
  11: Math.cbrt,
};

/** Convert a raw reading to a value: y = L[(M*x + B*10^Bexp) * 10^Rexp]. Null if not analog. */
export function convertReading(rec: Pick<FullSensorRecord, "format" | "m" | "b" | "bExp" | "rExp" | "linearization">, raw: number): number | null {
  let x: number;
  switch (rec.format) {
    case "unsigned":
      x = raw & 0xff;
      break;
    case "1s":
      x = raw & 0x80 ? -(~raw & 0x7f) : raw & 0x7f;
      break;
    case "2s":
      x = signed(raw & 0xff, 8);
      break;
    default:
      return null;
  }
  const v = (rec.m * x + rec.b * Math.pow(10, rec.bExp)) * Math.pow(10, rec.rExp);
  const f = LINEAR[rec.linearization] ?? LINEAR[0];
  const y = f(v);
  if (!Number.isFinite(y)) return null;
  // remove binary noise (e.g. 12.100000000000001)
  return Math.round(y * 1e6) / 1e6;
}

export function sensorUnit(rec: FullSensorRecord): string {
  let u = unitName(rec.baseUnit);
  if (rec.modifierMode === 1) u = `${u}/${unitName(rec.modifierUnit)}`;
  else if (rec.modifierMode === 2) u = `${u}*${unitName(rec.modifierUnit)}`;
  if (rec.percentage) u = rec.baseUnit === 0 ? "percent" : `% ${u}`;
  return u;
}

export interface RawReading {
  raw: number;
  eventsEnabled: boolean;
  scanningEnabled: boolean;
  unavailable: boolean;
  thresholdBits: number; // b0 LNC b1 LC b2 LNR b3 UNC b4 UC b5 UNR
  discreteBits: number;
}

/** Parse the Get Sensor Reading response data (after the completion code). */
export function parseSensorReading(d: Uint8Array): RawReading {
  if (d.length < 2) throw new DecodeError(`sensor reading: ${d.length} bytes`);
  const flags = d[1];
  const b3 = d.length > 2 ? d[2] : 0;
  const b4 = d.length > 3 ? d[3] : 0;
  return {
    raw: d[0],
    eventsEnabled: (flags & 0x80) !== 0,
    scanningEnabled: (flags & 0x40) !== 0,
    unavailable: (flags & 0x20) !== 0,
    thresholdBits: b3 & 0x3f,
    discreteBits: b3 | (b4 << 8),
  };
}

export type SensorStatus = "ok" | "nc" | "cr" | "nr" | "ns";

/** ipmitool's mapping: nr if LNR/UNR, else cr if LC/UC, else nc if LNC/UNC, else ok; ns without a reading. */
export function thresholdStatus(r: RawReading): SensorStatus {
  if (!r.scanningEnabled || r.unavailable) return "ns";
  const t = r.thresholdBits;
  if (t & 0x24) return "nr";
  if (t & 0x12) return "cr";
  if (t & 0x09) return "nc";
  return "ok";
}
