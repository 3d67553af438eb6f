/** Debian's Chromium through playwright-core, at the tablet reference size. Never downloads a browser. */
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Debian's Chromium; `extraArgs` for a journey that needs more (a fake camera playing a file, say). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: [...FLAGS, ...extraArgs] });
}

/** A fresh context at 1024×768 with touch, the warehouse tablet. */
export async function tabletPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false, deviceScaleFactor: 1 });
  return context.newPage();
}

/** Opens a protected page, gets sent to the login form, signs in and waits for the header to show the role. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string, role: string): Promise<void> {
  await page.goto(`${baseUrl}/assets`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/assets/);
  await expect.poll(() => page.getByTestId("whoami").textContent()).toContain(role);
}
