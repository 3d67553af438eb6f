/**
 * Cable plan reconciliation: each planned cable against the LLDP both of its ends report.
 *
 * `reconcileCables(plan, views)` is pure. A neighbour seen on a device's port is resolved to a planned
 * device by MAC (its chassis ID or port ID, whatever the subtype says, against the devices' interface
 * MACs and the chassis IDs of their own views) or by name (system name, tag, serial); its port by name
 * (port ID, description) or by MAC (an interface's MAC). Per cable:
 *   VERIFIED    one end sees the other end's planned port on its planned port
 *   WRONG_PORT  the far device is seen on the planned port but at another of its ports, or the far port
 *               lands on another local port (`observed` says where it actually lands)
 *   UNEXPECTED  the planned port sees a device or port that is not the planned one (named in `observed`)
 *   MISSING     an end has a view and nothing is seen on the planned port
 *   PENDING     neither end has a view yet
 *
 * `onLldpObserved(deps, assetIds)` runs after new views of these assets were stored: it reads the
 * latest views through the LLDP service, stores each cable's state, publishes it live, and moves an
 * asset RACKED → CABLED once all its planned cables are verified, in one transaction.
 */
import type { TDeps } from "../../context";
import { SYSTEM_ACTOR } from "../../context";
import type { TLldpView } from "../../contracts/lldp";
import type { Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { rackableAssets, transitionInTx } from "../assets/service";
import { latestLldpViews } from "./lldp-service";
import type { TCableStatus } from "./schema";

export interface TPlanDevice {
  assetId: string;
  /** what people read: tag, else serial */
  label: string;
  /** names LLDP may call it by (system name, tag, serial), any case */
  names: string[];
  interfaces: { name: string; mac: string | null }[];
}
export interface TPlannedCable {
  id: string;
  a: { assetId: string; port: string };
  b: { assetId: string; port: string };
}
export interface TCablePlan {
  devices: TPlanDevice[];
  cables: TPlannedCable[];
}
export interface TCableResult {
  id: string;
  status: TCableStatus;
  observed: string | null;
}

const norm = (s: string) => s.trim().toLowerCase();
const MAC = /^([0-9a-f]{2}[:-]?){5}[0-9a-f]{2}$/;
function asMac(s: string): string | null {
  const t = norm(s);
  if (!MAC.test(t)) return null;
  const hex = t.replace(/[:-]/g, "");
  return hex.match(/../g)!.join(":");
}

type TSeen = { localNames: Set<string>; localPort: string; remoteAsset: string | null; remoteNames: Set<string>; remoteText: string };

/** Resolves every neighbour of every view once: which planned device and which of its ports. */
function observations(plan: TCablePlan, views: { assetId: string; view: TLldpView }[]): Map<string, TSeen[]> {
  const byMac = new Map<string, { assetId: string; port: string | null }>();
  const byName = new Map<string, string>();
  const labels = new Map(plan.devices.map((d) => [d.assetId, d.label]));
  for (const d of plan.devices) {
    for (const n of d.names) if (n) byName.set(norm(n), d.assetId);
    for (const i of d.interfaces) if (i.mac) byMac.set(asMac(i.mac) ?? norm(i.mac), { assetId: d.assetId, port: i.name });
  }
  for (const { assetId, view } of views) {
    const chassis = asMac(view.chassisId);
    if (chassis && !byMac.has(chassis)) byMac.set(chassis, { assetId, port: null });
    if (view.sysName) byName.set(norm(view.sysName), assetId);
    for (const p of view.localPorts) {
      const m = p.portIdSubtype === "mac" || asMac(p.portId) ? asMac(p.portId) : null;
      if (m && !byMac.has(m)) byMac.set(m, { assetId, port: p.ifName || p.portDesc || null });
    }
  }
  const out = new Map<string, TSeen[]>();
  for (const { assetId, view } of views) {
    const local = new Map(view.localPorts.map((p) => [p.portNum, p]));
    const list: TSeen[] = [];
    for (const n of view.neighbors) {
      const lp = local.get(n.localPortNum);
      const localNames = new Set([n.localPortId, lp?.portId ?? "", lp?.ifName ?? "", lp?.portDesc ?? ""].filter(Boolean).map(norm));
      const chassisMac = asMac(n.chassisId);
      const portMac = asMac(n.portId);
      const hitChassis = chassisMac ? byMac.get(chassisMac) : undefined;
      const hitPort = portMac ? byMac.get(portMac) : undefined;
      const remoteAsset = hitChassis?.assetId ?? hitPort?.assetId ?? byName.get(norm(n.sysName)) ?? byName.get(norm(n.chassisId)) ?? null;
      const remoteNames = new Set([n.portId, n.portDesc].filter(Boolean).map(norm));
      if (hitPort && hitPort.assetId === remoteAsset && hitPort.port) remoteNames.add(norm(hitPort.port));
      const who = remoteAsset ? (labels.get(remoteAsset) ?? remoteAsset) : n.sysName || n.chassisId;
      list.push({ localNames, localPort: n.localPortId || lp?.ifName || lp?.portId || String(n.localPortNum), remoteAsset, remoteNames, remoteText: `${who} ${n.portDesc && !portMac ? n.portId : (hitPort?.port ?? n.portId)}`.trim() });
    }
    out.set(assetId, list);
  }
  return out;
}

const RANK: Record<TCableStatus, number> = { VERIFIED: 4, WRONG_PORT: 3, UNEXPECTED: 2, MISSING: 1, PENDING: 0 };

/** Each planned cable's state against the views (pure). */
export function reconcileCables(plan: TCablePlan, views: { assetId: string; view: TLldpView }[]): TCableResult[] {
  const seen = observations(plan, views);
  const labels = new Map(plan.devices.map((d) => [d.assetId, d.label]));
  return plan.cables.map((c) => {
    let best: TCableResult = { id: c.id, status: "PENDING", observed: null };
    const take = (r: TCableResult) => {
      if (RANK[r.status] > RANK[best.status]) best = r;
    };
    for (const [near, far] of [[c.a, c.b], [c.b, c.a]] as const) {
      const obs = seen.get(near.assetId);
      if (!obs) continue;
      const port = norm(near.port);
      const farPort = norm(far.port);
      const atPort = obs.filter((o) => o.localNames.has(port));
      const nearName = labels.get(near.assetId) ?? near.assetId;
      if (atPort.some((o) => o.remoteAsset === far.assetId && o.remoteNames.has(farPort))) {
        take({ id: c.id, status: "VERIFIED", observed: null });
        continue;
      }
      const farElsewhere = atPort.find((o) => o.remoteAsset === far.assetId);
      if (farElsewhere) { take({ id: c.id, status: "WRONG_PORT", observed: `${nearName} ${near.port} lands on ${farElsewhere.remoteText}` }); continue; }
      const movedHere = obs.find((o) => !o.localNames.has(port) && o.remoteAsset === far.assetId && o.remoteNames.has(farPort));
      if (movedHere) { take({ id: c.id, status: "WRONG_PORT", observed: `${labels.get(far.assetId) ?? far.assetId} ${far.port} lands on ${nearName} ${movedHere.localPort}` }); continue; }
      if (atPort.length) { take({ id: c.id, status: "UNEXPECTED", observed: `${nearName} ${near.port} sees ${atPort.map((o) => o.remoteText).join(", ")}` }); continue; }
      take({ id: c.id, status: "MISSING", observed: `nothing seen on ${nearName} ${near.port}` });
    }
    return best;
  });
}

// ---------------------------------------------------------------- persisted

/** The plan around these assets: every cable with an end on one of them, and both ends' devices. */
export async function loadPlan(deps: TDeps | { db: Tx }, assetIds: string[]): Promise<TCablePlan> {
  const rows = await deps.db.cable.findMany({ where: { OR: [{ aAssetId: { in: assetIds } }, { bAssetId: { in: assetIds } }] }, select: { id: true, aAssetId: true, aPort: true, bAssetId: true, bPort: true } });
  const ids = [...new Set(rows.flatMap((r) => [r.aAssetId, r.bAssetId]))];
  const assets = await rackableAssets(deps.db, ids);
  const ifs = await deps.db.deviceInterface.findMany({ where: { assetId: { in: ids } }, select: { assetId: true, name: true, mac: true } });
  return {
    devices: assets.map((a) => ({ assetId: a.id, label: a.assetTag ?? a.serial, names: [a.assetTag ?? "", a.serial], interfaces: ifs.filter((i) => i.assetId === a.id).map((i) => ({ name: i.name, mac: i.mac })) })),
    cables: rows.map((r) => ({ id: r.id, a: { assetId: r.aAssetId, port: r.aPort }, b: { assetId: r.bAssetId, port: r.bPort } })),
  };
}

/** Called after new LLDP views of these assets (switches or hosts) were stored and committed. */
export async function onLldpObserved(deps: TDeps, assetIds: string[]): Promise<void> {
  if (!assetIds.length) return;
  const plan = await loadPlan(deps, assetIds);
  if (!plan.cables.length) return;
  const views = await latestLldpViews(deps, { assetIds: plan.devices.map((d) => d.assetId) });
  await applyReconcile(deps, plan, views);
}

/** onLldpObserved with the views given (tests and benchmarks: no LLDP tables needed). */
export async function onLldpObservedWith(deps: TDeps, assetIds: string[], views: { assetId: string; view: TLldpView }[]): Promise<TCableResult[]> {
  const plan = await loadPlan(deps, assetIds);
  if (!plan.cables.length) return [];
  const mine = new Set(plan.devices.map((d) => d.assetId));
  return applyReconcile(deps, plan, views.filter((v) => mine.has(v.assetId)));
}

async function applyReconcile(deps: TDeps, plan: TCablePlan, views: { assetId: string; view: TLldpView }[]): Promise<TCableResult[]> {
  const results = reconcileCables(plan, views);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const before = new Map((await tx.cable.findMany({ where: { id: { in: results.map((r) => r.id) } }, select: { id: true, status: true, observed: true } })).map((c) => [c.id, c]));
    const changed = results.filter((r) => {
      const b = before.get(r.id);
      return b && (b.status !== r.status || b.observed !== r.observed);
    });
    for (const r of changed) {
      await tx.cable.update({ where: { id: r.id }, data: { status: r.status, observed: r.observed, checkedAt: at, ...(r.status === "VERIFIED" && before.get(r.id)!.status !== "VERIFIED" ? { verifiedAt: at } : {}), version: { increment: 1 }, updatedAt: at } });
    }
    const touched = [...new Set(plan.cables.filter((c) => changed.some((r) => r.id === c.id)).flatMap((c) => [c.a.assetId, c.b.assetId]))];
    if (changed.length) {
      await appendAudit(tx, deps.provider, SYSTEM_ACTOR, at, { action: "cabling.reconcile", entity: "Cable", entityId: changed[0]!.id, before: { cables: changed.map((r) => ({ id: r.id, status: before.get(r.id)!.status })) }, after: { cables: changed.map((r) => ({ id: r.id, status: r.status, observed: r.observed })), assetIds: touched } });
    }
    await afterStatusChange(tx, deps, at, touched);
  });
  return results;
}

