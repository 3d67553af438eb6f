/**
 * Burn-in soaks (docs/burn-in.md):
 *
 *   createProfile / listProfiles   named per model family, versioned (a change is a new version)
 *   startRuns                      one asset or a batch (ids, or a location and below): RECEIVED → BURN_IN,
 *                                  one run each with its own in-band results token and its deadline job
 *   burnInWatches                  the agent's work item: watch this BMC at the run's cadence until the end
 *   burnInIngest                   the ONE call in the agent ingest: probe readings and SEL entries of
 *                                  watched BMCs, packed and kept against the run, in the ingest's transaction
 *   tickRuns (job burnin.tick)     power cycles due, rules judged on what arrived: a broken rule fails at once
 *   finishDue (job burnin.deadline) at the deadline plus grace: judged in full → PASSED / FAILED
 *   abortRun / extendRun / rerun / decideRun   a technician's calls, each with a reason, audited
 *   recordResult                   POST /api/v1/burnin/results (per-run token)
 *   board / runDetail / burnInEvidenceFor      what the screens, the PDF and the DOA drill-down read
 *
 * Samples are judged by their own timestamps, so readings an agent journaled
 * while the server was away count when they arrive (before the deadline's grace ends).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { TObservation } from "../../contracts/agent";
import type { TBurnInWatch } from "../../contracts/agent";
import type { Db, Tx } from "../../db/client";
import type { TProvider } from "../../db/url";
import { SYSTEM_ACTOR, type TActor, type TDeps } from "../../context";
import { AppError } from "../../errors";
import { sha256 } from "../../auth/password";
import { defineJob, enqueue } from "../../jobs/queue";
import { publishEvent } from "../../live/publish";
import { appendAudit } from "../audit/service";
import { assetIdentities, assetKinds, assetStatuses, listAssets, transitionInTx } from "../assets/service";
import { listLocations } from "../locations/service";
import { receiptAssets, recentReceiptAssets } from "../receiving/service";
import { endpointIdsOfAgent, endpointsOfAssets, listCommands, queueCommand } from "../bmc/service";
import { criteriaProblem, judge, packValues, selRuleFor, sensorType, unpackValues, type TJudgeCycle, type TJudgeSample } from "./judge";
import {
  BURNIN_WRITERS,
  ZInbandResult,
  ZProfileCreate,
  ZProfileSpec,
  ZRunAbort,
  ZRunDecide,
  ZRunExtend,
  ZRunRerun,
  ZRunStart,
  type TBoard,
  type TEvidenceSummary,
  type TFailure,
  type TProfile,
  type TProfileCreate,
  type TProfileSpec,
  type TRunDetail,
  type TRunRow,
  type TRunStart,
  type TRunStatus,
  type TSensorMeta,
  type TSeries,
} from "./schema";

export const RESULTS_TOKEN_PREFIX = "ilb_";

// ---------------------------------------------------------------- profiles

/** Profiles never change once written: their specs are cached by id. */
const specCache = new Map<string, { name: string; version: number; spec: TProfileSpec }>();

async function profileById(db: Db | Tx, id: string): Promise<{ name: string; version: number; spec: TProfileSpec }> {
  const hit = specCache.get(id);
  if (hit) return hit;
  const p = await db.burnInProfile.findUnique({ where: { id }, select: { name: true, version: true, spec: true } });
  if (!p) throw new AppError("NOT_FOUND", `No burn-in profile with id ${id}.`);
  const out = { name: p.name, version: p.version, spec: ZProfileSpec.parse(JSON.parse(p.spec)) };
  specCache.set(id, out);
  return out;
}

const toProfile = (p: { id: string; name: string; family: string; version: number; spec: string; createdBy: string; createdAt: Date }): TProfile => ({ ...p, spec: ZProfileSpec.parse(JSON.parse(p.spec)) });

/** A new version of the named profile (version 1 when the name is new). */
export async function createProfile(deps: TDeps, actor: TActor, input: TProfileCreate): Promise<TProfile> {
  const { name, family, spec } = ZProfileCreate.parse(input);
  const sensorIds = new Set<string>();
  for (const r of [...spec.sensorRules, ...spec.selRules]) {
    if (sensorIds.has(r.id)) throw new AppError("BAD_REQUEST", `Two rules share the id ${r.id}; give each rule its own id.`, { fields: { "spec.rules": [`duplicate id ${r.id}`] } });
    sensorIds.add(r.id);
  }
  for (const s of spec.stages) if (s.atSec > spec.durationSec) throw new AppError("BAD_REQUEST", `The ${s.kind} stage starts at ${s.atSec} s, after the profile's end (${spec.durationSec} s).`, { fields: { "spec.stages": ["starts after the end"] } });
  const now = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const last = await tx.burnInProfile.findFirst({ where: { name }, orderBy: { version: "desc" }, select: { version: true, family: true } });
    if (last && last.family !== family) throw new AppError("BAD_REQUEST", `The profile ${name} is for the family ${last.family}; a new version keeps its family (or choose another name).`, { fields: { family: [`is ${last.family}`] } });
    const row = await tx.burnInProfile.create({ data: { name, family, version: (last?.version ?? 0) + 1, spec: JSON.stringify(spec), createdBy: actor.name, createdAt: now } });
    await appendAudit(tx, deps.provider, actor, now, { action: "burnin.profile", entity: "BurnInProfile", entityId: row.id, after: { name, family, version: row.version } });
    return toProfile(row);
  });
}

/** Every version, newest first within a name; `latestOnly` keeps the newest of each name. */
export async function listProfiles(deps: TDeps, opts: { latestOnly?: boolean } = {}): Promise<TProfile[]> {
  const rows = await deps.db.burnInProfile.findMany({ orderBy: [{ name: "asc" }, { version: "desc" }] });
  const out = rows.map(toProfile);
  if (!opts.latestOnly) return out;
  const seen = new Set<string>();
  return out.filter((p) => (seen.has(p.name) ? false : (seen.add(p.name), true)));
}

