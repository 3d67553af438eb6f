/**
 * Security posture: per hardware model a policy (SecureBoot and TPM rules, BIOS attributes with their
 * approved values; versioned, audited) compared with what each asset's latest probe showed
 * (PostureObserved, kept by the firmware.inventory job). An asset is COMPLIANT, NON_COMPLIANT (with the
 * reasons), UNKNOWN (a rule could not be checked: not observed, not reported) or NO_POLICY. A
 * non-compliant or unknown asset cannot pass SAT unless an admin waives it (audited).
 */
import type { z } from "zod";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Db, Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { assetsForBom } from "../assets/service";
import { listModelsByIds } from "../catalog/service";
import type { TObservedFirmware } from "../bmc/service";
import {
  POSTURE_STATES,
  ZPosturePolicyInput,
  ZPostureQuery,
  ZWaiverInput,
  type TAssetPosture,
  type TObservedPosture,
  type TPosturePolicyInput,
  type TPosturePolicyOut,
  type TPostureState,
} from "./schema";

type TSpec = { secureBoot: TPosturePolicyOut["secureBoot"]; tpm: TPosturePolicyOut["tpm"]; tpmVersion: string | null; attributes: { name: string; values: string[] }[] };
type TReason = TAssetPosture["reasons"][number];

const norm = (v: unknown) => String(v).trim().toLowerCase();

/** The comparison, pure: a failed rule makes the asset NON_COMPLIANT; otherwise a rule that could not be checked makes it UNKNOWN. */
export function evaluatePosture(spec: TSpec | null, observed: TObservedPosture | null): { state: TPostureState; reasons: TReason[] } {
  if (!spec) return { state: "NO_POLICY", reasons: [] };
  if (!observed) return { state: "UNKNOWN", reasons: [{ rule: "observation", outcome: "UNKNOWN", message: "No probe has reported this asset's posture yet" }] };
  const reasons: TReason[] = [];
  if (spec.secureBoot === "REQUIRED") {
    const sb = observed.secureBoot;
    if (!sb || sb.state === "unknown") reasons.push({ rule: "SecureBoot", outcome: "UNKNOWN", message: "The BMC does not report SecureBoot" });
    else if (sb.state !== "enabled") reasons.push({ rule: "SecureBoot", outcome: "FAIL", message: "SecureBoot is disabled (the policy requires it enabled)" });
  }
  if (spec.tpm === "REQUIRED") {
    const t = observed.tpm;
    if (!t) reasons.push({ rule: "TPM", outcome: "UNKNOWN", message: "The BMC does not report a TPM" });
    else if (!t.present) reasons.push({ rule: "TPM", outcome: "FAIL", message: "No TPM present (the policy requires one)" });
    else if (!t.enabled) reasons.push({ rule: "TPM", outcome: "FAIL", message: "The TPM is disabled (the policy requires it enabled)" });
    else if (spec.tpmVersion && norm(t.version ?? "") !== norm(spec.tpmVersion)) reasons.push({ rule: "TPM", outcome: "FAIL", message: `TPM ${t.version ?? "of unknown version"} (the policy requires ${spec.tpmVersion})` });
  }
  if (spec.attributes.length) {
    if (!observed.bios) reasons.push({ rule: "BIOS", outcome: "UNKNOWN", message: "The BMC does not report BIOS attributes" });
    else {
      const byName = new Map(Object.entries(observed.bios).map(([k, v]) => [k.toLowerCase(), v]));
      for (const a of spec.attributes) {
        const v = byName.get(a.name.toLowerCase());
        if (v === undefined) reasons.push({ rule: a.name, outcome: "FAIL", message: `${a.name} is not among the BIOS attributes (approved: ${a.values.join(" / ")})` });
        else if (!a.values.some((x) => norm(x) === norm(v))) reasons.push({ rule: a.name, outcome: "FAIL", message: `${a.name} is ${String(v)} (approved: ${a.values.join(" / ")})` });
      }
    }
  }
  const state: TPostureState = reasons.some((r) => r.outcome === "FAIL") ? "NON_COMPLIANT" : reasons.length ? "UNKNOWN" : "COMPLIANT";
  return { state, reasons };
}

// ------------------------------------------------------------------ observed (projection)

