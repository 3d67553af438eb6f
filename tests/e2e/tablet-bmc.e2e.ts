/**
 * The BMC panel and the admin screens on the tablet (1024×768, touch), as a new
 * user meets them, nothing mocked: the built app on a fresh SQLite database, an
 * ipmi_sim BMC, the Redfish simulator (a Dell-like R750 where the record says
 * R760, with parts the record does not list) and the real site agent started
 * with the command line the admin page shows. One server for the file.
 *
 *   admin       role selectors readable; agent token box with a ready-to-paste
 *               command line; a revoked agent's name reused
 *   technician  endpoint form preselects the site's agent, suggests a short
 *               first poll, warns about another site's agent; "probe now"
 *               waiting states (queued → probing → done); live readings first
 *               (power with the sensible primary button, sensor words, SEL
 *               colours, firmware); findings collapsed with a count, "add all
 *               unknown parts as parts" really registers them, accept + undo;
 *               the model finding; the last error as a sentence; agent offline,
 *               stale "last seen", a queued command cancelled
 *
 * axe: 0 violations on each screen. Screenshots: test-artifacts/ (kept,
 * gitignored). Every process started here is stopped by PID in afterAll.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/context";
import { createDatabase, type TDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createAsset } from "../../server/domains/assets/service";
import { createModel } from "../../server/domains/catalog/service";
import { createLocation } from "../../server/domains/locations/service";
import { createAgent, createEndpoint } from "../../server/domains/bmc/service";
import { createUser } from "../../server/domains/users/service";
import { axeViolations } from "../harness/axe";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startIpmiSim, USERS, variedSpecs, type IpmiSimHarness } from "../harness/ipmi-sim";
import { spawnAgent, type TAgentProcess } from "../harness/agent-process";
import { startWeb, type TWebServer } from "../harness/web";
import { startRedfishSim, type RedfishSim } from "../redfish-sim/server";

process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

/** kept after the run (gitignored): the asset page with the BMC panel, the admin screens */
const ARTIFACTS = path.resolve("test-artifacts");
const PASSWORD = "tablet-bmc-pass-1";
const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };

let dir = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;
let sim: IpmiSimHarness | undefined;
let redfish: RedfishSim | undefined;
let database: TDatabase | undefined;
let agentProc: TAgentProcess | null = null;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
const ids = { ipmiAsset: "", redfishAsset: "", deadAsset: "", otherAgent: "" };

/** pages load slowly on a shared 2-core machine: poll for up to 15 s unless told otherwise */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number; message?: string } = {}) => expect.poll(fn, { timeout: 15_000, ...opts });
const deps = () => ({ db: database!.db, provider: database!.provider, clock: systemClock });
const agentLog = () => agentProc?.output.join("").slice(-3000) ?? "";

async function stopAgent(): Promise<void> {
  const p = agentProc;
  agentProc = null;
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  process.kill(p.pid, "SIGTERM");
  const t = setTimeout(() => p.child.exitCode === null && p.child.signalCode === null && process.kill(p.pid, "SIGKILL"), 5_000);
  await p.exited;
  clearTimeout(t);
}

