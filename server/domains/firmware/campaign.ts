/**
 * Firmware update campaigns: one hardware model's component to a target release of its baseline, on a
 * selection of assets, in waves (one per rack, racks in name order; assets without a rack last), inside a
 * maintenance window, with at most `maxInFlight` updates at a time.
 *
 *   DRAFT ──start──▶ SCHEDULED ──first update──▶ RUNNING ──last wave verified──▶ COMPLETED
 *                      │   ▲                        │  └──an asset fails──▶ FAILED (the wave stops; reason)
 *                      └─pause─▶ PAUSED ◀──pause────┘       (PAUSED ──start──▶ SCHEDULED)
 *
 * The workers drive it (server/jobs): `firmware.campaign` (the tick) starts the current wave's pending
 * assets up to maxInFlight, moves to the next wave when every asset of the wave is DONE, and finishes the
 * campaign; `firmware.campaign-asset` (one job per asset) follows one update: the firmware.update command
 * the site agent carries out (server/domains/bmc/commands.ts: Redfish SimpleUpdate, the task, the reset,
 * a fresh probe), then the firmware inventory showing the target version (the probe, projected by
 * projectFirmware) — only then is the asset DONE. A failed command, or a probe that still shows another
 * version after VERIFY_TIMEOUT_MS, fails the asset, stops the wave and fails the campaign with the reason.
 *
 * The window is in UTC (days of the week, start and end as HH:MM; an end before the start crosses
 * midnight). Assets IN_SERVICE are started only inside it, moved to QUARANTINE through the lifecycle for
 * the update and released back to the status they were held in (IN_SERVICE) once verified; a failed
 * asset stays in QUARANTINE for a person to look at. Assets in other statuses are not in service and are
 * updated whenever their wave comes. Every change is audited and published on the `firmware` live scope.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import { SYSTEM_ACTOR, type TActor, type TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { defineJob, enqueue } from "../../jobs/queue";
import { publishEvent } from "../../live/publish";
import { appendAudit } from "../audit/service";
import { transitionInTx } from "../assets/service";
import { commandOutcome, queueFirmwareUpdateInTx, wakeAgent } from "../bmc/service";
import { listModelsByIds } from "../catalog/service";
import { matchRelease, type TMatchRule, type TRelease } from "./match";
import { listBaselines, projectFirmware } from "./service";
import {
  CAMPAIGN_ASSET_STATUSES,
  ZCampaignAction,
  ZCampaignCreate,
  ZCampaignQuery,
  type TCampaign,
  type TCampaignAssetStatus,
  type TCampaignCreate,
  type TCampaignDetail,
  type TCampaignStatus,
  type TCampaignWindow,
} from "./campaign-schema";

/** How long the agent may follow one update (task + reset), and the command's deadline to be taken. */
export const UPDATE_MAX_MS = 30 * 60_000;
/** After the command is done, how long the inventory may take to show the target version. */
export const VERIFY_TIMEOUT_MS = 10 * 60_000;
/** How often an asset job looks at its update again. */
export const FOLLOW_MS = 2_000;

// ------------------------------------------------------------------ window (UTC)

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** Whether the window is open at `at` (UTC). A window crossing midnight belongs to the day it opens. */
export function windowOpen(w: { days: number[]; start: number; end: number }, at: Date): boolean {
  const day = at.getUTCDay();
  const m = at.getUTCHours() * 60 + at.getUTCMinutes();
  if (w.start < w.end) return w.days.includes(day) && m >= w.start && m < w.end;
  return (w.days.includes(day) && m >= w.start) || (w.days.includes((day + 6) % 7) && m < w.end);
}

/** The next moment the window opens after `at` (at most 8 days ahead). */
export function nextWindowOpen(w: { days: number[]; start: number; end: number }, at: Date): Date {
  const base = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  for (let d = 0; d <= 8; d++) {
    const t = new Date(base + d * 86_400_000 + w.start * 60_000);
    if (t > at && w.days.includes(t.getUTCDay())) return t;
  }
  return new Date(at.getTime() + 86_400_000);
}

// ------------------------------------------------------------------ reads

