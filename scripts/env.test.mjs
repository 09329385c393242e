// `node --test scripts/`: what scripts/env.sh (sourced by dev.sh and test.sh) decides. Found against a
// real Logto: dev.sh seeded the emulator's demo follows there too, and the list showed ten bare ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

function decide(env) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOGTO_') && k !== 'SEED_DEMO_DATA'));
  const out = execFileSync('bash', ['-c', 'source scripts/env.sh && echo "$STACK_RUNS_EMULATOR $SEED_DEMO_DATA"'], {
    cwd: root,
    env: { ...clean, ...env },
  });
  return out.toString().trim();
}

test('the emulator and its demo follows only for the local endpoint', () => {
  assert.equal(decide({}), 'true true');
  assert.equal(decide({ LOGTO_ENDPOINT: 'http://localhost:3001' }), 'true true');
  assert.equal(decide({ LOGTO_ENDPOINT: 'https://abc123.logto.app' }), 'false false');
  assert.equal(decide({ LOGTO_ENDPOINT: 'http://localhost:3002' }), 'false false');
});

test('an explicit SEED_DEMO_DATA wins', () => {
  assert.equal(decide({ LOGTO_ENDPOINT: 'https://abc123.logto.app', SEED_DEMO_DATA: 'true' }), 'false true');
  assert.equal(decide({ SEED_DEMO_DATA: 'false' }), 'true false');
});

test('the demo webhook key only with the emulator; a provisioned key wins', () => {
  const key = (env) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOGTO_')));
    return execFileSync('bash', ['-c', 'source scripts/env.sh && echo "${LOGTO_WEBHOOK_SIGNING_KEY:-none}"'], {
      cwd: root, env: { ...clean, ...env },
    }).toString().trim();
  };
  assert.equal(key({}), 'demo-webhook-signing-key-0000000');
  assert.equal(key({ LOGTO_ENDPOINT: 'https://abc123.logto.app' }), 'none');
  assert.equal(key({ LOGTO_WEBHOOK_SIGNING_KEY: 'mine' }), 'mine');
});
