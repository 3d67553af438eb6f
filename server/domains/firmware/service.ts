/**
 * Firmware: what each asset's components run (observed state, a projection of the agents' probes, with
 * history), the approved baselines per hardware model and component (versioned, audited, JSON import and
 * export), drift against them, the fleet view and the firmware-lag KPI (docs/architecture.md).
 *
 * Observed vs desired: the inventory is only ever written from observations (firmware.inventory job);
 * baselines are what engineers approve. Drift is computed from both, never written back over either.
 */
import { z } from "zod";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import { appendAudit } from "../audit/service";
import { probeFirmwareAfter } from "../bmc/service";
import { listModels, listModelsByIds } from "../catalog/service";
import { fleetAssets } from "../assets/service";
import { hotDb } from "../../db/hot";
import { HOT_OBSERVED } from "./hot";
import { publishEvent } from "../../live/publish";
import { defineJob } from "../../jobs/queue";
import { projectPosture } from "./posture";
import { syncDriftFindings } from "./findings";
import { classify, DRIFT_STATES, type TDriftState, type TMatchRule, type TRelease } from "./match";
import {
  BASELINE_FORMAT,
  ZBaselineDoc,
  ZBaselineInput,
  ZDriftQuery,
  ZFleetQuery,
  ZLagQuery,
  type TBaselineDoc,
  type TBaselineInput,
  type TBaselineOut,
  type TDriftOut,
  type TLagOut,
} from "./schema";

// ------------------------------------------------------------------ inventory (observed)

const CURSOR_ID = "inventory";
const BATCH = 500;

/**
 * Reads the probes after the cursor (chain order) and keeps FirmwareObserved / FirmwareHistory, one
 * transaction per batch with the cursor, so a run that dies re-reads at most one batch and writes the
 * same rows again. A probe older than what an asset's component already shows (a late journal delivery)
 * adds history but does not turn the current version back. Returns the number of component changes.
 */
export async function projectFirmware(deps: TDeps, opts: { maxBatches?: number } = {}): Promise<{ read: number; changed: number }> {
  let read = 0;
  let changed = 0;
  for (let b = 0; b < (opts.maxBatches ?? 1000); b++) {
    const cursor = (await deps.db.firmwareCursor.findUnique({ where: { id: CURSOR_ID } }))?.chainSeq ?? 0;
    const { lastSeq, items } = await probeFirmwareAfter(deps, cursor, BATCH);
    if (lastSeq === cursor) break;
    const assetIds = [...new Set(items.map((i) => i.assetId))];
    const at = deps.clock.now();
    const n = await deps.db.$transaction(async (tx) => {
      const current = new Map((await tx.firmwareObserved.findMany({ where: { assetId: { in: assetIds } } })).map((r) => [`${r.assetId}\u0000${r.component}`, r]));
      const history: { assetId: string; component: string; fromVersion: string | null; toVersion: string; at: Date; observationId: string }[] = [];
      let changes = 0;
      for (const it of items) {
        const seen = new Set<string>();
        for (const f of it.firmware) {
          const component = f.component.trim();
          const version = f.version.trim();
          const key = `${it.assetId}\u0000${component}`;
          if (!component || !version || seen.has(component)) continue; // one version per component per probe: the first reported
          seen.add(component);
          const cur = current.get(key);
          const source = f.source ?? "agent";
          if (!cur) {
            const row = await tx.firmwareObserved.create({ data: { assetId: it.assetId, component, version, source, firstSeenAt: it.observedAt, lastSeenAt: it.observedAt, observationId: it.observationId } });
            current.set(key, row);
            history.push({ assetId: it.assetId, component, fromVersion: null, toVersion: version, at: it.observedAt, observationId: it.observationId });
            changes++;
          } else if (it.observedAt < cur.lastSeenAt) {
            if (cur.version !== version) history.push({ assetId: it.assetId, component, fromVersion: null, toVersion: version, at: it.observedAt, observationId: it.observationId });
          } else if (cur.version !== version) {
            const row = await tx.firmwareObserved.update({ where: { id: cur.id }, data: { version, source, firstSeenAt: it.observedAt, lastSeenAt: it.observedAt, observationId: it.observationId } });
            history.push({ assetId: it.assetId, component, fromVersion: cur.version, toVersion: version, at: it.observedAt, observationId: it.observationId });
            current.set(key, row);
            changes++;
          } else {
            cur.lastSeenAt = it.observedAt;
            cur.observationId = it.observationId;
            await tx.firmwareObserved.update({ where: { id: cur.id }, data: { lastSeenAt: it.observedAt, observationId: it.observationId } });
          }
        }
      }
      if (history.length) await tx.firmwareHistory.createMany({ data: history });
      await projectPosture(tx, items);
      await tx.firmwareCursor.upsert({ where: { id: CURSOR_ID }, create: { id: CURSOR_ID, chainSeq: lastSeq }, update: { chainSeq: lastSeq } });
      if (changes) await publishEvent(tx, deps.provider, at, { scope: "firmware", key: "fleet", data: { kind: "firmware.inventory", changed: changes } });
      return changes;
    });
    read += items.length;
    changed += n;
  }
  return { read, changed };
}

