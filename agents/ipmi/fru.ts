/**
 * FRU inventory parsing (IPMI Platform Management FRU Information Storage
 * Definition v1.0): common header, chassis, board and product info areas,
 * type/length fields in binary, BCD+, 6-bit ASCII and 8-bit encodings.
 */
import { DecodeError } from "./errors";

export interface FruFieldValue {
  type: "binary" | "bcd" | "6bit" | "8bit";
  value: string;
  /** offset of the next field */
  next: number;
  /** true for the C1 end-of-fields marker */
  end: boolean;
}

const BCD = "0123456789 -.???";

/** Decode one type/length field at `off`. Throws DecodeError if it runs past the buffer. */
export function decodeTypeLength(b: Uint8Array, off: number): FruFieldValue {
  if (off >= b.length) throw new DecodeError(`FRU field at ${off} beyond end (${b.length})`);
  const tl = b[off];
  if (tl === 0xc1) return { type: "8bit", value: "", next: off + 1, end: true };
  const type = tl >> 6;
  const len = tl & 0x3f;
  const start = off + 1;
  if (start + len > b.length) throw new DecodeError(`FRU field at ${off} needs ${len} bytes, ${b.length - start} left`);
  const d = b.subarray(start, start + len);
  let value: string;
  let t: FruFieldValue["type"];
  if (type === 0) {
    t = "binary";
    value = Buffer.from(d).toString("hex");
  } else if (type === 1) {
    t = "bcd";
    value = "";
    for (const x of d) value += BCD[x >> 4] + BCD[x & 0x0f];
    value = value.trimEnd();
  } else if (type === 2) {
    t = "6bit";
    value = decode6bitAscii(d).trimEnd();
  } else {
    t = "8bit";
    value = Buffer.from(d).toString("latin1").replace(/\0+$/, "");
  }
  return { type: t, value, next: start + len, end: false };
}

/** Packed 6-bit ASCII: 4 characters in 3 bytes, little-endian bit stream, char = value + 0x20. */
export function decode6bitAscii(d: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const x of d) {
    acc |= x << bits;
    bits += 8;
    while (bits >= 6) {
      out += String.fromCharCode((acc & 0x3f) + 0x20);
      acc >>= 6;
      bits -= 6;
    }
  }
  return out;
}

export interface FruChassis {
  type: number;
  partNumber: string | null;
  serial: string | null;
  custom: string[];
}
export interface FruBoard {
  mfgDate: string | null; // ISO 8601 UTC
  manufacturer: string | null;
  productName: string | null;
  serial: string | null;
  partNumber: string | null;
  fileId: string | null;
  custom: string[];
}
export interface FruProduct {
  manufacturer: string | null;
  name: string | null;
  partNumber: string | null;
  version: string | null;
  serial: string | null;
  assetTag: string | null;
  fileId: string | null;
  custom: string[];
}
export interface FruInfo {
  chassis: FruChassis | null;
  board: FruBoard | null;
  product: FruProduct | null;
}

function sum(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s = (s + b[i]) & 0xff;
  return s;
}

function area(b: Uint8Array, off: number, what: string): Uint8Array {
  if (off + 2 > b.length) throw new DecodeError(`FRU ${what} area at ${off} is beyond the image (${b.length})`);
  if ((b[off] & 0x0f) !== 1) throw new DecodeError(`FRU ${what} area: format version ${b[off]}`);
  const len = b[off + 1] * 8;
  if (len < 2 || off + len > b.length) throw new DecodeError(`FRU ${what} area: length ${len} at ${off} exceeds image`);
  if (sum(b, off, off + len) !== 0) throw new DecodeError(`FRU ${what} area: checksum mismatch`);
  return b.subarray(off, off + len);
}

function fields(a: Uint8Array, start: number, count: number): { fixed: (string | null)[]; custom: string[] } {
  const fixed: (string | null)[] = [];
  const custom: string[] = [];
  let off = start;
  for (let i = 0; i < count; i++) {
    if (off >= a.length) {
      fixed.push(null);
      continue;
    }
    const f = decodeTypeLength(a, off);
    if (f.end) {
      while (fixed.length < count) fixed.push(null);
      return { fixed, custom };
    }
    fixed.push(f.value === "" ? null : f.value);
    off = f.next;
  }
  for (let guard = 0; off < a.length && guard < 64; guard++) {
    const f = decodeTypeLength(a, off);
    if (f.end) break;
    custom.push(f.value);
    off = f.next;
  }
  return { fixed, custom };
}

const FRU_EPOCH = Date.UTC(1996, 0, 1);

/** Parse a whole FRU image. Throws DecodeError on malformed data. */
export function parseFru(img: Uint8Array): FruInfo {
  if (img.length < 8) throw new DecodeError("FRU image shorter than the common header");
  if ((img[0] & 0x0f) !== 1) throw new DecodeError(`FRU common header: format version ${img[0]}`);
  if (sum(img, 0, 8) !== 0) throw new DecodeError("FRU common header: checksum mismatch");
  const info: FruInfo = { chassis: null, board: null, product: null };
  if (img[2]) {
    const a = area(img, img[2] * 8, "chassis");
    const f = fields(a, 3, 2);
    info.chassis = { type: a[2], partNumber: f.fixed[0], serial: f.fixed[1], custom: f.custom };
  }
  if (img[3]) {
    const a = area(img, img[3] * 8, "board");
    if (a.length < 6) throw new DecodeError("FRU board area too short");
    const mins = a[3] | (a[4] << 8) | (a[5] << 16);
    const f = fields(a, 6, 5);
    info.board = {
      mfgDate: mins ? new Date(FRU_EPOCH + mins * 60000).toISOString() : null,
      manufacturer: f.fixed[0],
      productName: f.fixed[1],
      serial: f.fixed[2],
      partNumber: f.fixed[3],
      fileId: f.fixed[4],
      custom: f.custom,
    };
  }
  if (img[4]) {
    const a = area(img, img[4] * 8, "product");
    const f = fields(a, 3, 7);
    info.product = {
      manufacturer: f.fixed[0],
      name: f.fixed[1],
      partNumber: f.fixed[2],
      version: f.fixed[3],
      serial: f.fixed[4],
      assetTag: f.fixed[5],
      fileId: f.fixed[6],
      custom: f.custom,
    };
  }
  return info;
}

/** Total image length implied by the header and areas (to stop reading early). */
export function fruUsedLength(header: Uint8Array, areaLengths: Map<number, number>): number {
  let end = 8;
  for (let i = 1; i <= 4; i++) {
    const off = header[i] * 8;
    if (!header[i]) continue;
    end = Math.max(end, off + (areaLengths.get(off) ?? 0));
  }
  return end;
}
