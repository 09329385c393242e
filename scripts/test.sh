#!/usr/bin/env bash
# The test command: installs what is missing (tools, npm packages, Chromium), then runs every test:
# the Rust tests (emulator, verifier, Management API client, backend, shared DTOs), the SPA's
# release build, and the Playwright suite against the whole stack.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh --browser
source scripts/env.sh

echo "==> cargo test"
cargo test --workspace --exclude frontend
echo "==> emulator fidelity against recorded Logto 1.42 (crates/logto-emulator/tests/fidelity)"
cat target/tmp/fidelity-table.txt

echo "==> SPA release build"
cargo build -p logto-emulator -p backend
trunk build --release --offline
./scripts/bundle-size.sh

echo "==> Playwright"
(cd e2e && npx playwright test)
