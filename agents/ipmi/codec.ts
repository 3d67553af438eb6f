/**
 * RMCP / RMCP+ packet codec (IPMI v2.0, cipher suites 3 and 0).
 * Pure functions. Decoders return a value or throw DecodeError, nothing else.
 * Byte layouts follow the IPMI v2.0 specification (rev. 1.1, §13: RMCP+), verified against ipmi_sim and ipmitool.
 */
import { createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual, type Cipher, type Decipher } from "node:crypto";
import { DecodeError } from "./errors";

export const RMCP_CLASS_ASF = 0x06;
export const RMCP_CLASS_IPMI = 0x07;
export const ASF_IANA = 4542;

export const PAYLOAD_IPMI = 0x00;
export const PAYLOAD_OPEN_SESSION_REQ = 0x10;
export const PAYLOAD_OPEN_SESSION_RSP = 0x11;
export const PAYLOAD_RAKP1 = 0x12;
export const PAYLOAD_RAKP2 = 0x13;
export const PAYLOAD_RAKP3 = 0x14;
export const PAYLOAD_RAKP4 = 0x15;

export const AUTHTYPE_RMCPP = 0x06;

/** Keys of an established cipher-suite-3 session; null for cipher suite 0. */
export interface SessionKeys {
  k1: Buffer; // integrity key (HMAC-SHA1-96)
  aesKey: Buffer; // K2[0..16)
  /** cached AES-128-ECB block ciphers for this key (CBC is chained by hand: no cipher object per packet) */
  ecbEnc?: Cipher;
  ecbDec?: Decipher;
}

// Random IVs come from a pooled CSPRNG buffer: one getrandom per 256 packets instead of one per packet.
const IV_POOL = Buffer.allocUnsafe(4096);
let ivPos = IV_POOL.length;
export function nextIv(out: Buffer = Buffer.allocUnsafe(16)): Buffer {
  if (ivPos + 16 > IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivPos = 0;
  }
  IV_POOL.copy(out, 0, ivPos, ivPos + 16);
  ivPos += 16;
  return out;
}

function ecbEnc(keys: SessionKeys): Cipher {
  if (!keys.ecbEnc) {
    keys.ecbEnc = createCipheriv("aes-128-ecb", keys.aesKey, null);
    keys.ecbEnc.setAutoPadding(false);
  }
  return keys.ecbEnc;
}
function ecbDec(keys: SessionKeys): Decipher {
  if (!keys.ecbDec) {
    keys.ecbDec = createDecipheriv("aes-128-ecb", keys.aesKey, null);
    keys.ecbDec.setAutoPadding(false);
  }
  return keys.ecbDec;
}

/** AES-128-CBC encrypt (already padded, multiple of 16) into out[off..] using a cached ECB cipher. */
function cbcEncryptInto(keys: SessionKeys, iv: Buffer, plain: Buffer, out: Buffer, off: number): void {
  const enc = ecbEnc(keys);
  const blk = Buffer.allocUnsafe(16);
  let prevOff = -1;
  for (let i = 0; i < plain.length; i += 16) {
    for (let j = 0; j < 16; j++) blk[j] = plain[i + j] ^ (prevOff < 0 ? iv[j] : out[prevOff + j]);
    const c = enc.update(blk);
    c.copy(out, off + i);
    prevOff = off + i;
  }
}

function cbcDecrypt(keys: SessionKeys, iv: Buffer, ct: Buffer): Buffer {
  const dec = ecbDec(keys);
  const plain = dec.update(ct);
  if (plain.length !== ct.length) throw new DecodeError("AES: block cipher returned a short block");
  for (let j = 0; j < 16; j++) plain[j] ^= iv[j];
  for (let i = 16; i < plain.length; i++) plain[i] ^= ct[i - 16];
  return plain;
}

export function need(buf: Buffer, len: number, what: string): void {
  if (buf.length < len) throw new DecodeError(`${what}: need ${len} bytes, got ${buf.length}`);
}

// ---------------------------------------------------------------- ASF ping

export function buildAsfPing(tag: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x06;
  b[1] = 0x00;
  b[2] = 0xff;
  b[3] = RMCP_CLASS_ASF;
  b.writeUInt32BE(ASF_IANA, 4);
  b[8] = 0x80; // presence ping
  b[9] = tag & 0xff;
  b[10] = 0;
  b[11] = 0;
  return b;
}

