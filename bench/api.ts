/**
 * npm run bench:api — the HTTP API hot paths, measured from outside, side by
 * side with the bare platform, in one run (docs/performance.md):
 *
 *   IronLedger   the built app started as `npm start` starts it (scripts/start.mjs:
 *                migrate, build if needed, web server + workers)
 *   baseline     bench/baseline-server.mjs: node:http + the driver + hand-written
 *                SQL doing the same work, on the same database file
 *   via Next.js  the same app with IRONLEDGER_API_DISPATCH=next: the APIs through
 *                the Next.js route handlers, as before the dispatcher (the "before")
 *
 * Load: bench/load.ts on loopback, keep-alive, closed loop.
 *   - lookup by serial (GET /api/v1/assets/lookup?code=SERIAL), concurrency 1 and 50
 *   - lifecycle transition (POST /api/v1/assets/{id}/transitions), concurrency 20
 *   - agent ingest (POST /api/agent/v1/observations, batches of 100 probes as agents send them:
 *     FRU, 30 sensors, SEL, firmware; bench/ingest-payload.ts), observations/s
 * on SQLite with 1 M assets (the database is built once with raw inserts and
 * kept under bench/.cache/, gitignored), and lookup + transition on PostgreSQL
 * (a throwaway server, tests/harness/postgres.ts) against a `pg` baseline.
 *
 * Options: --quick (20,000 assets, shorter runs), --assets=N, --pg-assets=N,
 * --no-pg, --no-next (skip the via-Next.js runs), --seconds=S (per run).
 * Ends with one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { openRawPg, openRawSqlite, type TRawSqlite } from "../server/db/admin";
import { freePort, startPostgres, type TPostgres } from "../tests/harness/postgres";
import { runLoad, type TLoadResult } from "./load";
import { probeBatch, serialOf } from "./ingest-payload";

const root = path.resolve(import.meta.dirname, "..");
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const flag = (name: string) => process.argv.includes(`--${name}`);
const QUICK = flag("quick");
const N = Number(arg("assets") ?? (QUICK ? 20_000 : 1_000_000));
const N_PG = Number(arg("pg-assets") ?? (QUICK ? 20_000 : 100_000));
const SECONDS = Number(arg("seconds") ?? (QUICK ? 3 : 8));
const WITH_PG = !flag("no-pg");
const WITH_NEXT = !flag("no-next");
const CACHE = path.join(root, "bench/.cache");
const log = (s: string) => process.stderr.write(`[bench:api] ${s}\n`);
// the app and this process share the key, so the chains written here verify there
process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const ASSET_STATUSES = ["PLANNED", "ORDERED", "IN_TRANSIT", "RECEIVED", "BURN_IN", "READY_TO_RACK", "RACKED", "CABLED", "SAT", "IN_SERVICE", "DECOMMISSIONING", "SANITIZED", "FAILED", "RMA"];
const id = () => `c${randomBytes(12).toString("hex")}`;
let seed = 7;
const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const ENDPOINTS = 1000;

interface TFixture {
  token: string;
  agentToken: string;
  endpoints: string[];
}

// ---------------------------------------------------------------- database

/** Users, the API token and the agent through the services (so the audit chain is real), the bulk by raw SQL. */
async function seedThroughServices(url: string): Promise<{ token: string; agentToken: string }> {
  const { createDatabase, tuneDatabase } = await import("../server/db/client");
  const { systemClock } = await import("../server/context");
  const { createUser, createApiToken } = await import("../server/domains/users/service");
  const { createAgent } = await import("../server/domains/bmc/service");
  const database = createDatabase(url);
  await tuneDatabase(database);
  const deps = { db: database.db, provider: database.provider, clock: systemClock } as never;
  const system = { type: "system", id: "bench", name: "bench", role: "admin" } as const;
  const u = await createUser(deps, system as never, { username: "bench", displayName: "Bench", role: "admin", password: "bench password 123" });
  const owner = { type: "user", id: u.id, name: "Bench", role: "admin" } as const;
  const token = (await createApiToken(deps, owner as never, { name: "bench", role: "admin" })).token;
  const agentToken = (await createAgent(deps, owner as never, { name: "bench-agent" } as never)).token;
  await database.close();
  return { token, agentToken };
}

interface TBulkWriter {
  many(table: string, cols: string[], rows: unknown[][]): Promise<void>;
}

