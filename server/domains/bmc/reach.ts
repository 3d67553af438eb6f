/**
 * Where the server itself may connect to a BMC (endpoints without a site
 * agent: power actions in a lab). Only the networks an administrator listed in
 * IRONLEDGER_BMC_NETWORKS (CIDRs; default: none) are allowed, so a BMC
 * endpoint cannot turn the web server into a probe of its own networks.
 *
 * A host name is resolved once here and the server connects to the checked
 * address, so a second DNS answer cannot redirect the connection.
 */
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { env, isCidr } from "../../env";
import { AppError } from "../../errors";

/** Splits a comma- or space-separated CIDR list (a bare address counts as /32 or /128); throws naming the first bad entry. */
export function parseNetworks(raw: string): BlockList {
  const list = new BlockList();
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    if (!isCidr(entry)) throw new Error(`${entry} is not a network in CIDR form (e.g. 10.20.0.0/16 or fd00::/8)`);
    const [address = "", len] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    list.addSubnet(address, len === undefined ? (family === "ipv6" ? 128 : 32) : Number(len), family);
  }
  return list;
}

function allowedNetworks(): { list: BlockList; configured: boolean } {
  const raw = env().IRONLEDGER_BMC_NETWORKS;
  return { list: parseNetworks(raw), configured: raw.trim().length > 0 };
}

/** Resolves `host` and checks every address against the allowed networks; returns the address to connect to. */
async function allowedAddress(host: string): Promise<string> {
  const { list, configured } = allowedNetworks();
  const refuse = () =>
    new AppError(
      "BAD_REQUEST",
      configured
        ? `The server may not connect to ${host}: it is outside the BMC networks an administrator allowed (IRONLEDGER_BMC_NETWORKS). Assign this BMC to the site agent of its network, or ask an administrator to allow the network.`
        : "The server connects to no BMC network until an administrator allows one (IRONLEDGER_BMC_NETWORKS). Assign this BMC to the site agent of its network instead.",
      { fields: { address: ["Outside the allowed BMC networks"] } },
    );
  if (!configured) throw refuse();
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (e) {
      console.error(`BMC address ${host} does not resolve: ${(e as { code?: string }).code ?? "error"}`);
      throw unreachable();
    }
  }
  if (addresses.length === 0 || !addresses.every((a) => list.check(a.address, a.family === 6 ? "ipv6" : "ipv4"))) throw refuse();
  return addresses[0]!.address;
}

/** What a person reads when a direct connection fails; the cause goes to the server log only. */
export function unreachable(action?: string): AppError {
  return new AppError(
    "UNAVAILABLE",
    `${action ? `The BMC did not carry out "${action}": it` : "The BMC"} could not be reached, or it refused the request. Check the address, and that the credentials have operator rights, then try again; an administrator finds the cause in the server log.`,
  );
}

/** Splits "host[:port]" (IPv6 in brackets). */
function ipmiHostPort(address: string): { host: string; port: number } {
  const m = address.match(/^\[([^\]]+)\](?::(\d+))?$/) ?? address.match(/^([^:]+)(?::(\d+))?$/);
  if (!m) throw new AppError("BAD_REQUEST", `The IPMI address ${address} is not host or host:port.`);
  return { host: m[1]!, port: m[2] ? Number(m[2]) : 623 };
}

/** The address the server connects to for an endpoint without an agent, checked against IRONLEDGER_BMC_NETWORKS. */
export async function serverTarget(protocol: string, address: string): Promise<{ protocol: "ipmi"; host: string; port: number } | { protocol: "redfish"; url: string }> {
  if (protocol === "redfish") {
    const u = new URL(address);
    const host = u.hostname.replace(/^\[|\]$/g, "");
    const ip = await allowedAddress(host);
    u.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
    return { protocol: "redfish", url: u.toString().replace(/\/$/, address.endsWith("/") ? "/" : "") };
  }
  const { host, port } = ipmiHostPort(address);
  return { protocol: "ipmi", host: await allowedAddress(host), port };
}
