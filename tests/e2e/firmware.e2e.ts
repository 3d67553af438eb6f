/**
 * A firmware engineer's journey in Debian's Chromium against the built app: probes posted by a site agent
 * (over the real agent API) become the fleet view; the engineer defines a BIOS baseline in the editor, sees
 * drift and the firmware-lag KPI, and the page follows live when the next probe shows the update.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock, type TDeps } from "../../server/context";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createAsset } from "../../server/domains/assets/service";
import { createAgent, createEndpoint } from "../../server/domains/bmc/service";
import { campaignAssetStep, campaignTick } from "../../server/domains/firmware/campaign";
import { projectFirmware, saveBaseline } from "../../server/domains/firmware/service";
import { createUser } from "../../server/domains/users/service";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startWeb, type TWebServer } from "../harness/web";
import { moveTo } from "../harness/racking";

const PASSWORD = "firmware-journey-1";
const SECRET = randomBytes(32).toString("base64");
let dir = "";
let dbUrl = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;
let agentToken = "";
const endpoints: string[] = [];

/** Runs server-side work here at once (what the workers' jobs do), on its own connection. */
async function withDeps<T>(fn: (deps: TDeps) => Promise<T>): Promise<T> {
  const database = createDatabase(dbUrl);
  try {
    return await fn({ db: database.db, provider: database.provider, clock: systemClock } as TDeps);
  } finally {
    await database.close();
  }
}

/** What the workers' firmware.inventory job does, run here at once instead of on its 30 s schedule. */
async function project(): Promise<void> {
  await withDeps((deps) => projectFirmware(deps));
}