/** Every 30 s: the probes since the last run into the firmware inventory. */
export const firmwareInventoryJob = defineJob({
  name: "firmware.inventory",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 30_000 },
  maxAttempts: 3,
  handler: async (deps) => {
    const { read, changed } = await projectFirmware(deps);
    const f = await syncDriftFindings(deps);
    return `read ${read} probes, ${changed} component versions changed; drift findings: ${f.opened} opened, ${f.resolved} resolved`;
  },
});

export async function assetFirmware(deps: TDeps, assetId: string) {
  const [items, history] = await Promise.all([
    deps.db.firmwareObserved.findMany({ where: { assetId }, orderBy: { component: "asc" }, select: { component: true, version: true, source: true, firstSeenAt: true, lastSeenAt: true } }),
    deps.db.firmwareHistory.findMany({ where: { assetId }, orderBy: [{ at: "desc" }, { id: "desc" }], take: 200, select: { component: true, fromVersion: true, toVersion: true, at: true } }),
  ]);
  return { items, history };
}

// ------------------------------------------------------------------ baselines (desired)

type TStoredRelease = { version: string; status: TRelease["status"]; releasedAt: string | null; notes: string | null; packageFile: string | null; sha256: string | null; pattern: string | null };

function storedReleases(releases: z.output<typeof ZBaselineInput>["releases"]): TStoredRelease[] {
  return releases.map((r) => ({ version: r.version, status: r.status, releasedAt: r.releasedAt ?? null, notes: r.notes ?? null, packageFile: r.packageFile ?? null, sha256: r.sha256 ?? null, pattern: r.pattern ?? null }));
}

type TBaselineRow = { id: string; modelId: string; component: string; matchRule: string; revision: number; releases: string; updatedAt: Date; updatedBy: string };

