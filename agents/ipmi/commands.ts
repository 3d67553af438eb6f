/**
 * IPMI commands over an established session: device ID, GUID, chassis,
 * SDR repository (reserve + partial reads, re-reserve on C5), sensor readings,
 * SEL, FRU inventory, LAN configuration (MAC).
 */
import { DecodeError, IpmiError, IpmiProtocolError, completionCodeError } from "./errors";
import type { IpmiSession } from "./session";
import { convertReading, parseSdrRecord, parseSensorReading, sensorUnit, thresholdStatus, type SensorRecord, type SensorStatus } from "./sdr";
import { assertedStates, discreteStatus, parseSelRecord, type SelRecord } from "./sel";
import { parseFru, type FruInfo } from "./fru";

export interface DeviceId {
  deviceId: number;
  deviceRevision: number;
  providesSdrs: boolean;
  firmwareRevision: string;
  updateInProgress: boolean;
  ipmiVersion: string;
  additionalSupport: number;
  manufacturerId: number;
  productId: number;
  auxFirmware: string | null;
}

export function parseDeviceId(d: Buffer): DeviceId {
  if (d.length < 11) throw new DecodeError(`Get Device ID: ${d.length} bytes, need 11`);
  // the minor revision is BCD; a BMC that does not follow that is printed in hex as ipmitool ("%02x") and
  // FreeIPMI's bmc-info do (0x0a → "1.0a"), so it can never collide with a real BCD 1.10
  const minorText = d[3].toString(16).padStart(2, "0");
  return {
    deviceId: d[0],
    deviceRevision: d[1] & 0x0f,
    providesSdrs: (d[1] & 0x80) !== 0,
    firmwareRevision: `${d[2] & 0x7f}.${minorText}`,
    updateInProgress: (d[2] & 0x80) !== 0,
    ipmiVersion: `${d[4] & 0x0f}.${d[4] >> 4}`,
    additionalSupport: d[5],
    manufacturerId: (d[6] | (d[7] << 8) | (d[8] << 16)) & 0xfffff,
    productId: d[9] | (d[10] << 8),
    auxFirmware: d.length >= 15 ? d.subarray(11, 15).toString("hex") : null,
  };
}

export async function getDeviceId(s: IpmiSession): Promise<DeviceId> {
  return parseDeviceId(await s.command(0x06, 0x01, undefined, "Get Device ID"));
}

