/** Procurement's tRPC procedures (thin: parse, call a service). */
import { ANY_ROLE } from "../../auth/roles";
import { procedure, router } from "../../trpc";
import { capexPlan, award, cancelPurchaseOrder, closePurchaseOrder, getPurchaseOrder, issuePurchaseOrder, listPurchaseOrders, setBudget, syncReceipts } from "./orders";
import { z } from "zod";
import { leadTimeKpi, savingsKpi, vendorScorecard } from "./kpi";
import { leadTimeOption, renderSvg, tcoCharts } from "./charts";
import { kpiReport, tcoReport } from "./report";
import {
  PO_READERS,
  PO_RECEIVERS,
  PROCUREMENT_READERS,
  PROCUREMENT_WRITERS,
  ZAwardOut,
  ZContactAdd,
  ZContactRemove,
  ZListPriceSet,
  ZRfqParamsUpdate,
  ZVendorUpdate,
  ZAwardSubmit,
  ZBudgetInput,
  ZCharts,
  ZKpiReportInput,
  ZReportFile,
  ZTcoReportInput,
  ZCapexOut,
  ZCapexQuery,
  ZKpiQuery,
  ZLeadTimeOut,
  ZModelInput,
  ZModelItems,
  ZModelOut,
  ZPoCancel,
  ZPoId,
  ZPoItems,
  ZPoListQuery,
  ZPoOut,
  ZQuoteCsvSubmit,
  ZQuoteOut,
  ZQuoteSubmit,
  ZRfqId,
  ZRfqInput,
  ZRfqInvite,
  ZRfqItems,
  ZRfqOut,
  ZSavingsOut,
  ZScorecardOut,
  ZSettings,
  ZSettingsInput,
  ZTcoInput,
  ZTcoOut,
  ZVendorInput,
  ZVendorItems,
  ZVendorOut,
} from "./schema";
import {
  addVendorContact,
  createModelWithPrices,
  createRfq,
  createVendorWithTerms,
  getRfq,
  getSettings,
  importQuoteCsv,
  inviteVendors,
  listModelsWithPrices,
  listRfqs,
  listVendorsWithTerms,
  removeVendorContact,
  rfqTco,
  setListPrice,
  submitQuote,
  updateRfqParams,
  updateSettings,
  updateVendorTerms,
} from "./service";

const W = PROCUREMENT_WRITERS;
const R = PROCUREMENT_READERS;

