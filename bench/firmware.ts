/**
 * npm run bench:firmware — firmware at fleet size, on SQLite and PostgreSQL, server time (service calls as
 * the API makes them):
 *
 *   drift      drift and lag recomputed for 100 k assets × 12 components (firmware.drift over everything,
 *              and the firmware-lag KPI over the in-service ones), p50/p95 of 3 runs each
 *   fleet      the fleet view by model/component (firmware.fleet for one model, and for the whole fleet), p50/p95
 *   hbom       a CycloneDX hardware BOM for 10,000 assets (their firmware as observed), once warm
 *
 * Baselines: 10 models × 12 components, 6 releases each (one blocked), through the service. Assets and the
 * observed inventory are multi-row inserts (the firmware.inventory job's output, without its history).
 * Options: --assets=N (default 100000), --no-pg. Ends with one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, tuneDatabase, type TDatabase } from "../server/db/client";
import { createPgDatabase } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { SYSTEM_ACTOR, systemClock, type TDeps } from "../server/context";
import { createManufacturer, createModel } from "../server/domains/catalog/service";
import { createLocation } from "../server/domains/locations/service";
import { assetsForBom } from "../server/domains/assets/service";
import { buildHbom, drift, firmwareLag, fleet, saveBaseline } from "../server/domains/firmware/service";
import { startPostgres } from "../tests/harness/postgres";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const ASSETS = Number(arg("assets") ?? 100_000);
const WITH_PG = !process.argv.includes("--no-pg");
const MODELS = 10;
const COMPONENTS = ["BMC", "BIOS", "CPLD", "NIC 1", "NIC 2", "RAID", "Drive 0", "Drive 1", "PSU 1", "PSU 2", "Backplane", "TPM"];
const RELEASES = 6;
const HBOM_ASSETS = Math.min(10_000, ASSETS);
const log = (s: string) => process.stderr.write(`[bench:firmware] ${s}\n`);

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
}
async function time(fn: () => Promise<unknown>) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
async function sample(n: number, fn: () => Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await time(fn));
  return { p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), n };
}

/** Multi-row INSERTs with parameters, in batches (both providers). */
async function insertMany(database: TDatabase, table: string, cols: string[], rows: unknown[][]) {
  const pg = database.provider === "postgresql";
  const per = Math.floor(30_000 / cols.length / 10) * 10; // under both parameter limits
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    let n = 0;
    const values = chunk.map(() => `(${cols.map(() => (pg ? `$${++n}` : "?")).join(", ")})`).join(", ");
    await database.db.$executeRawUnsafe(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES ${values}`, ...chunk.flat());
  }
}

const version = (k: number) => `${2 + Math.floor(k / 3)}.${(k % 3) * 10}.${k}`;

async function benchOne(provider: "sqlite" | "postgresql", url: string) {
  await migrate(url);
  const database = createDatabase(url);
  await tuneDatabase(database);
  const deps: TDeps = { db: database.db, provider, clock: systemClock };
  const t0 = Date.now();
  const mf = await createManufacturer(deps, SYSTEM_ACTOR, { name: "BenchCo" });
  const models: string[] = [];
  for (let m = 0; m < MODELS; m++) models.push((await createModel(deps, SYSTEM_ACTOR, { manufacturerId: mf.id, name: `Server ${m}`, kind: "SERVER", partNumber: `BS-${m}`, heightU: 1 })).id);
  const site = await createLocation(deps, SYSTEM_ACTOR, { kind: "SITE", code: "BENCH", name: "Bench site" });
  const room = await createLocation(deps, SYSTEM_ACTOR, { kind: "ROOM", code: "H", name: "Hall", parentId: site.id });
  const racks: string[] = [];
  for (let r = 0; r < 20; r++) racks.push((await createLocation(deps, SYSTEM_ACTOR, { kind: "RACK", code: `R${r}`, name: `Rack ${r}`, parentId: room.id, heightU: 42 })).id);
  for (const modelId of models)
    for (const component of COMPONENTS)
      await saveBaseline(deps, SYSTEM_ACTOR, { modelId, component, matchRule: "EXACT", releases: Array.from({ length: RELEASES }, (_, k) => ({ version: version(k), status: k === 2 ? ("BLOCKED" as const) : ("APPROVED" as const) })) });
  const now = new Date();
  const assets: unknown[][] = [];
  const observed: unknown[][] = [];
  for (let i = 0; i < ASSETS; i++) {
    const id = `bfa${String(i).padStart(8, "0")}`;
    assets.push([id, `BF${String(i).padStart(8, "0")}`, mf.id, models[i % MODELS], i % 10 === 0 ? "SAT" : "IN_SERVICE", racks[i % racks.length], now]);
    COMPONENTS.forEach((c, k) => {
      // mostly recent releases, some behind, a few blocked or unknown builds
      const h = (i * 31 + k * 7) % 100;
      const v = h < 2 ? `${version(RELEASES - 1)}-custom` : version(h < 50 ? RELEASES - 1 : h < 75 ? RELEASES - 2 : h < 85 ? 2 : h < 95 ? 1 : 0);
      observed.push([`bfo${String(i * COMPONENTS.length + k).padStart(9, "0")}`, id, c, v, "redfish.FirmwareInventory", now, now, "bench"]);
    });
  }
  await insertMany(database, "Asset", ["id", "serial", "manufacturerId", "modelId", "status", "locationId", "updatedAt"], assets);
  await insertMany(database, "FirmwareObserved", ["id", "assetId", "component", "version", "source", "firstSeenAt", "lastSeenAt", "observationId"], observed);
  if (provider === "postgresql") await database.db.$executeRawUnsafe(`VACUUM ANALYZE`);
  else await database.db.$executeRawUnsafe(`ANALYZE`);
  const loadSec = +((Date.now() - t0) / 1000).toFixed(1);
  log(`${provider}: ${ASSETS.toLocaleString()} assets × ${COMPONENTS.length} components loaded in ${loadSec} s`);

  let total = 0;
  await drift(deps, { take: 50 }); // warm
  const driftAll = await sample(3, async () => {
    total = (await drift(deps, { take: 50 })).total;
  });
  const lag = await sample(3, () => firmwareLag(deps, {}));
  await fleet(deps, { modelId: models[0] });
  const fleetModel = await sample(20, () => fleet(deps, { modelId: models[0] }));
  const fleetAll = await sample(5, () => fleet(deps, {}));
  const hbomAssets = (await assetsForBom(database.db, { all: true })).slice(0, HBOM_ASSETS);
  await buildHbom(deps, hbomAssets.slice(0, 100), { name: "warm", kind: "fleet" });
  let bytes = 0;
  const hbomMs = await time(async () => {
    bytes = (await buildHbom(deps, hbomAssets, { name: "Fleet", kind: "fleet" })).length;
  });
  await database.close();
  log(`${provider}: drift p95 ${driftAll.p95_ms} ms over ${total.toLocaleString()} rows, lag p95 ${lag.p95_ms} ms, fleet/model p95 ${fleetModel.p95_ms} ms, fleet p95 ${fleetAll.p95_ms} ms, HBOM ${Math.round(hbomMs)} ms (${(bytes / 1e6).toFixed(1)} MB)`);
  return { provider, assets: ASSETS, components: COMPONENTS.length, driftRows: total, loadSec, drift: driftAll, lag, fleetModel, fleetAll, hbom: { assets: hbomAssets.length, ms: Math.round(hbomMs), mb: +(bytes / 1e6).toFixed(1) } };
}

const results: Awaited<ReturnType<typeof benchOne>>[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-firmware-"));
try {
  results.push(await benchOne("sqlite", `file:${path.join(dir, "bench.db")}`));
  if (WITH_PG) {
    const pg = await startPostgres();
    try {
      results.push(await benchOne("postgresql", await createPgDatabase(pg.url, "il_bench_firmware")));
    } finally {
      await pg.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const targets = results.flatMap((r) => [
  { metric: `${r.provider}.drift.p95_ms (${r.assets} assets × ${r.components})`, target: "<= 2000", actual: r.drift.p95_ms, met: r.drift.p95_ms <= 2000 },
  { metric: `${r.provider}.lag.p95_ms`, target: "<= 2000", actual: r.lag.p95_ms, met: r.lag.p95_ms <= 2000 },
  { metric: `${r.provider}.fleetModel.p95_ms`, target: "<= 100", actual: r.fleetModel.p95_ms, met: r.fleetModel.p95_ms <= 100 },
  { metric: `${r.provider}.hbom.ms (${r.hbom.assets} assets)`, target: "<= 5000", actual: r.hbom.ms, met: r.hbom.ms <= 5000 },
]);
console.log(JSON.stringify({ bench: "firmware", results: Object.fromEntries(results.map((r) => [r.provider, r])), baseline: { load: os.loadavg().map((x) => +x.toFixed(2)), cpus: os.cpus().length }, targets }));
