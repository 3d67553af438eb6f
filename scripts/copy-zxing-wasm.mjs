#!/usr/bin/env node
/**
 * Copies zxing-wasm's reader (.wasm) into public/zxing/, so the receiving page's camera scanner
 * (barcode-detector's ponyfill, used where the browser has no BarcodeDetector) loads it from this
 * server, never from a CDN (air-gapped sites). Runs at install (postinstall) and before a build.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const WASM = path.join("zxing-wasm", "dist", "reader", "zxing_reader.wasm");
// the copy barcode-detector itself resolves: its own nested one if it has one, else the shared one
const src = [path.join(root, "node_modules", "barcode-detector", "node_modules", WASM), path.join(root, "node_modules", WASM)].find((p) => existsSync(p));
if (!src) {
  console.warn("copy-zxing-wasm: zxing-wasm is not installed; camera scanning falls back to the browser's own BarcodeDetector only");
  process.exit(0);
}
const dir = path.join(root, "public", "zxing");
mkdirSync(dir, { recursive: true });
copyFileSync(src, path.join(dir, "zxing_reader.wasm"));