/** The posture parts of a batch of probes into PostureObserved (the newest per asset wins); runs in the inventory job's transaction. */
export async function projectPosture(tx: Tx, items: TObservedFirmware[]): Promise<number> {
  const latest = new Map<string, TObservedFirmware>();
  for (const it of items) {
    if (it.security === undefined && it.bios === undefined) continue;
    const cur = latest.get(it.assetId);
    if (!cur || it.observedAt >= cur.observedAt) latest.set(it.assetId, it);
  }
  if (!latest.size) return 0;
  const existing = new Map((await tx.postureObserved.findMany({ where: { assetId: { in: [...latest.keys()] } }, select: { assetId: true, observedAt: true } })).map((r) => [r.assetId, r.observedAt]));
  let n = 0;
  for (const [assetId, it] of latest) {
    const before = existing.get(assetId);
    if (before && before > it.observedAt) continue; // a late delivery does not turn the posture back
    const s = it.security;
    const data = {
      observedAt: it.observedAt,
      observationId: it.observationId,
      secureBoot: s ? JSON.stringify({ state: s.secureBoot, enable: s.secureBootEnable ?? null, mode: s.secureBootMode ?? null, databases: s.secureBootDatabases ?? null }) : null,
      tpm: s?.tpm ? JSON.stringify({ present: s.tpm.present, enabled: s.tpm.enabled, version: s.tpm.version, interfaceType: s.tpm.interfaceType ?? null, firmwareVersion: s.tpm.firmwareVersion ?? null }) : null,
      bios: it.bios ? JSON.stringify(it.bios.attributes) : null,
    };
    await tx.postureObserved.upsert({ where: { assetId }, create: { assetId, ...data }, update: data });
    n++;
  }
  return n;
}

type TObservedRow = { observedAt: Date | string; secureBoot: string | null; tpm: string | null; bios: string | null };
function toObserved(r: TObservedRow): TObservedPosture {
  return { observedAt: new Date(r.observedAt), secureBoot: r.secureBoot ? JSON.parse(r.secureBoot) : null, tpm: r.tpm ? JSON.parse(r.tpm) : null, bios: r.bios ? JSON.parse(r.bios) : null };
}

// ------------------------------------------------------------------ policies

type TPolicyRow = { id: string; modelId: string; revision: number; spec: string; notes: string | null; updatedAt: Date; updatedBy: string };
function toPolicy(r: TPolicyRow, modelName: string): TPosturePolicyOut {
  const spec = JSON.parse(r.spec) as TSpec;
  return { id: r.id, modelId: r.modelId, modelName, revision: r.revision, ...spec, notes: r.notes, updatedAt: r.updatedAt, updatedBy: r.updatedBy };
}
async function names(deps: TDeps, ids: string[]) {
  return new Map((await listModelsByIds(deps, [...new Set(ids)])).map((m) => [m.id, `${m.manufacturer.name} ${m.name}`]));
}

export async function listPosturePolicies(deps: TDeps, q: { modelId?: string } = {}): Promise<TPosturePolicyOut[]> {
  const rows = await deps.db.posturePolicy.findMany({ where: { current: true, modelId: q.modelId } });
  const n = await names(deps, rows.map((r) => r.modelId));
  return rows.map((r) => toPolicy(r, n.get(r.modelId) ?? r.modelId)).sort((a, b) => a.modelName.localeCompare(b.modelName));
}

export async function posturePolicyRevisions(deps: TDeps, modelId: string): Promise<TPosturePolicyOut[]> {
  const rows = await deps.db.posturePolicy.findMany({ where: { modelId }, orderBy: { revision: "desc" } });
  const n = await names(deps, [modelId]);
  return rows.map((r) => toPolicy(r, n.get(modelId) ?? modelId));
}

/** Saves a model's posture policy as a new revision (the previous one kept); unchanged content saves nothing. Audited. */
export async function savePosturePolicy(deps: TDeps, actor: TActor, input: TPosturePolicyInput): Promise<TPosturePolicyOut> {
  const p = ZPosturePolicyInput.parse(input);
  const n = await names(deps, [p.modelId]);
  if (!n.has(p.modelId)) throw new AppError("BAD_REQUEST", "No such hardware model.", { fields: { modelId: ["Unknown model"] } });
  const spec = JSON.stringify({ secureBoot: p.secureBoot, tpm: p.tpm, tpmVersion: p.tpmVersion || null, attributes: p.attributes } satisfies TSpec);
  const notes = p.notes || null;
  const at = deps.clock.now();
  const row = await deps.db.$transaction(async (tx) => {
    const cur = await tx.posturePolicy.findFirst({ where: { modelId: p.modelId, current: true } });
    if (cur && cur.spec === spec && cur.notes === notes) return cur;
    if (cur) await tx.posturePolicy.update({ where: { id: cur.id }, data: { current: false } });
    const created = await tx.posturePolicy.create({ data: { modelId: p.modelId, revision: (cur?.revision ?? 0) + 1, spec, notes, updatedAt: at, updatedBy: actor.name, current: true } });
    await appendAudit(tx, deps.provider, actor, at, {
      action: cur ? "update" : "create",
      entity: "PosturePolicy",
      entityId: created.id,
      before: cur ? { revision: cur.revision, ...JSON.parse(cur.spec), notes: cur.notes } : undefined,
      after: { modelId: p.modelId, revision: created.revision, ...JSON.parse(spec), notes },
    });
    return created;
  });
  return toPolicy(row, n.get(p.modelId)!);
}

