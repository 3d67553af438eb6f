/**
 * RMA and disposal journeys in Debian's Chromium on the tablet (1024×768, touch) against the built app on
 * a fresh SQLite database, as warehouse staff: open an RMA from a failed server, submit, approve, ship,
 * scan the replacement and find it in the failed server's rack position; then import erasure evidence,
 * mark a decommissioned server sanitised, build a disposal batch (manifest, hand-off, certificate upload)
 * and close it: the server is DISPOSED. axe stays at 0 on the pages.
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
import { createModel } from "../../server/domains/catalog/service";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const PASSWORD = "rma-journey-123";
let dir = "";
let url = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;
let rackId = "";

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-rma-"));
  url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);
  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    await createUser(deps, admin, { username: "wendy", displayName: "Wendy Warehouse", role: "warehouse", password: PASSWORD });
    await createUser(deps, admin, { username: "tina", displayName: "Tina Technician", role: "technician", password: PASSWORD });
    const cat = await seedCatalog(deps);
    rackId = cat.rack.id;
    const drive = await createModel(deps, admin, { manufacturerId: cat.dell.id, name: "1.92TB NVMe", kind: "DRIVE", partNumber: "NVME-192" });
    const failed = await createAsset(deps, admin, { serial: "FAILSRV01", assetTag: "IL-000101", modelId: cat.server.id, vendorId: cat.vendor.id, locationId: cat.rack.id, rackUnit: 10 });
    await transition(deps, admin, { assetId: failed.id, to: "FAILED", reason: "PSU dead" });
    const old = await createAsset(deps, admin, { serial: "OLDSRV01", assetTag: "IL-000202", modelId: cat.server.id, vendorId: cat.vendor.id });
    await createAsset(deps, admin, { serial: "OLDDRV01", modelId: drive.id, parentId: old.id });
    await transition(deps, admin, { assetId: old.id, to: "FAILED", reason: "beyond repair" });
    await transition(deps, admin, { assetId: old.id, to: "DECOMMISSIONING" });
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

describe("RMA and disposal on the tablet", () => {
  it("opens an RMA from a failed server, ships it, scans the replacement into the old rack position; disposes a sanitised server", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "wendy", PASSWORD, "warehouse");
    await page.getByRole("link", { name: "RMA", exact: true }).click();
    await page.waitForURL(/\/rma$/);
    await page.getByTestId("rma-reason").fill("PSU 1 dead, no power");
    await page.getByTestId("rma-open-submit").click();
    await page.waitForURL(/\/rma\/c/);
    await expect.poll(() => page.getByTestId("rma-status").textContent(), { timeout: 10_000 }).toBe("Draft");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId("rma-action-submit").click();
    await expect.poll(() => page.getByTestId("rma-status").textContent(), { timeout: 10_000 }).toBe("Submitted to vendor");
    await page.getByTestId("rma-vendorRmaNumber").fill("DELL-778812");
    await page.getByTestId("rma-action-approve").click();
    await expect.poll(() => page.getByTestId("rma-status").textContent(), { timeout: 10_000 }).toBe("Approved");
    await page.getByTestId("rma-carrier").fill("UPS");
    await page.getByTestId("rma-trackingNumber").fill("1Z999AA10123456784");
    await page.getByTestId("rma-action-ship").click();
    await expect.poll(() => page.getByTestId("rma-status").textContent(), { timeout: 10_000 }).toBe("Shipped");
    await page.getByTestId("rma-replacement-serial").fill("NEWSRV01");
    await page.getByTestId("rma-receive").click();
    await expect.poll(() => page.getByTestId("rma-status").textContent(), { timeout: 10_000 }).toBe("Replacement received");
    await page.getByRole("link", { name: "NEWSRV01" }).click();
    await page.waitForURL(/\/assets\/c/);
    await expect.poll(() => page.locator("main").textContent(), { timeout: 10_000 }).toContain("R01");

    // disposal: the technician imports the erasure evidence and marks the server sanitised
    const tech = await tabletPage(browser!);
    await signIn(tech, web!.url, "tina", PASSWORD, "technician");
    await tech.goto(`${web!.url}/rma/disposal`);
    await tech.getByTestId("evidence-content").fill("serial,method,technique,tool,toolVersion,verification,operator,performedAt\nOLDDRV01,PURGE,CRYPTO_ERASE,nwipe,0.35,PASSED,Wendy,2026-05-04T10:00:00Z");
    await tech.getByTestId("evidence-submit").click();
    await expect.poll(() => tech.getByTestId("evidence-import").textContent(), { timeout: 10_000 }).toContain("Imported 1 record");
    await tech.getByTestId("sanitise-submit").click();
    await expect.poll(() => tech.getByTestId("sanitise").textContent(), { timeout: 10_000 }).toContain("is sanitised");
    expect(await axeViolations(tech)).toEqual([]);
    // the warehouse builds the batch: manifest, hand-off, certificate, close
    await page.goto(`${web!.url}/rma/disposal`);
    await page.getByTestId("batch-recycler").fill("GreenCycle GmbH");
    await page.getByTestId("batch-create-submit").click();
    await page.waitForURL(/\/rma\/disposal\/c/);
    await page.getByTestId("batch-code").fill("IL-000202");
    await page.getByTestId("batch-seal").fill("S-0001");
    await page.getByTestId("batch-add").click();
    await expect.poll(() => page.getByTestId("batch-items").textContent(), { timeout: 10_000 }).toContain("IL-000202");
    await page.getByTestId("handoff-from").fill("FRA1 warehouse");
    await page.getByTestId("handoff-to").fill("GreenCycle driver");
    await page.getByTestId("handoff-signature").fill("Max Mustermann");
    await page.getByTestId("handoff-add").click();
    await expect.poll(() => page.getByTestId("batch-handoffs").textContent(), { timeout: 10_000 }).toContain("Max Mustermann");
    await page.getByTestId("certificate-file").setInputFiles({ name: "certificate.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
    await expect.poll(() => page.getByTestId("batch-certificate").textContent(), { timeout: 10_000 }).toContain("SHA-256");
    await page.getByTestId("batch-close").click();
    await expect.poll(() => page.getByTestId("batch-status").textContent(), { timeout: 10_000 }).toBe("Closed");
    await expect.poll(() => page.getByTestId("batch-items").textContent()).toContain("DISPOSED");
    expect(await axeViolations(page)).toEqual([]);

    const database = createDatabase(url);
    try {
      const rows = await database.db.asset.findMany({ where: { serial: { in: ["FAILSRV01", "NEWSRV01", "OLDSRV01"] } }, select: { serial: true, status: true, locationId: true, rackUnit: true }, orderBy: { serial: "asc" } });
      expect(rows).toEqual([
        { serial: "FAILSRV01", status: "RMA", locationId: null, rackUnit: null },
        { serial: "NEWSRV01", status: "RECEIVED", locationId: rackId, rackUnit: 10 },
        { serial: "OLDSRV01", status: "DISPOSED", locationId: null, rackUnit: null },
      ]);
    } finally {
      await database.close();
    }
  }, 90_000);
});
