// Serves the @logto/browser check page on http://localhost:8081 (every path gets index.html, so
// /callback works), with the bundle under /dist/. Node's http only: nothing to install.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));
createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const isBundle = url.pathname === '/dist/main.js';
  try {
    const body = await readFile(path.join(root, isBundle ? 'dist/main.js' : 'index.html'));
    res.writeHead(200, { 'Content-Type': isBundle ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(body);
  } catch (error) {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(String(error));
  }
}).listen(8081, '127.0.0.1', () => console.log('SDK check page on http://localhost:8081'));
