/**
 * Where a DOA asset's burn-in evidence comes from. The burn-in domain (server/domains/burnin) exposes
 * `burnInEvidenceFor(assetId)`; this is the ONE place it is wired into the DOA drill-down.
 */
import type { TDeps } from "../../context";
import { burnInEvidenceFor } from "../burnin/service";

/** What the DOA drill-down shows of a burn-in: a one-line summary (failing rule), the run, and anything else worth showing. */
export interface TBurnInEvidence {
  summary: string;
  runId?: string | null;
  details?: Record<string, unknown> | null;
}
export type TBurnInEvidenceProvider = (deps: TDeps, assetId: string) => Promise<TBurnInEvidence | null>;

/** The latest failed burn-in of the asset: its failing rule as the summary, the run, and where its evidence PDF is. */
export const burnInEvidence: TBurnInEvidenceProvider | null = async (deps, assetId) => {
  const e = await burnInEvidenceFor(deps, assetId);
  if (!e) return null;
  return { summary: `Burn-in failed: ${e.failure.message} (rule ${e.failure.rule})`, runId: e.runId, details: { finishedAt: e.finishedAt?.toISOString() ?? null, failure: e.failure, selEvents: e.selCount, evidencePdf: e.pdfPath } };
};
