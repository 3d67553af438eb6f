/**
 * The TCO comparison's charts as Apache ECharts options, rendered to SVG on the server: the page
 * shows this SVG and the PDF report draws the same SVG (svg-to-pdfkit), so screen and paper match.
 */
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { TTcoOut } from "./schema";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

const PARTS = ["purchase", "energy", "support", "failure", "space"] as const;
const PART_LABEL: Record<(typeof PARTS)[number], string> = { purchase: "Purchase", energy: "Energy", support: "Support", failure: "Failures", space: "Space" };
const COLORS = ["#1e3a8a", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#65a30d", "#db2777", "#475569", "#ea580c", "#4f46e5", "#16a34a"];

/** Per vendor, over the lines it quoted: each cost part × quantity. */
function vendorParts(tco: TTcoOut) {
  const out = new Map<string, Record<(typeof PARTS)[number], number>>();
  for (const l of tco.lines) {
    for (const q of l.quotes) {
      const acc = out.get(q.vendorId) ?? { purchase: 0, energy: 0, support: 0, failure: 0, space: 0 };
      for (const p of PARTS) acc[p] += q.perUnit[p] * l.quantity;
      out.set(q.vendorId, acc);
    }
  }
  return out;
}

const base = { animation: false, color: COLORS, textStyle: { fontFamily: "Helvetica, Arial, sans-serif" } };

export function breakdownOption(tco: TTcoOut) {
  const parts = vendorParts(tco);
  const vendors = tco.vendors.filter((v) => parts.has(v.vendorId));
  return {
    ...base,
    title: { text: `Cost breakdown over ${tco.horizonYears} years (${tco.currency})`, left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: vendors.map((v) => v.name) },
    yAxis: { type: "value" },
    series: PARTS.map((p) => ({ name: PART_LABEL[p], type: "bar", stack: "tco", data: vendors.map((v) => Math.round(parts.get(v.vendorId)![p])) })),
  };
}

export function cumulativeOption(tco: TTcoOut) {
  const years = Array.from({ length: tco.horizonYears + 1 }, (_, k) => `Y${k}`);
  const sums = new Map<string, number[]>();
  for (const l of tco.lines) {
    for (const q of l.quotes) {
      const s = sums.get(q.vendorId) ?? new Array<number>(years.length).fill(0);
      q.cumulative.forEach((c, k) => (s[k]! += c * l.quantity));
      sums.set(q.vendorId, s);
    }
  }
  const vendors = tco.vendors.filter((v) => sums.has(v.vendorId));
  return {
    ...base,
    title: { text: `Cumulative cost (${tco.currency})`, left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value" },
    series: vendors.map((v) => ({ name: v.name, type: "line", data: sums.get(v.vendorId)!.map((x) => Math.round(x)) })),
  };
}

export function sensitivityOption(tco: TTcoOut) {
  const vendors = tco.vendors.filter((v) => v.linesQuoted > 0);
  return {
    ...base,
    title: { text: `Sensitivity: vendor totals with tariff and PUE ±20 % (${tco.currency})`, left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: tco.sensitivity.map((s) => s.name) },
    yAxis: { type: "value" },
    series: vendors.map((v) => ({ name: v.name, type: "bar", data: tco.sensitivity.map((s) => Math.round(s.vendors.find((x) => x.vendorId === v.vendorId)?.total ?? 0)) })),
  };
}

/** One option to an SVG string (server-side rendering, no DOM). */
export function renderSvg(option: Record<string, unknown>, width = 720, height = 360): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function tcoCharts(tco: TTcoOut) {
  return { breakdown: renderSvg(breakdownOption(tco)), cumulative: renderSvg(cumulativeOption(tco)), sensitivity: renderSvg(sensitivityOption(tco)) };
}

export function leadTimeOption(lead: { targetDays: number; vendors: { name: string; p50: number | null; p90: number | null; max: number | null }[] }) {
  return {
    ...base,
    title: { text: "Lead time per vendor (days)", left: "center", textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: lead.vendors.map((v) => v.name) },
    yAxis: { type: "value" },
    series: [
      { name: "p50", type: "bar", data: lead.vendors.map((v) => v.p50 ?? 0) },
      { name: "p90", type: "bar", data: lead.vendors.map((v) => v.p90 ?? 0) },
      { name: "max", type: "bar", data: lead.vendors.map((v) => v.max ?? 0), markLine: { symbol: "none", data: [{ yAxis: lead.targetDays, name: "target" }] } },
    ],
  };
}
