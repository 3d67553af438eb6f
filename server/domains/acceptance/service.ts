/**
 * Site acceptance tests (SAT): versioned checklist templates, runs per asset or per rack, item results
 * saved as they are filled (a run can be resumed), the pass (sign-off) that moves every asset of the run
 * SAT → IN_SERVICE through the lifecycle, a failed run, and a re-run with a reason. Every write is
 * audited in its transaction.
 *
 * Starting a run follows the lifecycle: an asset must be CABLED (it moves CABLED → SAT when the run
 * starts, in the run's transaction) or already in SAT (a re-run, or moved there by hand). An asset has
 * at most one open run.
 */
import type { z } from "zod";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { AppError, uniqueViolation } from "../../errors";
import { appendAudit } from "../audit/service";
import { postureBlockers } from "../firmware/service";
import { assetIdentities, getAsset, listAssets, transitionInTx } from "../assets/service";
import { getModel, listModelsByIds } from "../catalog/service";
import { getLocation } from "../locations/service";
import {
  ZSatItem,
  ZSatResultsInput,
  ZSatRunStart,
  ZSatTemplateInput,
  type TSatItem,
  type TSatRunOut,
  type TSatTemplateOut,
  ZSatRunQuery,
} from "./schema";
import { assertCablingVerified } from "../cabling/service";

/** The DOA rate per vendor, for procurement's vendor scorecard. */
export { doaRatesByVendor } from "./kpi";

// ---------------------------------------------------------------- templates

type TTemplateRow = { id: string; name: string; version: number; modelId: string | null; items: string; createdAt: Date; createdBy: string };

function parseItems(json: string): TSatItem[] {
  return (JSON.parse(json) as unknown[]).map((i) => ZSatItem.parse(i));
}

async function templateOut(deps: TDeps, rows: TTemplateRow[]): Promise<TSatTemplateOut[]> {
  const modelIds = [...new Set(rows.map((r) => r.modelId).filter((m): m is string => !!m))];
  const models = new Map((modelIds.length ? await listModelsByIds(deps, modelIds) : []).map((m) => [m.id, m.name]));
  const names = [...new Set(rows.map((r) => r.name))];
  const latest = new Map(
    names.length
      ? (await deps.db.satTemplate.groupBy({ by: ["name"], where: { name: { in: names } }, _max: { version: true } })).map((g) => [g.name, g._max.version ?? 0])
      : [],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, version: r.version, modelId: r.modelId, modelName: r.modelId ? (models.get(r.modelId) ?? null) : null, items: parseItems(r.items), createdAt: r.createdAt, createdBy: r.createdBy, latest: latest.get(r.name) === r.version }));
}

/** A new template, or a new version of the template with this name (the old versions stay, with the runs filled against them). */
export async function saveTemplate(deps: TDeps, actor: TActor, input: z.input<typeof ZSatTemplateInput>): Promise<TSatTemplateOut> {
  const t = ZSatTemplateInput.parse(input);
  if (t.modelId) await getModel(deps, t.modelId).catch(() => {
    throw new AppError("BAD_REQUEST", `No hardware model with id ${t.modelId}. Choose a model from the catalogue, or none for a general checklist.`, { fields: { modelId: ["Unknown model"] } });
  });
  const at = deps.clock.now();
  try {
    const row = await deps.db.$transaction(async (tx) => {
      const last = await tx.satTemplate.findFirst({ where: { name: t.name }, orderBy: { version: "desc" }, select: { version: true } });
      const created = await tx.satTemplate.create({ data: { name: t.name, version: (last?.version ?? 0) + 1, modelId: t.modelId, items: JSON.stringify(t.items), createdAt: at, createdBy: actor.name } });
      await appendAudit(tx, deps.provider, actor, at, { action: last ? "sat.template.version" : "sat.template.create", entity: "SatTemplate", entityId: created.id, after: { name: created.name, version: created.version, modelId: created.modelId, items: t.items.length } });
      return created;
    });
    return (await templateOut(deps, [row]))[0]!;
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("CONFLICT", `Someone saved another version of "${t.name}" at the same moment. Reload the template and save again.`);
    throw e;
  }
}

export async function listTemplates(deps: TDeps, q: { name?: string; latestOnly?: boolean } = {}): Promise<TSatTemplateOut[]> {
  const rows = await deps.db.satTemplate.findMany({ where: q.name ? { name: q.name } : {}, orderBy: [{ name: "asc" }, { version: "desc" }] });
  const out = await templateOut(deps, rows);
  return q.latestOnly === false ? out : out.filter((t) => t.latest);
}

