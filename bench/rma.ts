/**
 * npm run bench:rma — RMA and sanitisation on SQLite, server time (service calls as the API makes them):
 *   - the RMA-turnaround KPI (a quarter, a year, all time, one vendor's year) over 200 k cases, p50/p95;
 *   - the breach board (open cases past due or due within a day) over the same cases, p50/p95;
 *   - a 5,000-device sanitisation import (CSV, every line validated, drives resolved to their hosts), seconds.
 * The data are raw multi-row inserts in one transaction (indexes built afterwards). Options: --cases=N (default 200000), --keep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, tuneDatabase } from "../server/db/client";
import { openRawSqlite } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { systemClock, type TDeps } from "../server/context";
import { rmaBoard, turnaroundKpi } from "../server/domains/rma/service";
import { importEvidence } from "../server/domains/rma/sanitisation";

const N = Number(process.argv.find((a) => a.startsWith("--cases="))?.split("=")[1] ?? 200_000);
const DEVICES = 5000;
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-rma-"));
const log = (s: string) => process.stderr.write(`[bench:rma] ${s}\n`);
let seed = 11;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const key = (p: string, i: number) => `${p}${String(i).padStart(8, "0")}`;
const VENDORS = Array.from({ length: 5 }, (_, i) => `bench-vendor-${i}`);
const now = Date.now();
const start = now - 730 * DAY;

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

const file = path.join(dir, "rma.db");
const t0 = Date.now();
await migrate(`file:${file}`);
{
  const raw = openRawSqlite(file);
  raw.pragma("journal_mode = OFF");
  raw.pragma("synchronous = OFF");
  raw.prepare(`INSERT INTO "Manufacturer" (id, name) VALUES ('bench-mf', 'BenchCo')`).run();
  raw.prepare(`INSERT INTO "HardwareModel" (id, manufacturerId, name, kind, partNumber, updatedAt) VALUES ('bench-server', 'bench-mf', 'Bench server', 'SERVER', 'BS-1', ?)`).run(iso(start));
  raw.prepare(`INSERT INTO "HardwareModel" (id, manufacturerId, name, kind, partNumber, updatedAt) VALUES ('bench-drive', 'bench-mf', 'Bench drive', 'DRIVE', 'BD-1', ?)`).run(iso(start));
  for (const [i, v] of VENDORS.entries()) raw.prepare(`INSERT INTO "Vendor" (id, name, rmaSlaDays, updatedAt) VALUES (?, ?, ?, ?)`).run(v, `Vendor ${i}`, 3 + i, iso(start));
  const tables = ["Asset", "RmaCase"];
  const ix = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?) AND sql IS NOT NULL AND name NOT LIKE '%_key'`).all(...tables) as { name: string; sql: string }[];
  for (const i of ix) raw.exec(`DROP INDEX "${i.name}"`);
  const many = (table: string, cols: string, n: number) => raw.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array.from({ length: n }, () => `(${cols.split(",").map(() => "?").join(", ")})`).join(", ")}`);
  const BATCH = 500;
  const insAsset = many("Asset", "id, serial, manufacturerId, modelId, status, vendorId, parentId, version, createdAt, updatedAt", BATCH);
  const insCase = many("RmaCase", "id, number, assetId, vendorId, status, mode, reason, slaDays, openedAt, openedBy, dueAt, receivedAt, turnaroundDays, updatedAt", BATCH);
  raw.transaction(() => {
    for (let b = 0; b < N; b += BATCH) {
      const as: unknown[] = [];
      const cs: unknown[] = [];
      for (let i = b; i < b + BATCH; i++) {
        const v = i % VENDORS.length;
        const sla = 3 + v;
        const open = rnd() < 0.03;
        const opened = open ? now - rnd() * 10 * DAY : start + rnd() * 700 * DAY;
        const days = Math.round((0.5 + rnd() * rnd() * 12) * 10) / 10;
        as.push(key("ra", i), `RMAB${i}`, "bench-mf", "bench-server", "RMA", VENDORS[v], null, 1, iso(opened), iso(opened));
        cs.push(key("rc", i), `RMA-${String(i + 1).padStart(6, "0")}`, key("ra", i), VENDORS[v], open ? "SHIPPED" : "CLOSED", "RETURN_FIRST", "bench", sla, iso(opened), "bench", iso(opened + sla * DAY), open ? null : iso(opened + days * DAY), open ? null : days, iso(opened));
      }
      insAsset.run(as);
      insCase.run(cs);
    }
    // 1,000 hosts with 5 drives each, for the import
    const host = raw.prepare(`INSERT INTO "Asset" (id, serial, manufacturerId, modelId, status, version, createdAt, updatedAt) VALUES (?, ?, 'bench-mf', 'bench-server', 'DECOMMISSIONING', 1, ?, ?)`);
    const drive = raw.prepare(`INSERT INTO "Asset" (id, serial, manufacturerId, modelId, status, parentId, version, createdAt, updatedAt) VALUES (?, ?, 'bench-mf', 'bench-drive', 'DECOMMISSIONING', ?, 1, ?, ?)`);
    for (let h = 0; h < DEVICES / 5; h++) {
      host.run(key("rh", h), `HOST${h}`, iso(now), iso(now));
      for (let d = 0; d < 5; d++) drive.run(key("rd", h * 5 + d), `DRV${h * 5 + d}`, key("rh", h), iso(now), iso(now));
    }
  })();
  raw.exec(`INSERT INTO "RmaTurnaroundMonth" (month, vendorId, days, n, within) SELECT substr(receivedAt, 1, 7), vendorId, turnaroundDays, COUNT(*), SUM(CASE WHEN receivedAt <= dueAt THEN 1 ELSE 0 END) FROM "RmaCase" WHERE receivedAt IS NOT NULL GROUP BY 1, 2, 3`);
  log("building the indexes");
  for (const i of ix) raw.exec(i.sql);
  raw.exec("ANALYZE");
  raw.close();
}
const loadSec = +((Date.now() - t0) / 1000).toFixed(1);
log(`${N} cases loaded in ${loadSec} s`);

const db = createDatabase(`file:${file}`);
await tuneDatabase(db);
const deps: TDeps = { db: db.db, provider: "sqlite", clock: systemClock };
const year = String(new Date(now - 200 * DAY).getUTCFullYear());
const d = new Date(now - 100 * DAY);
const quarter = `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
await turnaroundKpi(deps, { period: quarter });
await rmaBoard(deps, {});
const kpiQ = await sample(20, () => turnaroundKpi(deps, { period: quarter }));
const kpiY = await sample(20, () => turnaroundKpi(deps, { period: year }));
const kpiAll = await sample(20, () => turnaroundKpi(deps, {}));
const kpiVendor = await sample(20, () => turnaroundKpi(deps, { period: year, vendorId: VENDORS[0]! }));
const board = await sample(20, () => rmaBoard(deps, { withinDays: 1 }));
const b = await rmaBoard(deps, {});
log(`KPI quarter p95 ${kpiQ.p95_ms} ms, all time p95 ${kpiAll.p95_ms} ms; board p95 ${board.p95_ms} ms (${b.breached.length} breached, ${b.dueSoon.length} due soon of ${b.open} open)`);

const header = "serial,method,technique,tool,toolVersion,verification,operator,performedAt";
const csv = [header, ...Array.from({ length: DEVICES }, (_, i) => `DRV${i},PURGE,CRYPTO_ERASE,nwipe,0.35,PASSED,bench,${new Date(now - DAY).toISOString()}`)].join("\n");
let imported = 0;
const importMs = await time(async () => {
  imported = (await importEvidence(deps, { type: "system", id: "bench", name: "bench", role: "technician" }, { format: "csv", content: csv })).imported;
});
const importSec = +(importMs / 1000).toFixed(2);
log(`sanitisation import: ${imported} devices in ${importSec} s`);

await db.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });

const targets = [
  { metric: "kpi_rma_turnaround_quarter_p95_ms", target: 200, actual: kpiQ.p95_ms, met: kpiQ.p95_ms <= 200 },
  { metric: "kpi_rma_turnaround_all_time_p95_ms", target: 200, actual: kpiAll.p95_ms, met: kpiAll.p95_ms <= 200 },
  { metric: "rma_breach_board_p95_ms", target: 200, actual: board.p95_ms, met: board.p95_ms <= 200 },
  { metric: "sanitisation_import_5000_s", target: 10, actual: importSec, met: importSec <= 10 && imported === DEVICES },
];
console.log(JSON.stringify({ bench: "rma", results: { cases: N, loadSec, load: os.loadavg().map((x) => +x.toFixed(2)), kpiQ, kpiY, kpiAll, kpiVendor, board, open: b.open, importDevices: imported, importSec }, baseline: null, targets }));
