/**
 * Warehouse on the tablet (1024×768, touch) in Debian's Chromium against the built app on a fresh SQLite
 * database, as a warehouse lead with a keyboard-wedge scanner (codes typed, then Enter):
 * a move by scanning a bin then an asset; a label batch downloaded and its barcodes decoded back from
 * the rendered PDF; a cycle count with one missing and one misplaced asset, reconciled and approved.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/context";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { createLocation } from "../../server/domains/locations/service";
import { setWarehouseLead } from "../../server/domains/warehouse/counts";
import { decodePdf } from "../harness/barcodes";
import { launchChromium, signIn } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "warehouse-journey-1";
let dir = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-wh-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    const wendy = await createUser(deps, admin, { username: "wendy", displayName: "Wendy Warehouse", role: "warehouse", password: PASSWORD });
    await setWarehouseLead(deps, admin, { userId: wendy.id, lead: true });
    const cat = await seedCatalog(deps);
    const b2 = await createLocation(deps, admin, { kind: "BIN", code: "B-02", name: "Bin 02", parentId: cat.site.id });
    for (let i = 1; i <= 3; i++) await createAsset(deps, admin, { serial: `E2E-SN-${i}`, assetTag: `IL-00020${i}`, modelId: cat.server.id, locationId: cat.bin.id });
    for (let i = 4; i <= 5; i++) await createAsset(deps, admin, { serial: `E2E-SN-${i}`, assetTag: `IL-00020${i}`, modelId: cat.server.id, locationId: b2.id });
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

/** What a keyboard-wedge scanner does: the code, then Enter. */
async function scan(field: Locator, code: string) {
  await field.fill(code);
  await field.press("Enter");
}

async function go(page: Page, href: string) {
  await page.goto(`${web!.url}${href}`);
}

describe("warehouse on the tablet (built app, Chromium)", () => {
  it("move by scanning a bin then an asset; label batch downloaded and decoded; a count with one missing and one misplaced asset", async () => {
    const context = await browser!.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false, deviceScaleFactor: 1, acceptDownloads: true });
    const page = await context.newPage();
    try {
      await signIn(page, web!.url, "wendy", PASSWORD, "warehouse");
      await page.getByRole("link", { name: "Warehouse", exact: true }).tap();
      await page.waitForURL(/\/warehouse$/);

      // ---- move: scan the bin, then the asset
      await go(page, "/warehouse/moves");
      await scan(page.getByTestId("scan-bin"), "FRA1/B-01");
      await expect.poll(() => page.getByTestId("current-bin").textContent(), { timeout: 15_000 }).toBe("FRA1 / B-01");
      await scan(page.getByTestId("scan-asset"), "IL-000205");
      await expect.poll(() => page.getByTestId("move-ok").first().textContent(), { timeout: 15_000 }).toContain("Moved to FRA1 / B-01");
      await expect.poll(() => page.getByTestId("bin-contents").textContent(), { timeout: 15_000 }).toContain("IL-000205");
      await scan(page.getByTestId("scan-asset"), "NOPE-123");
      await expect.poll(() => page.getByTestId("move-bad").first().textContent(), { timeout: 15_000 }).toContain("No asset with tag or serial NOPE-123");

      // ---- a label batch: two assets and a bin, 2"×1" PDF, downloaded; every barcode decodes back
      await go(page, "/warehouse/printers");
      await page.getByTestId("label-codes").fill("IL-000201\nIL-000202");
      await page.getByTestId("label-locations").selectOption({ label: "FRA1 / B-02 — Bin 02" });
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), page.getByTestId("label-download").tap()]);
      expect(download.suggestedFilename()).toBe("labels-3.pdf");
      const file = path.join(dir, "labels.pdf");
      await download.saveAs(file);
      const codes = (await decodePdf(readFileSync(file))).map((d) => d.text).sort();
      expect(codes).toEqual(["E2E-SN-1", "E2E-SN-2", "FRA1/B-02", "FRA1/B-02", "IL-000201", "IL-000202"]);

      // ---- a cycle count of B-01: IL-000203 stays unseen (missing), IL-000204 is found here but recorded in B-02 (misplaced)
      await go(page, "/warehouse/counts");
      await page.getByTestId("count-location").selectOption({ label: "FRA1 / B-01 — Bin 01" });
      await page.getByTestId("open-count").tap();
      await page.waitForURL(/\/warehouse\/counts\/[^/]+$/, { timeout: 15_000 });
      await expect.poll(() => page.getByTestId("total-expected").textContent(), { timeout: 15_000 }).toBe("4");
      const field = page.getByTestId("count-scan");
      for (const code of ["IL-000201", "E2E-SN-2", "IL-000205", "IL-000204"]) {
        await scan(field, code);
        await expect.poll(() => page.getByTestId("count-last").textContent(), { timeout: 15_000 }).toContain(code);
      }
      await expect.poll(() => page.getByTestId("total-found").textContent(), { timeout: 15_000 }).toBe("3");
      await expect.poll(() => page.getByTestId("total-elsewhere").textContent(), { timeout: 15_000 }).toBe("1");
      await page.getByTestId("reconcile").tap();
      await expect.poll(() => page.getByTestId("count-status").textContent(), { timeout: 15_000 }).toBe("RECONCILED");
      await expect.poll(() => page.getByTestId("total-missing").textContent(), { timeout: 15_000 }).toBe("1");
      expect(await page.getByTestId("line-MISSING").textContent()).toContain("IL-000203");
      expect(await page.getByTestId("line-ELSEWHERE").textContent()).toContain("FRA1 / B-02");
      await page.getByTestId("approve").tap();
      await expect.poll(() => page.getByTestId("count-status").textContent(), { timeout: 15_000 }).toBe("APPROVED");
      await expect.poll(() => page.getByTestId("line-ELSEWHERE").textContent()).toContain("yes");
      await page.screenshot({ path: path.join(SHOTS, "warehouse-count.png") });

      // ---- the accuracy KPI: 3 found of 5 lines counted
      await go(page, "/warehouse");
      await expect.poll(() => page.getByTestId("accuracy-value").first().textContent(), { timeout: 15_000 }).toBe("60.0 %");
    } finally {
      await context.close();
    }
  }, 90_000);
});
