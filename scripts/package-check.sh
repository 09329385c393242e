#!/usr/bin/env bash
# The four reusable crates as packages (part of the test command): `cargo package --no-verify` for
# each (a .crate file as `cargo publish` would upload, its dependencies resolved against crates.io),
# then its file list: the README and sources in, no tests, benches or recorded fixtures, and the
# compressed size under a budget. Prints one line per crate. (Not `cargo publish --dry-run`: its
# verification builds each crate again from scratch, minutes on two cores, for what the test
# command's own builds of the same sources already show.)
set -euo pipefail
cd "$(dirname "$0")/.."
budget_kib=${PACKAGE_BUDGET_KIB:-256}
status=0
printf '%-16s %8s %14s %16s\n' crate files "size (KiB)" "compressed (KiB)"
for crate in logto-jwt logto-management logto-leptos logto-emulator; do
  out=$(cargo package --no-verify --allow-dirty -p "$crate" 2>&1) || { echo "$out"; exit 1; }
  # A manifest crates.io would show without a link (issue 22): cargo says so as a warning.
  if grep -i 'warning: manifest has no' <<<"$out"; then echo "  $crate: fill in what the manifest lacks"; status=1; fi
  files=$(cargo package --list --allow-dirty -p "$crate" 2>/dev/null)
  # "Packaged 12 files, 90.4KiB (25.9KiB compressed)"
  line=$(grep -o 'Packaged .*' <<<"$out")
  count=$(awk '{print $2}' <<<"$line")
  size=$(grep -oE '[0-9.]+[KM]iB' <<<"$line" | head -1)
  compressed=$(grep -oE '\([0-9.]+[KM]iB' <<<"$line" | tr -d '(')
  printf '%-16s %8s %14s %16s\n' "$crate" "$count" "$size" "$compressed"
  grep -qx 'README.md' <<<"$files" || { echo "  $crate: no README.md in the package"; status=1; }
  grep -qx 'src/lib.rs' <<<"$files" || { echo "  $crate: no src/lib.rs in the package"; status=1; }
  if grep -E '^(tests|benches)/' <<<"$files"; then echo "  $crate: tests or benches in the package"; status=1; fi
  # Every file a source embeds (include_str!/include_bytes!, paths relative to that source) is packaged.
  dir=$(cargo metadata --no-deps --format-version 1 | python3 -c "import json,sys; print([p['manifest_path'] for p in json.load(sys.stdin)['packages'] if p['name']=='$crate'][0].rsplit('/',1)[0])")
  while IFS=: read -r source embedded; do
    [ -n "$source" ] || continue
    wanted=$(realpath -m --relative-to="$dir" "$(dirname "$source")/$embedded")
    grep -qx "$wanted" <<<"$files" || { echo "  $crate: $wanted is embedded but not packaged"; status=1; }
  done < <(grep -rHoE 'include_(str|bytes)!\("[^"]+"\)' "$dir/src" | sed -E 's/include_(str|bytes)!\("([^"]+)"\)/\2/')
  kib=$(awk -v s="$compressed" 'BEGIN { n = s + 0; if (s ~ /MiB/) n *= 1024; print int(n) }')
  if [ "$kib" -gt "$budget_kib" ]; then echo "  $crate: $compressed compressed, over the ${budget_kib} KiB budget"; status=1; fi
done
exit $status