export async function getTemplate(deps: TDeps, id: string): Promise<TSatTemplateOut> {
  const row = await deps.db.satTemplate.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", `No SAT template with id ${id}.`);
  return (await templateOut(deps, [row]))[0]!;
}

/** The template a new run fills by default: the latest version for the model, else the latest general one. */
async function defaultTemplate(tx: Tx, modelIds: string[]): Promise<TTemplateRow> {
  const forModel = modelIds.length === 1 ? await tx.satTemplate.findFirst({ where: { modelId: modelIds[0] }, orderBy: [{ version: "desc" }, { createdAt: "desc" }] }) : null;
  if (forModel) return latestOf(tx, forModel.name);
  const general = await tx.satTemplate.findFirst({ where: { modelId: null }, orderBy: [{ createdAt: "desc" }, { version: "desc" }] });
  if (!general) throw new AppError("BAD_REQUEST", "There is no SAT template for this model and no general one. Create a checklist template first (SAT → Templates).");
  return latestOf(tx, general.name);
}
async function latestOf(tx: Tx, name: string): Promise<TTemplateRow> {
  return (await tx.satTemplate.findFirst({ where: { name }, orderBy: { version: "desc" } }))!;
}

// ---------------------------------------------------------------- judging answers

type TAnswer = { itemKey: string; yes?: boolean; measured?: number; text?: string };

/** Whether an answer passes its item; throws when the answer does not fit the item's kind. */
export function judge(item: TSatItem, a: TAnswer): boolean {
  const wrong = (what: string) => new AppError("BAD_REQUEST", `Item "${item.label}" (${item.key}) ${what}.`, { fields: { [item.key]: [what] } });
  switch (item.kind) {
    case "YES_NO":
      if (a.yes === undefined || a.measured !== undefined) throw wrong("is yes/no: send yes (true or false)");
      return a.yes;
    case "MEASURE":
      if (a.measured === undefined || a.yes !== undefined) throw wrong(`is a measured value: send measured (a number in ${item.unit})`);
      return (item.min === undefined || a.measured >= item.min) && (item.max === undefined || a.measured <= item.max);
    case "NOTE":
      if (a.text === undefined || a.yes !== undefined || a.measured !== undefined) throw wrong("is a note: send text");
      return true;
    case "SIGNATURE":
      if (a.text === undefined || a.text.length < 3 || a.yes !== undefined || a.measured !== undefined) throw wrong("is a signature: send text with the signer's full name (at least 3 characters)");
      return true;
  }
}

/** What still blocks the pass: required items without an answer, and answers that fail. */
function blockers(items: TSatItem[], results: { itemKey: string; pass: boolean; text: string | null }[]) {
  const byKey = new Map(results.map((r) => [r.itemKey, r]));
  const missing = items.filter((i) => i.required && (!byKey.has(i.key) || (i.kind === "NOTE" && !byKey.get(i.key)!.text))).map((i) => i.key);
  const failing = items.filter((i) => byKey.get(i.key)?.pass === false).map((i) => i.key);
  return { missing, failing };
}

// ---------------------------------------------------------------- runs

const runInclude = { template: true, assets: { select: { assetId: true } }, results: { orderBy: { itemKey: "asc" as const } } };

export async function getRun(deps: TDeps, id: string): Promise<TSatRunOut> {
  const run = await deps.db.satRun.findUnique({ where: { id }, include: runInclude });
  if (!run) throw new AppError("NOT_FOUND", `No SAT run with id ${id}.`);
  const [template] = await templateOut(deps, [run.template]);
  const ids = run.assets.map((a) => a.assetId);
  const idents = await assetIdentities(deps.db, ids);
  const rack = run.rackId ? await getLocation(deps, run.rackId).catch(() => null) : null;
  const { missing, failing } = blockers(template!.items, run.results);
  return {
    id: run.id,
    status: run.status as TSatRunOut["status"],
    version: run.version,
    template: template!,
    rack: rack ? { id: rack.id, path: rack.path } : null,
    assets: ids
      .map((i) => idents.get(i))
      .filter((a) => !!a)
      .map((a) => ({ id: a.id, serial: a.serial, assetTag: null, status: a.status, model: `${a.model.manufacturer} ${a.model.name}` }))
      .sort((a, b) => a.serial.localeCompare(b.serial)),
    results: run.results.map((r) => ({ itemKey: r.itemKey, yes: r.yes, measured: r.measured, text: r.text, pass: r.pass, recordedAt: r.recordedAt, recordedBy: r.recordedBy })),
    missing,
    failing,
    canPass: run.status === "OPEN" && missing.length === 0 && failing.length === 0,
    startedAt: run.startedAt,
    startedBy: run.startedBy,
    reason: run.reason,
    previousRunId: run.previousRunId,
    finishedAt: run.finishedAt,
    finishedBy: run.finishedBy,
  };
}

