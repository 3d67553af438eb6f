/**
 * Reports a CFO accepts: the TCO comparison and the vendor KPI report as PDF (pdfkit; the charts are
 * the same ECharts SVG the page shows, drawn with svg-to-pdfkit) and as CSV (csv-stringify). Each PDF
 * has a title, the parameters, the tables, the charts and "page n of m" on every page.
 */
import SVGtoPDF from "svg-to-pdfkit";
import { stringify } from "csv-stringify/sync";
import { ensure, finish, heading, MARGIN, newDoc, table, type TDoc } from "../../pdf";
import type { z } from "zod";
import { breakdownOption, cumulativeOption, leadTimeOption, renderSvg, sensitivityOption } from "./charts";
import type { TDeps } from "../../context";
import { leadTimeKpi, savingsKpi } from "./kpi";
import type { TTcoOut, ZLeadTimeOut, ZSavingsOut } from "./schema";
import { getRfq, rfqTco } from "./service";

const money = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(1)} %`);
const day = (d: Date) => d.toISOString().slice(0, 10);

function chart(doc: TDoc, option: Record<string, unknown>) {
  const w = doc.page.width - 2 * MARGIN;
  const h = w / 2;
  ensure(doc, h + 10);
  SVGtoPDF(doc, renderSvg(option, 720, 360), MARGIN, doc.y, { width: w, height: h });
  doc.y += h + 10;
  doc.x = MARGIN;
}

export interface TRfqHead {
  number: string;
  title: string;
  needBy: Date | null;
}

export async function tcoPdf(tco: TTcoOut, rfq: TRfqHead, generatedAt: Date): Promise<Buffer> {
  const doc = newDoc(`TCO comparison — ${rfq.number}`);
  const vendorName = new Map(tco.vendors.map((v) => [v.vendorId, v.name]));
  doc.font("Helvetica").fontSize(10).text(rfq.title).text(`Generated ${generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC · currency ${tco.currency} · horizon ${tco.horizonYears} years${rfq.needBy ? ` · need by ${day(rfq.needBy)}` : ""}`);
  heading(doc, "Parameters");
  const p = tco.parameters;
  table(doc, [{ label: "Parameter", width: 250 }, { label: "Value", width: 150, align: "right" }], [
    ["PUE", String(p.pue)],
    [`Tariff per kWh (${tco.currency})`, String(p.tariffPerKwh)],
    ["Annual failure rate", pct(p.afr)],
    [`Cost per failure (${tco.currency})`, money(p.costPerFailure)],
    [`Cost per U-month (${tco.currency})`, money(p.costPerUMonth)],
    ["Discount rate", p.discountRate ? pct(p.discountRate) : "none (undiscounted)"],
    ["Score weights (TCO / lead time / SLA record)", `${tco.weights.tco} / ${tco.weights.leadTime} / ${tco.weights.sla}`],
  ]);
  heading(doc, "Ranking by total cost of ownership");
  table(
    doc,
    [{ label: "Rank", width: 40, align: "right" }, { label: "Vendor", width: 180 }, { label: "Lines quoted", width: 80, align: "right" }, { label: `TCO (${tco.currency})`, width: 110, align: "right" }, { label: "SLA record", width: 80, align: "right" }],
    [...tco.vendors].sort((a, b) => a.rank - b.rank).map((v) => [String(v.rank), v.name, `${v.linesQuoted} of ${tco.lines.length}`, money(v.total), pct(v.slaScore)]),
  );
  heading(doc, "Per line (latest round per vendor; per-unit costs)");
  const cols = [
    { label: "Vendor", width: 85 },
    { label: "Rd", width: 20, align: "right" as const },
    { label: "Purchase", width: 55, align: "right" as const },
    { label: "Energy", width: 50, align: "right" as const },
    { label: "Support", width: 48, align: "right" as const },
    { label: "Failures", width: 40, align: "right" as const },
    { label: "Space", width: 40, align: "right" as const },
    { label: "Total/unit", width: 58, align: "right" as const },
    { label: "Line total", width: 62, align: "right" as const },
    { label: "Rank", width: 27, align: "right" as const },
    { label: "Score", width: 30, align: "right" as const },
  ];
  for (const l of tco.lines) {
    ensure(doc, 60);
    doc.font("Helvetica-Bold").fontSize(9).text(`Line ${l.lineNo}: ${l.label} × ${l.quantity}`, MARGIN, doc.y + 4);
    doc.font("Helvetica").fontSize(8);
    const rows = [...l.quotes].sort((a, b) => a.rank - b.rank).map((q) => [vendorName.get(q.vendorId) ?? q.vendorId, String(q.round), money(q.perUnit.purchase), money(q.perUnit.energy), money(q.perUnit.support), money(q.perUnit.failure), money(q.perUnit.space), money(q.perUnit.total), money(q.lineTotal), String(q.rank), q.score.toFixed(1)]);
    if (rows.length) table(doc, cols, rows);
    const notes = [...l.declinedVendorIds.map((v) => `${vendorName.get(v) ?? v} declined`), ...l.missingVendorIds.map((v) => `${vendorName.get(v) ?? v} did not quote`)];
    if (notes.length) doc.fontSize(8).fillColor("#475569").text(notes.join(" · "), MARGIN, doc.y + 2).fillColor("#0f172a");
  }
  heading(doc, "Sensitivity: tariff and PUE ±20 %");
  const vs = tco.vendors.filter((v) => v.linesQuoted > 0);
  table(
    doc,
    [{ label: "Scenario", width: 90 }, ...vs.map((v) => ({ label: v.name, width: Math.min(110, 320 / Math.max(vs.length, 1)), align: "right" as const })), { label: "Winners changed", width: 80, align: "right" as const }],
    tco.sensitivity.map((s) => [s.name, ...vs.map((v) => { const x = s.vendors.find((y) => y.vendorId === v.vendorId)!; return `${money(x.total)} (#${x.rank})`; }), String(s.winnersChanged)]),
  );
  doc.addPage();
  heading(doc, "Charts");
  chart(doc, breakdownOption(tco));
  chart(doc, cumulativeOption(tco));
  chart(doc, sensitivityOption(tco));
  return finish(doc);
}

