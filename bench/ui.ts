/**
 * npm run bench:ui — Lighthouse (mobile emulation, its default simulated slow
 * 4G and 4× CPU slowdown) on the asset list and an asset page, signed in.
 * Builds the web app (`next build`; pass --no-build to reuse .next), starts it
 * with `next start` on a fresh SQLite database with seeded assets, and drives
 * Debian's Chromium (/usr/bin/chromium, or CHROME_PATH) through chrome-launcher:
 * nothing is downloaded. Each page runs --runs=N times (default 3); the median
 * is reported. Targets per page: performance ≥ 90, interactive ≤ 1500 ms.
 * Options: --no-build, --runs=N, --assets=N (default 400), --only=asset_list|asset_page, --details (each
 * script's size on the wire and its main-thread time in the last run, to see what costs the time).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { createDatabase } from "../server/db/client";
import { migrate } from "../server/db/migrate";
import { systemClock } from "../server/context";
import { createUser } from "../server/domains/users/service";
import { createAsset } from "../server/domains/assets/service";
import { seedCatalog } from "../tests/harness/fixtures";
import { startWeb } from "../tests/harness/web";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const RUNS = Math.max(1, Number(arg("runs") ?? 3));
const ASSETS = Math.max(60, Number(arg("assets") ?? 400));
const root = path.resolve(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`[bench:ui] ${s}\n`);
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

if (!process.argv.includes("--no-build")) {
  log("next build…");
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
}

const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-ui-"));
const url = `file:${path.join(dir, "bench.db")}`;
const PASSWORD = "bench-ui-password-1";
log(`seeding ${ASSETS} assets…`);
await migrate(url);
const database = createDatabase(url);
const deps = { db: database.db, provider: database.provider, clock: systemClock };
const system = { type: "system" as const, id: "bench", name: "bench", role: "admin" as const };
await createUser(deps, system, { username: "bench", displayName: "Bench Technician", role: "technician", password: PASSWORD });
const cat = await seedCatalog(deps);
let assetId = "";
for (let i = 1; i <= ASSETS; i++) {
  const a = await createAsset(deps, system, { serial: `BENCH-SN-${String(i).padStart(5, "0")}`, modelId: cat.server.id, assetTag: `IL-B${String(i).padStart(5, "0")}`, locationId: i % 2 ? cat.bin.id : undefined });
  if (i === 1) assetId = a.id;
}
await database.close();

const web = await startWeb(url);
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
  // sign in once through the API; Lighthouse sends the session cookie with every request
  const res = await fetch(`${web.url}/api/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json", "x-ironledger-request": "1" }, body: JSON.stringify({ json: { username: "bench", password: PASSWORD } }) });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("il_session="));
  if (!res.ok || !cookie) throw new Error(`sign-in failed (${res.status}): ${await res.text()}`);

  mkdirSync(path.join(dir, "chrome"));
  chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium", chromeFlags: FLAGS, userDataDir: path.join(dir, "chrome") });
  const only = arg("only");
  const pages = Object.fromEntries(Object.entries({ asset_list: `${web.url}/assets`, asset_page: `${web.url}/assets/${assetId}` }).filter(([name]) => !only || name === only));
  if (Object.keys(pages).length === 0) throw new Error(`--only=${only}: choose asset_list or asset_page`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results: Record<string, { performance: number; interactive_ms: number; total_blocking_time_ms: number; first_contentful_paint_ms: number; largest_contentful_paint_ms: number; script_kb: number; runs: number[] }> = {};
  for (const [name, pageUrl] of Object.entries(pages)) {
    // one warm-up load so the server has compiled its routes and filled its caches
    await fetch(pageUrl, { headers: { cookie } });
    const runs: { perf: number; tti: number; tbt: number; fcp: number; lcp: number; js: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await lighthouse(pageUrl, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], extraHeaders: { Cookie: cookie } });
      const lhr = r!.lhr;
      if (lhr.runtimeError) throw new Error(`${name}: ${lhr.runtimeError.message}`);
      if (!lhr.finalDisplayedUrl.startsWith(pageUrl)) throw new Error(`${name}: ended on ${lhr.finalDisplayedUrl}, not ${pageUrl} (signed out?)`);
      const num = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? NaN);
      // JavaScript the page loaded (compressed bytes on the wire), the figure the client bundle work moves
      const requests = ((lhr.audits["network-requests"]?.details as { items?: { resourceType?: string; transferSize?: number }[] } | undefined)?.items ?? []);
      const js = Math.round(requests.filter((q) => q.resourceType === "Script").reduce((n, q) => n + (q.transferSize ?? 0), 0) / 1024);
      runs.push({ perf: Math.round((lhr.categories.performance?.score ?? 0) * 100), tti: num("interactive"), tbt: num("total-blocking-time"), fcp: num("first-contentful-paint"), lcp: num("largest-contentful-paint"), js });
      if (process.argv.includes("--details") && i === RUNS - 1) {
        const boot = (lhr.audits["bootup-time"]?.details as { items?: { url: string; scripting?: number; scriptParseCompile?: number }[] } | undefined)?.items ?? [];
        const time = new Map(boot.map((b) => [b.url, Math.round((b.scripting ?? 0) + (b.scriptParseCompile ?? 0))]));
        const scripts = (requests as { url?: string; resourceType?: string; transferSize?: number }[]).filter((q) => q.resourceType === "Script").sort((a, b) => (b.transferSize ?? 0) - (a.transferSize ?? 0));
        for (const q of scripts) log(`  ${name} script ${String(Math.round((q.transferSize ?? 0) / 1024)).padStart(4)} KiB ${String(time.get(q.url ?? "") ?? 0).padStart(5)} ms  ${(q.url ?? "").replace(web.url, "")}`);
        for (const b of boot.filter((x) => !scripts.some((q) => q.url === x.url))) log(`  ${name} other ${String(time.get(b.url)).padStart(5)} ms  ${b.url.replace(web.url, "")}`);
      }
      log(`${name} run ${i + 1}: performance ${runs.at(-1)!.perf}, interactive ${runs.at(-1)!.tti} ms, TBT ${runs.at(-1)!.tbt} ms, JS ${js} KiB, load average ${os.loadavg()[0]!.toFixed(2)}`);
    }
    results[name] = {
      performance: median(runs.map((r) => r.perf)),
      interactive_ms: median(runs.map((r) => r.tti)),
      total_blocking_time_ms: median(runs.map((r) => r.tbt)),
      first_contentful_paint_ms: median(runs.map((r) => r.fcp)),
      largest_contentful_paint_ms: median(runs.map((r) => r.lcp)),
      script_kb: median(runs.map((r) => r.js)),
      runs: runs.map((r) => r.perf),
    };
  }
  const baseline = {
    what: "Lighthouse mobile before the server-rendered UI shell (issue 6)",
    asset_list: { performance: 61, interactive_ms: 3200, total_blocking_time_ms: 450 },
    asset_page: { performance: 82, interactive_ms: 3400 },
  };
  const targets = Object.entries(results).flatMap(([name, r]) => [
    { metric: `${name}.performance`, target: ">= 90", actual: r.performance, met: r.performance >= 90 },
    { metric: `${name}.interactive_ms`, target: "<= 1500", actual: r.interactive_ms, met: r.interactive_ms <= 1500 },
  ]);
  // the scores depend on how busy the machine is: say so next to them
  console.log(JSON.stringify({ bench: "ui", results, baseline, targets, load_average: os.loadavg().map((l) => Number(l.toFixed(2))) }));
} finally {
  chrome?.kill();
  await web.stop();
  rmSync(dir, { recursive: true, force: true });
}