export async function listRuns(deps: TDeps, input: z.input<typeof ZSatRunQuery>) {
  const q = ZSatRunQuery.parse(input);
  const runs = await deps.db.satRun.findMany({
    where: { status: q.status, ...(q.assetId ? { assets: { some: { assetId: q.assetId } } } : {}) },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: q.take,
    include: { template: { select: { name: true, version: true } }, assets: { select: { assetId: true }, take: 1 }, _count: { select: { assets: true } } },
  });
  const firsts = await assetIdentities(deps.db, runs.flatMap((r) => r.assets.map((a) => a.assetId)));
  const racks = new Map<string, string>();
  for (const rackId of new Set(runs.map((r) => r.rackId).filter((x): x is string => !!x))) racks.set(rackId, (await getLocation(deps, rackId).catch(() => null))?.path ?? rackId);
  return {
    items: runs.map((r) => ({
      id: r.id,
      status: r.status as TSatRunOut["status"],
      templateName: r.template.name,
      templateVersion: r.template.version,
      rackPath: r.rackId ? (racks.get(r.rackId) ?? null) : null,
      assetCount: r._count.assets,
      firstAsset: r.assets[0] ? (firsts.get(r.assets[0].assetId)?.serial ?? null) : null,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    })),
  };
}

const STARTABLE = ["CABLED", "SAT"];

/** Start a run for one asset or every server of a rack: CABLED assets move to SAT in the run's transaction. */
export async function startRun(deps: TDeps, actor: TActor, input: z.input<typeof ZSatRunStart>): Promise<TSatRunOut> {
  const r = ZSatRunStart.parse(input);
  let assetIds: string[];
  let modelIds: string[];
  if (r.rackId) {
    const rack = await getLocation(deps, r.rackId).catch(() => null);
    if (!rack || rack.kind !== "RACK") throw new AppError("BAD_REQUEST", `No rack with id ${r.rackId}. Choose a rack (not a site, room or bin).`, { fields: { rackId: ["Not a rack"] } });
    const list = await listAssets(deps, { locationId: rack.id, status: ["CABLED", "SAT"], pageSize: 200, sort: "updatedAt" });
    assetIds = list.items.map((a) => a.id);
    modelIds = [...new Set(list.items.map((a) => a.model.id))];
    if (!assetIds.length) throw new AppError("BAD_REQUEST", `No asset in rack ${rack.path} is Cabled or in SAT. Cable the servers (move them to Cabled) first.`);
  } else {
    const a = await getAsset(deps, r.assetId!, actor.role);
    assetIds = [a.id];
    modelIds = [a.model.id];
  }
  return createRun(deps, actor, { assetIds, modelIds, rackId: r.rackId ?? null, templateId: r.templateId ?? null, reason: null, previousRunId: null });
}

