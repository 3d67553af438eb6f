/**
 * Award → purchase orders → receipts, and the CapEx plan.
 *
 * PO states: DRAFT → ISSUED → PARTIALLY_RECEIVED → RECEIVED → CLOSED, or CANCELLED (from DRAFT, or
 * from ISSUED while none of its assets has moved on from ORDERED). Issuing creates one ORDERED
 * placeholder asset per unit of every line with a hardware model (assets/service.ts
 * createOrderedPlaceholders, in the PO's transaction); receiving (the Warehouse) gives them their
 * serials and moves them on through the lifecycle, then calls syncReceipts, which copies each
 * asset's first RECEIVED time onto the PO (lead time) and moves the PO's state.
 */
import { AppError } from "../../errors";
import type { Tx } from "../../db/client";
import type { TActor, TDeps } from "../../context";
import { appendAudit } from "../audit/service";
import { assetStatuses, createOrderedPlaceholders, disposeCancelledOrder, firstReachedAt } from "../assets/service";
import { retryableDbError } from "../assets/service";
import { listVendors } from "../catalog/service";
import { COMMITTED_PO } from "./kpi";
import { ZAwardInput, ZBudgetInput, type TAwardInput, type TPoOut, type TPoStatus } from "./schema";
import { checkSite, modelForLine } from "./service";
import { latestRounds, round2 } from "./tco";

const DAY = 86_400_000;

export function quarterOf(d: Date): string {
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}
export function quarterRange(q: string): { gte: Date; lt: Date } {
  const [y, n] = [Number(q.slice(0, 4)), Number(q.slice(6))];
  return { gte: new Date(Date.UTC(y, (n - 1) * 3, 1)), lt: new Date(Date.UTC(y, n * 3, 1)) };
}

// ------------------------------------------------------------------ CapEx plan

export async function setBudget(deps: TDeps, actor: TActor, input: unknown) {
  const b = ZBudgetInput.parse(input);
  await checkSite(deps, b.siteId);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const row = await tx.capexBudget.upsert({ where: { siteId_quarter_currency: { siteId: b.siteId, quarter: b.quarter, currency: b.currency } }, create: { ...b, updatedAt: at }, update: { amount: b.amount, updatedAt: at } });
    await appendAudit(tx, deps.provider, actor, at, { action: "update", entity: "CapexBudget", entityId: row.id, after: b });
  });
  return (await capexPlan(deps, { quarter: b.quarter, siteId: b.siteId })).items.find((i) => i.currency === b.currency)!;
}

async function committedFor(deps: TDeps, siteId: string, quarter: string, currency: string) {
  const pos = await deps.db.purchaseOrder.findMany({
    where: { siteId, currency, status: { in: COMMITTED_PO }, issuedAt: quarterRange(quarter) },
    select: { total: true, lines: { select: { receivedQty: true, unitPrice: true } } },
  });
  return {
    committed: round2(pos.reduce((s, p) => s + p.total, 0)),
    received: round2(pos.reduce((s, p) => s + p.lines.reduce((t, l) => t + l.receivedQty * l.unitPrice, 0), 0)),
  };
}

/** Budget per quarter and site: committed (issued POs, by issue date) vs received vs remaining. */
export async function capexPlan(deps: TDeps, q: { quarter?: string; siteId?: string }) {
  const budgets = await deps.db.capexBudget.findMany({ where: { quarter: q.quarter, siteId: q.siteId }, orderBy: [{ quarter: "asc" }, { siteId: "asc" }, { currency: "asc" }] });
  const items = [];
  for (const b of budgets) {
    const c = await committedFor(deps, b.siteId, b.quarter, b.currency);
    items.push({ siteId: b.siteId, quarter: b.quarter, currency: b.currency, budget: b.amount, committed: c.committed, received: c.received, remaining: round2(b.amount - c.committed) });
  }
  return { items };
}