function toOut(row: TBaselineRow, modelName: string): TBaselineOut {
  return { id: row.id, modelId: row.modelId, modelName, component: row.component, matchRule: row.matchRule as TMatchRule, revision: row.revision, releases: JSON.parse(row.releases) as TStoredRelease[], updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

async function modelNames(deps: TDeps, ids: string[]) {
  return new Map((await listModelsByIds(deps, [...new Set(ids)])).map((m) => [m.id, `${m.manufacturer.name} ${m.name}`]));
}

/** The current baselines (one per model and component). */
export async function listBaselines(deps: TDeps, opts: { modelId?: string } = {}): Promise<TBaselineOut[]> {
  const rows = await deps.db.firmwareBaseline.findMany({ where: { current: true, modelId: opts.modelId }, orderBy: [{ modelId: "asc" }, { component: "asc" }] });
  const names = await modelNames(deps, rows.map((r) => r.modelId));
  return rows.map((r) => toOut(r, names.get(r.modelId) ?? r.modelId)).sort((a, b) => a.modelName.localeCompare(b.modelName) || a.component.localeCompare(b.component));
}

/** Every revision of one baseline, newest first. */
export async function baselineRevisions(deps: TDeps, modelId: string, component: string): Promise<TBaselineOut[]> {
  const rows = await deps.db.firmwareBaseline.findMany({ where: { modelId, component }, orderBy: { revision: "desc" } });
  const names = await modelNames(deps, [modelId]);
  return rows.map((r) => toOut(r, names.get(r.modelId) ?? r.modelId));
}

/** Saves a baseline as a new revision (the previous stays, no longer current); unchanged content saves nothing. Audited. */
export async function saveBaseline(deps: TDeps, actor: TActor, input: TBaselineInput): Promise<TBaselineOut> {
  const b = ZBaselineInput.parse(input);
  const names = await modelNames(deps, [b.modelId]);
  if (!names.has(b.modelId)) throw new AppError("BAD_REQUEST", "No such hardware model.", { fields: { modelId: ["Unknown model"] } });
  const releases = JSON.stringify(storedReleases(b.releases));
  const at = deps.clock.now();
  const row = await deps.db.$transaction(async (tx) => {
    const cur = await tx.firmwareBaseline.findFirst({ where: { modelId: b.modelId, component: b.component, current: true } });
    if (cur && cur.matchRule === b.matchRule && cur.releases === releases) return cur;
    if (cur) await tx.firmwareBaseline.update({ where: { id: cur.id }, data: { current: false } });
    const created = await tx.firmwareBaseline.create({ data: { modelId: b.modelId, component: b.component, matchRule: b.matchRule, revision: (cur?.revision ?? 0) + 1, releases, updatedAt: at, updatedBy: actor.name, current: true } });
    await appendAudit(tx, deps.provider, actor, at, {
      action: cur ? "update" : "create",
      entity: "FirmwareBaseline",
      entityId: created.id,
      before: cur ? { revision: cur.revision, matchRule: cur.matchRule, releases: JSON.parse(cur.releases) } : undefined,
      after: { modelId: b.modelId, component: b.component, revision: created.revision, matchRule: b.matchRule, releases: JSON.parse(releases) },
    });
    return created;
  });
  return toOut(row, names.get(b.modelId)!);
}

/** The current baselines as a JSON document another installation can import (models by manufacturer and part number). */
export async function exportBaselines(deps: TDeps): Promise<z.output<typeof ZBaselineDoc>> {
  const [rows, models] = await Promise.all([deps.db.firmwareBaseline.findMany({ where: { current: true }, orderBy: [{ modelId: "asc" }, { component: "asc" }] }), listModels(deps)]);
  const model = new Map(models.map((m) => [m.id, m]));
  return {
    format: BASELINE_FORMAT,
    version: 1,
    baselines: rows.flatMap((r) => {
      const m = model.get(r.modelId);
      if (!m) return [];
      const releases = (JSON.parse(r.releases) as TStoredRelease[]).map((x) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== null))) as z.output<typeof ZBaselineDoc>["baselines"][number]["releases"];
      return [{ manufacturer: m.manufacturer.name, partNumber: m.partNumber, component: r.component, matchRule: r.matchRule as TMatchRule, releases }];
    }),
  };
}

/**
 * Imports a baselines document: every entry checked first (a model that does not exist here, a bad
 * release) and reported by its index; nothing is saved when any entry is bad. Entries equal to the
 * current revision are left as they are.
 */
export async function importBaselines(deps: TDeps, actor: TActor, doc: TBaselineDoc): Promise<{ saved: number; unchanged: number }> {
  const d = ZBaselineDoc.parse(doc);
  const models = await listModels(deps);
  const byKey = new Map(models.map((m) => [`${m.manufacturer.name.toLowerCase()}\u0000${m.partNumber.toUpperCase()}`, m.id]));
  const fields: Record<string, string[]> = {};
  const inputs: TBaselineInput[] = [];
  d.baselines.forEach((b, i) => {
    const modelId = byKey.get(`${b.manufacturer.toLowerCase()}\u0000${b.partNumber.toUpperCase()}`);
    if (!modelId) {
      fields[`baselines.${i}.partNumber`] = [`No model ${b.partNumber} by ${b.manufacturer} here: add it to the catalogue first`];
      return;
    }
    const input = { modelId, component: b.component, matchRule: b.matchRule, releases: b.releases };
    const check = ZBaselineInput.safeParse(input);
    if (!check.success) for (const issue of check.error.issues) (fields[`baselines.${i}.${issue.path.join(".")}`] ??= []).push(issue.message);
    else inputs.push(input);
  });
  if (Object.keys(fields).length) throw new AppError("BAD_REQUEST", `${Object.keys(fields).length} problem(s) in the document; nothing was imported.`, { fields });
  let saved = 0;
  for (const input of inputs) {
    const before = await deps.db.firmwareBaseline.findFirst({ where: { modelId: input.modelId, component: input.component, current: true }, select: { revision: true } });
    const after = await saveBaseline(deps, actor, input);
    if (after.revision !== before?.revision) saved++;
  }
  return { saved, unchanged: inputs.length - saved };
}

// ------------------------------------------------------------------ drift, fleet view, lag KPI

type TObservedRow = { assetId: string; component: string; version: string; observedAt: Date };

