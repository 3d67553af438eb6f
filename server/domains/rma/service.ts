/**
 * Vendor RMA cases (issue 15): open (from a failed asset or part, an in-service part, or a failed burn-in
 * run with its evidence), submit, approve with the vendor's RMA number, ship (the asset moves
 * FAILED/IN_SERVICE → RMA through the lifecycle; drives with data never ship unsanitised unless the
 * contract lets the customer keep the drive), receive the replacement (a new asset that takes the failed
 * one's place), close; or reject / cancel. The SLA clock runs from opening to the replacement RECEIVED
 * against the vendor's rmaSlaDays; a scheduled job flags breaches, the board shows them live.
 *
 * Sanitisation evidence and disposal batches are ./sanitisation.ts and ./disposal.ts.
 */
import { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { defineJob } from "../../jobs/queue";
import { assetFacts, drivesIn, placeInTx, replaceInPlaceInTx, transitionInTx, type TAssetFacts } from "../assets/service";
import { burnInEvidenceFor, runAssetOf, runEvidence } from "../burnin/service";
import { getModel, listVendors } from "../catalog/service";
import { normaliseSerial } from "../../contracts/normalise";
import { periodRange } from "../procurement/schema";
import { passedEvidenceFor } from "./sanitisation";
import { flagOverdueBatches } from "./disposal";
import {
  OPEN_RMA,
  RMA_STATUS_LABELS,
  RMA_WRITERS,
  ZBoardQuery,
  ZKpiQuery,
  ZReplacementInput,
  ZRmaListQuery,
  ZRmaOpen,
  ZRmaTransition,
  ZRmaUpdate,
  type TBoard,
  type TKpiOut,
  type TRmaCase,
  type TRmaStatus,
} from "./schema";

export const DAY = 86_400_000;
/** the RMA turnaround target of docs/architecture.md (days); each vendor's own SLA is its rmaSlaDays */
export const RMA_TARGET_DAYS = 5;
const DEFAULT_SLA_DAYS = 5;

type TCaseRow = NonNullable<Awaited<ReturnType<Tx["rmaCase"]["findUnique"]>>>;

const round1 = (n: number) => Math.round(n * 10) / 10;
const monthOf = (d: Date) => d.toISOString().slice(0, 7);
const json = <T>(s: string | null): T | null => (s ? (JSON.parse(s) as T) : null);

/** What a person may do next with a case, by its state (every action needs an RMA writer). */
function actionsFor(c: Pick<TCaseRow, "status" | "mode" | "shippedAt">): TRmaCase["actions"] {
  switch (c.status as TRmaStatus) {
    case "DRAFT":
      return ["submit", "cancel"];
    case "SUBMITTED":
      return ["approve", "reject", "cancel"];
    case "APPROVED":
      return ["ship", "cancel"];
    case "REPLACEMENT_RECEIVED":
      return c.shippedAt ? ["close"] : ["ship"];
    default:
      return [];
  }
}
const canReceive = (c: Pick<TCaseRow, "status" | "mode">) => c.status === "SHIPPED" || (c.status === "APPROVED" && c.mode === "ADVANCE");

function toCase(c: TCaseRow, asset: TAssetFacts | undefined, vendorName: string | null, now: Date, role?: TActor["role"]): TRmaCase {
  const writer = role === undefined || RMA_WRITERS.includes(role);
  const open = OPEN_RMA.includes(c.status as TRmaStatus);
  return {
    id: c.id,
    number: c.number,
    assetId: c.assetId,
    assetSerial: asset?.serial ?? "?",
    assetTag: asset?.assetTag ?? null,
    assetStatus: asset?.status ?? "?",
    modelName: asset?.modelName ?? "?",
    vendorId: c.vendorId || null,
    vendorName,
    status: c.status as TRmaStatus,
    mode: c.mode as TRmaCase["mode"],
    reason: c.reason,
    faultCode: c.faultCode,
    vendorRmaNumber: c.vendorRmaNumber,
    keepDrive: c.keepDrive,
    keptDrives: json<{ assetId: string; serial: string }[]>(c.keptDrives) ?? [],
    burnInRunId: c.burnInRunId,
    evidence: json<Record<string, unknown>>(c.evidence),
    carrier: c.carrier,
    trackingNumber: c.trackingNumber,
    shippedAt: c.shippedAt,
    deliveredAt: c.deliveredAt,
    replacementSerial: c.replacementSerial,
    replacementAssetId: c.replacementAssetId,
    receivedAt: c.receivedAt,
    turnaroundDays: c.turnaroundDays,
    outcome: c.outcome,
    closedAt: c.closedAt,
    slaDays: c.slaDays,
    openedAt: c.openedAt,
    dueAt: c.dueAt,
    breachFlaggedAt: c.breachFlaggedAt,
    breached: open ? now.getTime() > c.dueAt.getTime() : c.receivedAt !== null && c.receivedAt.getTime() > c.dueAt.getTime(),
    version: c.version,
    actions: writer ? actionsFor(c) : [],
    canReceive: writer && canReceive(c),
  };
}

async function vendorNames(deps: TDeps): Promise<Map<string, { name: string; rmaSlaDays: number }>> {
  return new Map((await listVendors(deps)).map((v) => [v.id, { name: v.name, rmaSlaDays: v.rmaSlaDays }]));
}

async function loadCase(db: TDeps["db"] | Tx, id: string): Promise<TCaseRow> {
  const c = await db.rmaCase.findUnique({ where: { id } });
  if (!c) throw new AppError("NOT_FOUND", `No RMA case with id ${id}.`);
  return c;
}

export async function getCase(deps: TDeps, id: string, role?: TActor["role"]): Promise<TRmaCase> {
  const c = await loadCase(deps.db, id);
  const [facts, vendors] = await Promise.all([assetFacts(deps.db, [c.assetId]), vendorNames(deps)]);
  return toCase(c, facts.get(c.assetId), vendors.get(c.vendorId)?.name ?? null, deps.clock.now(), role);
}

export async function listCases(deps: TDeps, input: z.input<typeof ZRmaListQuery>, role?: TActor["role"]): Promise<{ items: TRmaCase[] }> {
  const q = ZRmaListQuery.parse(input);
  const rows = await deps.db.rmaCase.findMany({
    where: { status: q.status ?? (q.open === undefined ? undefined : q.open ? { in: [...OPEN_RMA] } : { notIn: [...OPEN_RMA] }), vendorId: q.vendorId, assetId: q.assetId },
    orderBy: [{ openedAt: "desc" }, { id: "desc" }],
    take: q.take,
  });
  const [facts, vendors] = await Promise.all([assetFacts(deps.db, [...new Set(rows.map((r) => r.assetId))]), vendorNames(deps)]);
  const now = deps.clock.now();
  return { items: rows.map((r) => toCase(r, facts.get(r.assetId), vendors.get(r.vendorId)?.name ?? null, now, role)) };
}

function staleCase(c: TCaseRow, expectedVersion: number | undefined) {
  if (expectedVersion !== undefined && expectedVersion !== c.version)
    throw new AppError("CONFLICT", `RMA ${c.number} changed since you loaded it (it is now ${RMA_STATUS_LABELS[c.status as TRmaStatus]}). Reload and try again.`, { details: { id: c.id, status: c.status, version: c.version } });
}

/** Writes a case change guarded by its version, audited, with its live notice. */
async function writeCase(tx: Tx, deps: TDeps, actor: TActor, c: TCaseRow, data: Partial<TCaseRow>, action: string, at: Date): Promise<TCaseRow> {
  const res = await tx.rmaCase.updateMany({ where: { id: c.id, version: c.version }, data: { ...data, version: { increment: 1 }, updatedAt: at } });
  if (res.count !== 1) throw new AppError("CONFLICT", `RMA ${c.number} was changed by someone else at the same moment. Reload and try again.`);
  const after = await loadCase(tx, c.id);
  await appendAudit(tx, deps.provider, actor, at, { action, entity: "RmaCase", entityId: c.id, before: { status: c.status, version: c.version }, after: { ...data, status: after.status, version: after.version } });
  await publishEvent(tx, deps.provider, at, { scope: "rma", key: c.id, data: { kind: "rma.case", status: after.status, breached: at.getTime() > after.dueAt.getTime() } });
  return after;
}

/** The next case number, read inside the transaction (a unique index catches a race; the caller retries). */
async function nextNumber(tx: Tx): Promise<string> {
  const last = await tx.rmaCase.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
  const n = last ? Number(last.number.slice(4)) + 1 : 1;
  return `RMA-${String(n).padStart(6, "0")}`;
}

export async function openCase(deps: TDeps, actor: TActor, input: z.input<typeof ZRmaOpen>): Promise<TRmaCase> {
  const data = ZRmaOpen.parse(input);
  let assetId = data.assetId;
  let evidence: Record<string, unknown> | null = null;
  let reason = data.reason;
  if (data.burnInRunId) {
    const run = await runAssetOf(deps, data.burnInRunId);
    if (!run) throw new AppError("BAD_REQUEST", "That burn-in run does not exist.", { fields: { burnInRunId: ["Unknown run"] } });
    if (run.status !== "FAILED") throw new AppError("BAD_REQUEST", `That burn-in run ${run.status === "RUNNING" ? "is still running" : `ended ${run.status.toLowerCase()}`}; an RMA is opened from a failed run.`, { fields: { burnInRunId: ["Not a failed run"] } });
    if (assetId && assetId !== run.assetId) throw new AppError("BAD_REQUEST", "That burn-in run is of another asset.", { fields: { burnInRunId: ["Another asset's run"] } });
    assetId = run.assetId;
    const summary = await burnInEvidenceFor(deps, run.assetId);
    const full = await runEvidence(deps, data.burnInRunId);
    evidence = {
      burnIn: {
        runId: data.burnInRunId,
        failure: summary?.runId === data.burnInRunId ? summary.failure : (full?.failure ?? null),
        pdfPath: `/burnin/${data.burnInRunId}/evidence.pdf`,
        sel: (full?.sel ?? []).slice(0, 50),
        trace: full?.trace ? { sensor: full.trace.sensor, unit: full.trace.unit, points: full.trace.points.length } : null,
        serials: full?.serials ?? null,
      },
    };
    const f = (evidence.burnIn as { failure: { rule?: string; detail?: string } | null }).failure;
    reason ??= `Burn-in failed${f?.rule ? `: rule ${f.rule}` : ""}${f?.detail ? ` (${f.detail})` : ""}`;
  }
  if (data.attachments.length) evidence = { ...(evidence ?? {}), attachments: data.attachments };
  if (!reason) throw new AppError("BAD_REQUEST", "Say what is wrong with it (the fault).", { fields: { reason: ["Required"] } });
  const asset = (await assetFacts(deps.db, [assetId!])).get(assetId!);
  if (!asset) throw new AppError("BAD_REQUEST", "That asset does not exist.", { fields: { assetId: ["Unknown asset"] } });
  if (asset.status !== "FAILED" && asset.status !== "IN_SERVICE")
    throw new AppError("BAD_REQUEST", `Asset ${asset.assetTag ?? asset.serial} is ${asset.status}; an RMA is opened for a FAILED asset or part, or for a part in service. Mark it failed first.`, { fields: { assetId: ["Not failed or in service"] } });
  const open = await deps.db.rmaCase.findFirst({ where: { assetId: asset.id, status: { in: [...OPEN_RMA] } }, select: { number: true } });
  if (open) throw new AppError("DUPLICATE", `Asset ${asset.assetTag ?? asset.serial} already has an open RMA (${open.number}); continue that one.`, { details: { number: open.number } });
  const vendors = await vendorNames(deps);
  const slaDays = asset.vendorId ? (vendors.get(asset.vendorId)?.rmaSlaDays ?? DEFAULT_SLA_DAYS) : DEFAULT_SLA_DAYS;
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await deps.db.$transaction(async (tx) => {
        const at = deps.clock.now();
        const c = await tx.rmaCase.create({
          data: {
            number: await nextNumber(tx),
            assetId: asset.id,
            vendorId: asset.vendorId ?? "",
            status: "DRAFT",
            mode: data.mode,
            reason: reason!,
            faultCode: data.faultCode || null,
            keepDrive: data.keepDrive,
            burnInRunId: data.burnInRunId ?? null,
            evidence: evidence ? JSON.stringify(evidence) : null,
            slaDays,
            openedAt: at,
            openedBy: actor.name,
            dueAt: new Date(at.getTime() + slaDays * DAY),
            updatedAt: at,
          },
        });
        await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "RmaCase", entityId: c.id, after: { number: c.number, assetId: asset.id, reason, mode: data.mode, keepDrive: data.keepDrive, burnInRunId: data.burnInRunId ?? null, slaDays } });
        await publishEvent(tx, deps.provider, at, { scope: "rma", key: c.id, data: { kind: "rma.case", status: "DRAFT", breached: false } });
        return c;
      });
      return toCase(row, asset, vendors.get(row.vendorId)?.name ?? null, deps.clock.now());
    } catch (e) {
      if (uniqueViolation(e) && attempt < 3) continue;
      throw e;
    }
  }
}

