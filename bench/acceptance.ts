/**
 * npm run bench:acceptance — the DOA and installation-time KPIs at 1 M assets on SQLite, server time
 * (service calls as the API makes them):
 *   - doaKpi for a quarter, a year, all time, and one vendor's year, p50/p95;
 *   - installKpi for a quarter, and one site's year, p50/p95;
 *   - the fold: 4,000 new lifecycle events (2,000 receipts and 2,000 SAT passes) folded into the KPI tables, events/s.
 * The data (1 M assets, their facts, month sums, installations, and a DOA event per DOA asset) are raw
 * multi-row inserts in one transaction, secondary indexes built afterwards, once: the file is cached under
 * bench/.cache/ (gitignored) and copied for each run. Options: --assets=N (default 1000000), --keep.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, tuneDatabase } from "../server/db/client";
import { openRawSqlite } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { systemClock, type TDeps } from "../server/context";
import { doaKpi, foldKpiEvents, installKpi } from "../server/domains/acceptance/kpi";

const N = Number(process.argv.find((a) => a.startsWith("--assets="))?.split("=")[1] ?? 1_000_000);
const DOA_RATE = 0.0025;
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-acceptance-"));
const log = (s: string) => process.stderr.write(`[bench:acceptance] ${s}\n`);
let seed = 7;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const CACHE = path.join(import.meta.dirname, ".cache");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const start = Date.UTC(2025, 0, 1);
const key = (p: string, i: number) => `${p}${String(i).padStart(8, "0")}`;
const VENDORS = Array.from({ length: 5 }, (_, i) => `bench-vendor-${i}`);
const MODELS = Array.from({ length: 10 }, (_, i) => `bench-model-${i}`);
const SITES = Array.from({ length: 5 }, (_, i) => `bench-site-${i}`);

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
}
async function time(fn: () => Promise<unknown> | unknown) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
async function sample(n: number, fn: () => Promise<unknown> | unknown) {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await time(fn));
  return { p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), n };
}

const cached = path.join(CACHE, `acceptance-kpi-v1-${N}.db`);
let loadSec: number | null = null;
let doaEvents = 0;
if (existsSync(cached)) {
  log(`${N} assets from bench/.cache/`);
} else {
  log(`loading ${N} assets with their KPI facts (once; cached in bench/.cache/)`);
  const t0 = Date.now();
  mkdirSync(CACHE, { recursive: true });
  rmSync(cached, { force: true });
  await migrate(`file:${cached}`);
  const raw = openRawSqlite(cached);
  raw.pragma("journal_mode = OFF");
  raw.pragma("synchronous = OFF");
  raw.prepare(`INSERT INTO "Manufacturer" (id, name) VALUES (?, ?)`).run("bench-mf", "BenchCo");
  for (const [i, m] of MODELS.entries()) raw.prepare(`INSERT INTO "HardwareModel" (id, manufacturerId, name, kind, partNumber, updatedAt) VALUES (?, ?, ?, 'SERVER', ?, ?)`).run(m, "bench-mf", `Bench ${i}`, `B-${i}`, iso(start));
  for (const [i, v] of VENDORS.entries()) raw.prepare(`INSERT INTO "Vendor" (id, name, updatedAt) VALUES (?, ?, ?)`).run(v, `Vendor ${i}`, iso(start));
  for (const [i, s] of SITES.entries()) raw.prepare(`INSERT INTO "Location" (id, kind, code, name, path, updatedAt) VALUES (?, 'SITE', ?, ?, ?, ?)`).run(s, `S${i}`, `Site ${i}`, `S${i}`, iso(start));
  const tables = ["Asset", "AssetEvent", "SatAssetFact", "SatInstall"];
  const ix = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${tables.map(() => "?").join(", ")}) AND sql IS NOT NULL`).all(...tables) as { name: string; sql: string }[];
  for (const i of ix) raw.exec(`DROP INDEX "${i.name}"`);
  const many = (table: string, cols: string, n: number) => raw.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array.from({ length: n }, () => `(${cols.split(",").map(() => "?").join(", ")})`).join(", ")}`);
  const BATCH = 500;
  const insAsset = many("Asset", "id, serial, manufacturerId, modelId, status, locationId, vendorId, version, createdAt, updatedAt", BATCH);
  const insFact = many("SatAssetFact", "assetId, vendorId, modelId, receivedAt, receivedMonth, lastReceivedAt, doa, doaAt, doaEventId", BATCH);
  const insInstall = many("SatInstall", "id, assetId, siteId, receivedAt, passedAt, days", BATCH);
  const insEvent = raw.prepare(`INSERT INTO "AssetEvent" (id, assetId, at, actorType, actorId, fromStatus, toStatus, reason, payload, chainSeq) VALUES (?, ?, ?, 'system', 'bench', 'BURN_IN', 'FAILED', 'bench: failed in burn-in', '{"doa":true}', ?)`);
  raw.transaction(() => {
    let installs: unknown[] = [];
    for (let b = 0; b < N; b += BATCH) {
      const as: unknown[] = [];
      const fs: unknown[] = [];
      const evs: [string, string, string, number][] = [];
      for (let i = b; i < b + BATCH; i++) {
        const vendor = VENDORS[i % VENDORS.length]!;
        const model = MODELS[i % MODELS.length]!;
        const site = SITES[i % SITES.length]!;
        const received = start + Math.floor(rnd() * 365 * DAY);
        const doa = rnd() < DOA_RATE;
        as.push(key("bas", i), `BENCH${i}`, "bench-mf", model, doa ? "FAILED" : "IN_SERVICE", site, vendor, 5, iso(received), iso(received));
        if (doa) {
          doaEvents++;
          evs.push([key("bev", i), key("bas", i), iso(received + DAY), doaEvents]);
        }
        fs.push(key("bas", i), vendor, model, iso(received), new Date(received).toISOString().slice(0, 7), iso(received), doa ? 1 : 0, doa ? iso(received + DAY) : null, doa ? key("bev", i) : null);
        if (!doa) {
          const days = Math.round((1 + rnd() * rnd() * 12) * 100) / 100;
          installs.push(key("bin", i), key("bas", i), site, iso(received), iso(received + days * DAY), days);
          if (installs.length === BATCH * 6) {
            insInstall.run(installs);
            installs = [];
          }
        }
      }
      insAsset.run(as);
      for (const e of evs) insEvent.run(...e);
      insFact.run(fs);
    }
    const one = many("SatInstall", "id, assetId, siteId, receivedAt, passedAt, days", 1);
    for (let i = 0; i < installs.length; i += 6) one.run(installs.slice(i, i + 6));
    raw.prepare(`INSERT INTO "SatKpiCursor" (id, chainSeq, updatedAt) VALUES ('asset-events', ?, ?)`).run(doaEvents, iso(start));
  })();
  // the sums the fold keeps, built in one statement each
  raw.exec(`INSERT INTO "SatDoaMonth" (month, vendorId, modelId, received, doa) SELECT receivedMonth, vendorId, modelId, COUNT(*), SUM(doa) FROM "SatAssetFact" GROUP BY 1, 2, 3`);
  raw.exec(`INSERT INTO "SatInstallMonth" (month, siteId, days, n) SELECT substr(passedAt, 1, 7), siteId, round(days, 1), COUNT(*) FROM "SatInstall" GROUP BY 1, 2, 3`);
  log("building the indexes");
  for (const i of ix) raw.exec(i.sql);
  raw.exec("ANALYZE");
  raw.close();
  loadSec = +((Date.now() - t0) / 1000).toFixed(1);
  log(`loaded in ${loadSec} s`);
}
const file = path.join(dir, "kpi.db");
copyFileSync(cached, file);
await migrate(`file:${file}`); // migrations newer than the cached file (e.g. an index) apply to the copy

// 4,000 new events for the fold: receipts of 2,000 assets and SAT passes of 2,000 others, after the cursor
const FOLD = 2000;
{
  const raw = openRawSqlite(file);
  const head = (raw.prepare(`SELECT MAX(chainSeq) AS s FROM "AssetEvent"`).get() as { s: number | null }).s ?? 0;
  const ins = raw.prepare(`INSERT INTO "AssetEvent" (id, assetId, at, actorType, actorId, fromStatus, toStatus, chainSeq) VALUES (?, ?, ?, 'system', 'bench', ?, ?, ?)`);
  const at = Date.UTC(2026, 0, 10);
  raw.transaction(() => {
    for (let i = 0; i < FOLD; i++) ins.run(key("bfr", i), key("bas", i * 7), iso(at), "IN_TRANSIT", "RECEIVED", head + 1 + 2 * i);
    for (let i = 0; i < FOLD; i++) ins.run(key("bfs", i), key("bas", i * 7 + 3), iso(at + DAY), "SAT", "IN_SERVICE", head + 2 + 2 * i);
  })();
  raw.close();
}

const db = createDatabase(`file:${file}`);
await tuneDatabase(db);
const deps: TDeps = { db: db.db, provider: "sqlite", clock: systemClock };
const foldMs = await time(() => foldKpiEvents(deps, 100));
const foldRate = Math.round((2 * FOLD) / (foldMs / 1000));
log(`fold: ${2 * FOLD} events in ${foldMs.toFixed(0)} ms (${foldRate} events/s)`);

const quarter = { period: "2025-Q2" };
await doaKpi(deps, quarter);
await installKpi(deps, quarter);
const doaQ = await sample(10, () => doaKpi(deps, quarter));
const doaY = await sample(10, () => doaKpi(deps, { period: "2025" }));
const doaAll = await sample(10, () => doaKpi(deps, {}));
const doaVendor = await sample(10, () => doaKpi(deps, { period: "2025", vendorId: VENDORS[0]! }));
const instQ = await sample(10, () => installKpi(deps, quarter));
const instSite = await sample(10, () => installKpi(deps, { period: "2025", siteId: SITES[0]! }));
const check = await doaKpi(deps, { period: "2025" });
log(`DOA 2025: ${check.doa} of ${check.received} (${((check.rate ?? 0) * 100).toFixed(3)} %); quarter p95 ${doaQ.p95_ms} ms, all time p95 ${doaAll.p95_ms} ms; installation quarter p95 ${instQ.p95_ms} ms`);

await db.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });

const targets = [
  { metric: "kpi_doa_quarter_p95_ms", target: 200, actual: doaQ.p95_ms, met: doaQ.p95_ms <= 200 },
  { metric: "kpi_doa_all_time_p95_ms", target: 200, actual: doaAll.p95_ms, met: doaAll.p95_ms <= 200 },
  { metric: "kpi_installation_quarter_p95_ms", target: 200, actual: instQ.p95_ms, met: instQ.p95_ms <= 200 },
  { metric: "kpi_fold_events_per_s", target: 500, actual: foldRate, met: foldRate >= 500 },
];
console.log(JSON.stringify({ bench: "acceptance", results: { assets: N, loadSec, fold: { events: 2 * FOLD, ms: +foldMs.toFixed(1), perSec: foldRate }, doaQ, doaY, doaAll, doaVendor, instQ, instSite, doa2025: { received: check.received, doa: check.doa, rate: check.rate } }, baseline: null, targets }));
