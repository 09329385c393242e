// `node --test scripts/`: the background steps of dev.sh and install-tools.sh (scripts/progress.sh),
// under the scripts' own `set -euo pipefail`. Found on a fresh machine: the progress line of a step
// whose log had no "Compiling" line yet ended the whole run command without a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

// The steps' logs, removed when the tests end.
const logs = mkdtempSync(join(tmpdir(), 'progress-test-'));
test.after(() => rmSync(logs, { recursive: true, force: true }));

function run(script) {
  const r = spawnSync('bash', ['-c', `set -euo pipefail; source scripts/progress.sh; ${script}`], {
    cwd: root,
    env: { ...process.env, PROGRESS_EVERY: '1' },
  });
  return { status: r.status, out: r.stdout.toString(), err: r.stderr.toString() };
}

test('a step with no output yet gets progress lines and the run goes on', () => {
  const log = join(logs, 'step');
  const r = run(`background quiet ${log}-quiet.log sleep 2.5
    background busy ${log}-busy.log bash -c 'echo "   Compiling serde v1.0.0"; sleep 2'
    wait_for quiet busy; echo after`);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /quiet: 0 crates compiled/);
  assert.match(r.out, /busy: 1 crates compiled \(now serde\)/);
  assert.match(r.out, /quiet: done in \d+ s/);
  assert.match(r.out, /after\n$/);
});

test('a failed step ends the script at once with the end of its log', () => {
  const r = run(`background slow ${logs}/slow.log sleep 30
    background broken ${logs}/broken.log bash -c 'echo "the reason"; exit 3'
    wait_for slow broken; echo after; kill %1`);
  assert.equal(r.status, 1);
  assert.match(r.err, /error: broken failed; the end of .*broken\.log:\nthe reason/);
  assert.doesNotMatch(r.out, /after/);
});
