/**
 * BMC passwords at rest: sealed with server/crypto/secrets.ts, with the
 * endpoint's id as associated data (a ciphertext copied onto another endpoint
 * does not open there). Passwords sealed before that (`v1:`) are sealed again
 * when they are read, and all at once at boot (scripts/boot.ts).
 */
import type { Db, Tx } from "../../db/client";
import { isLegacy, open, seal } from "../../crypto/secrets";

export function sealEndpointPassword(endpointId: string, password: string): string {
  return seal(password, undefined, endpointId);
}

/** Opens an endpoint's password; a legacy value is sealed again in place (best effort: the password is still returned). */
export async function openEndpointPassword(db: Db | Tx, row: { id: string; passwordEnc: string }): Promise<string> {
  if (!isLegacy(row.passwordEnc)) return open(row.passwordEnc, undefined, row.id);
  const password = open(row.passwordEnc);
  await db.bmcEndpoint.updateMany({ where: { id: row.id, passwordEnc: row.passwordEnc }, data: { passwordEnc: sealEndpointPassword(row.id, password) } }).catch((e: unknown) => {
    console.error(`BMC endpoint ${row.id}: could not seal its password again (${(e as Error).name})`);
  });
  return password;
}

/** Seals every legacy password again; returns how many (those that do not open with the current key are left as they are and counted apart). */
export async function resealLegacyPasswords(db: Db): Promise<{ resealed: number; unreadable: number }> {
  const rows = await db.bmcEndpoint.findMany({ where: { passwordEnc: { startsWith: "v1:" } }, select: { id: true, passwordEnc: true } });
  let resealed = 0;
  let unreadable = 0;
  for (const r of rows) {
    let password: string;
    try {
      password = open(r.passwordEnc);
    } catch {
      unreadable++;
      continue;
    }
    const res = await db.bmcEndpoint.updateMany({ where: { id: r.id, passwordEnc: r.passwordEnc }, data: { passwordEnc: sealEndpointPassword(r.id, password) } });
    resealed += res.count;
  }
  return { resealed, unreadable };
}
