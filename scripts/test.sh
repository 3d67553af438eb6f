#!/usr/bin/env bash
# npm test — every test: typecheck, lint, schema agreement, unit, integration
# (SQLite + PostgreSQL + ipmi_sim + Redfish simulator), browser journeys.
# Installs what is missing first (Debian packages, npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CI="${CI:-true}"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "system packages"
bash scripts/ensure-system.sh
if [ ! -x node_modules/.bin/vitest ] || [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
  step "npm packages"
  npm ci --no-audit --no-fund
fi
[ -f generated/sqlite/client.ts ] && [ -f generated/postgresql/client.ts ] || node scripts/prisma.mjs generate

step "typecheck";   npx tsc --noEmit -p .
step "lint";        npx eslint --max-warnings=0 .
step "schema, derived schema and migrations agree"; npx tsx scripts/check-schema.ts
step "unit tests";  npx vitest run --project unit
step "integration tests (SQLite, PostgreSQL, BMC simulators)"; npx vitest run --project integration
build_log="$(mktemp -t ironledger-build.XXXXXX)"
step "build";       npx next build > "$build_log" 2>&1 || { tail -40 "$build_log"; echo "next build failed (log: $build_log)"; exit 1; }
rm -f "$build_log"
step "browser journeys (Chromium)"; npx vitest run --project e2e
step "all tests passed"
