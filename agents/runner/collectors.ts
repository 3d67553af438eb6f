/**
 * The protocol back-ends (agents/ipmi, agents/redfish), loaded lazily so that
 * one protocol's module is only loaded when it is used. The types restate the
 * signatures those modules export, so the CLI and the agent depend on the
 * contract, not on the implementation.
 */
import type { TBmcProbeResult } from "../../server/contracts/bmc";

export type PowerAction = "on" | "off" | "cycle" | "reset" | "soft" | "status";
export const POWER_ACTIONS: readonly PowerAction[] = ["on", "off", "cycle", "reset", "soft", "status"];
export type IpmiPrivilege = "user" | "operator" | "administrator";

export interface IpmiOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  privilege?: IpmiPrivilege;
  timeoutMs?: number;
  retries?: number;
  allowCipherZero?: boolean;
}

export interface RedfishOptions {
  url: string;
  username: string;
  password: string;
  pinnedFingerprint?: string | null;
  timeoutMs?: number;
  concurrency?: number;
}

export interface IpmiBackend {
  probeIpmi(opts: IpmiOptions): Promise<TBmcProbeResult>;
  ipmiPower(opts: IpmiOptions, action: PowerAction): Promise<{ power: "on" | "off" }>;
}

export interface RedfishBackend {
  probeRedfish(opts: RedfishOptions): Promise<{ result: TBmcProbeResult; fingerprint: string }>;
  redfishPower(opts: RedfishOptions, action: PowerAction): Promise<{ power: "on" | "off" }>;
}

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