async function createRun(deps: TDeps, actor: TActor, p: { assetIds: string[]; rackId: string | null; templateId: string | null; reason: string | null; previousRunId: string | null; templateName?: string; modelIds?: string[] }): Promise<TSatRunOut> {
  const at = deps.clock.now();
  const id = await deps.db.$transaction(async (tx) => {
    const idents = await assetIdentities(tx, p.assetIds);
    for (const assetId of p.assetIds) {
      const a = idents.get(assetId);
      if (!a) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
      if (!STARTABLE.includes(a.status)) throw new AppError("INVALID_TRANSITION", `Asset ${a.serial} is ${a.status}; a SAT starts on a Cabled asset (or one already in SAT). Rack and cable it first.`, { details: { assetId, status: a.status } });
    }
    const open = await tx.satRunAsset.findFirst({ where: { assetId: { in: p.assetIds }, run: { status: "OPEN" } }, select: { assetId: true, runId: true } });
    if (open) throw new AppError("CONFLICT", `Asset ${idents.get(open.assetId)!.serial} already has an open SAT run; resume it or fail it first.`, { details: { runId: open.runId, assetId: open.assetId } });
    let template: TTemplateRow;
    if (p.templateId) {
      const t = await tx.satTemplate.findUnique({ where: { id: p.templateId } });
      if (!t) throw new AppError("BAD_REQUEST", `No SAT template with id ${p.templateId}.`, { fields: { templateId: ["Unknown template"] } });
      template = t;
    } else if (p.templateName) {
      template = await latestOf(tx, p.templateName);
    } else {
      template = await defaultTemplate(tx, p.modelIds ?? []);
    }
    const run = await tx.satRun.create({ data: { templateId: template.id, rackId: p.rackId, status: "OPEN", startedAt: at, startedBy: actor.name, reason: p.reason, previousRunId: p.previousRunId } });
    await tx.satRunAsset.createMany({ data: p.assetIds.map((assetId) => ({ runId: run.id, assetId })) });
    for (const assetId of p.assetIds) {
      if (idents.get(assetId)!.status === "CABLED") await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId, to: "SAT", expectedStatus: "CABLED", reason: `SAT started (${template.name} v${template.version})` });
    }
    await appendAudit(tx, deps.provider, actor, at, {
      action: p.previousRunId ? "sat.rerun" : "sat.start",
      entity: "SatRun",
      entityId: run.id,
      after: { templateId: template.id, template: `${template.name} v${template.version}`, rackId: p.rackId, assetIds: p.assetIds, reason: p.reason, previousRunId: p.previousRunId },
    });
    return run.id;
  });
  return getRun(deps, id);
}

/** The run as read inside a write's transaction, checked open and at the version the caller saw. */
async function openRun(tx: Tx, id: string, expectedVersion?: number) {
  const run = await tx.satRun.findUnique({ where: { id }, include: { template: true, assets: { select: { assetId: true } }, results: true } });
  if (!run) throw new AppError("NOT_FOUND", `No SAT run with id ${id}.`);
  if (run.status !== "OPEN") throw new AppError("CONFLICT", `This SAT run is ${run.status.toLowerCase()}; nothing more can be recorded on it.${run.status === "FAILED" ? " Re-run it with a reason." : ""}`, { details: { runId: id, status: run.status } });
  if (expectedVersion !== undefined && expectedVersion !== run.version) throw new AppError("CONFLICT", "Someone else saved this SAT run after you loaded it. Reload it; your answers that were not saved need entering again.", { details: { runId: id, version: run.version } });
  return run;
}

/** Bumps the run's version guarded by the version read: of two concurrent writers one wins. */
async function bump(tx: Tx, run: { id: string; version: number }, data: Record<string, unknown> = {}) {
  const n = await tx.satRun.updateMany({ where: { id: run.id, version: run.version }, data: { ...data, version: { increment: 1 } } });
  if (n.count !== 1) throw new AppError("CONFLICT", "Someone else saved this SAT run at the same moment. Reload it and try again.");
}

/** Saves answers (a run may be saved part-filled and resumed). An answer with no value clears the item. */
export async function recordResults(deps: TDeps, actor: TActor, input: z.input<typeof ZSatResultsInput>): Promise<TSatRunOut> {
  const r = ZSatResultsInput.parse(input);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const run = await openRun(tx, r.id, r.expectedVersion);
    const items = new Map(parseItems(run.template.items).map((i) => [i.key, i]));
    const audit: Record<string, unknown> = {};
    for (const a of r.results) {
      const item = items.get(a.itemKey);
      if (!item) throw new AppError("BAD_REQUEST", `The checklist "${run.template.name}" v${run.template.version} has no item "${a.itemKey}". Items: ${[...items.keys()].join(", ")}.`, { fields: { itemKey: ["Unknown item"] } });
      const key = { runId_itemKey: { runId: run.id, itemKey: a.itemKey } };
      if (a.yes === undefined && a.measured === undefined && (a.text === undefined || a.text === "")) {
        await tx.satResult.deleteMany({ where: { runId: run.id, itemKey: a.itemKey } });
        audit[a.itemKey] = null;
        continue;
      }
      const pass = judge(item, a);
      const data = { yes: a.yes ?? null, measured: a.measured ?? null, text: a.text ?? null, pass, recordedAt: at, recordedBy: actor.name };
      await tx.satResult.upsert({ where: key, create: { runId: run.id, itemKey: a.itemKey, ...data }, update: data });
      audit[a.itemKey] = { yes: data.yes, measured: data.measured, text: item.kind === "SIGNATURE" ? data.text : data.text ? "(note)" : null, pass };
    }
    await bump(tx, run);
    await appendAudit(tx, deps.provider, actor, at, { action: "sat.results", entity: "SatRun", entityId: run.id, after: audit });
  });
  return getRun(deps, r.id);
}