export interface AsfPong {
  tag: number;
  ipmiSupported: boolean;
  iana: number;
}

export function parseAsfPong(b: Buffer): AsfPong {
  need(b, 12, "ASF");
  if (b[0] !== 0x06 || b[3] !== RMCP_CLASS_ASF) throw new DecodeError("not an ASF RMCP packet");
  if (b.readUInt32BE(4) !== ASF_IANA) throw new DecodeError("ASF: bad IANA");
  if (b[8] !== 0x40) throw new DecodeError(`ASF: message type 0x${b[8].toString(16)} is not a pong`);
  const len = b[11];
  need(b, 12 + len, "ASF pong");
  if (len < 16) throw new DecodeError("ASF pong: data too short");
  return { tag: b[9], iana: b.readUInt32BE(12), ipmiSupported: (b[20] & 0x80) !== 0 };
}

// ---------------------------------------------------------------- IPMI message

export interface IpmiRequestMsg {
  rsAddr: number;
  netFn: number;
  lun: number;
  rqAddr: number;
  rqSeq: number;
  cmd: number;
  data: Uint8Array;
}

export function checksum(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s = (s + b[i]) & 0xff;
  return (0x100 - s) & 0xff;
}

export function buildIpmiRequest(netFn: number, cmd: number, rqSeq: number, data: Uint8Array, rsAddr = 0x20, rqAddr = 0x81, lun = 0): Buffer {
  const b = Buffer.allocUnsafe(7 + data.length);
  b[0] = rsAddr;
  b[1] = ((netFn & 0x3f) << 2) | (lun & 3);
  b[2] = checksum(b, 0, 2);
  b[3] = rqAddr;
  b[4] = ((rqSeq & 0x3f) << 2) | 0;
  b[5] = cmd;
  b.set(data, 6);
  b[6 + data.length] = checksum(b, 3, 6 + data.length);
  return b;
}

export interface IpmiResponseMsg {
  rqAddr: number;
  netFn: number;
  rsAddr: number;
  rqSeq: number;
  cmd: number;
  cc: number;
  data: Buffer;
}

export function parseIpmiResponse(b: Buffer): IpmiResponseMsg {
  need(b, 8, "IPMI response");
  if (checksum(b, 0, 2) !== b[2]) throw new DecodeError("IPMI response: header checksum mismatch");
  if (checksum(b, 3, b.length - 1) !== b[b.length - 1]) throw new DecodeError("IPMI response: data checksum mismatch");
  const netFn = b[1] >> 2;
  if ((netFn & 1) !== 1) throw new DecodeError("IPMI response: netFn is not a response");
  return {
    rqAddr: b[0],
    netFn,
    rsAddr: b[3],
    rqSeq: b[4] >> 2,
    cmd: b[5],
    cc: b[6],
    data: b.subarray(7, b.length - 1),
  };
}

// ---------------------------------------------------------------- IPMI v1.5 session-less

/** Session-less IPMI v1.5 packet (authType none, session 0): used for Get Channel Auth Capabilities. */
export function buildV15Packet(msg: Buffer): Buffer {
  const b = Buffer.alloc(4 + 10 + msg.length);
  b[0] = 0x06;
  b[1] = 0x00;
  b[2] = 0xff;
  b[3] = RMCP_CLASS_IPMI;
  // authType 0, seq 0, session id 0
  b[13] = msg.length;
  msg.copy(b, 14);
  return b;
}

// ---------------------------------------------------------------- RMCP+ (v2.0)

export interface RawV20 {
  payloadType: number;
  encrypted: boolean;
  authenticated: boolean;
  sessionId: number;
  seq: number;
  /** payload bytes as on the wire (still encrypted if `encrypted`) */
  payload: Buffer;
  /** whole packet, for integrity checking */
  packet: Buffer;
  /** offset of the end of the payload in `packet` */
  payloadEnd: number;
}

export type ParsedPacket =
  | { kind: "asf"; pong: AsfPong }
  | { kind: "v15"; authType: number; seq: number; sessionId: number; msg: Buffer }
  | { kind: "v20"; raw: RawV20 };

