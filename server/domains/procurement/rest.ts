/** Procurement's REST routes (/api/v1), built from ./schema.ts; server/rest assembles them. */
import type { z } from "zod";
import { ANY_ROLE } from "../../auth/roles";
import { route, type TRoute } from "../../rest/route";
import { award, cancelPurchaseOrder, getPurchaseOrder, issuePurchaseOrder, listPurchaseOrders } from "./orders";
import { leadTimeKpi, savingsKpi } from "./kpi";
import {
  PO_READERS,
  PROCUREMENT_READERS,
  PROCUREMENT_WRITERS,
  ZAwardInput,
  ZAwardOut,
  ZKpiQuery,
  ZLeadTimeOut,
  ZModelInput,
  ZModelItems,
  ZModelOut,
  ZPoCancelBody,
  ZPoId,
  ZPoItems,
  ZPoListQuery,
  ZPoOut,
  ZQuoteCsvBody,
  ZQuoteCsvQuery,
  ZQuoteInput,
  ZQuoteOut,
  ZRfqId,
  ZRfqInput,
  ZRfqItems,
  ZRfqOut,
  ZRfqVendorsBody,
  ZSavingsOut,
  ZTcoOut,
  ZTcoRestQuery,
  ZVendorInput,
  ZVendorItems,
  ZVendorOut,
} from "./schema";
import { createModelWithPrices, createRfq, createVendorWithTerms, getRfq, importQuoteCsv, inviteVendors, listModelsWithPrices, listRfqs, listVendorsWithTerms, rfqTco, submitQuote } from "./service";

const NO_RFQ = "No such RFQ";
const NO_PO = "No such purchase order";
const W = PROCUREMENT_WRITERS;
const R = PROCUREMENT_READERS;

