/**
 * Procurement journey in Debian's Chromium against the built app on a fresh SQLite database, as a
 * procurement user at a desktop: create an RFQ with 3 vendors, enter round 1 by hand and round 2 by
 * CSV, compare on TCO (table and charts), award, issue the PO, see the savings figure, and export the
 * TCO PDF, which poppler renders to images (pages) and reads back as text.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/context";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createUser } from "../../server/domains/users/service";
import { createRfq, createVendorWithTerms, listVendorsWithTerms, submitQuote } from "../../server/domains/procurement/service";
import { award, issuePurchaseOrder, syncReceipts } from "../../server/domains/procurement/orders";
import { transition } from "../../server/domains/assets/lifecycle";
import { launchChromium, signIn } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "procure-journey-1";
let dir = "";
let dbUrl = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-procure-"));
  const url = (dbUrl = `file:${path.join(dir, "e2e.db")}`);
  await migrate(url);
  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    await createUser(deps, admin, { username: "paula", displayName: "Paula Procurement", role: "procurement", password: PASSWORD });
    await seedCatalog(deps);
    for (const [name, lead] of [["Alpha Systems", 30], ["Beta Hardware", 20], ["Gamma Compute", 45]] as const) await createVendorWithTerms(deps, admin, { name, leadTimeSlaDays: lead });
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

async function quote(page: Page, vendor: string, round: number, rows: (string[] | "declined")[]) {
  const form = page.getByTestId("quote-form");
  await form.getByTestId("quote-vendor").selectOption({ label: vendor });
  await form.getByTestId("quote-round").fill(String(round));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r === "declined") {
      await form.getByTestId(`q-declined-${i}`).check();
      continue;
    }
    const keys = ["unitPrice", "leadTimeDays", "warrantyYears", "supportPerYear", "typicalWatts"];
    for (let k = 0; k < keys.length; k++) await form.getByTestId(`q-${keys[k]}-${i}`).fill(r[k]!);
  }
  await form.getByTestId("quote-save").click();
  await expect.poll(() => form.getByTestId("ok-box").textContent(), { timeout: 15_000 }).toContain(`Saved round ${round}`);
  if (rows.includes("declined")) for (let i = 0; i < rows.length; i++) if (rows[i] === "declined") await form.getByTestId(`q-declined-${i}`).uncheck();
}

describe("procurement journey (built app, Chromium, poppler)", () => {
  it("RFQ with 3 vendors → two rounds (one by CSV) → TCO → award → PO → savings → PDF", async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, web!.url, "paula", PASSWORD, "procurement");
    await page.getByRole("link", { name: "Procurement" }).click();
    await page.waitForURL(/\/procurement$/);

    // ---- a new RFQ: a model line and a free-text line, three vendors invited
    await page.getByTestId("new-rfq").click();
    await page.waitForURL(/\/procurement\/rfqs\/new/);
    await page.getByTestId("rfq-title").fill("Compute refresh FRA1");
    await page.getByTestId("rfq-site").selectOption({ label: "FRA1" });
    await expect.poll(() => page.getByTestId("rfq-line-model-0").locator("option").count()).toBeGreaterThan(1);
    await page.getByTestId("rfq-line-model-0").selectOption({ label: "PowerEdge R760 (R760)" });
    await page.getByTestId("rfq-line-qty-0").fill("4");
    await page.getByTestId("rfq-line-budget-0").fill("11000");
    await page.getByTestId("rfq-add-line").click();
    await page.getByTestId("rfq-line-spec-1").fill("25G leaf switch, 48 ports");
    await page.getByTestId("rfq-line-qty-1").fill("2");
    await page.getByTestId("rfq-line-budget-1").fill("3000");
    await expect.poll(() => page.getByTestId("rfq-invite").count()).toBe(4); // the seeded catalogue's Acme Distribution too
    for (const name of ["Alpha Systems", "Beta Hardware", "Gamma Compute"]) await page.getByRole("checkbox", { name }).check();
    await page.getByTestId("rfq-save").click();
    await page.waitForURL(/\/procurement\/rfqs\/c[a-z0-9]+$/, { timeout: 15_000 });
    const rfqId = page.url().split("/").pop()!;
    expect(await page.getByTestId("rfq-heading").textContent()).toContain("RFQ-000001 · Compute refresh FRA1");

    // ---- round 1 by hand (Beta declines the switch)
    await quote(page, "Alpha Systems", 1, [["10500", "30", "3", "800", "500"], ["2800", "20", "3", "100", "100"]]);
    await quote(page, "Beta Hardware", 1, [["9000", "15", "3", "1000", "700"], "declined"]);
    await quote(page, "Gamma Compute", 1, [["10200", "40", "3", "900", "550"], ["2600", "25", "3", "150", "120"]]);

    // ---- round 2 by CSV (Alpha): a bad file first is refused with its line number, then the good one
    await page.getByTestId("csv-vendor").selectOption({ label: "Alpha Systems" });
    await page.getByTestId("csv-round").fill("2");
    const header = "line,unitPrice,leadTimeDays,warrantyYears,supportPerYear,typicalWatts";
    await page.getByTestId("csv-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(`${header}\n1,ten thousand,30,3,800,500\n`) });
    await page.getByTestId("csv-upload").click();
    await expect.poll(() => page.getByTestId("csv-problems").textContent(), { timeout: 15_000 }).toContain("Line 2: unitPrice");
    await page.getByTestId("csv-file").setInputFiles({ name: "alpha-r2.csv", mimeType: "text/csv", buffer: Buffer.from(`${header}\n1,10000,30,3,800,500\n2,2700,20,3,100,100\n`) });
    await page.getByTestId("csv-upload").click();
    await expect.poll(() => page.getByText("Imported round 2: 2 lines.").count(), { timeout: 15_000 }).toBe(1);

    // ---- compare: Alpha's round 2 wins line 1 on TCO; the charts are there
    await expect.poll(() => page.getByTestId("quote-rounds").locator("tbody tr").count(), { timeout: 15_000 }).toBe(4);
    const tcoText = (await page.getByTestId("tco-table").textContent()) ?? "";
    expect(tcoText).toContain("Alpha Systems (2)");
    expect(tcoText).toContain("Beta Hardware declined");
    expect(await page.getByTestId("tco-charts").locator("svg").count()).toBe(3);
    await page.screenshot({ path: path.join(SHOTS, "procurement-tco.png"), fullPage: true });

    // ---- award everything to Alpha; open the PO and issue it
    await page.getByTestId("award-vendor").selectOption({ label: "Alpha Systems" });
    await page.getByTestId("award-save").click();
    await expect.poll(() => page.getByTestId("rfq-status").textContent(), { timeout: 15_000 }).toBe("AWARDED");
    await page.getByTestId("rfq-pos").getByRole("link").first().click();
    await page.waitForURL(/\/procurement\/purchase-orders\//);
    expect(await page.getByTestId("po-total").textContent()).toBe("45,400.00 EUR");
    await page.getByTestId("po-issue").click();
    await page.getByTestId("confirm-dialog-ok").click();
    await expect.poll(() => page.getByTestId("po-status").textContent(), { timeout: 15_000 }).toBe("Issued");
    expect(await page.getByTestId("po-lines").getByRole("link").count()).toBe(4);

    // ---- the savings figure: (50000 − 45400) ÷ 50000 = 9.2 % against budget
    await page.goto(`${web!.url}/procurement/kpis`);
    expect(await page.getByTestId("savings-budget").textContent()).toBe("9.2 %");
    expect(await page.getByTestId("savings-drill").locator("tbody tr").count()).toBe(2);

    // ---- the TCO PDF, as the button downloads it, rendered and read back by poppler
    const res = await page.request.get(`${web!.url}/api/procurement/report?kind=tco&id=${rfqId}&format=pdf`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toBe("application/pdf");
    const file = path.join(dir, "tco.pdf");
    writeFileSync(file, await res.body());
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    execFileSync("pdftoppm", ["-png", "-r", "40", file, path.join(dir, "tco-page")]);
    expect(readdirSync(dir).filter((f) => f.startsWith("tco-page") && f.endsWith(".png"))).toHaveLength(pages);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("TCO comparison — RFQ-000001");
    expect(text).toContain("Alpha Systems");
    expect(text).toContain(`Page ${pages} of ${pages}`);
    await context.close();
  }, 120_000);

  it("changes a vendor's terms, contacts and list prices, Setup's defaults and a budget, an open RFQ's parameters and vendors; closes a received PO", async () => {
    // set up through the services (on the running app's database): an open RFQ with one vendor, and a PO whose goods all arrived
    const database = createDatabase(dbUrl);
    let openRfq = "";
    let poId = "";
    try {
      const deps = { db: database.db, provider: database.provider, clock: systemClock };
      const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
      const v = new Map((await listVendorsWithTerms(deps)).map((x) => [x.name, x.id]));
      const cat = await database.db.hardwareModel.findFirstOrThrow({ where: { partNumber: "R760" } });
      openRfq = (await createRfq(deps, admin, { title: "Spares FRA1", currency: "EUR", lines: [{ modelId: cat.id, quantity: 2 }], vendorIds: [v.get("Alpha Systems")!] })).id;
      const done = await createRfq(deps, admin, { title: "Two servers", currency: "EUR", lines: [{ modelId: cat.id, quantity: 2 }], vendorIds: [v.get("Beta Hardware")!] });
      await submitQuote(deps, admin, done.id, { vendorId: v.get("Beta Hardware")!, round: 1, lines: [{ rfqLineId: done.lines[0]!.id, unitPrice: 9000, leadTimeDays: 10, warrantyYears: 3, supportPerYear: 500, typicalWatts: 400 }] });
      poId = (await award(deps, admin, done.id, { vendorId: v.get("Beta Hardware")! })).purchaseOrders[0]!.id;
      const po = await issuePurchaseOrder(deps, admin, poId);
      for (const assetId of po.lines[0]!.assetIds) for (const to of ["IN_TRANSIT", "RECEIVED"] as const) await transition(deps, admin, { assetId, to });
      expect((await syncReceipts(deps, admin, poId)).status).toBe("RECEIVED");
    } finally {
      await database.close();
    }

    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, web!.url, "paula", PASSWORD, "procurement");
    const toast = (text: string) => expect.poll(() => page.getByTestId("toast").allTextContents(), { timeout: 15_000 }).toContainEqual(expect.stringContaining(text));

    // ---- vendors: Gamma's committed lead time 45 → 40 days, a contact, Beta's list price for the R760
    await page.goto(`${web!.url}/procurement/vendors`);
    const gamma = page.getByTestId("vendor-editor").filter({ hasText: "Gamma Compute" });
    await gamma.locator("summary").click();
    await gamma.getByTestId("vendor-edit-leadTimeSlaDays").fill("0");
    await gamma.getByTestId("vendor-edit-save").click();
    await expect.poll(() => gamma.getByTestId("field-error").textContent(), { timeout: 15_000 }).toBe("At least 1 day");
    await gamma.getByTestId("vendor-edit-leadTimeSlaDays").fill("40");
    await gamma.getByTestId("vendor-edit-save").click();
    await toast("Saved Gamma Compute's terms.");
    await expect.poll(() => page.getByTestId("vendor-rows").locator("tr", { hasText: "Gamma Compute" }).textContent(), { timeout: 15_000 }).toContain("40 days");
    await gamma.getByTestId("contact-name").fill("Greta Gamma");
    await gamma.getByTestId("contact-add").click();
    await expect.poll(() => gamma.getByTestId("vendor-contacts").textContent(), { timeout: 15_000 }).toContain("Greta Gamma");
    await page.getByTestId("price-model").selectOption({ label: "PowerEdge R760 (R760)" });
    await page.getByTestId("price-vendor").selectOption({ label: "Beta Hardware" });
    await page.getByTestId("price-amount").fill("8999");
    await page.getByTestId("price-save").click();
    await expect.poll(() => page.getByTestId("list-prices").textContent(), { timeout: 15_000 }).toContain("8,999.00 EUR");

    // ---- Setup: PUE 1.4 → 1.6, and a quarter's budget for FRA1
    await page.goto(`${web!.url}/procurement/setup`);
    await page.getByTestId("setting-pue").fill("1.6");
    await page.getByTestId("settings-save").click();
    await expect.poll(() => page.getByTestId("ok-box").textContent(), { timeout: 15_000 }).toContain("Saved");
    await page.getByTestId("budget-quarter").fill("2027-Q1");
    await page.getByTestId("budget-amount").fill("100000");
    await page.getByTestId("budget-save").click();
    await expect.poll(() => page.getByTestId("capex").textContent(), { timeout: 15_000 }).toContain("2027-Q1");

    // ---- the open RFQ: invite Beta, override the tariff (the comparison's parameters say so; PUE is Setup's new default)
    await page.goto(`${web!.url}/procurement/rfqs/${openRfq}`);
    await page.getByRole("checkbox", { name: "Beta Hardware" }).check();
    await page.getByTestId("invite-save").click();
    await toast("Invited 1 vendor.");
    await expect.poll(() => page.getByTestId("quote-vendor").locator("option", { hasText: "Beta Hardware" }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId("rfq-params").locator("summary").click();
    expect(await page.getByTestId("param-pue").getAttribute("placeholder")).toBe("1.6");
    await page.getByTestId("param-tariffPerKwh").fill("0.31");
    await page.getByTestId("rfq-params-save").click();
    await expect.poll(() => page.getByTestId("tco-params").textContent(), { timeout: 15_000 }).toContain("tariff 0.31 EUR/kWh");
    expect(await page.getByTestId("tco-params").textContent()).toContain("PUE 1.6");

    // ---- the PO whose goods all arrived: Close PO
    await page.goto(`${web!.url}/procurement/purchase-orders/${poId}`);
    expect(await page.getByTestId("po-status").textContent()).toBe("Received");
    await page.getByTestId("po-close").click();
    await page.getByTestId("confirm-dialog-ok").click();
    await expect.poll(() => page.getByTestId("po-status").textContent(), { timeout: 15_000 }).toBe("Closed");
    expect(await page.getByTestId("po-close").count()).toBe(0);
    await context.close();
  }, 120_000);
});
