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
  MODEL_MISMATCH: { label: "Model differs", hint: "The BMC reports another model than the record. Check the chassis label: correct the record's model, or the BMC address if it points at another server." },
  COMPONENT_MISSING: { label: "Part missing", hint: "A part the record lists was not reported by the BMC. Check whether it was removed, then update the record." },
  COMPONENT_UNEXPECTED: { label: "Unknown part", hint: "The BMC reports a part the record does not list. Register it as a part of this asset, or find out who fitted it." },
  UNREACHABLE: { label: "BMC unreachable", hint: "The site agent could not reach the BMC. Check the cable, address and credentials." },
  TLS_MISMATCH: { label: "Certificate changed", hint: "The BMC presented a different certificate than the one pinned. Verify the BMC before trusting it." },
};

/** The words a person reads right: "Warning" and "Critical", not IPMI's "non-critical" (which is a warning). */
export const SENSOR_STATUS_META: Record<TSensorStatus, { label: string; className: string }> = {
  ok: { label: "OK", className: "bg-green-100 text-green-800" },
  nc: { label: "Warning", className: "bg-amber-100 text-amber-900" },
  cr: { label: "Critical", className: "bg-red-100 text-red-800" },
  nr: { label: "Failed", className: "bg-red-200 text-red-900" },
  ns: { label: "No reading", className: "bg-slate-100 text-slate-700" },
};

/** SEL entries coloured by what they say: critical (a failure, a critical threshold crossed), warning (correctable, a warning threshold), or informational. */
export function selSeverity(event: string): "critical" | "warning" | "info" {
  const e = event.toLowerCase();
  if (e.includes("deasserted")) return "info";
  if (/uncorrectable|non-recoverable|machine check|failure|failed|fault|redundancy (is )?lost|critical/.test(e) && !/non-critical/.test(e)) return "critical";
  if (/correctable|warning|non-critical|predictive|degraded|error/.test(e)) return "warning";
  return "info";
}
export const SEL_SEVERITY_META: Record<"critical" | "warning" | "info", { label: string; className: string }> = {
  critical: { label: "Critical", className: "border-l-4 border-red-600 bg-red-50" },
  warning: { label: "Warning", className: "border-l-4 border-amber-500 bg-amber-50" },
  info: { label: "Info", className: "border-l-4 border-slate-300" },
};

/**
 * The agent's last error ("reason: raw message", as stored on the endpoint) as a sentence a person
 * reads first; the raw message stays available as the detail.
 */
export function explainBmcError(lastError: string | null, lastStatus: string | null): { sentence: string; detail: string | null } {
  const raw = lastError ?? "";
  const m = raw.match(/^([a-z-]+): ([\s\S]*)$/);
  const reason = m ? m[1] : lastStatus === "tls-mismatch" ? "tls-mismatch" : "";
  const detail = m ? m[2]! : raw || null;
  const sentences: Record<string, string> = {
    timeout: "The BMC did not answer in time. Check that it is powered, cabled to the management network, and that the address and port are right.",
    network: "The agent could not reach the BMC over the network (refused or no route). Check the address, the port and the management network cabling.",
    auth: "The BMC refused the user name or password. Enter the BMC's credentials again in the BMC settings.",
    privilege: "The BMC user has too few rights. Give it operator or administrator rights on the BMC.",
    "tls-mismatch": "The BMC presented another certificate than the one pinned. Verify the BMC before trusting it; reset the pin only after a board replacement.",
    protocol: "The BMC answered, but not as expected (wrong protocol or port, or an unsupported BMC). Check the protocol and the address.",
  };
  const sentence = (reason && sentences[reason]) || (lastStatus === "unreachable" || raw ? "The agent could not read this BMC. Check the address, the credentials and the management network." : "");
  return { sentence, detail: detail && detail !== sentence ? detail : null };
}
