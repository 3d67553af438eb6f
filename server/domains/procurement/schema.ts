/** Procurement: vendors' terms, RFQs, quote rounds, TCO, awards, purchase orders, CapEx plan, KPIs (zod). */
import { z } from "zod";

/** ISO 4217 codes this runtime knows (Intl), so "EUR" passes and "EURO" or "XYZ" does not. */
const CURRENCIES = new Set<string>((Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("currency"));
export const ZCurrency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => CURRENCIES.has(s), { message: "Use a three-letter ISO 4217 currency code, such as EUR or USD" });

const id = z.string().trim().min(1, "Required").max(64);
const name = z.string().trim().min(1, "Required").max(120);
const money = z.number().finite().min(0, "Must not be negative").max(1e12);
const isoDate = z.coerce.date({ error: "Enter a date (YYYY-MM-DD)" });

// ------------------------------------------------------------------ vendors and models

const SLA = {
  leadTimeSlaDays: z.number().int("A whole number of days").min(1, "At least 1 day").max(730, "At most 730 days"),
  rmaSlaDays: z.number().int("A whole number of days").min(1, "At least 1 day").max(365, "At most 365 days"),
  supportResponseHours: z.number().int("A whole number of hours").min(1, "At least 1 hour").max(720, "At most 720 hours"),
  warrantyYears: z.number().int("A whole number of years").min(0).max(15, "At most 15 years"),
};
export const ZSlaTerms = z.object({
  leadTimeSlaDays: SLA.leadTimeSlaDays.default(30),
  rmaSlaDays: SLA.rmaSlaDays.default(5),
  supportResponseHours: SLA.supportResponseHours.default(24),
  warrantyYears: SLA.warrantyYears.default(3),
});
export const ZContactInput = z.object({
  name,
  email: z.email("Enter an e-mail address").optional(),
  phone: z.string().trim().max(40).optional(),
  role: z.string().trim().max(60).optional(),
});
export const ZVendorInput = z
  .object({
    name,
    contactEmail: z.email("Enter an e-mail address").optional(),
    contacts: z.array(ZContactInput).max(20).default([]),
  })
  .extend(ZSlaTerms.shape);
export type TVendorInput = z.input<typeof ZVendorInput>;

/** A vendor's SLA terms and e-mail changed (what is left out stays; a null e-mail clears it). */
export const ZVendorUpdate = z.object({
  id,
  contactEmail: z.email("Enter an e-mail address").nullable().optional(),
  leadTimeSlaDays: SLA.leadTimeSlaDays.optional(),
  rmaSlaDays: SLA.rmaSlaDays.optional(),
  supportResponseHours: SLA.supportResponseHours.optional(),
  warrantyYears: SLA.warrantyYears.optional(),
});
export type TVendorUpdate = z.input<typeof ZVendorUpdate>;
/** A contact added to a vendor, or one removed. */
export const ZContactAdd = ZContactInput.extend({ vendorId: id });
export const ZContactRemove = z.object({ vendorId: id, contactId: id });

export const ZVendorOut = z.object({
  id: z.string(),
  name: z.string(),
  contactEmail: z.string().nullable(),
  leadTimeSlaDays: z.number().int(),
  rmaSlaDays: z.number().int(),
  supportResponseHours: z.number().int(),
  warrantyYears: z.number().int(),
  contacts: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), role: z.string().nullable() })),
});
export type TVendorOut = z.infer<typeof ZVendorOut>;
export const ZVendorItems = z.object({ items: z.array(ZVendorOut) });

export const ZPriceInput = z.object({ vendorId: id, currency: ZCurrency, listPrice: money });
/** A vendor's list price for a model in one currency; null removes it. */
export const ZListPriceSet = z.object({ vendorId: id, modelId: id, currency: ZCurrency, listPrice: money.nullable() });
export type TListPriceSet = z.input<typeof ZListPriceSet>;
export const ZModelInput = z.object({
  manufacturerId: id,
  name,
  kind: z.enum(["SERVER", "SWITCH", "PDU", "CPU", "DIMM", "DRIVE", "NIC", "PSU", "OTHER"]),
  partNumber: z.string().trim().min(1, "Required").max(64),
  uHeight: z.number().int().min(0).max(20).default(0),
  typicalWatts: z.number().int().min(0).max(100_000).default(0),
  nominalWatts: z.number().int().min(0).max(100_000).default(0),
  prices: z.array(ZPriceInput).max(50).default([]),
});
export type TModelInput = z.input<typeof ZModelInput>;
export const ZModelOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  partNumber: z.string(),
  manufacturerId: z.string(),
  uHeight: z.number().int(),
  typicalWatts: z.number().int(),
  nominalWatts: z.number().int(),
  prices: z.array(z.object({ vendorId: z.string(), currency: z.string(), listPrice: z.number() })),
});
export const ZModelItems = z.object({ items: z.array(ZModelOut) });

