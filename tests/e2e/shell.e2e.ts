/**
 * The UI shell in Debian's Chromium at the tablet size, against the built app:
 * the session is checked on the server (no flash of the app, back to the same
 * page after sign-in, same-origin `next` only), controls follow the server's
 * capabilities, the data table keeps its state in the URL, the manifest and
 * icons are served, and axe-core finds no WCAG 2.1 AA violation on the six
 * main pages.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
import { seedCatalog } from "../harness/fixtures";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { startWeb, type TWebServer } from "../harness/web";

const PASSWORD = "shell-password-1";
let dir: string;
let web: TWebServer;
let browser: Browser;
let assetId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-shell-"));
  const url = `file:${path.join(dir, "shell.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const system = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  await createUser(deps, system, { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD });
  await createUser(deps, system, { username: "tom", displayName: "Tom Technician", role: "technician", password: PASSWORD });
  await createUser(deps, system, { username: "victor", displayName: "Victor Viewer", role: "viewer", password: PASSWORD });
  const cat = await seedCatalog(deps);
  for (let i = 1; i <= 75; i++) {
    const a = await createAsset(deps, system, { serial: `SHELL-SN-${String(i).padStart(3, "0")}`, modelId: cat.server.id, assetTag: `IL-S${String(i).padStart(3, "0")}`, locationId: cat.bin.id });
    if (i === 1) assetId = a.id;
    // 60 of them in burn-in: two pages of 50 under a status filter
    if (i <= 60) await transition(deps, system, { assetId: a.id, to: "BURN_IN", expectedVersion: a.version });
  }
  await database.close();
  web = await startWeb(url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A server render on a busy 2-core machine can take seconds: wait for it, not for a fixed time. */
const slow = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000 });

/** Records whether the signed-in header ever existed in this page's DOM, across navigations. */
async function watchForHeader(page: Page) {
  await page.addInitScript(() => {
    const mark = () => {
      if (document.querySelector("[data-testid=whoami]")) sessionStorage.setItem("sawHeader", "yes");
    };
    new MutationObserver(mark).observe(document, { subtree: true, childList: true });
    document.addEventListener("DOMContentLoaded", mark);
  });
}

async function login(page: Page, username: string) {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("server-checked session", () => {
  it("sends a signed-out visitor to sign-in on the server, without a flash of the app, and back to the same page", async () => {
    const page = await tabletPage(browser);
    await watchForHeader(page);
    const target = `/assets/${assetId}`;
    const res = await page.goto(`${web.url}${target}?tab=x`);
    // the server answered the page itself with a redirect: nothing of the app was sent
    const first = res!.request().redirectedFrom();
    expect(first?.url()).toBe(`${web.url}${target}?tab=x`);
    expect((await first!.response())!.status()).toBeGreaterThanOrEqual(300);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe(`${target}?tab=x`);
    expect(await res!.text()).not.toContain("whoami");
    expect(await page.evaluate(() => sessionStorage.getItem("sawHeader"))).toBeNull();

    await login(page, "tom");
    await page.waitForURL(`${web.url}${target}?tab=x`);
    await expect.poll(() => page.getByTestId("asset-ids").textContent()).toContain("SHELL-SN-001");
    expect(await page.getByTestId("whoami").textContent()).toContain("technician");

    // signed in already: /login goes straight on to `next`
    await page.goto(`${web.url}/login?next=${encodeURIComponent("/places")}`);
    expect(new URL(page.url()).pathname).toBe("/places");
    await page.context().close();
  });

  it("treats an expired or forged session like none: sign-in, and the header never shows a user", async () => {
    const page = await tabletPage(browser);
    await watchForHeader(page);
    await page.context().addCookies([{ name: "il_session", value: "expired-or-forged-token", url: web.url }]);
    await page.goto(`${web.url}/assets?status=BURN_IN`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/assets?status=BURN_IN");
    expect(await page.getByTestId("whoami").count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem("sawHeader"))).toBeNull();
    await page.context().close();
  });

  it("signs out on the server: the old session cookie no longer opens the app", async () => {
    const page = await tabletPage(browser);
    await signIn(page, web.url, "victor", PASSWORD, "viewer");
    const session = (await page.context().cookies()).find((c) => c.name === "il_session");
    expect(session?.value).toBeTruthy();
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/login/);
    await page.context().close();
    // the same cookie in a fresh browser: the server revoked it (sign-out is not only a cleared cookie)
    const replay = await tabletPage(browser);
    await replay.context().addCookies([{ name: "il_session", value: session!.value, url: web.url }]);
    await replay.goto(`${web.url}/assets`);
    expect(new URL(replay.url()).pathname).toBe("/login");
    expect(await replay.getByTestId("whoami").count()).toBe(0);
    await replay.context().close();
  });

  it("accepts only same-origin paths as the place to go back to", async () => {
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
      const page = await tabletPage(browser);
      await page.goto(`${web.url}/login?next=${encodeURIComponent(next)}`);
      await login(page, "victor");
      await page.waitForURL(`${web.url}/assets`);
      expect(new URL(page.url()).origin).toBe(web.url);
      await page.context().close();
    }
  });
});