export function tcoCsv(tco: TTcoOut, rfq: TRfqHead): string {
  const vendorName = new Map(tco.vendors.map((v) => [v.vendorId, v.name]));
  const rows = tco.lines.flatMap((l) => l.quotes.map((q) => [rfq.number, l.lineNo, l.label, l.quantity, vendorName.get(q.vendorId) ?? q.vendorId, q.round, q.unitPrice, q.perUnit.purchase, q.perUnit.energy, q.perUnit.support, q.perUnit.failure, q.perUnit.space, q.perUnit.total, q.lineTotal, q.rank, q.score]));
  return stringify(rows, { header: true, columns: ["rfq", "line", "item", "quantity", "vendor", "round", "unitPrice", "purchase", "energy", "support", "failure", "space", "totalPerUnit", "lineTotal", "rank", "score"] });
}

type TSavings = z.input<typeof ZSavingsOut>;
type TLead = z.input<typeof ZLeadTimeOut>;

export async function kpiPdf(savings: TSavings, lead: TLead, period: string, generatedAt: Date): Promise<Buffer> {
  const doc = newDoc("Vendor KPI report");
  doc.font("Helvetica").fontSize(10).text(`Period: ${period} · generated ${generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`);
  heading(doc, "Cost savings (target ≥ 8 %)");
  table(doc, [{ label: "Baseline", width: 150 }, { label: "Savings", width: 80, align: "right" }, { label: "Baseline total", width: 110, align: "right" }, { label: "Awarded total", width: 110, align: "right" }, { label: "Lines", width: 45, align: "right" }], [
    ["Budget unit price", pct(savings.vsBudget.ratio), money(savings.vsBudget.baseline), money(savings.vsBudget.awarded), String(savings.vsBudget.lines)],
    ["First-round quote", pct(savings.vsFirstRound.ratio), money(savings.vsFirstRound.baseline), money(savings.vsFirstRound.awarded), String(savings.vsFirstRound.lines)],
  ]);
  if (savings.byVendor.length) {
    heading(doc, "Savings per vendor");
    table(doc, [{ label: "Vendor", width: 200 }, { label: "vs budget", width: 100, align: "right" }, { label: "vs first round", width: 100, align: "right" }], savings.byVendor.map((v) => [v.name, pct(v.vsBudget), pct(v.vsFirstRound)]));
  }
  heading(doc, `Lead time, PO issued → received (target ≤ ${lead.targetDays} days)`);
  table(
    doc,
    [{ label: "Vendor", width: 150 }, { label: "Committed", width: 60, align: "right" }, { label: "Received", width: 55, align: "right" }, { label: "p50", width: 45, align: "right" }, { label: "p90", width: 45, align: "right" }, { label: "max", width: 45, align: "right" }, { label: "Late POs", width: 95 }],
    lead.vendors.map((v) => [v.name, `${v.committedDays} d`, String(v.received), v.p50 === null ? "—" : `${v.p50} d`, v.p90 === null ? "—" : `${v.p90} d`, v.max === null ? "—" : `${v.max} d`, v.latePos.map((p) => p.number + (p.open ? " (open)" : "")).join(", ") || "none"]),
  );
  if (lead.vendors.length) chart(doc, leadTimeOption(lead));
  return finish(doc);
}

