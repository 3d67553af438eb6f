/**
 * Reads barcodes back from a PDF the way a scanner would see the printed page: poppler's pdftoppm
 * renders each page to a grey bitmap (Debian poppler-utils, installed by scripts/ensure-system.sh),
 * and zxing-wasm's reader (its .wasm is in the npm package, loaded from disk) finds every symbol.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import bwipjs from "bwip-js/node";

const bwipRaw = (bcid: string, text: string): unknown => (bwipjs as unknown as { raw: (bcid: string, text: string) => unknown }).raw(bcid, text);

const run = promisify(execFile);
let prepared: Promise<unknown> | null = null;

function prepare() {
  if (!prepared) {
    const wasm = readFileSync(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm"));
    prepared = prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer }, fireImmediately: true });
  }
  return prepared;
}

/** A binary PGM (P5) as RGBA image data. */
function pgmToImage(buf: Buffer): { data: Uint8ClampedArray; width: number; height: number; colorSpace: "srgb" } {
  // header: P5 <ws> width <ws> height <ws> maxval <single ws> data
  const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString("latin1"));
  if (!head) throw new Error("not a binary PGM");
  const width = Number(head[1]);
  const height = Number(head[2]);
  const px = buf.subarray(head[0].length);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const g = px[i]!;
    data[i * 4] = g;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = g;
    data[i * 4 + 3] = 255;
  }
  return { data, width, height, colorSpace: "srgb" };
}

export interface TDecoded {
  page: number;
  format: string;
  text: string;
  /** top-left corner of the symbol in pixels (to order symbols on a page) */
  x: number;
  y: number;
}

/** Every barcode on every page of the PDF, pages in order. */
export async function decodePdf(pdf: Buffer, opts: { dpi?: number; tryHarder?: boolean } = {}): Promise<TDecoded[]> {
  await prepare();
  const dir = mkdtempSync(path.join(tmpdir(), "il-labels-"));
  try {
    writeFileSync(path.join(dir, "in.pdf"), pdf);
    await run("pdftoppm", ["-r", String(opts.dpi ?? 200), "-gray", path.join(dir, "in.pdf"), path.join(dir, "p")]);
    const pages = readdirSync(dir).filter((f) => f.endsWith(".pgm")).sort();
    const out: TDecoded[] = [];
    for (const [i, f] of pages.entries()) {
      const img = pgmToImage(readFileSync(path.join(dir, f)));
      const found = await readBarcodes(img as unknown as ImageData, { formats: ["Code128", "DataMatrix", "QRCode"], maxNumberOfSymbols: 255, tryHarder: opts.tryHarder ?? true });
      for (const b of found) if (b.isValid) out.push({ page: i + 1, format: b.format, text: b.text, x: b.position.topLeft.x, y: b.position.topLeft.y });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A Code 128 barcode as a one-frame Y4M video (640×480, 4:2:0), for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`): what a tablet's camera sees when a label is held in front of
 * it. The bars come from bwip-js's own encoder (`raw`), drawn 3 px per module with quiet zones.
 */
export function code128Y4m(text: string, file: string): string {
  const W = 640;
  const H = 480;
  const MODULE = 3;
  const [sym] = (bwipRaw("code128", text) as { sbs: number[] }[]) ?? [];
  if (!sym) throw new Error(`bwip-js could not encode ${text}`);
  const modules = sym.sbs.reduce((a, b) => a + b, 0);
  const left = Math.floor((W - modules * MODULE) / 2);
  if (left < 10 * MODULE) throw new Error(`${text} is too long for a ${W} px frame`);
  const y = Buffer.alloc(W * H, 235); // white paper
  let x = left;
  sym.sbs.forEach((w, i) => {
    if (i % 2 === 0) for (let row = 140; row < 340; row++) y.fill(16, row * W + x, row * W + x + w * MODULE); // bars are the even widths
    x += w * MODULE;
  });
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\nFRAME\n`, "latin1"), y, chroma]));
  return file;
}
