/**
 * LLDP as IronLedger reads it, from either side of a cable: a switch's LLDP-MIB walked over SNMP by a
 * site agent (`ironledger lldp walk --json` prints exactly this), or a host's own
 * `lldpcli -f json0 show neighbors`, converted to the same shape (the host's interfaces are its
 * local ports). Shared by the agents (who produce it) and the server (which stores and reconciles it).
 *
 * MAC addresses are lower-case and colon-separated ("aa:bb:cc:00:11:22"). Subtypes are named, not
 * numbered: LLDP-MIB chassis ID subtypes 1-7 and port ID subtypes 1-7 map onto ZLldpIdSubtype.
 */
import { z } from "zod";

/** LLDP ID subtypes by name (chassis: 1 component, 2 ifalias, 3 portcomponent, 4 mac, 5 network, 6 ifname, 7 local; port: 1 ifalias, 2 component, 3 mac, 4 network, 5 ifname, 6 circuit, 7 local). */
export const ZLldpIdSubtype = z.enum(["component", "ifalias", "portcomponent", "mac", "network", "ifname", "circuit", "local", "unknown"]);
export type TLldpIdSubtype = z.infer<typeof ZLldpIdSubtype>;

export const ZLldpLocalPort = z.object({
  /** lldpLocPortNum: the key LLDP-MIB joins on (not always the ifIndex) */
  portNum: z.number().int().nonnegative(),
  portId: z.string().max(255),
  portIdSubtype: ZLldpIdSubtype,
  portDesc: z.string().max(255),
  /** IF-MIB ifName where the port could be joined to one, otherwise "" */
  ifName: z.string().max(255),
});
export type TLldpLocalPort = z.infer<typeof ZLldpLocalPort>;

export const ZLldpNeighbor = z.object({
  localPortNum: z.number().int().nonnegative(),
  /** the local port's portId (or ifName), for reading */
  localPortId: z.string().max(255),
  chassisId: z.string().max(255),
  chassisIdSubtype: ZLldpIdSubtype,
  portId: z.string().max(255),
  portIdSubtype: ZLldpIdSubtype,
  portDesc: z.string().max(255),
  sysName: z.string().max(255),
});
export type TLldpNeighbor = z.infer<typeof ZLldpNeighbor>;

export const ZLldpView = z.object({
  sysName: z.string().max(255),
  chassisId: z.string().max(255),
  localPorts: z.array(ZLldpLocalPort).max(4096),
  neighbors: z.array(ZLldpNeighbor).max(16384),
});
export type TLldpView = z.infer<typeof ZLldpView>;
