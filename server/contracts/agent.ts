/**
 * The agent API (server side: app/api/agent/v1/*). A site agent authenticates
 * with its own bearer token, pulls its work and pushes observations.
 *
 *   GET  /api/agent/v1/work           -> TAgentWork
 *   POST /api/agent/v1/observations   TObservationBatch -> TObservationAck
 *   GET  /api/agent/v1/commands?wait=SECONDS   -> TAgentCommands (long poll, at most
 *        AGENT_COMMANDS_MAX_WAIT_SEC; answers as soon as a command is queued, an
 *        empty list at the timeout; each command is handed out once)
 *
 * A command's result comes back as a `bmc.command` observation through the
 * journal and the observations endpoint, so it survives a server outage and
 * is stored exactly once. An agent never executes a command after its
 * `expiresAt`, and executes each `commandId` at most once (also across
 * restarts). Servers without /commands answer 404; agents then keep probing.
 *
 * Observations carry an idempotency key chosen by the agent (stable across
 * retries); the server stores each key once and answers duplicates as such.
 *
 *   POST /api/agent/v1/lldp           TLldpObservationBatch -> TObservationAck
 *        (switches in the work, `switches`, walked over SNMP: LLDP views; older
 *        servers send no switches and answer 404 here)
 */
import { z } from "zod";
import { ZAgentCommandAction, ZBmcProbeResult, ZBmcProtocol } from "./bmc";
import { ZLldpView } from "./lldp";

export const ZAgentTarget = z.object({
  endpointId: z.string().min(1),
  assetId: z.string().min(1),
  protocol: ZBmcProtocol,
  /** ipmi: "host:port" (port defaults to 623); redfish: base URL "https://host:port" */
  address: z.string().min(1),
  username: z.string(),
  password: z.string(),
  intervalSec: z.number().int().min(5).max(86_400),
  /** IPMI cipher suite 0 (no authentication) is refused unless this is true. */
  allowCipherZero: z.boolean().default(false),
  /** Redfish: SHA-256 fingerprint of the BMC certificate pinned on first use (hex, colon-separated upper-case), null until first contact. */
  tlsFingerprint: z.string().nullable().default(null),
});
export type TAgentTarget = z.infer<typeof ZAgentTarget>;

/**
 * A burn-in run watching one BMC: the agent probes that target every `intervalSec` (instead of the
 * target's own interval) until `until`. The readings come back as ordinary bmc.probe observations,
 * judged by the server against the run by their observedAt.
 */
export const ZBurnInWatch = z.object({
  runId: z.string().min(1),
  endpointId: z.string().min(1),
  intervalSec: z.number().int().min(1).max(3_600),
  until: z.string().datetime(),
});
export type TBurnInWatch = z.infer<typeof ZBurnInWatch>;

/** A switch the agent walks (LLDP-MIB over SNMP); the community or v3 keys are opened for the agent only. */
export const ZAgentSwitch = z.object({
  switchId: z.string().min(1),
  assetId: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  intervalSec: z.number().int().min(5).max(86_400),
  timeoutMs: z.number().int().min(100).max(60_000),
  snmp: z.discriminatedUnion("version", [
    z.object({ version: z.literal("2c"), community: z.string().min(1) }),
    z.object({
      version: z.literal("3"),
      user: z.string().min(1),
      authProtocol: z.enum(["sha", "sha256"]),
      authKey: z.string().min(1),
      privProtocol: z.enum(["aes", "aes256b", "aes256r"]),
      privKey: z.string().min(1),
    }),
  ]),
});
export type TAgentSwitch = z.infer<typeof ZAgentSwitch>;

export const ZAgentWork = z.object({
  agentId: z.string(),
  siteId: z.string().nullable(),
  pollIntervalSec: z.number().int().min(1),
  targets: z.array(ZAgentTarget),
  /** burn-in runs watching some of the targets (older servers send none) */
  watches: z.array(ZBurnInWatch).optional(),
  /** switches to walk for LLDP over SNMP (older servers send none) */
  switches: z.array(ZAgentSwitch).optional(),
});
export type TAgentWork = z.infer<typeof ZAgentWork>;


/** The longest a GET /commands request is held open by the server. */
export const AGENT_COMMANDS_MAX_WAIT_SEC = 25;

/**
 * A firmware update the agent carries out through Redfish UpdateService (campaigns, server/domains/firmware/campaign.ts):
 * POST SimpleUpdate with the image URI, follow the Task to Completed or Exception (polling with backoff, bounded by
 * `maxMs`), reset the system when the task says the update waits for one, then probe the BMC (the fresh version
 * comes as a bmc.probe observation before the command's result).
 */