// ------------------------------------------------------------------ award

interface TAlloc {
  rfqLineId: string;
  vendorId: string;
  quantity: number;
}

/**
 * Awards an open RFQ, whole (every line to one vendor) or per line (split between vendors), at each
 * vendor's latest-round prices: one DRAFT purchase order per vendor. When a CapEx budget exists for
 * the RFQ's site and this quarter and the award would take committed spending over it, the award is
 * refused with the figures (details.warnings) until it is repeated with confirmOverBudget.
 */
export async function award(deps: TDeps, actor: TActor, rfqId: string, input: TAwardInput) {
  const a = ZAwardInput.parse(input);
  const rfq = await deps.db.rfq.findUnique({
    where: { id: rfqId },
    include: { lines: { orderBy: { lineNo: "asc" } }, vendors: { select: { vendorId: true } }, quotes: { include: { lines: true } } },
  });
  if (!rfq) throw new AppError("NOT_FOUND", `No RFQ with id ${rfqId}.`);
  if (rfq.status !== "OPEN") throw new AppError("CONFLICT", `${rfq.number} is ${rfq.status.toLowerCase()}; it cannot be awarded again.`);
  const names = new Map((await listVendors(deps)).map((v) => [v.id, v.name]));
  const lineById = new Map(rfq.lines.map((l) => [l.id, l]));
  const allocs: TAlloc[] = [];
  if (a.vendorId) {
    for (const l of rfq.lines) allocs.push({ rfqLineId: l.id, vendorId: a.vendorId, quantity: l.quantity });
  } else {
    const seen = new Set<string>();
    a.lines!.forEach((al, i) => {
      const l = lineById.get(al.rfqLineId);
      if (!l) throw new AppError("BAD_REQUEST", `Award line ${i + 1} names a line that is not on ${rfq.number}.`, { fields: { [`lines.${i}.rfqLineId`]: ["Not a line of this RFQ"] } });
      if (seen.has(l.id)) throw new AppError("BAD_REQUEST", `Line ${l.lineNo} is awarded twice; give all its vendors in one entry.`, { fields: { [`lines.${i}.rfqLineId`]: ["Repeated"] } });
      seen.add(l.id);
      const sum = al.splits.reduce((s, x) => s + x.quantity, 0);
      if (sum !== l.quantity) throw new AppError("BAD_REQUEST", `Line ${l.lineNo} asks for ${l.quantity}; the award splits ${sum}. Make the quantities add up to ${l.quantity}.`, { fields: { [`lines.${i}.splits`]: [`Must add up to ${l.quantity}`] } });
      const vs = new Set<string>();
      for (const s of al.splits) {
        if (vs.has(s.vendorId)) throw new AppError("BAD_REQUEST", `Line ${l.lineNo} names the same vendor twice.`, { fields: { [`lines.${i}.splits`]: ["One entry per vendor"] } });
        vs.add(s.vendorId);
        allocs.push({ rfqLineId: l.id, vendorId: s.vendorId, quantity: s.quantity });
      }
    });
  }
  // prices: each vendor's latest round; baselines: the line's budget and the vendor's first-round price
  const latest = latestRounds(rfq.quotes.map((q) => ({ quoteId: q.id, vendorId: q.vendorId, round: q.round, declinedRound: q.declined, lines: q.lines })));
  const firstPrice = (vendorId: string, rfqLineId: string) => {
    const qs = rfq.quotes.filter((q) => q.vendorId === vendorId && !q.declined).sort((x, y) => x.round - y.round);
    for (const q of qs) {
      const ql = q.lines.find((x) => x.rfqLineId === rfqLineId && !x.declined && x.unitPrice !== null);
      if (ql) return ql.unitPrice;
    }
    return null;
  };
  const invited = new Set(rfq.vendors.map((v) => v.vendorId));
  const byVendor = new Map<string, { alloc: TAlloc; quoteLineId: string; unitPrice: number; leadTimeDays: number; baselineFirstRound: number | null }[]>();
  for (const al of allocs) {
    const l = lineById.get(al.rfqLineId)!;
    const vname = names.get(al.vendorId) ?? "That vendor";
    if (!invited.has(al.vendorId)) throw new AppError("BAD_REQUEST", `${vname} was not invited to ${rfq.number}.`, { fields: { vendorId: ["Not invited"] } });
    const q = latest.get(al.vendorId);
    const ql = q && !q.declinedRound ? rfq.quotes.find((x) => x.id === q.quoteId)!.lines.find((x) => x.rfqLineId === l.id) : undefined;
    if (!ql || ql.declined || ql.unitPrice === null) {
      throw new AppError("BAD_REQUEST", `${vname} has no price for line ${l.lineNo} in its latest round (${!q ? "no quote" : q.declinedRound || ql?.declined ? "declined" : "not quoted"}). Award that line to a vendor who quoted it.`, {
        details: { rfqLineId: l.id, vendorId: al.vendorId },
      });
    }
    (byVendor.get(al.vendorId) ?? byVendor.set(al.vendorId, []).get(al.vendorId)!).push({ alloc: al, quoteLineId: ql.id, unitPrice: ql.unitPrice, leadTimeDays: ql.leadTimeDays ?? 0, baselineFirstRound: firstPrice(al.vendorId, l.id) });
  }
  const now = deps.clock.now();
  const awardTotal = round2([...byVendor.values()].flat().reduce((s, x) => s + x.unitPrice * x.alloc.quantity, 0));
  const warnings: { siteId: string; quarter: string; currency: string; budget: number; committed: number; award: number; over: number }[] = [];
  if (rfq.siteId) {
    const quarter = quarterOf(now);
    const budget = await deps.db.capexBudget.findUnique({ where: { siteId_quarter_currency: { siteId: rfq.siteId, quarter, currency: rfq.currency } } });
    if (budget) {
      const { committed } = await committedFor(deps, rfq.siteId, quarter, rfq.currency);
      if (committed + awardTotal > budget.amount + 1e-9) warnings.push({ siteId: rfq.siteId, quarter, currency: rfq.currency, budget: budget.amount, committed, award: awardTotal, over: round2(committed + awardTotal - budget.amount) });
    }
  }
  if (warnings.length && !a.confirmOverBudget) {
    const w = warnings[0]!;
    throw new AppError("CONFLICT", `This award (${w.award} ${w.currency}) takes ${w.quarter} spending at this site over its budget by ${w.over} ${w.currency} (budget ${w.budget}, already committed ${w.committed}). Confirm to award anyway.`, { details: { warnings } });
  }
  const ids = await deps.db.$transaction(async (tx) => {
    const taken = await tx.rfq.updateMany({ where: { id: rfq.id, status: "OPEN" }, data: { status: "AWARDED", updatedAt: now } });
    if (taken.count !== 1) throw new AppError("CONFLICT", `${rfq.number} was awarded by someone else at the same moment.`);
    let n = await tx.purchaseOrder.count();
    const out: string[] = [];
    for (const [vendorId, ls] of [...byVendor].sort((x, y) => (names.get(x[0]) ?? "").localeCompare(names.get(y[0]) ?? ""))) {
      const number = `PO-${String(++n).padStart(6, "0")}`;
      const po = await tx.purchaseOrder.create({
        data: {
          number,
          rfqId: rfq.id,
          vendorId,
          currency: rfq.currency,
          siteId: rfq.siteId,
          status: "DRAFT",
          total: round2(ls.reduce((s, x) => s + x.unitPrice * x.alloc.quantity, 0)),
          createdById: actor.id,
          createdAt: now,
          lines: {
            create: ls.map((x, i) => {
              const l = lineById.get(x.alloc.rfqLineId)!;
              return { lineNo: i + 1, rfqLineId: l.id, quoteLineId: x.quoteLineId, modelId: l.modelId, spec: l.spec, quantity: x.alloc.quantity, unitPrice: x.unitPrice, leadTimeDays: x.leadTimeDays, baselineBudget: l.budgetUnitPrice, baselineFirstRound: x.baselineFirstRound };
            }),
          },
        },
        select: { id: true },
      });
      out.push(po.id);
      await appendAudit(tx, deps.provider, actor, now, { action: "create", entity: "PurchaseOrder", entityId: po.id, after: { number, rfqId: rfq.id, vendorId, lines: ls.map((x) => ({ rfqLineId: x.alloc.rfqLineId, quantity: x.alloc.quantity, unitPrice: x.unitPrice })) } });
    }
    await appendAudit(tx, deps.provider, actor, now, { action: "award", entity: "Rfq", entityId: rfq.id, before: { status: "OPEN" }, after: { status: "AWARDED", purchaseOrders: out, overBudgetConfirmed: warnings.length > 0 } });
    return out;
  });
  const pos = await Promise.all(ids.map((id) => getPurchaseOrder(deps, id)));
  return { purchaseOrders: pos.map(({ lines: _l, ...p }) => p), warnings };
}

