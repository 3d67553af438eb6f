/**
 * BMC domain: site agents, BMC endpoints per asset, observations (what agents
 * saw, append-only) and findings (reconciliation against the CMDB).
 * What agents send and receive is in server/contracts/{agent,bmc}.ts.
 */
import { z } from "zod";
import { ZBmcProtocol, ZPowerAction, ZSensorStatus, type TPowerAction } from "../../contracts/bmc";

export const FINDING_KINDS = ["SERIAL_MISMATCH", "COMPONENT_MISSING", "COMPONENT_UNEXPECTED", "UNREACHABLE", "TLS_MISMATCH"] as const;
export const ZFindingKind = z.enum(FINDING_KINDS);
export type TFindingKind = z.infer<typeof ZFindingKind>;

/** OPEN: waits for a person. ACCEPTED / DISMISSED: a person decided. RESOLVED: the fact went away by itself. */
export const FINDING_STATUSES = ["OPEN", "ACCEPTED", "DISMISSED", "RESOLVED"] as const;
export const ZFindingStatus = z.enum(FINDING_STATUSES);
export type TFindingStatus = z.infer<typeof ZFindingStatus>;

export const FINDING_META: Record<TFindingKind, { label: string; hint: string }> = {
  SERIAL_MISMATCH: { label: "Serial differs", hint: "The BMC reports a serial that is not the one in the record. Check the label on the chassis, then correct the record or the BMC address." },
  COMPONENT_MISSING: { label: "Part missing", hint: "A part the record lists was not reported by the BMC. Check whether it was removed, then update the record." },
  COMPONENT_UNEXPECTED: { label: "Unknown part", hint: "The BMC reports a part the record does not list. Register it as a part of this asset, or find out who fitted it." },
  UNREACHABLE: { label: "BMC unreachable", hint: "The site agent could not reach the BMC. Check the cable, address and credentials." },
  TLS_MISMATCH: { label: "Certificate changed", hint: "The BMC presented a different certificate than the one pinned. Verify the BMC before trusting it." },
};

export const SENSOR_STATUS_META: Record<z.infer<typeof ZSensorStatus>, { label: string; className: string }> = {
  ok: { label: "OK", className: "bg-green-100 text-green-800" },
  nc: { label: "Non-critical", className: "bg-amber-100 text-amber-800" },
  cr: { label: "Critical", className: "bg-red-100 text-red-800" },
  nr: { label: "Non-recoverable", className: "bg-red-200 text-red-900" },
  ns: { label: "No reading", className: "bg-slate-100 text-slate-600" },
};

const name = z.string().trim().min(2, "A name has at least 2 characters").max(64).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Letters, digits, space, . _ - only");

export const ZAgentCreate = z.object({
  name,
  siteId: z.string().min(1).nullable().optional(),
});
export type TAgentCreate = z.input<typeof ZAgentCreate>;

/** ipmi: host or host:port; redfish: https://host[:port] */
const address = z.string().trim().min(1, "Enter the BMC address").max(256);

export const ZEndpointCreate = z
  .object({
    assetId: z.string().min(1),
    agentId: z.string().min(1).nullable().optional(),
    protocol: ZBmcProtocol,
    address,
    username: z.string().min(1, "Enter the BMC user name").max(64),
    password: z.string().min(1, "Enter the BMC password").max(128),
    intervalSec: z.number().int().min(5).max(86_400).default(300),
    allowCipherZero: z.boolean().default(false),
  })
  .superRefine((v, ctx) => checkAddress(v.protocol, v.address, ctx));
export type TEndpointCreate = z.input<typeof ZEndpointCreate>;

function checkAddress(protocol: "ipmi" | "redfish", addr: string, ctx: z.RefinementCtx) {
  const problem = addressProblem(protocol, addr);
  if (problem) ctx.addIssue({ code: "custom", path: ["address"], message: problem });
}

