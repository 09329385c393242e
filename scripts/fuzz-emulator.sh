#!/usr/bin/env bash
# Fuzzes the emulator's Management API with Logto 1.42's own OpenAPI document (the operations it serves,
# crates/logto-emulator/tests/openapi/), using schemathesis: every answer must be no server error and
# fit Logto's documented response schemas. Needs the emulator binary (cargo build -p logto-emulator) and
# the fuzzer (scripts/install-tools.sh --fuzz). Prints schemathesis' summary; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
st="${LOGTO_STACK_CACHE:-$HOME/.cache/logto-stack}/fuzz-venv/bin/st"
emulator=./target/debug/logto-emulator
[ -x "$emulator" ] || { echo "fuzz-emulator: build the emulator first (cargo build -p logto-emulator)" >&2; exit 1; }
[ -x "$st" ] || { echo "fuzz-emulator: run scripts/install-tools.sh --fuzz first" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$emulator" --in-memory --seed crates/demo-tenant/demo.json --port "$port" --no-user-picker >/tmp/fuzz-emulator-$$.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f /tmp/fuzz-emulator-$$.log' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/oidc/jwks" >/dev/null && break; sleep 0.1; done

# The seeded backend app holds the Management API's `all` scope.
token=$(curl -sf -u m2m4backend0000000001:demo-backend-m2m-secret-0123456789 \
  -d grant_type=client_credentials -d resource=https://default.logto.app/api -d scope=all \
  "http://127.0.0.1:$port/oidc/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

"$st" run crates/logto-emulator/tests/openapi/logto-1.42-served.json \
  --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-30}" \
  --workers 2 \
  --seed 1 \
  --no-color
