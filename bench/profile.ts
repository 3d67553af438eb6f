/**
 * CPU profiles of the API hot paths under load (docs/performance.md):
 *
 *   npx tsx bench/profile.ts [lookup|trpc|transition|ingest|all] [--next] [--seconds=S] [--concurrency=C]
 *
 * Uses the database `npm run bench:api -- --quick` cached in bench/.cache/ (run
 * that once first), copies it, starts the web server (scripts/web-server.mjs,
 * built app) under `node --cpu-prof`, drives one workload with bench/load.ts,
 * stops the server by PID and prints where the CPU time went, by layer (self
 * time of the functions whose source is in that layer). --next sends the APIs
 * through Next.js (IRONLEDGER_API_DISPATCH=next), as before the dispatcher.
 * The .cpuprofile files stay in bench/.cache/profiles/ (open them in Chrome
 * DevTools or speedscope for the flame graph).
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openRawSqlite } from "../server/db/admin";
import { freePort } from "../tests/harness/postgres";
import { runLoad, type TLoadRequest } from "./load";
import { probeBatch } from "./ingest-payload";

const root = path.resolve(import.meta.dirname, "..");
const which = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "all";
const viaNext = process.argv.includes("--next");
const SECONDS = Number(process.argv.find((a) => a.startsWith("--seconds="))?.split("=")[1] ?? 6);
const CONCURRENCY = process.argv.find((a) => a.startsWith("--concurrency="))?.split("=")[1];
const N = 20_000;
const template = path.join(root, `bench/.cache/api-sqlite-${N}.db`);
if (!existsSync(template)) throw new Error("run `npm run bench:api -- --quick` once first: it builds the database this uses");
const meta = JSON.parse(readFileSync(`${template}.json`, "utf8")) as { token: string; agentToken: string; endpoints: string[]; secret: string };
const serialOf = (i: number) => `SN${((i * 7_919) % 1_000_003).toString(36).toUpperCase().padStart(5, "0")}${String(i).padStart(7, "0")}`;
let seed = 11;
const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;

/** Layers, matched on the function's script URL (first match wins). */
const LAYERS: [string, RegExp][] = [
  ["next.js (router, proxy, route wrapper)", /node_modules\/next\//],
  ["react (server rendering)", /node_modules\/react/],
  ["prisma client (query building, result mapping)", /node_modules\/@prisma\/client|generated\/(sqlite|postgresql)\/|query_compiler|wasm/],
  ["prisma driver adapter", /node_modules\/@prisma\/(adapter|driver-adapter)/],
  ["driver (better-sqlite3 / pg)", /node_modules\/(better-sqlite3|pg|pg-protocol|pg-pool)\//],
  ["trpc", /node_modules\/@trpc\//],
  ["superjson", /node_modules\/superjson\//],
  ["zod", /node_modules\/zod\//],
  ["tsx loader", /node_modules\/(tsx|esbuild)\//],
  ["ironledger server code", /\/server\/|\/agents\/|\.next\/server\/app\/api/],
  ["node:http, streams, undici (fetch Request/Response)", /^node:(internal\/(http|stream|streams|webstreams|deps\/undici|url|buffer|net|timers|process)|_http|http|stream|net|buffer|url)|undici/],
  ["node internals (other)", /^node:/],
];

interface TNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

/**
 * Self time per layer, counting only the samples of the measured load: `fromUs`
 * and `toUs` are its bounds as microseconds before the server was told to stop
 * (the profile ends when it exits, moments later).
 */
function summarise(file: string, fromUs: number, toUs: number): { total_ms: number; layers: Record<string, number>; top: { fn: string; ms: number }[] } {
  const p = JSON.parse(readFileSync(file, "utf8")) as { nodes: TNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const self = new Map<number, number>();
  let t = p.startTime - p.endTime;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (t >= -fromUs && t <= -toUs) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  const layers: Record<string, number> = {};
  const fns = new Map<string, number>();
  let total = 0;
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (!ms) continue;
    const { functionName, url } = n.callFrame;
    let layer = "idle / gc / native";
    if (!["(idle)", "(garbage collector)", "(program)"].includes(functionName) || url) {
      layer = LAYERS.find(([, re]) => re.test(url))?.[0] ?? (url ? "other" : `native: ${functionName || "(anonymous)"}`);
    } else if (functionName === "(garbage collector)") layer = "garbage collector";
    else if (functionName === "(program)") layer = "v8 (program)";
    if (functionName === "(idle)") continue;
    layers[layer] = (layers[layer] ?? 0) + ms;
    total += ms;
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(root, "")}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const top = [...fns].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([fn, ms]) => ({ fn, ms: +ms.toFixed(0) }));
  return { total_ms: +total.toFixed(0), layers: Object.fromEntries(Object.entries(layers).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +v.toFixed(0)])), top };
}

async function session(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-ironledger-request": "1" },
    body: JSON.stringify({ json: { username: "bench", password: "bench password 123" } }),
  });
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith("il_session="));
  if (!cookie) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return cookie.split(";")[0]!;
}

