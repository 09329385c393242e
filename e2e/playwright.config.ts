import { defineConfig } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The whole stack on its usual ports: the redirect URI registered in the emulator's seed is
// http://localhost:8080/callback. Binaries are built by scripts/test.sh before this runs.
const root = path.resolve(__dirname, '..');
// The run's databases: one directory, made here once (the worker inherits it through the environment)
// and removed by support/teardown.ts.
process.env.LOGTO_E2E_STATE_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'logto-e2e-'));
const stateDir = process.env.LOGTO_E2E_STATE_DIR;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  globalTeardown: './support/teardown.ts',
  use: {
    baseURL: 'http://localhost:8080',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `${root}/target/debug/logto-emulator --port 3001 --seed ${root}/crates/demo-tenant/demo.json --data-dir ${stateDir}/emulator`,
      url: 'http://127.0.0.1:3001/oidc/.well-known/openid-configuration',
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The real backend, under a small supervisor that tests can ask to stop and start it.
      command: 'node support/backend.mjs',
      env: {
        DATABASE_URL: `sqlite://${stateDir}/backend.db`,
        SEED_DEMO_DATA: 'true',
        // The @logto/browser check page (official-clients.spec.ts) calls the backend from :8081.
        CORS_ALLOWED_ORIGINS: 'http://localhost:8080,http://localhost:8081',
        // Token-expiry tests use 4-second tokens; the default 30 s of skew would hide their expiry.
        JWT_LEEWAY_SECONDS: '1',
        // The emulator's webhook for the backend is set with this key by the tests (POST /_emulator/hooks).
        LOGTO_WEBHOOK_SIGNING_KEY: 'e2e-webhook-signing-key-00000000',
      },
      url: 'http://127.0.0.1:3000/healthz',
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // `trunk serve` is the development loop, and its /api proxy is part of what is tested.
      command: 'trunk serve --release --offline --no-autoreload',
      cwd: root,
      url: 'http://127.0.0.1:8080/',
      reuseExistingServer: false,
      timeout: 900_000,
    },
    {
      // The organization administration pages' own bundle, which the first trunk serve proxies at /admin.
      command: 'trunk --config Trunk.admin.toml serve --release --offline --no-autoreload',
      cwd: root,
      url: 'http://127.0.0.1:8082/admin/',
      reuseExistingServer: false,
      timeout: 900_000,
    },
    {
      // A page built on Logto's own @logto/browser SDK (sdk-page/).
      command: 'npm run --silent sdk-page',
      url: 'http://127.0.0.1:8081/',
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
