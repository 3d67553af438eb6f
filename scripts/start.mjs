#!/usr/bin/env node
/**
 * npm start: migrate, ensure a first admin, build the web app if the sources
 * changed since the last build, then run the web server and the workers as
 * one process tree. Ctrl-C (SIGINT/SIGTERM) stops both.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = process.env.PORT || "3000";
const node = process.execPath;
const tsx = [path.join(root, "node_modules/tsx/dist/cli.mjs")];

function run(args, what) {
  const r = spawnSync(node, args, { stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    console.error(`npm start: ${what} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(path.join(root, "generated/sqlite/client.ts"))) run([path.join(root, "scripts/prisma.mjs"), "generate"], "generating the Prisma clients");
run([...tsx, "scripts/boot.ts"], "database migration");

// rebuild when anything the web app is built from changed
function sourceHash() {
  const h = createHash("sha256");
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!e.startsWith(".") && e !== "node_modules" && !e.endsWith(".test.ts")) walk(path.join(p, e));
    } else {
      h.update(p).update(readFileSync(p));
    }
  };
  for (const p of ["app", "server", "agents", "public", "generated", "next.config.mjs", "proxy.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"]) walk(path.join(root, p));
  return h.digest("hex");
}
const stamp = path.join(root, ".next/ironledger-source-hash");
const hash = sourceHash();
if (!existsSync(path.join(root, ".next/BUILD_ID")) || !existsSync(stamp) || readFileSync(stamp, "utf8") !== hash) {
  console.log("[build] building the web app (first start or sources changed)…");
  run([path.join(root, "node_modules/next/dist/bin/next"), "build"], "next build");
  writeFileSync(stamp, hash);
}

const children = [];
// IRONLEDGER_CPU_PROFILE_DIR=dir: each process writes a V8 CPU profile there when it stops (docs/performance.md)
const profile = process.env.IRONLEDGER_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.IRONLEDGER_CPU_PROFILE_DIR)}`] : [];
function start(name, args) {
  const child = spawn(node, [...profile, ...args], { stdio: "inherit", env: process.env });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping IronLedger`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}
let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

start("web", [path.join(root, "scripts/web-server.mjs"), port, process.env.IRONLEDGER_HOST || "0.0.0.0"]);
start("workers", [...tsx, "workers/main.ts"]);
const db = process.env.DATABASE_URL?.startsWith("postgres") ? "PostgreSQL" : `SQLite (${process.env.DATABASE_URL ?? "file:./data/ironledger.db"})`;
console.log(`\n  IronLedger is starting on http://localhost:${port}  (database: ${db})\n  Sign in as "admin" (password: IRONLEDGER_ADMIN_PASSWORD, or the one printed above on first start).\n`);