// ---------------------------------------------------------------- starting runs

const deadlineOf = (endsAt: Date, spec: TProfileSpec) => new Date(endsAt.getTime() + spec.graceSec * 1000);

async function assetsIn(deps: TDeps, locationId: string): Promise<string[]> {
  const ids: string[] = [];
  const queue = [locationId];
  for (let guard = 0; queue.length && guard < 10_000; guard++) {
    const loc = queue.shift()!;
    for (let page = 1; ; page++) {
      const r = await listAssets(deps, { locationId: loc, status: ["RECEIVED"], page, pageSize: 200 });
      ids.push(...r.items.filter((a) => a.model.kind === "SERVER").map((a) => a.id));
      if (page >= r.pages) break;
    }
    for (const child of await listLocations(deps, { parentId: loc })) queue.push(child.id);
  }
  return ids;
}

/** The servers a receipt received that are still RECEIVED; a receipt with none left says so. */
async function receivedServersOf(deps: TDeps, receiptId: string): Promise<string[]> {
  const r = await receiptAssets(deps, receiptId);
  const [kinds, statuses] = await Promise.all([assetKinds(deps.db, r.assetIds), assetStatuses(deps.db, r.assetIds)]);
  const servers = r.assetIds.filter((id) => kinds.get(id) === "SERVER");
  const left = servers.filter((id) => statuses.get(id) === "RECEIVED");
  if (left.length === 0) {
    throw new AppError("BAD_REQUEST", servers.length ? `Every server receipt ${r.number} received has moved on from Received (${servers.length} in all); there is none left to burn in.` : `Receipt ${r.number} has not received a server yet.`, { fields: { receiptId: ["no RECEIVED servers on this receipt"] } });
  }
  return left;
}

/** The latest receipts that still have RECEIVED servers, with how many: what "start from a receipt" offers. */
export async function receiptBatches(deps: TDeps) {
  const receipts = await recentReceiptAssets(deps, 30);
  const all = [...new Set(receipts.flatMap((r) => r.assetIds))];
  const [kinds, statuses] = await Promise.all([assetKinds(deps.db, all), assetStatuses(deps.db, all)]);
  return receipts
    .map((r) => ({ receiptId: r.id, number: r.number, createdAt: r.createdAt, servers: r.assetIds.filter((id) => kinds.get(id) === "SERVER" && statuses.get(id) === "RECEIVED").length }))
    .filter((r) => r.servers > 0);
}

/**
 * Starts a soak for each asset (RECEIVED → BURN_IN, or already BURN_IN after an aborted run), in one
 * transaction: all or none. Each run gets its in-band results token (shown once, here) and its deadline job.
 */
