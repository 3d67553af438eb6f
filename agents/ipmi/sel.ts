/**
 * System Event Log records: decode into sensor type name and event text.
 */
import { DecodeError } from "./errors";

export const SENSOR_TYPE_NAMES: Record<number, string> = {
  0x01: "Temperature", 0x02: "Voltage", 0x03: "Current", 0x04: "Fan", 0x05: "Physical Security",
  0x06: "Platform Security", 0x07: "Processor", 0x08: "Power Supply", 0x09: "Power Unit",
  0x0a: "Cooling Device", 0x0b: "Other", 0x0c: "Memory", 0x0d: "Drive Slot / Bay",
  0x0e: "POST Memory Resize", 0x0f: "System Firmwares", 0x10: "Event Logging Disabled",
  0x11: "Watchdog1", 0x12: "System Event", 0x13: "Critical Interrupt", 0x14: "Button",
  0x15: "Module / Board", 0x16: "Microcontroller", 0x17: "Add-in Card", 0x18: "Chassis",
  0x19: "Chip Set", 0x1a: "Other FRU", 0x1b: "Cable / Interconnect", 0x1c: "Terminator",
  0x1d: "System Boot Initiated", 0x1e: "Boot Error", 0x1f: "OS Boot", 0x20: "OS Critical Stop",
  0x21: "Slot / Connector", 0x22: "System ACPI Power State", 0x23: "Watchdog2", 0x24: "Platform Alert",
  0x25: "Entity Presence", 0x26: "Monitor ASIC", 0x27: "LAN", 0x28: "Management Subsys Health",
  0x29: "Battery", 0x2a: "Session Audit", 0x2b: "Version Change", 0x2c: "FRU State",
};

export function sensorTypeName(t: number): string {
  if (t >= 0xc0) return `OEM reserved #0x${t.toString(16)}`;
  return SENSOR_TYPE_NAMES[t] ?? `Unknown #0x${t.toString(16).padStart(2, "0")}`;
}

const THRESHOLD_OFFSETS = [
  "Lower Non-critical going low", "Lower Non-critical going high",
  "Lower Critical going low", "Lower Critical going high",
  "Lower Non-recoverable going low", "Lower Non-recoverable going high",
  "Upper Non-critical going low", "Upper Non-critical going high",
  "Upper Critical going low", "Upper Critical going high",
  "Upper Non-recoverable going low", "Upper Non-recoverable going high",
];

/** Generic event/reading types 0x02-0x0C (IPMI v2.0 table 42-2). */
const GENERIC: Record<number, string[]> = {
  0x02: ["Transition to Idle", "Transition to Active", "Transition to Busy"],
  0x03: ["State Deasserted", "State Asserted"],
  0x04: ["Predictive Failure Deasserted", "Predictive Failure Asserted"],
  0x05: ["Limit Not Exceeded", "Limit Exceeded"],
  0x06: ["Performance Met", "Performance Lags"],
  0x07: [
    "Transition to OK", "Transition to Non-critical from OK", "Transition to Critical from less severe",
    "Transition to Non-recoverable from less severe", "Transition to Non-critical from more severe",
    "Transition to Critical from Non-recoverable", "Transition to Non-recoverable", "Monitor", "Informational",
  ],
  0x08: ["Device Absent", "Device Present"],
  0x09: ["Device Disabled", "Device Enabled"],
  0x0a: [
    "Transition to Running", "Transition to In Test", "Transition to Power Off", "Transition to On Line",
    "Transition to Off Line", "Transition to Off Duty", "Transition to Degraded", "Transition to Power Save",
    "Install Error",
  ],
  0x0b: [
    "Fully Redundant", "Redundancy Lost", "Redundancy Degraded", "Non-Redundant: Sufficient from Redundant",
    "Non-Redundant: Sufficient from Insufficient", "Non-Redundant: Insufficient Resources",
    "Redundancy Degraded from Fully Redundant", "Redundancy Degraded from Non-Redundant",
  ],
  0x0c: ["D0 Power State", "D1 Power State", "D2 Power State", "D3 Power State"],
};