// ------------------------------------------------------------------ settings (Setup) and TCO parameters

export const ZTcoParams = z.object({
  pue: z.number().min(1, "PUE is at least 1").max(5),
  tariffPerKwh: z.number().min(0).max(100),
  afr: z.number().min(0).max(1, "An annual failure rate is a fraction (0.02 = 2 %)"),
  costPerFailure: money,
  costPerUMonth: money,
  discountRate: z.number().min(0).max(1, "A discount rate is a fraction (0.08 = 8 %)"),
});
export type TTcoParams = z.infer<typeof ZTcoParams>;
export const ZWeights = z
  .object({ weightTco: z.number().min(0).max(1), weightLeadTime: z.number().min(0).max(1), weightSla: z.number().min(0).max(1) })
  .refine((w) => Math.abs(w.weightTco + w.weightLeadTime + w.weightSla - 1) < 1e-9, { message: "The weights must add up to 1", path: ["weightTco"] });
export const ZSettings = ZTcoParams.extend({ weightTco: z.number(), weightLeadTime: z.number(), weightSla: z.number() });
export type TSettings = z.infer<typeof ZSettings>;
export const ZSettingsInput = z.object({ ...ZTcoParams.shape, weightTco: z.number().min(0).max(1), weightLeadTime: z.number().min(0).max(1), weightSla: z.number().min(0).max(1) }).superRefine((w, ctx) => {
  if (Math.abs(w.weightTco + w.weightLeadTime + w.weightSla - 1) > 1e-9) ctx.addIssue({ code: "custom", message: "The weights must add up to 1", path: ["weightTco"] });
});
export const DEFAULT_SETTINGS: TSettings = { pue: 1.4, tariffPerKwh: 0.2, afr: 0.02, costPerFailure: 500, costPerUMonth: 15, discountRate: 0, weightTco: 0.6, weightLeadTime: 0.2, weightSla: 0.2 };

// ------------------------------------------------------------------ RFQ

export const ZRfqLineInput = z
  .object({
    modelId: id.optional(),
    spec: z.string().trim().min(1).max(500).optional(),
    quantity: z.number().int("A whole number").min(1, "Quantity must be more than 0").max(1_000_000),
    budgetUnitPrice: money.optional(),
  })
  .refine((l) => !!l.modelId !== !!l.spec, { message: "Give either a hardware model or a free-text spec", path: ["modelId"] });
export const ZRfqInput = z.object({
  title: z.string().trim().min(1, "Required").max(200),
  currency: ZCurrency,
  horizonYears: z.number().int().min(1).max(15).default(5),
  needBy: isoDate.optional(),
  siteId: id.optional(),
  params: ZTcoParams.partial().default({}),
  lines: z.array(ZRfqLineInput).min(1, "Add at least one line").max(2000),
  vendorIds: z.array(id).max(100).default([]),
});
export type TRfqInput = z.input<typeof ZRfqInput>;
export const ZRfqId = z.object({ id });
export const ZRfqInvite = z.object({ id, vendorIds: z.array(id).min(1, "Choose at least one vendor").max(100) });
export const ZRfqVendorsBody = z.object({ vendorIds: z.array(id).min(1, "Choose at least one vendor").max(100) });
/** An open RFQ's TCO parameters: a number overrides Setup's default, null goes back to it, left out stays. */
export const ZRfqParamsUpdate = z.object({
  id,
  params: z.object(Object.fromEntries(Object.entries(ZTcoParams.shape).map(([k, v]) => [k, v.nullable().optional()])) as { [K in keyof typeof ZTcoParams.shape]: z.ZodOptional<z.ZodNullable<(typeof ZTcoParams.shape)[K]>> }),
});
export type TRfqParamsUpdate = z.input<typeof ZRfqParamsUpdate>;

