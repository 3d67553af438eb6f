import { describe, expect, it } from "vitest";
import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import * as C from "./codec";
import { DecodeError } from "./errors";

const keys = (): C.SessionKeys => ({ k1: randomBytes(20), aesKey: randomBytes(16) });

describe("confidentiality padding", () => {
  it("pads with 01..N, N so that the length is a multiple of 16", () => {
    for (let len = 0; len < 40; len++) {
      const p = C.confPad(Buffer.alloc(len, 0xaa));
      expect(p.length % 16).toBe(0);
      const n = 15 - (len % 16);
      expect(p[p.length - 1]).toBe(n);
      for (let i = 1; i <= n; i++) expect(p[len + i - 1]).toBe(i);
      expect(C.confUnpad(p)).toEqual(Buffer.alloc(len, 0xaa));
    }
  });
  it("Get Device ID (7 bytes) pads 01..08 08 to 16 bytes, 32 with the IV", () => {
    const msg = C.buildIpmiRequest(0x06, 0x01, 1, new Uint8Array());
    expect(msg.length).toBe(7);
    expect([...C.confPad(msg).subarray(7)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8]);
    expect(C.encryptPayload(randomBytes(16), msg, randomBytes(16)).length).toBe(32);
  });
  it("rejects an impossible pad length with DecodeError", () => {
    const b = Buffer.alloc(16, 0);
    b[15] = 40;
    expect(() => C.confUnpad(b)).toThrow(DecodeError);
  });
});

describe("AES-CBC-128 payloads", () => {
  it("hand-chained CBC equals OpenSSL aes-128-cbc", () => {
    const k = keys();
    const iv = randomBytes(16);
    const msg = randomBytes(45);
    const pkt = C.buildV20Packet(0, 1, 1, msg, k, iv);
    const payloadLen = pkt.readUInt16LE(14);
    const c = createCipheriv("aes-128-cbc", k.aesKey, iv);
    c.setAutoPadding(false);
    const expected = Buffer.concat([iv, c.update(C.confPad(msg)), c.final()]);
    expect(pkt.subarray(16, 16 + payloadLen)).toEqual(expected);
  });
  it("round-trips through build and decode", () => {
    const k = keys();
    for (let len = 0; len < 70; len += 7) {
      const msg = randomBytes(len);
      const pkt = C.buildV20Packet(0, 0x11223344, 9, msg, k);
      const p = C.parsePacket(pkt);
      expect(p.kind).toBe("v20");
      if (p.kind !== "v20") return;
      expect(p.raw.sessionId).toBe(0x11223344);
      expect(p.raw.seq).toBe(9);
      expect(p.raw.encrypted && p.raw.authenticated).toBe(true);
      expect(C.openSessionPayload(p.raw, k)).toEqual(msg);
    }
  });
  it("decryptPayload (fresh cipher) and the cached-cipher path agree", () => {
    const k = keys();
    const pkt = C.buildV20Packet(0, 5, 5, Buffer.from("hello ipmi world"), k);
    const p = C.parsePacket(pkt);
    if (p.kind !== "v20") throw new Error("kind");
    expect(C.decryptPayload(k.aesKey, p.raw.payload)).toEqual(C.decryptSessionPayload(k, p.raw.payload));
  });
});

