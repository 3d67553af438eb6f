#!/usr/bin/env node
/**
 * Draws the app icon (a rack of three servers) as SVG and as PNGs for the web
 * app manifest and iOS home screens, with Node's zlib only (no image library,
 * nothing downloaded). Writes public/icon.svg and public/icons/*.png; the
 * outputs are committed, run again after changing the drawing:
 *   node scripts/make-icons.mjs
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const BG = [0x0f, 0x17, 0x2a];
const BAR = [0x3b, 0x82, 0xf6];
const LED = [0x4a, 0xde, 0x80];
const BARS = [0.22, 0.43, 0.64]; // top of each server, height 0.14

/** colour of the point (x, y) in the unit square, or null (transparent); `mask`: full-bleed background, artwork shrunk into the safe zone */
function colourAt(x, y, mask) {
  const inRound = (px, py, x0, y0, x1, y1, r) => {
    if (px < x0 || px > x1 || py < y0 || py > y1) return false;
    const cx = Math.min(Math.max(px, x0 + r), x1 - r);
    const cy = Math.min(Math.max(py, y0 + r), y1 - r);
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
  };
  if (!mask && !inRound(x, y, 0, 0, 1, 1, 0.2)) return null;
  const s = mask ? 0.8 : 1;
  const u = (x - 0.5) / s + 0.5;
  const v = (y - 0.5) / s + 0.5;
  for (const top of BARS) {
    if ((u - 0.72) ** 2 + (v - (top + 0.07)) ** 2 <= 0.035 ** 2) return LED;
    if (inRound(u, v, 0.2, top, 0.8, top + 0.14, 0.03)) return BAR;
  }
  return BG;
}

function crc32(buf) {
  let c;
  const table = crc32.table ?? (crc32.table = Array.from({ length: 256 }, (_, n) => {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  }));
  let crc = 0xffffffff;
  for (const b of buf) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA PNG of `size` px, 4×4 supersampled */
function png(size, mask) {
  const SS = 4;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++)
        for (let sx = 0; sx < SS; sx++) {
          const c = colourAt((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size, mask);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
        }
      const o = py * (size * 4 + 1) + 1 + px * 4;
      if (a) { raw[o] = Math.round(r / a); raw[o + 1] = Math.round(g / a); raw[o + 2] = Math.round(b / a); }
      raw[o + 3] = Math.round((a / (SS * SS)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img" aria-label="IronLedger">
  <rect width="100" height="100" rx="20" fill="${hex(BG)}"/>
${BARS.map((t) => `  <rect x="20" y="${t * 100}" width="60" height="14" rx="3" fill="${hex(BAR)}"/>\n  <circle cx="72" cy="${t * 100 + 7}" r="3.5" fill="${hex(LED)}"/>`).join("\n")}
</svg>
`;

mkdirSync(path.join(root, "public/icons"), { recursive: true });
writeFileSync(path.join(root, "public/icon.svg"), svg);
for (const [name, size, mask] of [["icon-192.png", 192, false], ["icon-512.png", 512, false], ["maskable-512.png", 512, true], ["apple-touch-icon.png", 180, true]]) {
  writeFileSync(path.join(root, "public/icons", name), png(size, mask));
}
console.log("icons written to public/");