// ------------------------------------------------------------------ per asset, fleet, SAT gate

async function currentSpecs(db: Db | Tx, modelIds: string[]): Promise<Map<string, { revision: number; spec: TSpec }>> {
  const rows = await db.posturePolicy.findMany({ where: { current: true, modelId: { in: [...new Set(modelIds)] } }, select: { modelId: true, revision: true, spec: true } });
  return new Map(rows.map((r) => [r.modelId, { revision: r.revision, spec: JSON.parse(r.spec) as TSpec }]));
}

/** Posture of these assets (their model's current policy against their latest observation) with any active waiver. */
export async function posturesOf(db: Db | Tx, assetIds: string[]): Promise<Map<string, TAssetPosture>> {
  if (!assetIds.length) return new Map();
  const assets = await assetsForBom(db, { ids: assetIds });
  const [specs, observed, waivers] = await Promise.all([
    currentSpecs(db, assets.map((a) => a.modelId)),
    db.postureObserved.findMany({ where: { assetId: { in: assetIds } } }),
    db.postureWaiver.findMany({ where: { assetId: { in: assetIds }, revokedAt: null }, orderBy: { createdAt: "desc" } }),
  ]);
  const obs = new Map(observed.map((o) => [o.assetId, toObserved(o)]));
  const waiver = new Map<string, (typeof waivers)[number]>();
  for (const w of waivers) if (!waiver.has(w.assetId)) waiver.set(w.assetId, w);
  return new Map(
    assets.map((a) => {
      const policy = specs.get(a.modelId) ?? null;
      const o = obs.get(a.id) ?? null;
      const w = waiver.get(a.id);
      return [a.id, { assetId: a.id, ...evaluatePosture(policy?.spec ?? null, o), policyRevision: policy?.revision ?? null, observed: o, waiver: w ? { id: w.id, reason: w.reason, createdBy: w.createdBy, createdAt: w.createdAt } : null }];
    }),
  );
}

export async function assetPosture(deps: TDeps, assetId: string): Promise<TAssetPosture> {
  const p = (await posturesOf(deps.db, [assetId])).get(assetId);
  if (!p) throw new AppError("NOT_FOUND", `No asset with id ${assetId}.`);
  return p;
}

/**
 * The SAT gate (server/domains/acceptance calls it in the sign-off transaction): the assets whose model
 * has a posture policy they do not meet (NON_COMPLIANT, or UNKNOWN: not proven) and no admin waiver.
 */
export async function postureBlockers(db: Db | Tx, assetIds: string[]): Promise<{ assetId: string; state: TPostureState; reasons: string[] }[]> {
  const all = await posturesOf(db, assetIds);
  return [...all.values()].filter((p) => (p.state === "NON_COMPLIANT" || p.state === "UNKNOWN") && !p.waiver).map((p) => ({ assetId: p.assetId, state: p.state, reasons: p.reasons.map((r) => r.message) }));
}

const zeroCounts = () => Object.fromEntries(POSTURE_STATES.map((s) => [s, 0])) as Record<TPostureState, number>;

type TFleetRow = { assetId: string; serial: string; assetTag: string | null; status: string; modelId: string; siteId: string | null; observedAt: Date | string | null; secureBoot: string | null; tpm: string | null; bios: string | null; waived: number | bigint | null };

