/**
 * BMC domain: site agents, BMC endpoints per asset, observations (what agents
 * saw, append-only) and findings (reconciliation against the CMDB).
 * What agents send and receive is in server/contracts/{agent,bmc}.ts.
 */
import { z } from "zod";
import { readHostPort } from "../../contracts/normalise";
import { ZAgentCommandAction, ZBmcProbeResult, ZBmcProtocol, ZPowerAction, ZPowerState, type TAgentCommandAction } from "../../contracts/bmc";

export const FINDING_KINDS = ["SERIAL_MISMATCH", "MODEL_MISMATCH", "COMPONENT_MISSING", "COMPONENT_UNEXPECTED", "UNREACHABLE", "TLS_MISMATCH"] as const;
export const ZFindingKind = z.enum(FINDING_KINDS);
export type TFindingKind = z.infer<typeof ZFindingKind>;

/** OPEN: waits for a person. ACCEPTED / DISMISSED: a person decided. RESOLVED: the fact went away by itself. */
export const FINDING_STATUSES = ["OPEN", "ACCEPTED", "DISMISSED", "RESOLVED"] as const;
export const ZFindingStatus = z.enum(FINDING_STATUSES);
export type TFindingStatus = z.infer<typeof ZFindingStatus>;

// labels pages show: ./status.ts (no zod, so the browser bundle stays small)
export { FINDING_META, SENSOR_STATUS_META } from "./status";

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
  // the one host:port rule, shared with the agents (server/contracts/normalise.ts)
  return readHostPort(addr).ok ? null : "An IPMI address is host or host:port, e.g. 10.0.0.5:623";
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

const findingIds = z.array(z.string().min(1)).min(1, "Choose at least one finding").max(500, "At most 500 findings at once");

/** Accept or dismiss several open findings of one asset at once. */
export const ZFindingsDecision = z.object({
  assetId: z.string().min(1),
  ids: findingIds,
  decision: z.enum(["ACCEPTED", "DISMISSED"]),
  note: z.string().trim().max(500).optional(),
});
export type TFindingsDecision = z.input<typeof ZFindingsDecision>;

/** Undo: back to OPEN, for decisions the same person made a moment ago. */
export const ZFindingsReopen = z.object({ assetId: z.string().min(1), ids: findingIds });
export type TFindingsReopen = z.input<typeof ZFindingsReopen>;

/** Register the parts behind "unknown part" findings as parts of the asset; one catalog model per kind of part. */
export const ZAddUnknownParts = z.object({
  assetId: z.string().min(1),
  ids: findingIds,
  /** part kind (CPU, DIMM, DRIVE, NIC, PSU) → the catalog model to register those parts as */
  models: z.record(z.string().min(1).max(16), z.string().min(1)),
});
export type TAddUnknownParts = z.input<typeof ZAddUnknownParts>;
export const ZAddedParts = z.object({
  created: z.array(z.object({ id: z.string(), serial: z.string(), kind: z.string(), modelName: z.string() })),
  accepted: z.number().int(),
});

export const ZPowerInput = z.object({
  assetId: z.string().min(1),
  action: ZPowerAction.exclude(["status"]),
  /** the UI asks first; the server insists */
  confirm: z.literal(true, { error: "Confirm the power action" }),
});
export type TPowerInput = z.input<typeof ZPowerInput>;

