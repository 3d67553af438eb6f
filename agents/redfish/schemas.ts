/**
 * zod schemas of the Redfish resources the client reads (DMTF Redfish schema,
 * the properties we use). Objects are loose: BMCs add OEM and newer
 * properties; what we read must have the right type, or the payload is a
 * protocol error.
 */
import { z } from "zod";

const Str = z.string().nullish();
const Num = z.number().nullish();

export const ZOdataRef = z.looseObject({ "@odata.id": z.string() });
const Ref = ZOdataRef.nullish();

export const ZStatus = z.looseObject({ State: Str, Health: Str }).nullish();

export const ZCollection = z.looseObject({
  Members: z.array(ZOdataRef),
  "Members@odata.count": z.number().int().nonnegative().optional(),
  "Members@odata.nextLink": z.string().nullish(),
  "@odata.nextLink": z.string().nullish(),
});

export const ZServiceRoot = z.looseObject({
  RedfishVersion: Str,
  UUID: Str,
  Systems: Ref,
  Chassis: Ref,
  Managers: Ref,
  UpdateService: Ref,
  SessionService: Ref,
  Links: z.looseObject({ Sessions: Ref }).nullish(),
});
export type TServiceRoot = z.infer<typeof ZServiceRoot>;

export const ZPowerStateRf = z.enum(["On", "Off", "PoweringOn", "PoweringOff", "Paused"]);

export const ZSystem = z.looseObject({
  "@odata.id": z.string(),
  Id: Str,
  SystemType: Str,
  Manufacturer: Str,
  Model: Str,
  SKU: Str,
  PartNumber: Str,
  SerialNumber: Str,
  AssetTag: Str,
  UUID: Str,
  BiosVersion: Str,
  /** optional in the schema (DPUs and sidecar systems leave it out); an unknown value reads as unknown */
  PowerState: Str,
  Status: ZStatus,
  Processors: Ref,
  Memory: Ref,
  Storage: Ref,
  SimpleStorage: Ref,
  EthernetInterfaces: Ref,
  SecureBoot: Ref,
  Bios: Ref,
  LogServices: Ref,
  TrustedModules: z.array(z.looseObject({ FirmwareVersion: Str, InterfaceType: Str, Status: ZStatus })).nullish(),
  Actions: z
    .looseObject({
      "#ComputerSystem.Reset": z
        .looseObject({ target: z.string(), "ResetType@Redfish.AllowableValues": z.array(z.string()).nullish() })
        .nullish(),
    })
    .nullish(),
  Links: z.looseObject({ Chassis: z.array(ZOdataRef).nullish(), ManagedBy: z.array(ZOdataRef).nullish() }).nullish(),
  Oem: z.record(z.string(), z.unknown()).nullish(),
});
export type TSystem = z.infer<typeof ZSystem>;

export const ZProcessor = z.looseObject({
  Id: Str,
  Name: Str,
  Socket: Str,
  ProcessorType: Str,
  Manufacturer: Str,
  Model: Str,
  SerialNumber: Str,
  TotalCores: Num,
  TotalThreads: Num,
  MaxSpeedMHz: Num,
  Status: ZStatus,
});

export const ZMemory = z.looseObject({
  Id: Str,
  Name: Str,
  DeviceLocator: Str,
  MemoryDeviceType: Str,
  Manufacturer: Str,
  PartNumber: Str,
  SerialNumber: Str,
  CapacityMiB: Num,
  OperatingSpeedMhz: Num,
  Status: ZStatus,
});

export const ZStorage = z.looseObject({ Id: Str, Name: Str, Drives: z.array(ZOdataRef).nullish() });

export const ZSimpleStorage = z.looseObject({
  Id: Str,
  Name: Str,
  Devices: z
    .array(z.looseObject({ Name: Str, Manufacturer: Str, Model: Str, CapacityBytes: Num, Status: ZStatus }))
    .nullish(),
});

export const ZDrive = z.looseObject({
  Id: Str,
  Name: Str,
  Manufacturer: Str,
  Model: Str,
  SerialNumber: Str,
  CapacityBytes: Num,
  MediaType: Str,
  Protocol: Str,
  Revision: Str,
  PhysicalLocation: z.looseObject({ PartLocation: z.looseObject({ ServiceLabel: Str }).nullish() }).nullish(),
  Status: ZStatus,
});

export const ZEthernetInterface = z.looseObject({
  Id: Str,
  Name: Str,
  MACAddress: Str,
  PermanentMACAddress: Str,
  SpeedMbps: Num,
  LinkStatus: Str,
  Status: ZStatus,
});