describe("capabilities from the server", () => {
  it("shows a viewer no control they may not use, and a technician theirs", async () => {
    const viewer = await tabletPage(browser);
    await signIn(viewer, web.url, "victor", PASSWORD, "viewer");
    expect(await viewer.getByTestId("register-asset").count()).toBe(0);
    expect(await viewer.getByRole("link", { name: "Admin" }).count()).toBe(0);
    await viewer.goto(`${web.url}/assets/${assetId}`);
    await expect.poll(() => viewer.getByTestId("asset-status").textContent()).toBe("Burn-in");
    expect(await viewer.locator("[data-testid^=transition-]").count()).toBe(0);
    expect(await viewer.getByTestId("bmc-add").count()).toBe(0);
    expect(await viewer.locator("[data-testid^=bmc-power-]").count()).toBe(0);
    await viewer.goto(`${web.url}/places`);
    await expect.poll(() => viewer.getByTestId("place-tree").count()).toBe(1);
    expect(await viewer.getByTestId("loc-submit").count()).toBe(0);
    await viewer.goto(`${web.url}/admin`);
    await expect.poll(() => viewer.getByTestId("admin-forbidden").count()).toBe(1);
    await viewer.context().close();

    const tech = await tabletPage(browser);
    await signIn(tech, web.url, "tom", PASSWORD, "technician");
    await tech.goto(`${web.url}/assets/${assetId}`);
    await expect.poll(() => tech.locator("[data-testid^=transition-]").count()).toBeGreaterThan(0);
    expect(await tech.getByTestId("bmc-add").count()).toBe(1);
    await tech.context().close();
  });
});

