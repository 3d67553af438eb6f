/**
 * The agent ingest payload the benchmarks send: what a site agent reports for
 * one IPMI BMC per probe (server/contracts/agent.ts `bmc.probe`), not a
 * stripped-down probe. Each observation carries the FRU of the asset it watches
 * (its serial matches the CMDB, so reconciliation runs and finds nothing, the
 * common case), 30 sensor readings (threshold sensors with values, a few
 * discrete ones with asserted states, one record that could not be read), a
 * few SEL entries and the firmware list: about 2.8 KB of JSON per probe.
 */
import { randomBytes } from "node:crypto";

export const serialOf = (i: number) => `SN${((i * 7_919) % 1_000_003).toString(36).toUpperCase().padStart(5, "0")}${String(i).padStart(7, "0")}`;

const UNITS = ["degrees C", "RPM", "Volts", "Watts", "Amps"];

function sensors(round: number) {
  return Array.from({ length: 30 }, (_, k) => {
    if (k === 27) return { name: "PS2 Status", value: null, unit: "discrete", status: "ok", states: [{ offset: 0, name: "Presence detected" }] };
    if (k === 28) return { name: "Intrusion", value: null, unit: "discrete", status: "ok", states: [] };
    if (k === 29) return { name: "Riser 3 Temp", value: null, unit: "degrees C", status: "ns", error: "sensor reading not available" };
    const unit = UNITS[k % UNITS.length]!;
    const base = unit === "RPM" ? 6000 : unit === "Volts" ? 12 : unit === "Watts" ? 320 : unit === "Amps" ? 1.4 : 38;
    return { name: `${unit === "RPM" ? "Fan" : unit === "degrees C" ? "Temp" : unit === "Volts" ? "Voltage" : unit === "Watts" ? "Power" : "Current"} ${k}`, value: +(base + ((round + k) % 9) * 0.5).toFixed(2), unit, status: "ok" };
  });
}

/** One `bmc.probe` observation of endpoint `i` (its asset's serial is serialOf(i)). */
export function probeObservation(endpointId: string, i: number, at: string, round = 0) {
  return {
    kind: "bmc.probe",
    idempotencyKey: `bench-${randomBytes(8).toString("hex")}`,
    endpointId,
    observedAt: at,
    durationMs: 180 + (round % 40),
    result: {
      protocol: "ipmi",
      power: "on",
      deviceId: { firmwareRevision: "2.15", manufacturerId: 674, productId: 256 },
      guid: "4c4c4544-0051-3510-8057-b4c04f4a4d32",
      fru: { manufacturer: "Dell Inc.", productName: "PowerEdge R760", productSerial: serialOf(i), boardSerial: `CN7${String(i).padStart(9, "0")}`, chassisSerial: serialOf(i), assetTag: null },
      sensors: sensors(round),
      sel: [
        { id: 1, timestamp: "2026-11-30T22:14:05Z", sensorType: "Power Supply", event: "Presence detected" },
        { id: 2, timestamp: "2026-11-30T22:14:09Z", sensorType: "System Event", event: "OEM System boot event" },
      ],
      firmware: [
        { component: "BMC", version: "7.10.30.00" },
        { component: "BIOS", version: "2.3.5" },
      ],
    },
  };
}

/** A batch of `size` probes of consecutive endpoints from `offset` (wrapping), all observed at `at`. */
export function probeBatch(endpoints: string[], offset: number, at: string, size = 100): { observations: ReturnType<typeof probeObservation>[] } {
  return {
    observations: Array.from({ length: size }, (_, k) => {
      const i = (offset + k) % endpoints.length;
      return probeObservation(endpoints[i]!, i, at, Math.floor((offset + k) / endpoints.length));
    }),
  };
}
