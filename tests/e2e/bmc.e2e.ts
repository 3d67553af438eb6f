/**
 * The BMC panel end to end, nothing mocked: the built app (`next start`) on a
 * fresh SQLite database, two simulated BMCs (ipmi_sim, one process each) and
 * the real site agent as a child process talking to the app's own
 * /api/agent/v1 route handlers (work, observations, the /commands long poll).
 * In Debian's Chromium at 1024×768 (touch) a technician sees power, sensors,
 * SEL, firmware and last seen of one asset, dismisses the serial-mismatch
 * finding of another, and powers the first one off through the agent
 * (queued → sent → done) until ipmi_sim's chassis script has switched it off.
 *
 * To see each step of the command on the page, the agent is stopped while the
 * command is queued, and BMC 0's ipmi_sim is paused (SIGSTOP) while the
 * restarted agent carries it out. Every process started here is stopped by
 * PID in afterAll. Screenshots: test-results/e2e/bmc-*.png.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../server/context";
import { createDatabase } from "../../server/db/client";
import { migrate } from "../../server/db/migrate";
import { createAsset } from "../../server/domains/assets/service";
import { createAgent, createEndpoint } from "../../server/domains/bmc/service";
import { createUser } from "../../server/domains/users/service";
import { launchChromium, signIn, tabletPage } from "../harness/browser";
import { seedCatalog } from "../harness/fixtures";
import { startIpmiSim, USERS, variedSpecs, type IpmiSimHarness } from "../harness/ipmi-sim";
import { spawnAgent, type TAgentProcess } from "../harness/agent-process";
import { startWeb, type TWebServer } from "../harness/web";

// the web server (spawned with process.env) must decrypt what this process seals
process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const SHOTS = path.resolve("test-results/e2e");
const PASSWORD = "bmc-journey-pass-1";

let dir = "";
let journalDir = "";
let web: TWebServer | undefined;
let browser: Browser | undefined;
let sim: IpmiSimHarness | undefined;
let agentToken = "";
let agentProc: TAgentProcess | null = null;
const assetIds: string[] = [];

function startAgent(): void {
  agentProc = spawnAgent({ server: web!.url, token: agentToken, journalDir });
}

async function stopAgent(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const p = agentProc;
  if (!p) return;
  if (p.child.exitCode === null && p.child.signalCode === null) {
    try {
      process.kill(p.pid, "SIGCONT");
      process.kill(p.pid, signal);
    } catch {
      /* gone */
    }
    const t = setTimeout(() => p.child.exitCode === null && p.child.signalCode === null && process.kill(p.pid, "SIGKILL"), 5_000);
    await p.exited;
    clearTimeout(t);
  }
  agentProc = null;
}

const agentLog = () => agentProc?.output.join("").slice(-3000) ?? "";

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-e2e-bmc-"));
  journalDir = path.join(dir, "journal");
  const url = `file:${path.join(dir, "e2e.db")}`;
  await migrate(url);

  // BMC 0: FRU product serial E2E00000 (matches asset 0), Inlet Temp above its non-critical threshold.
  // BMC 1: FRU product serial E2E00001, the record says E2E-CMDB-0001 → serial mismatch.
  const specs = variedSpecs(2, "E2E");
  specs[0]!.sensors = specs[0]!.sensors!.map((s) => (s.name === "Inlet Temp" ? { ...s, raw: 42 } : s));
  sim = await startIpmiSim(specs, { perProcess: 1 });

  const database = createDatabase(url);
  try {
    const deps = { db: database.db, provider: database.provider, clock: systemClock };
    const admin = { type: "system" as const, id: "e2e", name: "e2e", role: "admin" as const };
    await createUser(deps, admin, { username: "tom", displayName: "Tom Technician", role: "technician", password: PASSWORD });
    const cat = await seedCatalog(deps);
    const agent = await createAgent(deps, admin, { name: "fra1-oob", siteId: cat.site.id });
    agentToken = agent.token;
    const serials = ["E2E00000", "E2E-CMDB-0001"];
    for (let i = 0; i < 2; i++) {
      const a = await createAsset(deps, admin, { serial: serials[i]!, modelId: cat.server.id, assetTag: `IL-BMC-${i + 1}` });
      assetIds.push(a.id);
      await createEndpoint(deps, admin, { assetId: a.id, agentId: agent.id, protocol: "ipmi", address: `127.0.0.1:${sim.bmcs[i]!.port}`, username: USERS.admin.username, password: USERS.admin.password, intervalSec: 5 });
    }
  } finally {
    await database.close();
  }

  web = await startWeb(url);
  startAgent();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await stopAgent("SIGKILL");
  for (const p of sim?.processes ?? []) {
    try {
      process.kill(p.pid, "SIGCONT");
    } catch {
      /* gone */
    }
  }
  await sim?.stop();
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openAsset(page: Page, index: number): Promise<void> {
  await page.goto(`${web!.url}/assets/${assetIds[index]}`);
  await expect.poll(() => page.getByTestId("bmc-panel").count(), { timeout: 10_000 }).toBe(1);
}

