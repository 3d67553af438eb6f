/**
 * Fuzz: every decoder returns a value or throws DecodeError — never another
 * exception, never a hang. 100k+ random and mutated inputs, seeded PRNG so a
 * failure is reproducible (the seed and the input are in the failure message).
 */
import { describe, expect, it } from "vitest";
import * as C from "./codec";
import { DecodeError } from "./errors";
import { parseSdrRecord, parseSensorReading, thresholdStatus, convertReading, type FullSensorRecord } from "./sdr";
import { parseSelRecord } from "./sel";
import { parseFru, decodeTypeLength } from "./fru";
import { parseChassisStatus, parseDeviceId } from "./commands";
import { parseAuthCapabilities } from "./session";
import { buildFruImage } from "../../tests/harness/ipmi-sim";

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 0xc0ffee);
const rnd = prng(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const randomBuf = (max: number) => {
  const b = Buffer.allocUnsafe(int(max + 1));
  for (let i = 0; i < b.length; i++) b[i] = int(256);
  return b;
};

function mutate(src: Buffer): Buffer {
  let b = Buffer.from(src);
  const n = 1 + int(4);
  for (let k = 0; k < n; k++) {
    const op = int(6);
    if (op === 0 && b.length) b[int(b.length)] ^= 1 << int(8);
    else if (op === 1 && b.length) b[int(b.length)] = int(256);
    else if (op === 2) b = b.subarray(0, int(b.length + 1));
    else if (op === 3) b = Buffer.concat([b, randomBuf(16)]);
    else if (op === 4 && b.length) b[int(b.length)] = [0, 0xff, 0x7f, 0x80, 0x3f, 0xc1][int(6)];
    else if (op === 5 && b.length > 2) {
      const i = int(b.length - 1);
      b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
    }
  }
  return b;
}

/** Run fn; succeed on a value or DecodeError, fail on anything else. */
function check(name: string, input: Buffer, fn: (b: Buffer) => unknown, stats: { ok: number; decodeErr: number }) {
  try {
    fn(input);
    stats.ok++;
  } catch (e) {
    if (e instanceof DecodeError) {
      stats.decodeErr++;
      return;
    }
    throw new Error(`${name} threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for input ${input.toString("hex")} (seed ${SEED})`);
  }
}

const keys: C.SessionKeys = { k1: Buffer.alloc(20, 7), aesKey: Buffer.alloc(16, 9) };

/** Full inbound path for a session: outer framing, integrity, decryption, IPMI message. */
function inbound(b: Buffer): unknown {
  const p = C.parsePacket(b);
  if (p.kind === "v20") {
    const payload = C.openSessionPayload(p.raw, keys);
    if (payload) return C.parseIpmiResponse(payload);
    C.parseOpenSessionResponse(p.raw.payload);
    C.parseRakp2(p.raw.payload, 20);
    return C.parseRakp4(p.raw.payload, 12);
  }
  if (p.kind === "v15") return C.parseIpmiResponse(p.msg);
  return p;
}

function ipmiResponse(data: number[]): Buffer {
  const body = [0x81, 0x1c, 0x63, 0x20, 0x04, 0x01, 0x00, ...data];
  const ck = (0x100 - body.slice(3).reduce((a, x) => (a + x) & 0xff, 0)) & 0xff;
  return Buffer.from([...body, ck]);
}

const sdr = Buffer.from("0100510133200001030177000101000000003800000100000100000000000000" + "00000000645a500000000000000000c8" + Buffer.from("CPU Temp").toString("hex"), "hex");
const seeds: Buffer[] = [
  C.buildAsfPing(1),
  Buffer.from("0600ff06000011be40070010000011be000000008100000000000000", "hex"),
  C.buildV15Packet(ipmiResponse([0x01, 0x84, 0x04, 0x03, 0, 0, 0, 0])),
  C.buildV20Packet(0x11, 0, 0, Buffer.concat([Buffer.from([1, 0, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from("0000000801000000010000080100000002000008010000000", "hex")]), null),
  C.buildV20Packet(0x13, 0, 0, Buffer.alloc(60, 3), null),
  C.buildV20Packet(0x15, 0, 0, Buffer.alloc(20, 4), null),
  C.buildV20Packet(0x00, 5, 1, ipmiResponse([0x20, 0x01, 0x02, 0x15, 0x02, 0x9f, 0x91, 0x12, 0x00, 0x02, 0x0f]), keys),
  C.buildV20Packet(0x00, 5, 2, ipmiResponse([0x2d, 0xc0, 0x00, 0x00]), keys),
];

describe("fuzz: decoders only return values or throw DecodeError", () => {
  it("survives 60k random and mutated datagrams on the inbound session path", () => {
    const stats = { ok: 0, decodeErr: 0 };
    for (let i = 0; i < 20_000; i++) check("inbound(random)", randomBuf(int(4) === 0 ? 200 : 40), inbound, stats);
    for (let i = 0; i < 30_000; i++) check("inbound(mutated)", mutate(seeds[int(seeds.length)]), inbound, stats);
    // random plaintexts in validly encrypted + authenticated packets exercise unpadding and the IPMI parser
    for (let i = 0; i < 10_000; i++) {
      const plain = int(2) ? randomBuf(40) : mutate(ipmiResponse([...randomBuf(12)]));
      check("inbound(encrypted)", C.buildV20Packet(0, 5, i + 1, plain, keys), inbound, stats);
    }
    expect(stats.ok + stats.decodeErr).toBe(60_000);
    expect(stats.decodeErr).toBeGreaterThan(0);
    expect(stats.ok).toBeGreaterThan(0);
  });

  it("survives 50k random and mutated records (SDR, reading, SEL, FRU, device ID, chassis, auth caps)", () => {
    const stats = { ok: 0, decodeErr: 0 };
    const fru = buildFruImage({ chassisSerial: { value: "ABC123", encoding: "6bit" }, boardSerial: { value: "12-34", encoding: "bcd" }, productSerial: "X", boardPartNumber: { bytes: [1, 2] } });
    const sel = Buffer.from([0x01, 0x00, 0x02, 0x50, 0x03, 0x00, 0x00, 0x20, 0x00, 0x04, 0x01, 0x01, 0x01, 0x59, 0x5b, 0x5a]);
    const targets: [string, Buffer, (b: Buffer) => unknown][] = [
      ["sdr", sdr, (b) => {
        const r = parseSdrRecord(b);
        if (r?.kind === "full") convertReading(r as FullSensorRecord, b[b.length - 1] ?? 0);
        return r;
      }],
      ["reading", Buffer.from([0x2d, 0xc0, 0x08, 0x00]), (b) => thresholdStatus(parseSensorReading(b))],
      ["sel", sel, parseSelRecord],
      ["fru", fru, parseFru],
      ["fru-field", Buffer.from([0xc6, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x83, 1, 2, 3]), (b) => decodeTypeLength(b, 0)],
      ["deviceId", Buffer.from([0x20, 0x01, 0x02, 0x15, 0x02, 0x9f, 0x91, 0x12, 0x00, 0x02, 0x0f]), parseDeviceId],
      ["chassis", Buffer.from([0x01, 0x00, 0x00]), parseChassisStatus],
      ["authcaps", Buffer.from([0x01, 0x84, 0x04, 0x03, 0, 0, 0, 0]), parseAuthCapabilities],
    ];
    for (let i = 0; i < 50_000; i++) {
      const [name, seed, fn] = targets[i % targets.length];
      const input = int(3) === 0 ? randomBuf(seed.length + 8) : mutate(seed);
      check(name, input, fn, stats);
    }
    expect(stats.ok + stats.decodeErr).toBe(50_000);
  });
});
