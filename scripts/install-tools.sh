#!/usr/bin/env bash
# Installs what building and testing this repository needs, and only what is missing (idempotent):
#   - the wasm32-unknown-unknown Rust target, and clippy and rustfmt (the test command's lints);
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
source scripts/progress.sh

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component"
    rustup component add "$component"
  fi
done
# --wasm-target: only that (dev.sh starts the SPA's WASM build before the long installs below).
for a in "$@"; do [ "$a" = --wasm-target ] && exit 0; done

# trunk and wasm-bindgen-cli are our build tools, not our product: they are built with light release
# profiles instead of their crates' own (fat LTO, opt-level 3), side by side (issue 17, measured on a
# fresh 2-core machine). trunk at opt-level 0: it compiles in about 5 minutes instead of 7 and adds
# 0.35 s to a rebuild. wasm-bindgen at opt-level 1: it runs on every rebuild, and at opt-level 0 it
# took 1.5 s there instead of 0.5 s.
light_release=(env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_INCREMENTAL=false)
logs="${TMPDIR:-/tmp}/logto-stack-install-$$"
installing=()

if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  say "installing trunk 0.21.14 in the background (about 5 minutes on 2 cores; log: $logs/trunk.log)"
  background trunk "$logs/trunk.log" \
    "${light_release[@]}" CARGO_PROFILE_RELEASE_OPT_LEVEL=0 cargo install trunk@0.21.14 --locked
  installing+=(trunk)
fi

wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "install-tools: cannot read wasm-bindgen's version from Cargo.lock" >&2
  exit 1
fi
if ! grep -q "wasm_bindgen = \"$wbg_version\"" Trunk.toml; then
  echo "install-tools: Trunk.toml's [tools] wasm_bindgen must be $wbg_version (Cargo.lock)" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (Cargo.lock's wasm-bindgen) in the background (about 5 minutes; log: $logs/wasm-bindgen-cli.log)"
  # Not --locked: its published lock names a webpki-roots release the registry no longer serves.
  background wasm-bindgen-cli "$logs/wasm-bindgen-cli.log" \
    "${light_release[@]}" CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$wbg_version" --force
  installing+=(wasm-bindgen-cli)
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

if [ ${#installing[@]} -gt 0 ]; then
  say "waiting for ${installing[*]}"
  wait_for "${installing[@]}"
  rm -rf "$logs"
fi
