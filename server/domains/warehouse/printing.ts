/**
 * Label documents for assets and locations, label printers, and printing: a print request becomes a
 * LabelPrintJob row and a durable job (labels.print) in one transaction; the worker renders the
 * document and sends it to the printer's raw port (9100) over one TCP connection per job. Jobs of one
 * printer go out in the order they were queued: a job waits (retries shortly) while an older job of
 * its printer is still queued.
 */
import net from "node:net";
import { z } from "zod";
import type { TActor, TDeps } from "../../context";
import { AppError, uniqueViolation } from "../../errors";
import { defineJob, enqueue, PermanentJobError } from "../../jobs/queue";
import { appendAudit } from "../audit/service";
import { locationKey, renderPdf, renderZpl, type TLabel, type TLabelFormat, type TStock } from "./labels";
import { ZLabelBatch, ZPrinterInput, ZPrinterUpdate, ZPrintInput } from "./schema";

/** The labels for the given assets and locations, in the order given (assets first). */
export async function loadLabels(deps: TDeps, ids: { assetIds?: string[]; locationIds?: string[] }): Promise<TLabel[]> {
  const assetIds = [...new Set(ids.assetIds ?? [])];
  const locationIds = [...new Set(ids.locationIds ?? [])];
  const assets = assetIds.length ? await deps.db.asset.findMany({ where: { id: { in: assetIds } }, select: { id: true, serial: true, assetTag: true, model: { select: { name: true, manufacturer: { select: { name: true } } } }, location: { select: { id: true, siteId: true, path: true } } } }) : [];
  const locs = locationIds.length ? await deps.db.location.findMany({ where: { id: { in: locationIds } }, select: { id: true, path: true, name: true, kind: true } }) : [];
  const missingA = assetIds.filter((id) => !assets.some((a) => a.id === id));
  const missingL = locationIds.filter((id) => !locs.some((l) => l.id === id));
  if (missingA.length || missingL.length) {
    throw new AppError("NOT_FOUND", `Nothing printed: ${[...missingA.map((x) => `no asset ${x}`), ...missingL.map((x) => `no location ${x}`)].slice(0, 10).join(", ")}.`, { fields: { ...(missingA.length ? { assetIds: missingA.map((x) => `Unknown asset ${x}`) } : {}), ...(missingL.length ? { locationIds: missingL.map((x) => `Unknown location ${x}`) } : {}) } });
  }
  const siteIds = [...new Set(assets.map((a) => a.location?.siteId ?? a.location?.id).filter((x): x is string => !!x))];
  const sites = new Map((siteIds.length ? await deps.db.location.findMany({ where: { id: { in: siteIds } }, select: { id: true, code: true } }) : []).map((s) => [s.id, s.code]));
  const byA = new Map(assets.map((a) => [a.id, a]));
  const byL = new Map(locs.map((l) => [l.id, l]));
  return [
    ...assetIds.map((id): TLabel => {
      const a = byA.get(id)!;
      const site = a.location ? (sites.get(a.location.siteId ?? a.location.id) ?? null) : null;
      return { kind: "asset", tag: a.assetTag, serial: a.serial, model: `${a.model.manufacturer.name} ${a.model.name}`, site };
    }),
    ...locationIds.map((id): TLabel => {
      const l = byL.get(id)!;
      return { kind: "location", key: locationKey(l.path), path: l.path, name: l.name, locationKind: l.kind };
    }),
  ];
}

export async function renderLabels(labels: TLabel[], format: TLabelFormat, stock: TStock): Promise<Buffer> {
  return format === "zpl" ? Buffer.from(renderZpl(labels, stock), "utf8") : renderPdf(labels, stock);
}

export function labelFile(name: string, format: TLabelFormat, body: Buffer, labels: number) {
  return { filename: `${name}.${format}`, contentType: format === "pdf" ? "application/pdf" : "application/zpl; charset=utf-8", base64: body.toString("base64"), labels };
}

/** One asset's label (GET /assets/{id}/label). */
export async function assetLabel(deps: TDeps, assetId: string, format: TLabelFormat, stock: TStock) {
  const labels = await loadLabels(deps, { assetIds: [assetId] });
  return { labels, body: await renderLabels(labels, format, stock) };
}

export async function labelBatch(deps: TDeps, input: z.input<typeof ZLabelBatch>) {
  const b = ZLabelBatch.parse(input);
  const labels = await loadLabels(deps, b);
  return { labels, body: await renderLabels(labels, b.format, b.stock), format: b.format };
}

// ---------------------------------------------------------------- printers

const printerSelect = { id: true, name: true, host: true, port: true, language: true, siteId: true } as const;

export function listPrinters(deps: TDeps) {
  return deps.db.labelPrinter.findMany({ orderBy: { name: "asc" }, select: printerSelect });
}

export async function savePrinter(deps: TDeps, actor: TActor, input: z.input<typeof ZPrinterInput> | z.input<typeof ZPrinterUpdate>) {
  const isUpdate = "id" in input && !!input.id;
  const data = isUpdate ? ZPrinterUpdate.parse(input) : ZPrinterInput.parse(input);
  if (data.siteId) {
    const s = await deps.db.location.findUnique({ where: { id: data.siteId }, select: { kind: true } });
    if (s?.kind !== "SITE") throw new AppError("BAD_REQUEST", "Choose the printer's site.", { fields: { siteId: ["Choose a site"] } });
  }
  try {
    return await deps.db.$transaction(async (tx) => {
      const at = deps.clock.now();
      if ("id" in data && data.id) {
        const before = await tx.labelPrinter.findUnique({ where: { id: data.id }, select: printerSelect });
        if (!before) throw new AppError("NOT_FOUND", `No printer with id ${data.id}.`);
        const { id, ...rest } = data;
        const row = await tx.labelPrinter.update({ where: { id }, data: rest, select: printerSelect });
        await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "LabelPrinter", entityId: id, before, after: row });
        return row;
      }
      const d = data as z.output<typeof ZPrinterInput>;
      const row = await tx.labelPrinter.create({ data: { name: d.name, host: d.host, port: d.port, language: d.language, siteId: d.siteId ?? null }, select: printerSelect });
      await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "LabelPrinter", entityId: row.id, after: row });
      return row;
    });
  } catch (e) {
    if (uniqueViolation(e)) throw new AppError("DUPLICATE", `A printer named ${data.name} exists already.`, { fields: { name: ["Already in use"] } });
    throw e;
  }
}