/** The pass, signed off by the caller: every required item answered and none failing; every asset moves SAT → IN_SERVICE. */
export async function signOff(deps: TDeps, actor: TActor, input: { id: string; expectedVersion?: number }): Promise<TSatRunOut> {
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const run = await openRun(tx, input.id, input.expectedVersion);
    const items = parseItems(run.template.items);
    const { missing, failing } = blockers(items, run.results);
    const label = (k: string) => items.find((i) => i.key === k)?.label ?? k;
    if (failing.length) throw new AppError("CONFLICT", `The SAT cannot pass: ${failing.map(label).join(", ")} ${failing.length === 1 ? "fails" : "fail"}. Fix and record again, or fail the run.`, { details: { failing, missing } });
    if (missing.length) throw new AppError("CONFLICT", `The SAT cannot pass yet: answer ${missing.map(label).join(", ")} first.`, { details: { failing, missing } });
    // security posture gate (server/domains/firmware): a model's posture policy must be met, or an admin waived it
    const posture = await postureBlockers(tx, run.assets.map((a) => a.assetId));
    if (posture.length) throw new AppError("CONFLICT", `The SAT cannot pass: ${posture.length === 1 ? "an asset's" : `${posture.length} assets'`} security posture is not compliant (${posture[0]!.reasons.slice(0, 2).join("; ")}). Fix it and probe again, or ask an admin to waive it on the asset page.`, { details: { posture } });
    await assertCablingVerified(tx, run.assets.map((a) => a.assetId)); // cabling gate: planned cables verified (or waived by an admin)
    await bump(tx, run, { status: "PASSED", finishedAt: at, finishedBy: actor.name });
    for (const { assetId } of run.assets) await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId, to: "IN_SERVICE", expectedStatus: "SAT", reason: `SAT passed (${run.template.name} v${run.template.version}), signed off by ${actor.name}`, payload: { satRunId: run.id } });
    await appendAudit(tx, deps.provider, actor, at, { action: "sat.pass", entity: "SatRun", entityId: run.id, before: { status: "OPEN" }, after: { status: "PASSED", signedBy: actor.name, signedAt: at.toISOString(), assetIds: run.assets.map((a) => a.assetId) } });
  });
  return getRun(deps, input.id);
}

/** Fails an open run with a reason; its assets stay in SAT (re-run it, or move an asset to Failed on its page when the hardware is at fault). */
export async function failRun(deps: TDeps, actor: TActor, input: { id: string; reason: string }): Promise<TSatRunOut> {
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const run = await openRun(tx, input.id);
    await bump(tx, run, { status: "FAILED", finishedAt: at, finishedBy: actor.name, reason: input.reason });
    await appendAudit(tx, deps.provider, actor, at, { action: "sat.fail", entity: "SatRun", entityId: run.id, before: { status: "OPEN" }, after: { status: "FAILED", reason: input.reason } });
  });
  return getRun(deps, input.id);
}

/** A new run of a failed one, with a reason: the same assets (still in SAT), the latest version of the same checklist. */
export async function rerun(deps: TDeps, actor: TActor, input: { id: string; reason: string }): Promise<TSatRunOut> {
  const prev = await deps.db.satRun.findUnique({ where: { id: input.id }, include: { template: { select: { name: true } }, assets: { select: { assetId: true } } } });
  if (!prev) throw new AppError("NOT_FOUND", `No SAT run with id ${input.id}.`);
  if (prev.status !== "FAILED") throw new AppError("CONFLICT", `Only a failed SAT run can be re-run; this one is ${prev.status.toLowerCase()}.`);
  return createRun(deps, actor, { assetIds: prev.assets.map((a) => a.assetId), rackId: prev.rackId, templateId: null, templateName: prev.template.name, reason: input.reason, previousRunId: prev.id });
}