export async function updateCase(deps: TDeps, actor: TActor, input: z.input<typeof ZRmaUpdate>): Promise<TRmaCase> {
  const { id, expectedVersion, data } = ZRmaUpdate.parse(input);
  const c = await loadCase(deps.db, id);
  staleCase(c, expectedVersion);
  if (!OPEN_RMA.includes(c.status as TRmaStatus) && c.status !== "REPLACEMENT_RECEIVED") throw new AppError("INVALID_TRANSITION", `RMA ${c.number} is ${RMA_STATUS_LABELS[c.status as TRmaStatus]}; it can no longer be edited.`);
  if (c.shippedAt && (data.keepDrive !== undefined || data.mode !== undefined)) throw new AppError("BAD_REQUEST", `RMA ${c.number} has shipped; the mode and keep-your-drive can no longer change.`);
  const patch: Partial<TCaseRow> = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) (patch as Record<string, unknown>)[k] = v === "" ? null : v;
  if (!Object.keys(patch).length) return getCase(deps, id, actor.role);
  await deps.db.$transaction((tx) => writeCase(tx, deps, actor, c, patch, "update", deps.clock.now()));
  return getCase(deps, id, actor.role);
}

/**
 * The drives that would leave with a shipment: the asset itself when it is a drive, and the drives
 * inside it. Each must have passed sanitisation evidence, unless the case keeps the drives.
 */
