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

# typecheck and lint each keep one core busy: run them side by side, print their output in order
step "typecheck and lint (side by side)"
checks_dir="$(mktemp -d -t ironledger-checks.XXXXXX)"
npx tsc --noEmit -p . > "$checks_dir/typecheck" 2>&1 & tsc_pid=$!
npx eslint --max-warnings=0 . > "$checks_dir/lint" 2>&1 & lint_pid=$!
trap 'kill "$tsc_pid" "$lint_pid" 2>/dev/null || true' INT TERM  # interrupted: stop both, by PID
tsc_rc=0; wait "$tsc_pid" || tsc_rc=$?
lint_rc=0; wait "$lint_pid" || lint_rc=$?
step "typecheck"; cat "$checks_dir/typecheck"
step "lint";      cat "$checks_dir/lint"
trap - INT TERM
rm -rf "$checks_dir"
[ "$tsc_rc" -eq 0 ] || { echo "typecheck failed (tsc exit $tsc_rc)"; exit 1; }
[ "$lint_rc" -eq 0 ] || { echo "lint failed (eslint exit $lint_rc)"; exit 1; }
step "schema, derived schema and migrations agree"; npx tsx scripts/check-schema.ts
step "unit tests";  npx vitest run --project unit
# the browser journeys need the built app; the integration suite does not, and spends much of its time
# waiting on databases and simulators: build beside it, at a lower priority, so the build costs little
# wall time and the integration tests keep the CPU when they need it
build_log="$(mktemp -t ironledger-build.XXXXXX)"
nice -n 10 npx next build > "$build_log" 2>&1 & build_pid=$!
trap 'kill "$build_pid" 2>/dev/null || true' EXIT  # a failed or interrupted run stops the build, by PID
step "integration tests (SQLite, PostgreSQL, BMC simulators; next build beside them)"; npx vitest run --project integration
step "build (started beside the integration tests)"
build_rc=0; wait "$build_pid" || build_rc=$?
trap - EXIT
[ "$build_rc" -eq 0 ] || { tail -40 "$build_log"; echo "next build failed (exit $build_rc; log: $build_log)"; exit 1; }
rm -f "$build_log"
step "browser journeys (Chromium)"; npx vitest run --project e2e
step "all tests passed"
