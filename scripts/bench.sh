#!/usr/bin/env bash
# The bench command: installs wrk (Debian) when missing, then prints the emulator's and the
# backend's tables. Benchmarks, not tests: compare ratios within one run on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
cargo bench -p logto-emulator --bench emulator
cargo bench -p backend --bench top_users