type TCampaignRow = NonNullable<Awaited<ReturnType<TDeps["db"]["firmwareCampaign"]["findUnique"]>>>;
type TWin = { days: number[]; start: number; end: number };
const winOf = (c: Pick<TCampaignRow, "windowDays" | "windowStart" | "windowEnd">): TWin => ({ days: c.windowDays.split(",").filter(Boolean).map(Number), start: c.windowStart, end: c.windowEnd });
const windowOut = (c: TCampaignRow): TCampaignWindow => ({ days: winOf(c).days, start: hhmm(c.windowStart), end: hhmm(c.windowEnd) });

type TAssetInfo = { id: string; serial: string; assetTag: string | null; status: string; modelId: string; locationId: string | null; locationName: string | null };

/** Assets (by id, or every asset in the racks) with their rack: one read, both databases. */
async function assetInfo(deps: TDeps, db: TDeps["db"] | Tx, f: { ids?: string[]; rackIds?: string[]; modelId?: string }): Promise<TAssetInfo[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return deps.provider === "postgresql" ? `$${params.length}` : "?";
  };
  const or: string[] = [];
  if (f.ids?.length) or.push(`a."id" IN (${f.ids.map(p).join(", ")})`);
  if (f.rackIds?.length) or.push(`a."locationId" IN (${f.rackIds.map(p).join(", ")})`);
  if (!or.length) return [];
  const where = [`(${or.join(" OR ")})`];
  if (f.modelId) where.push(`a."modelId" = ${p(f.modelId)}`);
  const sql = `SELECT a."id" AS "id", a."serial" AS "serial", a."assetTag" AS "assetTag", a."status" AS "status", a."modelId" AS "modelId", a."locationId" AS "locationId", l."name" AS "locationName"
    FROM "Asset" a LEFT JOIN "Location" l ON l."id" = a."locationId" WHERE ${where.join(" AND ")}`;
  return db.$queryRawUnsafe<TAssetInfo[]>(sql, ...params);
}

async function targetRelease(deps: TDeps, modelId: string, component: string, targetVersion: string) {
  const baseline = (await listBaselines(deps, { modelId })).find((b) => b.component === component);
  if (!baseline) throw new AppError("BAD_REQUEST", `There is no baseline for ${component} of this model; define one on the Firmware page first.`, { fields: { component: ["No baseline for this component"] } });
  const rel = baseline.releases.find((r) => r.version === targetVersion);
  if (!rel) throw new AppError("BAD_REQUEST", `${targetVersion} is not a release of the ${component} baseline; pick one of: ${baseline.releases.map((r) => r.version).join(", ")}.`, { fields: { targetVersion: ["Not a release of the baseline"] } });
  if (rel.status !== "APPROVED") throw new AppError("BAD_REQUEST", `${targetVersion} is ${rel.status.toLowerCase()} in the baseline; a campaign installs only an approved release.`, { fields: { targetVersion: ["Not approved"] } });
  return { baseline, index: baseline.releases.indexOf(rel) };
}

/** Whether an observed version is the target release, by the baseline's match rule. */
function isTarget(rule: TMatchRule, releases: readonly TRelease[], index: number, observed: string | null): boolean {
  return observed !== null && matchRelease(rule, releases, observed) === index;
}

async function observedVersions(deps: TDeps, assetIds: string[], component: string): Promise<Map<string, string>> {
  if (!assetIds.length) return new Map();
  const rows = await deps.db.firmwareObserved.findMany({ where: { assetId: { in: assetIds }, component }, select: { assetId: true, version: true } });
  return new Map(rows.map((r) => [r.assetId, r.version]));
}

function counts(rows: { status: string }[]): Record<TCampaignAssetStatus, number> {
  const out = Object.fromEntries(CAMPAIGN_ASSET_STATUSES.map((s) => [s, 0])) as Record<TCampaignAssetStatus, number>;
  for (const r of rows) out[r.status as TCampaignAssetStatus]++;
  return out;
}

function toCampaign(c: TCampaignRow, modelName: string, rows: { status: string }[], now: Date): TCampaign {
  return {
    id: c.id,
    name: c.name,
    modelId: c.modelId,
    modelName,
    component: c.component,
    targetVersion: c.targetVersion,
    imageUri: c.imageUri,
    window: windowOut(c),
    windowOpen: windowOpen(winOf(c), now),
    maxInFlight: c.maxInFlight,
    status: c.status as TCampaignStatus,
    reason: c.reason,
    currentWave: c.currentWave,
    waves: c.waves,
    version: c.version,
    counts: counts(rows),
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
  };
}

