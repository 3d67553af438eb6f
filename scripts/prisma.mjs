#!/usr/bin/env node
// Runs `prisma generate` for both providers without Prisma's native schema
// engine (which would be downloaded: impossible in an air-gapped datacenter).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts/no-schema-engine.sh"),
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_GENERATE_SKIP_AUTOINSTALL: "1",
};
const cli = path.join(root, "node_modules/prisma/build/index.js");
const cmd = process.argv[2] ?? "generate";
if (cmd !== "generate") {
  console.error(`scripts/prisma.mjs: only "generate" is supported; migrations: npm run db:migrate / npm run db:migration -- NAME`);
  process.exit(2);
}
for (const schema of ["prisma/schema.prisma", "prisma/postgresql/schema.prisma"]) {
  if (!existsSync(path.join(root, schema))) {
    console.error(`${schema} is missing: run npm run db:derive`);
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [cli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log("generated Prisma clients for sqlite and postgresql");