/** The observed inventory of these assets (and components): one prepared full read filtered here, or the ORM. */
async function observedFirmware(deps: TDeps, assetIds: Set<string>, components: Set<string>, opts: { orm?: boolean }): Promise<TObservedRow[]> {
  const hot = opts.orm ? undefined : hotDb(deps.db);
  if (hot) return (await hot.all<TObservedRow>(HOT_OBSERVED, [])).filter((r) => assetIds.has(r.assetId) && components.has(r.component));
  const out: TObservedRow[] = [];
  const ids = [...assetIds];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await deps.db.firmwareObserved.findMany({ where: { assetId: { in: ids.slice(i, i + 500) }, component: { in: [...components] } }, select: { assetId: true, component: true, version: true, lastSeenAt: true } });
    for (const r of rows) out.push({ assetId: r.assetId, component: r.component, version: r.version, observedAt: r.lastSeenAt });
  }
  return out;
}

type TDriftRow = TDriftOut["rows"][number];

/**
 * Drift of every baselined component on every matching asset. The fleet's assets come from the assets
 * domain, the inventory from one read; each (baseline, version) pair is classified once.
 */
export async function driftRows(deps: TDeps, q: z.output<typeof ZDriftQuery>, opts: { orm?: boolean } = {}): Promise<TDriftRow[]> {
  const baselines = (await listBaselines(deps, { modelId: q.modelId })).filter((b) => !q.component || b.component === q.component);
  const byModel = new Map<string, TBaselineOut[]>();
  for (const b of baselines) (byModel.get(b.modelId) ?? byModel.set(b.modelId, []).get(b.modelId)!).push(b);
  const names = new Map(baselines.map((b) => [b.modelId, b.modelName]));
  const assets = await fleetAssets(deps, { modelIds: [...byModel.keys()], status: q.status, siteId: q.siteId }, opts);
  const fw = new Map<string, Map<string, { version: string; at: Date }>>();
  if (assets.length) {
    const rows = await observedFirmware(deps, new Set(assets.map((a) => a.id)), new Set(baselines.map((b) => b.component)), opts);
    for (const r of rows) (fw.get(r.assetId) ?? fw.set(r.assetId, new Map()).get(r.assetId)!).set(r.component, { version: r.version, at: r.observedAt instanceof Date ? r.observedAt : new Date(r.observedAt) });
  }
  const memo = new Map<string, ReturnType<typeof classify>>();
  const out: TDriftRow[] = [];
  for (const a of assets) {
    const seenOf = fw.get(a.id);
    for (const b of byModel.get(a.modelId) ?? []) {
      const seen = seenOf?.get(b.component) ?? null;
      const key = `${b.id}\u0000${seen?.version ?? "\u0001"}`;
      let d = memo.get(key);
      if (!d) memo.set(key, (d = classify(b.matchRule, b.releases, seen?.version ?? null)));
      out.push({ assetId: a.id, serial: a.serial, assetTag: a.assetTag, status: a.status, modelId: a.modelId, modelName: names.get(a.modelId)!, siteId: a.siteId, component: b.component, observed: seen?.version ?? null, observedAt: seen?.at ?? null, state: d.state, lag: d.lag, target: d.target });
    }
  }
  return out;
}

const STATE_ORDER: Record<TDriftState, number> = { BLOCKED: 0, BEHIND: 1, UNKNOWN: 2, MISSING: 3, AHEAD: 4, COMPLIANT: 5 };

/** Drift of every baselined component on every matching asset: counts per state, and the rows (worst first). */
export async function drift(deps: TDeps, query: z.input<typeof ZDriftQuery>): Promise<TDriftOut> {
  const q = ZDriftQuery.parse(query);
  const all = await driftRows(deps, q);
  const counts = Object.fromEntries(DRIFT_STATES.map((s) => [s, 0])) as Record<TDriftState, number>;
  for (const r of all) counts[r.state]++;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0); // code-point order: serials are upper-case ASCII, and localeCompare is too slow for the fleet
  const rows = (q.state ? all.filter((r) => r.state === q.state) : all).sort((x, y) => STATE_ORDER[x.state] - STATE_ORDER[y.state] || (y.lag ?? -1) - (x.lag ?? -1) || cmp(x.serial, y.serial) || cmp(x.component, y.component));
  return { counts, total: all.length, rows: rows.slice(0, q.take) };
}

