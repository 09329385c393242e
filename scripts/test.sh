#!/usr/bin/env bash
# The test command: installs what is missing (tools, npm packages, Chromium, PostgreSQL), then runs
# every test: the Rust tests (emulator with its fidelity suite, verifier, Management API client, CLI,
# backend on SQLite and on a local PostgreSQL, shared DTOs), the SPA's release build and size, and the
# Playwright suite against the whole stack.
set -euo pipefail
cd "$(dirname "$0")/.."
# A full disk shows up as a rustc "IO failure" half a minute in; say it first, plainly. A clean clone's
# builds (debug, release, wasm) take about 6 GiB under target/.
free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
if (( free_kib < 8 * 1024 * 1024 )); then
  echo "warning: $((free_kib / 1024)) MiB free on the disk of $(pwd); a clean build needs about 6 GiB" >&2
fi
./scripts/install-tools.sh --browser --fuzz
source scripts/env.sh

echo "==> a local PostgreSQL for the backend's PostgreSQL tests"
pg_dir="/tmp/logto-stack-pg-$$"
TEST_DATABASE_URL_POSTGRES=$(./scripts/local-postgres.sh start "$pg_dir")
export TEST_DATABASE_URL_POSTGRES
trap './scripts/local-postgres.sh stop "$pg_dir"' EXIT

echo "==> formatting (cargo fmt --check)"
cargo fmt --all --check

source scripts/progress.sh
echo "==> building the tests, and the SPA's release bundle beside them"
# Two builds at once fill each other's idle time on a fresh machine; they lock different profile
# directories (debug; wasm-release). The tests then run alone, so their timeouts see a quiet machine.
mkdir -p target/tmp
# The app's bundle, then the admin pages' (the same wasm-release artifacts, another binary).
background spa-release target/tmp/spa-release-build.log \
  sh -c 'trunk build --release --offline && trunk --config Trunk.admin.toml build --release --offline'
cargo test --workspace --no-run
wait_for spa-release

echo "==> cargo test"
cargo test --workspace
echo "==> emulator fidelity against recorded Logto 1.42 (crates/logto-emulator/tests/emulator/fidelity)"
cat target/tmp/fidelity-table.txt

echo "==> lints (clippy, warnings as errors): the workspace, and the wasm32 crates for their target"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p frontend -p logto-leptos --target wasm32-unknown-unknown --all-targets -- -D warnings

echo "==> scripts (node --test scripts/: the CSP hook, the environment the scripts decide)"
node --test scripts/

echo "==> the binaries, and the SPA's size"
# The whole workspace, as `cargo test --workspace` resolved its features: the emulator and backend
# binaries then reuse every artifact the tests built instead of compiling their dependencies again.
cargo build --workspace --bins
./scripts/bundle-size.sh

echo "==> the reusable crates: the Leptos example for wasm32, their docs, each crate as a package"
# The host examples were built by `cargo test`; this one shares the SPA's wasm-release artifacts.
cargo build -p logto-leptos --example minimal --target wasm32-unknown-unknown --profile wasm-release
# Every public item documented (#![warn(missing_docs)]) and no rustdoc warning, as errors here.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p logto-jwt -p logto-management -p logto-leptos -p logto-emulator \
  --features logto-emulator/testkit
./scripts/package-check.sh

echo "==> fuzz of the emulator's Management API with Logto 1.42's OpenAPI document (schemathesis)"
./scripts/fuzz-emulator.sh

echo "==> fuzz of the backend with its own OpenAPI document: with a token, an organization token, none"
./scripts/fuzz-backend.sh

echo "==> Playwright"
(cd e2e && npx playwright test)

echo "==> nothing the tests started is left running"
# Found late: every fuzz-backend.sh run used to leave its backend behind (the trap killed a subshell).
sleep 1
if left=$(pgrep -af "^$PWD/target/debug/(backend|logto-emulator)( |$)"); then
  echo "error: still running after the tests:" >&2
  echo "$left" >&2
  exit 1
fi
