#!/usr/bin/env bash
# The test command: installs what is missing (tools, npm packages, Chromium, PostgreSQL), then runs
# every test: the Rust tests (emulator with its fidelity suite, verifier, Management API client, CLI,
# backend on SQLite and on a local PostgreSQL, shared DTOs), the SPA's release build and size, and the
# Playwright suite against the whole stack.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh --browser --fuzz
source scripts/env.sh

echo "==> a local PostgreSQL for the backend's PostgreSQL tests"
pg_dir="/tmp/logto-stack-pg-$$"
TEST_DATABASE_URL_POSTGRES=$(./scripts/local-postgres.sh start "$pg_dir")
export TEST_DATABASE_URL_POSTGRES
trap './scripts/local-postgres.sh stop "$pg_dir"' EXIT

echo "==> cargo test"
cargo test --workspace
echo "==> emulator fidelity against recorded Logto 1.42 (crates/logto-emulator/tests/fidelity)"
cat target/tmp/fidelity-table.txt

echo "==> scripts (node --test scripts/: the CSP hook, the environment the scripts decide)"
node --test scripts/

echo "==> SPA release build"
# The whole workspace, as `cargo test --workspace` resolved its features: the emulator and backend
# binaries then reuse every artifact the tests built instead of compiling their dependencies again.
cargo build --workspace --bins
trunk build --release --offline
./scripts/bundle-size.sh

echo "==> fuzz of the emulator's Management API with Logto 1.42's OpenAPI document (schemathesis)"
./scripts/fuzz-emulator.sh

echo "==> Playwright"
(cd e2e && npx playwright test)