/** An endpoint as people see it: never the password (the output schema strips any other key). */
export const ZEndpointPublic = z.object({
  id: z.string(),
  assetId: z.string(),
  agentId: z.string().nullable(),
  agentName: z.string().nullable(),
  protocol: z.string().pipe(ZBmcProtocol),
  address: z.string(),
  username: z.string(),
  hasPassword: z.boolean(),
  intervalSec: z.number().int(),
  allowCipherZero: z.boolean(),
  tlsFingerprint: z.string().nullable(),
  lastSeenAt: z.date().nullable(),
  lastPower: z.string().nullable(),
  lastStatus: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TEndpointPublic = z.infer<typeof ZEndpointPublic>;
export const ZEndpointsPublic = z.array(ZEndpointPublic);

export const ZFinding = z.object({
  id: z.string(),
  endpointId: z.string(),
  assetId: z.string(),
  kind: z.string().pipe(ZFindingKind),
  key: z.string(),
  detail: z.record(z.string(), z.unknown()),
  status: z.string().pipe(ZFindingStatus),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.date().nullable(),
});
export type TFinding = z.infer<typeof ZFinding>;
export const ZFindings = z.array(ZFinding);
/** What a bulk decision or an undo changed. */
export const ZFindingsChanged = z.object({ count: z.number().int(), findings: ZFindings });

export const ZFindingListInput = z.object({ assetId: z.string().min(1).optional(), status: z.array(ZFindingStatus).max(4).optional(), take: z.number().int().min(1).max(500).optional() });
export const ZEndpointListInput = z.object({ agentId: z.string().min(1).optional() });
export const ZIdInput = z.object({ id: z.string().min(1) });
export const ZAssetIdInput = z.object({ assetId: z.string().min(1) });

/** A site agent as people see it: never its token or token hash. */
export const ZAgent = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  /** the first characters, to recognise the token */
  prefix: z.string(),
  lastSeenAt: z.date().nullable(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
});
export type TAgent = z.infer<typeof ZAgent>;
export const ZAgentListItem = ZAgent.extend({
  site: z.object({ code: z.string(), name: z.string() }).nullable(),
  _count: z.object({ endpoints: z.number().int() }),
});
export const ZAgentList = z.array(ZAgentListItem);
/** A new agent: the only answer that carries its token (shown once). */
export const ZAgentCreated = ZAgent.extend({ token: z.string() });

/** The agent of an endpoint as the BMC panel shows it: when it last called in, and whether it counts as online. */
export const ZPanelAgent = z.object({
  id: z.string(),
  name: z.string(),
  siteId: z.string().nullable(),
  lastSeenAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  /** called in lately (service.ts agentOfflineAfterSec), and not revoked */
  online: z.boolean(),
  /** how often the agent asks for its work (new BMCs are picked up within this) */
  pollIntervalSec: z.number().int(),
});

/** The asset page's BMC view: the endpoint, the latest probe (20 newest SEL entries), open findings, the asset's site and the endpoint's agent. */
export const ZAssetBmc = z.object({
  /** where the asset stands: the endpoint form preselects an agent of this site */
  site: z.object({ id: z.string(), name: z.string() }).nullable(),
  agent: ZPanelAgent.nullable(),
  endpoint: ZEndpointPublic.nullable(),
  probe: ZBmcProbeResult.extend({ observedAt: z.date() }).nullable(),
  findings: ZFindings,
});
export type TAssetBmc = z.infer<typeof ZAssetBmc>;

export const ZPowerResult = z.object({ power: ZPowerState });

/** A power command for a BMC behind a site agent (server/domains/bmc/commands.ts). */
export const COMMAND_STATUSES = ["QUEUED", "SENT", "DONE", "FAILED", "EXPIRED", "CANCELLED"] as const;
export type TCommandStatus = (typeof COMMAND_STATUSES)[number];
export type TCommandAction = TAgentCommandAction;

export const ZCommandQueue = z.object({
  assetId: z.string().min(1),
  /** a power action, or "probe" (read the BMC now) */
  action: ZAgentCommandAction,
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
export const ZBmcCommand = z.object({
  id: z.string(),
  endpointId: z.string(),
  assetId: z.string(),
  agentId: z.string(),
  action: z.string().pipe(ZAgentCommandAction),
  status: z.string().pipe(z.enum(COMMAND_STATUSES)),
  requestedBy: z.string(),
  requestedByName: z.string(),
  requestedAt: z.date(),
  expiresAt: z.date(),
  sentAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  power: z.string().pipe(ZPowerState).nullable(),
  error: z.string().nullable(),
});
export type TBmcCommand = z.infer<typeof ZBmcCommand>;
export const ZBmcCommands = z.array(ZBmcCommand);
export const ZCommandCancel = z.object({ id: z.string().min(1) });