/** Why `addr` is not a valid address for `protocol`, or null; used on create and on update. */
export function addressProblem(protocol: "ipmi" | "redfish", addr: string): string | null {
  if (protocol === "redfish") {
    let ok = false;
    try {
      const u = new URL(addr);
      ok = u.protocol === "https:" && !u.username && !u.password;
    } catch {
      /* not a URL */
    }
    return ok ? null : "A Redfish address is an https:// URL, e.g. https://10.0.0.5";
  }
  const m = /^[A-Za-z0-9.\-]+(?::(\d{1,5}))?$|^\[[0-9a-fA-F:]+\](?::(\d{1,5}))?$/.exec(addr);
  const port = m ? Number(m[1] ?? m[2] ?? 623) : 0;
  return m && port >= 1 && port <= 65535 ? null : "An IPMI address is host or host:port, e.g. 10.0.0.5:623";
}

export const ZEndpointUpdate = z.object({
  id: z.string().min(1),
  data: z
    .object({
      agentId: z.string().min(1).nullable().optional(),
      protocol: ZBmcProtocol.optional(),
      address: address.optional(),
      username: z.string().min(1).max(64).optional(),
      password: z.string().min(1).max(128).optional(),
      intervalSec: z.number().int().min(5).max(86_400).optional(),
      allowCipherZero: z.boolean().optional(),
      /** forget the pinned certificate (after a BMC was replaced); the next probe pins again */
      resetTlsPin: z.literal(true).optional(),
      /**
       * Changing where the credentials go (protocol, address, port, agent) or
       * resetting the TLS pin needs the password entered again; an admin may
       * instead approve sending the stored one to the new place.
       */
      keepCredentials: z.literal(true).optional(),
    })
    .refine((d) => Object.keys(d).length > 0, "Nothing to change"),
});
export type TEndpointUpdate = z.input<typeof ZEndpointUpdate>;

export const ZFindingDecision = z.object({
  id: z.string().min(1),
  decision: z.enum(["ACCEPTED", "DISMISSED"]),
  note: z.string().trim().max(500).optional(),
});
export type TFindingDecision = z.input<typeof ZFindingDecision>;

export const ZPowerInput = z.object({
  assetId: z.string().min(1),
  action: ZPowerAction.exclude(["status"]),
  /** the UI asks first; the server insists */
  confirm: z.literal(true, { error: "Confirm the power action" }),
});
export type TPowerInput = z.input<typeof ZPowerInput>;

/** An endpoint as people see it: never the password. */
export interface TEndpointPublic {
  id: string;
  assetId: string;
  agentId: string | null;
  agentName: string | null;
  protocol: string;
  address: string;
  username: string;
  hasPassword: boolean;
  intervalSec: number;
  allowCipherZero: boolean;
  tlsFingerprint: string | null;
  lastSeenAt: Date | null;
  lastPower: string | null;
  lastStatus: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TFinding {
  id: string;
  endpointId: string;
  assetId: string;
  kind: TFindingKind;
  key: string;
  detail: Record<string, unknown>;
  status: TFindingStatus;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

/** A power command for a BMC behind a site agent (server/domains/bmc/commands.ts). */
export const COMMAND_STATUSES = ["QUEUED", "SENT", "DONE", "FAILED", "EXPIRED"] as const;
export type TCommandStatus = (typeof COMMAND_STATUSES)[number];
export type TCommandAction = TPowerAction;

export const ZCommandQueue = z.object({
  assetId: z.string().min(1),
  action: ZPowerAction,
  /** the UI asks first; the server insists (a status read needs no confirmation, but takes one) */
  confirm: z.literal(true, { error: "Confirm the power action" }),
});
export type TCommandQueue = z.input<typeof ZCommandQueue>;

export const ZCommandList = z.object({
  assetId: z.string().min(1),
  take: z.number().int().min(1).max(100).optional(),
});
export type TCommandList = z.input<typeof ZCommandList>;

/** A command as people see it. */
export interface TBmcCommand {
  id: string;
  endpointId: string;
  assetId: string;
  agentId: string;
  action: TCommandAction;
  status: TCommandStatus;
  requestedBy: string;
  requestedByName: string;
  requestedAt: Date;
  expiresAt: Date;
  sentAt: Date | null;
  finishedAt: Date | null;
  power: "on" | "off" | null;
  error: string | null;
}