async function modelName(deps: TDeps, ids: string[]) {
  return new Map((await listModelsByIds(deps, [...new Set(ids)])).map((m) => [m.id, `${m.manufacturer.name} ${m.name}`]));
}

export async function listCampaigns(deps: TDeps, query: z.input<typeof ZCampaignQuery> = {}): Promise<TCampaign[]> {
  const q = ZCampaignQuery.parse(query);
  const rows = await deps.db.firmwareCampaign.findMany({ where: { status: q.status }, orderBy: [{ updatedAt: "desc" }, { id: "desc" }], take: 200 });
  const assets = await deps.db.firmwareCampaignAsset.findMany({ where: { campaignId: { in: rows.map((r) => r.id) } }, select: { campaignId: true, status: true } });
  const names = await modelName(deps, rows.map((r) => r.modelId));
  const now = deps.clock.now();
  return rows.map((c) => toCampaign(c, names.get(c.modelId) ?? c.modelId, assets.filter((a) => a.campaignId === c.id), now));
}

export async function getCampaign(deps: TDeps, id: string): Promise<TCampaignDetail> {
  const c = await deps.db.firmwareCampaign.findUnique({ where: { id } });
  if (!c) throw new AppError("NOT_FOUND", `No firmware campaign with id ${id}.`);
  const rows = await deps.db.firmwareCampaignAsset.findMany({ where: { campaignId: id }, orderBy: [{ wave: "asc" }, { id: "asc" }] });
  const found = await assetInfo(deps, deps.db, { ids: rows.map((r) => r.assetId) });
  const info = new Map(found.map((a) => [a.id, a]));
  const rackNames = new Map(found.map((a) => [a.locationId, a.locationName]));
  const observed = await observedVersions(deps, rows.map((r) => r.assetId), c.component);
  const now = deps.clock.now();
  const open = windowOpen(winOf(c), now);
  const names = await modelName(deps, [c.modelId]);
  return {
    ...toCampaign(c, names.get(c.modelId) ?? c.modelId, rows, now),
    assets: rows.map((r) => {
      const a = info.get(r.assetId);
      return {
        assetId: r.assetId,
        serial: a?.serial ?? r.assetId,
        assetTag: a?.assetTag ?? null,
        assetStatus: a?.status ?? "UNKNOWN",
        rackId: r.rackId,
        rackName: r.rackId ? (rackNames.get(r.rackId) ?? null) : null,
        wave: r.wave,
        status: r.status as TCampaignAssetStatus,
        waitingForWindow: r.status === "PENDING" && a?.status === "IN_SERVICE" && !open,
        fromVersion: r.fromVersion,
        observed: observed.get(r.assetId) ?? null,
        error: r.error,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
      };
    }),
  };
}

// ------------------------------------------------------------------ people

