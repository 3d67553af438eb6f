/**
 * The cable plan: device interfaces (from the model's interface template and the BMC's NIC
 * inventory), planned cables port to port (type, length, cable ID), cable labels at both ends
 * (the warehouse label documents), the per-port board of a rack or a switch, and the SAT gate.
 */
import type { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { assetsInRacks, rackableAssets, type TRackableAsset } from "../assets/service";
import { assetBmc } from "../bmc/service";
import { getLocation } from "../locations/service";
import { labelFile, renderLabels, type TLabel } from "../warehouse/service";
import { afterStatusChange } from "./reconcile";
import { ZCableInput, ZCableUpdate, ZLabelQuery, ZWaiver, type TCable, type TCablingBoard, type TCableStatus, type TInterface } from "./schema";

const label = (a: { assetTag: string | null; serial: string }) => a.assetTag ?? a.serial;

function templatePorts(a: TRackableAsset): string[] {
  if (!a.model.interfaceTemplate) return [];
  try {
    return (JSON.parse(a.model.interfaceTemplate) as { name: string }[]).map((i) => i.name);
  } catch {
    return [];
  }
}

/** Adds the model template's interfaces an asset does not have yet (in the caller's transaction). */
async function ensureTemplate(tx: Tx, a: TRackableAsset) {
  const names = templatePorts(a);
  if (!names.length) return;
  const have = new Set((await tx.deviceInterface.findMany({ where: { assetId: a.id }, select: { name: true } })).map((i) => i.name.toLowerCase()));
  const add = names.filter((n) => !have.has(n.toLowerCase()));
  if (add.length) await tx.deviceInterface.createMany({ data: add.map((name) => ({ assetId: a.id, name, source: "template" })) });
}

/**
 * A device's interfaces: its model's template, plus the MACs its BMC reported (Redfish/IPMI NIC
 * inventory): a MAC is put on the template port of the same position (nic order), or gets its own
 * interface (`nicN`) when the template has fewer ports. Audited when something was added.
 */
export async function syncInterfaces(deps: TDeps, actor: TActor, assetId: string): Promise<TInterface[]> {
  const [a] = await rackableAssets(deps.db, [assetId]);
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  const bmc = await assetBmc(deps, assetId).catch(() => null);
  const macs = [...new Set([...(bmc?.probe?.macs ?? []), ...(bmc?.probe?.systems?.[0]?.macs ?? [])].map((m) => m.toLowerCase()))];
  await deps.db.$transaction(async (tx) => {
    await ensureTemplate(tx, a);
    const ifs = await tx.deviceInterface.findMany({ where: { assetId }, orderBy: [{ createdAt: "asc" }, { name: "asc" }] });
    const known = new Set(ifs.map((i) => i.mac).filter(Boolean));
    const free = ifs.filter((i) => !i.mac && i.source === "template");
    const added: string[] = [];
    for (const mac of macs.filter((m) => !known.has(m))) {
      const slot = free.shift();
      if (slot) await tx.deviceInterface.update({ where: { id: slot.id }, data: { mac } });
      else await tx.deviceInterface.create({ data: { assetId, name: `nic${ifs.length + added.length}`, mac, source: "bmc" } });
      added.push(mac);
    }
    if (added.length) await appendAudit(tx, deps.provider, actor, deps.clock.now(), { action: "interfaces.sync", entity: "Asset", entityId: assetId, after: { macs: added } });
  });
  return listInterfaces(deps, assetId);
}

export async function listInterfaces(deps: TDeps, assetId: string): Promise<TInterface[]> {
  return deps.db.deviceInterface.findMany({ where: { assetId }, orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: { id: true, assetId: true, name: true, mac: true, source: true } });
}

async function checkPort(tx: Tx, a: TRackableAsset, port: string, field: string) {
  await ensureTemplate(tx, a);
  const ports = (await tx.deviceInterface.findMany({ where: { assetId: a.id }, select: { name: true } })).map((i) => i.name);
  if (ports.length && !ports.some((p) => p.toLowerCase() === port.toLowerCase())) {
    throw new AppError("BAD_REQUEST", `${label(a)} has no port ${port}; its ports are ${ports.slice(0, 12).join(", ")}${ports.length > 12 ? ", …" : ""}.`, { fields: { [field]: ["No such port on this device"] } });
  }
  return ports.find((p) => p.toLowerCase() === port.toLowerCase()) ?? port;
}

const dupMessage = (e: unknown, c: { label?: string }) => {
  const f = uniqueViolation(e);
  if (!f) return null;
  return f.some((x) => x.includes("label")) ? new AppError("DUPLICATE", `Cable ID ${c.label} is already in the plan; give this cable another ID.`, { fields: { label: ["Already used"] } }) : new AppError("DUPLICATE", "One of these ports already has a planned cable; free it first (edit or delete that cable).", { fields: { aPort: ["Port already cabled"] } });
};

export async function createCable(deps: TDeps, actor: TActor, input: z.input<typeof ZCableInput>): Promise<TCable> {
  const c = ZCableInput.parse(input);
  if (c.aAssetId === c.bAssetId && c.aPort.toLowerCase() === c.bPort.toLowerCase()) throw new AppError("BAD_REQUEST", "A cable joins two different ports.", { fields: { bPort: ["Choose another port"] } });
  try {
    const id = await deps.db.$transaction(async (tx) => {
      const assets = new Map((await rackableAssets(tx, [c.aAssetId, c.bAssetId])).map((a) => [a.id, a]));
      const a = assets.get(c.aAssetId);
      const b = assets.get(c.bAssetId);
      if (!a) throw new AppError("BAD_REQUEST", `No asset with id ${c.aAssetId}.`, { fields: { aAssetId: ["Unknown asset"] } });
      if (!b) throw new AppError("BAD_REQUEST", `No asset with id ${c.bAssetId}.`, { fields: { bAssetId: ["Unknown asset"] } });
      const aPort = await checkPort(tx, a, c.aPort, "aPort");
      const bPort = await checkPort(tx, b, c.bPort, "bPort");
      const at = deps.clock.now();
      const row = await tx.cable.create({ data: { ...c, aPort, bPort, createdAt: at, updatedAt: at } });
      await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Cable", entityId: row.id, after: { ...c, aPort, bPort } });
      await afterStatusChange(tx, deps, at, [a.id, b.id]);
      return row.id;
    });
    return (await cablesWhere(deps, { id }))[0]!;
  } catch (e) {
    throw dupMessage(e, c) ?? e;
  }
}

export async function updateCable(deps: TDeps, actor: TActor, input: z.input<typeof ZCableUpdate>): Promise<TCable> {
  const u = ZCableUpdate.parse(input);
  try {
    await deps.db.$transaction(async (tx) => {
      const before = await tx.cable.findUnique({ where: { id: u.id } });
      if (!before) throw new AppError("NOT_FOUND", `No cable with id ${u.id}.`);
      if (u.expectedVersion !== undefined && u.expectedVersion !== before.version) throw new AppError("CONFLICT", `Cable ${before.label} changed since you loaded it. Reload and try again.`);
      const next = { ...before, ...u.data };
      const assets = new Map((await rackableAssets(tx, [next.aAssetId, next.bAssetId])).map((a) => [a.id, a]));
      if (!assets.get(next.aAssetId) || !assets.get(next.bAssetId)) throw new AppError("BAD_REQUEST", "One end names an asset that does not exist.");
      const aPort = await checkPort(tx, assets.get(next.aAssetId)!, next.aPort, "aPort");
      const bPort = await checkPort(tx, assets.get(next.bAssetId)!, next.bPort, "bPort");
      const moved = next.aAssetId !== before.aAssetId || next.bAssetId !== before.bAssetId || aPort !== before.aPort || bPort !== before.bPort;
      const at = deps.clock.now();
      await tx.cable.update({ where: { id: u.id }, data: { ...u.data, aPort, bPort, ...(moved ? { status: "PENDING", observed: null, verifiedAt: null } : {}), version: { increment: 1 }, updatedAt: at } });
      await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "Cable", entityId: u.id, before: { label: before.label, aAssetId: before.aAssetId, aPort: before.aPort, bAssetId: before.bAssetId, bPort: before.bPort, type: before.type, lengthM: before.lengthM }, after: { ...u.data, aPort, bPort } });
      await afterStatusChange(tx, deps, at, [...new Set([before.aAssetId, before.bAssetId, next.aAssetId, next.bAssetId])]);
    });
  } catch (e) {
    throw dupMessage(e, u.data) ?? e;
  }
  return (await cablesWhere(deps, { id: u.id }))[0]!;
}