async function shippingDrives(tx: Tx, asset: TAssetFacts) {
  const inside = await drivesIn(tx, [asset.id]);
  const drives = inside.map((d) => ({ assetId: d.id, serial: d.serial }));
  if (asset.kind === "DRIVE") drives.push({ assetId: asset.id, serial: asset.serial });
  return drives;
}

export async function transitionCase(deps: TDeps, actor: TActor, input: z.input<typeof ZRmaTransition>): Promise<TRmaCase> {
  const t = ZRmaTransition.parse(input);
  await deps.db.$transaction(async (tx) => {
    const c = await loadCase(tx, t.id);
    staleCase(c, t.expectedVersion);
    const label = RMA_STATUS_LABELS[c.status as TRmaStatus];
    if (!actionsFor(c).includes(t.action)) {
      const next = actionsFor(c);
      throw new AppError("INVALID_TRANSITION", `RMA ${c.number} is ${label}; "${t.action}" is not possible now. ${next.length ? `From here: ${next.join(", ")}.` : "It is finished."}`, { details: { id: c.id, status: c.status, attempted: t.action, allowed: next } });
    }
    const at = deps.clock.now();
    const patch: Partial<TCaseRow> = {};
    switch (t.action) {
      case "submit":
        patch.status = "SUBMITTED";
        break;
      case "approve": {
        const rma = t.vendorRmaNumber || c.vendorRmaNumber;
        if (!rma) throw new AppError("BAD_REQUEST", "Enter the vendor's RMA number to approve the case.", { fields: { vendorRmaNumber: ["The vendor's RMA number"] } });
        Object.assign(patch, { status: "APPROVED", vendorRmaNumber: rma });
        break;
      }
      case "reject":
        if (!t.note) throw new AppError("BAD_REQUEST", "Say why the vendor rejected the case.", { fields: { note: ["The vendor's reason"] } });
        Object.assign(patch, { status: "REJECTED", outcome: t.note, closedAt: at });
        break;
      case "cancel":
        Object.assign(patch, { status: "CANCELLED", outcome: t.note ?? "cancelled", closedAt: at });
        break;
      case "close":
        Object.assign(patch, { status: "CLOSED", outcome: t.outcome ?? t.note ?? "replaced", closedAt: at });
        break;
      case "ship": {
        const carrier = t.carrier || c.carrier;
        const tracking = t.trackingNumber || c.trackingNumber;
        if (!carrier || !tracking) throw new AppError("BAD_REQUEST", "Enter the carrier and the tracking number to ship.", { fields: { ...(carrier ? {} : { carrier: ["The carrier"] }), ...(tracking ? {} : { trackingNumber: ["The tracking number"] }) } });
        const asset = (await assetFacts(tx, [c.assetId])).get(c.assetId)!;
        const drives = await shippingDrives(tx, asset);
        let kept: { assetId: string; serial: string }[] = [];
        if (drives.length && c.keepDrive) {
          // keep your drive: the drives stay here and go to destruction (decommissioning); the case records them
          kept = drives;
          for (const d of drives.filter((d) => d.assetId !== asset.id)) await placeInTx(tx, deps.provider, actor, at, d.assetId, { locationId: asset.locationId, rackUnit: null, parentId: null }, `kept for destruction (RMA ${c.number}, keep your drive)`);
        } else if (drives.length) {
          const passed = await passedEvidenceFor(tx, drives.map((d) => d.serial));
          const missing = drives.filter((d) => !passed.has(d.serial)).map((d) => d.serial);
          if (missing.length)
            throw new AppError("BAD_REQUEST", `Drive${missing.length > 1 ? "s" : ""} ${missing.join(", ")} may hold data and ${missing.length > 1 ? "have" : "has"} no passed sanitisation evidence; nothing was shipped. Record the evidence (sanitisation) or, if the contract lets you keep the drive, set keep-your-drive on the case.`, {
              details: { missing },
            });
        }
        Object.assign(patch, { status: c.status === "REPLACEMENT_RECEIVED" ? "REPLACEMENT_RECEIVED" : "SHIPPED", carrier, trackingNumber: tracking, shippedAt: at, keptDrives: kept.length ? JSON.stringify(kept) : null });
        const selfKept = kept.some((d) => d.assetId === asset.id);
        // the lifecycle moves the asset: FAILED/IN_SERVICE → RMA (a kept drive goes to decommissioning instead, for destruction)
        await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: asset.id, to: selfKept ? "DECOMMISSIONING" : "RMA", reason: selfKept ? `RMA ${c.number}: keep your drive, kept for destruction` : `RMA ${c.number} shipped (${carrier} ${tracking})` });
        break;
      }
    }
    await writeCase(tx, deps, actor, c, patch, `rma.${t.action}`, at);
  });
  return getCase(deps, t.id, actor.role);
}