export const FIRMWARE_UPDATE_ACTION = "firmware.update";
export const ZFirmwareUpdateParams = z.object({
  imageUri: z.string().min(1).max(2000),
  transferProtocol: z.enum(["HTTP", "HTTPS"]).optional(),
  /** FirmwareInventory URIs the image is for (optional; the BMC picks otherwise) */
  targets: z.array(z.string().min(1).max(500)).max(16).optional(),
  /** the system reset that activates it (when the task says it waits for one) */
  resetType: z.enum(["ForceRestart", "GracefulRestart", "PowerCycle"]).default("ForceRestart"),
  /** the longest the agent follows the task */
  maxMs: z.number().int().min(1_000).max(4 * 3600_000).default(30 * 60_000),
});
export type TFirmwareUpdateParams = z.infer<typeof ZFirmwareUpdateParams>;

export const ZAgentCommand = z.object({
  commandId: z.string().min(1).max(128),
  endpointId: z.string().min(1),
  /** a power action, or "probe": read the BMC now (the readings come as a bmc.probe observation, then the command's result), or "firmware.update" (with `firmware`) */
  action: z.union([ZAgentCommandAction, z.literal(FIRMWARE_UPDATE_ACTION)]),
  requestedAt: z.string().datetime(),
  /** not to be executed at or after this moment */
  expiresAt: z.string().datetime(),
  /** the update of a "firmware.update" command */
  firmware: ZFirmwareUpdateParams.optional(),
});
export type TAgentCommand = z.infer<typeof ZAgentCommand>;

export const ZAgentCommands = z.object({
  commands: z.array(ZAgentCommand),
});
export type TAgentCommands = z.infer<typeof ZAgentCommands>;

/** Why a command was not carried out: the probe reasons, plus expired / unknown-endpoint. */
export const COMMAND_ERROR_REASONS = ["timeout", "auth", "privilege", "tls-mismatch", "protocol", "network", "expired", "unknown-endpoint"] as const;
export const ZCommandErrorReason = z.enum(COMMAND_ERROR_REASONS);

export const ZObservation = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("bmc.probe"),
    idempotencyKey: z.string().min(8).max(128),
    endpointId: z.string().min(1),
    observedAt: z.string().datetime(),
    durationMs: z.number().nonnegative(),
    /** Redfish: fingerprint of the certificate that was presented (for pin-on-first-use). */
    tlsFingerprint: z.string().nullable().optional(),
    result: ZBmcProbeResult,
  }),
  z.object({
    kind: z.literal("bmc.unreachable"),
    idempotencyKey: z.string().min(8).max(128),
    endpointId: z.string().min(1),
    observedAt: z.string().datetime(),
    durationMs: z.number().nonnegative(),
    /** machine-readable reason: timeout | auth | privilege | tls-mismatch | protocol | network */
    reason: z.enum(["timeout", "auth", "privilege", "tls-mismatch", "protocol", "network"]),
    message: z.string().max(2000),
  }),
  z.object({
    kind: z.literal("bmc.command"),
    idempotencyKey: z.string().min(8).max(128),
    commandId: z.string().min(1).max(128),
    endpointId: z.string().min(1),
    observedAt: z.string().datetime(),
    durationMs: z.number().nonnegative(),
    ok: z.boolean(),
    /** the power state the BMC reported after the action */
    power: z.enum(["on", "off"]).optional(),
    error: z.object({ reason: ZCommandErrorReason, message: z.string().max(2000) }).optional(),
  }),
]);
export type TObservation = z.infer<typeof ZObservation>;

export const ZObservationBatch = z.object({
  observations: z.array(ZObservation).min(1).max(500),
});
export type TObservationBatch = z.infer<typeof ZObservationBatch>;

export const ZObservationAck = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  /** every key of the batch that the server now holds (new or already held): the agent may drop them */
  stored: z.array(z.string()),
});
export type TObservationAck = z.infer<typeof ZObservationAck>;

/** One walk of a switch: its LLDP view, or why there is none. */
export const ZLldpObservation = z.object({
  kind: z.literal("lldp"),
  idempotencyKey: z.string().min(8).max(128),
  switchId: z.string().min(1),
  observedAt: z.string().datetime(),
  durationMs: z.number().nonnegative(),
  view: ZLldpView.optional(),
  error: z.object({ reason: z.enum(["timeout", "auth", "network", "protocol"]), message: z.string().max(2000) }).optional(),
});
export type TLldpObservation = z.infer<typeof ZLldpObservation>;

export const ZLldpObservationBatch = z.object({
  observations: z.array(ZLldpObservation).min(1).max(100),
});
export type TLldpObservationBatch = z.infer<typeof ZLldpObservationBatch>;