export const procurementRestRoutes: TRoute[] = [
  route({ method: "GET", path: "/vendors", operationId: "listVendors", summary: "Vendors with their SLA terms and contacts", roles: ANY_ROLE, response: ZVendorItems, handler: async (deps) => ({ items: await listVendorsWithTerms(deps) }) }),
  route({ method: "POST", path: "/vendors", operationId: "createVendor", summary: "Create a vendor with SLA terms and contacts", roles: W, body: ZVendorInput, response: ZVendorOut, status: 201, handler: (deps, actor, { body }) => createVendorWithTerms(deps, actor, body) }),
  route({ method: "GET", path: "/models", operationId: "listModels", summary: "Hardware models with U height, typical and nominal power, and vendors' list prices", roles: ANY_ROLE, response: ZModelItems, handler: async (deps) => ({ items: await listModelsWithPrices(deps) }) }),
  route({ method: "POST", path: "/models", operationId: "createModel", summary: "Create a hardware model (uHeight, typicalWatts, nominalWatts, list prices)", roles: W, body: ZModelInput, response: ZModelOut, status: 201, handler: (deps, actor, { body }) => createModelWithPrices(deps, actor, body) }),
  route({ method: "GET", path: "/rfqs", operationId: "listRfqs", summary: "RFQs, newest first", roles: R, response: ZRfqItems, handler: (deps) => listRfqs(deps) }),
  route({ method: "POST", path: "/rfqs", operationId: "createRfq", summary: "Create an RFQ (currency, horizon, need-by, site, lines, invited vendors)", roles: W, body: ZRfqInput, response: ZRfqOut, status: 201, handler: (deps, actor, { body }) => createRfq(deps, actor, body) }),
  route({ method: "GET", path: "/rfqs/{id}", operationId: "getRfq", summary: "One RFQ with its lines, vendors and every quote round", roles: R, params: ZRfqId, response: ZRfqOut, notFound: NO_RFQ, handler: (deps, _a, { params }) => getRfq(deps, params.id) }),
  route({ method: "POST", path: "/rfqs/{id}/vendors", operationId: "inviteRfqVendors", summary: "Invite more vendors to an open RFQ (vendors already invited are left as they are)", roles: W, params: ZRfqId, body: ZRfqVendorsBody, response: ZRfqOut, notFound: NO_RFQ, handler: (deps, actor, { params, body }) => inviteVendors(deps, actor, { id: params.id, vendorIds: body.vendorIds }) }),
  route({
    method: "POST",
    path: "/rfqs/{id}/quotes",
    operationId: "submitQuote",
    summary: "Record a vendor's quote for a round (per line, or declined lines, or a declined round); a quote in another currency is refused",
    roles: W,
    params: ZRfqId,
    body: ZQuoteInput,
    response: ZQuoteOut,
    status: 201,
    notFound: NO_RFQ,
    handler: (deps, actor, { params, body }) => submitQuote(deps, actor, params.id, body, "api"),
  }),
  route({
    method: "POST",
    path: "/rfqs/{id}/quotes.csv",
    operationId: "importQuoteCsv",
    summary: "Import a vendor's quote round from CSV (columns in the README); every bad row is reported with its line number, and nothing is imported when any row is bad",
    roles: W,
    params: ZRfqId,
    body: ZQuoteCsvBody,
    textBody: { contentType: "text/csv", query: ZQuoteCsvQuery, toBody: (csv: string, q: z.output<typeof ZQuoteCsvQuery>) => ({ ...q, csv }) },
    response: ZQuoteOut,
    status: 201,
    notFound: NO_RFQ,
    handler: (deps, actor, { params, body }) => importQuoteCsv(deps, actor, { rfqId: params.id, ...body }),
  }),
  route({ method: "GET", path: "/rfqs/{id}/tco", operationId: "getRfqTco", summary: "TCO comparison: latest round per vendor, ranked by TCO and weighted score, with the tariff and PUE sensitivity", roles: R, params: ZRfqId, query: ZTcoRestQuery, response: ZTcoOut, notFound: NO_RFQ, handler: (deps, _a, { params, query }) => rfqTco(deps, params.id, query) }),
  route({ method: "POST", path: "/rfqs/{id}/award", operationId: "awardRfq", summary: "Award lines whole or split between vendors: one draft PO per vendor (409 with the figures when over the CapEx budget, unless confirmOverBudget)", roles: W, params: ZRfqId, body: ZAwardInput, response: ZAwardOut, status: 201, notFound: NO_RFQ, handler: (deps, actor, { params, body }) => award(deps, actor, params.id, body) }),
  route({ method: "GET", path: "/purchase-orders", operationId: "listPurchaseOrders", summary: "Purchase orders, newest first", roles: PO_READERS, query: ZPoListQuery, response: ZPoItems, handler: (deps, _a, { query }) => listPurchaseOrders(deps, query) }),
  route({ method: "GET", path: "/purchase-orders/{id}", operationId: "getPurchaseOrder", summary: "One purchase order with its lines and their assets", roles: PO_READERS, params: ZPoId, response: ZPoOut, notFound: NO_PO, handler: (deps, _a, { params }) => getPurchaseOrder(deps, params.id) }),
  route({ method: "POST", path: "/purchase-orders/{id}/issue", operationId: "issuePurchaseOrder", summary: "Issue a draft PO: its assets are created as ORDERED", roles: W, params: ZPoId, response: ZPoOut, notFound: NO_PO, handler: (deps, actor, { params }) => issuePurchaseOrder(deps, actor, params.id) }),
  route({ method: "POST", path: "/purchase-orders/{id}/cancel", operationId: "cancelPurchaseOrder", summary: "Cancel a draft, or an issued PO with nothing received", roles: W, params: ZPoId, body: ZPoCancelBody, response: ZPoOut, notFound: NO_PO, handler: (deps, actor, { params, body }) => cancelPurchaseOrder(deps, actor, params.id, body.reason) }),
  route({ method: "GET", path: "/kpis/savings", operationId: "kpiSavings", summary: "Cost savings vs budget and vs first-round quotes, quantity-weighted, with the PO lines behind them", roles: R, query: ZKpiQuery, response: ZSavingsOut, handler: (deps, _a, { query }) => savingsKpi(deps, query) }),
  route({ method: "GET", path: "/kpis/lead-time", operationId: "kpiLeadTime", summary: "Lead time PO issued → asset received, p50/p90/max per vendor, late POs, with the assets behind them", roles: R, query: ZKpiQuery, response: ZLeadTimeOut, handler: (deps, _a, { query }) => leadTimeKpi(deps, query) }),
];