/** Sensor-specific offsets (event/reading type 0x6F) for common sensor types (table 42-3). */
const SPECIFIC: Record<number, string[]> = {
  0x05: ["General Chassis intrusion", "Drive Bay intrusion", "I/O Card area intrusion", "Processor area intrusion", "System unplugged from LAN", "Unauthorized dock", "FAN area intrusion"],
  0x06: ["Front Panel Lockout violation attempted", "Pre-boot password violation - user password", "Pre-boot password violation - setup password", "Pre-boot password violation - network boot password", "Other pre-boot password violation", "Out-of-band access password violation"],
  0x07: ["IERR", "Thermal Trip", "FRB1/BIST failure", "FRB2/Hang in POST failure", "FRB3/Processor Startup/Init failure", "Configuration Error", "SM BIOS Uncorrectable CPU-complex Error", "Presence detected", "Disabled", "Terminator presence detected", "Throttled", "Uncorrectable machine check exception", "Correctable machine check error"],
  0x08: ["Presence detected", "Failure detected", "Predictive failure", "Power Supply AC lost", "AC lost or out-of-range", "AC out-of-range, but present", "Config Error", "Power Supply Inactive"],
  0x09: ["Power off/down", "Power cycle", "240VA power down", "Interlock power down", "AC lost", "Soft-power control failure", "Failure detected", "Predictive failure"],
  0x0c: ["Correctable ECC", "Uncorrectable ECC", "Parity", "Memory Scrub Failed", "Memory Device Disabled", "Correctable ECC logging limit reached", "Presence Detected", "Configuration Error", "Spare", "Throttled", "Critical Overtemperature"],
  0x0d: ["Drive Present", "Drive Fault", "Predictive Failure", "Hot Spare", "Parity Check In Progress", "In Critical Array", "In Failed Array", "Rebuild in Progress", "Rebuild Aborted"],
  0x0f: ["System Firmware Error", "System Firmware Hang", "System Firmware Progress"],
  0x11: ["BIOS Reset", "OS Reset", "OS Shut Down", "OS Power Down", "OS Power Cycle", "OS NMI/Diag Interrupt", "OS Expired", "OS pre-timeout Interrupt"],
  0x10: ["Correctable memory error logging disabled", "Event logging disabled", "Log area reset/cleared", "All event logging disabled", "Log full", "Log almost full"],
  0x12: ["System Reconfigured", "OEM System boot event", "Undetermined system hardware failure", "Entry added to auxiliary log", "PEF Action", "Timestamp Clock Sync"],
  0x13: ["NMI/Diag Interrupt", "Bus Timeout error", "I/O Channel check NMI", "Software NMI", "PCI PERR", "PCI SERR", "EISA failsafe timeout", "Bus Correctable error", "Bus Uncorrectable error", "Fatal NMI", "Bus Fatal Error", "Bus Degraded"],
  0x14: ["Power Button pressed", "Sleep Button pressed", "Reset Button pressed", "FRU latch open", "FRU service request button"],
  0x19: ["Soft Power Control Failure", "Thermal Trip"],
  0x1b: ["Connected", "Config Error"],
  0x1d: ["Initiated by power up", "Initiated by hard reset", "Initiated by warm reset", "User requested PXE boot", "Automatic boot to diagnostic", "OS initiated hard reset", "OS initiated warm reset", "System Restart"],
  0x1e: ["No bootable media", "Non-bootable disk in drive", "PXE server not found", "Invalid boot sector", "Timeout waiting for selection"],
  0x1f: [
    "A: boot completed", "C: boot completed", "PXE boot completed", "Diagnostic boot completed", "CD-ROM boot completed", "ROM boot completed", "boot completed - device not specified",
    "Installation started", "Installation completed", "Installation aborted", "Installation failed",
  ],
  0x20: ["Stop during OS load/init", "Run-time stop", "OS graceful stop", "OS graceful shutdown", "PEF initiated soft shutdown", "Agent not responding"],
  0x21: ["Fault Status", "Identify Status", "Device Installed", "Ready for Device Installation", "Ready for Device Removal", "Slot Power is Off", "Device Removal Request", "Interlock", "Slot is Disabled", "Spare Device"],
  0x22: ["S0/G0: working", "S1: sleeping with system hw & processor context maintained", "S2: sleeping, processor context lost", "S3: sleeping, processor & hw context lost, memory retained", "S4: non-volatile sleep/suspend-to-disk", "S5/G2: soft-off", "S4/S5: soft-off", "G3: mechanical off", "Sleeping in S1/S2/S3 state", "G1: sleeping", "S5: entered by override", "Legacy ON state", "Legacy OFF state"],
  0x23: ["Timer expired", "Hard reset", "Power down", "Power cycle", "reserved", "reserved", "reserved", "reserved", "Timer interrupt"],
  0x24: ["Platform generated page", "Platform generated LAN alert", "Platform Event Trap generated", "Platform generated SNMP trap, OEM format"],
  0x25: ["Present", "Absent", "Disabled"],
  0x27: ["Heartbeat Lost", "Heartbeat"],
  0x28: ["Sensor access degraded or unavailable", "Controller access degraded or unavailable", "Management controller off-line", "Management controller unavailable", "Sensor failure", "FRU failure"],
  0x29: ["Low", "Failed", "Presence Detected"],
  0x2a: ["Session Activated", "Session Deactivated", "Invalid Username or Password", "Invalid password disable"],
  0x2b: ["Hardware change detected", "Firmware or software change detected", "Hardware incompatibility detected", "Firmware or software incompatibility detected", "Invalid or unsupported hardware version", "Invalid or unsupported firmware or software version", "Hardware change success", "Firmware or software change success"],

  0x2c: ["Not Installed", "Inactive", "Activation Requested", "Activation in Progress", "Active", "Deactivation Requested", "Deactivation in Progress", "Communication lost"],
};

