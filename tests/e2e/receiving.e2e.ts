/**
 * Receiving on the tablet (1024×768, touch) against the built app, one server for the file (issue 11):
 * a warehouse clerk receives a 50-unit PO by typing serials as a keyboard-wedge scanner does (fast
 * keystrokes + Enter), with a duplicate, a model not on the PO and an over-receipt answered in red
 * or green at once; mid-receipt the network is cut (the browser context goes offline), 20 more scans
 * queue in IndexedDB with the count on screen, the page is reloaded with no network (the service
 * worker serves it), and when the network is back they sync in order: every scan arrives exactly once. A second tablet on the same receipt sees the counters move live.
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
import { createModel } from "../../server/domains/catalog/service";
import { issuePurchaseOrder } from "../../server/domains/procurement/orders";
import { seedCatalog } from "../harness/fixtures";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { code128Y4m } from "../harness/barcodes";
import { startWeb, type TWebServer } from "../harness/web";

const PASSWORD = "receiving-password-1";
let dir: string;
let url: string;
let web: TWebServer;
let browser: Browser;
let poNumber: string;
let cameraPo: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-receiving-"));
  url = `file:${path.join(dir, "receiving.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  const deps = { db: database.db, provider: database.provider, clock: systemClock };
  const system = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
  await createUser(deps, system, { username: "wendy", displayName: "Wendy Warehouse", role: "warehouse", password: PASSWORD });
  await createUser(deps, system, { username: "walt", displayName: "Walt Warehouse", role: "warehouse", password: PASSWORD });
  const cat = await seedCatalog(deps);
  await createModel(deps, system, { manufacturerId: cat.dell.id, name: "PowerEdge R650", kind: "SERVER", partNumber: "R650", heightU: 1 });
  const po = await database.db.purchaseOrder.create({
    data: { number: "PO-000001", vendorId: cat.vendor.id, currency: "EUR", status: "DRAFT", total: 50 * 9000, createdById: "e2e", createdAt: new Date(), lines: { create: [{ lineNo: 1, modelId: cat.server.id, quantity: 50, unitPrice: 9000, leadTimeDays: 14 }] } },
  });
  poNumber = (await issuePurchaseOrder(deps, { ...system, role: "procurement" }, po.id)).number;
  const po2 = await database.db.purchaseOrder.create({
    data: { number: "PO-000002", vendorId: cat.vendor.id, currency: "EUR", status: "DRAFT", total: 9000, createdById: "e2e", createdAt: new Date(), lines: { create: [{ lineNo: 1, modelId: cat.server.id, quantity: 1, unitPrice: 9000, leadTimeDays: 14 }] } },
  });
  cameraPo = (await issuePurchaseOrder(deps, { ...system, role: "procurement" }, po2.id)).number;
  await database.close();
  web = await startWeb(url);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a wedge scanner does: the code as fast keystrokes, then Enter, into whatever has the focus. */
async function scan(page: Page, code: string) {
  await page.keyboard.type(code, { delay: 4 });
  await page.keyboard.press("Enter");
}

const serial = (i: number) => `SN-${String(i).padStart(4, "0")}`;