/** Posture across the fleet (assets of models with a policy, not disposed): counts per state, per model and site, and the rows (worst first). */
export async function fleetPosture(deps: TDeps, query: z.input<typeof ZPostureQuery>) {
  const q = ZPostureQuery.parse(query);
  const specs = await currentSpecs(deps.db, (await deps.db.posturePolicy.findMany({ where: { current: true, modelId: q.modelId }, select: { modelId: true } })).map((r) => r.modelId));
  const counts = zeroCounts();
  if (!specs.size) return { counts, byModel: [], bySite: [], rows: [] };
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return deps.provider === "postgresql" ? `$${params.length}` : "?";
  };
  const where = [`a."modelId" IN (${[...specs.keys()].map((m) => p(m)).join(", ")})`, `a."status" <> 'DISPOSED'`];
  if (q.siteId) where.push(`(l."siteId" = ${p(q.siteId)} OR l."id" = ${p(q.siteId)})`);
  const rows = await deps.db.$queryRawUnsafe<TFleetRow[]>(
    `SELECT a."id" AS "assetId", a."serial" AS "serial", a."assetTag" AS "assetTag", a."status" AS "status", a."modelId" AS "modelId",
        CASE WHEN l."kind" = 'SITE' THEN l."id" ELSE l."siteId" END AS "siteId",
        o."observedAt" AS "observedAt", o."secureBoot" AS "secureBoot", o."tpm" AS "tpm", o."bios" AS "bios",
        (SELECT COUNT(*) FROM "PostureWaiver" w WHERE w."assetId" = a."id" AND w."revokedAt" IS NULL) AS "waived"
      FROM "Asset" a LEFT JOIN "Location" l ON l."id" = a."locationId" LEFT JOIN "PostureObserved" o ON o."assetId" = a."id"
      WHERE ${where.join(" AND ")}`,
    ...params,
  );
  const modelNames = await names(deps, [...specs.keys()]);
  const byModel = new Map<string, Record<TPostureState, number>>();
  const bySite = new Map<string | null, Record<TPostureState, number>>();
  const out: { assetId: string; serial: string; assetTag: string | null; status: string; modelName: string; state: TPostureState; reasons: string[]; waived: boolean }[] = [];
  for (const r of rows) {
    const e = evaluatePosture(specs.get(r.modelId)!.spec, r.observedAt ? toObserved({ observedAt: r.observedAt, secureBoot: r.secureBoot, tpm: r.tpm, bios: r.bios }) : null);
    counts[e.state]++;
    (byModel.get(r.modelId) ?? byModel.set(r.modelId, zeroCounts()).get(r.modelId)!)[e.state]++;
    (bySite.get(r.siteId) ?? bySite.set(r.siteId, zeroCounts()).get(r.siteId)!)[e.state]++;
    if (!q.state || q.state === e.state) out.push({ assetId: r.assetId, serial: r.serial, assetTag: r.assetTag, status: r.status, modelName: modelNames.get(r.modelId) ?? r.modelId, state: e.state, reasons: e.reasons.map((x) => x.message), waived: Number(r.waived ?? 0) > 0 });
  }
  const order: Record<TPostureState, number> = { NON_COMPLIANT: 0, UNKNOWN: 1, NO_POLICY: 2, COMPLIANT: 3 };
  out.sort((a, b) => order[a.state] - order[b.state] || a.serial.localeCompare(b.serial));
  return {
    counts,
    byModel: [...byModel].map(([modelId, c]) => ({ modelId, modelName: modelNames.get(modelId) ?? modelId, counts: c })).sort((a, b) => a.modelName.localeCompare(b.modelName)),
    bySite: [...bySite].map(([siteId, c]) => ({ siteId, counts: c })),
    rows: out.slice(0, q.take),
  };
}

// ------------------------------------------------------------------ waivers (admin)

/** An admin lets a non-compliant asset pass SAT, with the reason (audited). One active waiver per asset. */
export async function waivePosture(deps: TDeps, actor: TActor, input: z.input<typeof ZWaiverInput>): Promise<TAssetPosture> {
  const w = ZWaiverInput.parse(input);
  const before = await assetPosture(deps, w.assetId);
  if (before.state === "COMPLIANT" || before.state === "NO_POLICY") throw new AppError("CONFLICT", `This asset's posture is ${before.state === "COMPLIANT" ? "compliant" : "not under a policy"}: there is nothing to waive.`);
  if (before.waiver) throw new AppError("CONFLICT", "This asset already has a waiver; revoke it first to give another reason.");
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const created = await tx.postureWaiver.create({ data: { assetId: w.assetId, reason: w.reason, createdBy: actor.name, createdAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "posture.waive", entity: "PostureWaiver", entityId: created.id, after: { assetId: w.assetId, reason: w.reason, state: before.state, reasons: before.reasons.map((r) => r.message), policyRevision: before.policyRevision } });
  });
  return assetPosture(deps, w.assetId);
}

export async function revokePostureWaiver(deps: TDeps, actor: TActor, input: { assetId: string }): Promise<TAssetPosture> {
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const cur = await tx.postureWaiver.findFirst({ where: { assetId: input.assetId, revokedAt: null } });
    if (!cur) throw new AppError("CONFLICT", "This asset has no active waiver; reload the page.");
    await tx.postureWaiver.update({ where: { id: cur.id }, data: { revokedAt: at, revokedBy: actor.name } });
    await appendAudit(tx, deps.provider, actor, at, { action: "posture.revoke", entity: "PostureWaiver", entityId: cur.id, before: { reason: cur.reason }, after: { revokedBy: actor.name } });
  });
  return assetPosture(deps, input.assetId);
}