async function expectNoAxe(page: Page, where: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${where}: ${JSON.stringify(v, null, 1)}`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-tablet-bmc-"));
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);

  // the IPMI BMC: its serial matches the record; Inlet Temp above its non-critical (warning) threshold
  const specs = variedSpecs(1, "TB");
  specs[0]!.sensors = specs[0]!.sensors!.map((s) => (s.name === "Inlet Temp" ? { ...s, raw: 42 } : s));
  sim = await startIpmiSim(specs, { perProcess: 1 });
  // the Redfish BMC: a Dell-like PowerEdge R750 with a few parts; the record says R760 and lists no parts
  redfish = await startRedfishSim({ flavour: "dell-like", systemSerial: "TBRF0001", cpus: 2, dimms: 4, drives: 2, nics: 2, psus: 2, sel: 3, pageSize: 0 });

  database = createDatabase(url);
  await createUser(deps(), admin, { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD });
  await createUser(deps(), admin, { username: "tom", displayName: "Tom Technician", role: "technician", password: PASSWORD });
  await createUser(deps(), admin, { username: "vera", displayName: "Vera Viewer", role: "viewer", password: PASSWORD });
  cat = await seedCatalog(deps());
  for (const [kind, name] of [["CPU", "Xeon Gold 6338"], ["DRIVE", "960GB SATA SSD"], ["NIC", "25GbE dual port"], ["PSU", "1400W PSU"]] as const)
    await createModel(deps(), admin, { manufacturerId: cat.dell.id, name, kind, partNumber: `TB-${kind}` });
  const berlin = await createLocation(deps(), admin, { kind: "SITE", code: "BER1", name: "Berlin 1" });
  ids.otherAgent = (await createAgent(deps(), admin, { name: "ber1-oob", siteId: berlin.id })).id;
  ids.ipmiAsset = (await createAsset(deps(), admin, { serial: "TB00000", modelId: cat.server.id, assetTag: "IL-TAB-1", locationId: cat.rack.id, rackUnit: 10 })).id;
  ids.redfishAsset = (await createAsset(deps(), admin, { serial: "TBRF0001", modelId: cat.server.id, assetTag: "IL-TAB-2", locationId: cat.rack.id, rackUnit: 14 })).id;
  ids.deadAsset = (await createAsset(deps(), admin, { serial: "TBDEAD01", modelId: cat.server.id, assetTag: "IL-TAB-3", locationId: cat.rack.id, rackUnit: 18 })).id;

  web = await startWeb(url);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await stopAgent();
  await sim?.stop();
  await redfish?.stop();
  await web?.stop();
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openAsset(page: Page, id: string): Promise<void> {
  await page.goto(`${web!.url}/assets/${id}`);
  await poll(() => page.getByTestId("bmc-panel").count(), { timeout: 15_000 }).toBe(1);
}

describe("BMC panel and admin on the tablet (built app, real agent, ipmi_sim, Redfish simulator)", () => {
  let agentToken = "";
  let agentId = "";

  it("admin: readable role selectors, a ready-to-paste agent command line, a revoked agent's name reused", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "ada", PASSWORD, "admin");
    await page.goto(`${web!.url}/admin`);
    await poll(() => page.getByTestId("user-role").count()).toBe(3);
    // every role selector shows its longest label whole, and the users table needs no sideways scrolling
    const fit = await page.evaluate(() => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      const selects = [...document.querySelectorAll<HTMLSelectElement>("[data-testid=user-role]")];
      const section = document.querySelector<HTMLElement>("[data-testid=users-section]")!;
      return {
        selects: selects.map((s) => {
          const cs = getComputedStyle(s);
          ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
          const widest = Math.max(...[...s.options].map((o) => ctx.measureText(o.text).width));
          const inner = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
          return { widest: Math.ceil(widest), inner: Math.floor(inner), height: s.getBoundingClientRect().height };
        }),
        overflow: section.scrollWidth - section.clientWidth,
      };
    });
    for (const s of fit.selects) {
      expect(s.widest, JSON.stringify(fit)).toBeLessThanOrEqual(s.inner);
      expect(s.height).toBeGreaterThanOrEqual(44);
    }
    expect(fit.overflow, JSON.stringify(fit)).toBeLessThanOrEqual(0);
    await expectNoAxe(page, "admin users");
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-users-1024.png") });

    // a site agent: the token box carries the README's command line with this server and the token
    await page.getByTestId("tab-agents").tap();
    await page.getByTestId("new-agent-name").fill("fra1-oob");
    await page.getByLabel("Site (optional)").selectOption({ label: "FRA1 · Frankfurt 1" });
    await page.getByTestId("new-agent-submit").tap();
    const line = page.getByTestId("agent-command-line");
    await poll(() => line.count()).toBe(1);
    const first = await line.inputValue();
    expect(first).toMatch(new RegExp(`^npx ironledger agent --server ${web!.url.replace(/[.]/g, "\\.")} --token ila_[A-Za-z0-9_-]+$`));
    expect(first).toContain(await page.getByTestId("once-secret-value").inputValue());
    await expectNoAxe(page, "admin agent token");
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-agent-token.png") });
    await page.getByTestId("once-secret-done").tap();

    // the same name again: refused while the agent works, with the way out
    await page.getByTestId("new-agent-name").fill("fra1-oob");
    await page.getByLabel("Site (optional)").selectOption({ label: "FRA1 · Frankfurt 1" });
    await page.getByTestId("new-agent-submit").tap();
    await poll(() => page.getByRole("alert").allTextContents()).toContainEqual(expect.stringContaining("revoke that agent first"));
    // revoke it: the name is free for the replacement
    const row = page.getByTestId("agent-rows").locator("tr", { hasText: "fra1-oob" });
    await row.getByRole("button", { name: "Revoke" }).tap();
    await poll(() => page.getByRole("dialog").textContent()).toContain("its name becomes free");
    await page.getByRole("dialog").getByRole("button", { name: "Revoke agent" }).tap();
    await poll(() => page.getByRole("dialog").count()).toBe(0);
    await page.getByTestId("new-agent-submit").tap();
    await poll(() => line.count()).toBe(1);
    const second = await line.inputValue();
    expect(second).not.toBe(first);
    await page.getByTestId("once-secret-done").tap();
    await poll(() => page.getByTestId("agent-rows").textContent()).toMatch(/fra1-oob \(revoked \d{4}-\d\d-\d\d, \w{6}\)/);

    // the agent is started exactly as the box says
    const args = second.split(" ");
    expect(args.slice(0, 3)).toEqual(["npx", "ironledger", "agent"]);
    agentToken = args[args.indexOf("--token") + 1]!;
    agentId = (await database!.db.agent.findFirstOrThrow({ where: { name: "fra1-oob" } })).id;
    agentProc = spawnAgent({ server: args[args.indexOf("--server") + 1]!, token: agentToken, journalDir: path.join(dir, "journal") });
    // two more BMCs for this agent, set up behind the scenes: the Redfish one and one that does not answer
    await createEndpoint(deps(), admin, { assetId: ids.redfishAsset, agentId, protocol: "redfish", address: redfish!.url, username: "admin", password: "password", intervalSec: 5 });
    await createEndpoint(deps(), admin, { assetId: ids.deadAsset, agentId, protocol: "ipmi", address: "127.0.0.1:9", username: "admin", password: "password", intervalSec: 5 });
    await page.context().close();
  });

  it("technician: adds a BMC (site agent preselected, short first poll), probes it now and reads it live", async () => {
    expect(agentToken).not.toBe("");
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tom", PASSWORD, "technician");
    await openAsset(page, ids.ipmiAsset);
    await page.getByTestId("bmc-add").tap();
    const agentSelect = page.getByTestId("bmc-agent");
    await poll(() => agentSelect.inputValue(), { timeout: 10_000 }).toBe(agentId);
    expect(await page.getByTestId("bmc-interval").inputValue()).toBe("60");
    expect(await page.getByTestId("bmc-form").textContent()).toContain("Start short (60 s)");
    // another site's agent: warned in the form
    await agentSelect.selectOption(ids.otherAgent);
    await poll(() => page.getByTestId("bmc-agent-site-warning").textContent()).toContain("ber1-oob works in Berlin 1, but this asset stands in Frankfurt 1");
    await agentSelect.selectOption(agentId);
    expect(await page.getByTestId("bmc-agent-site-warning").count()).toBe(0);
    await page.getByTestId("bmc-address").fill(`127.0.0.1:${sim!.bmcs[0]!.port}`);
    await page.getByTestId("bmc-username").fill(USERS.admin.username);
    await page.getByTestId("bmc-password").fill(USERS.admin.password);
    await page.getByTestId("bmc-interval").fill("300");
    expect(await page.getByTestId("bmc-probe-after-save").isChecked()).toBe(true);
    await expectNoAxe(page, "endpoint form");

    // record every step the waiting box shows
    await page.evaluate(() => {
      const w = window as unknown as { __steps: string[] };
      w.__steps = [];
      const note = () => {
        const s = document.querySelector("[data-testid=bmc-waiting]")?.getAttribute("data-step");
        if (s && w.__steps[w.__steps.length - 1] !== s) w.__steps.push(s);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-step"] });
    });
    await page.getByTestId("bmc-save").tap();
    const waiting = page.getByTestId("bmc-waiting");
    await poll(() => waiting.getAttribute("data-step"), { timeout: 30_000, message: `the probe never finished; agent output:\n${agentLog()}` }).toBe("done");
    const steps = await page.evaluate(() => (window as unknown as { __steps: string[] }).__steps);
    expect(steps[steps.length - 1]).toBe("done");
    expect(steps.every((s) => ["agent", "queued", "probing", "done"].includes(s))).toBe(true);
    expect(steps.length).toBeGreaterThanOrEqual(2); // at least queued or probing was shown before done
    expect(await waiting.textContent()).toMatch(/Agent last contacted \d+ s ago/);
    await poll(() => page.getByTestId("bmc-sensors").count(), { timeout: 10_000 }).toBe(1);

    // live readings before findings; the primary power button follows the state
    await poll(() => page.getByTestId("bmc-power").getAttribute("data-power")).toBe("on");
    expect(await page.getByTestId("bmc-power-off").getAttribute("data-primary")).toBe("true");
    expect(await page.locator("[data-testid^=bmc-power-][data-primary=true]").count()).toBe(1);
    expect(await page.getByTestId("bmc-power-on").count()).toBe(0);
    const inlet = page.getByTestId("bmc-sensor").filter({ hasText: "Inlet Temp" }).locator("[data-status]");
    expect(await inlet.getAttribute("data-status")).toBe("nc");
    expect(await inlet.textContent()).toBe("Warning");
    expect(await page.getByTestId("bmc-sel").locator("li[data-severity=critical]").count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId("bmc-sel").locator("li[data-severity=critical]").first().getAttribute("class")).toContain("border-red-600");
    expect(await page.getByTestId("bmc-firmware").textContent()).toMatch(/2\.15/);
    expect(await page.getByTestId("bmc-agent-status").getAttribute("data-online")).toBe("true");
    expect(await page.getByTestId("bmc-last-seen").getAttribute("data-stale")).toBe("false");
    await expectNoAxe(page, "asset page with BMC readings");
    await page.screenshot({ path: path.join(ARTIFACTS, "asset-bmc-panel.png"), fullPage: true });
    await page.context().close();
  });

  it("technician: findings collapsed with a count; the unknown parts really become parts; accept and undo; the model finding", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tom", PASSWORD, "technician");
    await openAsset(page, ids.redfishAsset);
    const findings = page.getByTestId("bmc-findings");
    await expect
      .poll(
        async () => {
          if ((await findings.count()) === 0) await page.reload();
          return page.getByTestId("bmc-add-parts").count();
        },
        { timeout: 45_000, interval: 2_000, message: `no Redfish findings; agent output:\n${agentLog()}` },
      )
      .toBe(1);
    // readings come first, the findings below them, closed, with their count
    const order = await page.evaluate(() => {
      const r = document.querySelector("[data-testid=bmc-readings]")!;
      const f = document.querySelector("[data-testid=bmc-findings]")!;
      return r.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    expect(await findings.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    const total = Number(await page.getByTestId("bmc-findings-count").textContent());
    await page.getByTestId("bmc-findings-summary").tap();
    expect(await findings.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    const unknown = await page.locator("[data-testid=bmc-finding][data-kind=COMPONENT_UNEXPECTED]").count();
    expect(unknown).toBeGreaterThan(3);
    expect(total).toBe(unknown + 1); // and the model finding
    const model = page.locator("[data-testid=bmc-finding][data-kind=MODEL_MISMATCH]");
    expect(await model.textContent()).toContain("Record says Dell PowerEdge R760; the BMC reports Dell Inc. PowerEdge R750.");
    expect(await page.getByTestId("bmc-add-parts").textContent()).toBe(`Add all ${unknown} unknown parts as parts`);
    await expectNoAxe(page, "findings open");

    // add them all as parts: one model per kind (preselected: one per kind in the catalog)
    await page.getByTestId("bmc-add-parts").tap();
    const dialog = page.getByRole("dialog");
    await poll(() => dialog.textContent()).toContain(`Add ${unknown} unknown parts as parts of this server?`);
    await poll(() => page.getByTestId("bmc-add-parts-model-DIMM").inputValue()).toBe(cat.dimm.id);
    await expectNoAxe(page, "add parts dialog");
    await page.getByTestId("bmc-add-parts-confirm").tap();
    await poll(() => page.getByTestId("toast").allTextContents()).toContainEqual(expect.stringContaining(`Registered ${unknown} parts of this server`));
    await poll(() => page.getByTestId("bmc-findings-count").textContent()).toBe("1");
    expect(await database!.db.asset.count({ where: { parentId: ids.redfishAsset, status: "RECEIVED" } })).toBe(unknown);
    // the page's own parts list follows
    await poll(() => page.getByText(`Parts (${unknown})`).count()).toBe(1);

    // accept the model finding: feedback, then undo brings it back
    await model.getByTestId("bmc-finding-accept").tap();
    await poll(() => page.getByTestId("toast").allTextContents()).toContainEqual(expect.stringContaining("Model differs: accepted"));
    await poll(() => page.getByTestId("bmc-findings-count").textContent()).toBe("0");
    expect(await page.getByTestId("bmc-decided").textContent()).toContain("Model differs: accepted");
    await page.getByTestId("bmc-undo").tap();
    await poll(() => page.getByTestId("toast").allTextContents()).toContainEqual(expect.stringContaining("1 finding is open again"));
    await poll(() => page.getByTestId("bmc-findings-count").textContent()).toBe("1");
    expect(await model.count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "asset-bmc-findings.png"), fullPage: true });
    await page.context().close();
  });

  it("technician: a BMC that does not answer is explained in a sentence; an offline agent, stale readings and a cancelled command", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tom", PASSWORD, "technician");
    await openAsset(page, ids.deadAsset);
    const error = page.getByTestId("bmc-error");
    await expect
      .poll(
        async () => {
          if ((await error.count()) === 0) await page.reload();
          return error.count();
        },
        { timeout: 30_000, interval: 2_000, message: `no error shown; agent output:\n${agentLog()}` },
      )
      .toBe(1);
    const headline = (await error.locator("p").first().textContent()) ?? "";
    expect(headline).toMatch(/^The (BMC did not answer in time|agent could not reach the BMC over the network|BMC answered, but not as expected)/);
    const raw = (await database!.db.bmcEndpoint.findFirstOrThrow({ where: { assetId: ids.deadAsset } })).lastError ?? "";
    const detail = raw.replace(/^[a-z-]+: /, "");
    expect(detail.length).toBeGreaterThan(0);
    expect(headline).not.toContain(detail);
    expect(await page.getByTestId("bmc-error-detail").isVisible()).toBe(false);
    await error.getByText("Technical detail").tap();
    expect(await page.getByTestId("bmc-error-detail").textContent()).toBe(detail);
    await expectNoAxe(page, "BMC error");

    // the agent stops calling in; the readings grow old
    await stopAgent();
    const old = new Date(Date.now() - 10 * 60_000);
    await database!.db.agent.update({ where: { id: agentId }, data: { lastSeenAt: old } });
    await database!.db.bmcEndpoint.update({ where: { assetId: ids.ipmiAsset }, data: { lastSeenAt: old } });
    await openAsset(page, ids.ipmiAsset);
    await poll(() => page.getByTestId("bmc-agent-status").getAttribute("data-online")).toBe("false");
    expect(await page.getByTestId("bmc-agent-status").textContent()).toContain("Agent offline");
    expect(await page.getByTestId("bmc-agent-status").textContent()).toContain("last contacted the server 10 min ago");
    expect(await page.getByTestId("bmc-last-seen").getAttribute("data-stale")).toBe("true");
    expect(await page.getByTestId("bmc-last-seen").textContent()).toContain("Stale");

    // on a slow network (1.5 s added latency) every tap shows progress at once
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 1500, downloadThroughput: -1, uploadThroughput: -1 });
    const probeNow = page.getByTestId("bmc-probe-now");
    // the panel is a client island: a tap that lands before it has hydrated does nothing, so tap again
    // until it answers (the answer lasts at least the 1.5 s latency, longer than the 500 ms between checks)
    await expect
      .poll(
        async () => {
          if ((await probeNow.textContent()) === "Probe now") await probeNow.tap();
          return probeNow.textContent();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe("Queuing the probe…");
    expect(await probeNow.isDisabled()).toBe(true);
    const waiting = page.getByTestId("bmc-waiting");
    await poll(() => waiting.getAttribute("data-step")).toBe("queued");
    expect(await waiting.textContent()).toContain("Waiting for the agent to call in: it is offline.");
    const cancelProbe = page.getByTestId("bmc-probe-cancel");
    await cancelProbe.tap();
    await poll(() => cancelProbe.textContent(), { timeout: 1_000, interval: 50 }).toBe("Cancelling…"); // the mutation's pending state renders a tick after the tap; the 1.5 s latency keeps it there
    await poll(() => page.getByTestId("toast").allTextContents()).toContainEqual(expect.stringContaining("Probe now: cancelled; nothing was sent to the BMC."));
    await poll(() => waiting.getAttribute("data-step")).toBe("failed");
    expect(await waiting.textContent()).toContain("Cancelled");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // a power command waits for the offline agent and can be cancelled
    await page.getByTestId("bmc-power-off").tap();
    await poll(() => page.getByRole("dialog").textContent()).toContain("The agent is offline right now");
    await page.getByTestId("bmc-power-confirm").tap();
    const latest = page.getByTestId("bmc-command-latest");
    await poll(() => latest.getAttribute("data-status")).toBe("QUEUED");
    expect(await latest.textContent()).toContain("The agent is offline: the command waits until it calls in");
    await expectNoAxe(page, "queued command, agent offline");
    await page.getByTestId("bmc-command-cancel").tap();
    await poll(() => latest.getAttribute("data-status")).toBe("CANCELLED");
    await poll(() => page.getByTestId("toast").allTextContents()).toContainEqual(expect.stringContaining("Power off: cancelled; nothing was sent to the BMC."));
    expect(sim!.bmcs[0]!.power()).toBe(1);
    expect(await database!.db.bmcCommand.count({ where: { assetId: ids.ipmiAsset, status: "CANCELLED", action: "off" } })).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "asset-bmc-offline.png"), fullPage: true });
    await page.context().close();
  });

  it("viewer: readings without controls", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "vera", PASSWORD, "viewer");
    await openAsset(page, ids.ipmiAsset);
    expect(await page.getByTestId("bmc-sensors").count()).toBe(1);
    expect(await page.locator("[data-testid^=bmc-power-]").count()).toBe(0);
    expect(await page.getByTestId("bmc-probe-now").count()).toBe(0);
    expect(await page.getByTestId("bmc-command-cancel").count()).toBe(0);
    await page.context().close();
  });
});
