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
