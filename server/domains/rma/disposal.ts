/**
 * Disposal batches (issue 15): a pickup manifest (SANITIZED assets, weights, seal numbers), the recycler
 * and its certification, chain-of-custody hand-offs, and the recycler's certificate of destruction or
 * recycling (a PDF, checked by its magic bytes and size, stored in the database with its SHA-256; served
 * only to CERTIFICATE_READERS). Closing a batch is the lifecycle's disposal step: every asset moves
 * SANITIZED → DISPOSED in the same transaction. A batch open too long without certificate is flagged.
 */
import { createHash } from "node:crypto";
import type { z } from "zod";
import { AppError, uniqueViolation } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { appendAudit } from "../audit/service";
import { publishEvent } from "../../live/publish";
import { assetFacts, findByCode, transitionInTx } from "../assets/service";
import { CERTIFICATE_MAX_BYTES, ZBatchCreate, ZBatchItemsInput, ZBatchListQuery, ZCertificateInput, ZHandoffInput, ZBatchId, type TBatch } from "./schema";

const DAY = 86_400_000;
/** a batch open this long without a certificate is flagged (DISPOSAL_FLAG_DAYS, default 14) */
export const flagDays = () => Number(process.env.DISPOSAL_FLAG_DAYS ?? 14) || 14;

type TBatchRow = NonNullable<Awaited<ReturnType<Tx["disposalBatch"]["findUnique"]>>>;

async function loadBatch(db: TDeps["db"] | Tx, id: string): Promise<TBatchRow> {
  const b = await db.disposalBatch.findUnique({ where: { id } });
  if (!b) throw new AppError("NOT_FOUND", `No disposal batch with id ${id}.`);
  return b;
}

function mustBeOpen(b: TBatchRow) {
  if (b.status !== "OPEN") throw new AppError("INVALID_TRANSITION", `Disposal batch ${b.number} is closed; start a new batch.`, { details: { id: b.id, status: b.status } });
}

async function touch(tx: Tx, deps: TDeps, actor: TActor, b: TBatchRow, at: Date, action: string, after: Record<string, unknown>, data: Partial<TBatchRow> = {}) {
  const res = await tx.disposalBatch.updateMany({ where: { id: b.id, version: b.version }, data: { ...data, version: { increment: 1 } } });
  if (res.count !== 1) throw new AppError("CONFLICT", `Disposal batch ${b.number} was changed at the same moment; reload and try again.`);
  await appendAudit(tx, deps.provider, actor, at, { action, entity: "DisposalBatch", entityId: b.id, before: { status: b.status, version: b.version }, after });
  await publishEvent(tx, deps.provider, at, { scope: "rma", key: b.id, data: { kind: "disposal.batch", status: (data.status as string | undefined) ?? b.status } });
}

export async function getBatch(deps: TDeps, id: string): Promise<TBatch> {
  const b = await loadBatch(deps.db, id);
  const [items, handoffs, cert] = await Promise.all([
    deps.db.disposalItem.findMany({ where: { batchId: id }, orderBy: { addedAt: "asc" } }),
    deps.db.disposalHandoff.findMany({ where: { batchId: id }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    deps.db.disposalCertificate.findUnique({ where: { batchId: id }, select: { filename: true, size: true, sha256: true, uploadedAt: true } }),
  ]);
  const facts = await assetFacts(deps.db, items.map((i) => i.assetId));
  return {
    id: b.id,
    number: b.number,
    recycler: b.recycler,
    certification: b.certification,
    status: b.status as TBatch["status"],
    createdAt: b.createdAt,
    closedAt: b.closedAt,
    flaggedAt: b.flaggedAt,
    overdue: b.status === "OPEN" && !cert && deps.clock.now().getTime() - b.createdAt.getTime() > flagDays() * DAY,
    items: items.map((i) => {
      const f = facts.get(i.assetId);
      return { assetId: i.assetId, serial: f?.serial ?? "?", assetTag: f?.assetTag ?? null, status: f?.status ?? "?", modelName: f?.modelName ?? "?", weightKg: i.weightKg, sealNumber: i.sealNumber };
    }),
    handoffs: handoffs.map((h) => ({ id: h.id, at: h.at, fromParty: h.fromParty, toParty: h.toParty, signature: h.signature, note: h.note })),
    certificate: cert,
    totalWeightKg: Math.round(items.reduce((s, i) => s + (i.weightKg ?? 0), 0) * 100) / 100,
  };
}

export async function listBatches(deps: TDeps, input: z.input<typeof ZBatchListQuery> = {}) {
  const q = ZBatchListQuery.parse(input);
  const rows = await deps.db.disposalBatch.findMany({ where: { status: q.status }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 });
  const ids = rows.map((r) => r.id);
  const [counts, certs] = await Promise.all([
    deps.db.disposalItem.groupBy({ by: ["batchId"], where: { batchId: { in: ids } }, _count: { _all: true } }),
    deps.db.disposalCertificate.findMany({ where: { batchId: { in: ids } }, select: { batchId: true, filename: true, size: true, sha256: true, uploadedAt: true } }),
  ]);
  const now = deps.clock.now().getTime();
  return {
    items: rows.map((b) => {
      const cert = certs.find((c) => c.batchId === b.id);
      return {
        id: b.id,
        number: b.number,
        recycler: b.recycler,
        certification: b.certification,
        status: b.status as TBatch["status"],
        createdAt: b.createdAt,
        closedAt: b.closedAt,
        flaggedAt: b.flaggedAt,
        overdue: b.status === "OPEN" && !cert && now - b.createdAt.getTime() > flagDays() * DAY,
        certificate: cert ? { filename: cert.filename, size: cert.size, sha256: cert.sha256, uploadedAt: cert.uploadedAt } : null,
        totalWeightKg: 0,
        assetCount: counts.find((c) => c.batchId === b.id)?._count._all ?? 0,
      };
    }),
  };
}

export async function createBatch(deps: TDeps, actor: TActor, input: z.input<typeof ZBatchCreate>): Promise<TBatch> {
  const data = ZBatchCreate.parse(input);
  for (let attempt = 0; ; attempt++) {
    try {
      const id = await deps.db.$transaction(async (tx) => {
        const at = deps.clock.now();
        const last = await tx.disposalBatch.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
        const number = `DSP-${String(last ? Number(last.number.slice(4)) + 1 : 1).padStart(6, "0")}`;
        const b = await tx.disposalBatch.create({ data: { number, ...data, status: "OPEN", createdAt: at, createdBy: actor.name } });
        await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "DisposalBatch", entityId: b.id, after: { number, ...data } });
        await publishEvent(tx, deps.provider, at, { scope: "rma", key: b.id, data: { kind: "disposal.batch", status: "OPEN" } });
        return b.id;
      });
      return getBatch(deps, id);
    } catch (e) {
      if (uniqueViolation(e) && attempt < 3) continue;
      throw e;
    }
  }
}