export const procurementRouter = router({
  vendors: procedure(ANY_ROLE).output(ZVendorItems).query(async ({ ctx }) => ({ items: await listVendorsWithTerms(ctx.deps) })),
  createVendor: procedure(W).input(ZVendorInput).output(ZVendorOut).mutation(({ ctx, input }) => createVendorWithTerms(ctx.deps, ctx.actor, input)),
  updateVendor: procedure(W).input(ZVendorUpdate).output(ZVendorOut).mutation(({ ctx, input }) => updateVendorTerms(ctx.deps, ctx.actor, input)),
  addContact: procedure(W).input(ZContactAdd).output(ZVendorOut).mutation(({ ctx, input }) => addVendorContact(ctx.deps, ctx.actor, input)),
  removeContact: procedure(W).input(ZContactRemove).output(ZVendorOut).mutation(({ ctx, input }) => removeVendorContact(ctx.deps, ctx.actor, input)),
  setListPrice: procedure(W).input(ZListPriceSet).output(ZModelOut).mutation(({ ctx, input }) => setListPrice(ctx.deps, ctx.actor, input)),
  models: procedure(ANY_ROLE).output(ZModelItems).query(async ({ ctx }) => ({ items: await listModelsWithPrices(ctx.deps) })),
  createModel: procedure(W).input(ZModelInput).output(ZModelOut).mutation(({ ctx, input }) => createModelWithPrices(ctx.deps, ctx.actor, input)),
  settings: procedure(R).output(ZSettings).query(({ ctx }) => getSettings(ctx.deps)),
  updateSettings: procedure(W).input(ZSettingsInput).output(ZSettings).mutation(({ ctx, input }) => updateSettings(ctx.deps, ctx.actor, input)),
  rfqs: procedure(R).output(ZRfqItems).query(({ ctx }) => listRfqs(ctx.deps)),
  rfq: procedure(R).input(ZRfqId).output(ZRfqOut).query(({ ctx, input }) => getRfq(ctx.deps, input.id)),
  createRfq: procedure(W).input(ZRfqInput).output(ZRfqOut).mutation(({ ctx, input }) => createRfq(ctx.deps, ctx.actor, input)),
  updateRfqParams: procedure(W).input(ZRfqParamsUpdate).output(ZRfqOut).mutation(({ ctx, input }) => updateRfqParams(ctx.deps, ctx.actor, input)),
  invite: procedure(W).input(ZRfqInvite).output(ZRfqOut).mutation(({ ctx, input }) => inviteVendors(ctx.deps, ctx.actor, input)),
  submitQuote: procedure(W)
    .input(ZQuoteSubmit)
    .output(ZQuoteOut)
    .mutation(({ ctx, input: { rfqId, ...q } }) => submitQuote(ctx.deps, ctx.actor, rfqId, q)),
  importQuoteCsv: procedure(W).input(ZQuoteCsvSubmit).output(ZQuoteOut).mutation(({ ctx, input }) => importQuoteCsv(ctx.deps, ctx.actor, input)),
  tco: procedure(R).input(ZTcoInput).output(ZTcoOut).query(({ ctx, input }) => rfqTco(ctx.deps, input.id, input.overrides)),
  award: procedure(W)
    .input(ZAwardSubmit)
    .output(ZAwardOut)
    .mutation(({ ctx, input: { rfqId, ...a } }) => award(ctx.deps, ctx.actor, rfqId, a)),
  purchaseOrders: procedure(PO_READERS).input(ZPoListQuery).output(ZPoItems).query(({ ctx, input }) => listPurchaseOrders(ctx.deps, input)),
  purchaseOrder: procedure(PO_READERS).input(ZPoId).output(ZPoOut).query(({ ctx, input }) => getPurchaseOrder(ctx.deps, input.id)),
  issue: procedure(W).input(ZPoId).output(ZPoOut).mutation(({ ctx, input }) => issuePurchaseOrder(ctx.deps, ctx.actor, input.id)),
  cancel: procedure(W).input(ZPoCancel).output(ZPoOut).mutation(({ ctx, input }) => cancelPurchaseOrder(ctx.deps, ctx.actor, input.id, input.reason)),
  close: procedure(W).input(ZPoId).output(ZPoOut).mutation(({ ctx, input }) => closePurchaseOrder(ctx.deps, ctx.actor, input.id)),
  syncReceipts: procedure(PO_RECEIVERS).input(ZPoId).output(ZPoOut).mutation(({ ctx, input }) => syncReceipts(ctx.deps, ctx.actor, input.id)),
  capex: procedure(R).input(ZCapexQuery).output(ZCapexOut).query(({ ctx, input }) => capexPlan(ctx.deps, input)),
  setBudget: procedure(W).input(ZBudgetInput).output(ZCapexOut.shape.items.element).mutation(({ ctx, input }) => setBudget(ctx.deps, ctx.actor, input)),
  savings: procedure(R).input(ZKpiQuery).output(ZSavingsOut).query(({ ctx, input }) => savingsKpi(ctx.deps, input)),
  leadTime: procedure(R).input(ZKpiQuery).output(ZLeadTimeOut).query(({ ctx, input }) => leadTimeKpi(ctx.deps, input)),
  tcoCharts: procedure(R).input(ZRfqId).output(ZCharts).query(async ({ ctx, input }) => tcoCharts(await rfqTco(ctx.deps, input.id))),
  leadTimeChart: procedure(R).input(ZKpiQuery).output(z.string()).query(async ({ ctx, input }) => renderSvg(leadTimeOption(await leadTimeKpi(ctx.deps, input)))),
  tcoReport: procedure(R).input(ZTcoReportInput).output(ZReportFile).query(({ ctx, input }) => tcoReport(ctx.deps, input.id, input.format)),
  kpiReport: procedure(R).input(ZKpiReportInput).output(ZReportFile).query(({ ctx, input: { format, ...q } }) => kpiReport(ctx.deps, q, format)),
  scorecard: procedure(R).output(ZScorecardOut).query(({ ctx }) => vendorScorecard(ctx.deps)),
});
