/**
 * The asset list, the scan field's "nothing matches" and the register form by
 * finger, at 1024×768 with touch in Debian's Chromium, against the built app
 * (one server for the file): the whole row opens the asset, nothing scrolls
 * sideways, 44 px sort and paging targets with paging above the rows; on a
 * network with 1.5 s added latency the list shows its loading state at once
 * instead of stale rows; an unknown serial offers Register (to those who may)
 * without covering the page's buttons, and the form warns about a duplicate
 * before it is sent; a viewer is told the account is read-only. axe finds no
 * WCAG 2.1 A/AA violation. Screenshots of the list and the register form are
 * kept in test-artifacts/tablet-list/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { systemClock } from "../../server/context";
import { createUser } from "../../server/domains/users/service";
import { createAsset } from "../../server/domains/assets/service";
import { createManufacturer, createModel } from "../../server/domains/catalog/service";
import { transition } from "../../server/domains/assets/lifecycle";
import { axeViolations } from "../harness/axe";
import { launchChromium } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-artifacts/tablet-list");
const PASSWORD = "tablet-list-password-1";
const USERS = { wendy: "warehouse", tom: "technician", victor: "viewer" } as const;
type TUser = keyof typeof USERS;
/** a serial long enough to push a table wider than a tablet if cells did not wrap */
const LONG_SERIAL = "LONGSERIAL-0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0001";

