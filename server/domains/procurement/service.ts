/**
 * Procurement: vendors' contacts and SLA terms, models with power and list prices, Setup (TCO
 * defaults), RFQs, quote rounds (by hand, API or CSV) and the TCO comparison. Awards and purchase
 * orders are in ./orders.ts, KPIs in ./kpi.ts. Vendors and hardware models themselves belong to
 * the catalogue domain; this domain adds to them in the catalogue's transaction.
 */
import { z } from "zod";
import { parse as parseCsv } from "csv-parse/sync";
import { AppError } from "../../errors";
import type { TActor, TDeps } from "../../context";
import type { Tx } from "../../db/client";
import { hotDb, type THotQuery } from "../../db/hot";
import { appendAudit } from "../audit/service";
import { createModel, createVendor, getModel, getVendor, listModels, listModelsByIds, listVendors, updateVendorInTx } from "../catalog/service";
import { getLocation } from "../locations/service";
import {
  DEFAULT_SETTINGS,
  ZModelInput,
  ZQuoteInput,
  ZPricedQuoteLine,
  ZContactAdd,
  ZContactRemove,
  ZListPriceSet,
  ZRfqInput,
  ZRfqParamsUpdate,
  ZSettingsInput,
  ZVendorInput,
  ZVendorUpdate,
  type TModelInput,
  type TQuoteInput,
  type TQuoteLineInput,
  type TRfqInput,
  type TRfqOut,
  type TSettings,
  type TTcoOut,
  type TTcoParams,
  type TListPriceSet,
  type TRfqParamsUpdate,
  type TVendorInput,
  type TVendorOut,
  type TVendorUpdate,
} from "./schema";
import { computeTco, type TTcoQuoteIn } from "./tco";
import { onTimeRates } from "./kpi";

// ------------------------------------------------------------------ vendors

export async function createVendorWithTerms(deps: TDeps, actor: TActor, input: TVendorInput): Promise<TVendorOut> {
  const { contacts, ...vendor } = ZVendorInput.parse(input);
  const row = await createVendor(deps, actor, vendor, async (tx, v) => {
    if (contacts.length) await tx.vendorContact.createMany({ data: contacts.map((c) => ({ vendorId: v.id, name: c.name, email: c.email ?? null, phone: c.phone ?? null, role: c.role ?? null })) });
  });
  return (await listVendorsWithTerms(deps)).find((v) => v.id === row.id)!;
}

export async function listVendorsWithTerms(deps: TDeps): Promise<TVendorOut[]> {
  const [vendors, contacts] = await Promise.all([listVendors(deps), deps.db.vendorContact.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] })]);
  const byVendor = new Map<string, TVendorOut["contacts"]>();
  for (const c of contacts) (byVendor.get(c.vendorId) ?? byVendor.set(c.vendorId, []).get(c.vendorId)!).push({ id: c.id, name: c.name, email: c.email, phone: c.phone, role: c.role });
  return vendors.map((v) => ({ ...v, contacts: byVendor.get(v.id) ?? [] }));
}

async function vendorWithTerms(deps: TDeps, id: string): Promise<TVendorOut> {
  const v = (await listVendorsWithTerms(deps)).find((x) => x.id === id);
  if (!v) throw new AppError("NOT_FOUND", `No vendor with id ${id}.`);
  return v;
}

/** Changes a vendor's SLA terms or e-mail; the scorecard and late-PO flags use the new committed lead time from now on. */
export async function updateVendorTerms(deps: TDeps, actor: TActor, input: TVendorUpdate): Promise<TVendorOut> {
  const { id, ...patch } = ZVendorUpdate.parse(input);
  const before = await vendorWithTerms(deps, id);
  const data = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (!Object.keys(data).length) return before;
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await updateVendorInTx(tx, id, data);
    await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "Vendor", entityId: id, before: Object.fromEntries(Object.keys(data).map((k) => [k, before[k as keyof TVendorOut]])), after: data });
  });
  return vendorWithTerms(deps, id);
}

export async function addVendorContact(deps: TDeps, actor: TActor, input: z.input<typeof ZContactAdd>): Promise<TVendorOut> {
  const c = ZContactAdd.parse(input);
  await vendorWithTerms(deps, c.vendorId);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const row = await tx.vendorContact.create({ data: { vendorId: c.vendorId, name: c.name, email: c.email ?? null, phone: c.phone ?? null, role: c.role ?? null } });
    await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "VendorContact", entityId: row.id, after: { vendorId: c.vendorId, name: c.name, email: c.email ?? null, phone: c.phone ?? null, role: c.role ?? null } });
  });
  return vendorWithTerms(deps, c.vendorId);
}