export async function startRuns(deps: TDeps, actor: TActor, input: TRunStart, opts: { rerunOf?: string } = {}) {
  const parsed = ZRunStart.parse(input);
  const profile = await profileById(deps.db, parsed.profileId);
  const assetIds = [...new Set([...(parsed.assetIds ?? []), ...(parsed.locationId ? await assetsIn(deps, parsed.locationId) : []), ...(parsed.receiptId ? await receivedServersOf(deps, parsed.receiptId) : [])])];
  if (assetIds.length === 0) throw new AppError("BAD_REQUEST", "There is no received server there to burn in.", { fields: { locationId: ["no RECEIVED servers here"] } });
  if (assetIds.length > 1000) throw new AppError("BAD_REQUEST", `That is ${assetIds.length} assets; start at most 1,000 in one batch.`);
  const [ids, statuses, endpoints, running] = await Promise.all([
    assetIdentities(deps.db, assetIds),
    assetStatuses(deps.db, assetIds),
    endpointsOfAssets(deps.db, assetIds),
    deps.db.burnInRun.findMany({ where: { assetId: { in: assetIds }, status: "RUNNING" }, select: { assetId: true } }),
  ]);
  const problems: Record<string, string[]> = {};
  for (const id of assetIds) {
    const a = ids.get(id);
    const st = statuses.get(id);
    if (!a) problems[id] = ["no such asset"];
    else if (st !== "RECEIVED" && st !== "BURN_IN") problems[a.serial] = [`is ${st}; only RECEIVED assets (or BURN_IN ones after an aborted run) start a soak`];
    else if (running.some((r) => r.assetId === id)) problems[a.serial] = ["already has a running soak"];
  }
  if (Object.keys(problems).length) throw new AppError("BAD_REQUEST", `${Object.keys(problems).length} of the assets cannot start a soak: ${Object.entries(problems).slice(0, 5).map(([k, v]) => `${k} ${v[0]}`).join("; ")}. Nothing was started.`, { fields: problems });
  const now = deps.clock.now();
  const endsAt = new Date(now.getTime() + profile.spec.durationSec * 1000);
  const batchId = `b${now.getTime().toString(36)}${randomBytes(3).toString("hex")}`;
  const out = await deps.db.$transaction(
    async (tx) => {
      const runs: { runId: string; assetId: string; serial: string; token: string }[] = [];
      for (const assetId of assetIds) {
        const a = ids.get(assetId)!;
        if (statuses.get(assetId) === "RECEIVED") await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId, to: "BURN_IN", reason: parsed.reason ?? `burn-in ${profile.name} v${profile.version}` });
        const token = `${RESULTS_TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
        const run = await tx.burnInRun.create({
          data: {
            assetId,
            batchId,
            profileId: parsed.profileId,
            endpointId: endpoints.get(assetId)?.id ?? null,
            status: "RUNNING",
            startedAt: now,
            endsAt,
            cadenceSec: profile.spec.cadenceSec,
            tokenHash: sha256(token),
            cycles: JSON.stringify(profile.spec.stages.filter((s) => s.kind === "power-cycle").map((s) => ({ atSec: s.atSec, commandId: "", status: "PENDING", power: null }))),
            startedBy: actor.name,
            rerunOf: opts.rerunOf ?? null,
            reason: parsed.reason ?? null,
          },
          select: { id: true },
        });
        await enqueue(tx, deadlineJob, { runId: run.id, endsAt: endsAt.toISOString() }, { now, runAt: deadlineOf(endsAt, profile.spec), dedupeKey: `${run.id}:${endsAt.toISOString()}` });
        await appendAudit(tx, deps.provider, actor, now, { action: opts.rerunOf ? "burnin.rerun" : "burnin.start", entity: "BurnInRun", entityId: run.id, after: { assetId, serial: a.serial, batchId, profile: `${profile.name} v${profile.version}`, endsAt: endsAt.toISOString(), rerunOf: opts.rerunOf ?? null, reason: parsed.reason ?? null } });
        await publishEvent(tx, deps.provider, now, { scope: "burnin", key: run.id, data: { kind: "burnin.run", assetId, status: "RUNNING" } });
        runs.push({ runId: run.id, assetId, serial: a.serial, token });
      }
      return runs;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  return { batchId, runs: out };
}

// ---------------------------------------------------------------- the agent's side

/** The watches in an agent's work: every running soak of a BMC it polls. */
export async function burnInWatches(deps: TDeps, agentId: string): Promise<TBurnInWatch[]> {
  const endpointIds = await endpointIdsOfAgent(deps.db, agentId);
  if (endpointIds.length === 0) return [];
  const runs = await deps.db.burnInRun.findMany({ where: { endpointId: { in: endpointIds }, status: "RUNNING" }, select: { id: true, endpointId: true, cadenceSec: true, endsAt: true } });
  return runs.map((r) => ({ runId: r.id, endpointId: r.endpointId!, intervalSec: r.cadenceSec, until: r.endsAt.toISOString() }));
}

type TProbeOrMiss = Extract<TObservation, { kind: "bmc.probe" | "bmc.unreachable" }>;

/**
 * The agent ingest's hook (called once per batch, inside its transaction): readings of BMCs with a
 * running soak, dated inside the run, become packed samples; their SEL entries are kept once each.
 * One indexed query when no watched BMC is in the batch.
 */
/** Whether any of these endpoints' BMCs is watched by a running burn-in (its batch then goes where burnInIngest runs). */
export async function burnInWatched(deps: TDeps, endpointIds: string[]): Promise<boolean> {
  if (endpointIds.length === 0) return false;
  return (await deps.db.burnInRun.count({ where: { endpointId: { in: endpointIds }, status: "RUNNING" } })) > 0;
}

export async function burnInIngest(tx: Tx, provider: TProvider, observations: readonly TObservation[]): Promise<void> {
  const relevant = observations.filter((o): o is TProbeOrMiss => o.kind === "bmc.probe" || o.kind === "bmc.unreachable");
  if (relevant.length === 0) return;
  const endpointIds = [...new Set(relevant.map((o) => o.endpointId))];
  const runs = await tx.burnInRun.findMany({ where: { endpointId: { in: endpointIds }, status: "RUNNING" }, select: { id: true, endpointId: true, profileId: true, startedAt: true, endsAt: true, sensorIndex: true, samples: true, lastSampleAt: true } });
  if (runs.length === 0) return;
  const samples: { runId: string; at: Date; power: number; values: Uint8Array }[] = [];
  const events: { runId: string; selId: number; at: Date; sensorType: string; event: string; severity: string }[] = [];
  const seenSel = new Set<string>();
  const counters: [string, number, Date][] = [];
  for (const run of runs) {
    const mine = relevant.filter((o) => o.endpointId === run.endpointId && Date.parse(o.observedAt) >= run.startedAt.getTime() && Date.parse(o.observedAt) <= run.endsAt.getTime());
    if (mine.length === 0) continue;
    const { spec } = await profileById(tx, run.profileId);
    const index = JSON.parse(run.sensorIndex) as TSensorMeta[];
    const pos = new Map(index.map((s, i) => [s.name, i]));
    const before = index.length;
    let last = run.lastSampleAt?.getTime() ?? 0;
    for (const o of mine) {
      const at = new Date(o.observedAt);
      last = Math.max(last, at.getTime());
      if (o.kind === "bmc.unreachable") {
        samples.push({ runId: run.id, at, power: -1, values: new Uint8Array(0) });
        continue;
      }
      // the first reading of the BMC in this run: what its SEL already holds (undated, or dated before the start) is the baseline
      const firstEver = index.length === 0 && !seenSel.has(run.id);
      seenSel.add(run.id);
      for (const s of o.result.sensors) {
        if (!pos.has(s.name)) {
          pos.set(s.name, index.length);
          index.push({ name: s.name, unit: s.unit, type: sensorType(s.name, s.unit) });
        }
      }
      const values: (number | null)[] = index.map(() => null);
      for (const s of o.result.sensors) values[pos.get(s.name)!] = s.value;
      samples.push({ runId: run.id, at, power: o.result.power === "on" ? 1 : 0, values: packValues(values) });
      for (const e of o.result.sel) {
        const rule = selRuleFor(spec.selRules, e.sensorType, e.event);
        const stamp = e.timestamp ? new Date(e.timestamp) : at;
        // what the BMC held before the soak is context, not a failure
        const baseline = firstEver ? stamp.getTime() < run.startedAt.getTime() || !e.timestamp : false;
        events.push({ runId: run.id, selId: e.id, at: baseline ? stamp : stamp.getTime() < run.startedAt.getTime() ? at : stamp, sensorType: e.sensorType, event: e.event, severity: baseline ? "baseline" : rule ? (rule.action === "fail" ? "fatal" : "counted") : "info" });
      }
    }
    counters.push([run.id, mine.length, new Date(last)]);
    if (index.length !== before) await tx.burnInRun.update({ where: { id: run.id }, data: { sensorIndex: JSON.stringify(index) } });
  }
  await bumpCounters(tx, provider, counters);
  await insertIgnore(tx, provider, "BurnInSample", ["runId", "at", "power", "values"], ["text", "timestamp(3)", "int", "bytea"], samples.map((s) => [s.runId, s.at, s.power, s.values]), ["runId", "at"]);
  await insertIgnore(
    tx,
    provider,
    "BurnInEvent",
    ["id", "runId", "selId", "at", "sensorType", "event", "severity"],
    ["text", "text", "int", "timestamp(3)", "text", "text", "text"],
    events.map((e) => [`e${randomBytes(12).toString("hex")}`, e.runId, e.selId, e.at, e.sensorType, e.event, e.severity]),
    ["runId", "selId"],
  );
}

/** The runs' reading counts and latest reading times, one UPDATE … FROM (VALUES …) for the batch. */
async function bumpCounters(tx: Tx, provider: TProvider, rows: [string, number, Date][]): Promise<void> {
  if (rows.length === 0) return;
  const params: (string | number | Date)[] = [];
  let n = 0;
  const ph = (type: string) => (provider === "postgresql" ? `$${++n}::${type}` : "?");
  const values = rows.map(([id, k, at]) => (params.push(id, k, at), `(${ph("text")},${ph("int")},${ph("timestamp(3)")})`)).join(",");
  const latest = provider === "postgresql" ? `GREATEST(COALESCE("BurnInRun"."lastSampleAt", v.at), v.at)` : `MAX(COALESCE("BurnInRun"."lastSampleAt", v.at), v.at)`;
  await tx.$executeRawUnsafe(`WITH v(id, k, at) AS (VALUES ${values}) UPDATE "BurnInRun" SET "samples" = "BurnInRun"."samples" + v.k, "lastSampleAt" = ${latest} FROM v WHERE "BurnInRun"."id" = v.id`, ...params);
}

type TCell = string | number | Date | Uint8Array | null;

/** Multi-row INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL), 500 rows a statement. */
export async function insertIgnore(tx: Tx | Db, provider: TProvider, table: string, columns: string[], pgTypes: string[], rows: TCell[][], conflict: string[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const params: TCell[] = [];
    let n = 0;
    const values = chunk.map((r) => `(${r.map((c, i) => (params.push(c), provider === "postgresql" ? `$${++n}::${pgTypes[i]}` : "?")).join(",")})`);
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES ${values.join(",")} ON CONFLICT (${conflict.map((c) => `"${c}"`).join(",")}) DO NOTHING`, ...params);
  }
}

