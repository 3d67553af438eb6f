/**
 * Which baseline release an observed firmware version is, and how far behind the newest approved release
 * it runs. Vendor version strings do not sort (`P79 v1.45 (12/06/2017)`, `1.45.455b66-rev4`, `U46 v2.10`):
 * the order is the baseline's (oldest first), and a version matches a release only by the component's
 * explicit rule. An observed version that matches no release, or more than one equally well, is UNKNOWN:
 * never guessed.
 */

export const MATCH_RULES = ["EXACT", "PREFIX", "PATTERN"] as const;
export type TMatchRule = (typeof MATCH_RULES)[number];
export const RELEASE_STATUSES = ["APPROVED", "BLOCKED", "PENDING"] as const;
export type TReleaseStatus = (typeof RELEASE_STATUSES)[number];

export interface TRelease {
  version: string;
  status: TReleaseStatus;
  /** PATTERN rule: a regular expression the observed string must match (whole string unless anchored otherwise) */
  pattern?: string | null;
}

export const DRIFT_STATES = ["COMPLIANT", "BEHIND", "AHEAD", "BLOCKED", "UNKNOWN", "MISSING"] as const;
export type TDriftState = (typeof DRIFT_STATES)[number];

export interface TDrift {
  state: TDriftState;
  /** approved releases between the one running and the newest approved; null when that cannot be said */
  lag: number | null;
  /** the release the observed version matched */
  matched: string | null;
  /** the newest approved release */
  target: string | null;
}

/** A PATTERN release's expression, anchored at both ends. Throws on a bad expression (the schema reports it). */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, "u");
}

const norm = (s: string) => s.trim().replace(/\s+/g, " ");

/** The index of the release `observed` is, or -1 (no match, or an ambiguous one). */
export function matchRelease(rule: TMatchRule, releases: readonly TRelease[], observed: string): number {
  const o = norm(observed);
  if (rule === "EXACT") {
    const hits = releases.flatMap((r, i) => (norm(r.version) === o ? [i] : []));
    return hits.length === 1 ? hits[0]! : -1;
  }
  if (rule === "PREFIX") {
    // the most specific release wins ("1.45" over "1.4" for "1.45.455b66"); two equally long are ambiguous
    let best = -1;
    let bestLen = -1;
    let tie = false;
    releases.forEach((r, i) => {
      const v = norm(r.version);
      if (!v || !o.startsWith(v)) return;
      if (v.length > bestLen) [best, bestLen, tie] = [i, v.length, false];
      else if (v.length === bestLen) tie = true;
    });
    return tie ? -1 : best;
  }
  const hits = releases.flatMap((r, i) => (compilePattern(r.pattern ?? escapeRegExp(r.version)).test(o) ? [i] : []));
  return hits.length === 1 ? hits[0]! : -1;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Drift of one component against its baseline; `observed` null: the asset's BMC does not report the component. */
export function classify(rule: TMatchRule, releases: readonly TRelease[], observed: string | null): TDrift {
  let newestApproved = -1;
  releases.forEach((r, i) => {
    if (r.status === "APPROVED") newestApproved = i;
  });
  const target = newestApproved >= 0 ? releases[newestApproved]!.version : null;
  if (observed === null) return { state: "MISSING", lag: null, matched: null, target };
  const i = matchRelease(rule, releases, observed);
  if (i < 0) return { state: "UNKNOWN", lag: null, matched: null, target };
  const approvedAfter = releases.filter((r, j) => j > i && r.status === "APPROVED").length;
  const matched = releases[i]!.version;
  if (releases[i]!.status === "BLOCKED") return { state: "BLOCKED", lag: approvedAfter, matched, target };
  if (i > newestApproved) return { state: "AHEAD", lag: 0, matched, target };
  return { state: approvedAfter === 0 ? "COMPLIANT" : "BEHIND", lag: approvedAfter, matched, target };
}
