#!/usr/bin/env bash
# Installs the Debian packages IronLedger's tests need when they are missing
# (chromium for browser journeys, postgresql 15, openipmi/ipmitool/freeipmi for
# BMC simulators and reference clients). Debian packages only: nothing is
# downloaded from anywhere else. As root it installs; otherwise it names what
# to install and fails.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
command -v ipmi_sim >/dev/null 2>&1 || need+=(openipmi)
command -v sdrcomp >/dev/null 2>&1 || need+=(openipmi)
command -v ipmitool >/dev/null 2>&1 || need+=(ipmitool)
command -v ipmi-sensors >/dev/null 2>&1 || need+=(freeipmi-tools)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: run as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "[setup] installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y "${need[@]}" >/tmp/ironledger-apt.log 2>&1 || {
  apt-get update >>/tmp/ironledger-apt.log 2>&1
  apt-get install -y "${need[@]}" >>/tmp/ironledger-apt.log 2>&1 || { tail -20 /tmp/ironledger-apt.log >&2; echo "apt-get install ${need[*]} failed (log: /tmp/ironledger-apt.log)" >&2; exit 1; }
}
# Debian starts a postgresql cluster on install; tests run their own private servers
if command -v pg_ctlcluster >/dev/null 2>&1 && [[ " ${need[*]} " == *" postgresql "* ]]; then
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
