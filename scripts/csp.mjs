// Trunk post-build hook: writes the Content-Security-Policy into the built index.html. Trunk loads the
// WASM from an inline module script (and, under `trunk serve`, an inline autoreload script), so the
// policy allows exactly those scripts by their SHA-256, plus 'wasm-unsafe-eval' to compile the WASM.
// Logto's endpoint (build-time LOGTO_ENDPOINT, as the SPA's) is the only other origin it talks to.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) { console.error('csp.mjs: run me as a trunk post_build hook (TRUNK_STAGING_DIR is unset)'); process.exit(1); }
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
if (html.includes('http-equiv="Content-Security-Policy"')) process.exit(0);

// `trunk serve` fills the autoreload script's address in per request (from the Host header), after this
// hook, so a hash of the served script would hold for one address only. The placeholders are replaced
// here with what the browser knows itself (`window.location.host`, the public URL): trunk then finds
// nothing to fill in, the script is the same on every port and host, and one hash covers it.
const wsBase = process.env.TRUNK_PUBLIC_URL || '/';
html = html.replace(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g, (whole, attrs, body) =>
  body.includes('{{__TRUNK_ADDRESS__}}')
    ? `<script${attrs}>${body
        .replaceAll("'{{__TRUNK_ADDRESS__}}'", 'window.location.host')
        .replaceAll('`{{__TRUNK_ADDRESS__}}`', 'window.location.host')
        .replaceAll('{{__TRUNK_WS_BASE__}}', wsBase)}</script>`
    : whole);
const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(([, body]) => sha256(body));
const logto = new URL(process.env.LOGTO_ENDPOINT ?? 'http://localhost:3001').origin;
const api = process.env.API_BASE ? new URL(process.env.API_BASE).origin : '';
const policy = [
  "default-src 'none'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
  "style-src 'self'",
  `img-src 'self' data: https: ${logto}`,
  `connect-src 'self' ${logto} ${api}`.trim(),
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta charset="utf-8" \/>/, (m) => `${m}\n  <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
if (!html.includes(policy)) { console.error('csp.mjs: no <meta charset="utf-8" /> to put the policy after'); process.exit(1); }
writeFileSync(file, html);