/** The name of one state offset of a discrete sensor (generic or sensor-specific table), or null. */
export function stateName(sensorType: number, eventType: number, offset: number): string | null {
  if (eventType >= 0x02 && eventType <= 0x0c) return GENERIC[eventType]?.[offset] ?? null;
  if (eventType === 0x6f) return SPECIFIC[sensorType]?.[offset] ?? null;
  return null;
}

/** The states asserted in a Get Sensor Reading's discrete bits (offsets 0-14), named. */
export function assertedStates(sensorType: number, eventType: number, bits: number): Array<{ offset: number; name: string }> {
  const out: Array<{ offset: number; name: string }> = [];
  for (let offset = 0; offset < 15; offset++) {
    if (!(bits & (1 << offset))) continue;
    out.push({ offset, name: stateName(sensorType, eventType, offset) ?? (eventType >= 0x70 ? `OEM state ${offset}` : `State ${offset}`) });
  }
  return out;
}

type Severity = "nc" | "cr" | "nr";
/** Severity of asserted states that mean trouble (IPMI v2.0 tables 42-2 and 42-3); every other state is ok. */
const GENERIC_SEVERITY: Record<number, Record<number, Severity>> = {
  0x04: { 1: "nc" }, // Predictive Failure Asserted
  0x05: { 1: "cr" }, // Limit Exceeded
  0x06: { 1: "nc" }, // Performance Lags
  0x07: { 1: "nc", 2: "cr", 3: "nr", 4: "nc", 5: "cr", 6: "nr" },
  0x0a: { 8: "cr" }, // Install Error
  0x0b: { 1: "cr", 2: "nc", 5: "cr", 6: "nc", 7: "nc" },
};
const SPECIFIC_SEVERITY: Record<number, Record<number, Severity>> = {
  0x05: { 0: "nc", 1: "nc", 2: "nc", 3: "nc", 6: "nc" }, // chassis intrusion
  0x07: { 0: "cr", 1: "nr", 2: "cr", 3: "cr", 4: "cr", 5: "cr", 6: "cr", 0x0a: "nc", 0x0b: "cr", 0x0c: "nc" }, // processor
  0x08: { 1: "cr", 2: "nc", 3: "cr", 4: "cr", 5: "nc", 6: "cr" }, // power supply
  0x09: { 4: "cr", 5: "cr", 6: "cr", 7: "nc" }, // power unit
  0x0c: { 0: "nc", 1: "cr", 2: "cr", 3: "cr", 4: "nc", 5: "nc", 7: "cr", 0x0a: "cr" }, // memory
  0x0d: { 1: "cr", 2: "nc", 5: "cr", 6: "cr", 8: "nc" }, // drive slot
  0x0f: { 0: "cr", 1: "cr" }, // system firmware
  0x13: { 8: "cr", 9: "nr", 0x0a: "nr", 0x0b: "nc" }, // critical interrupt
  0x19: { 0: "cr", 1: "nr" }, // chip set
  0x1b: { 1: "cr" }, // cable / interconnect config error
  0x1e: { 0: "cr", 1: "cr", 2: "cr", 3: "cr" }, // boot error
  0x28: { 0: "nc", 1: "nc", 2: "cr", 3: "cr", 4: "cr", 5: "cr" }, // management subsystem health
  0x29: { 0: "nc", 1: "cr" }, // battery
  0x2c: { 7: "cr" }, // FRU communication lost
};