export async function removeVendorContact(deps: TDeps, actor: TActor, input: z.input<typeof ZContactRemove>): Promise<TVendorOut> {
  const { vendorId, contactId } = ZContactRemove.parse(input);
  const row = await deps.db.vendorContact.findUnique({ where: { id: contactId } });
  if (!row || row.vendorId !== vendorId) throw new AppError("NOT_FOUND", "That contact is not one of this vendor's (removed already?).");
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await tx.vendorContact.delete({ where: { id: contactId } });
    await appendAudit(tx, deps.provider, actor, at, { action: "delete", entity: "VendorContact", entityId: contactId, before: { vendorId, name: row.name, email: row.email, phone: row.phone, role: row.role } });
  });
  return vendorWithTerms(deps, vendorId);
}

async function vendorMap(deps: TDeps) {
  return new Map((await listVendors(deps)).map((v) => [v.id, v]));
}

// ------------------------------------------------------------------ models with power and list prices

export async function createModelWithPrices(deps: TDeps, actor: TActor, input: TModelInput) {
  const m = ZModelInput.parse(input);
  const vendors = await vendorMap(deps);
  m.prices.forEach((p, i) => {
    if (!vendors.has(p.vendorId)) throw new AppError("BAD_REQUEST", "A list price names a vendor that does not exist.", { fields: { [`prices.${i}.vendorId`]: ["Unknown vendor"] } });
  });
  const at = deps.clock.now();
  const row = await createModel(deps, actor, { manufacturerId: m.manufacturerId, name: m.name, kind: m.kind, partNumber: m.partNumber, heightU: m.uHeight, nominalPowerW: m.nominalWatts, typicalPowerW: m.typicalWatts }, async (tx, model) => {
    if (m.prices.length) await tx.vendorModelPrice.createMany({ data: m.prices.map((p) => ({ vendorId: p.vendorId, modelId: model.id, currency: p.currency, listPrice: p.listPrice, updatedAt: at })) });
  });
  return (await listModelsWithPrices(deps)).find((x) => x.id === row.id)!;
}

export async function listModelsWithPrices(deps: TDeps) {
  const [models, prices] = await Promise.all([listModels(deps), deps.db.vendorModelPrice.findMany({ orderBy: [{ vendorId: "asc" }, { currency: "asc" }] })]);
  const byModel = new Map<string, { vendorId: string; currency: string; listPrice: number }[]>();
  for (const p of prices) (byModel.get(p.modelId) ?? byModel.set(p.modelId, []).get(p.modelId)!).push({ vendorId: p.vendorId, currency: p.currency, listPrice: p.listPrice });
  return models.map((m) => ({ id: m.id, name: m.name, kind: m.kind, partNumber: m.partNumber, manufacturerId: m.manufacturerId, uHeight: m.heightU, typicalWatts: m.typicalPowerW, nominalWatts: m.nominalPowerW, prices: byModel.get(m.id) ?? [] }));
}

/** Sets (or with null removes) a vendor's list price for a model in one currency. */
export async function setListPrice(deps: TDeps, actor: TActor, input: TListPriceSet) {
  const p = ZListPriceSet.parse(input);
  const [vendor, model] = await Promise.all([getVendor(deps, p.vendorId).catch(() => null), getModel(deps, p.modelId).catch(() => null)]);
  if (!vendor) throw new AppError("BAD_REQUEST", "No such vendor.", { fields: { vendorId: ["Unknown vendor"] } });
  if (!model) throw new AppError("BAD_REQUEST", "No such hardware model.", { fields: { modelId: ["Unknown model"] } });
  const key = { vendorId: p.vendorId, modelId: p.modelId, currency: p.currency };
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const before = await tx.vendorModelPrice.findUnique({ where: { vendorId_modelId_currency: key } });
    if (p.listPrice === null) {
      if (!before) throw new AppError("NOT_FOUND", `This vendor has no ${p.currency} list price for that model.`);
      await tx.vendorModelPrice.delete({ where: { id: before.id } });
      await appendAudit(tx, deps.provider, actor, at, { action: "delete", entity: "VendorModelPrice", entityId: before.id, before: { ...key, listPrice: before.listPrice } });
      return;
    }
    const row = await tx.vendorModelPrice.upsert({ where: { vendorId_modelId_currency: key }, create: { ...key, listPrice: p.listPrice, updatedAt: at }, update: { listPrice: p.listPrice, updatedAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: before ? "update" : "create", entity: "VendorModelPrice", entityId: row.id, before: before ? { ...key, listPrice: before.listPrice } : undefined, after: { ...key, listPrice: p.listPrice } });
  });
  return (await listModelsWithPrices(deps)).find((m) => m.id === p.modelId)!;
}

