/**
 * Label documents: asset tags and bin/rack location labels, as PDF (any printer; pdfkit with the
 * barcodes drawn as vector rectangles from bwip-js's symbol matrices) or ZPL II (Zebra printers,
 * with the printer's own barcode commands: ^BC Code128, ^BX DataMatrix, ^BQ QR, ^CI28 UTF-8).
 *
 * What each label carries (every code scans back to something the scan-first pages resolve):
 *   asset  2"×1"  Code128 of the tag (the serial when untagged), DataMatrix of the serial; tag, serial, model, site
 *          4"×6"  Code128 of the tag, Code128 of the serial, DataMatrix of the serial, QR of the tag; the same lines
 *          A4     3 × 8 labels of 70 × 37 mm: Code128 of the tag, QR of the tag; the same lines
 *   location      Code128 and QR of the location key (its path without spaces, "FRA1/B-01"); path, name, kind
 * A4 sheets are for office printers: ZPL is refused for them.
 */
import bwipjs from "bwip-js/node";
import PDFDocument from "pdfkit";
import { AppError } from "../../errors";

export const STOCKS = ["2x1", "4x6", "a4"] as const;
export type TStock = (typeof STOCKS)[number];
export const LABEL_FORMATS = ["pdf", "zpl"] as const;
export type TLabelFormat = (typeof LABEL_FORMATS)[number];

export type TLabel =
  | { kind: "asset"; tag: string | null; serial: string; model: string; site: string | null }
  | { kind: "location"; key: string; path: string; name: string; locationKind: string }
  /** one end of a planned cable (cabling): Code128 and QR of the cable ID; this end, the other end */
  | { kind: "cable"; cableId: string; end: "A" | "B"; here: string; there: string; spec: string };

/** What the asset label's main code carries. */
export function assetCode(l: { tag: string | null; serial: string }): string {
  return l.tag ?? l.serial;
}

/** The scan key of a location label: its path without the spaces ("FRA1 / B-01" → "FRA1/B-01"). */
export function locationKey(path: string): string {
  return path.replace(/\s*\/\s*/g, "/");
}
export function pathFromKey(key: string): string {
  return key.split("/").join(" / ");
}

/** The barcodes one label carries, in drawing order (the tests decode them back). */
export function labelCodes(l: TLabel, stock: TStock): { type: "code128" | "datamatrix" | "qrcode"; value: string }[] {
  if (l.kind === "location") return [{ type: "code128", value: l.key }, { type: "qrcode", value: l.key }];
  if (l.kind === "cable") return [{ type: "code128", value: l.cableId }, { type: "qrcode", value: l.cableId }];
  const main = assetCode(l);
  if (stock === "2x1") return [{ type: "code128", value: main }, { type: "datamatrix", value: l.serial }];
  if (stock === "4x6") return [{ type: "code128", value: main }, { type: "code128", value: l.serial }, { type: "datamatrix", value: l.serial }, { type: "qrcode", value: main }];
  return [{ type: "code128", value: main }, { type: "qrcode", value: main }];
}

export function textLines(l: TLabel): string[] {
  if (l.kind === "location") return [l.path, l.name, l.locationKind];
  if (l.kind === "cable") return [`${l.cableId} end ${l.end}`, `here ${l.here}`, `to ${l.there}`, l.spec];
  return [`Tag ${l.tag ?? "—"}`, `S/N ${l.serial}`, l.model, l.site ?? ""].filter(Boolean);
}

// ---------------------------------------------------------------- PDF

const PT_PER_MM = 72 / 25.4;
const PAGE: Record<TStock, [number, number]> = { "2x1": [144, 72], "4x6": [288, 432], a4: [595.28, 841.89] };
/** A4 sheet: 3 columns × 8 rows of 70 × 37 mm labels, no gaps (a common sheet format) */
const SHEET = { cols: 3, rows: 8, w: 70 * PT_PER_MM, h: 37 * PT_PER_MM, top: (297 - 8 * 37) / 2 * PT_PER_MM, left: 0 };

type TBox = { x: number; y: number; w: number; h: number };

