/**
 * A technician fills a SAT checklist on the tablet (1024×768, touch) against the built app: one
 * measured value out of limits blocks the pass (the server says which), the value is fixed, the pass is
 * signed off and the asset is In service; the KPI page's installation count moves, and the DOA figure
 * drills down to the failed asset's evidence. axe-core finds no WCAG 2.1 AA violation on the checklist.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/context";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { transition } from "../../server/domains/assets/lifecycle";
import { saveTemplate } from "../../server/domains/acceptance/service";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";
import { moveTo } from "../harness/racking";

const PASSWORD = "sat-journey-1";
let dir = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-sat-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    const tech = { ...admin, role: "technician" as const };
    await createUser(deps, admin, { username: "tess", displayName: "Tess Technician", role: "technician", password: PASSWORD });
    const cat = await seedCatalog(deps);
    await saveTemplate(deps, admin, {
      name: "Server SAT",
      items: [
        { kind: "YES_NO", key: "cabling", label: "Cabling matches the plan" },
        { kind: "MEASURE", key: "psu-voltage", label: "PSU input voltage", unit: "V", min: 207, max: 253 },
        { kind: "NOTE", key: "note", label: "Remarks" },
        { kind: "SIGNATURE", key: "sign", label: "Technician signature" },
      ],
    });
    const a = await createAsset(deps, admin, { serial: "SAT-E2E-1", modelId: cat.server.id, vendorId: cat.vendor.id, locationId: cat.rack.id });
    for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED"] as const) await moveTo(deps, tech, a.id, to, { rackId: cat.rack.id });
    const d = await createAsset(deps, admin, { serial: "DOA-E2E-1", modelId: cat.server.id, vendorId: cat.vendor.id, locationId: cat.bin.id });
    await transition(deps, { ...admin, role: "warehouse" }, { assetId: d.id, to: "FAILED", reason: "no POST out of the box" });
  } finally {
    await database.close();
  }
  web = await startWeb(url);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("SAT on the tablet (built app, Chromium)", () => {
  it("a failing measured value blocks the pass; fixed, signed off, the asset is in service and the KPIs move", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tess", PASSWORD, "technician");

    // the KPIs before: one DOA of two received, no installation yet
    await page.getByRole("link", { name: "KPIs", exact: true }).first().tap();
    await page.waitForURL(/\/kpis/);
    expect(await page.getByTestId("kpi-doa-rate").textContent()).toBe("50.00 %");
    expect(await page.getByTestId("kpi-installs").textContent()).toBe("0");

    // start the SAT for the cabled server
    await page.getByRole("link", { name: "SAT", exact: true }).tap();
    await page.waitForURL(/\/sat$/);
    await page.getByTestId("sat-target").selectOption({ label: "SAT-E2E-1 · PowerEdge R760" });
    await page.getByTestId("sat-start").tap();
    await page.waitForURL(/\/sat\/c[a-z0-9]+$/);
    expect(await page.getByTestId("sat-asset-status-SAT-E2E-1").textContent()).toBe("Site acceptance");

    // fill it: yes, an out-of-limits voltage (the page flags it at once), the signature; save part-filled first
    await page.getByTestId("sat-cabling-yes").tap();
    await page.getByTestId("sat-save").tap();
    await expect.poll(() => page.getByTestId("sat-blockers").textContent(), { timeout: 15_000 }).toMatch(/Still to answer: 2/);
    await page.getByTestId("sat-psu-voltage-value").fill("190");
    expect(await page.getByTestId("sat-psu-voltage-fails").textContent()).toMatch(/Out of limits \(207 – 253 V\)/);
    await page.getByTestId("sat-sign-text").fill("Tess Technician");
    await page.getByTestId("sat-sign-off").tap();
    await expect.poll(() => page.getByTestId("sat-error").textContent(), { timeout: 15_000 }).toMatch(/The SAT cannot pass: PSU input voltage fails/);
    expect(await page.getByTestId("sat-run-status").textContent()).toBe("In progress");
    expect(await axeViolations(page)).toEqual([]);

    // fix the value and sign off
    await page.getByTestId("sat-psu-voltage-value").fill("230.5");
    expect(await page.getByTestId("sat-psu-voltage-fails").count()).toBe(0);
    await page.getByTestId("sat-sign-off").tap();
    await expect.poll(() => page.getByTestId("sat-signed").textContent().catch(() => ""), { timeout: 15_000 }).toMatch(/Passed, signed off by Tess Technician at \d{4}-\d\d-\d\d/);
    expect(await page.getByTestId("sat-asset-status-SAT-E2E-1").textContent()).toBe("In service");

    // the KPIs after: one installation; the DOA figure drills down to its evidence
    await page.goto(`${web!.url}/kpis`);
    expect(await page.getByTestId("kpi-installs").textContent()).toBe("1");
    expect(await page.getByTestId("kpi-install-drill").textContent()).toContain("SAT-E2E-1");
    const drill = page.getByTestId("kpi-doa-drill");
    expect(await drill.textContent()).toContain("no POST out of the box");
    await drill.getByRole("link", { name: "Evidence" }).tap();
    await page.waitForURL(/\/kpis\/doa\//);
    expect(await page.getByTestId("doa-event").textContent()).toMatch(/Failed .* from RECEIVED.*Reason: no POST out of the box/s);
  }, 60_000);
});
