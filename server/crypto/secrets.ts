/**
 * Secrets at rest (BMC passwords, SNMP communities): AES-256-GCM.
 *
 * The key comes from IRONLEDGER_SECRET_KEY (32 bytes, base64 or hex) or, for
 * the embedded default, from `<data dir>/secret.key`, created with mode 0600
 * on first use. A sealed value is `v2:<iv b64>:<tag b64>:<ciphertext b64>`:
 * a 96-bit IV, a 16-byte tag (fixed: a shorter tag is refused), and the
 * owner's id (e.g. the BMC endpoint's) as associated data, so a ciphertext
 * copied onto another row does not open there. `v1:` values (no associated
 * data) still open, for rows sealed before v2; isLegacy() tells callers to
 * seal them again. Opening a tampered value, or with another key, throws.
 * Nothing here logs a secret or a key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "../env";

const VERSION = "v2";
const LEGACY = "v1";
const TAG_BYTES = 16;
const KEY_FILE = "secret.key";

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

/** 32 bytes from base64 or hex; anything else is refused (never echoed back). */
export function parseKey(raw: string): Buffer {
  const s = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  throw new SecretKeyError("IRONLEDGER_SECRET_KEY must be 32 bytes, base64 or hex (e.g. `openssl rand -base64 32`).");
}

/** Reads `<dir>/secret.key`, creating it (mode 0600, exclusive) when missing. */
export function loadOrCreateKeyFile(dir: string): Buffer {
  const file = path.join(dir, KEY_FILE);
  try {
    return parseKey(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      if (e instanceof SecretKeyError) throw new SecretKeyError(`${file} does not hold a 32-byte key (base64 or hex).`);
      throw e;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    // another process created it meanwhile: use theirs
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return parseKey(fs.readFileSync(file, "utf8"));
    throw e;
  }
  fs.chmodSync(file, 0o600);
  return key;
}

let cachedKey: Buffer | undefined;
/** The process-wide key: IRONLEDGER_SECRET_KEY, else the key file in the data directory. */
export function secretKey(): Buffer {
  if (!cachedKey) {
    const fromEnv = env().IRONLEDGER_SECRET_KEY;
    cachedKey = fromEnv ? parseKey(fromEnv) : loadOrCreateKeyFile(dataDir());
  }
  return cachedKey;
}

/** Encrypts `plain` with AES-256-GCM, a fresh 96-bit IV and `aad` (the owner's id) as associated data. */
export function seal(plain: string, key: Buffer = secretKey(), aad = ""): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  c.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return [VERSION, iv.toString("base64"), c.getAuthTag().toString("base64"), ct.toString("base64")].join(":");
}

/** True for a value sealed before v2 (no associated data): open it and seal it again. */
export function isLegacy(sealed: string): boolean {
  return sealed.startsWith(`${LEGACY}:`);
}

/** Decrypts what seal() produced with the same `aad`; throws when it was tampered with, sealed with another key or for another owner. */
export function open(sealed: string, key: Buffer = secretKey(), aad = ""): string {
  const parts = sealed.split(":");
  if (parts.length !== 4 || (parts[0] !== VERSION && parts[0] !== LEGACY)) throw new SecretKeyError("not a sealed secret");
  const [version, iv, tag, ct] = parts as [string, string, string, string];
  const tagBytes = Buffer.from(tag, "base64");
  if (tagBytes.length !== TAG_BYTES) throw new SecretKeyError("a sealed secret could not be opened: it was changed, or sealed with another key");
  try {
    const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"), { authTagLength: TAG_BYTES });
    if (version === VERSION) d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(tagBytes);
    return Buffer.concat([d.update(Buffer.from(ct, "base64")), d.final()]).toString("utf8");
  } catch {
    throw new SecretKeyError("a sealed secret could not be opened: it was changed, or sealed with another key");
  }
}
