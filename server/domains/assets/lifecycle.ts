/**
 * THE asset lifecycle. The only code that writes Asset.status.
 *
 * PLANNED → ORDERED → IN_TRANSIT → RECEIVED → BURN_IN → READY_TO_RACK → RACKED
 *   → CABLED → SAT → IN_SERVICE → DECOMMISSIONING → SANITIZED → DISPOSED
 * side paths: RECEIVED|BURN_IN|RACKED|CABLED|SAT → FAILED (DOA if before IN_SERVICE)
 *             FAILED|IN_SERVICE → RMA → RECEIVED (replacement received / back to stock)
 *             FAILED → DECOMMISSIONING (beyond repair, out of warranty)
 *             ORDERED → DISPOSED (the purchase order was cancelled before delivery)
 *             any (but DISPOSED) → QUARANTINE (hold) → the status it was held in
 *
 * Each transition, in one transaction: checks the move and the caller's role,
 * updates the asset guarded by its version (so of two concurrent transitions
 * exactly one wins and the other gets CONFLICT), appends an AssetEvent and an
 * audit entry.
 */
import { AppError } from "../../errors";
import type { TActor, TClock, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import type { TRole } from "../../auth/roles";
import { appendAudit, listAudit } from "../audit/service";
import { actorDisplayNames } from "../users/service";
import { publishEvent } from "../../live/publish";
import { nextEventLink } from "../../chains/chain";
import { STATUS_META, type TAssetStatus } from "./status";
import { ZTransitionPayload, type TTransitionInput, type TTransitionResult } from "./schema";


/** The moves, and who may make them (admin may make every move). */
const MOVES: Record<TAssetStatus, Partial<Record<TAssetStatus, readonly TRole[]>>> = {
  PLANNED: { ORDERED: ["procurement"] },
  // DISPOSED: the order was cancelled before delivery (a cancelled purchase order's placeholder assets)
  ORDERED: { IN_TRANSIT: ["procurement", "warehouse"], DISPOSED: ["procurement"] },
  IN_TRANSIT: { RECEIVED: ["warehouse"] },
  RECEIVED: { BURN_IN: ["technician"], FAILED: ["warehouse", "technician"] },
  BURN_IN: { READY_TO_RACK: ["technician"], FAILED: ["technician"] },
  READY_TO_RACK: { RACKED: ["technician"] },
  RACKED: { CABLED: ["technician"], FAILED: ["technician"] },
  CABLED: { SAT: ["technician"], FAILED: ["technician"] },
  SAT: { IN_SERVICE: ["technician"], FAILED: ["technician"] },
  IN_SERVICE: { DECOMMISSIONING: ["technician"], RMA: ["warehouse", "technician"] },
  DECOMMISSIONING: { SANITIZED: ["technician"] },
  SANITIZED: { DISPOSED: ["warehouse"] },
  DISPOSED: {},
  FAILED: { RMA: ["warehouse", "technician"], DECOMMISSIONING: ["technician"] },
  RMA: { RECEIVED: ["warehouse"] },
  QUARANTINE: {}, // released to heldStatus, see below
};
/** Who may put an asset on hold or release it. */
const HOLD_ROLES: readonly TRole[] = ["warehouse", "technician", "firmware"];

/** Everyone who may make at least one move: who may call a transition endpoint at all (the move itself is checked per role). */
export const TRANSITION_ROLES: readonly TRole[] = [...new Set<TRole>(["admin", ...HOLD_ROLES, ...Object.values(MOVES).flatMap((m) => Object.values(m).flat())])];

export interface TAssetState {
  status: TAssetStatus;
  heldStatus: TAssetStatus | null;
}

/** Every status the asset may move to, whoever asks. */
export function nextStatuses(s: TAssetState): TAssetStatus[] {
  if (s.status === "QUARANTINE") return s.heldStatus ? [s.heldStatus] : [];
  const out = Object.keys(MOVES[s.status]) as TAssetStatus[];
  if (s.status !== "DISPOSED") out.push("QUARANTINE");
  return out;
}

export function rolesFor(s: TAssetState, to: TAssetStatus): readonly TRole[] {
  if (!nextStatuses(s).includes(to)) return [];
  if (to === "QUARANTINE" || s.status === "QUARANTINE") return ["admin", ...HOLD_ROLES];
  return ["admin", ...(MOVES[s.status][to] ?? [])];
}

/** The moves this role may make from this state (what the UI offers). */
export function allowedTransitions(s: TAssetState, role: TRole): TAssetStatus[] {
  return nextStatuses(s).filter((to) => rolesFor(s, to).includes(role));
}

/** A failure before the first IN_SERVICE is dead on arrival (KPI: DOA rate). */
export function isDoaFailure(fromStatus: TAssetStatus, everInService: boolean): boolean {
  return !everInService && ["RECEIVED", "BURN_IN", "RACKED", "CABLED", "SAT"].includes(fromStatus);
}

export { PAYLOAD_MAX_BYTES, PAYLOAD_MAX_DEPTH, ZTransitionInput, ZTransitionPayload, type TTransitionInput, type TTransitionResult } from "./schema";

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * A caller that names what it saw (`expectedStatus`, `expectedVersion`) and
 * is behind: refused with CONFLICT before anything is written, saying who
 * changed the asset to what and when (from the audit trail), so a page can
 * tell its user that nothing was changed and why. A change in the same
 * instant is still caught by the version guard inside the transaction.
 */
async function refuseIfStale(deps: TDeps, input: TTransitionInput): Promise<void> {
  if (input.expectedVersion === undefined && input.expectedStatus === undefined) return;
  const asset = await deps.db.asset.findUnique({ where: { id: input.assetId }, select: { id: true, serial: true, assetTag: true, status: true, version: true } });
  if (!asset) return; // the transaction answers NOT_FOUND
  const status = asset.status as TAssetStatus;
  const statusMoved = input.expectedStatus !== undefined && input.expectedStatus !== status;
  const versionMoved = input.expectedVersion !== undefined && input.expectedVersion !== asset.version;
  if (!statusMoved && !versionMoved) return;
  const name = asset.assetTag ? `${asset.assetTag} (serial ${asset.serial})` : `serial ${asset.serial}`;
  const [last] = await listAudit(deps.db, { entity: "Asset", entityId: asset.id, take: 1 });
  const by = last ? ((await actorDisplayNames(deps, [last])).get(last.actorId) ?? (last.actorType === "system" ? "IronLedger" : last.actorId)) : null;
  const before = last?.before ? (JSON.parse(last.before) as { status?: TAssetStatus }) : null;
  const movedFrom = last?.action === "transition" ? (before?.status ?? null) : null;
  const what = !last
    ? `Asset ${name} changed after you loaded it`
    : movedFrom
      ? `${by} moved ${name} from ${STATUS_META[movedFrom].label} to ${STATUS_META[status].label} at ${utc(last.at)}`
      : `${by} edited ${name} at ${utc(last.at)}`;
  const now = movedFrom ? "" : ` It is ${STATUS_META[status].label}.`;
  throw new AppError("CONFLICT", `Nothing was changed: ${what}, after you loaded it.${now} Check what it is now, then choose again.`, {
    details: { assetId: asset.id, status, version: asset.version, changedBy: by, changedAt: last?.at.toISOString() ?? null, change: movedFrom ? "status" : "edit", from: movedFrom },
  });
}

export async function transition(deps: TDeps, actor: TActor, input: TTransitionInput): Promise<TTransitionResult> {
  ZTransitionPayload.optional().parse(input.payload); // every caller (tRPC, REST, scripts) is held to the bounds
  await refuseIfStale(deps, input);
  return deps.db.$transaction((tx) => transitionInTx(tx, deps.provider, deps.clock, actor, input));
}

/** The same transition inside the caller's transaction (a purchase order's cancellation moves its assets with it). */
export async function transitionInTx(tx: Tx, provider: TProvider, clock: TClock, actor: TActor, input: TTransitionInput): Promise<TTransitionResult> {
  ZTransitionPayload.optional().parse(input.payload);
  {
    const asset = await tx.asset.findUnique({ where: { id: input.assetId }, select: { id: true, serial: true, assetTag: true, status: true, heldStatus: true, version: true } });
    if (!asset) throw new AppError("NOT_FOUND", `No asset with id ${input.assetId}.`);
    const name = asset.assetTag ? `${asset.assetTag} (serial ${asset.serial})` : `serial ${asset.serial}`;
    const state: TAssetState = { status: asset.status as TAssetStatus, heldStatus: (asset.heldStatus as TAssetStatus | null) ?? null };
    if ((input.expectedVersion !== undefined && input.expectedVersion !== asset.version) || (input.expectedStatus !== undefined && input.expectedStatus !== state.status)) {
      throw new AppError("CONFLICT", `Asset ${name} changed since you loaded it (it is now ${STATUS_META[state.status].label}). Reload and try again.`, {
        details: { assetId: asset.id, status: state.status, version: asset.version },
      });
    }
    if (!nextStatuses(state).includes(input.to)) {
      const options = nextStatuses(state).map((s) => STATUS_META[s].label);
      throw new AppError("INVALID_TRANSITION", `Asset ${name} is ${STATUS_META[state.status].label}; it cannot move to ${STATUS_META[input.to].label}. ${options.length ? `From here it can move to: ${options.join(", ")}.` : "It is in a final state."}`, {
        details: { assetId: asset.id, status: state.status, attempted: input.to, allowed: nextStatuses(state) },
      });
    }
    if (!rolesFor(state, input.to).includes(actor.role)) {
      throw new AppError("FORBIDDEN", `Your role (${actor.role}) may not move an asset from ${STATUS_META[state.status].label} to ${STATUS_META[input.to].label}.`, {
        details: { assetId: asset.id, status: state.status, attempted: input.to },
      });
    }
    const heldStatus = input.to === "QUARANTINE" ? state.status : null;
    const at = clock.now();
    const updated = await tx.asset.updateMany({
      where: { id: asset.id, version: asset.version, status: asset.status },
      data: { status: input.to, heldStatus, version: { increment: 1 }, updatedAt: at },
    });
    if (updated.count !== 1) {
      throw new AppError("CONFLICT", `Asset ${name} was changed by someone else at the same moment. Reload and try again.`, { details: { assetId: asset.id } });
    }
    let payload = input.payload ?? {};
    if (input.to === "FAILED") {
      const everInService = (await tx.assetEvent.count({ where: { assetId: asset.id, toStatus: "IN_SERVICE" } })) > 0;
      payload = { ...payload, doa: isDoaFailure(state.status, everInService) };
    }
    const eventData = {
      assetId: asset.id,
      at,
      actorType: actor.type,
      actorId: actor.id,
      fromStatus: state.status,
      toStatus: input.to,
      reason: input.reason ?? null,
      payload: Object.keys(payload).length ? JSON.stringify(payload) : null,
    };
    const event = await tx.assetEvent.create({ data: { ...eventData, ...(await nextEventLink(tx, provider, eventData)) }, select: { id: true } });
    await appendAudit(tx, provider, actor, at, {
      action: "transition",
      entity: "Asset",
      entityId: asset.id,
      before: { status: state.status, version: asset.version },
      after: { status: input.to, version: asset.version + 1, reason: input.reason ?? null },
    });
    await publishEvent(tx, provider, at, { scope: "asset", key: asset.id, data: { kind: "asset.status", from: state.status, to: input.to, version: asset.version + 1 } });
    return { assetId: asset.id, from: state.status, to: input.to, version: asset.version + 1, eventId: event.id };
  }
}

/** The first event of a new asset, written by assets/service.ts when it creates one (in its transaction). */
export function initialStatusEvent(assetId: string, status: TAssetStatus, actor: TActor, at: Date, reason: string | null) {
  return { assetId, at, actorType: actor.type, actorId: actor.id, fromStatus: null, toStatus: status, reason, payload: null };
}
