/**
 * npm run bench:core — the CMDB core at 1 M assets on SQLite.
 * Measures server time (service call through Prisma, as the API runs it) of
 *   - lookup by serial (the scan path: findByCode), and
 *   - one list page (status filter + sort + page, and a serial-prefix search),
 * p50/p95 over many random requests. Baseline, measured in the same run: the
 * same queries as hand-written SQL on a raw better-sqlite3 connection (the
 * floor the ORM path is compared against).
 * Options: --assets=N (default 1000000), --keep (keep the database file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createDatabase, tuneDatabase } from "../server/db/client";
import { openRawSqlite } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { systemClock } from "../server/context";
import { ASSET_STATUSES, type TAssetStatus } from "../server/domains/assets/status";
import { findByCode, listAssets } from "../server/domains/assets/service";

const N = Number(process.argv.find((a) => a.startsWith("--assets="))?.split("=")[1] ?? 1_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-core-"));
const file = path.join(dir, "bench.db");
const log = (s: string) => process.stderr.write(`[bench:core] ${s}\n`);

let seed = 7;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const id = () => `c${randomBytes(12).toString("hex")}`;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const serialOf = (i: number) => `SN${(i * 7_919 % 1_000_003).toString(36).toUpperCase().padStart(5, "0")}${String(i).padStart(7, "0")}`;

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(3);
}
function stats(xs: number[]) {
  return { p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), max_ms: +Math.max(...xs).toFixed(3), n: xs.length };
}
async function time(fn: () => Promise<unknown> | unknown) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

// ---------------------------------------------------------------- load
const url = `file:${file}`;
await migrate(url);
const raw = openRawSqlite(file);
raw.pragma("journal_mode = WAL");
raw.pragma("synchronous = OFF");
const t0 = Date.now();
const mfs = ["Dell", "HPE", "Lenovo", "Supermicro", "Arista"].map((name) => ({ id: id(), name }));
const insMf = raw.prepare(`INSERT INTO "Manufacturer" (id, name, createdAt) VALUES (?, ?, ?)`);
const models: { id: string; mf: string }[] = [];
const insModel = raw.prepare(`INSERT INTO "HardwareModel" (id, manufacturerId, name, kind, partNumber, heightU, nominalPowerW, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const locations: string[] = [];
const insLoc = raw.prepare(`INSERT INTO "Location" (id, kind, code, name, path, parentId, siteId, heightU, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
raw.transaction(() => {
  const now = iso(Date.now());
  for (const m of mfs) {
    insMf.run(m.id, m.name, now);
    for (let k = 0; k < 4; k++) {
      const mid = id();
      models.push({ id: mid, mf: m.id });
      insModel.run(mid, m.id, `${m.name} model ${k}`, k < 3 ? "SERVER" : "SWITCH", `${m.name.slice(0, 3).toUpperCase()}-${k}`, 1 + (k % 2), 500, now, now);
    }
  }
  for (let s = 0; s < 2; s++) {
    const site = id();
    insLoc.run(site, "SITE", `S${s}`, `Site ${s}`, `S${s}`, null, null, null, now, now);
    for (let r = 0; r < 4; r++) {
      const room = id();
      insLoc.run(room, "ROOM", `H${r}`, `Hall ${r}`, `S${s} / H${r}`, site, site, null, now, now);
      for (let k = 0; k < 100; k++) {
        const rack = id();
        locations.push(rack);
        insLoc.run(rack, "RACK", `R${k}`, `Rack ${k}`, `S${s} / H${r} / R${k}`, room, site, 42, now, now);
      }
    }
  }
})();
const insAsset = raw.prepare(
  `INSERT INTO "Asset" (id, serial, manufacturerId, modelId, assetTag, status, locationId, version, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
);
// bulk load without the Asset indexes, then build them once (sorted builds are far faster than 1 M random inserts)
const assetIndexes = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Asset' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
for (const ix of assetIndexes) raw.exec(`DROP INDEX "${ix.name}"`);
const base = Date.now() - 3 * 365 * 86_400_000;
const BATCH = 50_000;
for (let start = 0; start < N; start += BATCH) {
  raw.transaction(() => {
    for (let i = start; i < Math.min(N, start + BATCH); i++) {
      const m = models[Math.floor(rnd() * models.length)]!;
      const status = ASSET_STATUSES[Math.floor(rnd() * ASSET_STATUSES.length)]!;
      const created = base + Math.floor(rnd() * 3 * 365 * 86_400_000);
      insAsset.run(id(), serialOf(i), m.mf, m.id, `IL-${String(i).padStart(8, "0")}`, status, locations[Math.floor(rnd() * locations.length)]!, iso(created), iso(created + Math.floor(rnd() * 30 * 86_400_000)));
    }
  })();
  if ((start / BATCH) % 4 === 0) log(`loaded ${Math.min(N, start + BATCH).toLocaleString()} assets`);
}
log(`building ${assetIndexes.length} asset indexes`);
for (const ix of assetIndexes) raw.exec(ix.sql);
raw.exec("ANALYZE");
const loadSec = (Date.now() - t0) / 1000;
log(`loaded ${N.toLocaleString()} assets in ${loadSec.toFixed(1)} s`);

// ---------------------------------------------------------------- measure
const database = createDatabase(url);
await tuneDatabase(database);
const deps = { db: database.db, provider: database.provider, clock: systemClock };
const randomSerial = () => serialOf(Math.floor(rnd() * N));
const randomStatus = (): TAssetStatus => ASSET_STATUSES[Math.floor(rnd() * ASSET_STATUSES.length)]!;
const LOOKUPS = 3000;
const LISTS = 400;

// warm up both paths
for (let i = 0; i < 50; i++) {
  await findByCode(deps, randomSerial());
  await listAssets(deps, { status: [randomStatus()], page: 1 + (i % 5) });
}

const lookup: number[] = [];
for (let i = 0; i < LOOKUPS; i++) {
  const s = randomSerial();
  lookup.push(await time(async () => {
    const r = await findByCode(deps, s);
    if (r.length !== 1) throw new Error(`lookup of ${s} found ${r.length}`);
  }));
}
const listPage: number[] = [];
for (let i = 0; i < LISTS; i++) {
  const input = { status: [randomStatus()], sort: "updatedAt" as const, dir: "desc" as const, page: 1 + Math.floor(rnd() * 20), pageSize: 50 };
  listPage.push(await time(async () => {
    const r = await listAssets(deps, input);
    if (r.items.length !== 50) throw new Error("short page");
  }));
}
const listModel: number[] = [];
for (let i = 0; i < LISTS; i++) {
  const input = { modelId: models[Math.floor(rnd() * models.length)]!.id, status: [randomStatus()], sort: "updatedAt" as const, dir: "asc" as const, page: 1 + Math.floor(rnd() * 10), pageSize: 50 };
  listModel.push(await time(() => listAssets(deps, input)));
}
const listSearch: number[] = [];
for (let i = 0; i < LISTS; i++) {
  const prefix = randomSerial().slice(0, 6);
  listSearch.push(await time(() => listAssets(deps, { q: prefix, sort: "serial", dir: "asc", page: 1, pageSize: 50 })));
}

// baseline: the same queries as raw SQL on better-sqlite3
const rawLookup = raw.prepare(`SELECT * FROM "Asset" WHERE "assetTag" = ?`);
const rawLookupSerial = raw.prepare(`SELECT a.*, m.name FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId WHERE a.serial = ? LIMIT 20`);
const rawPage = raw.prepare(`SELECT a.*, m.name, l.path FROM "Asset" a JOIN "HardwareModel" m ON m.id = a.modelId LEFT JOIN "Location" l ON l.id = a.locationId WHERE a.status = ? ORDER BY a.updatedAt DESC, a.id DESC LIMIT 50 OFFSET ?`);
const rawCount = raw.prepare(`SELECT COUNT(*) AS n FROM "Asset" WHERE status = ?`);
const baseLookup: number[] = [];
for (let i = 0; i < LOOKUPS; i++) {
  const s = randomSerial();
  baseLookup.push(await time(() => {
    rawLookup.get(s);
    rawLookupSerial.all(s);
  }));
}
const basePage: number[] = [];
for (let i = 0; i < LISTS; i++) {
  const st = randomStatus();
  const off = Math.floor(rnd() * 20) * 50;
  basePage.push(await time(() => {
    rawPage.all(st, off);
    rawCount.get(st);
  }));
}
await database.close();
raw.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else log(`kept ${file}`);

const results = {
  assets: N,
  load_seconds: +loadSec.toFixed(1),
  lookup_by_serial: stats(lookup),
  list_page_status_sorted: stats(listPage),
  list_page_model_status_sorted: stats(listModel),
  list_page_serial_prefix: stats(listSearch),
};
const baseline = { what: "same queries as raw SQL on better-sqlite3 (no ORM)", lookup_by_serial: stats(baseLookup), list_page_status_sorted: stats(basePage) };
const worstListP95 = Math.max(results.list_page_status_sorted.p95_ms, results.list_page_model_status_sorted.p95_ms, results.list_page_serial_prefix.p95_ms);
const targets = [
  { metric: "lookup_by_serial.p95_ms", target: "<= 5", actual: results.lookup_by_serial.p95_ms, met: results.lookup_by_serial.p95_ms <= 5 },
  { metric: "list_page.p95_ms (worst of the three list shapes)", target: "<= 50", actual: worstListP95, met: worstListP95 <= 50 },
];
console.log(JSON.stringify({ bench: "core", results, baseline, targets }));
