/**
 * A run's sensor traces as Apache ECharts options, rendered to SVG on the server: the run page shows
 * this SVG and the evidence PDF draws the same SVG (svg-to-pdfkit). Limits are drawn as lines with
 * the band beyond them shaded.
 */
import * as echarts from "echarts/core";
import { LineChart } from "echarts/charts";
import { GridComponent, MarkAreaComponent, MarkLineComponent, TitleComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { TSeries } from "./schema";

echarts.use([LineChart, GridComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

export function renderSvg(option: Record<string, unknown>, width = 720, height = 260): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One sensor against its limits; `failAt` (ms) marks where the run failed. */
export function sensorOption(s: Pick<TSeries, "sensor" | "points" | "limits">, failAt?: number): Record<string, unknown> {
  const values = s.points.map((p) => p[1]).filter((v): v is number => v !== null);
  const lo = Math.min(...values, s.limits.below ?? Infinity, s.limits.above ?? Infinity);
  const hi = Math.max(...values, s.limits.above ?? -Infinity, s.limits.below ?? -Infinity);
  const pad = Math.max(1, (hi - lo) * 0.1);
  const marks = [
    ...(s.limits.above !== undefined ? [{ yAxis: s.limits.above, name: `limit ${s.limits.above}` }] : []),
    ...(s.limits.below !== undefined ? [{ yAxis: s.limits.below, name: `limit ${s.limits.below}` }] : []),
  ];
  const bands = [
    ...(s.limits.above !== undefined ? [[{ yAxis: s.limits.above }, { yAxis: hi + pad }]] : []),
    ...(s.limits.below !== undefined ? [[{ yAxis: lo - pad }, { yAxis: s.limits.below }]] : []),
  ];
  return {
    animation: false,
    title: { text: `${s.sensor.name} (${s.sensor.unit})`, left: "center", textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "time" },
    yAxis: { type: "value", min: Math.floor(lo - pad), max: Math.ceil(hi + pad) },
    series: [
      {
        type: "line",
        name: s.sensor.name,
        showSymbol: false,
        lineStyle: { width: 1.5, color: "#1e3a8a" },
        data: s.points,
        markLine: { symbol: "none", lineStyle: { color: "#dc2626", type: "dashed" }, data: [...marks, ...(failAt ? [{ xAxis: failAt, name: "failed", lineStyle: { color: "#991b1b", type: "solid" } }] : [])] },
        markArea: { silent: true, itemStyle: { color: "rgba(220,38,38,0.08)" }, data: bands },
      },
    ],
  };
}