// ------------------------------------------------------------------ purchase orders

const poInclude = { lines: { orderBy: { lineNo: "asc" as const }, include: { assets: { select: { assetId: true } } } } };

async function toOut(deps: TDeps, rows: Awaited<ReturnType<typeof loadPo>>[]): Promise<TPoOut[]> {
  const vendors = new Map((await listVendors(deps)).map((v) => [v.id, v]));
  const now = deps.clock.now().getTime();
  return rows.map((p) => {
    const v = vendors.get(p.vendorId);
    const due = p.issuedAt ? p.issuedAt.getTime() + (v?.leadTimeSlaDays ?? 0) * DAY : null;
    const late = due !== null && p.status !== "CANCELLED" && ((p.receivedAt?.getTime() ?? now) > due || p.lines.some((l) => l.receivedQty < l.quantity && now > due));
    return {
      id: p.id,
      number: p.number,
      rfqId: p.rfqId,
      vendorId: p.vendorId,
      vendorName: v?.name ?? p.vendorId,
      currency: p.currency,
      siteId: p.siteId,
      status: p.status as TPoStatus,
      total: p.total,
      createdAt: p.createdAt,
      issuedAt: p.issuedAt,
      receivedAt: p.receivedAt,
      closedAt: p.closedAt,
      cancelledAt: p.cancelledAt,
      late,
      lines: p.lines.map((l) => ({ id: l.id, lineNo: l.lineNo, rfqLineId: l.rfqLineId, modelId: l.modelId, spec: l.spec, quantity: l.quantity, unitPrice: l.unitPrice, leadTimeDays: l.leadTimeDays, expectedAt: l.expectedAt, baselineBudget: l.baselineBudget, baselineFirstRound: l.baselineFirstRound, receivedQty: l.receivedQty, assetIds: l.assets.map((x) => x.assetId) })),
    };
  });
}

