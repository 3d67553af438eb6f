/**
 * The house style of IronLedger's PDF reports (pdfkit): a title, headings, tables that repeat their
 * header on a new page and "page n of m" on every page.
 * Used by the procurement reports and the RMA / disposal documents.
 */
import PDFDocument from "pdfkit";

export const MARGIN = 50;
export type TDoc = PDFKit.PDFDocument;

export function heading(doc: TDoc, text: string, size = 13) {
  ensure(doc, 40);
  doc.moveDown(0.6).font("Helvetica-Bold").fontSize(size).fillColor("#0f172a").text(text, MARGIN, doc.y);
  doc.moveDown(0.3).font("Helvetica").fontSize(9);
}

export function ensure(doc: TDoc, h: number) {
  if (doc.y + h > doc.page.height - MARGIN - 20) doc.addPage();
}

/** A table with a header row; numbers right-aligned; repeats the header on a new page. */
export function table(doc: TDoc, cols: { label: string; width: number; align?: "left" | "right" }[], rows: string[][]) {
  const rowH = 14;
  const drawHeader = () => {
    let x = MARGIN;
    const y = doc.y;
    doc.rect(MARGIN, y - 2, cols.reduce((s, c) => s + c.width, 0), rowH).fill("#e2e8f0");
    doc.fillColor("#0f172a").font("Helvetica-Bold").fontSize(8);
    for (const c of cols) {
      doc.text(c.label, x + 2, y + 1, { width: c.width - 4, align: c.align ?? "left", lineBreak: false });
      x += c.width;
    }
    doc.y = y + rowH;
    doc.font("Helvetica").fontSize(8);
  };
  ensure(doc, rowH * 2);
  drawHeader();
  for (const r of rows) {
    if (doc.y + rowH > doc.page.height - MARGIN - 20) {
      doc.addPage();
      drawHeader();
    }
    let x = MARGIN;
    const y = doc.y;
    r.forEach((cell, i) => {
      const c = cols[i]!;
      // fit by characters (about 4.4 pt each at 8 pt): pdfkit's own ellipsis measures every cell and is slow on big tables
      const max = Math.floor((c.width - 4) / 4.4);
      const text = cell.length > max ? `${cell.slice(0, max - 1)}…` : cell;
      // no `width`: pdfkit would build a line wrapper per cell; right alignment measured here instead (font metrics, cheap)
      const left = c.align === "right" ? x + c.width - 2 - doc.widthOfString(text) : x + 2;
      doc.fillColor("#0f172a").text(text, left, y + 1, { lineBreak: false });
      x += c.width;
    });
    doc.y = y + rowH;
  }
  doc.x = MARGIN;
}


export function finish(doc: TDoc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.font("Helvetica").fontSize(8).fillColor("#475569");
    // below the bottom margin: pdfkit would add a page for text there unless the margin is lifted
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

export function newDoc(title: string) {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, bufferPages: true, info: { Title: title, Producer: "IronLedger" } });
  doc.font("Helvetica-Bold").fontSize(18).fillColor("#0f172a").text(title, MARGIN, MARGIN);
  return doc;
}