// ---------------------------------------------------------------- judging and finishing

const runSelect = { id: true, cadenceSec: true, assetId: true, batchId: true, profileId: true, endpointId: true, status: true, startedAt: true, endsAt: true, finishedAt: true, sensorIndex: true, failure: true, cycles: true, samples: true, lastSampleAt: true, reason: true, rerunOf: true, version: true, evidence: true } as const;
type TRunRecord = Awaited<ReturnType<typeof loadRun>>;

async function loadRun(db: Db | Tx, runId: string) {
  const r = await db.burnInRun.findUnique({ where: { id: runId }, select: runSelect });
  if (!r) throw new AppError("NOT_FOUND", `No burn-in run with id ${runId}.`);
  return r;
}

async function loadSamples(db: Db | Tx, runId: string, from?: Date, to?: Date): Promise<TJudgeSample[]> {
  const rows = await db.burnInSample.findMany({ where: { runId, ...(from || to ? { at: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}) }, orderBy: { at: "asc" }, select: { at: true, power: true, values: true } });
  if (rows.length > 0) return rows.map((r) => ({ at: r.at.getTime(), power: r.power, values: unpackValues(r.values) }));
  // raw samples pruned: the per-minute series stands in (max for limits above, min below is close enough for the record)
  const mins = await db.burnInMinute.findMany({ where: { runId, ...(from || to ? { minute: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}) }, orderBy: { minute: "asc" }, select: { minute: true, max: true } });
  return mins.map((m) => ({ at: m.minute.getTime(), power: 1, values: unpackValues(m.max) }));
}

async function judgeInputs(db: Db | Tx, run: TRunRecord, spec: TProfileSpec, final: boolean) {
  const [samples, events, results] = await Promise.all([
    loadSamples(db, run.id),
    db.burnInEvent.findMany({ where: { runId: run.id }, orderBy: { at: "asc" }, select: { at: true, selId: true, sensorType: true, event: true, severity: true } }),
    db.burnInResult.findMany({ where: { runId: run.id }, select: { stage: true, passed: true, figures: true, finishedAt: true } }),
  ]);
  return {
    spec,
    startedAt: run.startedAt.getTime(),
    endsAt: run.endsAt.getTime(),
    sensors: JSON.parse(run.sensorIndex) as TSensorMeta[],
    samples,
    events: events.map((e) => ({ ...e, at: e.at.getTime() })),
    results: results.map((r) => ({ stage: r.stage, passed: r.passed, figures: JSON.parse(r.figures) as Record<string, number>, finishedAt: r.finishedAt.getTime() })),
    cycles: run.endpointId ? (JSON.parse(run.cycles) as TJudgeCycle[]) : [],
    watched: run.endpointId !== null,
    final,
  };
}

/** The run's power cycles: queue those due (through the agent's command channel) and read back the BMC's reported power. */
async function driveCycles(deps: TDeps, run: TRunRecord): Promise<TJudgeCycle[]> {
  const cycles = JSON.parse(run.cycles) as TJudgeCycle[];
  if (cycles.length === 0 || !run.endpointId) return cycles;
  const now = deps.clock.now().getTime();
  let changed = false;
  const recent = cycles.some((c) => c.commandId) ? await listCommands(deps, { assetId: run.assetId, take: 50 }) : [];
  for (const c of cycles) {
    if (c.commandId && (c.status === "QUEUED" || c.status === "SENT")) {
      const cmd = recent.find((x) => x.id === c.commandId);
      if (cmd && cmd.status !== c.status) {
        c.status = cmd.status;
        c.power = cmd.power;
        c.doneAt = cmd.finishedAt?.getTime();
        changed = true;
      }
    } else if (!c.commandId && c.status === "PENDING" && run.startedAt.getTime() + c.atSec * 1000 <= now) {
      try {
        const cmd = await queueCommand(deps, { ...SYSTEM_ACTOR, name: "IronLedger burn-in" }, { assetId: run.assetId, action: "cycle", confirm: true });
        c.commandId = cmd.id;
        c.status = cmd.status;
      } catch (e) {
        c.status = "FAILED";
        c.power = null;
        c.commandId = `not queued: ${(e as Error).message}`.slice(0, 200);
      }
      changed = true;
    }
  }
  if (changed) await deps.db.burnInRun.updateMany({ where: { id: run.id, status: "RUNNING" }, data: { cycles: JSON.stringify(cycles) } });
  return cycles;
}