export async function deleteCable(deps: TDeps, actor: TActor, id: string): Promise<{ id: string }> {
  await deps.db.$transaction(async (tx) => {
    const before = await tx.cable.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", `No cable with id ${id}.`);
    await tx.cable.delete({ where: { id } });
    const at = deps.clock.now();
    await appendAudit(tx, deps.provider, actor, at, { action: "delete", entity: "Cable", entityId: id, before: { label: before.label, aAssetId: before.aAssetId, aPort: before.aPort, bAssetId: before.bAssetId, bPort: before.bPort } });
    await afterStatusChange(tx, deps, at, [before.aAssetId, before.bAssetId]);
  });
  return { id };
}

async function cablesWhere(deps: TDeps, where: { id?: string; assetIds?: string[] }): Promise<TCable[]> {
  const rows = await deps.db.cable.findMany({
    where: where.id ? { id: where.id } : { OR: [{ aAssetId: { in: where.assetIds ?? [] } }, { bAssetId: { in: where.assetIds ?? [] } }] },
    orderBy: [{ label: "asc" }],
    take: 5000,
  });
  const assets = new Map((await rackableAssets(deps.db, rows.flatMap((r) => [r.aAssetId, r.bAssetId]))).map((a) => [a.id, a]));
  const rackIds = [...new Set([...assets.values()].map((a) => a.locationId).filter((x): x is string => !!x))];
  const racks = new Map<string, string>();
  for (const id of rackIds) racks.set(id, (await getLocation(deps, id)).path);
  const end = (assetId: string, port: string) => {
    const a = assets.get(assetId);
    return { assetId, name: a ? label(a) : assetId, port, rack: a?.locationId ? (racks.get(a.locationId) ?? null) : null, rackUnit: a?.rackUnit ?? null };
  };
  return rows.map((r) => ({ id: r.id, label: r.label, a: end(r.aAssetId, r.aPort), b: end(r.bAssetId, r.bPort), type: r.type, lengthM: r.lengthM, status: r.status as TCableStatus, observed: r.observed, checkedAt: r.checkedAt, verifiedAt: r.verifiedAt, version: r.version }));
}

