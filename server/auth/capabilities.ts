/**
 * What a signed-in user may do, as the UI needs it: navigation and global
 * actions (`me.can`). Pages never hold role lists; they read these flags.
 * Each flag names the procedure it stands for, and capabilities.test.ts
 * checks the flag against that procedure's role guard, so the two cannot drift.
 */
import type { TRole } from "./roles";
import { ADMIN_ONLY, ASSET_CREATORS, ASSET_EDITORS, CATALOG_EDITORS } from "./roles";

/** capability → [the procedure it unlocks, the roles that procedure admits] */
export const CAPABILITIES = {
  /** Admin screens: users, API tokens, site agents */
  administer: ["users.create", ADMIN_ONLY],
  /** Register new assets */
  registerAssets: ["assets.create", ASSET_CREATORS],
  /** Move assets through their lifecycle (which moves, per asset, the server says: allowedTransitions) */
  moveAssets: ["assets.transition", ["admin", "procurement", "warehouse", "technician", "firmware"]],
  /** Edit an asset's record */
  editAssets: ["assets.update", ASSET_EDITORS],
  /** Add sites, rooms, racks, bins */
  editPlaces: ["locations.create", CATALOG_EDITORS],
  /** Add manufacturers and hardware models */
  editCatalog: ["catalog.createModel", CATALOG_EDITORS],
  /** Add vendors */
  editVendors: ["catalog.createVendor", ["admin", "procurement"]],
  /** Set up BMC endpoints */
  editBmc: ["bmc.updateEndpoint", ["admin", "technician"]],
  /** Accept or dismiss BMC findings */
  decideFindings: ["bmc.decideFinding", ["admin", "technician"]],
  /** Switch a server's power through its BMC */
  power: ["bmc.power", ["admin", "technician"]],
  /** Start burn-in soaks (and judge, abort, extend, re-run them) */
  startSoaks: ["burnin.start", ["admin", "technician"]],
  /** Write burn-in profiles (new profiles and new versions) */
  editSoakProfiles: ["burnin.createProfile", ["admin", "technician"]],
  /** Accept, dismiss or plan an update for firmware drift findings */
  decideFirmwareFindings: ["firmware.decideFinding", ["admin", "firmware"]],
  /** Waive a non-compliant security posture so an asset may pass SAT */
  waivePosture: ["firmware.waivePosture", ADMIN_ONLY],
  /** Plan, start and pause firmware update campaigns */
  runCampaigns: ["firmware.createCampaign", ["admin", "firmware"]],
  /** Plan placements, rack servers from the plan, plan cables (racking and cabling) */
  rack: ["cabling.confirm", ["admin", "technician"]],
  /** Open and run RMA cases */
  runRma: ["rma.open", ["admin", "warehouse", "technician"]],
  /** Record sanitisation evidence, mark assets sanitised */
  sanitise: ["rma.sanitise", ["admin", "technician"]],
  /** Run disposal batches */
  dispose: ["rma.createBatch", ["admin", "warehouse"]],
} as const satisfies Record<string, readonly [string, readonly TRole[]]>;

export type TCapability = keyof typeof CAPABILITIES;
export type TCapabilities = Record<TCapability, boolean>;

export function capabilitiesFor(role: TRole): TCapabilities {
  const out = {} as TCapabilities;
  for (const [cap, [, roles]] of Object.entries(CAPABILITIES) as [TCapability, readonly [string, readonly TRole[]]][]) out[cap] = roles.includes(role);
  return out;
}

/** A read-only account: nothing it may change anywhere (a viewer). Pages say so instead of hiding controls silently. */
export function isReadOnly(can: TCapabilities): boolean {
  return Object.values(can).every((v) => !v);
}