/** Adds SANITIZED assets to the manifest (by serial, tag or id), with their weight and seal number; all or none. */
export async function addBatchAssets(deps: TDeps, actor: TActor, input: z.input<typeof ZBatchItemsInput>): Promise<TBatch> {
  const { id, items } = ZBatchItemsInput.parse(input);
  const b = await loadBatch(deps.db, id);
  mustBeOpen(b);
  const problems: string[] = [];
  const resolved: { assetId: string; weightKg: number | null; sealNumber: string | null }[] = [];
  const codeOf = new Map<string, string>();
  for (const it of items) {
    const byId = (await assetFacts(deps.db, [it.code])).get(it.code);
    const found = byId ? [{ id: byId.id, status: byId.status, serial: byId.serial }] : (await findByCode(deps, it.code)).map((a) => ({ id: a.id, status: a.status, serial: a.serial }));
    if (found.length !== 1) problems.push(found.length ? `${it.code} matches ${found.length} assets; use the asset tag` : `${it.code} is not a known asset`);
    else if (found[0]!.status !== "SANITIZED") problems.push(`${it.code} is ${found[0]!.status}; only sanitised assets go into a disposal batch`);
    else if (resolved.some((r) => r.assetId === found[0]!.id)) problems.push(`${it.code} is listed twice`);
    else {
      resolved.push({ assetId: found[0]!.id, weightKg: it.weightKg ?? null, sealNumber: it.sealNumber || null });
      codeOf.set(found[0]!.id, it.code);
    }
  }
  const elsewhere = await deps.db.disposalItem.findMany({ where: { assetId: { in: resolved.map((r) => r.assetId) } }, select: { assetId: true, batchId: true } });
  for (const e of elsewhere) problems.push(`${codeOf.get(e.assetId)} is already on ${e.batchId === id ? "this" : "another"} batch`);
  if (problems.length) throw new AppError("BAD_REQUEST", `Nothing was added: ${problems.join("; ")}.`, { fields: { items: problems }, details: { problems } });
  await deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    await tx.disposalItem.createMany({ data: resolved.map((r) => ({ batchId: id, ...r, addedAt: at })) });
    await touch(tx, deps, actor, b, at, "disposal.add", { assets: resolved });
  });
  return getBatch(deps, id);
}

export async function addHandoff(deps: TDeps, actor: TActor, input: z.input<typeof ZHandoffInput>): Promise<TBatch> {
  const { id, ...h } = ZHandoffInput.parse(input);
  const b = await loadBatch(deps.db, id);
  mustBeOpen(b);
  await deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const row = await tx.disposalHandoff.create({ data: { batchId: id, at: h.at ?? at, fromParty: h.fromParty, toParty: h.toParty, signature: h.signature, note: h.note || null, by: actor.name } });
    await touch(tx, deps, actor, b, at, "disposal.handoff", { handoffId: row.id, ...h, at: (h.at ?? at).toISOString() });
  });
  return getBatch(deps, id);
}

/** A file name as given, reduced to its last path part and safe characters (no directories, no control characters). */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[^A-Za-z0-9._ -]+/g, "_").replace(/^[.\s]+/, "").slice(0, 120).trim();
  return clean || "certificate.pdf";
}