/** Judges one running run; finishes it FAILED at the first broken rule, or (final) PASSED. Returns its status. */
export async function judgeRun(deps: TDeps, runId: string, final: boolean): Promise<TRunStatus> {
  let run = await loadRun(deps.db, runId);
  if (run.status !== "RUNNING") return run.status as TRunStatus;
  const { spec } = await profileById(deps.db, run.profileId);
  await driveCycles(deps, run);
  run = await loadRun(deps.db, runId);
  const input = { ...(await judgeInputs(deps.db, run, spec, final)), now: deps.clock.now().getTime() };
  const failure = judge(input);
  if (failure) return finishRun(deps, SYSTEM_ACTOR, run, "FAILED", failure, null);
  if (final) return finishRun(deps, SYSTEM_ACTOR, run, "PASSED", null, null);
  return "RUNNING";
}

/** What the PDF and an RMA draft need: the failing rule, the sensor trace around it, the SEL, in-band results, serials. */
async function buildEvidence(db: Db | Tx, run: TRunRecord, failure: TFailure | null) {
  const ident = (await assetIdentities(db, [run.assetId])).get(run.assetId);
  const sensors = JSON.parse(run.sensorIndex) as TSensorMeta[];
  let trace: { sensor: string; unit: string; points: [number, number | null][] } | null = null;
  if (failure?.sensor) {
    const at = Date.parse(failure.at);
    const i = sensors.findIndex((s) => s.name === failure.sensor);
    const cadence = run.cadenceSec * 1000;
    const around = await loadSamples(db, run.id, new Date(at - Math.max(30 * 60_000, 12 * cadence)), new Date(at + Math.max(10 * 60_000, 2 * cadence)));
    if (i >= 0) trace = { sensor: sensors[i]!.name, unit: sensors[i]!.unit, points: around.map((s) => [s.at, s.values[i] ?? null]) };
  }
  const sel = await db.burnInEvent.findMany({ where: { runId: run.id, severity: { not: "baseline" } }, orderBy: { at: "asc" }, take: 200, select: { selId: true, at: true, sensorType: true, event: true, severity: true } });
  const results = await db.burnInResult.findMany({ where: { runId: run.id }, select: { stage: true, tool: true, passed: true, figures: true } });
  return {
    failure,
    trace,
    sel: sel.map((e) => ({ ...e, at: e.at.toISOString() })),
    results: results.map((r) => ({ ...r, figures: JSON.parse(r.figures) as Record<string, number> })),
    serials: ident ? { serial: ident.serial, model: ident.model.name, manufacturer: ident.model.manufacturer, parts: ident.parts.map((p) => ({ kind: p.kind, serial: p.serial })) } : null,
    samples: run.samples,
  };
}

