/** axe-core (the npm package, injected into the page) for WCAG 2.1 A/AA checks in browser tests. */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export type TAxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/**
 * WCAG 2.0/2.1 level A and AA violations on the page as it is now, once its colours have settled:
 * CSS transitions and animations are ended first, so a button caught mid-way through `transition-colors`
 * (say, becoming the primary action when a live reading arrives) is judged by the colours it ends with.
 */
export async function axeViolations(page: Page): Promise<TAxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axePath });
  await page.evaluate(async () => {
    if (!document.getElementById("axe-settle")) {
      const style = document.createElement("style");
      style.id = "axe-settle";
      style.textContent = "*, *::before, *::after { transition: none !important; animation: none !important; }";
      document.head.appendChild(style);
    }
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
  });
}
