# Sourced by the scripts: the tool paths and the demo configuration (the emulator's seeded apps).
# To use a real Logto instead, export the LOGTO_* variables before running (see README).
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/e2e/node_modules/.bin:$PATH"
export LOGTO_ENDPOINT="${LOGTO_ENDPOINT:-http://localhost:3001}"
export LOGTO_API_RESOURCE="${LOGTO_API_RESOURCE:-https://api.example.com}"
export LOGTO_M2M_APP_ID="${LOGTO_M2M_APP_ID:-m2m4backend0000000001}"
export LOGTO_M2M_APP_SECRET="${LOGTO_M2M_APP_SECRET:-demo-backend-m2m-secret-0123456789}"
# The stack runs the emulator only when Logto's endpoint is the local default; then, and only then, the
# backend is filled with the demo follows, which name the emulator's seeded users (against a real
# Logto they would be ids without profiles).
if [ "$LOGTO_ENDPOINT" = "http://localhost:3001" ]; then STACK_RUNS_EMULATOR=true; else STACK_RUNS_EMULATOR=false; fi
export STACK_RUNS_EMULATOR
export SEED_DEMO_DATA="${SEED_DEMO_DATA:-$STACK_RUNS_EMULATOR}"
# With the emulator, dev.sh sets its webhook for the backend with this key (a real Logto makes its
# own key: `logto-cli provision` writes it into .env).
if [ "$STACK_RUNS_EMULATOR" = true ]; then
  export LOGTO_WEBHOOK_SIGNING_KEY="${LOGTO_WEBHOOK_SIGNING_KEY:-demo-webhook-signing-key-0000000}"
fi