// ------------------------------------------------------------------ Setup

const SETTINGS_ID = "default";

export async function getSettings(deps: Pick<TDeps, "db">): Promise<TSettings> {
  const row = await deps.db.procurementSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (!row) return { ...DEFAULT_SETTINGS };
  const { id: _id, updatedAt: _u, ...s } = row;
  return s;
}

export async function updateSettings(deps: TDeps, actor: TActor, input: z.input<typeof ZSettingsInput>): Promise<TSettings> {
  const s = ZSettingsInput.parse(input);
  const before = await getSettings(deps);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    await tx.procurementSettings.upsert({ where: { id: SETTINGS_ID }, create: { id: SETTINGS_ID, ...s, updatedAt: at }, update: { ...s, updatedAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "ProcurementSettings", entityId: SETTINGS_ID, before, after: s });
  });
  return s;
}

// ------------------------------------------------------------------ RFQs

async function nextNumber(count: number, prefix: string) {
  return `${prefix}-${String(count + 1).padStart(6, "0")}`;
}

export async function checkSite(deps: TDeps, siteId: string | undefined | null) {
  if (!siteId) return;
  const loc = await getLocation(deps, siteId).catch(() => null);
  if (!loc || loc.kind !== "SITE") throw new AppError("BAD_REQUEST", "The destination must be a site.", { fields: { siteId: ["Choose a site"] } });
}

export async function createRfq(deps: TDeps, actor: TActor, input: TRfqInput): Promise<TRfqOut> {
  const r = ZRfqInput.parse(input);
  await checkSite(deps, r.siteId);
  const models = new Map((await listModels(deps)).map((m) => [m.id, m]));
  r.lines.forEach((l, i) => {
    if (l.modelId && !models.has(l.modelId)) throw new AppError("BAD_REQUEST", `Line ${i + 1} names a hardware model that does not exist.`, { fields: { [`lines.${i}.modelId`]: ["Unknown model"] } });
  });
  const vendors = await vendorMap(deps);
  const vendorIds = [...new Set(r.vendorIds)];
  vendorIds.forEach((v, i) => {
    if (!vendors.has(v)) throw new AppError("BAD_REQUEST", "An invited vendor does not exist.", { fields: { [`vendorIds.${i}`]: ["Unknown vendor"] } });
  });
  const at = deps.clock.now();
  const id = await deps.db.$transaction(async (tx) => {
    const number = await nextNumber(await tx.rfq.count(), "RFQ");
    const row = await tx.rfq.create({
      data: {
        number,
        title: r.title,
        currency: r.currency,
        horizonYears: r.horizonYears,
        needBy: r.needBy ?? null,
        siteId: r.siteId ?? null,
        status: "OPEN",
        ...r.params,
        createdById: actor.id,
        createdAt: at,
        updatedAt: at,
        lines: { create: r.lines.map((l, i) => ({ lineNo: i + 1, modelId: l.modelId ?? null, spec: l.spec ?? null, quantity: l.quantity, budgetUnitPrice: l.budgetUnitPrice ?? null })) },
        vendors: { create: vendorIds.map((v) => ({ vendorId: v, invitedAt: at })) },
      },
      select: { id: true },
    });
    await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Rfq", entityId: row.id, after: { number, ...r } });
    return row.id;
  });
  return getRfq(deps, id);
}

export async function inviteVendors(deps: TDeps, actor: TActor, input: { id: string; vendorIds: string[] }): Promise<TRfqOut> {
  const rfq = await openRfq(deps, input.id);
  const vendors = await vendorMap(deps);
  for (const v of input.vendorIds) if (!vendors.has(v)) throw new AppError("BAD_REQUEST", "An invited vendor does not exist.", { fields: { vendorIds: ["Unknown vendor"] } });
  const at = deps.clock.now();
  const have = new Set((await deps.db.rfqVendor.findMany({ where: { rfqId: rfq.id }, select: { vendorId: true } })).map((x) => x.vendorId));
  const add = [...new Set(input.vendorIds)].filter((v) => !have.has(v));
  await deps.db.$transaction(async (tx) => {
    if (add.length) await tx.rfqVendor.createMany({ data: add.map((v) => ({ rfqId: rfq.id, vendorId: v, invitedAt: at })) });
    await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "Rfq", entityId: rfq.id, after: { invited: add } });
  });
  return getRfq(deps, rfq.id);
}

