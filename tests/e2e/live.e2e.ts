/**
 * Live updates in two browsers (two contexts, two signed-in technicians) on one
 * asset: one makes a transition, the other shows the new status and timeline
 * entry within a second, without reloading. Then the web server goes away
 * (the SSE connection drops), a change is made meanwhile by another process,
 * and after the server is back the open page catches up by itself.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { systemClock } from "../../server/context";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { transition } from "../../server/domains/assets/lifecycle";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "live-password-1";

let dir: string;
let url: string;
let web: TWebServer;
let browser: Browser;
let assetId: string;
let rackId: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-live-e2e-"));
  url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  await createUser(deps, admin, { username: "tom", displayName: "Tom Technician", role: "technician", password: PASSWORD });
  await createUser(deps, admin, { username: "tara", displayName: "Tara Technician", role: "technician", password: PASSWORD });
  const cat = await seedCatalog(deps);
  rackId = cat.rack.id;
  assetId = (await createAsset(deps, admin, { serial: "LIVE-SN-0001", modelId: cat.server.id, assetTag: "IL-LIVE-1" })).id;
  await database.close();
  web = await startWeb(url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the asset page and waits until its live subscription answered. */
async function openAsset(page: Page): Promise<void> {
  const subscribed = page.waitForResponse((r) => r.url().includes("/api/trpc/live.events") && r.status() === 200, { timeout: 15_000 });
  await page.goto(`${web.url}/assets/${assetId}`);
  await expect.poll(() => page.getByTestId("asset-ids").textContent()).toContain("LIVE-SN-0001");
  await subscribed;
}

const status = (page: Page) => page.getByTestId("asset-status").textContent();
const firstEvent = (page: Page) => page.getByTestId("timeline-event").first().textContent();

describe("live asset page", () => {
  it("shows another user's transition within a second, and catches up after the connection drops", async () => {
    const tom = await tabletPage(browser);
    const tara = await tabletPage(browser);
    await signIn(tom, web.url, "tom", PASSWORD, "technician");
    await signIn(tara, web.url, "tara", PASSWORD, "technician");
    await openAsset(tom);
    await openAsset(tara);
    expect(await status(tara)).toBe("Received");
    // a mark in the page's JavaScript realm: a reload would wipe it (router.refresh() may update
    // history in place, which is not a reload, so frame navigations are no measure here)
    await tara.evaluate(() => ((window as unknown as { __sameDocument?: boolean }).__sameDocument = true));

    // Tom moves the asset; Tara's page follows without a reload
    await tom.getByTestId("transition-BURN_IN").tap();
    await tom.getByTestId("transition-reason").fill("soak rack 7");
    const committed = tom.waitForResponse((r) => r.url().includes("assets.transition") && r.request().method() === "POST");
    await tom.getByTestId("confirm-transition").tap();
    expect((await committed).status()).toBe(200);
    const t0 = Date.now();
    await expect.poll(() => status(tara), { timeout: 1000, interval: 25 }).toBe("Burn-in");
    const seenMs = Date.now() - t0;
    await expect.poll(() => firstEvent(tara), { timeout: 1000, interval: 25 }).toContain("Received → Burn-in");
    expect(await firstEvent(tara)).toContain("Tom Technician");
    expect(await firstEvent(tara)).toContain("soak rack 7");
    console.log(`[live e2e] the other browser showed the new status ${seenMs} ms after the transition's response`);
    await tara.screenshot({ path: path.join(SHOTS, "live-01-other-browser.png") });

    // the connection drops: the web server goes away; meanwhile another process changes the asset
    const port = Number(new URL(web.url).port);
    await web.stop();
    const database = createDatabase(url);
    await transition({ db: database.db, provider: database.provider, clock: systemClock }, { type: "system", id: "e2e-worker", name: "Other process", role: "admin" }, { assetId, to: "READY_TO_RACK", reason: "while offline" });
    await database.close();
    web = await startWeb(url, {}, { port });
    // the open page reconnects by itself, resumes from its last event id and shows what it missed
    await expect.poll(() => status(tara), { timeout: 20_000, interval: 100 }).toBe("Ready to rack");
    await expect.poll(() => firstEvent(tara), { timeout: 5000 }).toContain("Burn-in → Ready to rack");
    // and it is live again: Tom's next move shows up within a second
    await tom.reload();
    await expect.poll(() => status(tom), { timeout: 10_000 }).toBe("Ready to rack");
    await tom.getByTestId("transition-RACKED").tap(); // Racked is the placement step: a rack and a U
    await expect.poll(() => tom.getByTestId("placement-rack").locator(`option[value="${rackId}"]`).count(), { timeout: 10_000 }).toBe(1);
    await tom.getByTestId("placement-rack").selectOption(rackId);
    await tom.getByTestId("placement-u").fill("1");
    const again = tom.waitForResponse((r) => r.url().includes("cabling.rackNow") && r.request().method() === "POST");
    await tom.getByTestId("confirm-transition").tap();
    expect((await again).status()).toBe(200);
    await expect.poll(() => status(tara), { timeout: 1000, interval: 25 }).toBe("Racked");
    expect(await tara.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true); // never reloaded
    await tara.screenshot({ path: path.join(SHOTS, "live-02-caught-up.png") });
    await tom.context().close();
    await tara.context().close();
  });

  it("keeps the asset list's counts live", async () => {
    const page = await tabletPage(browser);
    await signIn(page, web.url, "tara", PASSWORD, "technician");
    const subscribed = page.waitForResponse((r) => r.url().includes("/api/trpc/live.events") && r.status() === 200, { timeout: 15_000 });
    await page.goto(`${web.url}/assets?status=RACKED`);
    await expect.poll(() => page.getByTestId("asset-count").textContent()).toContain("1 asset ·");
    await subscribed;
    const database = createDatabase(url);
    await transition({ db: database.db, provider: database.provider, clock: systemClock }, { type: "system", id: "e2e-worker", name: "Other process", role: "admin" }, { assetId, to: "CABLED" });
    await database.close();
    await expect.poll(() => page.getByTestId("asset-count").textContent(), { timeout: 3000 }).toContain("0 assets");
    await page.context().close();
  });
});