/** After cable states changed: live notices per device (and its rack), and RACKED → CABLED for every asset whose planned cables are all verified. */
export async function afterStatusChange(tx: Tx, deps: TDeps, at: Date, assetIds: string[]) {
  if (!assetIds.length) return;
  const cables = await tx.cable.findMany({ where: { OR: [{ aAssetId: { in: assetIds } }, { bAssetId: { in: assetIds } }] }, select: { aAssetId: true, bAssetId: true, status: true } });
  const assets = await rackableAssets(tx, assetIds);
  const notices = [];
  const racks = new Set<string>();
  for (const a of assets) {
    const mine = cables.filter((c) => c.aAssetId === a.id || c.bAssetId === a.id);
    const verified = mine.filter((c) => c.status === "VERIFIED").length;
    notices.push({ scope: "cabling" as const, key: a.id, data: { kind: "cabling.status" as const, verified, total: mine.length } });
    if (a.locationId) racks.add(a.locationId);
    if (a.status === "RACKED" && mine.length > 0 && verified === mine.length) {
      await transitionInTx(tx, deps.provider, deps.clock, SYSTEM_ACTOR, { assetId: a.id, to: "CABLED", expectedStatus: "RACKED", reason: `all ${mine.length} planned cable${mine.length > 1 ? "s" : ""} verified by LLDP` });
    }
  }
  for (const r of racks) notices.push({ scope: "cabling" as const, key: r, data: { kind: "cabling.status" as const, verified: 0, total: 0 } });
  await publishEvent(tx, deps.provider, at, ...notices);
}