/** GUID bytes as received (IPMI order, least significant byte first) rendered in the usual 8-4-4-4-12 form. */
export function formatGuid(g: Uint8Array): string {
  if (g.length !== 16) throw new DecodeError(`GUID: ${g.length} bytes`);
  // byte 0 is the least significant byte of the node field ... byte 15 the MSB of time_low
  const r = Buffer.from(g).reverse();
  const x = r.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export async function getSystemGuid(s: IpmiSession): Promise<Buffer> {
  const d = await s.command(0x06, 0x37, undefined, "Get System GUID");
  if (d.length < 16) throw new DecodeError(`Get System GUID: ${d.length} bytes`);
  return d.subarray(0, 16);
}

export interface ChassisStatus {
  power: "on" | "off";
  overload: boolean;
  interlock: boolean;
  fault: boolean;
  controlFault: boolean;
  restorePolicy: "always-off" | "previous" | "always-on" | "unknown";
}

export function parseChassisStatus(d: Buffer): ChassisStatus {
  if (d.length < 3) throw new DecodeError(`Chassis Status: ${d.length} bytes`);
  const p = d[0];
  return {
    power: p & 1 ? "on" : "off",
    overload: (p & 2) !== 0,
    interlock: (p & 4) !== 0,
    fault: (p & 8) !== 0,
    controlFault: (p & 0x10) !== 0,
    restorePolicy: (["always-off", "previous", "always-on", "unknown"] as const)[(p >> 5) & 3],
  };
}

export async function getChassisStatus(s: IpmiSession): Promise<ChassisStatus> {
  return parseChassisStatus(await s.command(0x00, 0x01, undefined, "Get Chassis Status"));
}

export type ChassisAction = "off" | "on" | "cycle" | "reset" | "soft";
const CHASSIS_CONTROL: Record<ChassisAction, number> = { off: 0, on: 1, cycle: 2, reset: 3, soft: 5 };

export async function chassisControl(s: IpmiSession, action: ChassisAction): Promise<void> {
  const code = CHASSIS_CONTROL[action];
  if (code === undefined) throw new IpmiProtocolError(`unknown chassis action ${String(action)}`);
  await s.command(0x00, 0x02, Buffer.from([code]), `Chassis Control (${action})`);
}

// ------------------------------------------------------------------ SDR repository

export interface SdrReadOptions {
  /** bytes per Get SDR read; shrinks to 16 automatically if the BMC refuses (default 32) */
  chunk?: number;
  maxRecords?: number;
}

const SHORTER_READ_CC = new Set([0xca, 0xc7, 0xc8, 0xff, 0xcc]);

/** Read every SDR record (raw bytes, header included). */
export async function readSdrRepository(s: IpmiSession, opts: SdrReadOptions = {}): Promise<Buffer[]> {
  let chunk = Math.max(8, Math.min(opts.chunk ?? 32, 64));
  const maxRecords = opts.maxRecords ?? 4096;
  // The reservation is only needed for reads at a non-zero offset, so it is
  // requested together with the first header read (offset 0, reservation 0).
  let resv: Promise<number> | null = null;
  let resvEpoch = 0;
  const reserve = (): Promise<number> => {
    resvEpoch++;
    const p = s.command(0x0a, 0x22, undefined, "Reserve SDR Repository").then((d) => {
      if (d.length < 2) throw new DecodeError("Reserve SDR Repository: short reply");
      return d.readUInt16LE(0);
    });
    p.catch(() => undefined);
    resv = p;
    return p;
  };
  reserve();

  /** One Get SDR read with reservation retry; returns next id + bytes. */
  const read = async (id: number, offset: number, count: number, useZero = false): Promise<{ next: number; bytes: Buffer }> => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const epoch = resvEpoch;
      const r16 = useZero && attempt === 0 ? 0 : await resv!;
      const req = Buffer.from([r16 & 0xff, r16 >> 8, id & 0xff, id >> 8, offset, count]);
      const r = await s.request(0x0a, 0x23, req);
      if (r.cc === 0) {
        if (r.data.length < 2) throw new DecodeError("Get SDR: short reply");
        return { next: r.data.readUInt16LE(0), bytes: r.data.subarray(2) };
      }
      if (r.cc === 0xc5) {
        if (epoch === resvEpoch && !(useZero && attempt === 0)) reserve(); // others may have re-reserved already
        continue;
      }
      if (SHORTER_READ_CC.has(r.cc) && count > 16) {
        chunk = 16;
        count = 16;
        continue;
      }
      throw completionCodeError(r.cc, `Get SDR (record ${id}, offset ${offset})`, s.target);
    }
    throw new IpmiProtocolError("Get SDR: reservation kept being cancelled", 0xc5, { target: s.target });
  };

  const records: Promise<Buffer>[] = [];
  let id = 0;
  const seen = new Set<number>();
  while (id !== 0xffff && records.length < maxRecords) {
    if (seen.has(id)) throw new DecodeError(`SDR repository: record chain loops at id ${id}`);
    seen.add(id);
    const first = await read(id, 0, Math.min(chunk, 0xff), records.length === 0);
    if (first.bytes.length < 5) throw new DecodeError(`SDR record ${id}: short header`);
    const total = 5 + first.bytes[4];
    const head = first.bytes.subarray(0, Math.min(first.bytes.length, total));
    // the rest of this record is fetched in parallel while we walk on to the next record
    const recId = head.readUInt16LE(0);
    const p = (async () => {
        if (head.length >= total) return Buffer.from(head);
        const parts: Promise<Buffer>[] = [];
        const step = chunk;
        for (let off = head.length; off < total; off += step) {
          const n = Math.min(step, total - off);
          parts.push(read(recId, off, n).then((r) => r.bytes.subarray(0, n)));
        }
        const rest = await Promise.all(parts);
        const buf = Buffer.concat([head, ...rest]);
        if (buf.length < total) throw new DecodeError(`SDR record ${recId}: got ${buf.length} of ${total} bytes`);
        return buf.subarray(0, total);
      })();
    p.catch(() => undefined); // handled by allSettled below
    records.push(p);
    id = first.next;
  }
  // settle all before throwing so no promise is left unhandled
  const settled = await Promise.allSettled(records);
  await resv!.catch(() => undefined);
  const out: Buffer[] = [];
  for (const r of settled) {
    if (r.status === "rejected") throw r.reason;
    out.push(r.value);
  }
  return out;
}

/** An SDR record that could not be decoded: reported as an error on that record, the rest of the probe stands. */
export interface BadSdrRecord {
  kind: "bad";
  recordId: number | null;
  error: string;
}