async function finishRun(deps: TDeps, actor: TActor, run: TRunRecord, status: Exclude<TRunStatus, "RUNNING">, failure: TFailure | null, reason: string | null): Promise<TRunStatus> {
  const now = deps.clock.now();
  const evidence = status === "ABORTED" ? null : await buildEvidence(deps.db, run, failure);
  return deps.db.$transaction(
    async (tx) => {
      const res = await tx.burnInRun.updateMany({
        where: { id: run.id, status: "RUNNING", version: run.version },
        data: { status, finishedAt: now, failure: failure ? JSON.stringify(failure) : null, evidence: evidence ? JSON.stringify(evidence) : null, version: { increment: 1 }, ...(reason ? { reason } : {}) },
      });
      if (res.count !== 1) throw new AppError("CONFLICT", "The run changed meanwhile (it was judged, extended or aborted); reload and try again.");
      const assetStatus = (await assetStatuses(tx, [run.assetId])).get(run.assetId);
      let moved: string | null = null;
      if (status !== "ABORTED" && assetStatus === "BURN_IN") {
        const to = status === "PASSED" ? "READY_TO_RACK" : "FAILED";
        await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: run.assetId, to, reason: failure ? `burn-in failed: ${failure.rule}: ${failure.message}`.slice(0, 500) : (reason ?? "burn-in passed") });
        moved = to;
      }
      await appendAudit(tx, deps.provider, actor, now, { action: `burnin.${status.toLowerCase()}`, entity: "BurnInRun", entityId: run.id, before: { status: "RUNNING" }, after: { status, assetId: run.assetId, assetMovedTo: moved, failure: failure ? { rule: failure.rule, at: failure.at, message: failure.message } : null, reason } });
      await publishEvent(tx, deps.provider, now, { scope: "burnin", key: run.id, data: { kind: "burnin.run", assetId: run.assetId, status } });
      return status;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

// ---------------------------------------------------------------- jobs

/** At a run's deadline (plus the grace for late readings): judged in full. An extended run's earlier deadline does nothing. */
export const deadlineJob = defineJob({
  name: "burnin.deadline",
  version: 1,
  payload: z.object({ runId: z.string().min(1), endsAt: z.string() }),
  maxAttempts: 10,
  backoff: { baseMs: 5_000, maxMs: 300_000 },
  handler: async (deps, { runId, endsAt }) => {
    const run = await deps.db.burnInRun.findUnique({ where: { id: runId }, select: { status: true, endsAt: true } });
    if (!run) return `run ${runId} is gone`;
    if (run.status !== "RUNNING") return `run ${runId} already ${run.status}`;
    if (run.endsAt.toISOString() !== endsAt) return `run ${runId} was extended to ${run.endsAt.toISOString()}`;
    return `run ${runId}: ${await judgeRun(deps, runId, true)}`;
  },
});

/** Every 15 s: power cycles due, and every running run judged on what has arrived (a broken rule fails it at once). */
export const tickJob = defineJob({
  name: "burnin.tick",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 15_000 },
  maxAttempts: 3,
  handler: async (deps, _p, ctx) => {
    const runs = await deps.db.burnInRun.findMany({ where: { status: "RUNNING" }, select: { id: true }, orderBy: { startedAt: "asc" } });
    const counts: Record<string, number> = {};
    for (const r of runs) {
      if (ctx.signal.aborted) break;
      const s = await judgeRun(deps, r.id, false);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return `${runs.length} running: ${JSON.stringify(counts)}`;
  },
});

/** Hourly: finished runs get their per-minute series; raw samples older than the profile's retention are dropped. */
export const downsampleJob = defineJob({
  name: "burnin.downsample",
  version: 1,
  payload: z.object({}),
  schedule: { everyMs: 60 * 60_000 },
  maxAttempts: 3,
  handler: async (deps) => {
    const r = await downsample(deps);
    return `${r.downsampled} run(s) downsampled, ${r.pruned} run(s) pruned to their per-minute series`;
  },
});

export const BURNIN_JOBS = [deadlineJob, tickJob, downsampleJob];

/** Per-minute min/max/avg of a run's raw samples (idempotent: written once per minute). */
export async function downsampleRun(db: Db, provider: TProvider, runId: string): Promise<number> {
  const rows = await db.burnInSample.findMany({ where: { runId, power: { gte: 0 } }, orderBy: { at: "asc" }, select: { at: true, values: true } });
  const minutes = new Map<number, (number | null)[][]>();
  for (const r of rows) {
    const m = Math.floor(r.at.getTime() / 60_000) * 60_000;
    const list = minutes.get(m) ?? [];
    list.push(unpackValues(r.values));
    minutes.set(m, list);
  }
  const out: TCell[][] = [];
  for (const [m, list] of minutes) {
    const width = Math.max(...list.map((l) => l.length));
    const min: (number | null)[] = [], max: (number | null)[] = [], avg: (number | null)[] = [];
    for (let i = 0; i < width; i++) {
      const vs = list.map((l) => l[i]).filter((v): v is number => v !== null && v !== undefined);
      min.push(vs.length ? Math.min(...vs) : null);
      max.push(vs.length ? Math.max(...vs) : null);
      avg.push(vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null);
    }
    out.push([runId, new Date(m), list.length, packValues(min), packValues(max), packValues(avg)]);
  }
  await insertIgnore(db, provider, "BurnInMinute", ["runId", "minute", "n", "min", "max", "avg"], ["text", "timestamp(3)", "int", "bytea", "bytea", "bytea"], out, ["runId", "minute"]);
  return out.length;
}

export async function downsample(deps: TDeps): Promise<{ downsampled: number; pruned: number }> {
  const now = deps.clock.now().getTime();
  const finished = await deps.db.burnInRun.findMany({ where: { status: { not: "RUNNING" }, finishedAt: { not: null } }, select: { id: true, profileId: true, finishedAt: true }, orderBy: { finishedAt: "asc" }, take: 2000 });
  let downsampled = 0;
  let pruned = 0;
  for (const r of finished) {
    const hasRaw = (await deps.db.burnInSample.findFirst({ where: { runId: r.id }, select: { at: true } })) !== null;
    if (!hasRaw) continue;
    const hasMinutes = (await deps.db.burnInMinute.findFirst({ where: { runId: r.id }, select: { n: true } })) !== null;
    if (!hasMinutes) {
      await downsampleRun(deps.db, deps.provider, r.id);
      downsampled++;
    }
    const { spec } = await profileById(deps.db, r.profileId);
    if (r.finishedAt!.getTime() + spec.rawRetentionDays * 86_400_000 <= now) {
      await deps.db.burnInSample.deleteMany({ where: { runId: r.id } });
      pruned++;
    }
  }
  return { downsampled, pruned };
}

// ---------------------------------------------------------------- a technician's calls

function assertWriter(actor: TActor) {
  if (!BURNIN_WRITERS.includes(actor.role)) throw new AppError("FORBIDDEN", `Your role (${actor.role}) may not change burn-in runs.`);
}

export async function abortRun(deps: TDeps, actor: TActor, input: z.input<typeof ZRunAbort>): Promise<TRunStatus> {
  assertWriter(actor);
  const { runId, reason } = ZRunAbort.parse(input);
  const run = await loadRun(deps.db, runId);
  if (run.status !== "RUNNING") throw new AppError("CONFLICT", `This run is already ${run.status}; only a running soak can be aborted.`);
  return finishRun(deps, actor, run, "ABORTED", null, reason);
}

/** A technician's verdict before the deadline: pass or fail now, with a reason. */
export async function decideRun(deps: TDeps, actor: TActor, input: z.input<typeof ZRunDecide>): Promise<TRunStatus> {
  assertWriter(actor);
  const { runId, outcome, reason } = ZRunDecide.parse(input);
  const run = await loadRun(deps.db, runId);
  if (run.status !== "RUNNING") throw new AppError("CONFLICT", `This run is already ${run.status}; a verdict is given on a running soak.`);
  const failure: TFailure | null = outcome === "FAILED" ? { rule: "manual", kind: "manual", at: deps.clock.now().toISOString(), message: `Failed by ${actor.name}: ${reason}` } : null;
  return finishRun(deps, actor, run, outcome, failure, reason);
}

export async function extendRun(deps: TDeps, actor: TActor, input: z.input<typeof ZRunExtend>): Promise<{ endsAt: Date }> {
  assertWriter(actor);
  const { runId, hours, reason } = ZRunExtend.parse(input);
  const run = await loadRun(deps.db, runId);
  if (run.status !== "RUNNING") throw new AppError("CONFLICT", `This run is already ${run.status}; only a running soak can be extended.`);
  const { spec } = await profileById(deps.db, run.profileId);
  const endsAt = new Date(run.endsAt.getTime() + Math.round(hours * 3_600_000));
  const now = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const res = await tx.burnInRun.updateMany({ where: { id: runId, status: "RUNNING", version: run.version }, data: { endsAt, reason, version: { increment: 1 } } });
    if (res.count !== 1) throw new AppError("CONFLICT", "The run changed meanwhile; reload and try again.");
    await enqueue(tx, deadlineJob, { runId, endsAt: endsAt.toISOString() }, { now, runAt: deadlineOf(endsAt, spec), dedupeKey: `${runId}:${endsAt.toISOString()}` });
    await appendAudit(tx, deps.provider, actor, now, { action: "burnin.extend", entity: "BurnInRun", entityId: runId, before: { endsAt: run.endsAt.toISOString() }, after: { endsAt: endsAt.toISOString(), hours, reason } });
    await publishEvent(tx, deps.provider, now, { scope: "burnin", key: runId, data: { kind: "burnin.run", assetId: run.assetId, status: "RUNNING" } });
  });
  return { endsAt };
}