/** Checks a certificate upload: a PDF (magic bytes %PDF-), not empty, at most CERTIFICATE_MAX_BYTES. */
export function checkPdf(bytes: Buffer): void {
  if (bytes.length === 0) throw new AppError("BAD_REQUEST", "The file is empty; upload the recycler's certificate as a PDF.", { fields: { contentBase64: ["Empty file"] } });
  if (bytes.length > CERTIFICATE_MAX_BYTES) throw new AppError("BAD_REQUEST", `The file is ${(bytes.length / 1048576).toFixed(1)} MB; a certificate may be at most ${CERTIFICATE_MAX_BYTES / 1048576} MB.`, { fields: { contentBase64: ["Too large"] } });
  if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") throw new AppError("BAD_REQUEST", "That file is not a PDF (it does not start with %PDF-); upload the certificate as a PDF.", { fields: { contentBase64: ["Not a PDF"] } });
}

export async function attachCertificate(deps: TDeps, actor: TActor, input: z.input<typeof ZCertificateInput>): Promise<TBatch> {
  const { id, filename, contentBase64 } = ZCertificateInput.parse(input);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(contentBase64.replace(/\s+/g, ""))) throw new AppError("BAD_REQUEST", "The file content must be base64.", { fields: { contentBase64: ["Not base64"] } });
  const bytes = Buffer.from(contentBase64, "base64");
  checkPdf(bytes);
  const b = await loadBatch(deps.db, id);
  mustBeOpen(b);
  const name = safeFilename(filename);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  await deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const row = { filename: name.toLowerCase().endsWith(".pdf") ? name : `${name}.pdf`, size: bytes.length, sha256, content: new Uint8Array(bytes), uploadedAt: at, uploadedBy: actor.name };
    await tx.disposalCertificate.upsert({ where: { batchId: id }, create: { batchId: id, ...row }, update: row });
    await touch(tx, deps, actor, b, at, "disposal.certificate", { filename: row.filename, size: row.size, sha256 });
  });
  return getBatch(deps, id);
}

export async function certificateFile(deps: TDeps, id: string): Promise<{ filename: string; contentType: string; base64: string }> {
  const c = await deps.db.disposalCertificate.findUnique({ where: { batchId: id } });
  if (!c) throw new AppError("NOT_FOUND", "This batch has no certificate yet.");
  return { filename: c.filename, contentType: "application/pdf", base64: Buffer.from(c.content).toString("base64") };
}

/** Closes a batch: manifest, hand-off and certificate present; every asset SANITIZED → DISPOSED (the lifecycle's disposal step), all or none. */
export async function closeBatch(deps: TDeps, actor: TActor, input: z.input<typeof ZBatchId>): Promise<TBatch> {
  const { id } = ZBatchId.parse(input);
  await deps.db.$transaction(async (tx) => {
    const b = await loadBatch(tx, id);
    mustBeOpen(b);
    const [items, handoffs, cert] = await Promise.all([tx.disposalItem.findMany({ where: { batchId: id }, select: { assetId: true } }), tx.disposalHandoff.count({ where: { batchId: id } }), tx.disposalCertificate.count({ where: { batchId: id } })]);
    const missing = [items.length ? null : "assets on the manifest", handoffs ? null : "a chain-of-custody hand-off", cert ? null : "the recycler's certificate (PDF)"].filter(Boolean);
    if (missing.length) throw new AppError("BAD_REQUEST", `Disposal batch ${b.number} cannot close yet: it needs ${missing.join(", ")}. Nothing was changed.`, { details: { missing } });
    const at = deps.clock.now();
    for (const it of items) await transitionInTx(tx, deps.provider, deps.clock, actor, { assetId: it.assetId, to: "DISPOSED", reason: `disposal batch ${b.number} (${b.recycler})` }, { step: "disposal" });
    await touch(tx, deps, actor, b, at, "disposal.close", { assets: items.length }, { status: "CLOSED", closedAt: at });
  });
  return getBatch(deps, id);
}

/** Flags open batches without certificate older than flagDays() (once each, audited). */
export async function flagOverdueBatches(deps: TDeps): Promise<number> {
  const now = deps.clock.now();
  const old = await deps.db.disposalBatch.findMany({ where: { status: "OPEN", flaggedAt: null, createdAt: { lt: new Date(now.getTime() - flagDays() * DAY) } }, take: 500 });
  const certs = new Set((await deps.db.disposalCertificate.findMany({ where: { batchId: { in: old.map((b) => b.id) } }, select: { batchId: true } })).map((c) => c.batchId));
  const flag = old.filter((b) => !certs.has(b.id));
  const system: TActor = { type: "system", id: "system", name: "IronLedger", role: "admin" };
  for (const b of flag) await deps.db.$transaction((tx) => touch(tx, deps, system, b, now, "disposal.flag", { reason: `open ${flagDays()} days without certificate` }, { flaggedAt: now }));
  return flag.length;
}

