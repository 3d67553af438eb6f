/**
 * Cable plan reconciliation (placeholder until the cable plan lands): called after new LLDP views of
 * these assets (switches or hosts) were stored and committed.
 */
import type { TDeps } from "../../context";

export async function onLldpObserved(_deps: TDeps, _assetIds: string[]): Promise<void> {}
