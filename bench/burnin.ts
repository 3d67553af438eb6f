/**
 * npm run bench:burnin — burn-in sample storage at fleet scale, on SQLite and PostgreSQL:
 *
 *   ingest     1,000 servers × 30 sensors in soak: the agent ingest's burn-in hook (burnInIngest, one
 *              call per agent batch of 200 BMC readings, in its transaction) storing packed samples;
 *              readings (sensor values) per second, back to back
 *   board      the run board (burnin.board: 1,000 running soaks) alone, then queried while readings
 *              arrive at 20,000 a second (the target rate, paced): p50/p95, and the rate kept
 *   bytes      on disk per server-hour at a 10 s cadence: raw samples, and the per-minute series
 *
 * Options: --seconds=S (ingest duration per database, default 10), --no-pg. Ends with one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { createDatabase, tuneDatabase, type TDatabase } from "../server/db/client";
import { createPgDatabase } from "../server/db/admin";
import { migrate } from "../server/db/migrate";
import { SYSTEM_ACTOR, type TDeps } from "../server/context";
import type { TObservation } from "../server/contracts/agent";
import { createManufacturer, createModel } from "../server/domains/catalog/service";
import { board, burnInIngest, createProfile, downsampleRun } from "../server/domains/burnin/service";
import { startPostgres } from "../tests/harness/postgres";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const SECONDS = Number(arg("seconds") ?? 10);
const WITH_PG = !process.argv.includes("--no-pg");
const SERVERS = 1000;
const SENSORS = 30;
const BATCH = 200; // BMC readings per agent batch
const CADENCE_MS = 10_000;
const log = (s: string) => process.stderr.write(`[bench:burnin] ${s}\n`);
process.env.IRONLEDGER_SECRET_KEY ??= randomBytes(32).toString("base64");

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2) : null;
};
const cid = () => `c${randomBytes(12).toString("hex")}`;

async function fixture(database: TDatabase, t0: Date) {
  const clock = { now: () => new Date(t0) };
  const deps: TDeps = { db: database.db, provider: database.provider, clock };
  const m = await createManufacturer(deps, SYSTEM_ACTOR, { name: "Bench" });
  const model = await createModel(deps, SYSTEM_ACTOR, { manufacturerId: m.id, name: "B1", kind: "SERVER", partNumber: "B1", heightU: 1 });
  const profile = await createProfile(deps, SYSTEM_ACTOR, { name: "bench", family: "bench", spec: { sensorRules: [{ id: "cpu", match: { type: "temperature" }, above: 90, forSec: 300 }] } });
  const assets = Array.from({ length: SERVERS }, (_, i) => ({ id: cid(), serial: `BENCH${String(i).padStart(6, "0")}`, manufacturerId: m.id, modelId: model.id, status: "BURN_IN", createdAt: t0, updatedAt: t0 }));
  await database.db.asset.createMany({ data: assets });
  const endpoints = assets.map((a) => `ep-${a.id}`);
  const sensorIndex = JSON.stringify(Array.from({ length: SENSORS }, (_, s) => ({ name: `Sensor ${s}`, unit: s % 3 === 0 ? "degrees C" : s % 3 === 1 ? "RPM" : "Volts", type: s % 3 === 0 ? "temperature" : s % 3 === 1 ? "fan" : "voltage" })));
  const runs = assets.map((a, i) => ({ id: cid(), assetId: a.id, batchId: "bench", profileId: profile.id, endpointId: endpoints[i]!, status: "RUNNING", startedAt: t0, endsAt: new Date(t0.getTime() + 48 * 3_600_000), cadenceSec: 10, tokenHash: randomBytes(16).toString("hex"), sensorIndex, startedBy: "bench" }));
  for (let i = 0; i < runs.length; i += 250) await database.db.burnInRun.createMany({ data: runs.slice(i, i + 250) });
  return { deps, endpoints, runs };
}

function observation(endpointId: string, at: number, k: number): TObservation {
  return {
    kind: "bmc.probe",
    idempotencyKey: `bench-${endpointId}-${at}`,
    endpointId,
    observedAt: new Date(at).toISOString(),
    durationMs: 50,
    result: {
      protocol: "ipmi",
      power: "on",
      deviceId: { firmwareRevision: "1.0", manufacturerId: null, productId: null },
      guid: null,
      fru: { manufacturer: null, productName: null, productSerial: null, boardSerial: null, chassisSerial: null, assetTag: null },
      sensors: Array.from({ length: SENSORS }, (_, s) => ({ name: `Sensor ${s}`, value: s % 3 === 0 ? 40 + ((k + s) % 13) : s % 3 === 1 ? 6000 + ((k * 7 + s) % 300) : 12 + ((k + s) % 5) / 100, unit: s % 3 === 0 ? "degrees C" : s % 3 === 1 ? "RPM" : "Volts", status: "ok" as const })),
      sel: [],
      firmware: [],
    },
  };
}

async function sizeOf(database: TDatabase, table: string): Promise<number> {
  if (database.provider === "postgresql") {
    const r = await database.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT pg_total_relation_size('"${table}"') AS n`);
    return Number(r[0]!.n);
  }
  // SQLite: the pages of the table and its indexes (dbstat)
  const r = await database.db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT SUM(pgsize) AS n FROM dbstat WHERE name = '${table}' OR name LIKE 'sqlite_autoindex_${table}%'`);
  return Number(r[0]!.n ?? 0);
}

async function benchOne(provider: "sqlite" | "postgresql", url: string) {
  await migrate(url);
  const database = createDatabase(url);
  await tuneDatabase(database);
  const t0 = new Date("2026-06-01T00:00:00Z");
  const { deps, endpoints, runs } = await fixture(database, t0);
  let readings = 0;
  let assetSamples = 0;
  let round = 0;
  const ingestBatch = async () => {
    const at = t0.getTime() + Math.floor(round / (SERVERS / BATCH)) * CADENCE_MS;
    const i = (round % (SERVERS / BATCH)) * BATCH;
    const batch = endpoints.slice(i, i + BATCH).map((e) => observation(e, at, round));
    await database.db.$transaction((tx) => burnInIngest(tx, database.provider, batch), { timeout: 60_000 });
    readings += batch.length * SENSORS;
    assetSamples += batch.length;
    round++;
  };
  // 1) the most the hook stores, back to back
  log(`${provider}: ${SERVERS} running soaks; ingesting as fast as it goes for ${SECONDS / 2} s`);
  let started = performance.now();
  while (performance.now() - started < (SECONDS / 2) * 1000) await ingestBatch();
  const maxRate = Math.round(readings / ((performance.now() - started) / 1000));
  // 2) the board alone, then the board while readings arrive at the target rate (20,000 readings/s)
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await board(deps);
    idle.push(performance.now() - s);
  }
  log(`${provider}: board alone p95 ${pct(idle, 95)} ms; now ${SECONDS / 2} s at 20,000 readings/s with the board queried alongside`);
  let stop = false;
  const boardMs: number[] = [];
  const boardLoop = (async () => {
    while (!stop) {
      const s = performance.now();
      const b = await board(deps);
      boardMs.push(performance.now() - s);
      if (b.running.length !== SERVERS) throw new Error(`the board shows ${b.running.length} running soaks`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const [r0, a0] = [readings, assetSamples];
  started = performance.now();
  const perBatchMs = (BATCH * SENSORS * 1000) / 20_000;
  for (let k = 0; performance.now() - started < (SECONDS / 2) * 1000; k++) {
    await ingestBatch();
    const wait = started + (k + 1) * perBatchMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const pacedRate = Math.round((readings - r0) / ((performance.now() - started) / 1000));
  void a0;
  stop = true;
  await boardLoop;
  if (provider === "postgresql") await database.db.$executeRawUnsafe(`VACUUM ANALYZE "BurnInSample"`);
  const rawBytes = await sizeOf(database, "BurnInSample");
  // per-minute series of the runs (as the downsample job writes them)
  const dsStart = performance.now();
  for (const r of runs.slice(0, 100)) await downsampleRun(database.db, database.provider, r.id);
  const dsMs = performance.now() - dsStart;
  if (provider === "postgresql") await database.db.$executeRawUnsafe(`VACUUM ANALYZE "BurnInMinute"`);
  const minuteBytes = await sizeOf(database, "BurnInMinute");
  const minutes = await database.db.burnInMinute.count();
  const perSample = rawBytes / Math.max(1, assetSamples);
  const samplesPerHour = 3_600_000 / CADENCE_MS;
  await database.close();
  return {
    provider,
    readingsPerSec: maxRate,
    pacedReadingsPerSec: pacedRate,
    assetSamples,
    boardAlone: { p50_ms: pct(idle, 50), p95_ms: pct(idle, 95), n: idle.length },
    board: { p50_ms: pct(boardMs, 50), p95_ms: pct(boardMs, 95), n: boardMs.length },
    rawBytesPerServerHour: Math.round(perSample * samplesPerHour),
    rawBytesPerSample: Math.round(perSample),
    downsampledBytesPerServerHour: Math.round((minuteBytes / Math.max(1, minutes)) * 60),
    downsampleMsPerRun: +(dsMs / 100).toFixed(1),
  };
}

const results: Awaited<ReturnType<typeof benchOne>>[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-burnin-"));
try {
  results.push(await benchOne("sqlite", `file:${path.join(dir, "bench.db")}`));
  if (WITH_PG) {
    const pg = await startPostgres();
    try {
      results.push(await benchOne("postgresql", await createPgDatabase(pg.url, "il_bench_burnin")));
    } finally {
      await pg.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const targets = results.flatMap((r) => [
  { metric: `${r.provider}.readingsPerSec`, target: ">= 20000", actual: r.readingsPerSec, met: r.readingsPerSec >= 20_000 },
  { metric: `${r.provider}.pacedReadingsPerSec (board queried alongside)`, target: ">= 19000", actual: r.pacedReadingsPerSec, met: r.pacedReadingsPerSec >= 19_000 },
  { metric: `${r.provider}.board.p95_ms`, target: "<= 100", actual: r.board.p95_ms, met: (r.board.p95_ms ?? Infinity) <= 100 },
]);
console.log(JSON.stringify({ bench: "burnin", results: Object.fromEntries(results.map((r) => [r.provider, r])), baseline: { needed: { readingsPerSec: (SERVERS * SENSORS * 1000) / CADENCE_MS, note: "1,000 servers × 30 sensors every 10 s" } }, targets }));
