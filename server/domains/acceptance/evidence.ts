/**
 * Where a DOA asset's burn-in evidence comes from. The burn-in domain (server/domains/burnin) exposes
 * `burnInEvidenceFor(assetId)`; this is the ONE place it is wired into the DOA drill-down.
 */
import type { TDeps } from "../../context";

/** What the DOA drill-down shows of a burn-in: a one-line summary (failing rule), the run, and anything else worth showing. */
export interface TBurnInEvidence {
  summary: string;
  runId?: string | null;
  details?: Record<string, unknown> | null;
}
export type TBurnInEvidenceProvider = (deps: TDeps, assetId: string) => Promise<TBurnInEvidence | null>;

// MERGE (lead): when server/domains/burnin is merged, wire it here, e.g.
//   import { burnInEvidenceFor } from "../burnin/service";
//   export const burnInEvidence: TBurnInEvidenceProvider | null = async (_deps, assetId) => { const e = await burnInEvidenceFor(assetId); return e && { summary: …, runId: …, details: … }; };
export const burnInEvidence: TBurnInEvidenceProvider | null = null;