/** A new run of the same profile version for the same asset (after an abort, or once the asset is RECEIVED again). */
export async function rerun(deps: TDeps, actor: TActor, input: z.input<typeof ZRunRerun>) {
  assertWriter(actor);
  const { runId, reason } = ZRunRerun.parse(input);
  const run = await loadRun(deps.db, runId);
  if (run.status === "RUNNING") throw new AppError("CONFLICT", "This run is still running; abort it first (with a reason), then run it again.");
  const status = (await assetStatuses(deps.db, [run.assetId])).get(run.assetId);
  if (status !== "RECEIVED" && status !== "BURN_IN") throw new AppError("CONFLICT", `The asset is ${status}; a soak starts from RECEIVED (a failed asset goes through RMA and comes back RECEIVED).`);
  return startRuns(deps, actor, { profileId: run.profileId, assetIds: [run.assetId], reason }, { rerunOf: runId });
}

// ---------------------------------------------------------------- in-band results

/** The run a results token was issued for (the REST route's auth): null when unknown. */
export async function runFromToken(deps: TDeps, token: string): Promise<{ runId: string; assetId: string } | null> {
  if (!token.startsWith(RESULTS_TOKEN_PREFIX) || token.length > 100) return null;
  const r = await deps.db.burnInRun.findUnique({ where: { tokenHash: sha256(token) }, select: { id: true, assetId: true } });
  return r ? { runId: r.id, assetId: r.assetId } : null;
}

export async function recordResult(deps: TDeps, tokenRunId: string, input: z.input<typeof ZInbandResult>) {
  const r = ZInbandResult.parse(input);
  if (r.runId !== tokenRunId) throw new AppError("FORBIDDEN", `This token was issued for run ${tokenRunId}, not ${r.runId}; use the token of the run you report.`);
  const run = await loadRun(deps.db, r.runId);
  if (run.status !== "RUNNING") throw new AppError("CONFLICT", `Run ${r.runId} is already ${run.status} (finished ${run.finishedAt?.toISOString() ?? ""}); results are taken only while it runs.`);
  const { spec } = await profileById(deps.db, run.profileId);
  const expected = spec.inband.find((s) => s.stage === r.stage);
  if (!expected) throw new AppError("BAD_REQUEST", `The profile expects no stage "${r.stage}"; expected: ${spec.inband.map((s) => s.stage).join(", ") || "none"}.`, { fields: { stage: [`one of ${spec.inband.map((s) => s.stage).join(", ") || "(none)"}`] } });
  const problem = r.passed ? criteriaProblem(expected, r.figures) : null;
  const now = deps.clock.now();
  try {
    await deps.db.$transaction(async (tx) => {
      await tx.burnInResult.create({ data: { runId: r.runId, stage: r.stage, tool: r.tool, startedAt: new Date(r.startedAt), finishedAt: new Date(r.finishedAt), passed: r.passed, figures: JSON.stringify(r.figures), log: r.log, receivedAt: now } });
      await appendAudit(tx, deps.provider, { type: "token", id: `burnin:${r.runId}`, name: `burn-in image of run ${r.runId}`, role: "viewer" }, now, { action: "burnin.result", entity: "BurnInRun", entityId: r.runId, after: { stage: r.stage, tool: r.tool, passed: r.passed, problem } });
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `Stage ${r.stage} of run ${r.runId} was already reported; each stage is reported once.`);
    throw e;
  }
  const passed = r.passed && !problem;
  return { runId: r.runId, stage: r.stage, accepted: true, passed, message: passed ? `Stage ${r.stage} recorded as passed.` : `Stage ${r.stage} recorded as failed: ${problem ?? "the tool reported a failure"}; the run fails at its next judgement.` };
}

// ---------------------------------------------------------------- reading

/** Serial and model per asset for the board, kept a few seconds (a board of 1,000 soaks refreshed live would read them on every notice). */
const labels = new Map<string, { serial: string; model: { name: string }; at: number }>();
const LABEL_TTL_MS = 10_000;

async function assetLabels(deps: TDeps, assetIds: string[]) {
  const now = Date.now();
  const stale = assetIds.filter((id) => (labels.get(id)?.at ?? 0) < now - LABEL_TTL_MS);
  if (stale.length) for (const [id, a] of await assetIdentities(deps.db, stale)) labels.set(id, { serial: a.serial, model: { name: a.model.name }, at: now });
  if (labels.size > 20_000) for (const [id, l] of labels) if (l.at < now - LABEL_TTL_MS) labels.delete(id);
  return labels;
}

async function rowsFor(deps: TDeps, runs: Pick<TRunRecord, keyof typeof boardSelect>[]): Promise<TRunRow[]> {
  const ids = await assetLabels(deps, [...new Set(runs.map((r) => r.assetId))]);
  const profiles = await Promise.all([...new Set(runs.map((r) => r.profileId))].map(async (id) => [id, await profileById(deps.db, id)] as const));
  const pmap = new Map(profiles);
  return runs.map((r) => {
    const a = ids.get(r.assetId);
    const p = pmap.get(r.profileId)!;
    return {
      id: r.id,
      assetId: r.assetId,
      serial: a?.serial ?? "?",
      model: a?.model.name ?? "",
      batchId: r.batchId,
      profile: `${p.name} v${p.version}`,
      status: r.status as TRunStatus,
      startedAt: r.startedAt,
      endsAt: r.endsAt,
      finishedAt: r.finishedAt,
      samples: r.samples,
      lastSampleAt: r.lastSampleAt,
      failure: r.failure ? (JSON.parse(r.failure) as TFailure) : null,
    };
  });
}

const boardSelect = { id: true, assetId: true, batchId: true, profileId: true, status: true, startedAt: true, endsAt: true, finishedAt: true, samples: true, lastSampleAt: true, failure: true } as const;

/** The board: every running soak, and the most recently finished ones. */
export async function board(deps: TDeps, opts: { recent?: number } = {}): Promise<TBoard> {
  const [running, recent] = await Promise.all([
    deps.db.burnInRun.findMany({ where: { status: "RUNNING" }, orderBy: [{ endsAt: "asc" }, { id: "asc" }], take: 2000, select: boardSelect }),
    deps.db.burnInRun.findMany({ where: { status: { not: "RUNNING" } }, orderBy: [{ finishedAt: "desc" }, { id: "desc" }], take: opts.recent ?? 20, select: boardSelect }),
  ]);
  return { now: deps.clock.now(), running: await rowsFor(deps, running), recent: await rowsFor(deps, recent) };
}

/** Evenly thinned to at most `max` points, keeping each bucket's extreme (a spike stays visible). */
function thin(points: [number, number | null][], max: number, high: boolean): [number, number | null][] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: [number, number | null][] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size).filter((p) => p[1] !== null);
    if (bucket.length === 0) continue;
    out.push(bucket.reduce((a, b) => ((high ? b[1]! > a[1]! : b[1]! < a[1]!) ? b : a)));
  }
  return out;
}