async function profile(kind: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ironledger-profile-"));
  const file = path.join(dir, "bench.db");
  copyFileSync(template, file);
  const name = `${kind}${viaNext ? "-next" : ""}${CONCURRENCY ? `-c${CONCURRENCY}` : ""}`;
  // one directory per profile: node writes one file per thread (tsx's loader runs in a worker thread)
  const out = path.join(root, "bench/.cache/profiles", name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${out}`, path.join(root, "scripts/web-server.mjs"), String(port), "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${file}`, NODE_ENV: "production", IRONLEDGER_SECRET_KEY: meta.secret, IRONLEDGER_DATA_DIR: dir, ...(viaNext ? { IRONLEDGER_API_DISPATCH: "next" } : {}) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const auth = { authorization: `Bearer ${meta.token}` };
  let next: (c: number) => TLoadRequest;
  let concurrency = 10;
  if (kind === "lookup") next = () => ({ method: "GET", path: `/api/v1/assets/lookup?code=${serialOf(Math.floor(rnd() * N))}`, headers: auth });
  else if (kind === "trpc") {
    const cookie = await session(port);
    next = () => ({ method: "GET", path: `/api/trpc/assets.byCode?input=${encodeURIComponent(JSON.stringify({ json: { code: serialOf(Math.floor(rnd() * N)) } }))}`, headers: { cookie } });
  } else if (kind === "transition") {
    const raw = openRawSqlite(file);
    const assets = raw.prepare(`SELECT id, status FROM "Asset" WHERE status NOT IN ('DISPOSED', 'QUARANTINE') LIMIT 400`).all() as { id: string; status: string }[];
    raw.close();
    const held = new Map(assets.map((a) => [a.id, a.status]));
    const quarantined = new Set<string>();
    let i = 0;
    concurrency = 1; // one request per asset at a time: every move succeeds
    next = () => {
      const a = assets[i++ % assets.length]!;
      const to = quarantined.has(a.id) ? held.get(a.id)! : "QUARANTINE";
      if (quarantined.has(a.id)) quarantined.delete(a.id);
      else quarantined.add(a.id);
      return { method: "POST", path: `/api/v1/assets/${a.id}/transitions`, headers: auth, body: JSON.stringify({ to }) };
    };
  } else {
    concurrency = 2;
    let offset = 0;
    next = () => {
      offset += 100;
      // what agents send: bench/ingest-payload.ts
      const observations = probeBatch(meta.endpoints, offset, new Date(Date.now() - 1000).toISOString()).observations;
      return { method: "POST", path: "/api/agent/v1/observations", headers: { authorization: `Bearer ${meta.agentToken}` }, body: JSON.stringify({ observations }) };
    };
  }
  if (CONCURRENCY) concurrency = Number(CONCURRENCY);
  await runLoad({ port, concurrency, durationMs: 1500, warmupMs: 0, next: next! });
  // Next.js preloads its pages for several seconds after it starts: let that finish outside the measured window
  await new Promise((r) => setTimeout(r, 8000));
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const r = await runLoad({ port, concurrency, durationMs: SECONDS * 1000, warmupMs: 0, next: next! });
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const exited = new Promise((res) => child.once("exit", res));
  const killUs = Number(process.hrtime.bigint() / 1000n);
  process.kill(child.pid!, "SIGTERM");
  await exited;
  rmSync(dir, { recursive: true, force: true });
  // the main thread's profile is the largest
  const main = readdirSync(out).sort((a, b) => statSync(path.join(out, b)).size - statSync(path.join(out, a)).size)[0]!;
  const s = summarise(path.join(out, main), killUs - fromUs, killUs - toUs);
  const perReq = (ms: number) => +((ms / Math.max(1, r.requests)) * 1000).toFixed(0);
  console.log(
    JSON.stringify(
      {
        profile: name,
        load: { concurrency, ...r },
        cpu_ms_total: s.total_ms,
        cpu_us_per_request: perReq(s.total_ms),
        layers_us_per_request: Object.fromEntries(Object.entries(s.layers).map(([k, v]) => [k, perReq(v)])),
        top_functions_ms: s.top,
      },
      null,
      1,
    ),
  );
}

for (const k of which === "all" ? ["lookup", "trpc", "transition", "ingest"] : [which]) await profile(k);