// ---------------------------------------------------------------- printing

const jobSelect = { id: true, printerId: true, format: true, stock: true, labels: true, status: true, bytes: true, error: true, createdAt: true, sentAt: true } as const;

/** Queues labels for a printer (rendered when the worker sends them); checks everything first. */
export async function printLabels(deps: TDeps, actor: TActor, input: z.input<typeof ZPrintInput>) {
  const p = ZPrintInput.parse(input);
  const printer = await deps.db.labelPrinter.findUnique({ where: { id: p.printerId }, select: printerSelect });
  if (!printer) throw new AppError("NOT_FOUND", `No printer with id ${p.printerId}.`, { fields: { printerId: ["Unknown printer"] } });
  const format = printer.language as TLabelFormat;
  const labels = await loadLabels(deps, p);
  if (!labels.length) throw new AppError("BAD_REQUEST", "Nothing to print: choose at least one asset or location.");
  if (format === "zpl" && p.stock === "a4") throw new AppError("BAD_REQUEST", `${printer.name} prints ZPL: choose the 2x1 or 4x6 stock.`, { fields: { stock: ["Choose 2x1 or 4x6"] } });
  return deps.db.$transaction(async (tx) => {
    const at = deps.clock.now();
    const job = await tx.labelPrintJob.create({ data: { printerId: printer.id, format, stock: p.stock, items: JSON.stringify({ assetIds: p.assetIds ?? [], locationIds: p.locationIds ?? [] }), labels: labels.length, status: "QUEUED", createdBy: actor.id, createdAt: at }, select: jobSelect });
    await enqueue(tx, printJob, { printJobId: job.id }, { now: at });
    await appendAudit(tx, deps.provider, actor, at, { action: "print", entity: "LabelPrintJob", entityId: job.id, after: { printerId: printer.id, labels: labels.length, stock: p.stock, format } });
    return job;
  });
}

export function listPrintJobs(deps: TDeps, printerId?: string) {
  return deps.db.labelPrintJob.findMany({ where: { printerId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 100, select: jobSelect });
}

/** Sends bytes to a raw printer port: connect, write, half-close, wait for the printer to close. */
export function sendRaw(host: string, port: number, body: Buffer, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => sock.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs / 1000} s`)), timeoutMs);
    sock.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.once("connect", () => sock.end(body));
    sock.once("close", (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve();
    });
    sock.resume(); // some printers answer status bytes: read and drop them
  });
}

const MAX_ATTEMPTS = 12;

export const printJob = defineJob({
  name: "labels.print",
  version: 1,
  payload: z.object({ printJobId: z.string().min(1) }),
  maxAttempts: MAX_ATTEMPTS,
  backoff: { baseMs: 500, maxMs: 30_000 },
  handler: async (deps, { printJobId }, ctx) => {
    const job = await deps.db.labelPrintJob.findUnique({ where: { id: printJobId }, select: { ...jobSelect, items: true } });
    if (!job) return "print job gone";
    if (job.status !== "QUEUED") return `already ${job.status.toLowerCase()}`;
    const earlier = await deps.db.labelPrintJob.findFirst({ where: { printerId: job.printerId, status: "QUEUED", OR: [{ createdAt: { lt: job.createdAt } }, { createdAt: job.createdAt, id: { lt: job.id } }] }, select: { id: true } });
    const fail = async (message: string) => {
      await deps.db.labelPrintJob.updateMany({ where: { id: job.id, status: "QUEUED" }, data: { status: "FAILED", error: message } });
      throw new PermanentJobError(message);
    };
    if (earlier) {
      if (ctx.attempt >= MAX_ATTEMPTS) await fail(`gave up waiting for the earlier print job ${earlier.id}`);
      throw new Error(`waiting for the earlier print job ${earlier.id} on this printer`);
    }
    const printer = await deps.db.labelPrinter.findUnique({ where: { id: job.printerId }, select: printerSelect });
    if (!printer) return fail("the printer was removed");
    const items = JSON.parse(job.items) as { assetIds: string[]; locationIds: string[] };
    const body = await renderLabels(await loadLabels(deps, items), job.format as TLabelFormat, job.stock as TStock);
    try {
      await sendRaw(printer.host, printer.port, body);
    } catch (e) {
      const message = `${printer.name} (${printer.host}:${printer.port}): ${(e as Error).message}`;
      if (ctx.attempt >= MAX_ATTEMPTS) await fail(message);
      await deps.db.labelPrintJob.update({ where: { id: job.id }, data: { error: message } });
      throw new Error(message);
    }
    await deps.db.labelPrintJob.updateMany({ where: { id: job.id, status: "QUEUED" }, data: { status: "SENT", bytes: body.length, sentAt: deps.clock.now(), error: null } });
    return `${job.labels} label(s), ${body.length} bytes to ${printer.name}`;
  },
});
