#!/usr/bin/env bash
# The bench command: installs wrk (Debian) when missing, then prints the emulator's and the
# backend's tables (warm lists, log and metrics overhead, verifier; soak; write path). Benchmarks, not tests: compare ratios within one run on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
cargo bench -p logto-emulator --bench emulator
cargo bench -p backend --bench top_users
cargo bench -p backend --bench soak
cargo bench -p backend --bench members
# The write path on SQLite and on a throwaway PostgreSQL (Debian's, installed when missing).
pg=$(mktemp -d /tmp/bench-pg.XXXXXX); chmod 755 "$pg"
export TEST_PG_PORT=${BENCH_PG_PORT:-55433}
trap 'bash scripts/local-postgres.sh stop "$pg/db"; rm -rf "$pg"' EXIT
BENCH_DATABASE_URL_POSTGRES=$(bash scripts/local-postgres.sh start "$pg/db")
export BENCH_DATABASE_URL_POSTGRES
cargo bench -p backend --bench write_path
# Three replicas on that PostgreSQL: how fast a change reaches them all (issue 26).
cargo bench -p backend --bench replicas
