/**
 * EPC binary codec for the two schemes IronLedger reads and writes (GS1 EPC Tag Data Standard):
 *
 *   SGTIN-96  header 0x30 | filter 3 | partition 3 | company prefix + item reference 44 | serial 38
 *   GIAI-96   header 0x34 | filter 3 | partition 3 | company prefix + individual asset reference 82
 *
 * The partition value fixes how many bits (and digits) the GS1 company prefix takes; the rest of the
 * field is the item reference (SGTIN, with the GTIN's indicator digit in front) or the asset
 * reference (GIAI-96: an integer, no leading zeros). Our own asset tags are written as GIAI-96;
 * OEM tags usually carry SGTIN-96 (the product's GTIN plus a serial) and are bound to assets.
 * Written here rather than taken from a dependency: it is a page of BigInt arithmetic, tested
 * against vectors laid out bit by bit from the standard's tables (epc.test.ts).
 */

export type TEpcScheme = "sgtin-96" | "giai-96" | "unknown";

export interface TEpcDecoded {
  /** the EPC as 24 upper-case hex digits */
  epc: string;
  scheme: TEpcScheme;
  filter?: number;
  companyPrefix?: string;
  /** SGTIN: item reference with the indicator digit in front */
  itemReference?: string;
  /** SGTIN: GTIN-14 with its check digit */
  gtin?: string;
  /** SGTIN: serial (decimal) */
  serial?: string;
  /** GIAI: individual asset reference (decimal) */
  assetRef?: string;
  /** pure identity URI, e.g. urn:epc:id:sgtin:0614141.812345.6789 */
  uri?: string;
  /** why a 96-bit EPC of a known header did not decode */
  error?: string;
}

export const SGTIN96_HEADER = 0x30;
export const GIAI96_HEADER = 0x34;

/** [company prefix bits, company prefix digits, other field bits, other field digits] by partition value */
const SGTIN_PARTITIONS: [number, number, number, number][] = [
  [40, 12, 4, 1],
  [37, 11, 7, 2],
  [34, 10, 10, 3],
  [30, 9, 14, 4],
  [27, 8, 17, 5],
  [24, 7, 20, 6],
  [20, 6, 24, 7],
];
/** GIAI-96: the asset reference takes the remaining 82 − prefix bits; its digit limit is the TDS table's */
const GIAI_PARTITIONS: [number, number, number, number][] = [
  [40, 12, 42, 13],
  [37, 11, 45, 14],
  [34, 10, 48, 15],
  [30, 9, 52, 16],
  [27, 8, 55, 17],
  [24, 7, 58, 18],
  [20, 6, 62, 19],
];

const HEX24 = /^[0-9A-F]{24}$/;

/** Normalises an EPC as readers send it (hex with optional spaces, dashes or 0x; or base64 of 12 bytes). Null when it is neither. */
export function normaliseEpc(raw: string): string | null {
  const s = raw.trim();
  const hex = s.replace(/^0x/i, "").replace(/[\s:-]/g, "").toUpperCase();
  if (HEX24.test(hex)) return hex;
  if (/^[A-Za-z0-9+/]{16}$/.test(s)) {
    const b = Buffer.from(s, "base64");
    if (b.length === 12) return b.toString("hex").toUpperCase();
  }
  return null;
}

