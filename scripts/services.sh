#!/usr/bin/env bash
# Install and start what the full test suite needs: PostgreSQL on 127.0.0.1, Debian's chromium,
# Noto CJK fonts, poppler (pdftoppm), LibreOffice Writer (Word -> PDF) and Java (Spark engine). Used by .ci/run; run it by hand to test locally.
# Prints the export lines for the test environment on stdout's last lines.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)  # the Spark engine's tests
# LightGBM (the extraction model's trainer and its test) links the system's OpenMP runtime
ldconfig -p 2>/dev/null | grep -q "libgomp.so.1" || need+=(libgomp1)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

PGPORT="${GAODI_TEST_PGPORT:-5433}"
# The test server's files live in memory when there is room (/dev/shm, a tmpfs, at least 2 GB
# free; else /tmp): nearly every PostgreSQL test copies a database (CREATE DATABASE … TEMPLATE,
# hundreds of files made) while the last test's files are still being written out, 0.73 s a copy
# on this machine's disk and 0.02 s in memory (benchmarks/create_database.py); with the copies
# by file (tests/snapshots.py) the suite's PostgreSQL tests took 0.59 of their time. The data is
# thrown away after the run anyway.
SHM_FREE_KB="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')"
if [ -n "${GAODI_TEST_PGDIR:-}" ]; then
  PGDIR="$GAODI_TEST_PGDIR"
elif [ "${SHM_FREE_KB:-0}" -gt $((2 * 1024 * 1024)) ]; then
  PGDIR=/dev/shm/gaodi-pg
else
  PGDIR=/tmp/gaodi-pg
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
if ! as_postgres "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" >/dev/null 2>&1; then
  if [ ! -f "$PGDIR/PG_VERSION" ]; then
    $SUDO mkdir -p "$PGDIR"
    $SUDO chown postgres:postgres "$PGDIR"
    as_postgres "$PGBIN/initdb" -D "$PGDIR" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  as_postgres "$PGBIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
fi
echo "export GAODI_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
echo "export GAODI_REQUIRE_POSTGRES=1"
echo "export GAODI_REQUIRE_BROWSER=1"