/** Per model and component: which versions run on how many assets, with each version's drift state where a baseline exists. */
export async function fleet(deps: TDeps, query: z.input<typeof ZFleetQuery>) {
  const q = ZFleetQuery.parse(query);
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return deps.provider === "postgresql" ? `$${params.length}` : "?";
  };
  const where = [`a."status" <> 'DISPOSED'`];
  if (q.modelId) where.push(`a."modelId" = ${p(q.modelId)}`);
  if (q.status) where.push(`a."status" = ${p(q.status)}`);
  if (q.siteId) where.push(`(l."siteId" = ${p(q.siteId)} OR l."id" = ${p(q.siteId)})`);
  const rows = await deps.db.$queryRawUnsafe<{ modelId: string; component: string; version: string; n: number | bigint }[]>(
    `SELECT a."modelId" AS "modelId", f."component" AS "component", f."version" AS "version", COUNT(*) AS "n"
      FROM "FirmwareObserved" f JOIN "Asset" a ON a."id" = f."assetId" LEFT JOIN "Location" l ON l."id" = a."locationId"
      WHERE ${where.join(" AND ")} GROUP BY a."modelId", f."component", f."version"`,
    ...params,
  );
  const baselines = new Map((await listBaselines(deps, { modelId: q.modelId })).map((b) => [`${b.modelId}\u0000${b.component}`, b]));
  const names = await modelNames(deps, rows.map((r) => r.modelId));
  const groups = new Map<string, { modelId: string; modelName: string; component: string; hasBaseline: boolean; versions: { version: string; assets: number; state: TDriftState | null; lag: number | null }[] }>();
  for (const r of rows) {
    const key = `${r.modelId}\u0000${r.component}`;
    const b = baselines.get(key);
    const g = groups.get(key) ?? groups.set(key, { modelId: r.modelId, modelName: names.get(r.modelId) ?? r.modelId, component: r.component, hasBaseline: !!b, versions: [] }).get(key)!;
    const d = b ? classify(b.matchRule, b.releases, r.version) : null;
    g.versions.push({ version: r.version, assets: Number(r.n), state: d?.state ?? null, lag: d?.lag ?? null });
  }
  const items = [...groups.values()].sort((a, b) => a.modelName.localeCompare(b.modelName) || a.component.localeCompare(b.component));
  for (const g of items) g.versions.sort((a, b) => b.assets - a.assets || a.version.localeCompare(b.version));
  return { items };
}

/**
 * The firmware-lag KPI: of the in-service components that have a baseline and run a known release, the
 * share whose lag (approved releases between what runs and the newest approved) is below 2; per model and
 * site, and the worst offenders. Unknown and blocked are counted beside it, not hidden in it.
 */
export async function firmwareLag(deps: TDeps, query: z.input<typeof ZLagQuery>): Promise<TLagOut> {
  const q = ZLagQuery.parse(query);
  const rows = await driftRows(deps, { ...q, status: "IN_SERVICE", take: 5000 });
  const measured = rows.filter((r) => r.lag !== null && r.state !== "BLOCKED");
  const within = (xs: TDriftRow[]) => xs.filter((r) => r.lag! < 2).length;
  const group = <K,>(key: (r: TDriftRow) => K) => {
    const m = new Map<K, TDriftRow[]>();
    for (const r of measured) (m.get(key(r)) ?? m.set(key(r), []).get(key(r))!).push(r);
    return m;
  };
  const byModel = [...group((r) => r.modelId)].map(([modelId, xs]) => ({ modelId, modelName: xs[0]!.modelName, measured: xs.length, withinTarget: within(xs), worstLag: xs.reduce((m, x) => Math.max(m, x.lag!), 0) }));
  const bySite = [...group((r) => r.siteId)].map(([siteId, xs]) => ({ siteId, measured: xs.length, withinTarget: within(xs), worstLag: xs.reduce((m, x) => Math.max(m, x.lag!), 0) }));
  return {
    measured: measured.length,
    withinTarget: within(measured),
    share: measured.length ? within(measured) / measured.length : null,
    unknown: rows.filter((r) => r.state === "UNKNOWN").length,
    blocked: rows.filter((r) => r.state === "BLOCKED").length,
    byModel: byModel.sort((a, b) => a.modelName.localeCompare(b.modelName)),
    bySite,
    worst: [...rows.filter((r) => r.state === "BLOCKED"), ...measured.filter((r) => r.lag! >= 2).sort((a, b) => b.lag! - a.lag!)].slice(0, 20),
  };
}

export { assetPosture, evaluatePosture, fleetPosture, listPosturePolicies, postureBlockers, posturePolicyRevisions, revokePostureWaiver, savePosturePolicy, waivePosture } from "./posture";
export { decideFirmwareFinding, listFirmwareFindings, syncDriftFindings } from "./findings";
export { buildHbom, hbomFor } from "./hbom";
