/**
 * Documents: an RMA request for the vendor's portal (PDF and CSV), and the certificate of sanitisation
 * per disposal batch (PDF: every serial, its storage devices' method and verification, the chain of
 * custody and the recycler's certificate fingerprint). House style from server/pdf.ts.
 */
import { stringify } from "csv-stringify/sync";
import type { TDeps } from "../../context";
import { finish, heading, MARGIN, newDoc, table } from "../../pdf";
import { getCase } from "./service";
import { getBatch } from "./disposal";
import { evidenceOfHosts } from "./sanitisation";

type TFile = { filename: string; contentType: string; base64: string };
const ts = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "—");

export async function rmaRequest(deps: TDeps, id: string, format: "pdf" | "csv"): Promise<TFile> {
  const c = await getCase(deps, id);
  const fields: [string, string][] = [
    ["RMA case", c.number],
    ["Vendor", c.vendorName ?? "—"],
    ["Vendor RMA number", c.vendorRmaNumber ?? "—"],
    ["Serial", c.assetSerial],
    ["Asset tag", c.assetTag ?? "—"],
    ["Model", c.modelName],
    ["Fault", c.reason],
    ["Fault code", c.faultCode ?? "—"],
    ["Replacement", c.mode === "ADVANCE" ? "advance replacement" : "return first"],
    ["Keep your drive", c.keepDrive ? "yes" : "no"],
    ["Opened", ts(c.openedAt)],
    ["SLA", `${c.slaDays} days (due ${ts(c.dueAt)})`],
    ["Carrier / tracking", c.carrier ? `${c.carrier} ${c.trackingNumber ?? ""}` : "—"],
    ["Shipped", ts(c.shippedAt)],
  ];
  const burnIn = (c.evidence?.burnIn ?? null) as { runId: string; failure: { rule?: string; detail?: string; at?: string } | null; sel: { selId: number; at: string; sensorType: string; event: string; severity: string }[]; serials: { parts?: { kind: string; serial: string }[] } | null } | null;
  if (format === "csv") {
    const rows = [...fields, ...(burnIn?.failure ? [["Burn-in failing rule", `${burnIn.failure.rule ?? ""} ${burnIn.failure.detail ?? ""}`.trim()] as [string, string]] : []), ...(burnIn?.serials?.parts ?? []).map((p) => [`Part ${p.kind}`, p.serial] as [string, string])];
    return { filename: `${c.number}.csv`, contentType: "text/csv; charset=utf-8", base64: Buffer.from(stringify([["field", "value"], ...rows])).toString("base64") };
  }
  const doc = newDoc(`RMA request — ${c.number}`);
  doc.font("Helvetica").fontSize(10).text(`Generated ${ts(deps.clock.now())}`);
  heading(doc, "Case");
  table(doc, [{ label: "Field", width: 150 }, { label: "Value", width: 345 }], fields.map(([k, v]) => [k, v]));
  if (burnIn) {
    heading(doc, "Burn-in evidence");
    doc.text(`Run ${burnIn.runId}: ${burnIn.failure ? `failing rule ${burnIn.failure.rule ?? "?"} ${burnIn.failure.detail ?? ""}` : "failed"}. Full evidence PDF: /burnin/${burnIn.runId}/evidence.pdf`, MARGIN, doc.y, { width: 495 });
    if (burnIn.sel.length) table(doc, [{ label: "SEL id", width: 50, align: "right" }, { label: "At", width: 110 }, { label: "Sensor type", width: 100 }, { label: "Event", width: 235 }], burnIn.sel.map((e) => [String(e.selId), e.at.slice(0, 16).replace("T", " "), e.sensorType, e.event]));
    if (burnIn.serials?.parts?.length) table(doc, [{ label: "Part", width: 100 }, { label: "Serial", width: 395 }], burnIn.serials.parts.map((p) => [p.kind, p.serial]));
  }
  return { filename: `${c.number}.pdf`, contentType: "application/pdf", base64: (await finish(doc)).toString("base64") };
}

export async function sanitisationCertificate(deps: TDeps, batchId: string): Promise<TFile> {
  const b = await getBatch(deps, batchId);
  const records = await evidenceOfHosts(deps.db, b.items.map((i) => i.assetId));
  const doc = newDoc(`Certificate of sanitisation — ${b.number}`);
  doc.font("Helvetica").fontSize(10).text(`Recycler ${b.recycler} (${b.certification}) · ${b.items.length} assets · ${b.totalWeightKg} kg · batch ${b.status.toLowerCase()}${b.closedAt ? ` ${ts(b.closedAt)}` : ""} · generated ${ts(deps.clock.now())}`);
  doc.text("Storage devices sanitised to NIST SP 800-88 before they left the building; the method and its verification per device below.");
  heading(doc, "Assets and storage devices");
  const rows: string[][] = [];
  for (const it of b.items) {
    const mine = records.filter((r) => r.hostAssetId === it.assetId);
    if (!mine.length) rows.push([it.assetTag ?? it.serial, it.serial, "no storage devices", "", "", "", it.sealNumber ?? ""]);
    for (const r of mine) rows.push([it.assetTag ?? it.serial, r.deviceSerial, `${r.method} / ${r.technique}`, `${r.tool} ${r.toolVersion}`, r.verification, `${r.operator} ${r.performedAt.toISOString().slice(0, 10)}`, it.sealNumber ?? ""]);
  }
  table(
    doc,
    [
      { label: "Asset", width: 75 },
      { label: "Device serial", width: 80 },
      { label: "Method / technique", width: 90 },
      { label: "Tool", width: 70 },
      { label: "Verified", width: 45 },
      { label: "Operator, date", width: 85 },
      { label: "Seal", width: 50 },
    ],
    rows,
  );
  heading(doc, "Chain of custody");
  table(doc, [{ label: "When", width: 100 }, { label: "From", width: 120 }, { label: "To", width: 120 }, { label: "Signed", width: 155 }], b.handoffs.map((h) => [ts(h.at), h.fromParty, h.toParty, h.signature]));
  heading(doc, "Recycler's certificate");
  doc.text(b.certificate ? `${b.certificate.filename}, ${b.certificate.size} bytes, SHA-256 ${b.certificate.sha256}, uploaded ${ts(b.certificate.uploadedAt)}` : "Not attached yet.", MARGIN, doc.y, { width: 495 });
  return { filename: `${b.number}-sanitisation.pdf`, contentType: "application/pdf", base64: (await finish(doc)).toString("base64") };
}
