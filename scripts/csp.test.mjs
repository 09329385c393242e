// `node --test scripts/`: the CSP hook against a page shaped like trunk's, served as `trunk serve` serves
// it. Found against real use: a dev loop on any port but 8080 had its live-reload script blocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const page = `<!DOCTYPE html><html><head>
  <meta charset="utf-8" />
<script type="module">import init from '/app.js'; init('/app_bg.wasm');</script>
<script>(function () { const address = '{{__TRUNK_ADDRESS__}}'; const base = '{{__TRUNK_WS_BASE__}}';
  new WebSocket('ws://' + address + base + '.well-known/trunk/ws'); })()</script>
</head><body></body></html>`;

function built() {
  const dir = mkdtempSync(join(tmpdir(), 'csp-test-'));
  try {
    writeFileSync(join(dir, 'index.html'), page);
    execFileSync(process.execPath, [new URL('./csp.mjs', import.meta.url).pathname], {
      env: { ...process.env, TRUNK_STAGING_DIR: dir, LOGTO_ENDPOINT: 'http://localhost:3001' },
    });
    return readFileSync(join(dir, 'index.html'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// What trunk 0.21's server does to the page per request (src/serve/mod.rs).
const served = (html, host) =>
  html.replaceAll("'{{__TRUNK_ADDRESS__}}'", `'${host}'`).replaceAll('{{__TRUNK_WS_BASE__}}', '/');

const inlineScripts = (html) => [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const policy = (html) => html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

test('every inline script is allowed by hash on any port and host of the dev loop', () => {
  const html = built();
  for (const host of ['localhost:8080', '127.0.0.1:8080', 'localhost:8480', '192.0.2.7:9000']) {
    const page = served(html, host);
    const csp = policy(page);
    for (const body of inlineScripts(page)) {
      assert.ok(csp.includes(sha256(body)), `script not allowed on ${host}: ${body.slice(0, 60)}`);
    }
  }
});

test('the live-reload script finds the server from the page itself', () => {
  const html = built();
  assert.ok(!html.includes('{{__TRUNK_ADDRESS__}}'));
  assert.match(html, /const address = window\.location\.host;/);
  assert.match(policy(html), /default-src 'none'/);
});