async function loadPo(deps: Pick<TDeps, "db">, id: string) {
  const p = await deps.db.purchaseOrder.findUnique({ where: { id }, include: poInclude });
  if (!p) throw new AppError("NOT_FOUND", `No purchase order with id ${id}.`);
  return p;
}

export async function getPurchaseOrder(deps: TDeps, id: string): Promise<TPoOut> {
  return (await toOut(deps, [await loadPo(deps, id)]))[0]!;
}

export async function listPurchaseOrders(deps: TDeps, q: { status?: TPoStatus; vendorId?: string; rfqId?: string }) {
  const rows = await deps.db.purchaseOrder.findMany({ where: { status: q.status, vendorId: q.vendorId, rfqId: q.rfqId }, include: poInclude, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 });
  return { items: (await toOut(deps, rows)).map(({ lines: _l, ...p }) => p) };
}

/** DRAFT → ISSUED: expected delivery = today + quoted lead time; one ORDERED placeholder asset per unit of every model line, in the same transaction. */
export async function issuePurchaseOrder(deps: TDeps, actor: TActor, id: string): Promise<TPoOut> {
  const po = await loadPo(deps, id);
  if (po.status !== "DRAFT") throw new AppError("CONFLICT", `${po.number} is ${po.status.toLowerCase().replace("_", " ")}; only a draft can be issued.`);
  const models = new Map<string, { manufacturerId: string }>();
  for (const l of po.lines) if (l.modelId && !models.has(l.modelId)) models.set(l.modelId, await modelForLine(deps, l.modelId));
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const moved = await tx.purchaseOrder.updateMany({ where: { id, status: "DRAFT", version: po.version }, data: { status: "ISSUED", issuedAt: at, version: { increment: 1 } } });
    if (moved.count !== 1) throw new AppError("CONFLICT", `${po.number} was changed by someone else at the same moment. Reload and try again.`);
    for (const l of po.lines) {
      await tx.purchaseOrderLine.update({ where: { id: l.id }, data: { expectedAt: new Date(at.getTime() + l.leadTimeDays * DAY) } });
      if (!l.modelId) continue;
      const items = Array.from({ length: l.quantity }, (_, i) => ({ modelId: l.modelId!, manufacturerId: models.get(l.modelId!)!.manufacturerId, vendorId: po.vendorId, serial: `${po.number}-${l.lineNo}-${String(i + 1).padStart(4, "0")}`, reason: `ordered on ${po.number}` }));
      const assetIds = await createOrderedPlaceholders(tx, deps.provider, actor, at, items);
      await tx.purchaseOrderAsset.createMany({ data: assetIds.map((assetId) => ({ poLineId: l.id, assetId, vendorId: po.vendorId })) });
    }
    await addSavings(tx, po.vendorId, at, po.lines, 1);
    await appendAudit(tx, deps.provider, actor, at, { action: "issue", entity: "PurchaseOrder", entityId: id, before: { status: "DRAFT" }, after: { status: "ISSUED", issuedAt: at.toISOString() } });
  });
  return getPurchaseOrder(deps, id);
}

