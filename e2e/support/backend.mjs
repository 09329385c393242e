// Runs the real backend (target/debug/backend) for the Playwright suite, and lets a test stop and
// start it (POST http://127.0.0.1:3099/stop | /start) to check what the SPA does while it is down.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';

const binary = resolve(import.meta.dirname, '../../target/debug/backend');
let child = null;

function start() {
  if (child) return;
  child = spawn(binary, [], { stdio: 'inherit', env: process.env });
  child.on('exit', () => { child = null; });
}

async function stop() {
  if (!child) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/stop') await stop();
  else if (req.method === 'POST' && req.url === '/start') start();
  else { res.writeHead(404).end(); return; }
  res.writeHead(204).end();
}).listen(3099, '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, async () => { await stop(); process.exit(0); });
}
start();
