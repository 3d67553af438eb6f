/**
 * Burn-in journey in Debian's Chromium on the tablet (1024×768, touch) against the built app on a fresh
 * SQLite database, as a technician: start a batch of three soaks from the board, watch the board in a
 * second tab follow live, fail one with a reason on its run page, pass the other two.
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
import { createProfile } from "../../server/domains/burnin/service";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const PASSWORD = "burnin-journey-1";
const SERIALS = ["SOAK-0001", "SOAK-0002", "SOAK-0003"];
let dir = "";
let url = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-burnin-"));
  url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    await createUser(deps, admin, { username: "tina", displayName: "Tina Technician", role: "technician", password: PASSWORD });
    const cat = await seedCatalog(deps);
    await createProfile(deps, admin, { name: "r760-soak", family: "PowerEdge R7xx", spec: { durationSec: 48 * 3600 } });
    for (const serial of SERIALS) await createAsset(deps, admin, { serial, modelId: cat.server.id, status: "RECEIVED" });
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

describe("burn-in on the tablet", () => {
  it("starts a batch, watches it live, fails one and passes the rest", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tina", PASSWORD, "technician");
    await page.getByRole("link", { name: "Burn-in" }).click();
    await page.waitForURL(/\/burnin$/);
    await expect.poll(() => page.locator("body").textContent(), { timeout: 10_000 }).toContain("Start a soak");
    const start = page.getByTestId("burnin-start");
    for (const s of SERIALS) await start.getByLabel(s).check();
    await page.getByTestId("burnin-start-button").click();
    await expect.poll(() => page.getByTestId("burnin-running").locator("tbody tr").count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => start.textContent()).toContain("ilb_");

    // a second tab keeps the board open
    const watcher = await tabletPage(browser!);
    await signIn(watcher, web!.url, "tina", PASSWORD, "technician");
    await watcher.goto(`${web!.url}/burnin`);
    await expect.poll(() => watcher.getByTestId("burnin-running").locator("tbody tr").count()).toBe(3);

    // fail the first on its run page, with a reason
    await page.getByTestId(`burnin-row-${SERIALS[0]}`).getByRole("link").click();
    await page.waitForURL(/\/burnin\/c/);
    await page.getByTestId("burnin-reason").fill("fan 2 rattles under load");
    await page.getByTestId("burnin-fail").click();
    await expect.poll(() => page.getByTestId("burnin-status").textContent(), { timeout: 15_000 }).toBe("FAILED");
    await expect.poll(() => page.getByTestId("burnin-failure").textContent()).toContain("fan 2 rattles under load");
    // the other tab follows without a reload
    await expect.poll(() => watcher.getByTestId(`burnin-done-${SERIALS[0]}`).textContent(), { timeout: 15_000 }).toContain("FAILED");
    expect(await watcher.getByTestId("burnin-running").locator("tbody tr").count()).toBe(2);

    // pass the other two
    for (const s of SERIALS.slice(1)) {
      await page.goto(`${web!.url}/burnin`);
      await page.getByTestId(`burnin-row-${s}`).getByRole("link").click();
      await page.waitForURL(/\/burnin\/c/);
      await page.getByTestId("burnin-reason").fill("48 h clean, vendor sign-off");
      await page.getByTestId("burnin-pass").click();
      await expect.poll(() => page.getByTestId("burnin-status").textContent(), { timeout: 15_000 }).toBe("PASSED");
    }
    await expect.poll(() => watcher.getByTestId(`burnin-done-${SERIALS[2]}`).textContent(), { timeout: 15_000 }).toContain("PASSED");
    await expect.poll(() => watcher.getByTestId("burnin-running").textContent()).toContain("No soak is running.");

    // the lifecycle moved the assets
    const database = createDatabase(url);
    try {
      const rows = await database.db.asset.findMany({ where: { serial: { in: SERIALS } }, select: { serial: true, status: true }, orderBy: { serial: "asc" } });
      expect(rows.map((r) => r.status)).toEqual(["FAILED", "READY_TO_RACK", "READY_TO_RACK"]);
    } finally {
      await database.close();
    }
    // the evidence PDF downloads
    const res = await page.request.get(`${web!.url}/api/burnin/evidence?runId=${page.url().split("/").pop()}`);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(0, 5).toString()).toBe("%PDF-");
  }, 90_000);

  it("writes the next version of a profile in the editor; a duplicate rule id is answered next to the rules", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tina", PASSWORD, "technician");
    await page.goto(`${web!.url}/burnin`);
    await page.getByTestId("burnin-profiles-link").click();
    await page.waitForURL(/\/burnin\/profiles$/);
    await page.getByTestId("burnin-profile-next-r760-soak").click();
    await page.waitForURL(/from=/);
    const form = page.getByTestId("burnin-profile-form");
    expect(await page.getByTestId("profile-name").inputValue()).toBe("r760-soak");
    expect(await page.getByTestId("profile-duration").inputValue()).toBe("48");
    await page.getByTestId("profile-duration").fill("24");
    // two sensor rules with the same id: refused, nothing saved
    await page.getByTestId("profile-sensor-rules-add").click();
    await page.getByTestId("profile-sensor-rules-add").click();
    const ids = page.getByTestId("sensor-rule-id");
    const names = page.getByTestId("sensor-rule-name");
    const above = page.getByTestId("sensor-rule-above");
    for (const i of [0, 1]) {
      await ids.nth(i).fill("inlet-hot");
      await names.nth(i).fill("inlet");
      await above.nth(i).fill("35");
    }
    await page.getByTestId("profile-save").click();
    await expect.poll(() => form.getByTestId("error-box").textContent().catch(() => ""), { timeout: 10_000 }).toContain("Two rules share the id inlet-hot");
    expect(await axeViolations(page)).toEqual([]);
    await ids.nth(1).fill("cpu-hot");
    await names.nth(1).fill("cpu");
    await above.nth(1).fill("90");
    await page.getByTestId("profile-save").click();
    await page.waitForURL(/\/burnin\/profiles$/);
    const v2 = page.getByTestId("burnin-profile-r760-soak-v2");
    await expect.poll(() => v2.textContent().catch(() => ""), { timeout: 10_000 }).toContain("24 h");
    expect(await v2.textContent()).toContain("2 sensor");
    expect(await page.getByTestId("burnin-profile-r760-soak-v1").textContent()).toContain("48 h");
  }, 60_000);
});
