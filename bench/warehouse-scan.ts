/**
 * npm run bench:warehouse-scan — receiving scans over HTTP (issue 11): scan → acknowledgement
 * p50/p95/p99 and scans/s with 50 concurrent scanners on loopback, against the built app started as
 * `npm start` starts it (scripts/start.mjs), on SQLite with 1 M assets (--quick: 20,000).
 *
 * Each scanner has its own receipt on its own purchase order (one line of ORDERED placeholder
 * assets) and scans fresh serials as fast as the answers come (closed loop, keep-alive,
 * bench/load.ts): every scan binds a serial to a placeholder, moves it ORDERED → IN_TRANSIT →
 * RECEIVED through the lifecycle (two transitions, their events and audit entries), writes the
 * asset tag, the scan record and a live notice, in one transaction. A scan counts as acknowledged
 * when the answer is 200 with outcome "received"; afterwards the database is checked: exactly as
 * many assets received as scans acknowledged.
 *
 * Baseline (same run, same app, same database): the platform's own hottest write, one lifecycle
 * transition (POST /api/v1/assets/{id}/transitions) at the same concurrency; a scan does two of
 * them and more, so it is expected to cost about twice one transition.
 *
 * The database (assets by raw inserts, users and tokens through the services so the chains are
 * real) is built once and kept under bench/.cache/ (gitignored). Options: --quick, --assets=N,
 * --seconds=S. Run alone it ends with one JSON line; `runScanBench` is what bench:warehouse combines.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openRawSqlite } from "../server/db/admin";
import { freePort } from "../tests/harness/postgres";
import { runLoad, type TLoadResult } from "./load";

const root = path.resolve(import.meta.dirname, "..");
const CACHE = path.join(root, "bench/.cache");
const SCANNERS = 50;
const log = (s: string) => process.stderr.write(`[bench:warehouse-scan] ${s}\n`);
const rid = () => `c${randomBytes(12).toString("hex")}`;

interface TFixture {
  token: string;
  secret: string;
  binId: string;
  pos: string[];
  transitionPool: string[];
}

/** Users and tokens through the services (real audit chain), everything else by raw SQL. */
async function seedServices(url: string): Promise<{ token: string }> {
  const { createDatabase, tuneDatabase } = await import("../server/db/client");
  const { systemClock } = await import("../server/context");
  const { createUser, createApiToken } = await import("../server/domains/users/service");
  const database = createDatabase(url);
  await tuneDatabase(database);
  const deps = { db: database.db, provider: database.provider, clock: systemClock } as never;
  const system = { type: "system", id: "bench", name: "bench", role: "admin" } as const;
  const u = await createUser(deps, system as never, { username: "scanner", displayName: "Scanner", role: "warehouse", password: "bench password 123" });
  const owner = { type: "user", id: u.id, name: "Scanner", role: "warehouse" } as const;
  const token = (await createApiToken(deps, owner as never, { name: "scanner", role: "warehouse" })).token;
  await database.close();
  return { token };
}

