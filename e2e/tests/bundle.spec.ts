// What ships to browsers: dist/ and dist-admin/ as `trunk serve --release` built them for this run.
import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');

function secrets(): string[] {
  // Every client secret the emulator's seeds hold, and the one `logto-cli provision` wrote, if any.
  const found: string[] = [];
  // The emulator's built-in seed, and this app's tenant (crates/demo-tenant).
  const seeds = [path.join(root, 'crates/logto-emulator/seed'), path.join(root, 'crates/demo-tenant')];
  for (const dir of seeds) {
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/"secret"\s*:\s*"([^"]+)"/g)) found.push(m[1]);
    }
  }
  const env = path.join(root, '.env');
  if (existsSync(env)) {
    const m = readFileSync(env, 'utf8').match(/^LOGTO_M2M_APP_SECRET=(.+)$/m);
    if (m) found.push(m[1].trim());
  }
  return found;
}

test('no client secret is in either bundle', () => {
  const known = secrets();
  expect(known).toContain('demo-backend-m2m-secret-0123456789');
  for (const name of ['dist', 'dist-admin']) {
    const dist = path.join(root, name);
    const files = readdirSync(dist);
    expect(files.some((f) => f.endsWith('.wasm')), name).toBe(true);
    for (const f of files) {
      const bytes = readFileSync(path.join(dist, f));
      for (const secret of known) expect(bytes.includes(secret), `${name}/${f} holds a secret`).toBe(false);
    }
  }
});