export function parseSensorRecords(raw: Buffer[], bad: BadSdrRecord[] = []): SensorRecord[] {
  const out: SensorRecord[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    let rec: SensorRecord | null;
    try {
      rec = parseSdrRecord(r);
    } catch (e) {
      bad.push({ kind: "bad", recordId: r.length >= 2 ? r.readUInt16LE(0) : null, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (!rec) continue;
    const key = `${rec.ownerId}:${rec.ownerLun}:${rec.number}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(rec);
  }
  return out;
}

export interface SensorValue {
  name: string;
  number: number;
  sensorType: number;
  value: number | null;
  unit: string;
  status: SensorStatus;
  raw: number | null;
  /** discrete sensors: the asserted state offsets and their names */
  states?: Array<{ offset: number; name: string }>;
  /** the record or its reading could not be decoded */
  error?: string;
}

/** Get Sensor Reading for one record, converted. Sensors that are absent read as "ns". */
export async function readSensor(s: IpmiSession, rec: SensorRecord): Promise<SensorValue> {
  const base = { name: rec.name, number: rec.number, sensorType: rec.sensorType };
  // sent to the sensor owner's LUN: sensor 5 on LUN 1 is not sensor 5 on LUN 0
  const r = await s.request(0x04, 0x2d, Buffer.from([rec.number]), rec.ownerLun);
  if (r.cc !== 0) {
    if (r.cc === 0xcb || r.cc === 0xcd || r.cc === 0xcc || r.cc === 0xd5 || r.cc === 0xd3)
      return { ...base, value: null, unit: rec.kind === "full" ? sensorUnit(rec) : "discrete", status: "ns", raw: null };
    throw completionCodeError(r.cc, `Get Sensor Reading (${rec.name})`, s.target);
  }
  const rd = parseSensorReading(r.data);
  if (rec.kind === "full" && rec.eventType === 0x01 && rec.format !== "none") {
    const status = thresholdStatus(rd);
    const value = status === "ns" ? null : convertReading(rec, rd.raw);
    return { ...base, value, unit: sensorUnit(rec), status, raw: rd.raw };
  }
  if (rec.eventType === 0x01) {
    // threshold type without an analog reading (compact record, or format "none"): the status still counts
    return { ...base, value: null, unit: rec.kind === "full" ? sensorUnit(rec) : "discrete", status: thresholdStatus(rd), raw: rd.raw };
  }
  // discrete (generic, sensor-specific or OEM event/reading type): reported by the states asserted now
  if (!rd.scanningEnabled || rd.unavailable) return { ...base, value: null, unit: "discrete", status: "ns", raw: rd.raw, states: [] };
  const states = assertedStates(rec.sensorType, rec.eventType, rd.discreteBits);
  return { ...base, value: null, unit: "discrete", status: discreteStatus(rec.sensorType, rec.eventType, states), raw: rd.raw, states };
}

/**
 * Read SDR + every sensor (readings pipelined on the session). A record that
 * cannot be decoded, or a sensor whose reading is refused or undecodable,
 * becomes an entry with `error`; timeouts and session failures still fail.
 */
export async function readAllSensors(s: IpmiSession, opts: SdrReadOptions = {}): Promise<SensorValue[]> {
  const bad: BadSdrRecord[] = [];
  const recs = parseSensorRecords(await readSdrRepository(s, opts), bad);
  const read = await Promise.all(
    recs.map((r) =>
      readSensor(s, r).catch((e: unknown): SensorValue => {
        if (e instanceof IpmiError && (e.code === "protocol" || e.code === "decode"))
          return { name: r.name, number: r.number, sensorType: r.sensorType, value: null, unit: "", status: "ns", raw: null, error: e.message };
        throw e;
      }),
    ),
  );
  const broken: SensorValue[] = bad.map((b) => ({
    name: `SDR record ${b.recordId ?? "?"}`,
    number: -1,
    sensorType: 0,
    value: null,
    unit: "",
    status: "ns",
    raw: null,
    error: b.error,
  }));
  return [...read, ...broken];
}

// ------------------------------------------------------------------ SEL

export interface SelInfo {
  version: string;
  entries: number;
  freeBytes: number;
  lastAdd: number;
  lastErase: number;
}

export async function getSelInfo(s: IpmiSession): Promise<SelInfo> {
  const d = await s.command(0x0a, 0x40, undefined, "Get SEL Info");
  if (d.length < 14) throw new DecodeError(`Get SEL Info: ${d.length} bytes`);
  return {
    version: `${d[0] & 0xf}.${d[0] >> 4}`,
    entries: d.readUInt16LE(1),
    freeBytes: d.readUInt16LE(3),
    lastAdd: d.readUInt32LE(5),
    lastErase: d.readUInt32LE(9),
  };
}

export async function readSel(s: IpmiSession, maxEntries = 4096): Promise<SelRecord[]> {
  const info = await getSelInfo(s);
  if (info.entries === 0) return [];
  const out: SelRecord[] = [];
  let resv = 0;
  let id = 0;
  const seen = new Set<number>();
  while (id !== 0xffff && out.length < Math.min(maxEntries, info.entries + 16)) {
    if (seen.has(id)) throw new DecodeError(`SEL: record chain loops at id ${id}`);
    seen.add(id);
    let r = await s.request(0x0a, 0x43, Buffer.from([resv & 0xff, resv >> 8, id & 0xff, id >> 8, 0, 0xff]));
    if (r.cc === 0xc5 || (r.cc === 0xc7 && resv === 0)) {
      const d = await s.command(0x0a, 0x42, undefined, "Reserve SEL");
      resv = d.readUInt16LE(0);
      r = await s.request(0x0a, 0x43, Buffer.from([resv & 0xff, resv >> 8, id & 0xff, id >> 8, 0, 0xff]));
    }
    if (r.cc === 0xcb && id === 0) break; // empty
    if (r.cc !== 0) throw completionCodeError(r.cc, `Get SEL Entry ${id}`, s.target);
    if (r.data.length < 18) throw new DecodeError(`Get SEL Entry: ${r.data.length} bytes`);
    out.push(parseSelRecord(r.data.subarray(2, 18)));
    id = r.data.readUInt16LE(0);
  }
  return out;
}

// ------------------------------------------------------------------ FRU

export async function readFruImage(s: IpmiSession, device = 0, chunkSize = 32): Promise<Buffer> {
  const info = await s.command(0x0a, 0x10, Buffer.from([device]), "Get FRU Inventory Area Info");
  if (info.length < 3) throw new DecodeError("Get FRU Inventory Area Info: short reply");
  const size = Math.min(info.readUInt16LE(0), 8192);
  const wordAccess = (info[2] & 1) === 1;
  const unit = wordAccess ? 2 : 1;
  if (size === 0) return Buffer.alloc(0);
  let chunk = chunkSize;
  for (;;) {
    const reads: Promise<{ cc: number; data: Buffer; off: number; n: number }>[] = [];
    for (let off = 0; off < size; off += chunk) {
      const n = Math.min(chunk, size - off);
      const o = off / unit;
      reads.push(s.request(0x0a, 0x11, Buffer.from([device, o & 0xff, o >> 8, n / unit])).then((r) => ({ ...r, off, n })));
    }
    const res = await Promise.all(reads);
    const bad = res.find((r) => r.cc !== 0);
    if (bad) {
      if (chunk > 16 && SHORTER_READ_CC.has(bad.cc)) {
        chunk = 16;
        continue;
      }
      throw completionCodeError(bad.cc, `Read FRU Data (offset ${bad.off})`, s.target);
    }
    const img = Buffer.alloc(size);
    for (const r of res) {
      if (r.data.length < 1) throw new DecodeError("Read FRU Data: empty reply");
      const got = Math.min(r.data[0] * unit, r.data.length - 1, r.n);
      r.data.copy(img, r.off, 1, 1 + got);
    }
    return img;
  }
}

export async function readFru(s: IpmiSession, device = 0): Promise<FruInfo> {
  return parseFru(await readFruImage(s, device));
}

// ------------------------------------------------------------------ LAN configuration

export function formatMac(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** MAC address (LAN configuration parameter 5). Tries the current channel (0x0E) then channel 1. */
export async function getLanMac(s: IpmiSession, channels: number[] = [0x0e, 1]): Promise<string | null> {
  let last: IpmiError | null = null;
  for (const ch of channels) {
    const r = await s.request(0x0c, 0x02, Buffer.from([ch & 0x0f, 5, 0, 0]));
    if (r.cc === 0) {
      if (r.data.length < 7) throw new DecodeError(`Get LAN Config (MAC): ${r.data.length} bytes`);
      return formatMac(r.data.subarray(1, 7));
    }
    last = completionCodeError(r.cc, `Get LAN Configuration Parameters (channel ${ch}, MAC)`, s.target);
    if (r.cc === 0xd4) throw last;
  }
  if (last) throw last;
  return null;
}