/** Plans a campaign (DRAFT): checks the target against the baseline and the selection against the model; waves per rack. Audited. */
export async function createCampaign(deps: TDeps, actor: TActor, input: TCampaignCreate): Promise<TCampaignDetail> {
  const c = ZCampaignCreate.parse(input);
  const models = await modelName(deps, [c.modelId]);
  if (!models.has(c.modelId)) throw new AppError("BAD_REQUEST", `No hardware model with id ${c.modelId}.`, { fields: { modelId: ["Unknown model"] } });
  await targetRelease(deps, c.modelId, c.component, c.targetVersion);
  const picked = await assetInfo(deps, deps.db, { ids: c.assetIds, rackIds: c.rackIds });
  const missing = c.assetIds.filter((id) => !picked.some((a) => a.id === id));
  if (missing.length) throw new AppError("BAD_REQUEST", `No asset with id ${missing.slice(0, 5).join(", ")}; pick assets from the list.`, { fields: { assetIds: ["Unknown asset"] } });
  const wrong = picked.filter((a) => c.assetIds.includes(a.id) && a.modelId !== c.modelId);
  if (wrong.length) throw new AppError("BAD_REQUEST", `${wrong.map((a) => a.serial).slice(0, 5).join(", ")} ${wrong.length === 1 ? "is" : "are"} not of the campaign's model; a campaign updates one model.`, { fields: { assetIds: ["Another model"] } });
  const disposed = picked.filter((a) => c.assetIds.includes(a.id) && a.status === "DISPOSED");
  if (disposed.length) throw new AppError("BAD_REQUEST", `${disposed.map((a) => a.serial).join(", ")} ${disposed.length === 1 ? "is" : "are"} disposed; leave ${disposed.length === 1 ? "it" : "them"} out.`, { fields: { assetIds: ["Disposed"] } });
  const assets = picked.filter((a) => a.modelId === c.modelId && !["DISPOSED", "ORDERED"].includes(a.status));
  if (!assets.length) throw new AppError("BAD_REQUEST", "The selected racks hold no asset of this model; pick other racks or assets.", { fields: { rackIds: ["No asset of the model"] } });
  // waves: one per rack, racks by name; unracked assets last
  const racks = [...new Set(assets.map((a) => a.locationId))].sort((x, y) => {
    if (x === null) return 1;
    if (y === null) return -1;
    const nx = assets.find((a) => a.locationId === x)!.locationName ?? x;
    const ny = assets.find((a) => a.locationId === y)!.locationName ?? y;
    return nx.localeCompare(ny) || x.localeCompare(y);
  });
  const observed = await observedVersions(deps, assets.map((a) => a.id), c.component);
  const now = deps.clock.now();
  const id = await deps.db.$transaction(async (tx) => {
    const row = await tx.firmwareCampaign.create({
      data: {
        name: c.name,
        modelId: c.modelId,
        component: c.component,
        targetVersion: c.targetVersion,
        imageUri: c.imageUri,
        windowDays: [...new Set(c.window.days)].sort().join(","),
        windowStart: minutes(c.window.start),
        windowEnd: minutes(c.window.end),
        maxInFlight: c.maxInFlight,
        status: "DRAFT",
        currentWave: 0,
        waves: racks.length,
        version: 0,
        createdBy: actor.name,
        createdAt: now,
        updatedAt: now,
      },
    });
    await tx.firmwareCampaignAsset.createMany({
      data: assets.map((a) => ({ campaignId: row.id, assetId: a.id, rackId: a.locationId, wave: racks.indexOf(a.locationId), status: "PENDING", quarantined: false, fromVersion: observed.get(a.id) ?? null, updatedAt: now })),
    });
    await appendAudit(tx, deps.provider, actor, now, {
      action: "firmware.campaign.create",
      entity: "FirmwareCampaign",
      entityId: row.id,
      after: { name: c.name, modelId: c.modelId, component: c.component, targetVersion: c.targetVersion, imageUri: c.imageUri, window: c.window, maxInFlight: c.maxInFlight, assets: assets.length, waves: racks.length },
    });
    await publishEvent(tx, deps.provider, now, { scope: "firmware", key: row.id, data: { kind: "firmware.campaign", campaignId: row.id, status: "DRAFT" } });
    return row.id;
  });
  return getCampaign(deps, id);
}

/** Changes a campaign's status when it is still what the caller saw (version), audited and published. */
async function setStatus(tx: Tx, deps: TDeps, actor: TActor, c: TCampaignRow, status: TCampaignStatus, data: { reason?: string | null; startedAt?: Date; finishedAt?: Date; currentWave?: number }, action: string): Promise<void> {
  const now = deps.clock.now();
  const res = await tx.firmwareCampaign.updateMany({ where: { id: c.id, version: c.version }, data: { status, updatedAt: now, version: { increment: 1 }, ...data } });
  if (res.count !== 1) throw new AppError("CONFLICT", `Campaign "${c.name}" changed meanwhile; reload it and try again.`);
  await appendAudit(tx, deps.provider, actor, now, { action, entity: "FirmwareCampaign", entityId: c.id, before: { status: c.status, currentWave: c.currentWave }, after: { status, ...data } });
  await publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status } });
}

async function loadFor(deps: TDeps, input: z.input<typeof ZCampaignAction>): Promise<TCampaignRow> {
  const { id, expectedVersion } = ZCampaignAction.parse(input);
  const c = await deps.db.firmwareCampaign.findUnique({ where: { id } });
  if (!c) throw new AppError("NOT_FOUND", `No firmware campaign with id ${id}.`);
  if (expectedVersion !== undefined && expectedVersion !== c.version) throw new AppError("CONFLICT", `Campaign "${c.name}" changed since you loaded it (it is now ${c.status.toLowerCase()}); reload it and try again.`);
  return c;
}