describe("data table", () => {
  it("keeps filter, sort and page in the URL; a reload shows the same rows", async () => {
    const page = await tabletPage(browser);
    await signIn(page, web.url, "victor", PASSWORD, "viewer");
    await slow(() => page.getByTestId("asset-count").textContent()).toContain("75 assets");
    await page.getByTestId("filter-status").selectOption("BURN_IN");
    await slow(() => page.getByTestId("asset-count").textContent()).toContain("60 assets · page 1 of 2");
    await page.getByTestId("sort-serial").tap();
    await page.waitForURL(/sort=serial/);
    await slow(() => page.getByTestId("asset-rows").locator("tr").first().textContent()).toContain("SHELL-SN-001");
    await page.getByTestId("sort-serial").tap(); // descending
    await page.waitForURL(/dir=desc/);
    await slow(() => page.getByTestId("asset-rows").locator("tr").first().textContent()).toContain("SHELL-SN-060");
    await page.getByTestId("page-next").tap();
    await page.waitForURL(/page=2/);
    await slow(() => page.getByTestId("asset-count").textContent()).toContain("page 2 of 2");
    const rowsBefore = await page.getByTestId("asset-rows").locator("tr").allTextContents();
    expect(rowsBefore).toHaveLength(10);
    expect(rowsBefore[0]).toContain("SHELL-SN-010");

    const u = new URL(page.url());
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ status: "BURN_IN", sort: "serial", dir: "desc", page: "2" });
    await page.reload();
    expect(await page.getByTestId("asset-rows").locator("tr").allTextContents()).toEqual(rowsBefore);
    expect(await page.getByTestId("filter-status").inputValue()).toBe("BURN_IN");
    expect(await page.getByTestId("sort-serial").locator("xpath=..").getAttribute("aria-sort")).toBe("descending");

    // a text filter goes to the URL too, and back to page 1
    await page.getByTestId("filter-q").fill("SHELL-SN-05");
    await page.waitForURL(/q=SHELL-SN-05/);
    await slow(() => page.getByTestId("asset-count").textContent()).toContain("10 assets · page 1 of 1");
    expect(new URL(page.url()).searchParams.get("page")).toBeNull();
    await page.reload();
    expect(await page.getByTestId("filter-q").inputValue()).toBe("SHELL-SN-05");
    await page.context().close();
  });

  it("gives sort headers and paging controls 44 px touch targets", async () => {
    const page = await tabletPage(browser);
    await signIn(page, web.url, "victor", PASSWORD, "viewer");
    for (const el of [page.getByTestId("sort-serial"), page.getByRole("link", { name: "Next" }).first(), page.getByText("Previous").first()]) {
      const box = (await el.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
    }
    await page.context().close();
  });
});

describe("installable", () => {
  it("serves the web app manifest and its icons, linked from every page", async () => {
    const res = await fetch(`${web.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; type: string }[] };
    expect(manifest).toMatchObject({ name: "IronLedger", start_url: "/assets", display: "standalone" });
    const sizes = manifest.icons.map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    for (const icon of manifest.icons) {
      const r = await fetch(`${web.url}${icon.src}`);
      expect(r.status, icon.src).toBe(200);
      expect(r.headers.get("content-type"), icon.src).toContain(icon.type);
      const body = Buffer.from(await r.arrayBuffer());
      if (icon.type === "image/png") {
        // PNG signature, then IHDR width × height as the manifest says
        expect(body.subarray(1, 4).toString("ascii")).toBe("PNG");
        expect(`${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`).toBe(icon.sizes);
      } else {
        expect(body.toString("utf8")).toContain("<svg");
      }
    }
    const page = await tabletPage(browser);
    await page.goto(`${web.url}/login`);
    expect(await page.locator('link[rel="manifest"]').getAttribute("href")).toBe("/manifest.webmanifest");
    expect(await page.locator('link[rel="apple-touch-icon"]').count()).toBe(1);
    await page.context().close();
  });
});

describe("accessibility", () => {
  it("axe-core finds no WCAG 2.1 A/AA violation on the six main pages", async () => {
    const page = await tabletPage(browser);
    await page.goto(`${web.url}/login`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const found: Record<string, unknown> = { login: await axeViolations(page) };
    await login(page, "ada");
    await page.waitForURL(/\/assets$/);
    for (const [name, p, ready] of [
      ["asset list", "/assets", "asset-rows"],
      ["asset page", `/assets/${assetId}`, "timeline"],
      ["register asset", "/assets/new", "whoami"],
      ["setup", "/places", "place-tree"],
      ["admin", "/admin", "whoami"],
    ] as const) {
      await page.goto(`${web.url}${p}`);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForLoadState("networkidle");
      found[name] = await axeViolations(page);
    }
    expect(found).toEqual({ login: [], "asset list": [], "asset page": [], "register asset": [], setup: [], admin: [] });
    await page.context().close();
  });
});