/** Parse the outer framing of any datagram we may receive. Throws DecodeError only. */
export function parsePacket(b: Buffer): ParsedPacket {
  need(b, 4, "RMCP");
  if (b[0] !== 0x06) throw new DecodeError(`RMCP: bad version 0x${b[0].toString(16)}`);
  const cls = b[3] & 0x1f;
  if (cls === RMCP_CLASS_ASF) return { kind: "asf", pong: parseAsfPong(b) };
  if (cls !== RMCP_CLASS_IPMI) throw new DecodeError(`RMCP: unknown class 0x${cls.toString(16)}`);
  need(b, 5, "IPMI session header");
  const authType = b[4];
  if (authType === AUTHTYPE_RMCPP) {
    need(b, 16, "RMCP+ header");
    const ptype = b[5];
    const len = b.readUInt16LE(14);
    const end = 16 + len;
    need(b, end, "RMCP+ payload");
    return {
      kind: "v20",
      raw: {
        payloadType: ptype & 0x3f,
        encrypted: (ptype & 0x80) !== 0,
        authenticated: (ptype & 0x40) !== 0,
        sessionId: b.readUInt32LE(6),
        seq: b.readUInt32LE(10),
        payload: b.subarray(16, end),
        packet: b,
        payloadEnd: end,
      },
    };
  }
  if (authType > 0x05) throw new DecodeError(`IPMI: unknown auth type 0x${authType.toString(16)}`);
  need(b, 14, "IPMI v1.5 header");
  const seq = b.readUInt32LE(5);
  const sessionId = b.readUInt32LE(9);
  let off = 13;
  if (authType !== 0) off += 16;
  need(b, off + 1, "IPMI v1.5 header");
  const len = b[off];
  need(b, off + 1 + len, "IPMI v1.5 message");
  return { kind: "v15", authType, seq, sessionId, msg: b.subarray(off + 1, off + 1 + len) };
}

/** Confidentiality padding: msg | 01 02 .. N | N with N = 15 - (len mod 16). */
export function confPad(msg: Uint8Array): Buffer {
  const n = 15 - (msg.length % 16);
  const out = Buffer.allocUnsafe(msg.length + n + 1);
  out.set(msg, 0);
  for (let i = 1; i <= n; i++) out[msg.length + i - 1] = i;
  out[msg.length + n] = n;
  return out;
}

/** Remove confidentiality padding; throws DecodeError if the pad length is impossible. */
export function confUnpad(plain: Buffer): Buffer {
  need(plain, 1, "confidentiality trailer");
  const n = plain[plain.length - 1];
  if (n + 1 > plain.length) throw new DecodeError("confidentiality pad length larger than payload");
  return plain.subarray(0, plain.length - n - 1);
}

export function encryptPayload(aesKey: Buffer, msg: Uint8Array, iv: Buffer): Buffer {
  const c = createCipheriv("aes-128-cbc", aesKey, iv);
  c.setAutoPadding(false);
  const ct = c.update(confPad(msg));
  const fin = c.final();
  return fin.length ? Buffer.concat([iv, ct, fin]) : Buffer.concat([iv, ct]);
}

export function decryptPayload(aesKey: Buffer, payload: Buffer): Buffer {
  if (payload.length < 32 || payload.length % 16 !== 0) throw new DecodeError(`encrypted payload length ${payload.length} is not IV + n*16`);
  const d = createDecipheriv("aes-128-cbc", aesKey, payload.subarray(0, 16));
  d.setAutoPadding(false);
  const p1 = d.update(payload.subarray(16));
  const p2 = d.final();
  return confUnpad(p2.length ? Buffer.concat([p1, p2]) : p1);
}

function hmac(key: Buffer, ...parts: Uint8Array[]): Buffer {
  const h = createHmac("sha1", key);
  for (const p of parts) h.update(p);
  return h.digest();
}
export { hmac as hmacSha1 };

/**
 * Build an RMCP+ packet. With keys: payload encrypted + integrity trailer (cipher 3).
 * Without keys: plain payload, no trailer (handshake or cipher 0).
 */
