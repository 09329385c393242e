import * as fs from 'fs';

// Removes the run's state directory (playwright.config.ts), so runs leave nothing in the temp dir.
export default function teardown() {
  const dir = process.env.LOGTO_E2E_STATE_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