/** DRAFT or PAUSED → SCHEDULED: the workers start its waves (the first update makes it RUNNING). */
export async function startCampaign(deps: TDeps, actor: TActor, input: z.input<typeof ZCampaignAction>): Promise<TCampaignDetail> {
  const c = await loadFor(deps, input);
  if (c.status !== "DRAFT" && c.status !== "PAUSED") throw new AppError("CONFLICT", `Campaign "${c.name}" is ${c.status.toLowerCase()}; only a draft or paused campaign can be started.`);
  await deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    await setStatus(tx, deps, actor, c, "SCHEDULED", { reason: null, ...(c.startedAt ? {} : { startedAt: now }) }, "firmware.campaign.start");
    await enqueue(tx, campaignTickJob, { campaignId: c.id }, { now });
  });
  return getCampaign(deps, c.id);
}

/** SCHEDULED or RUNNING → PAUSED: no new update starts; the ones in flight finish and are verified. */
export async function pauseCampaign(deps: TDeps, actor: TActor, input: z.input<typeof ZCampaignAction>): Promise<TCampaignDetail> {
  const c = await loadFor(deps, input);
  if (c.status !== "SCHEDULED" && c.status !== "RUNNING") throw new AppError("CONFLICT", `Campaign "${c.name}" is ${c.status.toLowerCase()}; only a scheduled or running campaign can be paused.`);
  await deps.db.$transaction((tx) => setStatus(tx, deps, actor, c, "PAUSED", { reason: `Paused by ${actor.name}` }, "firmware.campaign.pause"));
  return getCampaign(deps, c.id);
}

// ------------------------------------------------------------------ workers

/**
 * The campaign's tick: finishes the wave when all its assets are DONE (next wave, or COMPLETED), and starts
 * pending assets of the current wave up to maxInFlight (in-service ones only inside the window). Returns a note.
 */
