#!/usr/bin/env bash
# The run command: installs what is missing, then starts the Logto emulator (:3001), the backend
# (:3000) and `trunk serve` (:8080). Ctrl-C stops all three.
# With LOGTO_ENDPOINT pointing at a real Logto (and the other LOGTO_* set), no emulator is started.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-tools.sh
# A `.env` written by `logto-cli provision` (or by hand) configures the stack for that Logto.
if [ -f .env ]; then set -a; source .env; set +a; fi
source scripts/env.sh

cargo build -p logto-emulator -p backend
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p .stack
if [ "$STACK_RUNS_EMULATOR" = true ]; then
  ./target/debug/logto-emulator --port 3001 --data-dir .stack/emulator &
  pids+=($!)
  for _ in $(seq 100); do curl -sf http://127.0.0.1:3001/oidc/jwks >/dev/null && break; sleep 0.1; done
  # The emulator's webhook to the backend (renamed and deleted users), with the key the backend reads.
  curl -sf -X POST http://127.0.0.1:3001/_emulator/hooks -H 'content-type: application/json' \
    -d "{\"name\":\"backend\",\"events\":[\"User.Data.Updated\",\"User.Deleted\"],\"url\":\"http://127.0.0.1:3000/api/webhooks/logto\",\"signingKey\":\"$LOGTO_WEBHOOK_SIGNING_KEY\"}" >/dev/null \
    || echo "dev.sh: could not set the emulator's webhook; renames will show after the profile cache expires"
fi
DATABASE_URL="${DATABASE_URL:-sqlite://.stack/backend.db}" ./target/debug/backend &
pids+=($!)

cat <<MSG

  Open http://localhost:8080 and sign in (emulator users: alice, grace, … / password: demo-password;
  bob, mallory and trent have no role and see the 403 explanation).

MSG
trunk serve --offline