/** GS1 check digit (mod 10, weights 3 and 1 from the right) of a digit string without it. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

function bits(v: bigint, from: number, len: number): bigint {
  // `from` counts from the most significant bit of the 96
  return (v >> BigInt(96 - from - len)) & ((1n << BigInt(len)) - 1n);
}

export function decodeEpc(raw: string): TEpcDecoded {
  const epc = normaliseEpc(raw);
  if (!epc) return { epc: raw.trim().toUpperCase(), scheme: "unknown", error: "not a 96-bit EPC (24 hex digits)" };
  const v = BigInt(`0x${epc}`);
  const header = Number(bits(v, 0, 8));
  const filter = Number(bits(v, 8, 3));
  const partition = Number(bits(v, 11, 3));
  if (header === SGTIN96_HEADER) {
    const p = SGTIN_PARTITIONS[partition];
    if (!p) return { epc, scheme: "unknown", error: `SGTIN-96 partition ${partition} is not defined` };
    const [cpBits, cpDigits, irBits, irDigits] = p;
    const cp = bits(v, 14, cpBits);
    const ir = bits(v, 14 + cpBits, irBits);
    const serial = bits(v, 58, 38);
    if (cp >= 10n ** BigInt(cpDigits) || ir >= 10n ** BigInt(irDigits)) return { epc, scheme: "unknown", error: "SGTIN-96 field out of range for its partition" };
    const companyPrefix = cp.toString().padStart(cpDigits, "0");
    const itemReference = ir.toString().padStart(irDigits, "0");
    const body = itemReference[0] + companyPrefix + itemReference.slice(1);
    const gtin = body + gs1CheckDigit(body);
    return { epc, scheme: "sgtin-96", filter, companyPrefix, itemReference, gtin, serial: serial.toString(), uri: `urn:epc:id:sgtin:${companyPrefix}.${itemReference}.${serial}` };
  }
  if (header === GIAI96_HEADER) {
    const p = GIAI_PARTITIONS[partition];
    if (!p) return { epc, scheme: "unknown", error: `GIAI-96 partition ${partition} is not defined` };
    const [cpBits, cpDigits, arBits] = p;
    const cp = bits(v, 14, cpBits);
    const ar = bits(v, 14 + cpBits, arBits);
    if (cp >= 10n ** BigInt(cpDigits)) return { epc, scheme: "unknown", error: "GIAI-96 company prefix out of range for its partition" };
    const companyPrefix = cp.toString().padStart(cpDigits, "0");
    return { epc, scheme: "giai-96", filter, companyPrefix, assetRef: ar.toString(), uri: `urn:epc:id:giai:${companyPrefix}.${ar}` };
  }
  return { epc, scheme: "unknown" };
}

function assemble(fields: [bigint, number][]): string {
  let v = 0n;
  let n = 0;
  for (const [x, len] of fields) {
    if (x < 0n || x >= 1n << BigInt(len)) throw new Error(`value ${x} does not fit in ${len} bits`);
    v = (v << BigInt(len)) | x;
    n += len;
  }
  if (n !== 96) throw new Error(`fields add up to ${n} bits, not 96`);
  return v.toString(16).toUpperCase().padStart(24, "0");
}

function partitionFor(table: [number, number, number, number][], companyPrefix: string): number {
  if (!/^\d{6,12}$/.test(companyPrefix)) throw new Error("a GS1 company prefix is 6 to 12 digits");
  return table.findIndex((p) => p[1] === companyPrefix.length);
}

/** SGTIN-96 from a GTIN-14 (or GTIN-13/12/8, padded), the company prefix length and a serial (integer < 2^38). */
export function encodeSgtin96(opts: { gtin: string; companyPrefixLength: number; serial: string | number | bigint; filter?: number }): string {
  const gtin = opts.gtin.padStart(14, "0");
  if (!/^\d{14}$/.test(gtin)) throw new Error("a GTIN is up to 14 digits");
  if (gs1CheckDigit(gtin.slice(0, 13)) !== Number(gtin[13])) throw new Error(`GTIN ${gtin} has a wrong check digit`);
  const cp = gtin.slice(1, 1 + opts.companyPrefixLength);
  const p = partitionFor(SGTIN_PARTITIONS, cp);
  const [cpBits, , irBits] = SGTIN_PARTITIONS[p]!;
  const ir = gtin[0] + gtin.slice(1 + opts.companyPrefixLength, 13);
  const serial = BigInt(String(opts.serial));
  if (!/^(0|[1-9]\d*)$/.test(String(opts.serial))) throw new Error("an SGTIN-96 serial is a whole number without leading zeros");
  return assemble([[BigInt(SGTIN96_HEADER), 8], [BigInt(opts.filter ?? 1), 3], [BigInt(p), 3], [BigInt(cp), cpBits], [BigInt(ir), irBits], [serial, 38]]);
}

/** GIAI-96 from a company prefix and an individual asset reference (digits, no leading zeros). */
export function encodeGiai96(opts: { companyPrefix: string; assetRef: string; filter?: number }): string {
  const p = partitionFor(GIAI_PARTITIONS, opts.companyPrefix);
  const [cpBits, , arBits, arDigits] = GIAI_PARTITIONS[p]!;
  if (!/^(0|[1-9]\d*)$/.test(opts.assetRef) || opts.assetRef.length > arDigits) {
    throw new Error(`a GIAI-96 asset reference with a ${opts.companyPrefix.length}-digit company prefix is a whole number of at most ${arDigits} digits without leading zeros`);
  }
  return assemble([[BigInt(GIAI96_HEADER), 8], [BigInt(opts.filter ?? 0), 3], [BigInt(p), 3], [BigInt(opts.companyPrefix), cpBits], [BigInt(opts.assetRef), arBits]]);
}