export function kpiCsv(savings: TSavings, lead: TLead): string {
  const sv = new Map(savings.byVendor.map((v) => [v.vendorId, v]));
  const ids = [...new Set([...lead.vendors.map((v) => v.vendorId), ...savings.byVendor.map((v) => v.vendorId)])];
  const rows = ids.map((id) => {
    const l = lead.vendors.find((v) => v.vendorId === id);
    const s = sv.get(id);
    return [l?.name ?? s?.name ?? id, s?.vsBudget ?? "", s?.vsFirstRound ?? "", l?.committedDays ?? "", l?.received ?? 0, l?.p50 ?? "", l?.p90 ?? "", l?.max ?? "", (l?.latePos ?? []).map((p) => p.number).join(" ")];
  });
  return stringify(rows, { header: true, columns: ["vendor", "savingsVsBudget", "savingsVsFirstRound", "committedLeadTimeDays", "received", "leadTimeP50Days", "leadTimeP90Days", "leadTimeMaxDays", "latePos"] });
}

// ------------------------------------------------------------------ the reports as the API serves them

export interface TReportFile {
  filename: string;
  contentType: string;
  /** the file's bytes, base64 (tRPC carries JSON) */
  base64: string;
}

export async function tcoReport(deps: TDeps, rfqId: string, format: "pdf" | "csv"): Promise<TReportFile> {
  const [rfq, tco] = await Promise.all([getRfq(deps, rfqId), rfqTco(deps, rfqId)]);
  const name = `${rfq.number}-tco`;
  if (format === "csv") return { filename: `${name}.csv`, contentType: "text/csv; charset=utf-8", base64: Buffer.from(tcoCsv(tco, rfq)).toString("base64") };
  return { filename: `${name}.pdf`, contentType: "application/pdf", base64: (await tcoPdf(tco, rfq, deps.clock.now())).toString("base64") };
}

export async function kpiReport(deps: TDeps, q: { period?: string; vendorId?: string }, format: "pdf" | "csv"): Promise<TReportFile> {
  const [s, l] = await Promise.all([savingsKpi(deps, q), leadTimeKpi(deps, q)]);
  const name = `vendor-kpis-${q.period ?? "all"}`;
  if (format === "csv") return { filename: `${name}.csv`, contentType: "text/csv; charset=utf-8", base64: Buffer.from(kpiCsv(s, l)).toString("base64") };
  return { filename: `${name}.pdf`, contentType: "application/pdf", base64: (await kpiPdf(s, l, q.period ?? "all time", deps.clock.now())).toString("base64") };
}
