/**
 * Contracts shared by the server and the field agents (agents/ may import only
 * from server/contracts). Everything an agent sends or receives is one of these
 * zod schemas, validated on both sides.
 */
import { z } from "zod";

export const ZBmcProtocol = z.enum(["ipmi", "redfish"]);
export type TBmcProtocol = z.infer<typeof ZBmcProtocol>;

export const ZPowerState = z.enum(["on", "off"]);

/** What a power request asks a BMC to do ("status" only reads the power state). The one list, for the CLI, agents, the agent API and the UI. */
export const POWER_ACTIONS = ["on", "off", "cycle", "reset", "soft", "status"] as const;
export const ZPowerAction = z.enum(POWER_ACTIONS);
export type TPowerAction = z.infer<typeof ZPowerAction>;
/** What a command to a site agent asks: a power action, or "probe" (read the BMC now instead of at its next turn). */
export const AGENT_COMMAND_ACTIONS = [...POWER_ACTIONS, "probe"] as const;
export const ZAgentCommandAction = z.enum(AGENT_COMMAND_ACTIONS);
export type TAgentCommandAction = z.infer<typeof ZAgentCommandAction>;
export const ZSensorStatus = z.enum(["ok", "nc", "cr", "nr", "ns"]); // ipmitool's vocabulary: ok, non-critical, critical, non-recoverable, no reading

/** One asserted state of a discrete sensor: its offset (0-14) and the name the IPMI sensor-type table gives it. */
export const ZSensorState = z.object({ offset: z.number().int().min(0).max(14), name: z.string() });

export const ZSensorReading = z.object({
  name: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  status: ZSensorStatus,
  /** discrete sensors (IPMI event/reading type other than threshold): the states asserted now */
  states: z.array(ZSensorState).optional(),
  /** this record could not be read or decoded; the rest of the probe stands */
  error: z.string().optional(),
});
export type TSensorReading = z.infer<typeof ZSensorReading>;

export const ZSelEntry = z.object({
  id: z.number().int().nonnegative(),
  timestamp: z.string().nullable(), // ISO 8601 UTC, null for "Pre-Init"
  sensorType: z.string(),
  event: z.string(),
});
export type TSelEntry = z.infer<typeof ZSelEntry>;

/** Where a firmware version was read (the same component may be reported by more than one place). */
export const FIRMWARE_SOURCES = ["redfish.FirmwareInventory", "redfish.BiosVersion", "redfish.Manager", "ipmi.deviceId"] as const;
export const ZFirmwareItem = z.object({
  component: z.string(),
  version: z.string(),
  /** where it came from; absent in observations from agents older than this field */
  source: z.enum(FIRMWARE_SOURCES).optional(),
  /** the BMC's own id of the item (Redfish SoftwareInventory Id), when it has one */
  id: z.string().optional(),
});

export const ZFruSummary = z.object({
  manufacturer: z.string().nullable(),
  productName: z.string().nullable(),
  productSerial: z.string().nullable(),
  boardSerial: z.string().nullable(),
  chassisSerial: z.string().nullable(),
  assetTag: z.string().nullable(),
});

export const ZComponent = z.object({
  kind: z.enum(["CPU", "DIMM", "DRIVE", "NIC", "PSU", "OTHER"]),
  slot: z.string(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

/** Identity of one computer system behind a BMC (Redfish ComputerSystem). */
export const ZSystemIdentity = z.object({
  id: z.string(),
  systemType: z.string().nullable(),
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  sku: z.string().nullable(),
  partNumber: z.string().nullable(),
  serialNumber: z.string().nullable(),
  biosVersion: z.string().nullable(),
  assetTag: z.string().nullable(),
  uuid: z.string().nullable(),
  /** null when the system does not report a power state (common on DPUs) */
  power: ZPowerState.nullable(),
});

/** One system with what belongs to it (its own chassis' sensors and parts). */
export const ZSystemReport = ZSystemIdentity.extend({
  primary: z.boolean(),
  chassisSerial: z.string().nullable(),
  boardSerial: z.string().nullable(),
  sensors: z.array(ZSensorReading),
  components: z.array(ZComponent),
  macs: z.array(z.string()),
});

/** What `ironledger bmc probe --json` prints, and what an agent reports per BMC. */
export const ZBmcProbeResult = z.object({
  protocol: ZBmcProtocol,
  power: ZPowerState,
  deviceId: z.object({
    firmwareRevision: z.string(),
    manufacturerId: z.number().int().nullable(),
    productId: z.number().int().nullable(),
  }),
  guid: z.string().nullable(),
  fru: ZFruSummary,
  sensors: z.array(ZSensorReading),
  sel: z.array(ZSelEntry),
  firmware: z.array(ZFirmwareItem),
  macs: z.array(z.string()).optional(),
  components: z.array(ZComponent).optional(),
  security: z
    .object({
      secureBoot: z.enum(["enabled", "disabled", "unknown"]),
      tpm: z
        .object({
          present: z.boolean(),
          version: z.string().nullable(),
          enabled: z.boolean(),
          /** Redfish TrustedModules InterfaceType (TPM2_0, TPM1_2 …); absent from older agents */
          interfaceType: z.string().nullable().optional(),
          firmwareVersion: z.string().nullable().optional(),
        })
        .nullable(),
      /** SecureBoot.SecureBootEnable (what is configured for the next boot); absent from older agents */
      secureBootEnable: z.boolean().nullable().optional(),
      /** SecureBoot.SecureBootMode (SetupMode, UserMode, AuditMode, DeployedMode) */
      secureBootMode: z.string().nullable().optional(),
      /** SecureBoot.SecureBootDatabases, when the service has them: each database and its certificate count */
      secureBootDatabases: z.array(z.object({ id: z.string(), certificates: z.number().int().nullable() })).optional(),
    })
    .optional(),
  /** the primary system's BIOS attributes (Redfish Systems/{id}/Bios Attributes), when the service has them */
  bios: z.object({ attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }).optional(),
  /** the primary system's identity (Redfish); the top-level fields describe this system */
  system: ZSystemIdentity.optional(),
  /** every system behind the BMC, the primary first (Redfish: blades, a DPU inside a host) */
  systems: z.array(ZSystemReport).optional(),
  /** parts of the answer that were left out (an odd member, an unreadable record), one line each */
  warnings: z.array(z.string()).optional(),
});
export type TBmcProbeResult = z.infer<typeof ZBmcProbeResult>;

/** One BMC as the server's direct path reaches it (no site agent between). */
export type TBmcTarget =
  | { protocol: "ipmi"; host: string; port: number; username: string; password: string; allowCipherZero: boolean; privilege: "user" | "operator" | "administrator"; timeoutMs?: number }
  | { protocol: "redfish"; url: string; username: string; password: string; pinnedFingerprint: string | null; timeoutMs?: number };

/**
 * The BMC protocol clients, as the server sees them. The server never imports
 * agents/: the implementation (agents/clients.ts) is passed in through
 * TDeps.bmc by the process's composition root (server/runtime.ts for the web).
 */
export interface TBmcClients {
  /** carries out a power action ("status" only reads) and returns the power state read back */
  power(target: TBmcTarget, action: TPowerAction): Promise<{ power: z.infer<typeof ZPowerState> }>;
  /** reads identity, sensors, SEL and firmware; Redfish also returns the certificate fingerprint it saw */
  probe(target: TBmcTarget): Promise<{ result: TBmcProbeResult; tlsFingerprint: string | null }>;
}