/** An open RFQ's TCO parameters: override Setup's defaults, or (null) go back to them; audited. */
export async function updateRfqParams(deps: TDeps, actor: TActor, input: TRfqParamsUpdate): Promise<TRfqOut> {
  const { id, params } = ZRfqParamsUpdate.parse(input);
  const rfq = await openRfq(deps, id);
  const data = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  if (Object.keys(data).length) {
    const before = await deps.db.rfq.findUniqueOrThrow({ where: { id }, select: Object.fromEntries(Object.keys(data).map((k) => [k, true])) });
    const at = deps.clock.now();
    await deps.db.$transaction(async (tx) => {
      await tx.rfq.update({ where: { id }, data: { ...data, updatedAt: at } });
      await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "Rfq", entityId: rfq.id, before, after: data });
    });
  }
  return getRfq(deps, id);
}

async function openRfq(deps: Pick<TDeps, "db">, id: string) {
  const rfq = await deps.db.rfq.findUnique({ where: { id }, select: { id: true, number: true, status: true, currency: true } });
  if (!rfq) throw new AppError("NOT_FOUND", `No RFQ with id ${id}.`);
  if (rfq.status !== "OPEN") throw new AppError("CONFLICT", `${rfq.number} is ${rfq.status.toLowerCase()}; it takes no more quotes or changes.`);
  return rfq;
}

const PARAM_KEYS = ["pue", "tariffPerKwh", "afr", "costPerFailure", "costPerUMonth", "discountRate"] as const;

export async function getRfq(deps: TDeps, id: string): Promise<TRfqOut> {
  const r = await deps.db.rfq.findUnique({
    where: { id },
    include: { lines: { orderBy: { lineNo: "asc" } }, vendors: true, quotes: { include: { lines: true }, orderBy: [{ round: "asc" }, { submittedAt: "asc" }] } },
  });
  if (!r) throw new AppError("NOT_FOUND", `No RFQ with id ${id}.`);
  const [vendors, models] = await Promise.all([vendorMap(deps), listModels(deps)]);
  const modelName = new Map(models.map((m) => [m.id, `${m.manufacturer.name} ${m.name}`]));
  const params: Partial<TTcoParams> = {};
  for (const k of PARAM_KEYS) if (r[k] !== null) params[k] = r[k];
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    currency: r.currency,
    horizonYears: r.horizonYears,
    needBy: r.needBy,
    siteId: r.siteId,
    status: r.status,
    params,
    createdAt: r.createdAt,
    lines: r.lines.map((l) => ({ id: l.id, lineNo: l.lineNo, modelId: l.modelId, modelName: l.modelId ? (modelName.get(l.modelId) ?? null) : null, spec: l.spec, quantity: l.quantity, budgetUnitPrice: l.budgetUnitPrice })),
    vendors: r.vendors.map((v) => ({ vendorId: v.vendorId, name: vendors.get(v.vendorId)?.name ?? v.vendorId })).sort((a, b) => a.name.localeCompare(b.name)),
    quotes: r.quotes.map((q) => ({
      id: q.id,
      vendorId: q.vendorId,
      round: q.round,
      currency: q.currency,
      declined: q.declined,
      source: q.source,
      submittedAt: q.submittedAt,
      lines: q.lines.map((l) => ({ rfqLineId: l.rfqLineId, declined: l.declined, unitPrice: l.unitPrice, leadTimeDays: l.leadTimeDays, warrantyYears: l.warrantyYears, supportPerYear: l.supportPerYear, typicalWatts: l.typicalWatts, nominalWatts: l.nominalWatts, validUntil: l.validUntil })),
    })),
  };
}

export async function listRfqs(deps: TDeps) {
  const rows = await deps.db.rfq.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500, include: { _count: { select: { lines: true, vendors: true } } } });
  return { items: rows.map((r) => ({ id: r.id, number: r.number, title: r.title, currency: r.currency, status: r.status, lineCount: r._count.lines, vendorCount: r._count.vendors, createdAt: r.createdAt, needBy: r.needBy })) };
}