/** Adds (sign 1, on issue) or takes back (−1, on cancel) a PO's lines in the savings sums of its vendor and month of issue. */
async function addSavings(tx: Tx, vendorId: string, issuedAt: Date, lines: { quantity: number; unitPrice: number; baselineBudget: number | null; baselineFirstRound: number | null }[], sign: 1 | -1) {
  const d = { budgetBase: 0, budgetAwarded: 0, budgetLines: 0, firstBase: 0, firstAwarded: 0, firstLines: 0 };
  for (const l of lines) {
    if (l.baselineBudget !== null) {
      d.budgetBase += l.quantity * l.baselineBudget;
      d.budgetAwarded += l.quantity * l.unitPrice;
      d.budgetLines++;
    }
    if (l.baselineFirstRound !== null) {
      d.firstBase += l.quantity * l.baselineFirstRound;
      d.firstAwarded += l.quantity * l.unitPrice;
      d.firstLines++;
    }
  }
  const month = issuedAt.toISOString().slice(0, 7);
  const signed = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, sign * v])) as typeof d;
  const inc = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k, { increment: v }]));
  await tx.purchaseOrderSavingsMonth.upsert({ where: { vendorId_month: { vendorId, month } }, create: { vendorId, month, ...signed }, update: inc });
}

/** DRAFT or ISSUED → CANCELLED; an issued PO's placeholder assets leave through the lifecycle (ORDERED → DISPOSED) in the same transaction. */
export async function cancelPurchaseOrder(deps: TDeps, actor: TActor, id: string, reason?: string): Promise<TPoOut> {
  const po = await loadPo(deps, id);
  if (po.status !== "DRAFT" && po.status !== "ISSUED") throw new AppError("CONFLICT", `${po.number} is ${po.status.toLowerCase().replace("_", " ")}; only a draft or an issued PO with nothing received can be cancelled.`);
  const assetIds = po.lines.flatMap((l) => l.assets.map((x) => x.assetId));
  const at = deps.clock.now();
  try {
    await deps.db.$transaction(async (tx) => {
      // the assets' rows first, all of them, in id order, before their statuses are read and before any chain lock:
      // a transition takes its asset's row and then the chain locks, so the other order would deadlock against it (PostgreSQL)
      await lockAssetRows(tx, deps.provider, assetIds);
      const statuses = await assetStatuses(tx, assetIds);
      const moved = assetIds.filter((a) => statuses.get(a) !== "ORDERED");
      if (moved.length) throw new AppError("CONFLICT", `${moved.length} of ${po.number}'s assets are already on their way or received; it can no longer be cancelled.`, { details: { assetIds: moved } });
      const done = await tx.purchaseOrder.updateMany({ where: { id, status: po.status, version: po.version }, data: { status: "CANCELLED", cancelledAt: at, version: { increment: 1 } } });
      if (done.count !== 1) throw new AppError("CONFLICT", `${po.number} was changed by someone else at the same moment. Reload and try again.`);
      await disposeCancelledOrder(tx, deps, actor, assetIds, `${po.number} cancelled before delivery${reason ? `: ${reason}` : ""}`);
      if (po.status === "ISSUED" && po.issuedAt) await addSavings(tx, po.vendorId, po.issuedAt, po.lines, -1);
      await appendAudit(tx, deps.provider, actor, at, { action: "cancel", entity: "PurchaseOrder", entityId: id, before: { status: po.status }, after: { status: "CANCELLED", reason: reason ?? null } });
    });
  } catch (e) {
    // a lock or transaction timeout under load: 503 with Retry-After, nothing written
    throw retryableDbError(e) ?? e;
  }
  return getPurchaseOrder(deps, id);
}

