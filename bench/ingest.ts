/**
 * Server time of one agent ingest batch, in process (docs/performance.md):
 * `ingestObservations` called directly, batch after batch, on a copy of the
 * quick SQLite database of `npm run bench:api -- --quick` (run that once first),
 * with the payload of bench/ingest-payload.ts. No HTTP, no JSON parse: what is
 * left is validation, reconciliation, the chain and the database.
 *
 * One observation is one `bmc.probe`: what an agent read from one BMC (FRU,
 * 30 sensor readings, two SEL entries, two firmware entries; ~2.8 KB of JSON).
 * The figures are given as observations/s and as sensor readings/s (×30).
 *
 *   npx tsx bench/ingest.ts [--batches=N] [--size=100]
 *   node --cpu-prof --cpu-prof-dir=bench/.cache/profiles --import tsx bench/ingest.ts
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { probeBatch } from "./ingest-payload";

const root = path.resolve(import.meta.dirname, "..");
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const BATCHES = Number(arg("batches") ?? 200);
const SIZE = Number(arg("size") ?? 100);
const SENSORS = probeBatch(["x"], 0, new Date().toISOString(), 1).observations[0]!.result.sensors.length;
const template = path.join(root, "bench/.cache/api-sqlite-20000.db");
if (!existsSync(template)) throw new Error("run `npm run bench:api -- --quick` once first: it builds the database this uses");
const meta = JSON.parse(readFileSync(`${template}.json`, "utf8")) as { agentToken: string; endpoints: string[]; secret: string };
process.env.IRONLEDGER_SECRET_KEY = meta.secret;

const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-bench-ingest-"));
const file = path.join(dir, "bench.db");
copyFileSync(template, file);
const { createDatabase, tuneDatabase } = await import("../server/db/client");
const { systemClock } = await import("../server/context");
const { agentFromToken, ingestObservations } = await import("../server/domains/bmc/agent-service");
const database = createDatabase(`file:${file}`);
await tuneDatabase(database);
const deps = { db: database.db, provider: database.provider, clock: systemClock };
try {
  const agent = (await agentFromToken(deps as never, meta.agentToken))!;
  const times: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const batch = probeBatch(meta.endpoints, b * SIZE, new Date(Date.now() - 1000).toISOString(), SIZE);
    const t0 = performance.now();
    const ack = await ingestObservations(deps as never, agent, batch);
    times.push(performance.now() - t0);
    if (ack.accepted !== SIZE) throw new Error(`batch ${b}: ${ack.accepted} accepted`);
  }
  const warm = times.slice(Math.min(20, Math.floor(BATCHES / 4))).sort((a, b) => a - b);
  const q = (p: number) => +warm[Math.min(warm.length - 1, Math.floor(p * warm.length))]!.toFixed(2);
  const mean = warm.reduce((s, x) => s + x, 0) / warm.length;
  const perS = (SIZE * 1000) / mean;
  const result = { batches: BATCHES, size: SIZE, sensors_per_observation: SENSORS, batch_ms: { mean: +mean.toFixed(2), p50: q(0.5), p95: q(0.95) }, observations_per_s: Math.round(perS), sensor_readings_per_s: Math.round(perS * SENSORS), load_average: os.loadavg().map((l) => +l.toFixed(2)) };
  process.stderr.write(`[bench:ingest] ${JSON.stringify(result)}\n`);
  console.log(
    JSON.stringify({
      bench: "ingest",
      results: result,
      baseline: "none (server time in process)",
      targets: [
        { metric: "sqlite.ingest_batch100.batch_ms_p50", target: "<= 5", actual: result.batch_ms.p50, met: result.batch_ms.p50 <= 5 },
        { metric: "sqlite.ingest_batch100.observations_per_s", target: ">= 20000", actual: result.observations_per_s, met: result.observations_per_s >= 20_000 },
      ],
    }),
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
