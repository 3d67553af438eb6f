/**
 * Firmware drift as a reconciliation finding (like the BMC's serial mismatch): a component that runs a
 * version behind, blocked or unknown raises one finding per asset, component and version. A person
 * accepts it (this version is accepted on this asset), dismisses it (with a reason), or records that an
 * update is planned (a note; update campaigns run it). Nothing here changes the inventory or a baseline.
 * A finding resolves by itself when the component runs another version or the drift is gone.
 */
import type { z } from "zod";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { ZDriftQuery, ZFindingDecision, ZFindingQuery, type TFirmwareFinding } from "./schema";
import { driftRows } from "./service";
import type { TDriftState } from "./match";

const DRIFTED = new Set<TDriftState>(["BEHIND", "BLOCKED", "UNKNOWN"]);
const CHUNK = 500;

type TRow = { id: string; assetId: string; component: string; version: string; state: string; lag: number | null; target: string | null; status: string; note: string | null; firstSeenAt: Date; lastSeenAt: Date; decidedBy: string | null; decidedAt: Date | null };
const toFinding = (r: TRow) => r as TFirmwareFinding;
const keyOf = (assetId: string, component: string, version: string) => `${assetId}\u0000${component}\u0000${version}`;

/**
 * Recomputes drift and brings the findings in line: new drift opens a finding (a resolved one for the same
 * version opens again), a changed state or lag is written to it, and findings whose drift is gone resolve.
 * Decided findings (accepted, dismissed, planned) keep their decision while the same version runs.
 */
export async function syncDriftFindings(deps: TDeps): Promise<{ opened: number; resolved: number; updated: number }> {
  const rows = await driftRows(deps, ZDriftQuery.parse({}));
  const drifted = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (r.observed !== null && DRIFTED.has(r.state)) drifted.set(keyOf(r.assetId, r.component, r.observed), r);
  const existing = await deps.db.firmwareFinding.findMany({ select: { id: true, assetId: true, component: true, version: true, state: true, lag: true, target: true, status: true } });
  const at = deps.clock.now();
  const create: { assetId: string; component: string; version: string; state: string; lag: number | null; target: string | null; status: string; firstSeenAt: Date; lastSeenAt: Date }[] = [];
  const reopen: string[] = [];
  const resolve: string[] = [];
  const update: { id: string; state: string; lag: number | null; target: string | null }[] = [];
  const seen = new Set<string>();
  for (const f of existing) {
    const k = keyOf(f.assetId, f.component, f.version);
    seen.add(k);
    const d = drifted.get(k);
    if (!d) {
      if (f.status !== "RESOLVED") resolve.push(f.id);
    } else if (f.status === "RESOLVED") reopen.push(f.id);
    else if (f.state !== d.state || f.lag !== d.lag || f.target !== d.target) update.push({ id: f.id, state: d.state, lag: d.lag, target: d.target });
  }
  for (const [k, d] of drifted) if (!seen.has(k)) create.push({ assetId: d.assetId, component: d.component, version: d.observed!, state: d.state, lag: d.lag, target: d.target, status: "OPEN", firstSeenAt: at, lastSeenAt: at });
  if (!create.length && !reopen.length && !resolve.length && !update.length) return { opened: 0, resolved: 0, updated: 0 };
  await deps.db.$transaction(async (tx) => {
    for (let i = 0; i < create.length; i += CHUNK) await tx.firmwareFinding.createMany({ data: create.slice(i, i + CHUNK) });
    for (let i = 0; i < reopen.length; i += CHUNK) await tx.firmwareFinding.updateMany({ where: { id: { in: reopen.slice(i, i + CHUNK) } }, data: { status: "OPEN", lastSeenAt: at, decidedBy: null, decidedAt: null, note: null } });
    for (let i = 0; i < resolve.length; i += CHUNK) await tx.firmwareFinding.updateMany({ where: { id: { in: resolve.slice(i, i + CHUNK) } }, data: { status: "RESOLVED", lastSeenAt: at } });
    for (const u of update) await tx.firmwareFinding.update({ where: { id: u.id }, data: { state: u.state, lag: u.lag, target: u.target, lastSeenAt: at } });
    await publishEvent(tx, deps.provider, at, { scope: "firmware", key: "fleet", data: { kind: "firmware.inventory", changed: create.length + reopen.length + resolve.length } });
  });
  return { opened: create.length + reopen.length, resolved: resolve.length, updated: update.length };
}

export async function listFirmwareFindings(deps: TDeps, query: z.input<typeof ZFindingQuery>): Promise<TFirmwareFinding[]> {
  const q = ZFindingQuery.parse(query);
  const rows = await deps.db.firmwareFinding.findMany({ where: { assetId: q.assetId, status: q.status ? { in: q.status } : undefined }, orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }], take: q.take });
  return rows.map(toFinding);
}

/** Accept, dismiss or plan an update for an open finding (audited). Only the finding changes: never the inventory or a baseline. */
export async function decideFirmwareFinding(deps: TDeps, actor: TActor, input: z.input<typeof ZFindingDecision>): Promise<TFirmwareFinding> {
  const { id, decision, note } = ZFindingDecision.parse(input);
  const f = await deps.db.firmwareFinding.findUnique({ where: { id } });
  if (!f) throw new AppError("NOT_FOUND", `No firmware finding with id ${id}.`);
  if (f.status !== "OPEN") throw new AppError("CONFLICT", `This finding is already ${f.status.toLowerCase()}; reload the page.`);
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const res = await tx.firmwareFinding.updateMany({ where: { id, status: "OPEN" }, data: { status: decision, note: note || null, decidedBy: actor.name, decidedAt: at } });
    if (res.count !== 1) throw new AppError("CONFLICT", "Someone decided on this finding at the same moment; reload the page.");
    const action = decision === "ACCEPTED" ? "accept" : decision === "DISMISSED" ? "dismiss" : "plan-update";
    await appendAudit(tx, deps.provider, actor, at, {
      action,
      entity: "FirmwareFinding",
      entityId: id,
      before: { status: f.status },
      // accepting records that this version is accepted on this asset; the inventory and the baseline are untouched
      after: { status: decision, assetId: f.assetId, component: f.component, version: f.version, state: f.state, lag: f.lag, target: f.target, note: note || null },
    });
    await publishEvent(tx, deps.provider, at, { scope: "firmware", key: "fleet", data: { kind: "firmware.inventory", changed: 0 } });
    return toFinding(await tx.firmwareFinding.findUniqueOrThrow({ where: { id } }));
  });
}