/** Draws a Code128 symbol filling the box's width (with quiet zones of 10 modules on both sides). */
function drawCode128(doc: PDFKit.PDFDocument, value: string, box: TBox) {
  const sym = bwipjs.raw("code128", value, {})[0] as { sbs: number[] };
  const modules = sym.sbs.reduce((a, b) => a + b, 0) + 20;
  const m = box.w / modules;
  let x = box.x + 10 * m;
  for (let i = 0; i < sym.sbs.length; i++) {
    const w = sym.sbs[i]! * m;
    if (i % 2 === 0) doc.rect(x, box.y, w, box.h);
    x += w;
  }
  doc.fill("#000000");
}

/** Draws a 2D symbol (DataMatrix or QR) as a square of the given side, quiet zone included. */
function draw2d(doc: PDFKit.PDFDocument, type: "datamatrix" | "qrcode", value: string, box: TBox) {
  const sym = bwipjs.raw(type, value, type === "qrcode" ? "eclevel=M" : "")[0] as { pixs: number[]; pixx: number; pixy: number };
  const quiet = type === "qrcode" ? 4 : 2;
  const side = Math.min(box.w, box.h);
  const m = side / (Math.max(sym.pixx, sym.pixy) + 2 * quiet);
  for (let r = 0; r < sym.pixy; r++) {
    for (let c = 0; c < sym.pixx; c++) {
      if (sym.pixs[r * sym.pixx + c]) doc.rect(box.x + (quiet + c) * m, box.y + (quiet + r) * m, m, m);
    }
  }
  doc.fill("#000000");
}

/** Helvetica in a PDF covers Latin-1: other characters print as "?" (ZPL labels print UTF-8). */
function pdfText(s: string): string {
  return s.replace(/[^\x20-\x7E\u00A0-\u00FF—]/g, "?");
}

function drawText(doc: PDFKit.PDFDocument, lines: string[], x: number, y: number, size: number, width: number) {
  doc.font("Helvetica").fontSize(size).fillColor("#000000");
  lines.forEach((t, i) => doc.text(pdfText(t), x, y + i * size * 1.15, { width, lineBreak: false, ellipsis: true, height: size * 1.2 }));
}

function drawLabel(doc: PDFKit.PDFDocument, l: TLabel, stock: TStock, o: { x: number; y: number; w: number; h: number }) {
  const codes = labelCodes(l, stock);
  const lines = textLines(l);
  if (stock === "2x1") {
    // Code128 across the top, the 2D code at the right under it, text at the left
    drawCode128(doc, codes[0]!.value, { x: o.x + 2, y: o.y + 4, w: o.w - 4, h: 22 });
    if (codes[1]!.type === "qrcode" || codes[1]!.type === "datamatrix") draw2d(doc, codes[1]!.type, codes[1]!.value, { x: o.x + o.w - 44, y: o.y + 28, w: 42, h: 42 });
    drawText(doc, lines, o.x + 6, o.y + 29, 6, o.w - 54);
  } else if (stock === "4x6") {
    const two = codes.filter((c) => c.type !== "code128");
    const one = codes.filter((c) => c.type === "code128");
    let y = o.y + 18;
    drawText(doc, lines.slice(0, 1), o.x + 18, y, 16, o.w - 36);
    y += 26;
    drawText(doc, lines.slice(1), o.x + 18, y, 11, o.w - 36);
    y += lines.slice(1).length * 13 + 10;
    for (const c of one) {
      drawCode128(doc, c.value, { x: o.x + 10, y, w: o.w - 20, h: 56 });
      y += 72;
    }
    two.forEach((c, i) => draw2d(doc, c.type as "datamatrix" | "qrcode", c.value, { x: o.x + 18 + i * 130, y, w: 116, h: 116 }));
  } else {
    // one 70 × 37 mm cell of an A4 sheet
    drawCode128(doc, codes[0]!.value, { x: o.x + 4, y: o.y + 8, w: o.w - 70, h: 34 });
    draw2d(doc, codes[1]!.type as "qrcode", codes[1]!.value, { x: o.x + o.w - 64, y: o.y + 8, w: 60, h: 60 });
    drawText(doc, lines, o.x + 10, o.y + 48, 7.5, o.w - 76);
  }
}

