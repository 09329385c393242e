#!/usr/bin/env bash
# Installs what building and testing this repository needs, and only what is missing (idempotent):
#   - the wasm32-unknown-unknown Rust target;
#   - trunk 0.21.14 (0.22 needs a newer rustc);
#   - wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version (trunk must never download it);
#   - the npm packages of e2e/ (Playwright, and binaryen@132 whose wasm-opt trunk uses);
#   - with --browser: Debian's Chromium, for the Playwright suite;
#   - with --fuzz: schemathesis (PyPI, pinned) in a virtualenv under ~/.cache/logto-stack, for the
#     emulator's fuzz with Logto's own OpenAPI document (scripts/fuzz-emulator.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools installed by `cargo install` land here; use them even if the shell's PATH lacks it.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  say "installing trunk 0.21.14 (about 10 minutes on 2 cores)"
  # Thin LTO-free build: the same trunk, built in 60% of the time of its own fat-LTO profile.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk@0.21.14 --locked
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "install-tools: cannot read wasm-bindgen's version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (Cargo.lock's wasm-bindgen; about 4 minutes)"
  cargo install wasm-bindgen-cli --version "$wbg_version" --force
fi
if ! grep -q "wasm_bindgen = \"$wbg_version\"" Trunk.toml; then
  echo "install-tools: Trunk.toml's [tools] wasm_bindgen must be $wbg_version (Cargo.lock)" >&2
  exit 1
fi

if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -x e2e/node_modules/.bin/playwright ] \
   || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  say "installing the npm packages of e2e/"
  (cd e2e && npm ci --no-audit --no-fund)
fi

want() { for a in "${@:2}"; do [ "$a" = "$1" ] && return 0; done; return 1; }

if want --browser "$@" && ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's Chromium"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

schemathesis_version=4.32.5
fuzz_venv="${LOGTO_STACK_CACHE:-$HOME/.cache/logto-stack}/fuzz-venv"
if want --fuzz "$@" && [ "$("$fuzz_venv/bin/st" --version 2>/dev/null)" != "st, version $schemathesis_version" ]; then
  say "installing schemathesis $schemathesis_version (the emulator's fuzz; about a minute)"
  if ! python3 -m venv "$fuzz_venv" 2>/dev/null; then
    # Debian's python3 needs its venv package for that.
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$fuzz_venv"
  fi
  "$fuzz_venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
