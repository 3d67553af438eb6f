/**
 * The address a request came from, for sign-in throttling and the audit log.
 *
 * `X-Forwarded-For` is written by whoever sends the request, so it is believed
 * only when the direct peer is a proxy an admin listed in
 * IRONLEDGER_TRUSTED_PROXIES; then the right-most address that is not itself
 * a trusted proxy is the client.
 *
 * Next.js route handlers do not see the socket. `npm start` serves the app
 * through scripts/web-server.mjs, which writes the socket's address into
 * PEER_HEADER together with a per-process random token (PEER_TOKEN_ENV), so a
 * client cannot forge it. Without that server (`next dev`, a bare
 * `next start`), the peer is what Next.js put into X-Forwarded-For: the socket
 * address when the client sent none, else the client's own claim; so run
 * behind `npm start` when addresses matter.
 */
import { BlockList, isIP } from "node:net";

export const PEER_HEADER = "x-ironledger-peer";
export const PEER_TOKEN_ENV = "IRONLEDGER_PEER_TOKEN";

/** "10.0.0.0/8, 192.168.1.5, ::1" → a BlockList. Throws with the bad entry named. */
export function parseTrustedProxies(list: string | undefined): BlockList {
  const bl = new BlockList();
  for (const raw of (list ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [addr, bits] = raw.split("/") as [string, string | undefined];
    const family = isIP(addr);
    if (!family) throw new Error(`IRONLEDGER_TRUSTED_PROXIES: "${raw}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1)`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) {
      bl.addAddress(addr, type);
      continue;
    }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 6 ? 128 : 32)) throw new Error(`IRONLEDGER_TRUSTED_PROXIES: "${raw}" has a bad prefix length`);
    bl.addSubnet(addr, prefix, type);
  }
  return bl;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; strips brackets and ports an address may carry. */
export function normaliseAddress(a: string): string {
  let s = a.trim();
  if (s.startsWith("[")) s = s.slice(1, s.indexOf("]") > 0 ? s.indexOf("]") : undefined);
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(s)) s = s.slice(7);
  return s;
}

function trusted(bl: BlockList, a: string): boolean {
  const family = isIP(a);
  return family !== 0 && bl.check(a, family === 6 ? "ipv6" : "ipv4");
}

/** The direct peer: from our own server's header when its token matches, else Next's X-Forwarded-For fallback. */
export function peerAddress(headers: Headers, token: string | undefined = process.env[PEER_TOKEN_ENV]): string | null {
  const h = headers.get(PEER_HEADER);
  if (h && token) {
    const i = h.indexOf(" ");
    if (i > 0 && h.slice(0, i) === token) return normaliseAddress(h.slice(i + 1));
  }
  const xff = headers.get("x-forwarded-for");
  if (!xff) return null;
  const parts = xff.split(",").map((s) => s.trim()).filter(Boolean);
  // without our server, Next.js sets X-Forwarded-For to the socket address only when the client sent none
  return parts.length === 1 ? normaliseAddress(parts[0]!) : null;
}

/** The client's address, believing X-Forwarded-For only from trusted proxies. "unknown" when nothing is known. */
export function clientAddress(headers: Headers, proxies: BlockList, token?: string): string {
  const peer = peerAddress(headers, token ?? process.env[PEER_TOKEN_ENV]);
  if (!peer) return "unknown";
  if (!trusted(proxies, peer)) return peer;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => normaliseAddress(s)).filter(Boolean);
  // with our server the peer is not in the list; without it (fallback) it is its only entry
  for (let i = hops.length - 1; i >= 0; i--) {
    const a = hops[i]!;
    if (!isIP(a)) return peer; // garbage in the chain: trust nothing to its left
    if (!trusted(proxies, a)) return a;
  }
  return peer;
}