/** Locks these assets' rows until the transaction ends (PostgreSQL; SQLite has one writer), in id order so two lockers never cross. */
async function lockAssetRows(tx: Tx, provider: TDeps["provider"], assetIds: string[]): Promise<void> {
  if (provider !== "postgresql" || assetIds.length === 0) return;
  const ids = [...assetIds].sort();
  await tx.$queryRawUnsafe(`SELECT id FROM "Asset" WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")}) ORDER BY id FOR UPDATE`, ...ids);
}

/** RECEIVED → CLOSED. */
export async function closePurchaseOrder(deps: TDeps, actor: TActor, id: string): Promise<TPoOut> {
  const po = await loadPo(deps, id);
  if (po.status !== "RECEIVED") throw new AppError("CONFLICT", `${po.number} is ${po.status.toLowerCase().replace("_", " ")}; only a fully received PO can be closed.`);
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    const done = await tx.purchaseOrder.updateMany({ where: { id, status: "RECEIVED", version: po.version }, data: { status: "CLOSED", closedAt: at, version: { increment: 1 } } });
    if (done.count !== 1) throw new AppError("CONFLICT", `${po.number} was changed by someone else at the same moment. Reload and try again.`);
    await appendAudit(tx, deps.provider, actor, at, { action: "close", entity: "PurchaseOrder", entityId: id, before: { status: "RECEIVED" }, after: { status: "CLOSED" } });
  });
  return getPurchaseOrder(deps, id);
}

/**
 * Receiving's hook (the Warehouse calls it after moving a PO's assets to RECEIVED): copies each
 * placeholder's first RECEIVED time (its lifecycle event) onto the PO, with the lead time in days and
 * whether it was on time, counts received units per line, and moves the PO to PARTIALLY_RECEIVED or
 * RECEIVED. Idempotent.
 */
