#!/usr/bin/env bash
# Prints the size of the SPA's release bundles (WASM + JS), raw and brotli-compressed (Node's zlib,
# quality 11), as a table: dist/ (what every page loads first) and dist-admin/ (the organization
# administration pages, loaded only under /admin/). Fails when either brotli total is over its budget.
set -euo pipefail
cd "$(dirname "$0")/.."
node - <<'JS'
const fs = require('fs'), zlib = require('zlib'), path = require('path');
let failed = false;
for (const [dir, what, budget] of [['dist', 'the app (first load)', 200_000], ['dist-admin', 'the admin pages (/admin/)', 200_000]]) {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => /\.(wasm|js)$/.test(f)) : [];
  if (files.length === 0) { console.error(`bundle-size: ${dir}/ has no .wasm or .js: run scripts/test.sh's trunk builds first`); process.exit(1); }
  let raw = 0, br = 0;
  console.log(`${what}: ${dir}/`);
  console.log('file'.padEnd(44) + 'raw'.padStart(10) + 'brotli'.padStart(10));
  for (const f of files) {
    const data = fs.readFileSync(path.join(dir, f));
    const b = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    raw += data.length; br += b;
    console.log(f.padEnd(44) + String(data.length).padStart(10) + String(b).padStart(10));
  }
  console.log('total (bytes)'.padEnd(44) + String(raw).padStart(10) + String(br).padStart(10));
  console.log(`budget: ${budget} B brotli; ${br <= budget ? `${budget - br} B to spare` : `OVER by ${br - budget} B`}`);
  failed ||= br > budget;
}
if (failed) process.exit(1);
JS