// ------------------------------------------------------------------ quotes

/**
 * Records one vendor's quote for one round. Refused whole (nothing saved) when the RFQ is not open,
 * the vendor was not invited, the currency is not the RFQ's, the round is taken or skips ahead, or a
 * line is unknown or repeated.
 */
export async function submitQuote(deps: TDeps, actor: TActor, rfqId: string, input: TQuoteInput, source: "manual" | "api" | "csv" = "manual") {
  const q = ZQuoteInput.parse(input);
  const rfq = await openRfq(deps, rfqId);
  const vendors = await vendorMap(deps);
  const vendor = vendors.get(q.vendorId);
  const invited = await deps.db.rfqVendor.findUnique({ where: { rfqId_vendorId: { rfqId, vendorId: q.vendorId } }, select: { id: true } });
  if (!vendor || !invited) throw new AppError("BAD_REQUEST", `That vendor was not invited to ${rfq.number}. Invite it first.`, { fields: { vendorId: ["Not invited to this RFQ"] } });
  if (q.currency && q.currency !== rfq.currency) {
    throw new AppError("BAD_REQUEST", `${rfq.number} is quoted in ${rfq.currency}, but this quote is in ${q.currency}. Ask ${vendor.name} for prices in ${rfq.currency} (or convert them) and enter the quote again; nothing was saved.`, {
      fields: { currency: [`Must be ${rfq.currency}`] },
    });
  }
  const rounds = await deps.db.quote.findMany({ where: { rfqId }, select: { vendorId: true, round: true } });
  if (rounds.some((r) => r.vendorId === q.vendorId && r.round === q.round)) throw new AppError("DUPLICATE", `${vendor.name} already has a round ${q.round} quote on ${rfq.number}. Enter it as round ${Math.max(...rounds.filter((r) => r.vendorId === q.vendorId).map((r) => r.round)) + 1}.`, { fields: { round: ["Already entered"] } });
  const maxRound = Math.max(0, ...rounds.map((r) => r.round));
  if (q.round > maxRound + 1) throw new AppError("BAD_REQUEST", `Round ${q.round} skips ahead: ${rfq.number} is at round ${maxRound}. Enter round ${maxRound + 1} or earlier.`, { fields: { round: [`At most ${maxRound + 1}`] } });
  const lines = await deps.db.rfqLine.findMany({ where: { rfqId }, select: { id: true } });
  const lineIds = new Set(lines.map((l) => l.id));
  if (q.declined && q.lines.length) throw new AppError("BAD_REQUEST", "A declined round carries no lines.", { fields: { lines: ["Leave empty when the vendor declines the round"] } });
  if (!q.declined && !q.lines.length) throw new AppError("BAD_REQUEST", "A quote needs at least one line (or mark the round declined).", { fields: { lines: ["Add the quoted lines"] } });
  const seen = new Set<string>();
  q.lines.forEach((l, i) => {
    if (!lineIds.has(l.rfqLineId)) throw new AppError("BAD_REQUEST", `Quote line ${i + 1} names a line that is not on ${rfq.number}.`, { fields: { [`lines.${i}.rfqLineId`]: ["Not a line of this RFQ"] } });
    if (seen.has(l.rfqLineId)) throw new AppError("BAD_REQUEST", `Quote line ${i + 1} repeats an RFQ line; quote each line once.`, { fields: { [`lines.${i}.rfqLineId`]: ["Repeated"] } });
    seen.add(l.rfqLineId);
  });
  const at = deps.clock.now();
  return deps.db.$transaction(async (tx) => {
    const row = await tx.quote.create({
      data: {
        rfqId,
        vendorId: q.vendorId,
        round: q.round,
        currency: rfq.currency,
        declined: q.declined,
        source,
        submittedAt: at,
        createdById: actor.id,
        lines: { create: q.lines.map((l) => quoteLineData(l)) },
      },
      select: { id: true },
    });
    await appendAudit(tx, deps.provider, actor, at, { action: "create", entity: "Quote", entityId: row.id, after: { rfqId, ...q, source } });
    return { id: row.id, vendorId: q.vendorId, round: q.round, declined: q.declined, lineCount: q.lines.length };
  });
}

