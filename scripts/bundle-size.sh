#!/usr/bin/env bash
# Prints the size of the SPA's release bundle in dist/ (WASM + JS), raw and brotli-compressed
# (Node's zlib, quality 11), as a table, and fails when the brotli total is over the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
node - <<'JS'
const fs = require('fs'), zlib = require('zlib'), path = require('path');
const files = fs.readdirSync('dist').filter(f => /\.(wasm|js)$/.test(f));
if (files.length === 0) { console.error('bundle-size: dist/ has no .wasm or .js: run trunk build --release first'); process.exit(1); }
let raw = 0, br = 0;
console.log('file'.padEnd(44) + 'raw'.padStart(10) + 'brotli'.padStart(10));
for (const f of files) {
  const data = fs.readFileSync(path.join('dist', f));
  const b = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  raw += data.length; br += b;
  console.log(f.padEnd(44) + String(data.length).padStart(10) + String(b).padStart(10));
}
console.log('total (bytes)'.padEnd(44) + String(raw).padStart(10) + String(br).padStart(10));
const budget = 200_000;
console.log(`budget: ${budget} B brotli; ${br <= budget ? `${budget - br} B to spare` : `OVER by ${br - budget} B`}`);
if (br > budget) process.exit(1);
JS