export async function runDetail(deps: TDeps, actor: TActor, runId: string): Promise<TRunDetail> {
  const run = await loadRun(deps.db, runId);
  const p = await profileById(deps.db, run.profileId);
  const [row] = await rowsFor(deps, [run]);
  const [samples, events, results] = await Promise.all([
    loadSamples(deps.db, run.id),
    deps.db.burnInEvent.findMany({ where: { runId }, orderBy: { at: "asc" }, take: 500, select: { selId: true, at: true, sensorType: true, event: true, severity: true } }),
    deps.db.burnInResult.findMany({ where: { runId }, orderBy: { finishedAt: "asc" }, select: { stage: true, tool: true, startedAt: true, finishedAt: true, passed: true, figures: true, log: true } }),
  ]);
  const sensors = JSON.parse(run.sensorIndex) as TSensorMeta[];
  const series: TSeries[] = sensors.map((s, i) => {
    const rules = p.spec.sensorRules.filter((r) => (!r.match.type || r.match.type === s.type) && (!r.match.name || s.name.toLowerCase().includes(r.match.name.toLowerCase())));
    const above = rules.map((r) => r.above).filter((v): v is number => v !== undefined);
    const below = rules.map((r) => r.below).filter((v): v is number => v !== undefined);
    const limits = { ...(above.length ? { above: Math.min(...above) } : {}), ...(below.length ? { below: Math.max(...below) } : {}) };
    const points = samples.filter((x) => x.power >= 0).map((x) => [x.at, x.values[i] ?? null] as [number, number | null]);
    return { sensor: s, limits, points: thin(points, 600, limits.below === undefined) };
  });
  return {
    ...row!,
    profileSpec: p.spec,
    profileVersion: p.version,
    reason: run.reason,
    rerunOf: run.rerunOf,
    events,
    results: results.map((r) => ({ ...r, figures: JSON.parse(r.figures) as Record<string, number> })),
    series,
    cycles: (JSON.parse(run.cycles) as TJudgeCycle[]).map((c) => ({ ...c, power: c.power ?? null })),
    canDecide: BURNIN_WRITERS.includes(actor.role) && run.status === "RUNNING",
  };
}

/** The evidence stored with a finished run (for the PDF), or null while it runs. */
export async function runEvidence(deps: TDeps, runId: string) {
  const run = await loadRun(deps.db, runId);
  return run.evidence ? (JSON.parse(run.evidence) as Awaited<ReturnType<typeof buildEvidence>>) : null;
}

/** For the DOA drill-down and RMA drafts: the asset's latest failed soak, summarised, or null. */
export async function burnInEvidenceFor(deps: TDeps, assetId: string): Promise<TEvidenceSummary | null> {
  const run = await deps.db.burnInRun.findFirst({ where: { assetId, status: "FAILED" }, orderBy: [{ finishedAt: "desc" }, { id: "desc" }], select: { id: true, assetId: true, finishedAt: true, failure: true, evidence: true } });
  if (!run || !run.failure) return null;
  const ident = (await assetIdentities(deps.db, [assetId])).get(assetId);
  const evidence = run.evidence ? (JSON.parse(run.evidence) as { sel?: unknown[] }) : null;
  return { runId: run.id, assetId, serial: ident?.serial ?? "?", finishedAt: run.finishedAt, failure: JSON.parse(run.failure) as TFailure, selCount: evidence?.sel?.length ?? 0, pdfPath: `/burnin/${run.id}/evidence.pdf` };
}

/** A run's asset and status, or null (an RMA case opened from a failed run). */
export async function runAssetOf(deps: TDeps, runId: string): Promise<{ assetId: string; status: TRunStatus } | null> {
  const r = await deps.db.burnInRun.findUnique({ where: { id: runId }, select: { assetId: true, status: true } });
  return r ? { assetId: r.assetId, status: r.status as TRunStatus } : null;
}