function quoteLineData(l: TQuoteLineInput) {
  if (l.declined === true) return { rfqLineId: l.rfqLineId, declined: true };
  return {
    rfqLineId: l.rfqLineId,
    declined: false,
    unitPrice: l.unitPrice,
    leadTimeDays: l.leadTimeDays,
    warrantyYears: l.warrantyYears,
    supportPerYear: l.supportPerYear,
    typicalWatts: l.typicalWatts,
    nominalWatts: l.nominalWatts ?? null,
    validUntil: l.validUntil ?? null,
  };
}

/** The quote CSV's columns (README "Quote CSV"): `line` is the RFQ line number. */
export const QUOTE_CSV_COLUMNS = ["line", "unitPrice", "leadTimeDays", "warrantyYears", "supportPerYear", "typicalWatts", "nominalWatts", "validUntil", "declined", "currency"] as const;
const REQUIRED_CSV = ["line", "unitPrice", "leadTimeDays", "warrantyYears", "supportPerYear", "typicalWatts"];

export interface TCsvProblem {
  line: number;
  message: string;
}

const num = (s: string) => (s === "" ? undefined : Number(s.replace(/,/g, "")));
const YES = new Set(["yes", "y", "true", "1", "declined", "x"]);

/**
 * Parses a quote CSV against an RFQ's lines: every bad row reported with its line number and what
 * to fix; nothing is returned (so nothing imported) when any row is bad.
 */
export function parseQuoteCsv(csv: string, rfq: { currency: string; lines: { id: string; lineNo: number }[] }): { lines: TQuoteLineInput[]; currency?: string } {
  const problems: TCsvProblem[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(csv, { columns: (h: string[]) => h.map((c) => c.trim()), info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: false }) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    throw new AppError("BAD_REQUEST", "The CSV could not be read; nothing was imported.", { details: { problems: [{ line: err.lines ?? 1, message: `${err.message.replace(/^Invalid Record Length: /, "Wrong number of fields: ")}` }] } });
  }
  const header = records.length ? Object.keys(records[0]!.record) : (csv.split(/\r?\n/)[0] ?? "").split(",").map((c) => c.trim());
  const unknown = header.filter((h) => !(QUOTE_CSV_COLUMNS as readonly string[]).includes(h));
  const missing = REQUIRED_CSV.filter((c) => !header.includes(c));
  if (unknown.length) problems.push({ line: 1, message: `Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the columns are ${QUOTE_CSV_COLUMNS.join(", ")}` });
  if (missing.length) problems.push({ line: 1, message: `Missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` });
  if (!records.length && !problems.length) problems.push({ line: 2, message: "No rows: add one row per RFQ line" });
  const byNo = new Map(rfq.lines.map((l) => [l.lineNo, l.id]));
  const seen = new Map<number, number>();
  const out: TQuoteLineInput[] = [];
  let currency: string | undefined;
  if (!problems.length) {
    for (const { record: r, info } of records) {
      const at = info.lines;
      const lineNo = Number(r.line);
      if (!Number.isInteger(lineNo) || !byNo.has(lineNo)) {
        problems.push({ line: at, message: `line "${r.line}" is not a line number of this RFQ (1–${rfq.lines.length})` });
        continue;
      }
      if (seen.has(lineNo)) {
        problems.push({ line: at, message: `RFQ line ${lineNo} is already quoted on line ${seen.get(lineNo)}; quote each line once` });
        continue;
      }
      seen.set(lineNo, at);
      if (r.currency) {
        const c = r.currency.toUpperCase();
        if (c !== rfq.currency) {
          problems.push({ line: at, message: `currency ${c} is not the RFQ's currency ${rfq.currency}; quote in ${rfq.currency}` });
          continue;
        }
        currency = c;
      }
      const rfqLineId = byNo.get(lineNo)!;
      if (r.declined && YES.has(r.declined.toLowerCase())) {
        out.push({ rfqLineId, declined: true });
        continue;
      }
      if (r.declined && !["no", "n", "false", "0"].includes(r.declined.toLowerCase())) {
        problems.push({ line: at, message: `declined "${r.declined}": write yes to decline the line, or leave it empty` });
        continue;
      }
      const parsed = ZPricedQuoteLine.safeParse({
        rfqLineId,
        unitPrice: num(r.unitPrice ?? ""),
        leadTimeDays: num(r.leadTimeDays ?? ""),
        warrantyYears: num(r.warrantyYears ?? ""),
        supportPerYear: num(r.supportPerYear ?? ""),
        typicalWatts: num(r.typicalWatts ?? ""),
        nominalWatts: num(r.nominalWatts ?? ""),
        validUntil: r.validUntil || undefined,
      });
      if (!parsed.success) {
        const fields = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
        const detail = Object.entries(fields)
          .filter(([k]) => k !== "declined")
          .map(([k, v]) => `${k}: ${(v ?? []).map(friendly).join("; ")}`);
        problems.push({ line: at, message: detail.length ? detail.join(", ") : "fill in unitPrice, leadTimeDays, warrantyYears, supportPerYear and typicalWatts (numbers), or write yes in declined" });
        continue;
      }
      out.push(parsed.data);
    }
  }
  if (problems.length) {
    throw new AppError("BAD_REQUEST", `The CSV has ${problems.length} bad row${problems.length > 1 ? "s" : ""}; nothing was imported. Fix ${problems.length > 1 ? "them" : "it"} and upload again.`, { details: { problems } });
  }
  return { lines: out, currency };
}

