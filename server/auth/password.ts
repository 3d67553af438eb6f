/**
 * Password hashing with scrypt (node:crypto): N=2^15, r=8, p=3, 32-byte key,
 * 16-byte salt — one of OWASP's equivalent scrypt settings (Password Storage
 * Cheat Sheet: N=2^17/r=8/p=1, …, N=2^15/r=8/p=3), chosen for 32 MiB per hash
 * instead of 128 MiB so a few concurrent sign-ins stay light. Hashes made with
 * older settings are upgraded at the next successful sign-in (needsRehash).
 * See docs/security.md.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, createHash } from "node:crypto";
import { promisify } from "node:util";
import { env } from "../env";

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
export type TScryptParams = { N: number; r: number; p: number };
/** The settings every deployment uses (IRONLEDGER_PASSWORD_HASHING unset or "standard"). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
/**
 * IRONLEDGER_PASSWORD_HASHING=weak-for-tests: about a hundredth of the work,
 * so the test suites' hundreds of sign-ins do not each cost half a second.
 * Never for a deployment; hashes made with it are replaced by SCRYPT_PARAMS
 * ones at the next sign-in once the setting is gone (needsRehash).
 */
export const WEAK_TEST_SCRYPT_PARAMS = { N: 2 ** 10, r: 8, p: 1 } as const;
const MAXMEM = 256 * 1024 * 1024;

/** The settings new hashes are made with in this process. */
export function scryptParams(): TScryptParams {
  return env().IRONLEDGER_PASSWORD_HASHING === "weak-for-tests" ? WEAK_TEST_SCRYPT_PARAMS : SCRYPT_PARAMS;
}

export async function hashPassword(password: string, params: TScryptParams = scryptParams()): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, 32, { ...params, maxmem: MAXMEM });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** True when the stored hash was made with other (older) settings than scryptParams(). */
export function needsRehash(stored: string): boolean {
  const [alg, n, r, p] = stored.split("$");
  const want = scryptParams();
  return alg !== "scrypt" || Number(n) !== want.N || Number(r) !== want.r || Number(p) !== want.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split("$");
  if (alg !== "scrypt" || !salt || !key) return false;
  const want = Buffer.from(key, "base64");
  const got = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64"), want.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A high-entropy random secret (session cookie, API token), URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** A readable generated password for the first admin. */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(20);
  let out = "";
  for (let i = 0; i < 20; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out.replace(/(.{5})(?!$)/g, "$1-");
}