const ZQuoteLineOut = z.object({
  rfqLineId: z.string(),
  declined: z.boolean(),
  unitPrice: z.number().nullable(),
  leadTimeDays: z.number().int().nullable(),
  warrantyYears: z.number().nullable(),
  supportPerYear: z.number().nullable(),
  typicalWatts: z.number().nullable(),
  nominalWatts: z.number().nullable(),
  validUntil: z.date().nullable(),
});
export const ZRfqOut = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  currency: z.string(),
  horizonYears: z.number().int(),
  needBy: z.date().nullable(),
  siteId: z.string().nullable(),
  status: z.string(),
  params: ZTcoParams.partial(),
  createdAt: z.date(),
  lines: z.array(z.object({ id: z.string(), lineNo: z.number().int(), modelId: z.string().nullable(), modelName: z.string().nullable(), spec: z.string().nullable(), quantity: z.number().int(), budgetUnitPrice: z.number().nullable() })),
  vendors: z.array(z.object({ vendorId: z.string(), name: z.string() })),
  quotes: z.array(z.object({ id: z.string(), vendorId: z.string(), round: z.number().int(), currency: z.string(), declined: z.boolean(), source: z.string(), submittedAt: z.date(), lines: z.array(ZQuoteLineOut) })),
});
export type TRfqOut = z.infer<typeof ZRfqOut>;
export const ZRfqSummary = z.object({ id: z.string(), number: z.string(), title: z.string(), currency: z.string(), status: z.string(), lineCount: z.number().int(), vendorCount: z.number().int(), createdAt: z.date(), needBy: z.date().nullable() });
export const ZRfqItems = z.object({ items: z.array(ZRfqSummary) });

// ------------------------------------------------------------------ quotes

export const ZPricedQuoteLine = z.object({
  rfqLineId: id,
  declined: z.literal(false).optional(),
  unitPrice: money,
  leadTimeDays: z.number().int().min(0).max(730),
  warrantyYears: z.number().min(0).max(15),
  supportPerYear: money,
  typicalWatts: z.number().min(0).max(100_000),
  nominalWatts: z.number().min(0).max(100_000).optional(),
  validUntil: isoDate.optional(),
});
export const ZQuoteLineInput = z.union([z.object({ rfqLineId: id, declined: z.literal(true) }).strict(), ZPricedQuoteLine]);
export type TQuoteLineInput = z.infer<typeof ZQuoteLineInput>;
export const ZQuoteInput = z.object({
  vendorId: id,
  round: z.number().int().min(1).max(20),
  /** when given, it must be the RFQ's currency */
  currency: ZCurrency.optional(),
  /** the vendor declined the whole round */
  declined: z.boolean().default(false),
  lines: z.array(ZQuoteLineInput).max(2000).default([]),
});
export type TQuoteInput = z.input<typeof ZQuoteInput>;
export const ZQuoteSubmit = ZQuoteInput.extend({ rfqId: id });
export const ZQuoteCsvBody = z.object({ vendorId: id, round: z.number().int().min(1).max(20), csv: z.string().min(1, "The CSV is empty").max(5_000_000) });
/** POST /rfqs/{id}/quotes.csv with a raw text/csv body: the rest of ZQuoteCsvBody comes in the query string. */
export const ZQuoteCsvQuery = z.object({ vendorId: id, round: z.coerce.number<string>().int().min(1).max(20) });
export const ZQuoteCsvSubmit = ZQuoteCsvBody.extend({ rfqId: id });
export const ZQuoteOut = z.object({ id: z.string(), vendorId: z.string(), round: z.number().int(), declined: z.boolean(), lineCount: z.number().int() });

// ------------------------------------------------------------------ TCO output

export const ZCostBreakdown = z.object({ purchase: z.number(), energy: z.number(), support: z.number(), failure: z.number(), space: z.number(), total: z.number() });
export const ZTcoOut = z.object({
  rfqId: z.string(),
  currency: z.string(),
  horizonYears: z.number().int(),
  parameters: ZTcoParams,
  weights: z.object({ tco: z.number(), leadTime: z.number(), sla: z.number() }),
  lines: z.array(
    z.object({
      rfqLineId: z.string(),
      lineNo: z.number().int(),
      label: z.string(),
      quantity: z.number().int(),
      uHeight: z.number(),
      missingVendorIds: z.array(z.string()),
      declinedVendorIds: z.array(z.string()),
      quotes: z.array(
        z.object({
          quoteId: z.string(),
          vendorId: z.string(),
          round: z.number().int(),
          unitPrice: z.number(),
          leadTimeDays: z.number().int(),
          perUnit: ZCostBreakdown,
          lineTotal: z.number(),
          rank: z.number().int(),
          score: z.number(),
          scoreRank: z.number().int(),
          cumulative: z.array(z.number()),
        }),
      ),
    }),
  ),
  vendors: z.array(z.object({ vendorId: z.string(), name: z.string(), linesQuoted: z.number().int(), total: z.number(), rank: z.number().int(), slaScore: z.number() })),
  sensitivity: z.array(z.object({ name: z.string(), tariffFactor: z.number(), pueFactor: z.number(), vendors: z.array(z.object({ vendorId: z.string(), total: z.number(), rank: z.number().int() })), winnersChanged: z.number().int() })),
});
export type TTcoOut = z.infer<typeof ZTcoOut>;
/** REST: TCO parameters overridden for one look (what-if), on top of the RFQ's and Setup's. */
export const ZTcoRestQuery = z.object({
  pue: z.coerce.number().min(1).max(5).optional(),
  tariffPerKwh: z.coerce.number().min(0).max(100).optional(),
  afr: z.coerce.number().min(0).max(1).optional(),
  costPerFailure: z.coerce.number().min(0).optional(),
  costPerUMonth: z.coerce.number().min(0).optional(),
  discountRate: z.coerce.number().min(0).max(1).optional(),
});