async function postProbe(endpointId: string, bios: string): Promise<void> {
  const observation = {
    kind: "bmc.probe",
    idempotencyKey: `fw-e2e-${randomBytes(8).toString("hex")}`,
    endpointId,
    observedAt: new Date().toISOString(),
    durationMs: 100,
    result: {
      protocol: "redfish",
      power: "on",
      deviceId: { firmwareRevision: "7.10", manufacturerId: null, productId: null },
      guid: null,
      fru: { manufacturer: "Dell", productName: "R760", productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null },
      sensors: [],
      sel: [],
      firmware: [
        { component: "BIOS", version: bios, source: "redfish.FirmwareInventory" },
        { component: "iDRAC", version: "7.10.30.00", source: "redfish.FirmwareInventory" },
      ],
    },
  };
  const res = await fetch(`${web!.url}/api/agent/v1/observations`, { method: "POST", headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" }, body: JSON.stringify({ observations: [observation] }) });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-firmware-"));
  dbUrl = `file:${path.join(dir, "e2e.db")}`;
  await migrate(dbUrl);
  process.env.IRONLEDGER_SECRET_KEY = SECRET;
  const database = createDatabase(dbUrl);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock } as TDeps;
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    await createUser(deps, admin, { username: "fiona", displayName: "Fiona Firmware", role: "firmware", password: PASSWORD });
    const cat = await seedCatalog(deps);
    const agent = await createAgent(deps, admin, { name: "fra1-agent", siteId: cat.site.id });
    agentToken = agent.token;
    for (let i = 0; i < 3; i++) {
      const asset = await createAsset(deps, admin, { serial: `FWE2E-${i}`, modelId: cat.server.id, locationId: cat.rack.id });
      endpoints.push((await createEndpoint(deps, { ...admin, role: "technician" }, { assetId: asset.id, agentId: agent.id, protocol: "redfish", address: `https://10.0.3.${i + 1}`, username: "root", password: "calvin", intervalSec: 60 })).id);
      for (const to of ["BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE"] as const) await moveTo(deps, admin, asset.id, to, { rackId: cat.rack.id });
    }
  } finally {
    await database.close();
  }
  web = await startWeb(dbUrl, { IRONLEDGER_SECRET_KEY: SECRET });
  browser = await launchChromium();
  for (const [i, bios] of ["2.10.2", "2.10.2", "1.40.1"].entries()) await postProbe(endpoints[i]!, bios);
  await project();
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("firmware journey (built app, Chromium)", () => {
  it("fleet view → a BIOS baseline defined in the editor → drift and the lag KPI → the next probe updates the page live → JSON export", async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, web!.url, "fiona", PASSWORD, "firmware");
    await page.getByRole("link", { name: "Firmware" }).click();
    await page.waitForURL(/\/firmware$/);

    // ---- the fleet before any baseline: two BIOS versions, no baseline, no KPI yet
    const fleet = page.getByTestId("fw-fleet");
    await expect.poll(() => fleet.textContent(), { timeout: 15_000 }).toContain("1.40.1");
    expect(await fleet.locator("tr", { hasText: "2.10.2" }).textContent()).toMatch(/2\.10\.2\s*2\s*no baseline/);
    expect(await page.getByTestId("fw-lag-share").textContent()).toBe("—");

    // ---- a BIOS baseline, prefix match: 1.40 → 1.52 → 2.10, all approved (a bad SHA first: named, nothing saved)
    const editor = page.getByTestId("fw-baseline-editor");
    await editor.getByTestId("fw-model").selectOption({ label: "Dell PowerEdge R760" });
    await editor.getByTestId("fw-component").fill("BIOS");
    await editor.getByTestId("fw-rule").selectOption("PREFIX");
    for (const [i, v] of ["1.40", "1.52", "2.10"].entries()) {
      if (i > 0) await editor.getByTestId("fw-add-release").click();
      await editor.getByTestId(`fw-version-${i}`).fill(v);
    }
    await editor.getByTestId("fw-release").nth(1).getByLabel("SHA-256 (optional)").fill("abc");
    await editor.getByTestId("fw-save").click();
    await expect.poll(() => editor.getByTestId("field-error").textContent(), { timeout: 15_000 }).toBe("A SHA-256 is 64 hexadecimal digits");
    await editor.getByTestId("fw-release").nth(1).getByLabel("SHA-256 (optional)").fill("");
    await editor.getByTestId("fw-save").click();
    await expect.poll(() => page.getByTestId("toast").allTextContents(), { timeout: 15_000 }).toContainEqual(expect.stringContaining("Saved BIOS for Dell PowerEdge R760: revision 1."));

    // ---- drift: two compliant, one 2 releases behind; the KPI: 2 of 3 within lag < 2
    await expect.poll(() => page.getByTestId("fw-lag-share").textContent(), { timeout: 15_000 }).toBe("66.7 %");
    const behind = page.getByTestId("fw-drift").locator("tr", { hasText: "FWE2E-2" });
    expect(await behind.textContent()).toMatch(/BIOS\s*1\.40\.1\s*Behind\s*2\s*2\.10/);
    expect(await page.getByTestId("fw-drift-counts").locator("[data-state=COMPLIANT]").textContent()).toBe("Compliant 2");
    expect(await page.getByTestId("fw-baselines").textContent()).toContain("1.40 → 1.52 → 2.10");

    // ---- the update lands: the next probe shows 2.10; the page follows live (no reload)
    await postProbe(endpoints[2]!, "2.10.2");
    await project();
    await expect.poll(() => page.getByTestId("fw-lag-share").textContent(), { timeout: 20_000 }).toBe("100.0 %");
    expect(await fleet.locator("tr", { hasText: "2.10.2" }).textContent()).toMatch(/2\.10\.2\s*3\s*Compliant/);

    // ---- export: the document another installation can import
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("fw-export").click()]);
    const doc = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(doc).toMatchObject({ format: "ironledger.firmware-baselines", version: 1, baselines: [{ manufacturer: "Dell", partNumber: "R760", component: "BIOS", matchRule: "PREFIX" }] });
    expect(doc.baselines[0].releases.map((r: { version: string }) => r.version)).toEqual(["1.40", "1.52", "2.10"]);
    await context.close();
  }, 120_000);

  it("plans a one-rack campaign, launches it and watches its wave live until every asset is verified", async () => {
    const modelId = await withDeps(async (deps) => (await deps.db.firmwareBaseline.findFirstOrThrow({ where: { current: true } })).modelId);
    await withDeps((deps) =>
      saveBaseline(deps, { type: "system", id: "e2e", name: "e2e", role: "firmware" }, { modelId, component: "BIOS", matchRule: "PREFIX", releases: ["1.40", "1.52", "2.10", "2.20"].map((version) => ({ version, status: "APPROVED" as const })) }),
    );
    const context = await browser!.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, web!.url, "fiona", PASSWORD, "firmware");
    await page.goto(`${web!.url}/firmware`);
    await page.getByTestId("fw-campaigns-link").click();
    await page.waitForURL(/\/firmware\/campaigns$/);
    const planner = page.getByTestId("fw-campaign-planner");
    expect(await axeViolations(page)).toEqual([]);
    await planner.getByTestId("fw-campaign-name").fill("BIOS 2.20 rack 01");
    await planner.getByTestId("fw-campaign-baseline").selectOption({ label: "Dell PowerEdge R760 · BIOS" });
    await planner.getByTestId("fw-campaign-target").selectOption("2.20");
    await planner.getByTestId("fw-campaign-image").fill("http://repo.fra1.example/bios-2.20.exe");
    await planner.getByTestId("fw-campaign-rack-Rack 01").check();
    for (const d of ["Mon", "Tue", "Wed", "Thu", "Fri"]) await planner.getByLabel(d, { exact: true }).check();
    await planner.getByTestId("fw-campaign-start").fill("00:00");
    await planner.getByTestId("fw-campaign-end").fill("23:59");
    await planner.getByLabel("At most in flight").fill("3");
    await planner.getByTestId("fw-campaign-create").click();
    await page.waitForURL(/\/firmware\/campaigns\/[^/]+$/, { timeout: 15_000 });
    const id = page.url().split("/").pop()!;
    const status = page.getByTestId("fw-campaign-status");
    expect(await status.getAttribute("data-status")).toBe("DRAFT");
    await page.getByTestId("fw-campaign-launch").click();
    await page.getByTestId("fw-campaign-launch-ok").click();
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("SCHEDULED");

    // the workers' tick starts the wave (in service, inside the window: quarantined); the page follows live
    await withDeps((deps) => campaignTick(deps, id));
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("RUNNING");
    await expect.poll(() => page.locator("[data-state=UPDATING]").count(), { timeout: 15_000 }).toBe(3);
    // the site agent: takes the commands, flashes, probes, reports
    const { commands } = (await (await fetch(`${web!.url}/api/agent/v1/commands?wait=0`, { headers: { authorization: `Bearer ${agentToken}` } })).json()) as { commands: { commandId: string; endpointId: string; action: string }[] };
    expect(commands.map((c) => c.action)).toEqual(["firmware.update", "firmware.update", "firmware.update"]);
    for (const c of commands) {
      await postProbe(c.endpointId, "2.20.1");
      const res = await fetch(`${web!.url}/api/agent/v1/observations`, {
        method: "POST",
        headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" },
        body: JSON.stringify({ observations: [{ kind: "bmc.command", idempotencyKey: `e2e:cmd:${c.commandId}`, commandId: c.commandId, endpointId: c.endpointId, observedAt: new Date().toISOString(), durationMs: 900, ok: true, power: "on" }] }),
      });
      expect(res.status).toBe(200);
    }
    const assetIds = await withDeps(async (deps) => (await deps.db.firmwareCampaignAsset.findMany({ where: { campaignId: id, status: "UPDATING" } })).map((a) => a.assetId));
    for (const a of assetIds) expect(await withDeps((deps) => campaignAssetStep(deps, id, a))).toBe("verified");
    await expect.poll(() => page.locator("[data-state=DONE]").count(), { timeout: 15_000 }).toBe(3);
    await withDeps((deps) => campaignTick(deps, id));
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 15_000 }).toBe("COMPLETED");
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