/** The cables of a rack (every cable with an end on a device standing in it) or of one device. */
export async function listCables(deps: TDeps, q: { rackId?: string; assetId?: string }): Promise<TCable[]> {
  const ids = q.assetId ? [q.assetId] : (await assetsInRacks(deps.db, [q.rackId!])).map((a) => a.id);
  return cablesWhere(deps, { assetIds: ids });
}

/** The labels of one cable, both ends (A then B), as PDF or ZPL, through the warehouse label documents. */
export async function cableLabels(deps: TDeps, input: z.input<typeof ZLabelQuery>) {
  const q = ZLabelQuery.parse(input);
  const [c] = await cablesWhere(deps, { id: q.id });
  if (!c) throw new AppError("NOT_FOUND", `No cable with id ${q.id}.`);
  const where = (e: TCable["a"]) => `${e.name} ${e.port}${e.rack ? ` (${e.rack}${e.rackUnit ? ` U${e.rackUnit}` : ""})` : ""}`;
  const spec = `${c.type} ${c.lengthM} m`;
  const labels: TLabel[] = [
    { kind: "cable", cableId: c.label, end: "A", here: where(c.a), there: where(c.b), spec },
    { kind: "cable", cableId: c.label, end: "B", here: where(c.b), there: where(c.a), spec },
  ];
  return labelFile(`cable-${c.label}`, q.format, await renderLabels(labels, q.format, q.stock), labels.length);
}