async function bulkCatalog(w: TBulkWriter, n: number, agentId: string): Promise<string[]> {
  const now = new Date().toISOString();
  const mfs = ["Dell", "HPE", "Lenovo", "Supermicro", "Arista"].map((name) => ({ id: id(), name }));
  const models: { id: string; mf: string }[] = [];
  await w.many("Manufacturer", ["id", "name", "createdAt"], mfs.map((m) => [m.id, m.name, now]));
  const modelRows: unknown[][] = [];
  for (const m of mfs)
    for (let k = 0; k < 4; k++) {
      const mid = id();
      models.push({ id: mid, mf: m.id });
      modelRows.push([mid, m.id, `${m.name} model ${k}`, k < 3 ? "SERVER" : "SWITCH", `${m.name.slice(0, 3).toUpperCase()}-${k}`, 1 + (k % 2), 500, now, now]);
    }
  await w.many("HardwareModel", ["id", "manufacturerId", "name", "kind", "partNumber", "heightU", "nominalPowerW", "createdAt", "updatedAt"], modelRows);
  const racks: string[] = [];
  const locRows: unknown[][] = [];
  for (let s = 0; s < 2; s++) {
    const site = id();
    locRows.push([site, "SITE", `S${s}`, `Site ${s}`, `S${s}`, null, null, null, now, now]);
    for (let r = 0; r < 4; r++) {
      const room = id();
      locRows.push([room, "ROOM", `H${r}`, `Hall ${r}`, `S${s} / H${r}`, site, site, null, now, now]);
      for (let k = 0; k < 100; k++) {
        const rack = id();
        racks.push(rack);
        locRows.push([rack, "RACK", `R${k}`, `Rack ${k}`, `S${s} / H${r} / R${k}`, room, site, 42, now, now]);
      }
    }
  }
  await w.many("Location", ["id", "kind", "code", "name", "path", "parentId", "siteId", "heightU", "createdAt", "updatedAt"], locRows);
  const base = Date.now() - 3 * 365 * 86_400_000;
  const cols = ["id", "serial", "manufacturerId", "modelId", "assetTag", "status", "locationId", "version", "createdAt", "updatedAt"];
  const endpointAssets: string[] = [];
  const BATCH = 5000;
  for (let start = 0; start < n; start += BATCH) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const m = models[Math.floor(rnd() * models.length)]!;
      const status = ASSET_STATUSES[Math.floor(rnd() * ASSET_STATUSES.length)]!;
      const created = base + Math.floor(rnd() * 3 * 365 * 86_400_000);
      const aid = id();
      if (i < ENDPOINTS) endpointAssets.push(aid);
      rows.push([aid, serialOf(i), m.mf, m.id, `IL-${String(i).padStart(8, "0")}`, status, racks[Math.floor(rnd() * racks.length)]!, 0, new Date(created).toISOString(), new Date(created + Math.floor(rnd() * 30 * 86_400_000)).toISOString()]);
    }
    await w.many("Asset", cols, rows);
    if (start % 200_000 === 0 && start) log(`  ${start.toLocaleString()} assets`);
  }
  const endpoints = endpointAssets.map(() => id());
  await w.many(
    "BmcEndpoint",
    ["id", "assetId", "agentId", "protocol", "address", "username", "passwordEnc", "intervalSec", "allowCipherZero", "createdAt", "updatedAt"],
    endpointAssets.map((a, i) => [endpoints[i], a, agentId, "ipmi", `10.9.${i >> 8}.${i & 255}`, "bench", "-", 300, false, now, now]),
  );
  return endpoints;
}