export async function syncReceipts(deps: TDeps, actor: TActor, id: string): Promise<TPoOut> {
  const po = await loadPo(deps, id);
  if (!["ISSUED", "PARTIALLY_RECEIVED"].includes(po.status) || !po.issuedAt) return getPurchaseOrder(deps, id);
  const vendor = (await listVendors(deps)).find((v) => v.id === po.vendorId);
  const due = po.issuedAt.getTime() + (vendor?.leadTimeSlaDays ?? 0) * DAY;
  const assetIds = po.lines.flatMap((l) => l.assets.map((x) => x.assetId));
  const reached = await firstReachedAt(deps.db, assetIds, "RECEIVED");
  const at = deps.clock.now();
  await deps.db.$transaction(async (tx) => {
    let complete = true;
    let any = false;
    let last = 0;
    // the lead-time histogram (PurchaseOrderLeadMonth) moves with the rows: − the old receipt, + the new one
    const before = new Map((await tx.purchaseOrderAsset.findMany({ where: { assetId: { in: assetIds } }, select: { assetId: true, receivedAt: true, leadDays: true } })).map((a) => [a.assetId, a]));
    const hist = new Map<string, { month: string; leadDays: number; n: number }>();
    const bump = (at: Date, leadDays: number, n: number) => {
      const month = at.toISOString().slice(0, 7);
      const k = `${month}|${leadDays}`;
      const h = hist.get(k) ?? hist.set(k, { month, leadDays, n: 0 }).get(k)!;
      h.n += n;
    };
    for (const l of po.lines) {
      let qty = 0;
      for (const { assetId } of l.assets) {
        const r = reached.get(assetId);
        if (!r) continue;
        qty++;
        last = Math.max(last, r.getTime());
        const leadDays = Math.round(((r.getTime() - po.issuedAt!.getTime()) / DAY) * 10) / 10;
        const old = before.get(assetId);
        if (!(old?.receivedAt && old.receivedAt.getTime() === r.getTime() && old.leadDays === leadDays)) {
          if (old?.receivedAt && old.leadDays !== null) bump(old.receivedAt, old.leadDays, -1);
          bump(r, leadDays, 1);
        }
        await tx.purchaseOrderAsset.update({ where: { assetId }, data: { receivedAt: r, leadDays, onTime: r.getTime() <= due } });
      }
      const received = l.modelId ? qty : l.receivedQty; // free-text lines are counted by receiving itself
      if (received !== l.receivedQty) await tx.purchaseOrderLine.update({ where: { id: l.id }, data: { receivedQty: received } });
      if (received < l.quantity) complete = false;
      if (received > 0) any = true;
    }
    for (const h of hist.values()) {
      if (h.n === 0) continue;
      const key = { vendorId_month_leadDays: { vendorId: po.vendorId, month: h.month, leadDays: h.leadDays } };
      await tx.purchaseOrderLeadMonth.upsert({ where: key, create: { vendorId: po.vendorId, month: h.month, leadDays: h.leadDays, n: h.n }, update: { n: { increment: h.n } } });
    }
    if ([...hist.values()].some((h) => h.n < 0)) await tx.purchaseOrderLeadMonth.deleteMany({ where: { vendorId: po.vendorId, n: { lte: 0 } } });
    const status: TPoStatus = complete ? "RECEIVED" : any ? "PARTIALLY_RECEIVED" : "ISSUED";
    if (status !== po.status) {
      await tx.purchaseOrder.update({ where: { id }, data: { status, receivedAt: complete ? new Date(last || at.getTime()) : null, version: { increment: 1 } } });
      await appendAudit(tx, deps.provider, actor, at, { action: "receive", entity: "PurchaseOrder", entityId: id, before: { status: po.status }, after: { status } });
    }
  });
  return getPurchaseOrder(deps, id);
}
