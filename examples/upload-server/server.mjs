#!/usr/bin/env node
/**
 * An upload server the way imprint is meant to sit in an upload pipeline (after `npm run build`):
 *
 *   node examples/upload-server/server.mjs --index known.idx [--port 8080]
 *   node examples/upload-server/server.mjs --list known.csv  [--port 8080]
 *
 * - The known hashes are loaded ONCE at start; an unusable list or index (empty, no usable hash,
 *   malformed, corrupt) stops the server from starting: it never answers "no match" because its
 *   list was unusable.
 * - `POST /match` with the image as the body answers JSON: `{"match": true|false, ...}` with the
 *   same record `imprint match --json` prints (default method pdq-max, the same quality gate).
 * - `GET /stats` answers counters and the event loop's delay: decoding and hashing run in imprint's
 *   worker threads, so the server stays responsive while uploads are matched.
 * - It listens on 127.0.0.1 only: put it behind your own authentication before exposing it.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { closeWorkers, createMatcher, loadIndex, loadKnownList, matchRecord } from 'imprint/sharp';

/** Largest upload accepted (bytes); larger ones are refused with 413 while they stream in. */
const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

/** Error codes that are the upload's fault (400/413), not the server's (500). */
const CLIENT_ERRORS = new Set([
  'ERR_EMPTY_INPUT',
  'ERR_NOT_AN_IMAGE',
  'ERR_FORMAT_REFUSED',
  'ERR_IMAGE_CORRUPT',
  'ERR_IMAGE_TOO_SMALL',
  'ERR_IMAGE_UNIFORM',
  'ERR_DECODE_TIMEOUT',
]);

/**
 * Loads the known hashes (`index`: an index file, or `list`: a hash list) and starts the server.
 * Rejects with the ImprintError when they are unusable (ERR_LIST_EMPTY, ERR_INDEX_CORRUPT, ...).
 */
export async function startUploadServer({ index: indexPath, list, port = 0, host = '127.0.0.1' } = {}) {
  if ((indexPath === undefined) === (list === undefined)) throw new Error('give exactly one of index or list');
  const known = indexPath !== undefined ? await loadIndex(indexPath) : (await loadKnownList(list)).index;
  // Checks the options against the index once: an empty index throws ERR_LIST_EMPTY here.
  const matcher = createMatcher(known, { maxBytes: MAX_UPLOAD_BYTES, timeoutMs: 10_000 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const stats = { uploads: 0, matched: 0, failed: 0 };
  const started = Date.now();

  const send = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      return send(res, 200, {
        ...stats,
        knownHashes: known.size,
        method: matcher.plan.methodName,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e4) / 100,
      });
    }
    if (req.method !== 'POST' || req.url !== '/match') return send(res, 404, { error: { code: 'NOT_FOUND' } });
    stats.uploads++;
    try {
      const result = await matcher.match(req); // the request body is read, then hashed in a worker
      const match = result.matches.length > 0;
      if (match) stats.matched++;
      send(res, 200, { match, ...matchRecord(result) });
    } catch (err) {
      stats.failed++;
      const code = err?.code ?? 'ERR_INTERNAL';
      const status = code === 'ERR_IMAGE_TOO_LARGE' ? 413 : CLIENT_ERRORS.has(code) ? 400 : 500;
      if (status === 413) res.setHeader('connection', 'close'); // stop reading a huge body
      send(res, status, { error: { code, message: err?.message ?? String(err) } });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    knownHashes: known.size,
    async close() {
      delay.disable();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { index: { type: 'string' }, list: { type: 'string' }, port: { type: 'string', default: '8080' } },
  });
  try {
    const server = await startUploadServer({ index: values.index, list: values.list, port: Number(values.port) });
    console.error(`upload server on ${server.url} (${server.knownHashes} known hashes): POST /match, GET /stats`);
    const stop = async () => {
      await server.close();
      await closeWorkers();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    console.error(`upload server not started: ${err.code ?? ''} ${err.message}`);
    process.exitCode = 1;
  }
}