describe("BMC panel journey (built app, real agent, ipmi_sim)", () => {
  it("shows live BMC data, a serial mismatch to dismiss, and powers a server off through the agent", async () => {
    const page = await tabletPage(browser!);
    await signIn(page, web!.url, "tom", PASSWORD, "technician");

    // ---- the matching asset: power, sensors, SEL, firmware, last seen (the panel follows the live channel; reload only if the first probe came before the page)
    await openAsset(page, 0);
    await expect
      .poll(
        async () => {
          if ((await page.getByTestId("bmc-sensors").count()) === 0) await page.reload();
          return page.getByTestId("bmc-sensors").count();
        },
        { timeout: 60_000, interval: 2_000, message: `no probe shown; agent output:\n${agentLog()}` },
      )
      .toBe(1);
    await expect.poll(() => page.getByTestId("bmc-power").textContent()).toContain("on");
    const panel = page.getByTestId("bmc-panel");
    expect(await panel.textContent()).toContain("via agent fra1-oob");
    expect(await panel.textContent()).toContain("every 5 s");
    expect(await page.getByTestId("bmc-last-seen").textContent()).toMatch(/Last seen .*\((just now|1 min ago)\)/);

    const rows = page.getByTestId("bmc-sensor");
    expect(await rows.count()).toBe(4);
    const sensorText = (await page.getByTestId("bmc-sensors").textContent()) ?? "";
    for (const name of ["CPU Temp", "Fan 1", "12V Rail", "Inlet Temp"]) expect(sensorText).toContain(name);
    const cpu = rows.filter({ hasText: "CPU Temp" });
    expect(await cpu.locator("td").nth(1).textContent()).toMatch(/^\d+(\.\d+)? (°C|degrees C|C)$/);
    expect(await rows.filter({ hasText: "Fan 1" }).locator("td").nth(1).textContent()).toMatch(/^\d+(\.\d+)? RPM$/i);
    expect(await rows.filter({ hasText: "12V Rail" }).locator("td").nth(1).textContent()).toMatch(/^1\d(\.\d+)? V/);
    // status colours: green for OK, amber for the inlet above its non-critical threshold
    const cpuStatus = cpu.locator("[data-status]");
    expect(await cpuStatus.getAttribute("data-status")).toBe("ok");
    expect(await cpuStatus.getAttribute("class")).toContain("bg-green-100");
    const inletStatus = rows.filter({ hasText: "Inlet Temp" }).locator("[data-status]");
    expect(await inletStatus.getAttribute("data-status")).toBe("nc");
    expect(await inletStatus.getAttribute("class")).toContain("bg-amber-100");
    expect(await inletStatus.textContent()).toBe("Warning");

    const sel = page.getByTestId("bmc-sel").locator("li");
    expect(await sel.count()).toBe(2);
    expect((await sel.allTextContents()).join("\n")).toMatch(/pre-init/);
    const fw = (await page.getByTestId("bmc-firmware").textContent()) ?? "";
    expect(fw).toMatch(/2\.15/);
    expect(await panel.textContent()).toContain("E2E00000");
    expect(await page.getByTestId("bmc-finding").count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, "bmc-01-panel.png"), fullPage: true });

    // ---- the mismatching asset: a serial-mismatch finding, dismissed by the technician
    await openAsset(page, 1);
    const finding = page.locator('[data-testid=bmc-finding][data-kind="SERIAL_MISMATCH"]');
    await expect
      .poll(
        async () => {
          if ((await finding.count()) === 0) await page.reload();
          return finding.count();
        },
        { timeout: 60_000, interval: 2_000, message: `no serial-mismatch finding; agent output:\n${agentLog()}` },
      )
      .toBe(1);
    expect(await finding.textContent()).toContain("Record says E2E-CMDB-0001; the BMC reports product E2E00001");
    // findings sit below the readings, collapsed with their count
    expect(await page.getByTestId("bmc-findings-count").textContent()).toBe("1");
    await page.getByTestId("bmc-findings-summary").tap();
    await finding.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "bmc-02-finding.png") });
    await finding.getByTestId("bmc-finding-dismiss").tap();
    await expect.poll(() => page.getByTestId("bmc-finding").count()).toBe(0);
    // still dismissed after a reload and the agent's next probes
    await page.waitForTimeout(6_000);
    await page.reload();
    await expect.poll(() => page.getByTestId("bmc-sensors").count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId("bmc-finding").count()).toBe(0);

    // ---- power off BMC 0 through the agent: queued (agent stopped) → sent (BMC paused) → done
    const bmc = sim!.bmcs[0]!;
    const bmcProc = sim!.processOf(bmc);
    expect(bmc.power()).toBe(1);
    await stopAgent();
    await openAsset(page, 0);
    await expect.poll(() => page.getByTestId("bmc-power").textContent()).toContain("on");
    await expect.poll(() => page.getByTestId("bmc-commands").textContent()).toContain("No commands for this BMC yet.");
    // record every state the progress box goes through
    await page.evaluate(() => {
      const w = window as unknown as { __states: string[] };
      w.__states = [];
      const note = () => {
        const s = document.querySelector("[data-testid=bmc-command-latest]")?.getAttribute("data-status");
        if (s && w.__states[w.__states.length - 1] !== s) w.__states.push(s);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    });

    await page.getByTestId("bmc-power-off").tap();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("Cut power to this server?");
    expect(await dialog.textContent()).toContain("The site agent fra1-oob carries it out within 2 minutes");
    await page.screenshot({ path: path.join(SHOTS, "bmc-03-confirm.png") });
    await page.getByTestId("bmc-power-confirm").tap();
    await expect.poll(() => dialog.count()).toBe(0);
    const latest = page.getByTestId("bmc-command-latest");
    await expect.poll(() => latest.getAttribute("data-status")).toBe("QUEUED");
    expect(await latest.textContent()).toContain("Power off");
    expect(await latest.textContent()).toContain("asked by Tom Technician");
    expect(await latest.textContent()).toContain("Waiting for the agent");
    expect(await page.getByTestId("bmc-power-off").isDisabled()).toBe(true);
    await latest.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "bmc-04-queued.png") });

    // the BMC stops answering for a moment; the restarted agent takes the command over the long poll
    process.kill(bmcProc.pid, "SIGSTOP");
    try {
      startAgent();
      await expect.poll(() => latest.getAttribute("data-status"), { timeout: 30_000, message: `never sent; agent output:\n${agentLog()}` }).toBe("SENT");
      expect(await latest.locator("[aria-current=step]").textContent()).toBe("Sent to the agent");
      await page.screenshot({ path: path.join(SHOTS, "bmc-05-sent.png") });
    } finally {
      process.kill(bmcProc.pid, "SIGCONT");
    }
    await expect.poll(() => latest.getAttribute("data-status"), { timeout: 30_000, message: `never done; agent output:\n${agentLog()}` }).toBe("DONE");
    expect(await latest.textContent()).toContain("The BMC reports power off.");
    await expect.poll(() => page.getByTestId("bmc-power").textContent(), { timeout: 10_000 }).toContain("off");
    expect(await page.getByTestId("bmc-command-history").textContent()).toContain("power off");
    expect(await page.evaluate(() => (window as unknown as { __states: string[] }).__states)).toEqual(["QUEUED", "SENT", "DONE"]);
    await page.screenshot({ path: path.join(SHOTS, "bmc-06-done.png") });

    // ipmi_sim's chassis-control script received the off request and switched the power state
    expect(bmc.power()).toBe(0);
    expect(bmc.requests()).toContain("set power 0");
    expect(sim!.bmcs[1]!.power()).toBe(1);
    await page.context().close();
  });
});