/** The per-port board of a rack (its devices) or one device (a switch): each planned port's cable and state. */
export async function cablingBoard(deps: TDeps, q: { rackId?: string; assetId?: string }): Promise<TCablingBoard> {
  const devices = q.rackId ? await assetsInRacks(deps.db, [q.rackId]) : await rackableAssets(deps.db, [q.assetId!]);
  if (q.assetId && !devices.length) throw new AppError("NOT_FOUND", `No asset with id ${q.assetId}.`);
  const title = q.rackId ? (await getLocation(deps, q.rackId)).path : label(devices[0]!);
  const cables = await cablesWhere(deps, { assetIds: devices.map((d) => d.id) });
  const ifs = await deps.db.deviceInterface.findMany({ where: { assetId: { in: devices.map((d) => d.id) } }, orderBy: [{ createdAt: "asc" }, { name: "asc" }], select: { assetId: true, name: true } });
  const counts: Record<string, number> = { PENDING: 0, VERIFIED: 0, WRONG_PORT: 0, MISSING: 0, UNEXPECTED: 0 };
  for (const c of cables) counts[c.status] = (counts[c.status] ?? 0) + 1;
  const out = [...devices]
    .sort((x, y) => (y.rackUnit ?? 0) - (x.rackUnit ?? 0))
    .map((d) => {
      const names = [...new Set([...ifs.filter((i) => i.assetId === d.id).map((i) => i.name), ...templatePorts(d), ...cables.flatMap((c) => [c.a.assetId === d.id ? c.a.port : null, c.b.assetId === d.id ? c.b.port : null]).filter((x): x is string => !!x)])];
      return {
        assetId: d.id,
        name: label(d),
        kind: d.model.kind,
        rackUnit: d.rackUnit,
        ports: names.map((port) => {
          const c = cables.find((x) => (x.a.assetId === d.id && x.a.port === port) || (x.b.assetId === d.id && x.b.port === port));
          const peer = c ? (c.a.assetId === d.id && c.a.port === port ? c.b : c.a) : null;
          return { port, cableId: c?.id ?? null, label: c?.label ?? null, peer: peer ? `${peer.name} ${peer.port}` : null, status: c?.status ?? null, observed: c?.observed ?? null };
        }),
      };
    });
  return { title, devices: out, counts };
}

// ---------------------------------------------------------------- SAT gate

/** An admin's waiver: this asset may pass SAT with unverified cables (audited, with the reason). */
export async function waiveCabling(deps: TDeps, actor: TActor, input: z.input<typeof ZWaiver>) {
  const w = ZWaiver.parse(input);
  const [a] = await rackableAssets(deps.db, [w.assetId]);
  if (!a) throw new AppError("NOT_FOUND", `No asset with id ${w.assetId}.`);
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const before = await tx.cablingWaiver.findUnique({ where: { assetId: w.assetId } });
    const row = await tx.cablingWaiver.upsert({ where: { assetId: w.assetId }, create: { assetId: w.assetId, reason: w.reason, waivedBy: actor.name, createdAt: at }, update: { reason: w.reason, waivedBy: actor.name, createdAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "cabling.waive", entity: "Asset", entityId: w.assetId, before: before ? { reason: before.reason, waivedBy: before.waivedBy } : undefined, after: { reason: w.reason } });
    await publishEvent(tx, deps.provider, at, { scope: "cabling", key: w.assetId, data: { kind: "cabling.rack" } });
    return { assetId: row.assetId, reason: row.reason, waivedBy: row.waivedBy, createdAt: row.createdAt };
  });
}

/**
 * For the SAT sign-off (acceptance), in its transaction: refuses when one of these assets has a planned
 * cable that is not verified and no waiver, naming the cables and how to fix it.
 */
export async function assertCablingVerified(tx: Tx, assetIds: string[]): Promise<void> {
  if (!assetIds.length) return;
  const open = await tx.cable.findMany({ where: { status: { not: "VERIFIED" }, OR: [{ aAssetId: { in: assetIds } }, { bAssetId: { in: assetIds } }] }, select: { label: true, status: true, aAssetId: true, bAssetId: true } });
  if (!open.length) return;
  const waived = new Set((await tx.cablingWaiver.findMany({ where: { assetId: { in: assetIds } }, select: { assetId: true } })).map((w) => w.assetId));
  const blocking = open.filter((c) => [c.aAssetId, c.bAssetId].some((id) => assetIds.includes(id) && !waived.has(id)));
  if (!blocking.length) return;
  const names = blocking.slice(0, 8).map((c) => `${c.label} (${c.status.toLowerCase().replace("_", " ")})`);
  throw new AppError("CONFLICT", `The SAT cannot pass: cable${blocking.length > 1 ? "s" : ""} ${names.join(", ")}${blocking.length > 8 ? ", …" : ""} ${blocking.length > 1 ? "are" : "is"} not verified by LLDP. Fix the cabling (the rack's cabling page shows where each lands), or an admin waives it with a reason.`, {
    details: { cables: blocking.map((c) => c.label) },
  });
}