export async function campaignTick(deps: TDeps, campaignId: string): Promise<string> {
  const c = await deps.db.firmwareCampaign.findUnique({ where: { id: campaignId } });
  if (!c) return "campaign gone";
  if (c.status !== "SCHEDULED" && c.status !== "RUNNING") return `campaign ${c.status.toLowerCase()}`;
  const rows = await deps.db.firmwareCampaignAsset.findMany({ where: { campaignId }, orderBy: [{ wave: "asc" }, { id: "asc" }] });
  const now = deps.clock.now();
  const wave = rows.filter((r) => r.wave === c.currentWave);
  if (wave.some((r) => r.status === "FAILED")) return "the wave has a failure";
  if (wave.every((r) => r.status === "DONE")) {
    const last = c.currentWave + 1 >= c.waves;
    await deps.db.$transaction(async (tx) => {
      if (last) await setStatus(tx, deps, SYSTEM_ACTOR, c, "COMPLETED", { finishedAt: now, reason: null }, "firmware.campaign.complete");
      else {
        await setStatus(tx, deps, SYSTEM_ACTOR, c, c.status as TCampaignStatus, { currentWave: c.currentWave + 1 }, "firmware.campaign.wave");
        await enqueue(tx, campaignTickJob, { campaignId }, { now });
      }
    });
    return last ? "completed" : `wave ${c.currentWave + 1} of ${c.waves} done`;
  }
  const inFlight = rows.filter((r) => r.status === "UPDATING" || r.status === "VERIFYING").length;
  const pending = wave.filter((r) => r.status === "PENDING");
  const info = new Map((await assetInfo(deps, deps.db, { ids: pending.map((r) => r.assetId) })).map((a) => [a.id, a]));
  const win = winOf(c);
  const open = windowOpen(win, now);
  const startable = pending.filter((r) => open || info.get(r.assetId)?.status !== "IN_SERVICE").slice(0, Math.max(0, c.maxInFlight - inFlight));
  const waiting = pending.length - pending.filter((r) => open || info.get(r.assetId)?.status !== "IN_SERVICE").length;
  const { baseline, index } = await targetRelease(deps, c.modelId, c.component, c.targetVersion);
  const observed = await observedVersions(deps, startable.map((r) => r.assetId), c.component);
  const wake = new Set<string>();
  await deps.db.$transaction(async (tx) => {
    const res = await tx.firmwareCampaign.updateMany({ where: { id: c.id, version: c.version }, data: { version: { increment: 1 }, updatedAt: now, ...(startable.length && c.status === "SCHEDULED" ? { status: "RUNNING" } : {}) } });
    if (res.count !== 1) throw new AppError("CONFLICT", "The campaign changed meanwhile; the tick runs again.");
    if (startable.length && c.status === "SCHEDULED") {
      await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "firmware.campaign.running", entity: "FirmwareCampaign", entityId: c.id, before: { status: "SCHEDULED" }, after: { status: "RUNNING" } });
      await publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status: "RUNNING" } });
    }
    for (const r of startable) {
      const a = info.get(r.assetId);
      if (isTarget(baseline.matchRule, baseline.releases, index, observed.get(r.assetId) ?? null)) {
        // already runs the target: nothing to flash
        await tx.firmwareCampaignAsset.update({ where: { id: r.id }, data: { status: "DONE", startedAt: now, finishedAt: now, updatedAt: now, error: "already on the target release" } });
        await enqueue(tx, campaignTickJob, { campaignId }, { now });
        continue;
      }
      const quarantine = a?.status === "IN_SERVICE";
      if (quarantine) {
        await transitionInTx(tx, deps.provider, deps.clock, SYSTEM_ACTOR, { assetId: r.assetId, to: "QUARANTINE", expectedStatus: "IN_SERVICE", reason: `Firmware campaign "${c.name}": ${c.component} to ${c.targetVersion}` });
      }
      const { commandId, agentId } = await queueFirmwareUpdateInTx(tx, deps.provider, now, SYSTEM_ACTOR, {
        assetId: r.assetId,
        campaignId: c.id,
        ttlMs: UPDATE_MAX_MS,
        params: { imageUri: c.imageUri, resetType: "ForceRestart", maxMs: UPDATE_MAX_MS, ...(c.transferProtocol === "HTTP" || c.transferProtocol === "HTTPS" ? { transferProtocol: c.transferProtocol } : {}) },
      });
      wake.add(agentId);
      await tx.firmwareCampaignAsset.update({ where: { id: r.id }, data: { status: "UPDATING", commandId, quarantined: quarantine, startedAt: now, updatedAt: now, fromVersion: observed.get(r.assetId) ?? r.fromVersion } });
      await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "firmware.campaign.asset.start", entity: "FirmwareCampaign", entityId: c.id, after: { assetId: r.assetId, commandId, quarantined: quarantine } });
      await enqueue(tx, campaignAssetJob, { campaignId, assetId: r.assetId }, { now, runAt: new Date(now.getTime() + FOLLOW_MS), dedupeKey: `${campaignId}:${r.assetId}` });
    }
    if (startable.length) await publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status: "RUNNING" } });
    // in-service assets outside the window wait: look again when it opens
    if (waiting > 0 && startable.length === 0 && inFlight === 0) {
      const at = nextWindowOpen(win, now);
      await enqueue(tx, campaignTickJob, { campaignId }, { now, runAt: at, dedupeKey: `${campaignId}@${at.toISOString()}` });
    }
  });
  for (const agentId of wake) wakeAgent(agentId);
  return `${startable.length} started, ${inFlight} in flight, ${waiting} waiting for the window`;
}

/** Fails one asset (it stays in QUARANTINE), stops the wave and fails the campaign with the reason. */
async function failAsset(deps: TDeps, c: TCampaignRow, row: { id: string; assetId: string }, error: string): Promise<void> {
  const now = deps.clock.now();
  const [a] = await assetInfo(deps, deps.db, { ids: [row.assetId] });
  await deps.db.$transaction(async (tx) => {
    await tx.firmwareCampaignAsset.update({ where: { id: row.id }, data: { status: "FAILED", error: error.slice(0, 1000), finishedAt: now, updatedAt: now } });
    await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "firmware.campaign.asset.failed", entity: "FirmwareCampaign", entityId: c.id, after: { assetId: row.assetId, error } });
    const fresh = await tx.firmwareCampaign.findUnique({ where: { id: c.id } });
    if (fresh && (fresh.status === "RUNNING" || fresh.status === "SCHEDULED" || fresh.status === "PAUSED")) {
      await setStatus(tx, deps, SYSTEM_ACTOR, fresh, "FAILED", { reason: `${a?.serial ?? row.assetId}: ${error}`.slice(0, 1000), finishedAt: now }, "firmware.campaign.failed");
    } else await publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status: fresh?.status ?? "FAILED" } });
  });
}