export const ZSecureBoot = z.looseObject({ SecureBootEnable: z.boolean().nullish(), SecureBootCurrentBoot: Str, SecureBootMode: Str, SecureBootDatabases: Ref });

/** One SecureBootDatabase (db, dbx, KEK, PK …) and the link to its certificates. */
export const ZSecureBootDatabase = z.looseObject({ Id: Str, DatabaseId: Str, Certificates: Ref });

/** Systems/{id}/Bios: the attributes as the vendor names them (strings, numbers, booleans). */
export const ZBios = z.looseObject({ Attributes: z.record(z.string(), z.unknown()).nullish() });

export const ZChassis = z.looseObject({
  "@odata.id": z.string(),
  Id: Str,
  Name: Str,
  ChassisType: Str,
  Manufacturer: Str,
  Model: Str,
  SerialNumber: Str,
  PartNumber: Str,
  AssetTag: Str,
  Sensors: Ref,
  Thermal: Ref,
  Power: Ref,
  ThermalSubsystem: Ref,
  PowerSubsystem: Ref,
  PowerState: Str,
  Links: z
    .looseObject({
      ComputerSystems: z.array(ZOdataRef).nullish(),
      ContainedBy: Ref,
      Contains: z.array(ZOdataRef).nullish(),
    })
    .nullish(),
  Oem: z.record(z.string(), z.unknown()).nullish(),
});
export type TChassis = z.infer<typeof ZChassis>;

const Threshold = z.looseObject({ Reading: Num }).nullish();
export const ZSensor = z.looseObject({
  Id: Str,
  Name: Str,
  ReadingType: Str,
  Reading: Num,
  ReadingUnits: Str,
  Thresholds: z
    .looseObject({
      LowerCaution: Threshold,
      LowerCritical: Threshold,
      LowerFatal: Threshold,
      UpperCaution: Threshold,
      UpperCritical: Threshold,
      UpperFatal: Threshold,
    })
    .nullish(),
  Status: ZStatus,
});

const OldThresholds = {
  UpperThresholdNonCritical: Num,
  UpperThresholdCritical: Num,
  UpperThresholdFatal: Num,
  LowerThresholdNonCritical: Num,
  LowerThresholdCritical: Num,
  LowerThresholdFatal: Num,
};

export const ZThermal = z.looseObject({
  Temperatures: z.array(z.looseObject({ Name: Str, MemberId: Str, ReadingCelsius: Num, ...OldThresholds, Status: ZStatus })).nullish(),
  Fans: z.array(z.looseObject({ Name: Str, FanName: Str, MemberId: Str, Reading: Num, ReadingUnits: Str, ...OldThresholds, Status: ZStatus })).nullish(),
});

const ZOldPsu = z.looseObject({ Name: Str, MemberId: Str, Model: Str, SerialNumber: Str, FirmwareVersion: Str, PowerCapacityWatts: Num, Status: ZStatus });
export const ZPower = z.looseObject({
  PowerControl: z.array(z.looseObject({ Name: Str, MemberId: Str, PowerConsumedWatts: Num, Status: ZStatus })).nullish(),
  Voltages: z.array(z.looseObject({ Name: Str, MemberId: Str, ReadingVolts: Num, ...OldThresholds, Status: ZStatus })).nullish(),
  PowerSupplies: z.array(ZOldPsu).nullish(),
});

export const ZPowerSubsystem = z.looseObject({ PowerSupplies: Ref });
export const ZPowerSupply = z.looseObject({ Id: Str, Name: Str, Model: Str, SerialNumber: Str, FirmwareVersion: Str, PowerCapacityWatts: Num, Status: ZStatus });

export const ZManager = z.looseObject({
  "@odata.id": z.string(),
  Id: Str,
  ManagerType: Str,
  Model: Str,
  FirmwareVersion: Str,
  LogServices: Ref,
});
export type TManager = z.infer<typeof ZManager>;

export const ZLogService = z.looseObject({ Id: Str, Name: Str, LogEntryType: Str, Entries: Ref });

export const ZLogEntry = z.looseObject({
  Id: z.string(),
  Created: Str,
  EntryType: Str,
  Message: Str,
  MessageId: Str,
  SensorType: Str,
  Severity: Str,
});

export const ZUpdateService = z.looseObject({ FirmwareInventory: Ref });
export const ZSoftwareInventory = z.looseObject({ Id: z.string(), Name: Str, Version: Str, Status: ZStatus });
