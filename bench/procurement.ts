/**
 * npm run bench:procurement — procurement at size, on SQLite, server time (service calls as the API makes them):
 *   - TCO comparison of an RFQ with 200 lines × 12 vendors × 3 rounds (rfqTco: load + compute), p50/p95;
 *     baseline: the pure TCO computation alone (computeTco) on the same data;
 *   - the TCO PDF report for it (tcoReport), once warm;
 *   - savings and lead-time KPIs over 100 k POs and 1 M PO assets (--pos=N, assets = 10 per PO), p50/p95.
 *     The KPI data are raw multi-row inserts in one transaction, in key order, with the secondary indexes
 *     built afterwards (with the stored sums and histogram the write path keeps), once: the file is cached
 *     under bench/.cache/ (gitignored) and copied for each run.
 * Options: --pos=N (default 100000), --keep (keep the database file).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, tuneDatabase } from "../server/db/client";
import { openRawSqlite } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { SYSTEM_ACTOR, systemClock, type TDeps } from "../server/context";
import { createManufacturer, createModel } from "../server/domains/catalog/service";
import { createRfq, createVendorWithTerms, rfqTco, submitQuote } from "../server/domains/procurement/service";
import { leadTimeKpi, savingsKpi } from "../server/domains/procurement/kpi";
import { tcoReport } from "../server/domains/procurement/report";
import { computeTco } from "../server/domains/procurement/tco";

const POS = Number(process.argv.find((a) => a.startsWith("--pos="))?.split("=")[1] ?? 100_000);
const ASSETS_PER_PO = 10;
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-procurement-"));
const file = path.join(dir, "bench.db");
const log = (s: string) => process.stderr.write(`[bench:procurement] ${s}\n`);
let seed = 11;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const CACHE = path.join(import.meta.dirname, ".cache");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const start = Date.UTC(2025, 0, 1);

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

const url = `file:${file}`;
await migrate(url);
const database = createDatabase(url);
await tuneDatabase(database);
const deps: TDeps = { db: database.db, provider: "sqlite", clock: systemClock };

// ---------------------------------------------------------------- the RFQ: 200 lines × 12 vendors × 3 rounds
log("seeding the RFQ (200 lines × 12 vendors × 3 rounds) through the services");
const mf = await createManufacturer(deps, SYSTEM_ACTOR, { name: "BenchCo" });
const models: { id: string }[] = [];
for (let k = 0; k < 20; k++) models.push(await createModel(deps, SYSTEM_ACTOR, { manufacturerId: mf.id, name: `Model ${k}`, kind: "SERVER", partNumber: `BM-${k}`, heightU: 1 + (k % 2), nominalPowerW: 800, typicalPowerW: 450 }));
const vendors: { id: string }[] = [];
for (let v = 0; v < 12; v++) vendors.push(await createVendorWithTerms(deps, SYSTEM_ACTOR, { name: `Vendor ${String(v).padStart(2, "0")}` }));
const rfq = await createRfq(deps, SYSTEM_ACTOR, {
  title: "Bench RFQ",
  currency: "EUR",
  lines: Array.from({ length: 200 }, (_, i) => ({ modelId: models[i % models.length]!.id, quantity: 1 + (i % 20), budgetUnitPrice: 10_000 })),
  vendorIds: vendors.map((v) => v.id),
});
for (let round = 1; round <= 3; round++) {
  for (const v of vendors) {
    await submitQuote(deps, SYSTEM_ACTOR, rfq.id, {
      vendorId: v.id,
      round,
      lines: rfq.lines.map((l) => (rnd() < 0.05 ? { rfqLineId: l.id, declined: true as const } : { rfqLineId: l.id, unitPrice: Math.round(8000 + rnd() * 4000 - round * 200), leadTimeDays: 10 + Math.floor(rnd() * 50), warrantyYears: 3, supportPerYear: 300 + Math.round(rnd() * 500), typicalWatts: 300 + Math.round(rnd() * 300) })),
    });
  }
}
for (let i = 0; i < 3; i++) await rfqTco(deps, rfq.id); // warm
const tco = await sample(30, () => rfqTco(deps, rfq.id));
const full = await rfqTco(deps, rfq.id);
const tcoInput = {
  horizonYears: 5,
  params: full.parameters,
  weights: full.weights,
  lines: full.lines.map((l) => ({ id: l.rfqLineId, lineNo: l.lineNo, label: l.label, quantity: l.quantity, uHeight: l.uHeight })),
  vendors: full.vendors.map((v) => ({ id: v.vendorId, name: v.name, slaScore: 1 })),
  quotes: (await database.db.quote.findMany({ where: { rfqId: rfq.id }, include: { lines: true } })).map((q) => ({ quoteId: q.id, vendorId: q.vendorId, round: q.round, declinedRound: q.declined, lines: q.lines })),
};
const pure = await sample(30, () => computeTco(tcoInput));
log(`TCO p95 ${tco.p95_ms} ms (pure computation p95 ${pure.p95_ms} ms)`);
await tcoReport(deps, rfq.id, "pdf"); // warm (fonts, modules)
let pdfBytes = 0;
const pdf = await sample(3, async () => (pdfBytes = (await tcoReport(deps, rfq.id, "pdf")).base64.length));
log(`PDF ${pdf.p95_ms} ms (${Math.round((pdfBytes * 3) / 4 / 1024)} KiB)`);

// ---------------------------------------------------------------- KPIs: 100 k POs, 1 M PO assets (raw inserts)
const kpiVendors = Array.from({ length: 12 }, (_, v) => `bench-vendor-${String(v).padStart(2, "0")}`);
const cached = path.join(CACHE, `procurement-kpi-v3-${POS}.db`);
let loadSec: number | null = null;
if (existsSync(cached)) {
  log(`KPI data: ${POS} POs from bench/.cache/`);
} else {
  log(`loading ${POS} POs and ${POS * ASSETS_PER_PO} PO assets (once; cached in bench/.cache/)`);
  const t0 = Date.now();
  mkdirSync(CACHE, { recursive: true });
  rmSync(cached, { force: true });
  await migrate(`file:${cached}`);
  const raw = openRawSqlite(cached);
  raw.pragma("journal_mode = OFF");
  raw.pragma("synchronous = OFF");
  // the KPIs need the vendors (names, SLAs); fixed ids, so the cached file matches
  raw.prepare(`INSERT INTO "Vendor" (id, name, updatedAt) VALUES ${kpiVendors.map(() => "(?, ?, ?)").join(", ")}`).run(kpiVendors.flatMap((v, i) => [v, `Vendor ${String(i).padStart(2, "0")}`, iso(start)]));
  // bulk load without the secondary indexes, in key order (sequential ids), multi-row statements; indexes built once after
  const tables = ["PurchaseOrder", "PurchaseOrderLine", "PurchaseOrderAsset"];
  const ix = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${tables.map(() => "?").join(", ")}) AND sql IS NOT NULL`).all(...tables) as { name: string; sql: string }[];
  for (const i of ix) raw.exec(`DROP INDEX "${i.name}"`);
  const many = (table: string, cols: string, n: number) => raw.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array.from({ length: n }, () => `(${cols.split(",").map(() => "?").join(", ")})`).join(", ")}`);
  const BATCH = 200;
  const insPo = many("PurchaseOrder", "id, number, vendorId, currency, status, total, createdById, createdAt, issuedAt, receivedAt, version", BATCH);
  const insLine = many("PurchaseOrderLine", "id, poId, lineNo, modelId, quantity, unitPrice, leadTimeDays, baselineBudget, baselineFirstRound, receivedQty", BATCH);
  const insAsset = many("PurchaseOrderAsset", "id, poLineId, assetId, vendorId, receivedAt, leadDays, onTime", BATCH * ASSETS_PER_PO);
  const key = (p: string, i: number) => `${p}${String(i).padStart(8, "0")}`;
  raw.transaction(() => {
    for (let b = 0; b < POS; b += BATCH) {
      const po: unknown[] = [];
      const ln: unknown[] = [];
      const as: unknown[] = [];
      for (let i = b; i < b + BATCH; i++) {
        const vendor = { id: kpiVendors[i % kpiVendors.length]! };
        const issued = start + Math.floor(rnd() * 365) * DAY;
        const price = 9000 + Math.round(rnd() * 2000);
        const lead = 10 + rnd() * 60;
        po.push(key("bpo", i), `PO-B${String(i).padStart(7, "0")}`, vendor.id, "EUR", "RECEIVED", price * ASSETS_PER_PO, "bench", iso(issued), iso(issued), iso(issued + lead * DAY), 1);
        ln.push(key("bpl", i), key("bpo", i), 1, "bench-model", ASSETS_PER_PO, price, 30, 10_000, price + 300, ASSETS_PER_PO);
        for (let a = 0; a < ASSETS_PER_PO; a++) {
          const l = Math.round((lead + rnd() * 5) * 10) / 10; // syncReceipts keeps lead days at 0.1-day resolution
          as.push(key("bpa", i * ASSETS_PER_PO + a), key("bpl", i), key("bas", i * ASSETS_PER_PO + a), vendor.id, iso(issued + l * DAY), l, l <= 30 ? 1 : 0);
        }
      }
      insPo.run(po);
      insLine.run(ln);
      insAsset.run(as);
    }
  })();
  // the savings sums issuing keeps (every bench PO is committed and has both baselines), in one statement
  raw.exec(`INSERT INTO "PurchaseOrderSavingsMonth" (vendorId, month, budgetBase, budgetAwarded, budgetLines, firstBase, firstAwarded, firstLines)
    SELECT po.vendorId, substr(po.issuedAt, 1, 7), SUM(l.quantity * l.baselineBudget), SUM(l.quantity * l.unitPrice), COUNT(*), SUM(l.quantity * l.baselineFirstRound), SUM(l.quantity * l.unitPrice), COUNT(*)
    FROM "PurchaseOrder" po JOIN "PurchaseOrderLine" l ON l.poId = po.id GROUP BY 1, 2`);
  // the lead-time histogram syncReceipts keeps, built in one statement
  raw.exec(`INSERT INTO "PurchaseOrderLeadMonth" (vendorId, month, leadDays, n) SELECT vendorId, substr(receivedAt, 1, 7), leadDays, COUNT(*) FROM "PurchaseOrderAsset" WHERE receivedAt IS NOT NULL GROUP BY 1, 2, 3`);
  log("building the indexes");
  for (const i of ix) raw.exec(i.sql);
  raw.exec("ANALYZE");
  raw.close();
  loadSec = +((Date.now() - t0) / 1000).toFixed(1);
  log(`loaded in ${loadSec} s`);
}
const kpiFile = path.join(dir, "kpi.db");
copyFileSync(cached, kpiFile);
const kpiDb = createDatabase(`file:${kpiFile}`);
await tuneDatabase(kpiDb);
const kpiDeps: TDeps = { db: kpiDb.db, provider: "sqlite", clock: systemClock };
const quarter = { period: "2025-Q2" };
await savingsKpi(kpiDeps, quarter);
await leadTimeKpi(kpiDeps, quarter);
const savingsQ = await sample(10, () => savingsKpi(kpiDeps, quarter));
const leadQ = await sample(10, () => leadTimeKpi(kpiDeps, quarter));
const leadVendorQ = await sample(10, () => leadTimeKpi(kpiDeps, { ...quarter, vendorId: kpiVendors[0]! }));
log(`KPIs for one quarter: savings p95 ${savingsQ.p95_ms} ms, lead time p95 ${leadQ.p95_ms} ms (one vendor ${leadVendorQ.p95_ms} ms)`);

await database.close();
await kpiDb.close();
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });

const targets = [
  { metric: "tco_200x12x3_p95_ms", target: 150, actual: tco.p95_ms, met: tco.p95_ms <= 150 },
  { metric: "tco_pdf_ms", target: 3000, actual: pdf.p95_ms, met: pdf.p95_ms <= 3000 },
  { metric: "kpi_savings_quarter_p95_ms", target: 200, actual: savingsQ.p95_ms, met: savingsQ.p95_ms <= 200 },
  { metric: "kpi_lead_time_quarter_p95_ms", target: 200, actual: leadQ.p95_ms, met: leadQ.p95_ms <= 200 },
];
console.log(JSON.stringify({ bench: "procurement", results: { tco, pdf: { ...pdf, kib: Math.round((pdfBytes * 3) / 4 / 1024) }, kpis: { pos: POS, poAssets: POS * ASSETS_PER_PO, loadSec, savingsQ, leadQ, leadVendorQ } }, baseline: { pureTco: pure }, targets }));
