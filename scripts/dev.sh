#!/usr/bin/env bash
# The run command: installs what is missing, then starts the Logto emulator (:3001), the backend
# (:3000) and `trunk serve` (:8080, with the admin pages' own `trunk serve` on :8082 behind /admin).
# Ctrl-C stops them all.
# With LOGTO_ENDPOINT pointing at a real Logto (and the other LOGTO_* set), no emulator is started.
set -euo pipefail
cd "$(dirname "$0")/.."
# A `.env` written by `logto-cli provision` (or by hand) configures the stack for that Logto.
if [ -f .env ]; then set -a; source .env; set +a; fi
source scripts/env.sh
source scripts/progress.sh

# On a fresh machine everything below compiles for minutes; the three builds run side by side (each
# leaves idle time the others fill: downloads, single-threaded crates, linking), and the servers
# start as soon as theirs is done, while the tools and the WASM still build.
pids=()
cleanup() { kill "${pids[@]}" "${BACKGROUND_PIDS[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

./scripts/install-tools.sh --wasm-target
mkdir -p .stack
say "building the emulator and the backend, and the SPA's WASM (logs in .stack/; a few minutes the first time)"
background servers .stack/build-servers.log cargo build -p logto-emulator -p backend
# The build `trunk serve` asks for (frontend/index.html: profile spa-dev; the same compile-time
# settings from env.sh), so trunk finds it done.
background wasm .stack/build-wasm.log \
  cargo build --target wasm32-unknown-unknown -p frontend --bins --profile spa-dev
./scripts/install-tools.sh
wait_for servers

if [ "$STACK_RUNS_EMULATOR" = true ]; then
  ./target/debug/logto-emulator --port 3001 --seed crates/demo-tenant/demo.json --data-dir .stack/emulator &
  pids+=($!)
  for _ in $(seq 100); do curl -sf http://127.0.0.1:3001/oidc/jwks >/dev/null && break; sleep 0.1; done
  # The emulator's webhook to the backend (the events its lists follow), with the key the backend reads.
  curl -sf -X POST http://127.0.0.1:3001/_emulator/hooks -H 'content-type: application/json' \
    -d "{\"name\":\"backend\",\"events\":[\"User.Created\",\"User.Data.Updated\",\"User.SuspensionStatus.Updated\",\"User.Deleted\",\"Organization.Membership.Updated\",\"Organization.Deleted\"],\"url\":\"http://127.0.0.1:3000/api/webhooks/logto\",\"signingKey\":\"$LOGTO_WEBHOOK_SIGNING_KEY\"}" >/dev/null \
    || echo "dev.sh: could not set the emulator's webhook; renames will show after the profile cache expires"
fi
DATABASE_URL="${DATABASE_URL:-sqlite://.stack/backend.db}" ./target/debug/backend &
pids+=($!)

wait_for wasm
cat <<MSG

  Open http://localhost:8080 and sign in (emulator users: alice, grace, … / password: demo-password;
  bob, mallory and trent have no role and see the 403 explanation).

MSG
# The organization administration pages: their own bundle on :8082, which trunk serve proxies at /admin.
trunk --config Trunk.admin.toml serve --offline &
pids+=($!)
trunk serve --offline
