/**
 * Browser journeys at the tablet reference size (1024×768, touch) in Debian's
 * Chromium, against the built app on a fresh SQLite database:
 * sign in, scan a serial with a keyboard-wedge burst, transition the asset,
 * see the event in the timeline. Screenshots are kept in test-results/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium, signIn as signInAs, tabletPage } from "../harness/browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { systemClock } from "../../server/context";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "journey-password-1";

let dir: string;
let web: TWebServer;
let browser: Browser;
let serial: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  await createUser(deps, admin, { username: "tom", displayName: "Tom Technician", role: "technician", password: PASSWORD });
  await createUser(deps, admin, { username: "victor", displayName: "Victor Viewer", role: "viewer", password: PASSWORD });
  const cat = await seedCatalog(deps);
  serial = "JRNY-SN-0001";
  await createAsset(deps, admin, { serial, modelId: cat.server.id, assetTag: "IL-JRNY-1", locationId: cat.bin.id });
  for (let i = 2; i <= 30; i++) await createAsset(deps, admin, { serial: `JRNY-SN-${String(i).padStart(4, "0")}`, modelId: cat.server.id });
  await database.close();
  web = await startWeb(url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tablet = () => tabletPage(browser);

const signIn = (page: Page, username: string) => signInAs(page, web.url, username, PASSWORD, username === "tom" ? "technician" : "viewer");

describe("tablet journey", () => {
  it("signs in, scans a serial, moves the asset to burn-in and sees the event in the timeline", async () => {
    const page = await tablet();
    await signIn(page, "tom");
    await expect.poll(() => page.getByTestId("asset-count").textContent()).toContain("30 assets");
    await page.screenshot({ path: path.join(SHOTS, "01-asset-list.png") });

    // a wrong password is refused with a readable message
    // (checked in its own context below); here: the scan field with a typed, lower-case serial
    await page.getByTestId("scan").click();
    await page.keyboard.type(serial.toLowerCase(), { delay: 15 });
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/assets\/c/);
    await expect.poll(() => page.getByTestId("asset-ids").textContent()).toContain(serial);
    await expect.poll(() => page.getByTestId("asset-status").textContent()).toBe("Received");
    await page.screenshot({ path: path.join(SHOTS, "02-asset-detail.png") });

    await page.getByTestId("transition-BURN_IN").tap();
    await page.getByTestId("transition-reason").fill("rack 3 soak");
    await page.screenshot({ path: path.join(SHOTS, "03-confirm.png") });
    await page.getByTestId("confirm-transition").tap();
    await expect.poll(() => page.getByTestId("asset-status").textContent()).toBe("Burn-in");
    const first = page.getByTestId("timeline-event").first();
    await expect.poll(() => first.textContent()).toContain("Received → Burn-in");
    await expect.poll(() => first.textContent()).toContain("Tom Technician");
    await expect.poll(() => first.textContent()).toContain("rack 3 soak");
    await page.screenshot({ path: path.join(SHOTS, "04-timeline.png") });
    await page.context().close();
  });

  it("takes a keyboard-wedge burst anywhere on the page, and says clearly when nothing matches", async () => {
    const page = await tablet();
    await signIn(page, "tom");
    await page.locator("h1").click(); // focus outside any field
    await page.keyboard.type("IL-JRNY-1", { delay: 5 });
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/assets\/c/);
    await expect.poll(() => page.getByTestId("asset-ids").textContent()).toContain("IL-JRNY-1");

    await page.getByTestId("scan").fill("NO-SUCH-SERIAL-9");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("scan-result").textContent()).toContain("Nothing matches NO-SUCH-SERIAL-9");
    await page.screenshot({ path: path.join(SHOTS, "05-no-match.png") });
    await page.context().close();
  });

  it("offers a viewer no transitions, and filters the list on the server", async () => {
    const page = await tablet();
    await signIn(page, "victor");
    await page.getByTestId("filter-status").selectOption("BURN_IN");
    await expect.poll(() => page.getByTestId("asset-count").textContent()).toContain("1 asset ·");
    await page.getByTestId("asset-rows").getByText(serial).click();
    await expect.poll(() => page.getByTestId("asset-status").textContent()).toBe("Burn-in");
    expect(await page.locator("[data-testid^=transition-]").count()).toBe(0);
    await expect.poll(() => page.getByText("Your role has no status change to make here.").count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "06-viewer.png") });
    await page.context().close();
  });

  it("refuses a wrong password with a message a person understands", async () => {
    const page = await tablet();
    await page.goto(`${web.url}/login`);
    await page.getByLabel("User name").fill("tom");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByText("Wrong user name or password.").count()).toBe(1);
    expect(page.url()).toContain("/login");
    await page.context().close();
  });
});
