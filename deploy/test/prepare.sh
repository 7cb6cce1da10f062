#!/usr/bin/env bash
# Starts or installs what the test suite needs on a fresh Debian machine, then returns: the
# PostgreSQL server at 127.0.0.1:5432 (trust auth, database test), gcc (a fake libnvidia-ml is
# compiled by the meter's tests), Prometheus with promtool, a headless Chromium, and PyTorch for the
# CPU (python3-torch) for the PyTorch example's test.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=""
command -v gcc >/dev/null || packages="$packages gcc libc6-dev"
{ command -v prometheus && command -v promtool; } >/dev/null || packages="$packages prometheus"
command -v chromium >/dev/null || packages="$packages chromium"
command -v pg_ctlcluster >/dev/null || packages="$packages postgresql"
# The PyTorch 3DGAN example's test runs it on the CPU with Debian's torch (PyPI is not reachable).
/usr/bin/python3 -c 'import torch' 2>/dev/null || packages="$packages python3-torch"
if [ -n "$packages" ]; then
  echo "Installing the test suite's packages:$packages" >&2
  as_root apt-get update -q
  # shellcheck disable=SC2086 # one word per package
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -yq --no-install-recommends $packages
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "Starting PostgreSQL..." >&2
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
# The tests connect as postgres to the database test, without a password.
if ! psql -w -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
  echo "Creating the database test with trust auth on 127.0.0.1..." >&2
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! as_root grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
  as_root su postgres -c "createdb test" 2>/dev/null || true
fi