export async function renderPdf(labels: TLabel[], stock: TStock, title = "Labels"): Promise<Buffer> {
  if (labels.length === 0) throw new AppError("BAD_REQUEST", "Nothing to print: choose at least one asset or location.");
  const [pw, ph] = PAGE[stock];
  const doc = new PDFDocument({ size: [pw, ph], margin: 0, autoFirstPage: false, info: { Title: title, Producer: "IronLedger" } });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res, rej) => {
    doc.on("end", () => res());
    doc.on("error", rej);
  });
  if (stock === "a4") {
    const per = SHEET.cols * SHEET.rows;
    labels.forEach((l, i) => {
      if (i % per === 0) doc.addPage({ size: [pw, ph], margin: 0 });
      const cell = i % per;
      const x = SHEET.left + (cell % SHEET.cols) * SHEET.w + (pw - SHEET.cols * SHEET.w) / 2;
      const y = SHEET.top + Math.floor(cell / SHEET.cols) * SHEET.h;
      drawLabel(doc, l, stock, { x, y, w: SHEET.w, h: SHEET.h });
    });
  } else {
    for (const l of labels) {
      doc.addPage({ size: [pw, ph], margin: 0 });
      drawLabel(doc, l, stock, { x: 0, y: 0, w: pw, h: ph });
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------- ZPL II

/** 203 dpi (8 dots/mm) label sizes in dots */
const ZPL_SIZE: Record<"2x1" | "4x6", [number, number]> = { "2x1": [406, 203], "4x6": [812, 1218] };

/**
 * A field's data: with ^FH the characters ZPL treats as commands (^ and ~) and the escape itself (_)
 * go as _XX hex; everything else is UTF-8 under ^CI28.
 */
export function zplField(s: string): string {
  const clean = s.replace(/[\r\n]/g, " ");
  if (!/[\^~_]/.test(clean)) return `^FD${clean}^FS`;
  return `^FH_^FD${clean.replace(/[\^~_]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`)}^FS`;
}

function zplLabel(l: TLabel, stock: "2x1" | "4x6"): string {
  const [w, h] = ZPL_SIZE[stock];
  const codes = labelCodes(l, stock);
  const lines = textLines(l);
  const out = ["^XA", "^CI28", `^PW${w}`, `^LL${h}`, "^LH0,0"];
  if (stock === "2x1") {
    out.push(`^FO16,10^BY2^BCN,50,N,N,N${zplField(codes[0]!.value)}`);
    const c2 = codes[1]!;
    out.push(c2.type === "qrcode" ? `^FO296,72^BQN,2,3${zplField(`MA,${c2.value}`)}` : `^FO300,76^BXN,6,200${zplField(c2.value)}`);
    lines.forEach((t, i) => out.push(`^FO16,${72 + i * 30}^A0N,24,22^FB270,1,0,L${zplField(t)}`));
  } else {
    let y = 40;
    lines.forEach((t, i) => {
      const size = i === 0 ? 48 : 32;
      out.push(`^FO40,${y}^A0N,${size},${size}^FB730,1,0,L${zplField(t)}`);
      y += size + 12;
    });
    y += 20;
    for (const c of codes.filter((c) => c.type === "code128")) {
      out.push(`^FO40,${y}^BY3^BCN,140,N,N,N${zplField(c.value)}`);
      y += 180;
    }
    let x = 40;
    for (const c of codes.filter((c) => c.type !== "code128")) {
      out.push(c.type === "qrcode" ? `^FO${x},${y}^BQN,2,8${zplField(`MA,${c.value}`)}` : `^FO${x},${y}^BXN,10,200${zplField(c.value)}`);
      x += 360;
    }
  }
  out.push("^XZ");
  return out.join("\n");
}

export function renderZpl(labels: TLabel[], stock: TStock): string {
  if (labels.length === 0) throw new AppError("BAD_REQUEST", "Nothing to print: choose at least one asset or location.");
  if (stock === "a4") throw new AppError("BAD_REQUEST", "A4 sheets are for office printers: choose PDF for A4, or the 2x1 or 4x6 stock for ZPL.", { fields: { stock: ["Choose 2x1 or 4x6 for ZPL"] } });
  return labels.map((l) => zplLabel(l, stock)).join("\n") + "\n";
}
