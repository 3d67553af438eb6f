/**
 * The protocol back-ends (agents/ipmi, agents/redfish), loaded lazily so that
 * one protocol's module is only loaded when it is used. The types come from
 * those modules (type-only imports, erased at run time), so a signature change
 * there fails the build here.
 */
import type * as IpmiProbe from "../ipmi/probe";
import type * as RedfishProbe from "../redfish/probe";

export type IpmiPrivilege = "user" | "operator" | "administrator";

export type IpmiBackend = Pick<typeof IpmiProbe, "probeIpmi" | "ipmiPower">;
export type RedfishBackend = Pick<typeof RedfishProbe, "probeRedfish" | "redfishPower">;
export type IpmiOptions = Parameters<IpmiBackend["probeIpmi"]>[0];
export type RedfishOptions = Parameters<RedfishBackend["probeRedfish"]>[0];

export interface Backends {
  ipmi(): Promise<IpmiBackend>;
  redfish(): Promise<RedfishBackend>;
}

export const defaultBackends: Backends = {
  ipmi: async () => (await import("../ipmi/probe")) as IpmiBackend,
  redfish: async () => (await import("../redfish/probe")) as RedfishBackend,
};

/** "host:port", "host", "[v6]:port" or "[v6]" → host and port (default 623). Throws on nonsense. */
export function parseHostPort(address: string, defaultPort = 623): { host: string; port: number } {
  const s = address.trim();
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const parts = s.split(":");
    if (parts.length > 2) throw new Error(`"${address}" is not HOST:PORT (write IPv6 addresses as [addr]:port)`);
    host = parts[0];
    portText = parts[1];
  }
  if (!host) throw new Error(`"${address}" has no host`);
  if (portText === undefined) return { host, port: defaultPort };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new Error(`"${address}" has an invalid port (1-65535)`);
  return { host, port };
}