/** Status of a discrete sensor from its asserted states: the worst severity among them, else ok. */
export function discreteStatus(sensorType: number, eventType: number, states: ReadonlyArray<{ offset: number }>): "ok" | Severity {
  const table = eventType === 0x6f ? SPECIFIC_SEVERITY[sensorType] : GENERIC_SEVERITY[eventType];
  let worst: "ok" | Severity = "ok";
  const rank = { ok: 0, nc: 1, cr: 2, nr: 3 } as const;
  for (const st of states) {
    const sev = table?.[st.offset];
    if (sev && rank[sev] > rank[worst]) worst = sev;
  }
  return worst;
}

export function eventText(sensorType: number, eventType: number, ed1: number): string {
  const offset = ed1 & 0x0f;
  let t: string | undefined;
  if (eventType === 0x01) t = THRESHOLD_OFFSETS[offset];
  else if (eventType >= 0x02 && eventType <= 0x0c) t = GENERIC[eventType]?.[offset];
  else if (eventType === 0x6f) t = SPECIFIC[sensorType]?.[offset];
  else if (eventType >= 0x70 && eventType <= 0x7f) t = `OEM event type 0x${eventType.toString(16)} offset ${offset}`;
  return t ?? `Unknown event (type 0x${eventType.toString(16).padStart(2, "0")}, offset ${offset})`;
}

export interface SelRecord {
  id: number;
  recordType: number;
  timestamp: string | null; // ISO UTC; null for Pre-Init (< 0x20000000)
  generatorId: number;
  sensorType: string;
  sensorTypeCode: number;
  sensorNumber: number;
  eventType: number;
  deasserted: boolean;
  eventData: [number, number, number];
  event: string;
}

/** Decode a 16-byte SEL record. */
export function parseSelRecord(r: Uint8Array): SelRecord {
  if (r.length < 16) throw new DecodeError(`SEL record: ${r.length} bytes, need 16`);
  const b = Buffer.from(r.buffer, r.byteOffset, r.length);
  const id = b.readUInt16LE(0);
  const recordType = b[2];
  const ts = b.readUInt32LE(3);
  const timestamp = ts < 0x20000000 ? null : new Date(ts * 1000).toISOString();
  if (recordType !== 0x02) {
    const oem = recordType >= 0xe0 ? "OEM record (non-timestamped)" : recordType >= 0xc0 ? "OEM record (timestamped)" : `record type 0x${recordType.toString(16)}`;
    return {
      id, recordType, timestamp: recordType >= 0xc0 && recordType < 0xe0 ? timestamp : null, generatorId: 0, sensorType: "OEM",
      sensorTypeCode: 0, sensorNumber: 0, eventType: 0, deasserted: false, eventData: [0, 0, 0], event: oem,
    };
  }
  const sensorTypeCode = b[10];
  const eventType = b[12] & 0x7f;
  const deasserted = (b[12] & 0x80) !== 0;
  const ed: [number, number, number] = [b[13], b[14], b[15]];
  const text = eventText(sensorTypeCode, eventType, ed[0]);
  return {
    id,
    recordType,
    timestamp,
    generatorId: b.readUInt16LE(7),
    sensorType: sensorTypeName(sensorTypeCode),
    sensorTypeCode,
    sensorNumber: b[11],
    eventType,
    deasserted,
    eventData: ed,
    event: deasserted ? `${text} (Deasserted)` : text,
  };
}