/** Follows one asset's update: the command, then the inventory showing the target. Returns a note, or "again" when it must look later. */
export async function campaignAssetStep(deps: TDeps, campaignId: string, assetId: string): Promise<string> {
  const c = await deps.db.firmwareCampaign.findUnique({ where: { id: campaignId } });
  const row = await deps.db.firmwareCampaignAsset.findUnique({ where: { campaignId_assetId: { campaignId, assetId } } });
  if (!c || !row) return "gone";
  const now = deps.clock.now();
  if (row.status === "UPDATING") {
    const out = row.commandId ? await commandOutcome(deps, row.commandId) : null;
    if (!out) {
      await failAsset(deps, c, row, "the update command is gone");
      return "failed";
    }
    if (out.status === "QUEUED" || out.status === "SENT") return "again";
    // an update that outlived its deadline still reports; EXPIRED with a take is only final after the agent's budget
    if (out.status === "EXPIRED" && out.sentAt && now.getTime() < out.sentAt.getTime() + UPDATE_MAX_MS + 60_000) return "again";
    if (out.status !== "DONE") {
      await failAsset(deps, c, row, out.error ?? `the update command ended ${out.status.toLowerCase()}`);
      return "failed";
    }
    await deps.db.firmwareCampaignAsset.update({ where: { id: row.id }, data: { status: "VERIFYING", updatedAt: now } });
    await deps.db.$transaction((tx) => publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status: c.status } }));
    row.status = "VERIFYING";
  }
  if (row.status !== "VERIFYING") return `asset ${row.status.toLowerCase()}`;
  // the fresh probe the agent sent after the update: project it, then look
  await projectFirmware(deps);
  const { baseline, index } = await targetRelease(deps, c.modelId, c.component, c.targetVersion);
  const observed = (await observedVersions(deps, [assetId], c.component)).get(assetId) ?? null;
  if (!isTarget(baseline.matchRule, baseline.releases, index, observed)) {
    const since = (row.commandId ? (await commandOutcome(deps, row.commandId))?.finishedAt : null) ?? row.updatedAt;
    if (now.getTime() - since.getTime() < VERIFY_TIMEOUT_MS) return "again";
    await failAsset(deps, c, row, `the BMC still reports ${c.component} ${observed ?? "(nothing)"} after the update, not ${c.targetVersion}`);
    return "failed";
  }
  await deps.db.$transaction(async (tx) => {
    await tx.firmwareCampaignAsset.update({ where: { id: row.id }, data: { status: "DONE", finishedAt: now, updatedAt: now, error: null } });
    if (row.quarantined) {
      const held = await assetInfo(deps, tx, { ids: [assetId] });
      if (held[0]?.status === "QUARANTINE") await transitionInTx(tx, deps.provider, deps.clock, SYSTEM_ACTOR, { assetId, to: "IN_SERVICE", expectedStatus: "QUARANTINE", reason: `Firmware campaign "${c.name}": ${c.component} ${c.targetVersion} verified` });
    }
    await appendAudit(tx, deps.provider, SYSTEM_ACTOR, now, { action: "firmware.campaign.asset.done", entity: "FirmwareCampaign", entityId: c.id, after: { assetId, version: observed } });
    await publishEvent(tx, deps.provider, now, { scope: "firmware", key: c.id, data: { kind: "firmware.campaign", campaignId: c.id, status: c.status } });
    await enqueue(tx, campaignTickJob, { campaignId }, { now });
  });
  return "verified";
}

export const campaignTickJob = defineJob({
  name: "firmware.campaign",
  version: 1,
  payload: z.object({ campaignId: z.string().min(1) }),
  maxAttempts: 10,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  handler: (deps, { campaignId }) => campaignTick(deps, campaignId),
});

export const campaignAssetJob = defineJob({
  name: "firmware.campaign-asset",
  version: 1,
  payload: z.object({ campaignId: z.string().min(1), assetId: z.string().min(1) }),
  maxAttempts: 10,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  handler: async (deps, { campaignId, assetId }) => {
    const note = await campaignAssetStep(deps, campaignId, assetId);
    if (note === "again") {
      const now = deps.clock.now();
      // this job is still RUNNING, so the follow-up carries its own key
      await enqueue(deps.db, campaignAssetJob, { campaignId, assetId }, { now, runAt: new Date(now.getTime() + FOLLOW_MS), dedupeKey: `${campaignId}:${assetId}:${now.getTime()}` });
      return "following the update";
    }
    return note;
  },
});

export const CAMPAIGN_JOBS = [campaignTickJob, campaignAssetJob] as const;