// ------------------------------------------------------------------ award and purchase orders

export const ZAwardInput = z
  .object({
    /** whole award: every line to this vendor */
    vendorId: id.optional(),
    /** or per line, whole or split between vendors */
    lines: z.array(z.object({ rfqLineId: id, splits: z.array(z.object({ vendorId: id, quantity: z.number().int().min(1, "Quantity must be more than 0") })).min(1).max(20) })).max(2000).optional(),
    /** the over-budget warning was seen and accepted */
    confirmOverBudget: z.boolean().default(false),
  })
  .refine((a) => !!a.vendorId !== !!a.lines, { message: "Award to one vendor (vendorId) or per line (lines), not both", path: ["vendorId"] });
export type TAwardInput = z.input<typeof ZAwardInput>;
export const ZAwardSubmit = ZAwardInput.and(z.object({ rfqId: id }));

export const PO_STATUSES = ["DRAFT", "ISSUED", "PARTIALLY_RECEIVED", "RECEIVED", "CLOSED", "CANCELLED"] as const;
export type TPoStatus = (typeof PO_STATUSES)[number];
export const ZPoLineOut = z.object({
  id: z.string(),
  lineNo: z.number().int(),
  rfqLineId: z.string().nullable(),
  modelId: z.string().nullable(),
  spec: z.string().nullable(),
  quantity: z.number().int(),
  unitPrice: z.number(),
  leadTimeDays: z.number().int(),
  expectedAt: z.date().nullable(),
  baselineBudget: z.number().nullable(),
  baselineFirstRound: z.number().nullable(),
  receivedQty: z.number().int(),
  assetIds: z.array(z.string()),
});
export const ZPoOut = z.object({
  id: z.string(),
  number: z.string(),
  rfqId: z.string().nullable(),
  vendorId: z.string(),
  vendorName: z.string(),
  currency: z.string(),
  siteId: z.string().nullable(),
  status: z.enum(PO_STATUSES),
  total: z.number(),
  createdAt: z.date(),
  issuedAt: z.date().nullable(),
  receivedAt: z.date().nullable(),
  closedAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  late: z.boolean(),
  lines: z.array(ZPoLineOut),
});
export type TPoOut = z.infer<typeof ZPoOut>;
export const ZPoSummary = ZPoOut.omit({ lines: true });
export const ZPoItems = z.object({ items: z.array(ZPoSummary) });
export const ZPoListQuery = z.object({ status: z.enum(PO_STATUSES).optional(), vendorId: id.optional(), rfqId: id.optional() });
export const ZBudgetWarning = z.object({ siteId: z.string(), quarter: z.string(), currency: z.string(), budget: z.number(), committed: z.number(), award: z.number(), over: z.number() });
export const ZAwardOut = z.object({ purchaseOrders: z.array(ZPoSummary), warnings: z.array(ZBudgetWarning) });

// ------------------------------------------------------------------ CapEx plan

export const ZQuarter = z.string().regex(/^\d{4}-Q[1-4]$/, "A quarter looks like 2026-Q3");
export const ZBudgetInput = z.object({ siteId: id, quarter: ZQuarter, currency: ZCurrency, amount: money });
export const ZCapexQuery = z.object({ quarter: ZQuarter.optional(), siteId: id.optional() });
export const ZCapexOut = z.object({
  items: z.array(z.object({ siteId: z.string(), quarter: z.string(), currency: z.string(), budget: z.number(), committed: z.number(), received: z.number(), remaining: z.number() })),
});

// ------------------------------------------------------------------ KPIs

/** A period: a year (2026), a quarter (2026-Q2) or a month (2026-05); or from/to dates (to is exclusive). */
export const ZPeriod = z.string().trim().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, "A period is a year (2026), a quarter (2026-Q2) or a month (2026-05)");
export const ZKpiQuery = z.object({ period: ZPeriod.optional(), from: isoDate.optional(), to: isoDate.optional(), vendorId: id.optional() });

