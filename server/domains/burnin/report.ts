/**
 * A run's evidence as a PDF for the vendor (pdfkit; the sensor charts are the same ECharts SVG the run
 * page shows, drawn with svg-to-pdfkit): the asset and its serials, the verdict and the failing rule,
 * the sensor traces against their limits, the SEL entries and the in-band results, "page n of m".
 */
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import type { TDeps, TActor } from "../../context";
import { renderSvg, sensorOption } from "./charts";
import { runDetail, runEvidence } from "./service";

const MARGIN = 50;
type TDoc = PDFKit.PDFDocument;
const ts = (d: Date | string | number) => new Date(d).toISOString().slice(0, 16).replace("T", " ");

function ensure(doc: TDoc, h: number) {
  if (doc.y + h > doc.page.height - MARGIN - 20) doc.addPage();
}
function heading(doc: TDoc, text: string) {
  ensure(doc, 40);
  doc.moveDown(0.6).font("Helvetica-Bold").fontSize(13).fillColor("#0f172a").text(text, MARGIN, doc.y);
  doc.moveDown(0.3).font("Helvetica").fontSize(9);
}
function line(doc: TDoc, text: string) {
  ensure(doc, 14);
  doc.font("Helvetica").fontSize(9).fillColor("#0f172a").text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
}

export async function evidencePdf(deps: TDeps, actor: TActor, runId: string): Promise<{ filename: string; contentType: string; base64: string }> {
  const [run, evidence] = await Promise.all([runDetail(deps, actor, runId), runEvidence(deps, runId)]);
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, bufferPages: true, info: { Title: `Burn-in evidence ${run.serial}`, Producer: "IronLedger" } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.font("Helvetica-Bold").fontSize(18).fillColor("#0f172a").text(`Burn-in evidence: ${run.serial}`, MARGIN, MARGIN);
  line(doc, `${run.model} · profile ${run.profile} · run ${run.id} · generated ${ts(deps.clock.now())} UTC`);
  line(doc, `Soak ${ts(run.startedAt)} → ${ts(run.endsAt)} UTC · ${run.samples} readings · result: ${run.status}${run.finishedAt ? ` at ${ts(run.finishedAt)}` : ""}`);
  if (evidence?.serials) {
    heading(doc, "Serials");
    line(doc, `${evidence.serials.manufacturer} ${evidence.serials.model}, serial ${evidence.serials.serial}`);
    for (const p of evidence.serials.parts) line(doc, `  ${p.kind} ${p.serial}`);
  }
  if (run.failure) {
    heading(doc, "Failing rule");
    line(doc, `${run.failure.rule} (${run.failure.kind}) at ${ts(run.failure.at)} UTC`);
    line(doc, run.failure.message);
  }
  if (evidence?.trace && evidence.trace.points.length) {
    heading(doc, `Trace around the failure: ${evidence.trace.sensor}`);
    const limits = run.series.find((s) => s.sensor.name === evidence.trace!.sensor)?.limits ?? {};
    chart(doc, sensorOption({ sensor: { name: evidence.trace.sensor, unit: evidence.trace.unit, type: "other" }, points: evidence.trace.points, limits }, run.failure ? Date.parse(run.failure.at) : undefined));
  }
  heading(doc, "Sensors against their limits");
  for (const s of run.series.filter((x) => x.points.length > 0 && (x.limits.above !== undefined || x.limits.below !== undefined)).slice(0, 12)) chart(doc, sensorOption(s, run.failure?.sensor === s.sensor.name ? Date.parse(run.failure.at) : undefined));
  heading(doc, "System event log during the soak");
  const sel = run.events.filter((e) => e.severity !== "baseline");
  if (sel.length === 0) line(doc, "No entries.");
  for (const e of sel.slice(0, 200)) line(doc, `${ts(e.at)}  #${e.selId}  ${e.sensorType}: ${e.event}  [${e.severity}]`);
  heading(doc, "In-band results");
  if (run.results.length === 0) line(doc, "None reported.");
  for (const r of run.results) {
    line(doc, `${r.stage} (${r.tool}) ${r.passed ? "passed" : "FAILED"} · ${ts(r.startedAt)} → ${ts(r.finishedAt)} · ${Object.entries(r.figures).map(([k, v]) => `${k}=${v}`).join(", ")}`);
    if (r.log) line(doc, r.log.slice(-600));
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(8).fillColor("#475569").text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  const pdf = await done;
  return { filename: `burnin-${run.serial}-${run.id}.pdf`, contentType: "application/pdf", base64: pdf.toString("base64") };
}

function chart(doc: TDoc, option: Record<string, unknown>) {
  const w = doc.page.width - 2 * MARGIN;
  const h = w * (260 / 720);
  ensure(doc, h + 10);
  SVGtoPDF(doc, renderSvg(option), MARGIN, doc.y, { width: w, height: h });
  doc.y += h + 10;
  doc.x = MARGIN;
}