describe("receiving on the tablet", () => {
  it("receives a 50-unit PO by scanner, answers every awkward scan, queues 20 scans offline and syncs each exactly once", async () => {
    const page = await tabletPage(browser);
    await signIn(page, web.url, "wendy", PASSWORD, "warehouse");
    await page.getByRole("link", { name: "Warehouse" }).click();
    await page.waitForURL(/\/warehouse$/);
    await page.goto(`${web.url}/warehouse/receiving`);
    await page.getByTestId(`receive-${poNumber}`).click();
    await page.waitForURL(/\/warehouse\/receiving\/[^/]+$/);
    const receiptUrl = page.url();
    await expect.poll(() => page.getByTestId("receiving-count-1").textContent()).toBe("0/50");
    // reached by a client-side navigation from the list: the service worker has kept the screen all the same
    await expect.poll(() => page.getByTestId("receiving-pending").getAttribute("data-offline-ready"), { timeout: 15_000 }).toBe("true");

    // a second tablet on the same receipt
    const other = await tabletPage(browser);
    await signIn(other, web.url, "walt", PASSWORD, "warehouse");
    await other.goto(receiptUrl);
    await expect.poll(() => other.getByTestId("receiving-count-1").textContent()).toBe("0/50");

    await page.getByTestId("receiving-scan").focus();
    const feedback = page.getByTestId("receiving-feedback");
    for (let i = 1; i <= 30; i++) await scan(page, serial(i));
    await expect.poll(() => page.getByTestId("receiving-count-1").textContent(), { timeout: 20_000 }).toBe("30/50");
    await expect.poll(() => feedback.getAttribute("data-tone")).toBe("ok");
    // the same serial again: green, already received, nothing doubled
    await scan(page, serial(3));
    await expect.poll(() => feedback.textContent()).toMatch(/Already received: serial SN-0003/);
    expect(await feedback.getAttribute("data-tone")).toBe("ok");
    // a model that is not on the PO: red, one line why
    await scan(page, "R650");
    await expect.poll(() => feedback.textContent()).toMatch(/R650\) is not on PO-000001/);
    expect(await feedback.getAttribute("data-tone")).toBe("bad");
    // the other tablet follows live
    await expect.poll(() => other.getByTestId("receiving-count-1").textContent(), { timeout: 10_000 }).toBe("30/50");

    // the Wi-Fi drops: 20 scans wait on the tablet, and the screen says so
    await page.context().setOffline(true);
    for (let i = 31; i <= 50; i++) await scan(page, serial(i));
    await expect.poll(() => page.getByTestId("receiving-pending").getAttribute("data-pending")).toBe("20");
    await expect.poll(() => page.getByTestId("receiving-pending").textContent()).toMatch(/20 scans waiting to sync \(offline\)/);
    expect(await feedback.getAttribute("data-tone")).toBe("queued");
    expect(await page.getByTestId("receiving-count-1").textContent()).toBe("30/50");
    // the tablet reloads the page with no network: the service worker serves the screen it kept, and
    // the 20 scans are still waiting (IndexedDB)
    await page.reload();
    await expect.poll(() => page.getByTestId("receiving-pending").getAttribute("data-pending"), { timeout: 15_000 }).toBe("20");
    expect(await page.getByTestId("receiving-scan").isVisible()).toBe(true);

    // back online: they sync in order, each once
    await page.context().setOffline(false);
    await expect.poll(() => page.getByTestId("receiving-pending").getAttribute("data-pending"), { timeout: 20_000 }).toBe("0");
    await expect.poll(() => page.getByTestId("receiving-count-1").textContent()).toBe("50/50");
    await expect.poll(() => other.getByTestId("receiving-count-1").textContent(), { timeout: 10_000 }).toBe("50/50");

    // one more unit than ordered: red
    await scan(page, serial(51));
    await expect.poll(() => feedback.textContent()).toMatch(/Over-receipt: line 1 \(R760\) has all 50 received/);
    expect(await feedback.getAttribute("data-tone")).toBe("bad");
    // the screen's log starts again at the offline reload: the 20 queued scans as they synced, then the over-receipt
    expect(await page.locator('[data-outcome="received"]').count()).toBe(20);
    expect(await page.locator('[data-outcome="over_receipt"]').count()).toBe(1);

    // the server saw every scan exactly once, in the order scanned, and received each serial once
    const database = createDatabase(url);
    try {
      const scans = await database.db.receiptScan.findMany({ orderBy: [{ at: "asc" }, { id: "asc" }], select: { code: true, outcome: true, clientScanId: true } });
      expect(scans).toHaveLength(53);
      expect(new Set(scans.map((s) => s.clientScanId)).size).toBe(53);
      const offline = scans.filter((s) => s.code >= serial(31) && s.code <= serial(50)).map((s) => s.code);
      expect(offline).toEqual(Array.from({ length: 20 }, (_, k) => serial(31 + k)));
      const assets = await database.db.asset.findMany({ where: { serial: { startsWith: "SN-" } }, select: { serial: true, status: true, assetTag: true } });
      expect(assets.map((a) => a.serial).sort()).toEqual(Array.from({ length: 50 }, (_, k) => serial(k + 1)));
      expect(assets.every((a) => a.status === "RECEIVED" && /^IL-\d{6}$/.test(a.assetTag ?? ""))).toBe(true);
    } finally {
      await database.close();
    }

    // close: the discrepancy report, and the PO is received
    await page.getByTestId("receipt-close").click();
    await expect.poll(() => page.getByTestId("receipt-po-status").textContent()).toBe("received");
    expect(await page.getByTestId("report-over").textContent()).toContain("SN-0051");
    expect(await page.getByTestId("report-wrong").textContent()).toContain("R650");
    expect(await page.getByTestId("report-short").textContent()).toContain("none");
    await other.context().close();
    await page.context().close();
  }, 90_000);

  it("reads a label through the tablet's camera: barcode-detector's ponyfill, its zxing wasm served by this server", async () => {
    // Chromium's fake camera plays a frame with a Code 128 label; Linux Chromium has no native BarcodeDetector
    const video = code128Y4m("CAM-0001", path.join(dir, "camera.y4m"));
    const cam = await launchChromium(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
    try {
      const page = await tabletPage(cam);
      await page.context().grantPermissions(["camera"], { origin: web.url });
      const wasm: string[] = [];
      page.on("response", (r) => {
        if (new URL(r.url()).pathname.endsWith(".wasm")) wasm.push(`${r.status()} ${r.url()}`);
      });
      await signIn(page, web.url, "wendy", PASSWORD, "warehouse");
      await page.goto(`${web.url}/warehouse/receiving`);
      await page.getByTestId(`receive-${cameraPo}`).click();
      await page.waitForURL(/\/warehouse\/receiving\/[^/]+$/);
      await expect.poll(() => page.getByTestId("receiving-count-1").textContent()).toBe("0/1");
      expect(wasm).toEqual([]); // the reader is loaded only when the camera opens
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.getByTestId("receiving-camera").tap();
      await expect.poll(() => page.getByTestId("receiving-count-1").textContent(), { timeout: 30_000 }).toBe("1/1");
      await page.getByTestId("receiving-camera").tap(); // stop the camera
      expect(await page.getByTestId("receiving-feedback").textContent()).toContain("CAM-0001");
      expect(await page.getByTestId("receiving-feedback").getAttribute("data-tone")).toBe("ok");
      expect(wasm).toEqual([`200 ${web.url}/zxing/zxing_reader.wasm`]);
      expect(errors).toEqual([]); // e.g. a CSP that refuses to compile WebAssembly
      // the label held in front of the camera for many frames was one scan
      const database = createDatabase(url);
      try {
        expect(await database.db.receiptScan.count({ where: { code: "CAM-0001", outcome: "received" } })).toBe(1);
        expect(await database.db.asset.count({ where: { serial: "CAM-0001", status: "RECEIVED" } })).toBe(1);
      } finally {
        await database.close();
      }
    } finally {
      await cam.close();
    }
  }, 60_000);
});