async function sqliteDatabase(): Promise<{ file: string; fixture: TFixture; buildSec: number | null; dir: string }> {
  const { migrate } = await import("../server/db/migrate");
  mkdirSync(CACHE, { recursive: true });
  const template = path.join(CACHE, `api-sqlite-${N}.db`);
  const meta = `${template}.json`;
  let buildSec: number | null = null;
  if (!existsSync(template) || !existsSync(meta)) {
    const t0 = Date.now();
    log(`building the SQLite database with ${N.toLocaleString()} assets (once; cached in bench/.cache/)`);
    rmSync(template, { force: true });
    const url = `file:${template}`;
    await migrate(url);
    const { token, agentToken } = await seedThroughServices(url);
    const raw = openRawSqlite(template);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = OFF");
    const agentId = (raw.prepare(`SELECT id FROM "Agent" LIMIT 1`).get() as { id: string }).id;
    // bulk load without the Asset indexes, then build them once (sorted builds beat 1 M random inserts)
    const ix = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Asset' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
    for (const i of ix) raw.exec(`DROP INDEX "${i.name}"`);
    const stmts = new Map<string, ReturnType<TRawSqlite["prepare"]>>();
    const endpoints = await bulkCatalog(
      {
        async many(table, cols, rows) {
          const key = `${table}:${cols.join(",")}`;
          if (!stmts.has(key)) stmts.set(key, raw.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`));
          const st = stmts.get(key)!;
          raw.transaction(() => {
            for (const r of rows) st.run(r.map((v) => (typeof v === "boolean" ? Number(v) : v)));
          })();
        },
      },
      N,
      agentId,
    );
    log("building the asset indexes");
    for (const i of ix) raw.exec(i.sql);
    raw.exec("ANALYZE");
    raw.pragma("wal_checkpoint(TRUNCATE)");
    raw.close();
    buildSec = (Date.now() - t0) / 1000;
    writeFileSync(meta, JSON.stringify({ token, agentToken, endpoints, secret: process.env.IRONLEDGER_SECRET_KEY }));
    log(`built in ${buildSec.toFixed(1)} s`);
  }
  const m = JSON.parse(readFileSync(meta, "utf8"));
  // the chains are keyed with the secret: a cached database is used with the key it was built with
  process.env.IRONLEDGER_SECRET_KEY = m.secret;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-api-"));
  const file = path.join(dir, "bench.db");
  copyFileSync(template, file);
  log(`working copy: ${(statSync(file).size / 1e6).toFixed(0)} MB`);
  return { file, fixture: { token: m.token, agentToken: m.agentToken, endpoints: m.endpoints }, buildSec, dir };
}

async function postgresDatabase(pgServer: TPostgres): Promise<{ url: string; fixture: TFixture; buildSec: number }> {
  const { createPgDatabase } = await import("../server/db/admin");
  const { migrate } = await import("../server/db/migrate");
  const t0 = Date.now();
  const url = await createPgDatabase(pgServer.url, `bench_api_${randomBytes(3).toString("hex")}`);
  await migrate(url);
  const { token, agentToken } = await seedThroughServices(url);
  const client = openRawPg(url);
  await client.connect();
  const agentId = (await client.query(`SELECT id FROM "Agent" LIMIT 1`)).rows[0].id as string;
  const endpoints = await bulkCatalog(
    {
      async many(table, cols, rows) {
        for (let s = 0; s < rows.length; s += 1000) {
          const chunk = rows.slice(s, s + 1000);
          const values: unknown[] = [];
          const tuples = chunk.map((r) => `(${r.map((v) => (values.push(v), `$${values.length}`)).join(", ")})`);
          await client.query(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
        }
      },
    },
    N_PG,
    agentId,
  );
  await client.query("ANALYZE");
  await client.end();
  return { url, fixture: { token, agentToken, endpoints }, buildSec: (Date.now() - t0) / 1000 };
}

// ---------------------------------------------------------------- servers

interface TServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
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

async function startBaseline(url: string): Promise<TServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "bench/baseline-server.mjs"), url, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
    child.once("exit", (c) => reject(new Error(`baseline server exited (${c})`)));
  });
  return { port, pid: child.pid!, stop: stopper(child) };
}

async function startApp(url: string, dispatch: "node" | "next"): Promise<TServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-data-"));
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      IRONLEDGER_HOST: "127.0.0.1",
      IRONLEDGER_DATA_DIR: dataDir,
      IRONLEDGER_ADMIN_PASSWORD: "bench admin password",
      NODE_ENV: "production",
      ...(dispatch === "next" ? { IRONLEDGER_API_DISPATCH: "next" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-4000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-4000)));
  const deadline = Date.now() + 15 * 60_000; // a first start builds the app
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (r.status === 200) break;
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

// ---------------------------------------------------------------- workloads

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function lookup(port: number, token: string, concurrency: number, n: number): Promise<TLoadResult> {
  return runLoad({
    port,
    concurrency,
    durationMs: SECONDS * 1000,
    next: () => ({ method: "GET", path: `/api/v1/assets/lookup?code=${serialOf(Math.floor(rnd() * n))}`, headers: auth(token) }),
    ok: (status, body) => status === 200 && body.includes('"items":[{'),
  });
}

interface TPoolAsset {
  id: string;
  status: string;
  held: string | null;
}

/** Each client owns its own assets and moves them into QUARANTINE and back (every role-free move exists from every status). */
async function transitions(port: number, token: string, concurrency: number, assets: TPoolAsset[]): Promise<TLoadResult> {
  const per = Math.floor(assets.length / concurrency);
  const cursor = new Array<number>(concurrency).fill(0);
  const pending = new Map<number, TPoolAsset>();
  return runLoad({
    port,
    concurrency,
    durationMs: SECONDS * 1000,
    next: (c) => {
      const a = assets[c * per + (cursor[c]++ % per)]!;
      pending.set(c, a);
      const to = a.status === "QUARANTINE" ? a.held! : "QUARANTINE";
      return { method: "POST", path: `/api/v1/assets/${a.id}/transitions`, headers: auth(token), body: JSON.stringify({ to }) };
    },
    ok: (status, body, c) => {
      const a = pending.get(c)!;
      if (status !== 200) return false;
      const r = JSON.parse(body) as { to: string; from: string };
      a.held = r.to === "QUARANTINE" ? r.from : null;
      a.status = r.to;
      return true;
    },
  });
}

async function ingest(port: number, f: TFixture, concurrency: number): Promise<TLoadResult & { observations_per_s: number; sensor_readings_per_s: number }> {
  let offset = 0;
  const r = await runLoad({
    port,
    concurrency,
    durationMs: SECONDS * 1000,
    next: () => {
      offset += 100;
      return { method: "POST", path: "/api/agent/v1/observations", headers: auth(f.agentToken), body: JSON.stringify(probeBatch(f.endpoints, offset, new Date(Date.now() - 1000).toISOString())) };
    },
    ok: (status, body) => status === 200 && body.includes('"accepted":100'),
  });
  // one observation = one bmc.probe with 30 sensor readings (bench/ingest-payload.ts)
  return { ...r, observations_per_s: +(r.rps * 100).toFixed(0), sensor_readings_per_s: +(r.rps * 100 * 30).toFixed(0) };
}

function poolFromSqlite(file: string, count: number): TPoolAsset[] {
  const raw = openRawSqlite(file);
  const rows = raw.prepare(`SELECT id, status, heldStatus AS held FROM "Asset" WHERE status <> 'DISPOSED' AND rowid > 5000 LIMIT ?`).all(count) as TPoolAsset[];
  raw.close();
  return rows;
}
async function poolFromPg(url: string, count: number): Promise<TPoolAsset[]> {
  const c = openRawPg(url);
  await c.connect();
  const rows = (await c.query(`SELECT id, status, "heldStatus" AS held FROM "Asset" WHERE status <> 'DISPOSED' ORDER BY "createdAt" LIMIT $1 OFFSET 5000`, [count])).rows as TPoolAsset[];
  await c.end();
  return rows;
}

const brief = (r: TLoadResult) => `${r.rps}/s p50 ${r.p50_ms} p95 ${r.p95_ms} p99 ${r.p99_ms}${Object.keys(r.errors).length ? ` errors ${JSON.stringify(r.errors)}` : ""}`;

async function measure(dbLabel: string, url: string, n: number, f: TFixture, pool: () => Promise<TPoolAsset[]>, withIngest: boolean) {
  const out: Record<string, Record<string, unknown>> = { lookup_c1: {}, lookup_c50: {}, transition_c20: {} };
  const baseline = await startBaseline(url);
  const app = await startApp(url, "node");
  log(`${dbLabel}: app pid ${app.pid} port ${app.port}, baseline pid ${baseline.pid} port ${baseline.port}`);
  try {
    // warm both (JIT, caches, the database pages)
    await lookup(app.port, f.token, 4, n);
    await lookup(baseline.port, f.token, 4, n);
    for (const [name, c] of [["lookup_c1", 1], ["lookup_c50", 50]] as const) {
      out[name]!.baseline = await lookup(baseline.port, f.token, c, n);
      log(`${dbLabel} ${name} baseline: ${brief(out[name]!.baseline as TLoadResult)}`);
      out[name]!.ours = await lookup(app.port, f.token, c, n);
      log(`${dbLabel} ${name} ours:     ${brief(out[name]!.ours as TLoadResult)}, load ${os.loadavg()[0]!.toFixed(1)}`);
    }
    out.transition_c20!.baseline = await transitions(baseline.port, f.token, 20, await pool());
    log(`${dbLabel} transition_c20 baseline: ${brief(out.transition_c20!.baseline as TLoadResult)}`);
    out.transition_c20!.ours = await transitions(app.port, f.token, 20, await pool());
    log(`${dbLabel} transition_c20 ours:     ${brief(out.transition_c20!.ours as TLoadResult)}`);
    if (withIngest) {
      out.ingest_batch100 = { ours: await ingest(app.port, f, 4) };
      const r = out.ingest_batch100.ours as TLoadResult & { observations_per_s: number };
      log(`${dbLabel} ingest: ${r.observations_per_s} observations/s (${brief(r)}), load ${os.loadavg()[0]!.toFixed(1)}`);
    }
  } finally {
    await app.stop();
    await baseline.stop();
  }
  if (WITH_NEXT) {
    const viaNext = await startApp(url, "next");
    try {
      await lookup(viaNext.port, f.token, 4, n);
      for (const [name, c] of [["lookup_c1", 1], ["lookup_c50", 50]] as const) {
        out[name]!.via_next = await lookup(viaNext.port, f.token, c, n);
        log(`${dbLabel} ${name} via Next.js: ${brief(out[name]!.via_next as TLoadResult)}`);
      }
      out.transition_c20!.via_next = await transitions(viaNext.port, f.token, 20, await pool());
      log(`${dbLabel} transition_c20 via Next.js: ${brief(out.transition_c20!.via_next as TLoadResult)}`);
    } finally {
      await viaNext.stop();
    }
  }
  return out;
}

// ---------------------------------------------------------------- run

const t0 = Date.now();
const results: Record<string, unknown> = { quick: QUICK, seconds_per_run: SECONDS, load_average_at_start: os.loadavg().map((l) => +l.toFixed(2)) };
const targets: { metric: string; target: string; actual: number; met: boolean }[] = [];
const ratioTargets = (label: string, r: Record<string, Record<string, unknown>>) => {
  const x = (k: string, who: string) => r[k]![who] as TLoadResult;
  for (const k of ["lookup_c1", "lookup_c50"]) {
    const v = +(x(k, "ours").rps / x(k, "baseline").rps).toFixed(3);
    targets.push({ metric: `${label}.${k}.rps_vs_baseline`, target: ">= 0.333", actual: v, met: v >= 1 / 3 });
  }
  const p = +(x("lookup_c50", "ours").p95_ms / x("lookup_c50", "baseline").p95_ms).toFixed(3);
  targets.push({ metric: `${label}.lookup_c50.p95_vs_baseline`, target: "<= 3", actual: p, met: p <= 3 });
  const t = +(x("transition_c20", "ours").rps / x("transition_c20", "baseline").rps).toFixed(3);
  targets.push({ metric: `${label}.transition_c20.rps_vs_baseline`, target: ">= 0.333", actual: t, met: t >= 1 / 3 });
};

const sq = await sqliteDatabase();
try {
  results.sqlite = { assets: N, build_s: sq.buildSec, ...(await measure("sqlite", `file:${sq.file}`, N, sq.fixture, async () => poolFromSqlite(sq.file, 20 * 40), true)) };
  const s = results.sqlite as Record<string, Record<string, unknown>>;
  ratioTargets("sqlite", s);
  const ing = (s.ingest_batch100!.ours as { observations_per_s: number }).observations_per_s;
  targets.push({ metric: "sqlite.ingest_batch100.observations_per_s", target: ">= 20000", actual: ing, met: ing >= 20_000 });
} finally {
  rmSync(sq.dir, { recursive: true, force: true });
}

if (WITH_PG) {
  const server = await startPostgres();
  try {
    const pgdb = await postgresDatabase(server);
    log(`postgresql: ${N_PG.toLocaleString()} assets loaded in ${pgdb.buildSec.toFixed(1)} s`);
    results.postgresql = { assets: N_PG, build_s: pgdb.buildSec, ...(await measure("postgresql", pgdb.url, N_PG, pgdb.fixture, () => poolFromPg(pgdb.url, 20 * 40), false)) };
    ratioTargets("postgresql", results.postgresql as Record<string, Record<string, unknown>>);
  } finally {
    await server.stop();
  }
}
results.total_s = +((Date.now() - t0) / 1000).toFixed(1);
results.load_average_at_end = os.loadavg().map((l) => +l.toFixed(2));
console.log(JSON.stringify({ bench: "api", results, baseline: "bench/baseline-server.mjs: node:http + better-sqlite3 / pg, hand-written SQL, same database, same run", targets }));