describe("integrity trailer (HMAC-SHA1-96)", () => {
  it("uses FFFF 02 07 with AES and covers bytes 4 .. the 07 byte", () => {
    const k = keys();
    const pkt = C.buildV20Packet(0, 1, 1, C.buildIpmiRequest(6, 1, 1, new Uint8Array()), k);
    expect(pkt.length).toBe(4 + 12 + 32 + 4 + 12);
    const t = pkt.length - 16;
    expect([...pkt.subarray(t, t + 4)]).toEqual([0xff, 0xff, 0x02, 0x07]);
    const mac = createHmac("sha1", k.k1).update(pkt.subarray(4, t + 4)).digest().subarray(0, 12);
    expect(pkt.subarray(t + 4)).toEqual(mac);
  });
  it("rejects a flipped bit anywhere in the authenticated part", () => {
    const k = keys();
    const pkt = C.buildV20Packet(0, 1, 1, randomBytes(10), k);
    for (let i = 4; i < pkt.length; i += 5) {
      const bad = Buffer.from(pkt);
      bad[i] ^= 0x01;
      let ok = false;
      try {
        const p = C.parsePacket(bad);
        ok = p.kind === "v20" && C.openSessionPayload(p.raw, k) !== null;
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
      expect(ok).toBe(false);
    }
  });
});

describe("IPMI messages", () => {
  it("builds requests with both checksums", () => {
    const m = C.buildIpmiRequest(0x06, 0x01, 1, new Uint8Array());
    expect([...m]).toEqual([0x20, 0x18, 0xc8, 0x81, 0x04, 0x01, 0x7a]);
  });
  it("parses the Get Device ID response seen from the simulator", () => {
    const d = [0x20, 0x01, 0x02, 0x15, 0x02, 0x9f, 0x91, 0x12, 0x00, 0x02, 0x0f];
    const body = [0x81, 0x1c, 0x63, 0x20, 0x04, 0x01, 0x00, ...d];
    const ck = (0x100 - body.slice(3).reduce((a, b) => (a + b) & 0xff, 0)) & 0xff;
    const r = C.parseIpmiResponse(Buffer.from([...body, ck]));
    expect(r.netFn).toBe(0x07);
    expect(r.rqSeq).toBe(1);
    expect(r.cmd).toBe(1);
    expect(r.cc).toBe(0);
    expect([...r.data]).toEqual(d);
  });
  it("rejects bad checksums", () => {
    expect(() => C.parseIpmiResponse(Buffer.from([0x81, 0x1c, 0x64, 0x20, 0x04, 0x01, 0x00, 0xdb]))).toThrow(DecodeError);
  });
});

describe("ASF ping/pong", () => {
  it("builds the presence ping and parses a pong", () => {
    expect(C.buildAsfPing(7).toString("hex")).toBe("0600ff06000011be80070000");
    const pong = Buffer.from("0600ff06000011be40070010000011be000000008100000000000000", "hex");
    expect(C.parseAsfPong(pong)).toEqual({ tag: 7, iana: 4542, ipmiSupported: true });
  });
});

describe("RAKP", () => {
  const x: C.RakpInputs = {
    sidm: 0x01020304,
    sidc: 0x0a0b0c0d,
    rm: Buffer.alloc(16, 1),
    rc: Buffer.alloc(16, 2),
    guid: Buffer.from("SIM-BMC-GUID-01\0"),
    role: 0x14,
    username: Buffer.from("admin"),
    password: Buffer.from("password"),
  };
  it("computes RAKP2/3 auth codes and SIK per the formulas", () => {
    const le = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(n);
      return b;
    };
    const h = (k: Buffer, ...p: Buffer[]) => createHmac("sha1", k).update(Buffer.concat(p)).digest();
    const rl = Buffer.from([0x14, 5]);
    expect(C.rakp2AuthCode(x)).toEqual(h(x.password, le(x.sidm), le(x.sidc), x.rm, x.rc, x.guid, rl, x.username));
    expect(C.rakp3AuthCode(x)).toEqual(h(x.password, x.rc, le(x.sidm), rl, x.username));
    const sik = C.rakpSik(x);
    expect(sik).toEqual(h(x.password, x.rm, x.rc, rl, x.username));
    expect(C.rakp4Icv(sik, x)).toEqual(h(sik, x.rm, le(x.sidc), x.guid).subarray(0, 12));
    const k = C.deriveKeys(sik);
    expect(k.aesKey).toEqual(h(sik, Buffer.alloc(20, 2)).subarray(0, 16));
    expect(k.k1).toEqual(h(sik, Buffer.alloc(20, 1)));
  });
  it("uses the KG for the SIK when given", () => {
    expect(C.rakpSik({ ...x, kg: Buffer.from("bmckey") })).not.toEqual(C.rakpSik(x));
  });
  it("builds Open Session with explicit privilege and cipher suite 3 algorithms", () => {
    const b = C.buildOpenSessionRequest({ tag: 9, privilege: 4, consoleSessionId: 0xdeadbeef, cipherSuite: 3 });
    expect(b.toString("hex")).toBe("09040000efbeadde" + "0000000801000000" + "0100000801000000" + "0200000801000000");
  });
  it("parses the simulator's 2-byte Open Session error", () => {
    expect(C.parseOpenSessionResponse(Buffer.from([9, 0x12])).status).toBe(0x12);
  });
});

import { ReplayWindow } from "./session";
describe("inbound replay window", () => {
  it("accepts each sequence number once, tolerates reordering within the window, drops old ones", () => {
    const w = new ReplayWindow(32);
    expect(w.accept(0)).toBe(false);
    expect(w.accept(1)).toBe(true);
    expect(w.accept(1)).toBe(false); // replay
    expect(w.accept(3)).toBe(true);
    expect(w.accept(2)).toBe(true); // late but new
    expect(w.accept(2)).toBe(false);
    expect(w.accept(100)).toBe(true); // jump forward
    expect(w.accept(3)).toBe(false); // far behind
    expect(w.accept(69)).toBe(true); // 31 behind, unseen
    expect(w.accept(68)).toBe(false); // 32 behind
    expect(w.accept(100)).toBe(false);
  });
});