/**
 * The replacement arrives (scanned at the warehouse): a new asset, RECEIVED, linked to the case, in the
 * failed asset's place (same parent, same rack position or bin). The SLA clock stops.
 *
 * Planned cables: when the cable plan exists (cabling domain), the failed asset's planned cables move to
 * the replacement here, in this transaction (hook: after replaceInPlaceInTx, before writeCase).
 */
export async function receiveReplacement(deps: TDeps, actor: TActor, input: z.input<typeof ZReplacementInput>): Promise<TRmaCase> {
  const r = ZReplacementInput.parse(input);
  const serial = normaliseSerial(r.serial);
  const c = await loadCase(deps.db, r.id);
  if (!canReceive(c))
    throw new AppError("INVALID_TRANSITION", `RMA ${c.number} is ${RMA_STATUS_LABELS[c.status as TRmaStatus]}; a replacement is received once the failed unit has shipped (or, for an advance replacement, once the case is approved).`, { details: { id: c.id, status: c.status } });
  const failed = (await assetFacts(deps.db, [c.assetId])).get(c.assetId)!;
  let model = { id: failed.modelId, manufacturerId: failed.manufacturerId };
  if (r.modelId && r.modelId !== failed.modelId) {
    const m = await getModel(deps, r.modelId).catch(() => {
      throw new AppError("BAD_REQUEST", "That hardware model does not exist.", { fields: { modelId: ["Unknown model"] } });
    });
    if (m.kind !== failed.kind) throw new AppError("BAD_REQUEST", `The replacement must be a ${failed.kind.toLowerCase()} like the failed one, not a ${m.kind.toLowerCase()}.`, { fields: { modelId: ["Another kind"] } });
    model = { id: m.id, manufacturerId: m.manufacturerId };
  }
  if (serial === failed.serial && model.manufacturerId === failed.manufacturerId) throw new AppError("BAD_REQUEST", `That is the failed unit's own serial (${serial}); scan the replacement's serial.`, { fields: { serial: ["The failed unit's serial"] } });
  try {
    await deps.db.$transaction(async (tx) => {
      const cur = await loadCase(tx, c.id);
      if (cur.version !== c.version) throw new AppError("CONFLICT", `RMA ${c.number} changed at the same moment; reload and scan again.`);
      const at = deps.clock.now();
      const rep = await replaceInPlaceInTx(tx, deps.provider, actor, at, { failedId: failed.id, serial, assetTag: r.assetTag ?? null, modelId: model.id, manufacturerId: model.manufacturerId, reason: `replacement for RMA ${c.number}` });
      // cable plan hook (cabling domain, pending merge): move the failed asset's planned cables to rep.id here
      const days = round1((at.getTime() - c.openedAt.getTime()) / DAY);
      const within = at.getTime() <= c.dueAt.getTime() ? 1 : 0;
      const month = monthOf(at);
      await tx.rmaTurnaroundMonth.upsert({
        where: { month_vendorId_days: { month, vendorId: c.vendorId, days } },
        create: { month, vendorId: c.vendorId, days, n: 1, within },
        update: { n: { increment: 1 }, within: { increment: within } },
      });
      await writeCase(tx, deps, actor, cur, { status: "REPLACEMENT_RECEIVED", replacementSerial: serial, replacementAssetId: rep.id, receivedAt: at, turnaroundDays: days }, "rma.receive", at);
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `Serial ${serial} (or asset tag ${r.assetTag ?? "—"}) is already registered; scan the replacement's own serial, or correct the existing record.`, { fields: { serial: ["Already registered"] } });
    throw e;
  }
  return getCase(deps, c.id, actor.role);
}

// ------------------------------------------------------------------ board and KPI

/** The breach board: open cases past their due time, and those due within `withinDays`. Index walk on (status, dueAt). */
export async function rmaBoard(deps: TDeps, input: z.input<typeof ZBoardQuery> = {}): Promise<TBoard> {
  const q = ZBoardQuery.parse(input);
  const now = deps.clock.now();
  const [rows, open] = await Promise.all([
    deps.db.rmaCase.findMany({ where: { status: { in: [...OPEN_RMA] }, dueAt: { lte: new Date(now.getTime() + q.withinDays * DAY) } }, orderBy: [{ dueAt: "asc" }, { id: "asc" }], take: 400, select: { id: true, number: true, assetId: true, vendorId: true, status: true, openedAt: true, dueAt: true } }),
    deps.db.rmaCase.count({ where: { status: { in: [...OPEN_RMA] } } }),
  ]);
  const [facts, vendors] = await Promise.all([assetFacts(deps.db, rows.map((r) => r.assetId)), vendorNames(deps)]);
  const out = rows.map((r) => {
    const hoursLeft = round1((r.dueAt.getTime() - now.getTime()) / 3_600_000);
    return { id: r.id, number: r.number, assetSerial: facts.get(r.assetId)?.serial ?? "?", vendorName: vendors.get(r.vendorId)?.name ?? null, status: r.status, openedAt: r.openedAt, dueAt: r.dueAt, hoursLeft, breached: hoursLeft < 0 };
  });
  return { at: now, breached: out.filter((r) => r.breached), dueSoon: out.filter((r) => !r.breached), open };
}

function months(period: string | undefined): string[] | undefined {
  if (!period) return undefined;
  const { from, to } = periodRange({ period });
  const out: string[] = [];
  for (let d = new Date(from!); d < to!; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) out.push(monthOf(d));
  return out;
}

/** Nearest-rank percentile over a histogram sorted by days. */
function pct(hist: { days: number; n: number }[], p: number, total: number): number | null {
  if (!total) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  return hist.find((h) => (seen += h.n) >= rank)?.days ?? null;
}

/** RMA turnaround (opened → replacement RECEIVED, days) p50/p90 per vendor for a period, the share within each case's SLA, and the drill-down. */
export async function turnaroundKpi(deps: TDeps, input: z.input<typeof ZKpiQuery> = {}): Promise<TKpiOut> {
  const q = ZKpiQuery.parse(input);
  const ms = months(q.period);
  const rows = await deps.db.rmaTurnaroundMonth.findMany({ where: { month: ms ? { in: ms } : undefined, vendorId: q.vendorId } });
  const byVendor = new Map<string, { days: number; n: number; within: number }[]>();
  for (const r of rows) {
    const list = byVendor.get(r.vendorId) ?? [];
    const same = list.find((h) => h.days === r.days);
    if (same) {
      same.n += r.n;
      same.within += r.within;
    } else list.push({ days: r.days, n: r.n, within: r.within });
    byVendor.set(r.vendorId, list);
  }
  const vendors = await listVendors(deps);
  const names = new Map(vendors.map((v) => [v.id, v]));
  const range = q.period ? periodRange({ period: q.period }) : {};
  const drill = await deps.db.rmaCase.findMany({
    where: { receivedAt: { not: null, gte: range.from, lt: range.to }, vendorId: q.vendorId },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: 200,
    select: { id: true, number: true, vendorId: true, assetId: true, openedAt: true, receivedAt: true, turnaroundDays: true, slaDays: true, dueAt: true },
  });
  const facts = await assetFacts(deps.db, drill.map((d) => d.assetId));
  return {
    period: q.period ?? null,
    targetDays: RMA_TARGET_DAYS,
    vendors: [...byVendor.entries()]
      .map(([vendorId, hist]) => {
        hist.sort((a, b) => a.days - b.days);
        const n = hist.reduce((s, h) => s + h.n, 0);
        const v = names.get(vendorId);
        return { vendorId, name: v?.name ?? "(no vendor)", slaDays: v?.rmaSlaDays ?? DEFAULT_SLA_DAYS, received: n, p50: pct(hist, 50, n), p90: pct(hist, 90, n), withinSla: n ? Math.round((hist.reduce((s, h) => s + h.within, 0) / n) * 1000) / 1000 : null };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    drill: drill.map((d) => ({ id: d.id, number: d.number, vendorId: d.vendorId, assetSerial: facts.get(d.assetId)?.serial ?? "?", openedAt: d.openedAt, receivedAt: d.receivedAt!, days: d.turnaroundDays ?? 0, slaDays: d.slaDays, within: d.receivedAt!.getTime() <= d.dueAt.getTime() })),
  };
}

/** For the procurement vendor scorecard: RMA turnaround p50 (days) per vendor over all time. */
export async function rmaTurnaroundByVendor(deps: TDeps): Promise<Map<string, number>> {
  const k = await turnaroundKpi(deps, {});
  return new Map(k.vendors.filter((v) => v.p50 !== null).map((v) => [v.vendorId, v.p50!]));
}

// ------------------------------------------------------------------ the SLA clock

/** Flags open cases past due (once each, audited, live) and disposal batches open too long without a certificate. */
export async function scanBreaches(deps: TDeps): Promise<{ cases: number; batches: number }> {
  const now = deps.clock.now();
  const due = await deps.db.rmaCase.findMany({ where: { status: { in: [...OPEN_RMA] }, dueAt: { lt: now }, breachFlaggedAt: null }, select: { id: true, number: true, status: true, dueAt: true }, take: 1000 });
  if (due.length)
    await deps.db.$transaction(async (tx) => {
      await tx.rmaCase.updateMany({ where: { id: { in: due.map((d) => d.id) }, breachFlaggedAt: null }, data: { breachFlaggedAt: now } });
      for (const d of due) {
        await appendAudit(tx, deps.provider, { type: "system", id: "system", name: "IronLedger", role: "admin" }, now, { action: "rma.breach", entity: "RmaCase", entityId: d.id, after: { number: d.number, dueAt: d.dueAt.toISOString() } });
        await publishEvent(tx, deps.provider, now, { scope: "rma", key: d.id, data: { kind: "rma.case", status: d.status, breached: true } });
      }
    });
  return { cases: due.length, batches: await flagOverdueBatches(deps) };
}

export const breachScanJob = defineJob({
  name: "rma.breach-scan",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 5 * 60_000 },
  maxAttempts: 3,
  handler: async (deps) => {
    const r = await scanBreaches(deps);
    return `${r.cases} RMA case(s) flagged past due, ${r.batches} disposal batch(es) flagged without certificate`;
  },
});