function friendly(m: string) {
  return m.replace(/^Invalid input: expected number, received (undefined|NaN)$/, "a number is needed").replace(/^Invalid input: expected (.+), received undefined$/, "required");
}

export async function importQuoteCsv(deps: TDeps, actor: TActor, input: { rfqId: string; vendorId: string; round: number; csv: string }) {
  const rfq = await deps.db.rfq.findUnique({ where: { id: input.rfqId }, select: { id: true, currency: true, lines: { select: { id: true, lineNo: true } } } });
  if (!rfq) throw new AppError("NOT_FOUND", `No RFQ with id ${input.rfqId}.`);
  const parsed = parseQuoteCsv(input.csv, rfq);
  return submitQuote(deps, actor, rfq.id, { vendorId: input.vendorId, round: input.round, currency: parsed.currency, lines: parsed.lines }, "csv");
}

// ------------------------------------------------------------------ TCO

export async function rfqParams(deps: TDeps, rfq: Partial<Record<(typeof PARAM_KEYS)[number], number | null>>, overrides: Partial<TTcoParams> = {}) {
  const s = await getSettings(deps);
  const p: TTcoParams = { pue: s.pue, tariffPerKwh: s.tariffPerKwh, afr: s.afr, costPerFailure: s.costPerFailure, costPerUMonth: s.costPerUMonth, discountRate: s.discountRate };
  for (const k of PARAM_KEYS) {
    const v = overrides[k] ?? rfq[k];
    if (v !== null && v !== undefined) p[k] = v;
  }
  return { params: p, weights: { tco: s.weightTco, leadTime: s.weightLeadTime, sla: s.weightSla } };
}

/** The latest round of each vendor with its lines, in one query (earlier rounds never count in the comparison). */
const LATEST_QUOTE_LINES: THotQuery = {
  name: "procurement_latest_quote_lines",
  sqlite: `SELECT q."id" AS "quoteId", q."vendorId" AS "vendorId", q."round" AS "round", q."declined" AS "declinedRound", l."rfqLineId" AS "rfqLineId", l."declined" AS "declined", l."unitPrice" AS "unitPrice", l."leadTimeDays" AS "leadTimeDays", l."supportPerYear" AS "supportPerYear", l."typicalWatts" AS "typicalWatts"
    FROM "Quote" q LEFT JOIN "QuoteLine" l ON l."quoteId" = q."id"
    WHERE q."rfqId" = ? AND q."round" = (SELECT MAX(q2."round") FROM "Quote" q2 WHERE q2."rfqId" = q."rfqId" AND q2."vendorId" = q."vendorId")`,
  postgresql: `SELECT q."id" AS "quoteId", q."vendorId" AS "vendorId", q."round" AS "round", q."declined" AS "declinedRound", l."rfqLineId" AS "rfqLineId", l."declined" AS "declined", l."unitPrice" AS "unitPrice", l."leadTimeDays" AS "leadTimeDays", l."supportPerYear" AS "supportPerYear", l."typicalWatts" AS "typicalWatts"
    FROM "Quote" q LEFT JOIN "QuoteLine" l ON l."quoteId" = q."id"
    WHERE q."rfqId" = $1 AND q."round" = (SELECT MAX(q2."round") FROM "Quote" q2 WHERE q2."rfqId" = q."rfqId" AND q2."vendorId" = q."vendorId")`,
};
interface TQuoteLineRow {
  quoteId: string;
  vendorId: string;
  round: number;
  declinedRound: boolean | number;
  rfqLineId: string | null;
  declined: boolean | number | null;
  unitPrice: number | null;
  leadTimeDays: number | null;
  supportPerYear: number | null;
  typicalWatts: number | null;
}