let dir: string;
let web: TWebServer;
let browser: Browser;
let ids: { first: string; dellSerial: string; hpeModelId: string; dellModelId: string };
const sessions = new Map<TUser, Awaited<ReturnType<BrowserContext["storageState"]>>>();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-tablet-list-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const system = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  for (const [username, role] of Object.entries(USERS)) await createUser(deps, system, { username, displayName: `${username} (${role})`, role, password: PASSWORD });
  const cat = await seedCatalog(deps);
  const hpe = await createManufacturer(deps, system, { name: "Hewlett Packard Enterprise" });
  const dl380 = await createModel(deps, system, { manufacturerId: hpe.id, name: "ProLiant DL380 Gen11 with a long model name", kind: "SERVER", partNumber: "DL380G11", heightU: 2 });
  let first = "";
  for (let i = 1; i <= 60; i++) {
    // every other one in the rack (2 U each, U2 to U41), the rest in a bin
    const racked = i % 2 === 0 && i <= 40;
    const a = await createAsset(deps, system, { serial: `TAB-SN-${String(i).padStart(3, "0")}`, modelId: cat.server.id, assetTag: `IL-T${String(i).padStart(3, "0")}`, locationId: racked ? cat.rack.id : cat.bin.id, rackUnit: racked ? i : undefined });
    if (i === 1) first = a.id;
  }
  const long = await createAsset(deps, system, { serial: LONG_SERIAL, modelId: dl380.id, locationId: cat.rack.id });
  await transition(deps, system, { assetId: long.id, to: "BURN_IN", expectedVersion: long.version });
  // the same serial under HPE only: registering it as a Dell is allowed, but the form says so
  await createAsset(deps, system, { serial: "TWIN-SN-0001", modelId: dl380.id, assetTag: "IL-TWIN" });
  await database.close();
  ids = { first, dellSerial: "TAB-SN-007", hpeModelId: dl380.id, dellModelId: cat.server.id };
  web = await startWeb(url);
  browser = await launchChromium();
  // sign in once per user (through the API, as the login form does); each test starts a fresh tablet with that session
  for (const user of Object.keys(USERS) as TUser[]) {
    const res = await fetch(`${web.url}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json", "x-ironledger-request": "1" }, body: JSON.stringify({ json: { username: user, password: PASSWORD } }) });
    const value = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("il_session="))?.slice("il_session=".length);
    if (!res.ok || !value) throw new Error(`sign-in of ${user} failed (${res.status}): ${await res.text()}`);
    sessions.set(user, { cookies: [{ name: "il_session", value, domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] });
  }
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh tablet (1024×768, touch) signed in as `user`, on `p`. */
async function tablet(user: TUser, p = "/assets"): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false, deviceScaleFactor: 1, storageState: sessions.get(user) });
  const page = await context.newPage();
  await page.goto(`${web.url}${p}`);
  await page.getByTestId("whoami").waitFor();
  return page;
}

/** 1.5 s added to every request of this page (Chromium's own network emulation, through CDP). */
async function slowNetwork(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 1500, downloadThroughput: -1, uploadThroughput: -1 });
}

/** A server render on a busy 2-core machine can take seconds: wait for it, not for a fixed time. */
const slow = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000 });

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error(`${l} is not visible`);
  return b;
}

/** The element a finger at the middle of `l` would touch is `l` itself (or inside it): nothing covers it. */
async function notCovered(l: Locator): Promise<boolean> {
  return l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (hit === el || el.contains(hit));
  });
}

const rows = (page: Page) => page.getByTestId("asset-rows").locator("tr");

describe("the asset list by finger", () => {
  it("fits 1024 px without sideways scrolling, with 44 px sort and paging targets and paging above the rows", async () => {
    const page = await tablet("tom");
    await slow(() => page.getByTestId("asset-count").textContent()).toBe("62 assets · page 1 of 2");
    expect(await rows(page).count()).toBe(50);
    // the long serial and model come first by serial
    await page.getByTestId("sort-serial").tap();
    await page.waitForURL(/sort=serial&dir=asc/);
    await slow(() => rows(page).first().textContent()).toContain(LONG_SERIAL);

    const widths = await page.evaluate(() => {
      const card = document.querySelector("[data-testid=asset-rows]")!.closest(".card")!;
      return { doc: document.documentElement.scrollWidth, viewport: window.innerWidth, card: card.scrollWidth, cardBox: card.clientWidth };
    });
    expect(widths.doc).toBeLessThanOrEqual(widths.viewport);
    expect(widths.card).toBeLessThanOrEqual(widths.cardBox);

    for (const id of ["sort-serial", "sort-assetTag", "sort-status", "sort-updatedAt", "page-next"]) {
      const b = await box(page.getByTestId(id));
      expect(b.height, id).toBeGreaterThanOrEqual(44);
      expect(b.width, id).toBeGreaterThanOrEqual(44);
    }
    const prev = await box(page.getByText("Previous").first());
    expect(prev.height).toBeGreaterThanOrEqual(44);
    // paging without scrolling past 50 rows: the Next link is on the first screen
    const next = await box(page.getByTestId("page-next"));
    expect(next.y + next.height).toBeLessThanOrEqual(768);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, "asset-list.png") });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId("page-next").tap();
    await page.waitForURL(/page=2/);
    await slow(() => page.getByTestId("asset-count").textContent()).toBe("62 assets · page 2 of 2");
    expect(await rows(page).count()).toBe(12);
    await page.context().close();
  });

  it("opens the asset from a tap anywhere on its row, not only on the serial", async () => {
    const page = await tablet("tom", "/assets?sort=serial&dir=asc");
    const row = rows(page).nth(7); // after the long serial: TAB-SN-001 … TAB-SN-007
    await slow(() => row.textContent()).toContain(ids.dellSerial);
    // the middle of the Location cell: no link there, the row's link covers it
    await row.scrollIntoViewIfNeeded();
    const cell = await box(row.locator("td").nth(4));
    await page.touchscreen.tap(cell.x + cell.width / 2, cell.y + cell.height / 2);
    await page.waitForURL(/\/assets\/c/);
    await slow(() => page.getByTestId("asset-ids").textContent()).toContain(ids.dellSerial);
    // and the keyboard scanner still works from the list ("scan anywhere")
    await page.goto(`${web.url}/assets`);
    await page.locator("h1").click();
    await page.keyboard.type("IL-T001", { delay: 5 });
    await page.keyboard.press("Enter");
    await page.waitForURL(`${web.url}/assets/${ids.first}`);
    await page.context().close();
  });
});

describe("the asset list on a slow network (1.5 s added latency)", () => {
  it("shows progress at once for a filter, a sort, a page and a typed search, and never stale rows as current", async () => {
    const page = await tablet("wendy");
    await slow(() => page.getByTestId("asset-count").textContent()).toBe("62 assets · page 1 of 2");
    await slowNetwork(page);
    const list = page.getByTestId("asset-list");
    /** the loading state is on (before any answer can have come back), then the answer replaces it */
    const loadsThen = async (act: () => Promise<unknown>, count: string) => {
      const t0 = Date.now();
      await act();
      await expect.poll(() => list.getAttribute("aria-busy"), { timeout: 1000 }).toBe("true");
      expect(await page.getByTestId("asset-count").textContent()).toBe("Loading…");
      expect(await page.getByTestId("list-loading").isVisible()).toBe(true);
      // the stale rows are dimmed under the cover, and the cover takes the taps
      expect(await page.getByTestId("asset-rows").evaluate((el) => getComputedStyle(el).opacity)).toBe("0.4");
      expect(Date.now() - t0).toBeLessThan(1500);
      await slow(() => page.getByTestId("asset-count").textContent()).toBe(count);
      expect(await list.getAttribute("aria-busy")).toBe("false");
      expect(await page.getByTestId("list-loading").isVisible()).toBe(false);
    };
    await loadsThen(() => page.getByTestId("filter-status").selectOption("BURN_IN"), "1 asset · page 1 of 1");
    expect(await rows(page).allTextContents()).toEqual([expect.stringContaining(LONG_SERIAL)]);
    // the select shows the choice while the server answers, and after
    expect(await page.getByTestId("filter-status").inputValue()).toBe("BURN_IN");
    await loadsThen(() => page.getByTestId("filter-status").selectOption(""), "62 assets · page 1 of 2");
    await loadsThen(() => page.getByTestId("sort-serial").tap(), "62 assets · page 1 of 2");
    await slow(() => rows(page).first().textContent()).toContain(LONG_SERIAL);
    await loadsThen(() => page.getByTestId("page-next").tap(), "62 assets · page 2 of 2");
    await loadsThen(() => page.getByTestId("filter-q").pressSequentially("tab-sn-05", { delay: 20 }), "10 assets · page 1 of 1");
    expect(new URL(page.url()).searchParams.get("q")).toBe("tab-sn-05");
    // a row tap shows progress too, until the asset page arrives
    const t0 = Date.now();
    await rows(page).first().locator("a").tap();
    await expect.poll(() => list.getAttribute("aria-busy"), { timeout: 1000 }).toBe("true");
    expect(Date.now() - t0).toBeLessThan(1500);
    await page.waitForURL(/\/assets\/c/, { timeout: 30_000 });
    await page.context().close();
  });
});

describe("an unknown serial", () => {
  it("offers Register without covering the page's buttons; the form has the serial and warns about duplicates before it is sent", async () => {
    const page = await tablet("wendy");
    await page.locator("h1").click(); // focus outside any field: a keyboard-wedge burst
    await page.keyboard.type("new-sn-0042", { delay: 5 });
    await page.keyboard.press("Enter");
    const result = page.getByTestId("scan-result");
    await slow(() => result.textContent()).toContain("Nothing matches new-sn-0042");
    // the answer takes its own room under the header: the page's buttons and filters stay uncovered
    for (const l of [page.getByTestId("register-asset"), page.getByTestId("filter-status"), page.getByTestId("sort-serial")]) expect(await notCovered(l), String(l)).toBe(true);
    const r = await box(result);
    const reg = await box(page.getByTestId("register-asset"));
    expect(reg.y).toBeGreaterThanOrEqual(r.y + r.height);
    const dismiss = await box(page.getByTestId("scan-dismiss"));
    expect(dismiss.height).toBeGreaterThanOrEqual(44);
    expect(dismiss.width).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: path.join(SHOTS, "scan-no-match.png") });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId("scan-register").tap();
    await page.waitForURL(/\/assets\/new\?serial=new-sn-0042/);
    await slow(() => page.getByTestId("reg-serial").inputValue()).toBe("new-sn-0042");
    expect(await result.count()).toBe(0);
    // the serial is there: the model is next
    await slow(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("reg-model");
    await page.getByTestId("reg-model").selectOption(ids.dellModelId);
    await page.getByTestId("reg-submit").tap();
    await slow(() => page.getByTestId("registered-link").textContent()).toBe("serial NEW-SN-0042 (no asset tag)");

    // a serial that is registered under this manufacturer: said before anything is sent
    await page.getByTestId("reg-serial").fill(ids.dellSerial.toLowerCase());
    await slow(() => page.getByTestId("reg-duplicate").textContent()).toContain(`Dell serial ${ids.dellSerial} is already registered`);
    expect(await page.getByTestId("reg-duplicate").getByRole("link", { name: "Open it" }).count()).toBe(1);
    // the same serial under another manufacturer: allowed, said plainly
    await page.getByTestId("reg-serial").fill("TWIN-SN-0001");
    await slow(() => page.getByTestId("reg-other-manufacturer").textContent()).toContain("also registered under another manufacturer");
    expect(await page.getByTestId("reg-other-manufacturer").textContent()).toContain("Hewlett Packard Enterprise ProLiant DL380");
    expect(await page.getByTestId("reg-duplicate").count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, "register-form.png"), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    // … and a duplicate once the model is HPE's
    await page.getByTestId("reg-model").selectOption(ids.hpeModelId);
    await slow(() => page.getByTestId("reg-duplicate").textContent()).toContain("Hewlett Packard Enterprise serial TWIN-SN-0001 is already registered");
    await page.context().close();
  });

  it("Dismiss is a real button that gives the field back; who may not register gets no Register, and the answer covers no move button", async () => {
    const page = await tablet("tom", `/assets/${ids.first}`);
    await slow(() => page.locator("[data-testid^=transition-]").count()).toBeGreaterThan(0);
    await page.getByTestId("scan").fill("NOT-HERE-77");
    await page.keyboard.press("Enter");
    await slow(() => page.getByTestId("scan-result").textContent()).toContain("Nothing matches NOT-HERE-77");
    expect(await page.getByTestId("scan-register").count()).toBe(0);
    const moves = page.locator("[data-testid^=transition-]");
    for (let i = 0; i < (await moves.count()); i++) expect(await notCovered(moves.nth(i))).toBe(true);
    await page.getByTestId("scan-dismiss").tap();
    expect(await page.getByTestId("scan-result").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("scan");
    await page.context().close();
  });
});

describe("a read-only account", () => {
  it("is told so on the pages where others have buttons, and others are not", async () => {
    const page = await tablet("victor");
    for (const p of ["/assets", `/assets/${ids.first}`, "/places"]) {
      await page.goto(`${web.url}${p}`);
      await slow(() => page.getByTestId("read-only-notice").textContent()).toContain("Read-only account.");
    }
    await page.goto(`${web.url}/assets`);
    await page.getByTestId("asset-rows").waitFor();
    expect(await page.getByTestId("register-asset").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${web.url}/assets/new`);
    await slow(() => page.getByTestId("register-not-allowed").textContent()).toContain("Your account may not register assets.");
    // a viewer's unknown scan: no Register, and who to ask
    await page.getByTestId("scan").fill("NOT-HERE-78");
    await page.keyboard.press("Enter");
    await slow(() => page.getByTestId("scan-result").textContent()).toContain("ask someone who registers assets");
    await page.context().close();

    const tech = await tablet("tom");
    await tech.getByTestId("asset-rows").waitFor();
    expect(await tech.getByTestId("read-only-notice").count()).toBe(0);
    await tech.context().close();
  });
});
