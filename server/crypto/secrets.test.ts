import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isLegacy, loadOrCreateKeyFile, open, parseKey, seal } from "./secrets";

/** A value as seal() wrote it before v2: no associated data. */
function sealV1(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), ct.toString("base64")].join(":");
}

describe("secrets (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("round-trips, with a fresh IV each time", () => {
    const a = seal("s3cret-Pässword", key);
    const b = seal("s3cret-Pässword", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("s3cret");
    expect(open(a, key)).toBe("s3cret-Pässword");
    expect(open(b, key)).toBe("s3cret-Pässword");
    expect(open(seal("", key), key)).toBe("");
  });

  it("detects tampering and a wrong key, without echoing the secret", () => {
    const s = seal("hunter22", key);
    const [v, iv, tag, ct] = s.split(":") as [string, string, string, string];
    const flipped = Buffer.from(ct, "base64");
    flipped[0]! ^= 1;
    expect(() => open([v, iv, tag, flipped.toString("base64")].join(":"), key)).toThrow(/changed|another key/);
    const badTag = Buffer.from(tag, "base64");
    badTag[3]! ^= 0x80;
    expect(() => open([v, iv, badTag.toString("base64"), ct].join(":"), key)).toThrow(/changed/);
    expect(() => open(s, randomBytes(32))).toThrow(/another key/);
    expect(() => open("plain-text", key)).toThrow(/not a sealed secret/);
    try {
      open(s, randomBytes(32));
    } catch (e) {
      expect(String(e)).not.toContain("hunter22");
    }
  });

  it("binds a value to its owner's id (associated data) with a fixed 16-byte tag", () => {
    const s = seal("bmc-pass", key, "endpoint-1");
    expect(s).toMatch(/^v2:/);
    expect(isLegacy(s)).toBe(false);
    expect(open(s, key, "endpoint-1")).toBe("bmc-pass");
    // copied onto another row, it does not open
    expect(() => open(s, key, "endpoint-2")).toThrow(/changed|another key/);
    expect(() => open(s, key)).toThrow(/changed|another key/);
    const [v, iv, tag, ct] = s.split(":") as [string, string, string, string];
    expect(Buffer.from(tag, "base64").length).toBe(16);
    // a shortened tag (GCM would accept 4..16 bytes) is refused
    const short = Buffer.from(tag, "base64").subarray(0, 12).toString("base64");
    expect(() => open([v, iv, short, ct].join(":"), key, "endpoint-1")).toThrow(/changed|another key/);
  });

  it("still opens values sealed before v2 and marks them for sealing again", () => {
    const old = sealV1("legacy-pass", key);
    expect(isLegacy(old)).toBe(true);
    expect(open(old, key)).toBe("legacy-pass");
    expect(open(old, key, "endpoint-1")).toBe("legacy-pass");
  });

  it("takes a 32-byte key as base64 or hex and refuses anything else", () => {
    const k = randomBytes(32);
    expect(parseKey(k.toString("base64")).equals(k)).toBe(true);
    expect(parseKey(k.toString("hex")).equals(k)).toBe(true);
    expect(parseKey(k.toString("base64url")).equals(k)).toBe(true);
    expect(() => parseKey("too-short")).toThrow(/32 bytes/);
    expect(() => parseKey(randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });

  it("creates the key file with mode 0600 once and reuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ironledger-key-"));
    try {
      const k1 = loadOrCreateKeyFile(path.join(dir, "data"));
      const file = path.join(dir, "data", "secret.key");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const k2 = loadOrCreateKeyFile(path.join(dir, "data"));
      expect(k2.equals(k1)).toBe(true);
      expect(open(seal("x", k1), k2)).toBe("x");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
