/**
 * BMC findings and sensor states as people read them. Pure data with type-only
 * imports (no zod at run time), so pages can use it without shipping the
 * schemas to the browser; ./schema.ts re-exports it.
 */
import type { z } from "zod";
import type { ZSensorStatus } from "../../contracts/bmc";
import type { TFindingKind } from "./schema";

type TSensorStatus = z.infer<typeof ZSensorStatus>;

export const FINDING_META: Record<TFindingKind, { label: string; hint: string }> = {
  SERIAL_MISMATCH: { label: "Serial differs", hint: "The BMC reports a serial that is not the one in the record. Check the label on the chassis, then correct the record or the BMC address." },
  COMPONENT_MISSING: { label: "Part missing", hint: "A part the record lists was not reported by the BMC. Check whether it was removed, then update the record." },
  COMPONENT_UNEXPECTED: { label: "Unknown part", hint: "The BMC reports a part the record does not list. Register it as a part of this asset, or find out who fitted it." },
  UNREACHABLE: { label: "BMC unreachable", hint: "The site agent could not reach the BMC. Check the cable, address and credentials." },
  TLS_MISMATCH: { label: "Certificate changed", hint: "The BMC presented a different certificate than the one pinned. Verify the BMC before trusting it." },
};

export const SENSOR_STATUS_META: Record<TSensorStatus, { label: string; className: string }> = {
  ok: { label: "OK", className: "bg-green-100 text-green-800" },
  nc: { label: "Non-critical", className: "bg-amber-100 text-amber-800" },
  cr: { label: "Critical", className: "bg-red-100 text-red-800" },
  nr: { label: "Non-recoverable", className: "bg-red-200 text-red-900" },
  ns: { label: "No reading", className: "bg-slate-100 text-slate-600" },
};
