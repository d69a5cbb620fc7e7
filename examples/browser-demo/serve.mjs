#!/usr/bin/env node
/**
 * Serves the browser demo on localhost: `npm run demo:browser` (after `npm run build`), or
 * `node examples/browser-demo/serve.mjs [--port 8080]`. Only the demo's own files and the built
 * `imprint/browser` bundle are served; every response carries the demo's Content-Security-Policy,
 * so neither the page nor its worker can make any other request.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** The policy of the page and of its worker (a worker gets its policy from its own response). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** URL path -> file path relative to the repository root. Nothing else is served. */
const FILES = new Map([
  ['/examples/browser-demo/', 'examples/browser-demo/index.html'],
  ['/examples/browser-demo/index.html', 'examples/browser-demo/index.html'],
  ['/examples/browser-demo/demo.js', 'examples/browser-demo/demo.js'],
  ['/examples/browser-demo/worker.js', 'examples/browser-demo/worker.js'],
  ['/examples/browser-demo/style.css', 'examples/browser-demo/style.css'],
  ['/dist/browser/standalone.js', 'dist/browser/standalone.js'],
  ['/dist/browser/standalone.js.map', 'dist/browser/standalone.js.map'],
]);

/**
 * Starts the demo server on 127.0.0.1 (port 0 = any free port). Resolves to its URL and a close().
 * `onRequest` sees every request (the browser tests record them).
 */
export async function startDemoServer({
  port = 0,
  root = fileURLToPath(new URL('../../', import.meta.url)),
  onRequest,
} = {}) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    onRequest?.(req.method, path);
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (path === '/') {
      res.writeHead(302, { ...headers, Location: '/examples/browser-demo/' }).end();
      return;
    }
    const file = FILES.get(path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await readFile(new URL(file, `file://${root.endsWith('/') ? root : `${root}/`}`));
      const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': `${type}; charset=utf-8` });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      const hint = file.startsWith('dist/') ? ' (run `npm run build` first)' : '';
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`missing ${file}${hint}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/examples/browser-demo/`;
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  const { url } = await startDemoServer({ port });
  process.stdout.write(`imprint browser demo: ${url}\n(Ctrl-C to stop)\n`);
}
