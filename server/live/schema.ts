/**
 * Live updates: what a change notice looks like, who may follow which scope,
 * and the channel names pages subscribe to (docs/live-updates.md).
 *
 * A channel is `<scope>` (every change in the scope: the asset list) or
 * `<scope>:<key>` (one entity: an asset page). A notice names what changed
 * (kind, scope, key) and carries at most small facts every role that may follow
 * its scope may read; pages refetch their queries, which check permissions.
 */
import { z } from "zod";
import { ANY_ROLE, type TRole } from "../auth/roles";

/** Who may follow each scope. A new board adds its scope here (and emits with publishEvent). */
export const LIVE_SCOPES = {
  /** an asset's record and status (asset list counts, asset page, timeline) */
  asset: ANY_ROLE,
  /** an asset's BMC: endpoint, observations, findings, power commands; keyed by asset id */
  bmc: ANY_ROLE,
  /** a receipt's counters and state (the receiving tablet); keyed by receipt id */
  receipt: ["admin", "warehouse", "procurement", "viewer"],
  /** warehouse cycle counts and RFID sweeps: reconciliation progress, keyed by count id */
  warehouse: ANY_ROLE,
  /** the fleet's observed firmware (the firmware page); key "fleet" */
  firmware: ANY_ROLE,
  /** burn-in runs: the board follows the whole scope, a run page its run (keyed by run id) */
  burnin: ANY_ROLE,
  /** racking, cable plans and observed LLDP: a rack's elevation and cables (keyed by rack id), a device's ports and LLDP views (keyed by asset id: a switch or a host) */
  cabling: ANY_ROLE,
  /** RMA cases and disposal batches: the board follows the whole scope, a case page its case (keyed by case or batch id) */
  rma: ANY_ROLE,
} as const satisfies Record<string, readonly TRole[]>;
export type TLiveScope = keyof typeof LIVE_SCOPES;
export type TLiveScopes = Record<string, readonly TRole[]>;

/** What changed, and the small facts each kind carries. */
export const ZLiveData = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("asset.created"), status: z.string() }),
  z.object({ kind: z.literal("asset.updated"), version: z.number().int() }),
  z.object({ kind: z.literal("asset.status"), from: z.string(), to: z.string(), version: z.number().int() }),
  z.object({ kind: z.literal("bmc.endpoint"), endpointId: z.string() }),
  z.object({ kind: z.literal("bmc.observed"), endpointId: z.string(), status: z.string().nullable() }),
  z.object({ kind: z.literal("bmc.findings"), opened: z.number().int(), resolved: z.number().int() }),
  z.object({ kind: z.literal("bmc.power"), power: z.enum(["on", "off"]).nullable() }),
  z.object({ kind: z.literal("bmc.command"), commandId: z.string(), status: z.string() }),
  z.object({ kind: z.literal("receipt.scan"), poLineId: z.string(), received: z.number().int(), ordered: z.number().int() }),
  z.object({ kind: z.literal("receipt.damaged"), assetId: z.string() }),
  z.object({ kind: z.literal("receipt.closed"), poStatus: z.string() }),
  z.object({ kind: z.literal("count.progress"), status: z.string(), found: z.number().int(), elsewhere: z.number().int(), missing: z.number().int(), unexpected: z.number().int(), pending: z.number().int() }),
  z.object({ kind: z.literal("firmware.inventory"), changed: z.number().int() }),
  z.object({ kind: z.literal("burnin.run"), assetId: z.string(), status: z.string() }),
  z.object({ kind: z.literal("firmware.campaign"), campaignId: z.string(), status: z.string() }),
  z.object({ kind: z.literal("cabling.rack") }),
  z.object({ kind: z.literal("cabling.status"), verified: z.number().int(), total: z.number().int() }),
  z.object({ kind: z.literal("lldp.observed"), source: z.enum(["snmp", "host"]), neighbors: z.number().int() }),
  z.object({ kind: z.literal("rma.case"), status: z.string(), breached: z.boolean() }),
  z.object({ kind: z.literal("disposal.batch"), status: z.string() }),
]);
export type TLiveData = z.infer<typeof ZLiveData>;
export type TLiveKind = TLiveData["kind"];

/** A change notice as written (publishEvent). */
export interface TLivePublish {
  scope: TLiveScope;
  key: string;
  data: TLiveData;
}

/** A change notice as subscribers receive it. */
export interface TLiveChange {
  type: "change";
  /** the monotonic event id (also the SSE id) */
  id: string;
  at: Date;
  scope: string;
  key: string;
  /** `<scope>:<key>` */
  channel: string;
  data: TLiveData;
}
/**
 * `ready`: the subscription is live (first message of a fresh subscription).
 * `reset`: the server cannot replay what was missed (too much, pruned, or the
 * cursor is unknown): refetch everything the page shows.
 */
export type TLiveMessage = TLiveChange | { type: "ready" | "reset"; id: string };

const CHANNEL = /^([a-z][a-z0-9-]{0,31})(?::([A-Za-z0-9_-]{1,64}))?$/;

export const ZChannel = z.string().regex(CHANNEL, "A channel is a scope (asset) or scope:id (asset:c123).");

export const ZLiveSubscribe = z.object({
  channels: z.array(ZChannel).min(1, "Follow at least one channel.").max(32, "Follow at most 32 channels in one subscription."),
  /** set by the client (tracked ids) on resume; the SSE Last-Event-ID header wins */
  lastEventId: z.string().regex(/^\d{1,15}$/, "lastEventId is an event id (digits).").nullish(),
});
export type TLiveSubscribe = z.infer<typeof ZLiveSubscribe>;

export interface TChannelFilter {
  /** scopes followed whole */
  scopes: string[];
  /** scope → keys followed */
  keys: Map<string, Set<string>>;
}

/**
 * Parses channels and checks the role may follow each scope. Throws a message
 * naming the channel; the router maps it to BAD_REQUEST (unknown scope) or
 * FORBIDDEN (scope not for this role).
 */
export function channelFilter(channels: string[], role: TRole, scopes: TLiveScopes = LIVE_SCOPES): { filter: TChannelFilter } | { error: "BAD_REQUEST" | "FORBIDDEN"; message: string } {
  const filter: TChannelFilter = { scopes: [], keys: new Map() };
  for (const c of channels) {
    const m = CHANNEL.exec(c);
    if (!m) return { error: "BAD_REQUEST", message: `"${c}" is not a channel: use a scope (asset) or scope:id (asset:c123).` };
    const [, scope, key] = m as unknown as [string, string, string | undefined];
    const roles = Object.hasOwn(scopes, scope) ? scopes[scope] : undefined;
    if (!roles) return { error: "BAD_REQUEST", message: `There is no live scope "${scope}"; known scopes: ${Object.keys(scopes).join(", ")}.` };
    if (!roles.includes(role)) return { error: "FORBIDDEN", message: `Your role (${role}) may not follow ${scope} changes.` };
    if (key === undefined) {
      if (!filter.scopes.includes(scope)) filter.scopes.push(scope);
    } else {
      const set = filter.keys.get(scope) ?? new Set<string>();
      set.add(key);
      filter.keys.set(scope, set);
    }
  }
  return { filter };
}

export function matches(filter: TChannelFilter, scope: string, key: string): boolean {
  return filter.scopes.includes(scope) || Boolean(filter.keys.get(scope)?.has(key));
}