async function latestQuotes(deps: TDeps, rfqId: string): Promise<TTcoQuoteIn[]> {
  const hot = hotDb(deps.db);
  if (!hot) {
    const qs = await deps.db.quote.findMany({ where: { rfqId }, select: { id: true, vendorId: true, round: true, declined: true, lines: { select: { rfqLineId: true, declined: true, unitPrice: true, leadTimeDays: true, supportPerYear: true, typicalWatts: true } } } });
    return qs.map((q) => ({ quoteId: q.id, vendorId: q.vendorId, round: q.round, declinedRound: q.declined, lines: q.lines }));
  }
  const byId = new Map<string, TTcoQuoteIn>();
  for (const r of await hot.all<TQuoteLineRow>(LATEST_QUOTE_LINES, [rfqId])) {
    let q = byId.get(r.quoteId);
    if (!q) byId.set(r.quoteId, (q = { quoteId: r.quoteId, vendorId: r.vendorId, round: Number(r.round), declinedRound: Boolean(r.declinedRound), lines: [] }));
    if (r.rfqLineId !== null) q.lines.push({ rfqLineId: r.rfqLineId, declined: Boolean(r.declined), unitPrice: r.unitPrice, leadTimeDays: r.leadTimeDays, supportPerYear: r.supportPerYear, typicalWatts: r.typicalWatts });
  }
  return [...byId.values()];
}

/** The TCO comparison: latest round per vendor, every line, ranked by TCO and by weighted score, with the sensitivity. */
export async function rfqTco(deps: TDeps, rfqId: string, overrides: Partial<TTcoParams> = {}): Promise<TTcoOut> {
  const r = await deps.db.rfq.findUnique({ where: { id: rfqId }, include: { lines: { orderBy: { lineNo: "asc" } }, vendors: { select: { vendorId: true } } } });
  if (!r) throw new AppError("NOT_FOUND", `No RFQ with id ${rfqId}.`);
  const modelIds = [...new Set(r.lines.flatMap((l) => (l.modelId ? [l.modelId] : [])))];
  const [vendors, models, { params, weights }, rates, quotes] = await Promise.all([
    vendorMap(deps),
    listModelsByIds(deps, modelIds),
    rfqParams(deps, r, overrides),
    onTimeRates(deps, r.vendors.map((v) => v.vendorId)),
    latestQuotes(deps, rfqId),
  ]);
  const model = new Map(models.map((m) => [m.id, m]));
  const result = computeTco({
    horizonYears: r.horizonYears,
    params,
    weights,
    lines: r.lines.map((l) => {
      const m = l.modelId ? model.get(l.modelId) : undefined;
      return { id: l.id, lineNo: l.lineNo, label: m ? `${m.manufacturer.name} ${m.name}` : (l.spec ?? `line ${l.lineNo}`), quantity: l.quantity, uHeight: m?.heightU ?? 0 };
    }),
    vendors: r.vendors.map((v) => ({ id: v.vendorId, name: vendors.get(v.vendorId)?.name ?? v.vendorId, slaScore: rates.get(v.vendorId) ?? 1 })).sort((a, b) => a.name.localeCompare(b.name)),
    quotes,
  });
  return { rfqId: r.id, currency: r.currency, ...result };
}

/** For orders.ts: the model behind a line (manufacturer for placeholder assets). */
export async function modelForLine(deps: TDeps, modelId: string) {
  return getModel(deps, modelId);
}

export type { Tx };

/** Receiving's hook (server/domains/receiving), reached through this service. */
export { syncReceipts } from "./orders";

/** The assets a purchase order bought (every line), with the order's number; NOT_FOUND when there is no such order. */
export async function purchaseOrderAssetIds(deps: TDeps, poId: string): Promise<{ number: string; assetIds: string[] }> {
  const po = await deps.db.purchaseOrder.findUnique({ where: { id: poId }, select: { number: true } });
  if (!po) throw new AppError("NOT_FOUND", `No purchase order with id ${poId}.`);
  const rows = await deps.db.purchaseOrderAsset.findMany({ where: { poLine: { poId } }, select: { assetId: true }, orderBy: { assetId: "asc" } });
  return { number: po.number, assetIds: rows.map((r) => r.assetId) };
}
