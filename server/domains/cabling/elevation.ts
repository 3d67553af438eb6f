/**
 * Rack elevations as SVG, rendered on the server (pure: data in, markup out). One face per drawing:
 * U numbers down both sides (U1 at the bottom), a device's face where it is mounted from this side
 * (its back, hatched, when mounted from the other), planned devices as reserved (dashed), empty U
 * blank, and the power drawn against the rack's budget in the footer. Sized for a 1024×768 tablet
 * (a 48 U rack is 18 px per U) and printed in black on white (no colour is needed to read it).
 */
import type { TElevationDevice, TFace } from "./schema";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export const U_PX = 18;
const W = 300;
const GUTTER = 28;
const HEAD = 26;
const FOOT = 30;

export function elevationSvg(rack: { path: string; heightU: number; powerBudgetW: number | null }, devices: TElevationDevice[], face: TFace, powerW: number): string {
  const inner = W - 2 * GUTTER;
  const h = HEAD + rack.heightU * U_PX + FOOT;
  const y = (u: number) => HEAD + (rack.heightU - u) * U_PX; // top edge of unit u
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(`${rack.path}, ${face.toLowerCase()}, ${rack.heightU} U`)}" class="elevation" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<defs><pattern id="rear-${face}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>`);
  out.push(`<text x="${W / 2}" y="17" text-anchor="middle" font-weight="600" font-size="13">${esc(rack.path)} — ${face === "FRONT" ? "front" : "rear"}</text>`);
  out.push(`<rect x="${GUTTER}" y="${HEAD}" width="${inner}" height="${rack.heightU * U_PX}" fill="#fff" stroke="#222" stroke-width="2"/>`);
  for (let u = 1; u <= rack.heightU; u++) {
    const top = y(u);
    out.push(`<line x1="${GUTTER}" y1="${top + U_PX}" x2="${W - GUTTER}" y2="${top + U_PX}" stroke="#ddd"/>`);
    out.push(`<text x="${GUTTER - 4}" y="${top + 13}" text-anchor="end" fill="#333">${u}</text><text x="${W - GUTTER + 4}" y="${top + 13}" fill="#333">${u}</text>`);
  }
  for (const d of [...devices].sort((a, b) => a.rackUnit - b.rackUnit)) {
    const hU = Math.max(d.heightU, 1);
    const top = y(d.rackUnit + hU - 1);
    const height = hU * U_PX;
    const mine = d.face === face;
    const planned = d.state === "PLANNED";
    const fill = planned ? "#fff" : mine ? (d.kind === "SWITCH" ? "#dbeafe" : "#e5e7eb") : `url(#rear-${face})`;
    const label = `${d.label}${planned ? " (planned)" : ""}`;
    out.push(`<g data-asset="${esc(d.assetId)}" data-u="${d.rackUnit}" data-state="${d.state}"><title>${esc(`U${d.rackUnit}${hU > 1 ? `–U${d.rackUnit + hU - 1}` : ""}: ${label}, ${d.model}, ${d.powerW} W, ${d.status}`)}</title>`);
    out.push(`<rect x="${GUTTER + 2}" y="${top + 1}" width="${inner - 4}" height="${height - 2}" rx="2" fill="${fill}" stroke="#111" stroke-width="${planned ? 1.5 : 1}"${planned ? ' stroke-dasharray="5 3"' : ""}/>`);
    const text = mine || planned ? `${label} · ${d.model}` : `${label} (${d.face === "FRONT" ? "front" : "rear"}-mounted)`;
    out.push(`<text x="${GUTTER + 8}" y="${top + Math.min(height, 2 * U_PX) / 2 + 4}" fill="#111"${mine && !planned ? ' font-weight="600"' : ""}>${esc(text.length > 42 ? `${text.slice(0, 41)}…` : text)}</text></g>`);
  }
  const budget = rack.powerBudgetW;
  const over = budget !== null && powerW > budget;
  out.push(`<text x="${GUTTER}" y="${h - 10}" fill="${over ? "#b91c1c" : "#111"}" font-weight="600">Power ${powerW.toLocaleString("en")} W${budget !== null ? ` of ${budget.toLocaleString("en")} W (${Math.round((powerW / Math.max(budget, 1)) * 100)} %)` : " (no budget set)"}</text>`);
  out.push(`</svg>`);
  return out.join("");
}
