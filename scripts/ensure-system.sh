#!/usr/bin/env bash
# The Debian packages an npm script needs, checked before it starts:
#
#   bash scripts/ensure-system.sh                # everything `npm test` needs
#   bash scripts/ensure-system.sh --for NAME     # what `npm run NAME` needs
#
# As root it installs what is missing with apt-get (Debian packages only:
# nothing is downloaded from anywhere else); otherwise, or with
# IRONLEDGER_NO_APT=1 (the preflight tests use it so apt never runs), it prints
# one line naming what to install and exits 1. Exit 2: unknown script name.
#
#   chromium        browser journeys (tests/harness/browser.ts)
#   postgresql      PostgreSQL 15 for the integration tests (tests/harness/postgres.ts)
#   util-linux      runuser: PostgreSQL refuses to run as root, the harness drops to `postgres`
#   openipmi        ipmi_sim and sdrcomp: the simulated BMCs
#   ipmitool        reference IPMI client the tests and bench:bmc compare with
#   freeipmi-tools  ipmi-sensors: the other reference client
#   openssl         certificates for the Redfish simulator and the agent API's TLS
#   time            /usr/bin/time: bench:bmc measures the reference clients' memory
#   poppler-utils   pdftotext, pdftoppm, pdfinfo: the procurement PDF reports are read back and rendered
#   lldpd snmpd snmp iproute2   the LLDP test network: lldpd and snmpd in network namespaces (tests/harness/lldp-net.ts)
#
# Uses bash builtins only, so it still answers with a PATH that lacks everything.
set -euo pipefail

target=test
if [ "${1:-}" = "--for" ]; then
  target="${2:-}"
elif [ $# -gt 0 ]; then
  echo "usage: bash scripts/ensure-system.sh [--for NPM_SCRIPT]" >&2
  exit 2
fi

case "$target" in
  test) want=(chromium postgresql util-linux openipmi ipmitool freeipmi-tools openssl poppler-utils lldpd snmpd snmp iproute2) ;;
  test:integration) want=(postgresql util-linux openipmi ipmitool freeipmi-tools openssl poppler-utils lldpd snmpd snmp iproute2) ;;
  test:e2e) want=(chromium postgresql util-linux openipmi openssl poppler-utils) ;;
  bench:bmc) want=(openipmi ipmitool freeipmi-tools time) ;;
  bench:lldp) want=(lldpd snmpd iproute2) ;;
  *)
    echo "ensure-system: no system packages are listed for '$target' (known: test, test:integration, test:e2e, bench:bmc, bench:lldp)" >&2
    exit 2
    ;;
esac

has() { command -v "$1" >/dev/null 2>&1; }
present() {
  case "$1" in
    chromium) [ -x /usr/bin/chromium ] ;;
    postgresql) [ -x /usr/lib/postgresql/15/bin/postgres ] ;;
    util-linux) has runuser ;;
    openipmi) has ipmi_sim && has sdrcomp ;;
    ipmitool) has ipmitool ;;
    freeipmi-tools) has ipmi-sensors ;;
    openssl) has openssl ;;
    time) [ -x /usr/bin/time ] ;;
    poppler-utils) has pdftotext && has pdftoppm && has pdfinfo ;;
    lldpd) has lldpd && has lldpcli ;;
    snmpd) has snmpd ;;
    snmp) has snmpwalk ;;
    iproute2) has ip ;;
  esac
}

need=()
for p in "${want[@]}"; do present "$p" || need+=("$p"); done
[ ${#need[@]} -eq 0 ] && exit 0

label="npm run $target"
[ "$target" = test ] && label="npm test"
if [ "${IRONLEDGER_NO_APT:-}" = 1 ] || [ "$EUID" != 0 ]; then
  why="run as root"
  [ "${IRONLEDGER_NO_APT:-}" = 1 ] && why="IRONLEDGER_NO_APT=1, so not installing"
  echo "$label needs Debian packages that are missing (${need[*]}); $why: apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "[setup] $label: installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp -t ironledger-apt.XXXXXX)"
apt-get install -y "${need[@]}" >"$log" 2>&1 || {
  apt-get update >>"$log" 2>&1 || true
  apt-get install -y "${need[@]}" >>"$log" 2>&1 || {
    tail -20 "$log" >&2 || true
    echo "$label: apt-get install -y ${need[*]} failed (log: $log)" >&2
    exit 1
  }
}
rm -f "$log"
# Debian starts a postgresql cluster on install; tests run their own private servers
if has pg_ctlcluster && [[ " ${need[*]} " == *" postgresql "* ]]; then
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