export function buildV20Packet(payloadType: number, sessionId: number, seq: number, payload: Uint8Array, keys: SessionKeys | null, iv?: Buffer): Buffer {
  if (!keys) {
    const b = Buffer.allocUnsafe(16 + payload.length);
    b[0] = 0x06;
    b[1] = 0x00;
    b[2] = 0xff;
    b[3] = RMCP_CLASS_IPMI;
    b[4] = AUTHTYPE_RMCPP;
    b[5] = payloadType & 0x3f;
    b.writeUInt32LE(sessionId >>> 0, 6);
    b.writeUInt32LE(seq >>> 0, 10);
    b.writeUInt16LE(payload.length, 14);
    b.set(payload, 16);
    return b;
  }
  const ivb = iv ?? nextIv();
  const padded = confPad(payload);
  const encLen = 16 + padded.length;
  const pad = (4 - ((12 + encLen + 2) % 4)) % 4;
  const total = 16 + encLen + pad + 2 + 12;
  const b = Buffer.allocUnsafe(total);
  b[0] = 0x06;
  b[1] = 0x00;
  b[2] = 0xff;
  b[3] = RMCP_CLASS_IPMI;
  b[4] = AUTHTYPE_RMCPP;
  b[5] = 0xc0 | (payloadType & 0x3f);
  b.writeUInt32LE(sessionId >>> 0, 6);
  b.writeUInt32LE(seq >>> 0, 10);
  b.writeUInt16LE(encLen, 14);
  ivb.copy(b, 16);
  cbcEncryptInto(keys, ivb, padded, b, 32);
  let o = 16 + encLen;
  for (let i = 0; i < pad; i++) b[o++] = 0xff;
  b[o++] = pad;
  b[o++] = 0x07;
  const mac = hmac(keys.k1, b.subarray(4, o));
  mac.copy(b, o, 0, 12);
  return b;
}

/** Check the HMAC-SHA1-96 trailer of an authenticated packet. Returns false on mismatch (caller drops it). */
export function verifyIntegrity(k1: Buffer, raw: RawV20): boolean {
  const p = raw.packet;
  // trailer: pad(P) P 07 authcode(12); P from the payload length
  const padLen = (4 - ((12 + raw.payload.length + 2) % 4)) % 4;
  const end = raw.payloadEnd + padLen + 2;
  if (p.length !== end + 12) return false;
  if (p[end - 1] !== 0x07 || p[end - 2] !== padLen) return false;
  const mac = hmac(k1, p.subarray(4, end)).subarray(0, 12);
  return timingSafeEqual(mac, p.subarray(end, end + 12));
}

// ---------------------------------------------------------------- Open Session / RAKP

export interface OpenSessionRequest {
  tag: number;
  privilege: number; // 1..4
  consoleSessionId: number; // SIDm
  cipherSuite: 0 | 3;
}

export function buildOpenSessionRequest(r: OpenSessionRequest): Buffer {
  const b = Buffer.alloc(32);
  b[0] = r.tag;
  b[1] = r.privilege & 0x0f;
  b.writeUInt32LE(r.consoleSessionId >>> 0, 4);
  const [a, i, c] = r.cipherSuite === 3 ? [1, 1, 1] : [0, 0, 0];
  b.set([0x00, 0, 0, 0x08, a, 0, 0, 0], 8);
  b.set([0x01, 0, 0, 0x08, i, 0, 0, 0], 16);
  b.set([0x02, 0, 0, 0x08, c, 0, 0, 0], 24);
  return b;
}

export interface OpenSessionResponse {
  tag: number;
  status: number;
  privilege: number;
  consoleSessionId: number;
  bmcSessionId: number;
  authAlg: number;
  integrityAlg: number;
  confAlg: number;
}

export function parseOpenSessionResponse(b: Buffer): OpenSessionResponse {
  need(b, 2, "Open Session response");
  const tag = b[0];
  const status = b[1];
  if (status !== 0) {
    return { tag, status, privilege: b.length > 2 ? b[2] : 0, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0, bmcSessionId: 0, authAlg: -1, integrityAlg: -1, confAlg: -1 };
  }
  need(b, 36, "Open Session response");
  return {
    tag,
    status,
    privilege: b[2] & 0x0f,
    consoleSessionId: b.readUInt32LE(4),
    bmcSessionId: b.readUInt32LE(8),
    authAlg: b[16] & 0x3f,
    integrityAlg: b[24] & 0x3f,
    confAlg: b[32] & 0x3f,
  };
}

export function buildRakp1(tag: number, bmcSessionId: number, rm: Buffer, role: number, username: Buffer): Buffer {
  if (username.length > 16) throw new Error("username longer than 16 bytes");
  const b = Buffer.alloc(28 + username.length);
  b[0] = tag;
  b.writeUInt32LE(bmcSessionId >>> 0, 4);
  rm.copy(b, 8, 0, 16);
  b[24] = role;
  b[27] = username.length;
  username.copy(b, 28);
  return b;
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSessionId: number;
  rc: Buffer;
  guid: Buffer;
  authCode: Buffer;
}

