/**
 * Admin and warehouse journeys at the tablet reference size (1024×768, touch)
 * in Debian's Chromium, against the built app on a fresh SQLite database:
 * an admin creates a user and an API token (shown once, then used against the
 * REST API), registers an asset through the form, and a second registration of
 * the same serial answers with the duplicate message and a link to the asset.
 * Screenshots are kept in test-results/e2e/.
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
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "admin-journey-pass-1";

let dir: string;
let web: TWebServer;
let browser: Browser;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
let assetHref: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-admin-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const system = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  await createUser(deps, system, { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD });
  cat = await seedCatalog(deps);
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

const signIn = (page: Page, username: string, password: string, role: string) => signInAs(page, web.url, username, password, role);

describe("admin journey", () => {
  it("creates a user and an API token that is shown once and works against the REST API", async () => {
    const page = await tablet();
    await signIn(page, "ada", PASSWORD, "admin");
    await page.getByRole("link", { name: "Admin" }).tap();
    await page.waitForURL(/\/admin/);

    // a short password is refused next to the field
    await page.getByTestId("new-user-username").fill("wendy");
    await page.getByTestId("new-user-name").fill("Wendy Warehouse");
    await page.getByTestId("new-user-role").selectOption("warehouse");
    await page.getByTestId("new-user-password").fill("short");
    await page.getByTestId("new-user-submit").tap();
    await expect.poll(() => page.getByTestId("field-error").first().textContent()).toContain("At least 12 characters");

    await page.getByTestId("new-user-password").fill("wendy-password-12");
    await page.getByTestId("new-user-submit").tap();
    await expect.poll(() => page.getByTestId("ok-box").textContent()).toContain("Wendy Warehouse (wendy) can now sign in");
    await expect.poll(() => page.getByTestId("user-wendy").textContent()).toContain("Wendy Warehouse");
    await page.screenshot({ path: path.join(SHOTS, "admin-01-users.png") });

    await page.getByTestId("tab-tokens").tap();
    await page.getByTestId("new-token-name").fill("ERP sync");
    await page.getByTestId("new-token-role").selectOption("viewer");
    await page.getByTestId("new-token-days").fill("30");
    await page.getByTestId("new-token-submit").tap();
    const secret = page.getByTestId("once-secret-value");
    await expect.poll(() => secret.count()).toBe(1);
    const token = await secret.inputValue();
    expect(token).toMatch(/^ilt_/);
    await page.screenshot({ path: path.join(SHOTS, "admin-02-token-once.png") });

    const ok = await fetch(`${web.url}/api/v1/assets`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${web.url}/api/v1/assets`, { headers: { authorization: `Bearer ${token}x` } });
    expect(bad.status).toBe(401);

    // once stored, the token is gone from the page for good; the list shows only its prefix
    await page.getByTestId("once-secret-done").tap();
    expect(await page.getByTestId("once-secret-value").count()).toBe(0);
    await expect.poll(() => page.getByTestId("token-rows").textContent()).toContain("ERP sync");
    expect(await page.getByTestId("token-rows").textContent()).not.toContain(token);
    expect(await page.content()).not.toContain(token);

    // revoke with confirmation: the token stops working
    await page.getByTestId("token-rows").getByRole("button", { name: "Revoke" }).tap();
    await page.getByTestId("confirm-dialog-ok").tap();
    await expect.poll(() => page.getByTestId("token-rows").getByRole("button", { name: "Revoke" }).count()).toBe(0);
    const revoked = await fetch(`${web.url}/api/v1/assets`, { headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).toBe(401);
    await page.context().close();
  });

  it("registers an asset through the form, and a duplicate serial answers with a link to the existing asset", async () => {
    const page = await tablet();
    await signIn(page, "ada", PASSWORD, "admin");
    await page.getByTestId("register-asset").tap();
    await page.waitForURL(/\/assets\/new/);

    await page.getByTestId("reg-serial").fill("  adm-sn-0001 ");
    await page.getByTestId("reg-model").selectOption(cat.server.id);
    await page.getByTestId("reg-tag").fill("IL-ADM-1");
    await page.getByTestId("reg-location").selectOption(cat.bin.id);
    await page.getByTestId("reg-vendor").selectOption(cat.vendor.id);
    await page.screenshot({ path: path.join(SHOTS, "admin-03-register.png") });
    await page.getByTestId("reg-submit").tap();
    await expect.poll(() => page.getByTestId("ok-box").textContent()).toContain("ADM-SN-0001");
    const href = await page.getByTestId("registered-link").getAttribute("href");
    expect(href).toMatch(/^\/assets\/c/);
    assetHref = href!;

    // the same serial again (model kept from the last box)
    await page.getByTestId("reg-serial").fill("ADM-SN-0001");
    await page.getByTestId("reg-submit").tap();
    await expect.poll(() => page.getByTestId("register-error").textContent()).toContain("ADM-SN-0001 is already registered");
    expect(await page.getByTestId("duplicate-link").getAttribute("href")).toBe(href);
    await page.screenshot({ path: path.join(SHOTS, "admin-04-duplicate.png") });
    await page.getByTestId("duplicate-link").tap();
    await page.waitForURL(new RegExp(`${href}$`));
    await expect.poll(() => page.getByTestId("asset-ids").textContent()).toContain("IL-ADM-1 · ADM-SN-0001");
    await page.context().close();
  });

  it("creates a site agent (token shown once) and adds a BMC endpoint to the asset through the panel", async () => {
    const page = await tablet();
    // the CSP (server/security-headers.ts) must not block anything the app itself runs
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await signIn(page, "ada", PASSWORD, "admin");
    const res = await page.goto(`${web.url}/admin`);
    const headers = res!.headers();
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["permissions-policy"]).toContain("camera=(self)");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["strict-transport-security"]).toBeUndefined(); // plain HTTP on loopback
    await page.getByTestId("tab-agents").tap();
    await page.getByTestId("new-agent-name").fill("fra1-oob-1");
    await page.getByTestId("new-agent-submit").tap();
    await expect.poll(async () => (await page.getByTestId("once-secret-value").count()) && page.getByTestId("once-secret-value").inputValue()).toMatch(/^ila_/);
    await page.getByTestId("once-secret-done").tap();
    await expect.poll(() => page.getByTestId("agent-rows").textContent()).toContain("fra1-oob-1");

    await page.goto(`${web.url}${assetHref}`);
    await page.getByTestId("bmc-add").tap();
    await page.getByTestId("bmc-protocol").selectOption("redfish");
    await page.getByTestId("bmc-address").fill("http://10.0.0.5");
    await page.getByTestId("bmc-username").fill("root");
    await page.getByTestId("bmc-password").fill("calvin");
    await page.getByTestId("bmc-save").tap();
    await expect.poll(() => page.getByTestId("bmc-form").getByTestId("field-error").first().textContent()).toContain("https:// URL");

    await page.getByTestId("bmc-protocol").selectOption("ipmi");
    await page.getByTestId("bmc-address").fill("127.0.0.1:6230");
    await page.getByTestId("bmc-interval").fill("60");
    await page.getByTestId("bmc-agent").selectOption({ label: "fra1-oob-1" });
    await page.getByTestId("bmc-cipher-zero").check();
    await expect.poll(() => page.getByTestId("bmc-form").textContent()).toContain("no authentication and no encryption");
    await page.screenshot({ path: path.join(SHOTS, "admin-05-bmc-form.png") });
    await page.getByTestId("bmc-save").tap();
    await expect.poll(() => page.getByTestId("bmc-panel").textContent()).toContain("via agent fra1-oob-1");
    expect(await page.getByTestId("bmc-panel").textContent()).toContain("every 60 s");

    // editing never shows the stored password
    await page.getByTestId("bmc-edit").tap();
    expect(await page.getByTestId("bmc-password").inputValue()).toBe("");
    expect(await page.getByTestId("bmc-address").inputValue()).toBe("127.0.0.1:6230");
    await page.getByTestId("bmc-interval").fill("120");
    await page.getByTestId("bmc-save").tap();
    await expect.poll(() => page.getByTestId("bmc-panel").textContent()).toContain("every 120 s");

    // a new address would take the stored password elsewhere: the form asks for it again (an admin may approve keeping it)
    await page.getByTestId("bmc-edit").tap();
    await page.getByTestId("bmc-address").fill("127.0.0.1:6231");
    await page.getByTestId("bmc-save").tap();
    await expect.poll(() => page.getByTestId("bmc-form").getByTestId("field-error").first().textContent()).toContain("Enter the BMC password again");
    await page.getByTestId("bmc-keep-password").check();
    await page.getByTestId("bmc-save").tap();
    await expect.poll(() => page.getByTestId("bmc-panel").textContent()).toContain("127.0.0.1:6231");
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "admin-06-bmc-panel.png") });
    await page.context().close();
  });

  it("tells a non-admin that administration is for administrators", async () => {
    const page = await tablet();
    await signIn(page, "wendy", "wendy-password-12", "warehouse");
    expect(await page.getByRole("link", { name: "Admin" }).count()).toBe(0);
    await page.goto(`${web.url}/admin`);
    await expect.poll(() => page.getByTestId("admin-forbidden").textContent()).toContain("Only administrators");
    await page.context().close();
  });
});
