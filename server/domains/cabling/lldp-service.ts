/**
 * Observed LLDP (placeholder until the LLDP work lands: switches polled over SNMP by the site agents,
 * hosts' own lldpcli views). The cable plan's reconciliation reads the latest view per asset here.
 */
import type { TDeps } from "../../context";
import type { TLldpView } from "../../contracts/lldp";

/** The latest LLDP view of an asset: a switch (walked over SNMP) or a host (its lldpcli output). */
export interface TLldpObserved {
  assetId: string;
  source: "snmp" | "host";
  observedAt: Date;
  view: TLldpView;
}

/** The latest view of each asset that has one; `assetIds` narrows to those assets. */
export async function latestLldpViews(_deps: TDeps, _filter: { assetIds?: string[] } = {}): Promise<TLldpObserved[]> {
  return [];
}
