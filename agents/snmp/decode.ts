/**
 * LLDP-MIB values to the LLDP view (server/contracts/lldp.ts): ID subtypes decoded to readable text
 * (MACs lower-case colon-separated, network addresses as IPv4/IPv6 text), remote rows joined to local
 * ports on lldpLocPortNum, and local ports joined to IF-MIB ifName by what the switch put in the port ID
 * (interface name, alias, local number or MAC) or the port description — never by assuming that
 * lldpLocPortNum is the ifIndex.
 */
import type { TLldpIdSubtype, TLldpLocalPort, TLldpNeighbor, TLldpView } from "../../server/contracts/lldp";

const CHASSIS_SUBTYPES: Record<number, TLldpIdSubtype> = { 1: "component", 2: "ifalias", 3: "portcomponent", 4: "mac", 5: "network", 6: "ifname", 7: "local" };
const PORT_SUBTYPES: Record<number, TLldpIdSubtype> = { 1: "ifalias", 2: "component", 3: "mac", 4: "network", 5: "ifname", 6: "circuit", 7: "local" };

export function chassisSubtype(n: number): TLldpIdSubtype {
  return CHASSIS_SUBTYPES[n] ?? "unknown";
}
export function portSubtype(n: number): TLldpIdSubtype {
  return PORT_SUBTYPES[n] ?? "unknown";
}

export function hexColon(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** A MAC as "aa:bb:cc:dd:ee:ff" from 6 bytes, or from text some agents send ("AA-BB-…", "aabb.ccdd.eeff"). */
export function macText(b: Buffer): string {
  if (b.length === 6) return hexColon(b);
  const digits = b.toString("latin1").replace(/[^0-9a-fA-F]/g, "");
  if (digits.length === 12 && /^[0-9a-fA-F:.\- ]+$/.test(b.toString("latin1"))) return digits.toLowerCase().match(/../g)!.join(":");
  return hexColon(b);
}

function printable(b: Buffer): string | null {
  const s = b.toString("utf8");
  // trailing NULs are common padding
  const t = s.replace(/\0+$/, "");
  if (/^[\x20-\x7e\u00a0-\uffff]*$/.test(t) && !t.includes("\ufffd")) return t;
  return null;
}

/** LLDP network address: one byte of IANA address family (1 IPv4, 2 IPv6), then the address. */
export function networkText(b: Buffer): string {
  if (b.length === 5 && b[0] === 1) return [...b.subarray(1)].join(".");
  if (b.length === 17 && b[0] === 2) {
    const words: string[] = [];
    for (let i = 1; i < 17; i += 2) words.push(b.readUInt16BE(i).toString(16));
    return words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::").replace(/:{3,}/, "::");
  }
  if (b.length === 4) return [...b].join(".");
  return printable(b) ?? hexColon(b);
}

/** An LLDP chassis or port ID as text, by its (named) subtype. */
export function decodeLldpId(subtype: TLldpIdSubtype, b: Buffer): string {
  if (subtype === "mac") return macText(b);
  if (subtype === "network") return networkText(b);
  const text = printable(b);
  if (text !== null) return text;
  return hexColon(b);
}

/** One LLDP-MIB walk, as raw as net-snmp returns it (OctetStrings as Buffers). */
export interface RawLldp {
  locChassisIdSubtype: number;
  locChassisId: Buffer;
  locSysName: Buffer;
  /** lldpLocPortNum → columns 2 subtype, 3 id, 4 desc */
  locPorts: Map<number, { subtype?: number; id?: Buffer; desc?: Buffer }>;
  /** "timeMark.localPortNum.remIndex" → columns 4..9 */
  rem: Map<string, { localPortNum: number; remIndex: number; cols: Map<number, number | Buffer> }>;
  /** ifIndex → IF-MIB ifName / ifAlias / ifDescr / ifPhysAddress */
  ifName: Map<number, string>;
  ifAlias: Map<number, string>;
  ifDescr: Map<number, string>;
  ifPhys: Map<number, string>;
}

export function emptyRaw(): RawLldp {
  return {
    locChassisIdSubtype: 0,
    locChassisId: Buffer.alloc(0),
    locSysName: Buffer.alloc(0),
    locPorts: new Map(),
    rem: new Map(),
    ifName: new Map(),
    ifAlias: new Map(),
    ifDescr: new Map(),
    ifPhys: new Map(),
  };
}

function str(v: Buffer | undefined): string {
  return v === undefined ? "" : (printable(v) ?? hexColon(v));
}

/** The ifName of a local port, found by what the switch says about the port (never by portNum = ifIndex). */
function joinIfName(raw: RawLldp, subtype: TLldpIdSubtype, portId: string, portDesc: string): string {
  const byValue = (m: Map<number, string>, v: string) => {
    if (v === "") return undefined;
    for (const [ix, text] of m) if (text === v) return ix;
    return undefined;
  };
  let ix: number | undefined;
  if (subtype === "mac") ix = byValue(raw.ifPhys, portId);
  else if (subtype === "ifname" || subtype === "ifalias" || subtype === "local" || subtype === "component" || subtype === "unknown")
    ix = byValue(raw.ifName, portId) ?? byValue(raw.ifAlias, portId) ?? byValue(raw.ifDescr, portId);
  ix ??= byValue(raw.ifName, portDesc) ?? byValue(raw.ifAlias, portDesc) ?? byValue(raw.ifDescr, portDesc);
  // a "local" port ID that is a number is, on the switches that use it so, the ifIndex
  if (ix === undefined && subtype === "local" && /^\d+$/.test(portId) && raw.ifName.has(Number(portId))) ix = Number(portId);
  return ix === undefined ? "" : (raw.ifName.get(ix) ?? "");
}

export function buildLldpView(raw: RawLldp): TLldpView {
  const localPorts: TLldpLocalPort[] = [...raw.locPorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([portNum, c]) => {
      const st = portSubtype(c.subtype ?? 0);
      const portId = c.id === undefined ? "" : decodeLldpId(st, c.id);
      const portDesc = str(c.desc);
      return { portNum, portId, portIdSubtype: st, portDesc, ifName: joinIfName(raw, st, portId, portDesc) };
    });
  const byNum = new Map(localPorts.map((p) => [p.portNum, p]));
  const rows = [...raw.rem.values()].sort((a, b) => a.localPortNum - b.localPortNum || a.remIndex - b.remIndex);
  const neighbors: TLldpNeighbor[] = rows.map((r) => {
    const num = (c: number) => (typeof r.cols.get(c) === "number" ? (r.cols.get(c) as number) : 0);
    const buf = (c: number) => {
      const v = r.cols.get(c);
      return Buffer.isBuffer(v) ? v : Buffer.alloc(0);
    };
    const cst = chassisSubtype(num(4));
    const pst = portSubtype(num(6));
    const local = byNum.get(r.localPortNum);
    return {
      localPortNum: r.localPortNum,
      localPortId: local ? local.ifName || local.portId : "",
      chassisId: decodeLldpId(cst, buf(5)),
      chassisIdSubtype: cst,
      portId: decodeLldpId(pst, buf(7)),
      portIdSubtype: pst,
      portDesc: str(buf(8)),
      sysName: str(buf(9)),
    };
  });
  const cst = chassisSubtype(raw.locChassisIdSubtype);
  return { sysName: str(raw.locSysName), chassisId: decodeLldpId(cst, raw.locChassisId), localPorts, neighbors };
}