async function buildDatabase(n: number, unitsPerPo: number): Promise<{ template: string; fixture: TFixture; buildSec: number | null }> {
  const { migrate } = await import("../server/db/migrate");
  mkdirSync(CACHE, { recursive: true });
  const template = path.join(CACHE, `warehouse-scan-sqlite-${n}-${unitsPerPo}.db`);
  const meta = `${template}.json`;
  if (existsSync(template) && existsSync(meta)) return { template, fixture: JSON.parse(readFileSync(meta, "utf8")) as TFixture, buildSec: null };
  const t0 = Date.now();
  log(`building the SQLite database: ${n.toLocaleString()} assets, ${SCANNERS} issued POs of ${unitsPerPo} units (once; cached in bench/.cache/)`);
  rmSync(template, { force: true });
  process.env.IRONLEDGER_SECRET_KEY = randomBytes(32).toString("base64");
  const url = `file:${template}`;
  await migrate(url);
  const { token } = await seedServices(url);
  const raw = openRawSqlite(template);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = OFF");
  const now = new Date().toISOString().replace("Z", "+00:00");
  const ins = (table: string, cols: string[]) => raw.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
  const ix = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Asset' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
  for (const i of ix) raw.exec(`DROP INDEX "${i.name}"`);
  const mf = rid();
  const vendor = rid();
  const site = rid();
  const bin = rid();
  const models = Array.from({ length: 8 }, () => rid());
  raw.transaction(() => {
    ins("Manufacturer", ["id", "name", "createdAt"]).run(mf, "Dell", now);
    const m = ins("HardwareModel", ["id", "manufacturerId", "name", "kind", "partNumber", "heightU", "nominalPowerW", "createdAt", "updatedAt"]);
    models.forEach((id, k) => m.run(id, mf, `Model ${k}`, "SERVER", `BM-${k}`, 1, 500, now, now));
    ins("Vendor", ["id", "name", "createdAt", "updatedAt"]).run(vendor, "Bench Vendor", now, now);
    const l = ins("Location", ["id", "kind", "code", "name", "path", "parentId", "siteId", "createdAt", "updatedAt"]);
    l.run(site, "SITE", "BS1", "Bench site", "BS1", null, null, now, now);
    l.run(bin, "BIN", "RCV", "Receiving", "BS1 / RCV", site, site, now, now);
    raw.prepare(`INSERT INTO "ReceivingSettings" (id, "tagMode", "tagPrefix", "tagDigits", "tagNext", "defaultBinId", "updatedAt") VALUES (1, 'GENERATE', 'BT-', 8, 1, ?, ?)`).run(bin, now);
  })();
  const asset = ins("Asset", ["id", "serial", "manufacturerId", "modelId", "assetTag", "status", "locationId", "vendorId", "version", "createdAt", "updatedAt"]);
  const STATUSES = ["RECEIVED", "BURN_IN", "RACKED", "IN_SERVICE", "IN_SERVICE", "IN_SERVICE", "DECOMMISSIONING", "FAILED"];
  const placeholders = SCANNERS * unitsPerPo;
  const bulk = n - placeholders;
  const transitionPool: string[] = [];
  for (let s = 0; s < bulk; s += 10_000) {
    raw.transaction(() => {
      for (let i = s; i < Math.min(bulk, s + 10_000); i++) {
        const id = rid();
        if (i < 2000) transitionPool.push(id);
        asset.run(id, `BULK${String(i).padStart(9, "0")}`, mf, models[i % models.length]!, `IL-${String(i).padStart(9, "0")}`, i < 2000 ? "IN_SERVICE" : STATUSES[i % STATUSES.length]!, site, vendor, 0, now, now);
      }
    })();
    if (s % 200_000 === 0 && s) log(`  ${s.toLocaleString()} assets`);
  }
  const pos: string[] = [];
  const po = ins("PurchaseOrder", ["id", "number", "vendorId", "currency", "siteId", "status", "total", "createdById", "createdAt", "issuedAt", "version"]);
  const line = ins("PurchaseOrderLine", ["id", "poId", "lineNo", "modelId", "quantity", "unitPrice", "leadTimeDays"]);
  const pa = ins("PurchaseOrderAsset", ["id", "poLineId", "assetId", "vendorId"]);
  raw.transaction(() => {
    for (let p = 0; p < SCANNERS; p++) {
      const poId = rid();
      const lineId = rid();
      const number = `PO-${String(p + 1).padStart(6, "0")}`;
      pos.push(poId);
      po.run(poId, number, vendor, "EUR", site, "ISSUED", unitsPerPo * 1000, "bench", now, now, 1);
      line.run(lineId, poId, 1, models[0]!, unitsPerPo, 1000, 30);
      for (let u = 0; u < unitsPerPo; u++) {
        const id = rid();
        asset.run(id, `${number}-1-${String(u + 1).padStart(4, "0")}`, mf, models[0]!, null, "ORDERED", null, vendor, 0, now, now);
        pa.run(rid(), lineId, id, vendor);
      }
    }
  })();
  log("building the asset indexes");
  for (const i of ix) raw.exec(i.sql);
  raw.exec("ANALYZE");
  raw.pragma("wal_checkpoint(TRUNCATE)");
  raw.close();
  const fixture: TFixture = { token, secret: process.env.IRONLEDGER_SECRET_KEY!, binId: bin, pos, transitionPool };
  writeFileSync(meta, JSON.stringify(fixture));
  const buildSec = (Date.now() - t0) / 1000;
  log(`built in ${buildSec.toFixed(1)} s`);
  return { template, fixture, buildSec };
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid!, "SIGTERM");
    const t = setTimeout(() => child.exitCode === null && process.kill(child.pid!, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
}

/** The app as `npm start` starts it (migrate, build if the sources changed, web server + workers). */
async function startApp(url: string): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-scan-data-"));
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), IRONLEDGER_HOST: "127.0.0.1", IRONLEDGER_DATA_DIR: dataDir, IRONLEDGER_ADMIN_PASSWORD: "bench admin password", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  const deadline = Date.now() + 15 * 60_000; // a first start builds the app
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stopper(child)();
      throw new Error(`the app did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const stop = stopper(child);
  return { port, pid: child.pid!, stop: async () => (await stop(), rmSync(dataDir, { recursive: true, force: true })) };
}

const brief = (r: TLoadResult) => `${r.rps}/s p50 ${r.p50_ms} p95 ${r.p95_ms} p99 ${r.p99_ms}${Object.keys(r.errors).length ? ` errors ${JSON.stringify(r.errors)}` : ""}`;

export async function runScanBench(opts: { quick: boolean; assets?: number; seconds?: number }): Promise<{ results: Record<string, unknown>; baseline: Record<string, unknown>; targets: { metric: string; target: string; actual: number | string; met: boolean }[] }> {
  const n = opts.assets ?? (opts.quick ? 20_000 : 1_000_000);
  const seconds = opts.seconds ?? (opts.quick ? 3 : 8);
  // enough ordered units for every scan of the run (≈ 1,500 scans/s at most on loopback) plus the warm-up
  const unitsPerPo = opts.quick ? 150 : 400;
  const t0 = Date.now();
  const { template, fixture, buildSec } = await buildDatabase(n, unitsPerPo);
  process.env.IRONLEDGER_SECRET_KEY = fixture.secret;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-scan-"));
  const file = path.join(dir, "bench.db");
  copyFileSync(template, file);
  const auth = { authorization: `Bearer ${fixture.token}` };
  const app = await startApp(`file:${file}`);
  log(`app pid ${app.pid} port ${app.port}`);
  let scan: TLoadResult;
  let transition: TLoadResult;
  let acknowledged = 0;
  try {
    const receipts: string[] = [];
    for (const poId of fixture.pos) {
      const r = await fetch(`http://127.0.0.1:${app.port}/api/v1/receipts`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ poId, binId: fixture.binId }) });
      if (r.status !== 201) throw new Error(`POST /receipts answered ${r.status}: ${await r.text()}`);
      receipts.push(((await r.json()) as { id: string }).id);
    }
    const counters = new Array<number>(SCANNERS).fill(0);
    const run = Date.now().toString(36);
    scan = await runLoad({
      port: app.port,
      concurrency: SCANNERS,
      durationMs: seconds * 1000,
      next: (c) => {
        const k = counters[c]++;
        return { method: "POST", path: `/api/v1/receipts/${receipts[c]}/scans`, headers: auth, body: JSON.stringify({ code: `SCAN-${run}-${c}-${k}`, clientScanId: `bench-${run}-${c}-${k}` }) };
      },
      ok: (status, body) => {
        const good = status === 200 && body.includes('"outcome":"received"');
        if (good) acknowledged++;
        return good;
      },
    });
    log(`scan c${SCANNERS}: ${brief(scan)}`);
    // the baseline: one lifecycle transition per request (IN_SERVICE ⇄ QUARANTINE), same concurrency, same app
    const per = Math.floor(fixture.transitionPool.length / SCANNERS);
    const state = new Map<string, string>();
    const cursor = new Array<number>(SCANNERS).fill(0);
    const pending = new Map<number, string>();
    transition = await runLoad({
      port: app.port,
      concurrency: SCANNERS,
      durationMs: seconds * 1000,
      next: (c) => {
        const id = fixture.transitionPool[c * per + (cursor[c]++ % per)]!;
        pending.set(c, id);
        const to = state.get(id) === "QUARANTINE" ? "IN_SERVICE" : "QUARANTINE";
        return { method: "POST", path: `/api/v1/assets/${id}/transitions`, headers: auth, body: JSON.stringify({ to }) };
      },
      ok: (status, body, c) => {
        if (status !== 200) return false;
        state.set(pending.get(c)!, (JSON.parse(body) as { to: string }).to);
        return true;
      },
    });
    log(`transition c${SCANNERS} (baseline): ${brief(transition)}`);
  } finally {
    await app.stop();
  }
  const raw = openRawSqlite(file);
  const received = (raw.prepare(`SELECT COUNT(*) AS n FROM "Asset" WHERE serial LIKE 'SCAN-%' AND status = 'RECEIVED'`).get() as { n: number }).n;
  const scans = (raw.prepare(`SELECT COUNT(*) AS n FROM "ReceiptScan" WHERE outcome = 'received'`).get() as { n: number }).n;
  raw.close();
  rmSync(dir, { recursive: true, force: true });
  const results = {
    quick: opts.quick,
    assets: n,
    scanners: SCANNERS,
    seconds_per_run: seconds,
    build_s: buildSec,
    scan_c50: scan,
    acknowledged_received: acknowledged,
    db_received_assets: received,
    db_received_scans: scans,
    total_s: +((Date.now() - t0) / 1000).toFixed(1),
  };
  const baseline = { what: "one lifecycle transition (POST /api/v1/assets/{id}/transitions) at the same concurrency, same app and database; a scan does two transitions and more", transition_c50: transition };
  const targets = [
    { metric: "sqlite.scan_c50.p95_ms", target: "<= 25", actual: scan.p95_ms, met: scan.p95_ms <= 25 },
    { metric: "sqlite.scan_c50.scans_per_s", target: ">= 500", actual: scan.rps, met: scan.rps >= 500 },
    // every acknowledged scan is in the database, once (the warm-up's scans are in it too)
    { metric: "sqlite.scan.received_assets_eq_received_scans", target: "equal", actual: `${received} / ${scans}`, met: received === scans && scans >= acknowledged },
  ];
  return { results, baseline, targets };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const out = await runScanBench({ quick: process.argv.includes("--quick"), assets: arg("assets") ? Number(arg("assets")) : undefined, seconds: arg("seconds") ? Number(arg("seconds")) : undefined });
  console.log(JSON.stringify({ bench: "warehouse-scan", ...out }));
}
