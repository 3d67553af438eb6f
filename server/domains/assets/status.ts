/**
 * Asset statuses with their labels and colours: the one place they are named.
 * Pure data (no server imports) so pages can use it; the rules for moving
 * between statuses live in ./lifecycle.ts.
 */

export const ASSET_STATUSES = [
  "PLANNED",
  "ORDERED",
  "IN_TRANSIT",
  "RECEIVED",
  "BURN_IN",
  "READY_TO_RACK",
  "RACKED",
  "CABLED",
  "SAT",
  "IN_SERVICE",
  "DECOMMISSIONING",
  "SANITIZED",
  "DISPOSED",
  "FAILED",
  "RMA",
  "QUARANTINE",
] as const;
// ZAssetStatus (the zod enum) is in ./schema.ts: this module stays zod-free, so pages that show labels do not ship zod
export type TAssetStatus = (typeof ASSET_STATUSES)[number];

type TTone = "slate" | "blue" | "indigo" | "amber" | "emerald" | "red" | "orange" | "zinc" | "purple";

/** Labels and colours live here and nowhere else. */
export const STATUS_META: Record<TAssetStatus, { label: string; tone: TTone; phase: "procurement" | "warehouse" | "datacenter" | "service" | "retirement" | "exception" }> = {
  PLANNED: { label: "Planned", tone: "slate", phase: "procurement" },
  ORDERED: { label: "Ordered", tone: "slate", phase: "procurement" },
  IN_TRANSIT: { label: "In transit", tone: "blue", phase: "procurement" },
  RECEIVED: { label: "Received", tone: "blue", phase: "warehouse" },
  BURN_IN: { label: "Burn-in", tone: "amber", phase: "datacenter" },
  READY_TO_RACK: { label: "Ready to rack", tone: "indigo", phase: "datacenter" },
  RACKED: { label: "Racked", tone: "indigo", phase: "datacenter" },
  CABLED: { label: "Cabled", tone: "indigo", phase: "datacenter" },
  SAT: { label: "Site acceptance", tone: "indigo", phase: "datacenter" },
  IN_SERVICE: { label: "In service", tone: "emerald", phase: "service" },
  DECOMMISSIONING: { label: "Decommissioning", tone: "zinc", phase: "retirement" },
  SANITIZED: { label: "Sanitized", tone: "zinc", phase: "retirement" },
  DISPOSED: { label: "Disposed", tone: "zinc", phase: "retirement" },
  FAILED: { label: "Failed", tone: "red", phase: "exception" },
  RMA: { label: "RMA", tone: "orange", phase: "exception" },
  QUARANTINE: { label: "Quarantine", tone: "purple", phase: "exception" },
};