export function parseRakp2(b: Buffer, authCodeLen: number): Rakp2 {
  need(b, 2, "RAKP2");
  const tag = b[0];
  const status = b[1];
  if (status !== 0) return { tag, status, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0, rc: Buffer.alloc(0), guid: Buffer.alloc(0), authCode: Buffer.alloc(0) };
  need(b, 40 + authCodeLen, "RAKP2");
  return {
    tag,
    status,
    consoleSessionId: b.readUInt32LE(4),
    rc: Buffer.from(b.subarray(8, 24)),
    guid: Buffer.from(b.subarray(24, 40)),
    authCode: Buffer.from(b.subarray(40, 40 + authCodeLen)),
  };
}

export function buildRakp3(tag: number, status: number, bmcSessionId: number, authCode: Buffer): Buffer {
  const b = Buffer.alloc(8 + authCode.length);
  b[0] = tag;
  b[1] = status;
  b.writeUInt32LE(bmcSessionId >>> 0, 4);
  authCode.copy(b, 8);
  return b;
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSessionId: number;
  icv: Buffer;
}

export function parseRakp4(b: Buffer, icvLen: number): Rakp4 {
  need(b, 2, "RAKP4");
  const tag = b[0];
  const status = b[1];
  if (status !== 0) return { tag, status, consoleSessionId: b.length >= 8 ? b.readUInt32LE(4) : 0, icv: Buffer.alloc(0) };
  need(b, 8 + icvLen, "RAKP4");
  return { tag, status, consoleSessionId: b.readUInt32LE(4), icv: Buffer.from(b.subarray(8, 8 + icvLen)) };
}

function le32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

export interface RakpInputs {
  sidm: number;
  sidc: number;
  rm: Buffer;
  rc: Buffer;
  guid: Buffer;
  role: number;
  username: Buffer;
  password: Buffer; // Kuid (padded/truncated to 20 by caller? HMAC keys need no padding)
  kg?: Buffer | null;
}

export function rakp2AuthCode(x: RakpInputs): Buffer {
  return hmac(x.password, le32(x.sidm), le32(x.sidc), x.rm, x.rc, x.guid, Buffer.from([x.role, x.username.length]), x.username);
}

export function rakpSik(x: RakpInputs): Buffer {
  return hmac(x.kg && x.kg.length ? x.kg : x.password, x.rm, x.rc, Buffer.from([x.role, x.username.length]), x.username);
}

export function rakp3AuthCode(x: RakpInputs): Buffer {
  return hmac(x.password, x.rc, le32(x.sidm), Buffer.from([x.role, x.username.length]), x.username);
}

export function rakp4Icv(sik: Buffer, x: RakpInputs): Buffer {
  return hmac(sik, x.rm, le32(x.sidc), x.guid).subarray(0, 12);
}

export function deriveKeys(sik: Buffer): SessionKeys {
  const k1 = hmac(sik, Buffer.alloc(20, 0x01));
  const k2 = hmac(sik, Buffer.alloc(20, 0x02));
  return { k1, aesKey: Buffer.from(k2.subarray(0, 16)) };
}

/** Kuid: the password as bytes, at most 20 (IPMI v2.0 passwords). */
export function passwordKey(password: string): Buffer {
  const b = Buffer.from(password, "utf8");
  return b.length > 20 ? b.subarray(0, 20) : b;
}

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Decode an inbound packet completely for a session: verify integrity, decrypt,
 * parse the IPMI message. Returns null when the packet must be silently dropped
 * (bad MAC); throws DecodeError for malformed content.
 */
export function openSessionPayload(raw: RawV20, keys: SessionKeys | null): Buffer | null {
  if (keys) {
    if (!raw.authenticated || !raw.encrypted) return null;
    if (!verifyIntegrity(keys.k1, raw)) return null;
    return decryptSessionPayload(keys, raw.payload);
  }
  return raw.payload;
}

/** Decrypt an in-session payload with the session's cached cipher. Throws DecodeError on bad lengths/padding. */
export function decryptSessionPayload(keys: SessionKeys, payload: Buffer): Buffer {
  if (payload.length < 32 || payload.length % 16 !== 0) throw new DecodeError(`encrypted payload length ${payload.length} is not IV + n*16`);
  return confUnpad(cbcDecrypt(keys, payload.subarray(0, 16), payload.subarray(16)));
}