/** The [from, to) dates of a KPI query. */
export function periodRange(q: { period?: string; from?: Date; to?: Date }): { from?: Date; to?: Date } {
  if (!q.period) return { from: q.from, to: q.to };
  const y = Number(q.period.slice(0, 4));
  if (q.period.length === 4) return { from: new Date(Date.UTC(y, 0, 1)), to: new Date(Date.UTC(y + 1, 0, 1)) };
  if (q.period[5] === "Q") {
    const n = Number(q.period[6]);
    return { from: new Date(Date.UTC(y, (n - 1) * 3, 1)), to: new Date(Date.UTC(y, n * 3, 1)) };
  }
  const m = Number(q.period.slice(5, 7));
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}
export const ZSavingsOut = z.object({
  target: z.number(),
  vsBudget: z.object({ ratio: z.number().nullable(), baseline: z.number(), awarded: z.number(), lines: z.number().int() }),
  vsFirstRound: z.object({ ratio: z.number().nullable(), baseline: z.number(), awarded: z.number(), lines: z.number().int() }),
  byVendor: z.array(z.object({ vendorId: z.string(), name: z.string(), vsBudget: z.number().nullable(), vsFirstRound: z.number().nullable() })),
  drill: z.array(z.object({ poId: z.string(), poNumber: z.string(), poLineId: z.string(), vendorId: z.string(), quantity: z.number().int(), unitPrice: z.number(), baselineBudget: z.number().nullable(), baselineFirstRound: z.number().nullable(), issuedAt: z.date() })),
});
export const ZLeadTimeOut = z.object({
  targetDays: z.number(),
  vendors: z.array(
    z.object({
      vendorId: z.string(),
      name: z.string(),
      committedDays: z.number().int(),
      received: z.number().int(),
      p50: z.number().nullable(),
      p90: z.number().nullable(),
      max: z.number().nullable(),
      latePos: z.array(z.object({ poId: z.string(), number: z.string(), issuedAt: z.date(), dueAt: z.date(), open: z.boolean() })),
    }),
  ),
  drill: z.array(z.object({ poId: z.string(), poNumber: z.string(), vendorId: z.string(), assetId: z.string(), issuedAt: z.date(), receivedAt: z.date(), days: z.number() })),
});
export const ZScorecardOut = z.object({
  items: z.array(
    z.object({
      vendorId: z.string(),
      name: z.string(),
      /** each metric is null until there is data for it (RMA turnaround and DOA rate come with their domains) */
      metrics: z.object({
        leadTimeP50Days: z.number().nullable(),
        leadTimeP90Days: z.number().nullable(),
        onTimeRate: z.number().nullable(),
        rmaTurnaroundDays: z.number().nullable(),
        doaRate: z.number().nullable(),
      }),
      sla: z.object({ leadTimeSlaDays: z.number().int(), rmaSlaDays: z.number().int(), supportResponseHours: z.number().int(), warrantyYears: z.number().int() }),
    }),
  ),
});

// ------------------------------------------------------------------ who may do what

/** Who writes procurement records (RFQs, quotes, awards, POs, Setup, CapEx plan). */
export const PROCUREMENT_WRITERS = ["admin", "procurement"] as const;
/** Who reads RFQs, quotes, TCO, the CapEx plan and the KPIs. */
export const PROCUREMENT_READERS = ["admin", "procurement", "viewer"] as const;
/** Who reads purchase orders (receiving works against them). */
export const PO_READERS = ["admin", "procurement", "viewer", "warehouse"] as const;
/** Who syncs a PO's receipts (receiving calls it). */
export const PO_RECEIVERS = ["admin", "procurement", "warehouse"] as const;

export const ZPoId = z.object({ id });
export const ZPoCancel = z.object({ id, reason: z.string().trim().max(500).optional() });
export const ZPoCancelBody = z.object({ reason: z.string().trim().max(500).optional() });
export const ZTcoInput = z.object({ id, overrides: ZTcoParams.partial().optional() });

export const ZReportFormat = z.enum(["pdf", "csv"]);
export const ZTcoReportInput = z.object({ id, format: ZReportFormat });
export const ZKpiReportInput = z.object({ period: ZPeriod.optional(), vendorId: id.optional(), format: ZReportFormat });
export const ZReportFile = z.object({ filename: z.string(), contentType: z.string(), base64: z.string() });
export const ZCharts = z.object({ breakdown: z.string(), cumulative: z.string(), sensitivity: z.string() });
