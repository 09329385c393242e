#!/usr/bin/env bash
# Fuzzes the backend with its own OpenAPI document (/api/openapi.json), using schemathesis, twice:
# with a valid access token for alice (read:top-users, write:follows) and with none. Every answer must
# be no server error, have a documented status, and fit its documented schema; every refusal is
# `{code, message}` JSON. Needs the emulator and backend binaries (cargo build -p logto-emulator -p
# backend) and the fuzzer (scripts/install-tools.sh --fuzz). Exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
st="${LOGTO_STACK_CACHE:-$HOME/.cache/logto-stack}/fuzz-venv/bin/st"
for bin in logto-emulator backend; do
  [ -x "target/debug/$bin" ] || { echo "fuzz-backend: build it first (cargo build -p logto-emulator -p backend)" >&2; exit 1; }
done
[ -x "$st" ] || { echo "fuzz-backend: run scripts/install-tools.sh --fuzz first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
emulator_port=$(free_port)
backend_port=$(free_port)
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
emulator="http://127.0.0.1:$emulator_port"
./target/debug/logto-emulator --in-memory --seed crates/demo-tenant/demo.json --port "$emulator_port" \
  --endpoint "$emulator" --no-user-picker \
  >"$work/emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "$emulator/oidc/jwks" >/dev/null && break; sleep 0.1; done
# `exec`: the backend is the background job itself, so the trap's kill reaches it (it used to kill
# only the subshell, and every run left a backend behind).
(cd "$work" && exec env LOGTO_ENDPOINT="$emulator" BACKEND_BIND="127.0.0.1:$backend_port" \
  DATABASE_URL="sqlite://$work/backend.db" SEED_DEMO_DATA=true \
  LOGTO_M2M_APP_ID=m2m4backend0000000001 LOGTO_M2M_APP_SECRET=demo-backend-m2m-secret-0123456789 \
  LOGTO_WEBHOOK_SIGNING_KEY=fuzz-webhook-signing-key-0000000 RUST_LOG=warn \
  "$OLDPWD/target/debug/backend" >"$work/backend.log" 2>&1) &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$backend_port/healthz" >/dev/null && break; sleep 0.1; done

# Tokens for alice (p861e0zr9ryv in the emulator's seed), for an hour: a plain API token with both of
# the API's permissions, and an organization-level one for Acme (acmeorg00001), where she is admin.
mint() {
  curl -sf -X POST "$emulator/_emulator/tokens" -H 'content-type: application/json' -d "$1" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("access_token") or d["accessToken"])'
}
alice='"clientId":"spa4topusers000000001","userId":"p861e0zr9ryv","resource":"https://api.example.com","ttl":3600'
token=$(mint "{$alice,\"scopes\":[\"read:top-users\",\"write:follows\"]}")
org_token=$(mint "{$alice,\"organizationId\":\"acmeorg00001\",\"scopes\":[\"read:top-users\"]}")

# One worker: with two threads, schemathesis' coverage phase on the id's `pattern` crashed in CPython
# 3.11's AST constructor ("recursion depth mismatch", python/cpython#106905). Each run takes ~2 s.
run() {
  "$st" run "http://127.0.0.1:$backend_port/api/openapi.json" \
    --url "http://127.0.0.1:$backend_port" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_MAX_EXAMPLES:-50}" \
    --workers "${FUZZ_WORKERS:-1}" \
    --seed 1 \
    --no-color "$@"
}
echo "--- with alice's access token"
run -H "Authorization: Bearer $token"
echo "--- with alice's organization-level access token for Acme"
run -H "Authorization: Bearer $org_token"
echo "--- without a token"
run
