/** LLDP observation and polled switches: inputs and outputs (secrets are write-only: never in an output). */
import { z } from "zod";
import type { TRole } from "../../auth/roles";
import { ZLldpView } from "../../contracts/lldp";

/** who registers switches and posts a host's LLDP view */
export const LLDP_WRITERS: readonly TRole[] = ["admin", "technician"];

export const ZSnmpAuthProtocol = z.enum(["sha", "sha256"]);
export const ZSnmpPrivProtocol = z.enum(["aes", "aes256b", "aes256r"]);
export const ZSnmpVersion = z.enum(["2c", "3"]);

const key = (what: string) => z.string().min(8, `The ${what} must be at least 8 characters (SNMPv3 USM).`).max(256);

const ZSwitchFields = z.object({
  agentId: z.string().min(1).nullable(),
  host: z
    .string()
    .trim()
    .min(1, "Give the switch's management address.")
    .max(255)
    .regex(/^[A-Za-z0-9.:_-]+$/, "A host name or IP address, without a port (the port is its own field).")
    .refine((h) => !/^[^:]+:\d+$/.test(h), "A host name or IP address, without a port (the port is its own field)."),
  port: z.number().int().min(1).max(65_535),
  snmpVersion: ZSnmpVersion,
  /** v2c read community (write-only) */
  community: z.string().min(1).max(256).optional(),
  v3User: z.string().trim().min(1).max(64).optional(),
  authProtocol: ZSnmpAuthProtocol,
  privProtocol: ZSnmpPrivProtocol,
  /** v3 keys (write-only) */
  authKey: key("authentication key").optional(),
  privKey: key("privacy key").optional(),
  intervalSec: z.number().int().min(30).max(86_400),
  timeoutMs: z.number().int().min(100).max(60_000),
});

export const ZSwitchCreate = ZSwitchFields.extend({
  assetId: z.string().min(1),
  agentId: z.string().min(1).nullable().default(null),
  port: z.number().int().min(1).max(65_535).default(161),
  authProtocol: ZSnmpAuthProtocol.default("sha"),
  privProtocol: ZSnmpPrivProtocol.default("aes"),
  intervalSec: z.number().int().min(30).max(86_400).default(300),
  timeoutMs: z.number().int().min(100).max(60_000).default(2000),
}).superRefine((v, ctx) => {
  if (v.snmpVersion === "2c" && !v.community) ctx.addIssue({ code: "custom", path: ["community"], message: "SNMP v2c needs the read community." });
  if (v.snmpVersion === "3") {
    if (!v.v3User) ctx.addIssue({ code: "custom", path: ["v3User"], message: "SNMPv3 needs the user name." });
    if (!v.authKey) ctx.addIssue({ code: "custom", path: ["authKey"], message: "SNMPv3 authPriv needs the authentication key." });
    if (!v.privKey) ctx.addIssue({ code: "custom", path: ["privKey"], message: "SNMPv3 authPriv needs the privacy key." });
  }
});
export type TSwitchCreate = z.input<typeof ZSwitchCreate>;

export const ZSwitchUpdate = z.object({ id: z.string().min(1), data: ZSwitchFields.partial() });
export type TSwitchUpdate = z.input<typeof ZSwitchUpdate>;

export const ZSwitchId = z.object({ id: z.string().min(1) });

export const ZSwitch = z.object({
  id: z.string(),
  assetId: z.string(),
  agentId: z.string().nullable(),
  host: z.string(),
  port: z.number().int(),
  snmpVersion: z.string().pipe(ZSnmpVersion),
  v3User: z.string().nullable(),
  authProtocol: z.string().pipe(ZSnmpAuthProtocol).nullable(),
  privProtocol: z.string().pipe(ZSnmpPrivProtocol).nullable(),
  /** whether a community (v2c) or both keys (v3) are stored; never the secrets themselves */
  hasSecrets: z.boolean(),
  intervalSec: z.number().int(),
  timeoutMs: z.number().int(),
  lastPolledAt: z.date().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TSwitch = z.infer<typeof ZSwitch>;

export const ZLldpSource = z.enum(["snmp", "host"]);

export const ZLldpObserved = z.object({
  assetId: z.string(),
  source: z.string().pipe(ZLldpSource),
  observedAt: z.date(),
  view: ZLldpView,
});

export const ZLldpLatestInput = z.object({ assetIds: z.array(z.string().min(1)).max(500).optional() });
export const ZLldpHistoryInput = z.object({ assetId: z.string().min(1), take: z.number().int().min(1).max(50).default(10) });

export const ZHostViewAck = z.object({ assetId: z.string(), observedAt: z.date(), neighbors: z.number().int() });
