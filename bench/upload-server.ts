/**
 * Event-loop delay of an upload server while uploads are matched: a tiny node:http server answers
 * `GET /stats` while `--in-flight` uploads (default 4) are matched at once with `matchImage`
 * (default method pdq-max against an index built with pdq-max), once with the pixel work in the
 * main thread (`workers: false`) and once in the worker pool (the default). It prints, for each,
 * the event-loop delay p50/p99 (perf_hooks.monitorEventLoopDelay), the latency of `GET /stats`
 * seen by a client in another process (p50/p99), and uploads/s. Both runs share the machine, the
 * uploads and the index, so compare them with each other (the target: p99 < 20 ms with workers).
 *
 *   npm run bench:server -- [--in-flight 4] [--uploads 48] [--workers <n>] [--normal-priority] [--json]
 *
 * `--normal-priority` runs the workers at the process's priority instead of the pool's default
 * (lower: nice +10 on Linux).
 *
 * Uploads are altered copies (mirrored, bordered, turned, halved, cropped, recompressed) of the
 * bundled photos, plus unrelated ones, made in memory before anything is measured.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { MihIndex } from '../src/matching/mih-index.js';
import { knownImageEntries } from '../src/sharp/known-images.js';
import { matchImage } from '../src/sharp/match-image.js';
import { closeWorkers, WorkerPool } from '../src/sharp/worker-pool.js';

const { values } = parseArgs({
  options: {
    'in-flight': { type: 'string', default: '4' },
    uploads: { type: 'string', default: '48' },
    workers: { type: 'string' },
    'normal-priority': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const inFlight = Number(values['in-flight']);
const uploadCount = Number(values.uploads);
const poolSize = values.workers === undefined ? availableParallelism() : Number(values.workers);
const say = (line: string) => process.stderr.write(`${line}\n`);

const photos = new URL('../fixtures/photos/', import.meta.url).pathname;
const KNOWN = [
  'astronaut.jpg',
  'coffee.jpg',
  'rocket.jpg',
  'china-temple.jpg',
  'city-skyline.jpg',
  'landscape-beach.jpg',
  'landscape-forest.jpg',
  'landscape-wide-1440.jpg',
];
const UNRELATED = ['flower.jpg', 'chelsea-cat.jpg', 'landscape-snow.jpg', 'text-page-photo.png'];

say(`building the known index (pdq-max) from ${KNOWN.length} photos`);
const index = new MihIndex<unknown>();
for (const name of KNOWN) {
  index.addAll((await knownImageEntries(photos + name, 'pdq-max', name, { workers: false })).entries);
}

const edits: ((img: Sharp, w: number, h: number) => Sharp)[] = [
  (img) => img.flop().jpeg({ quality: 80 }),
  (img, w, h) =>
    img.extend({ top: h >> 3, bottom: h >> 3, left: w >> 3, right: w >> 3, background: '#fff' }).jpeg(),
  (img) => img.rotate(90).jpeg({ quality: 85 }),
  (img, w) => img.resize(Math.round(w / 2)).jpeg({ quality: 75 }),
  (img, w, h) =>
    img
      .extract({
        left: Math.round(w * 0.05),
        top: Math.round(h * 0.05),
        width: Math.round(w * 0.9),
        height: Math.round(h * 0.9),
      })
      .jpeg(),
  (img) => img.jpeg({ quality: 40 }),
];
const uploads: Buffer[] = [];
for (const name of [...KNOWN, ...UNRELATED]) {
  const { width, height } = await sharp(photos + name).metadata();
  for (const edit of edits) uploads.push(await edit(sharp(photos + name), width!, height!).toBuffer());
}
say(`${uploads.length} distinct uploads; ${uploadCount} matched per run, ${inFlight} at once`);

let matched = 0;
let done = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ uploads: done, matched }));
  } else {
    res.statusCode = 404;
    res.end();
  }
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as AddressInfo).port;

/** A client in another process polling GET /stats every 10 ms until told to stop; prints latencies. */
function startClient(): { stop: () => Promise<number[]> } {
  const code = `
    const http = require('node:http');
    const times = []; let stopping = false;
    process.stdin.on('data', () => { stopping = true; });
    const tick = () => {
      if (stopping) { process.stdout.write(JSON.stringify(times)); process.exit(0); }
      const start = process.hrtime.bigint();
      http.get({ host: '127.0.0.1', port: ${port}, path: '/stats', agent: false }, (res) => {
        res.resume();
        res.on('end', () => { times.push(Number(process.hrtime.bigint() - start) / 1e6); setTimeout(tick, 10); });
      }).on('error', () => setTimeout(tick, 10));
    };
    tick();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  return {
    async stop() {
      child.stdin.write('stop\n');
      await once(child, 'close');
      return JSON.parse(out) as number[];
    },
  };
}

interface RunResult {
  readonly mode: string;
  readonly loopP50: number;
  readonly loopP99: number;
  readonly loopMax: number;
  readonly statsP50: number;
  readonly statsP99: number;
  readonly statsRequests: number;
  readonly uploadsPerSec: number;
  /** Share of the time the main thread was busy (performance.eventLoopUtilization). */
  readonly mainBusy: number;
}

async function run(mode: string, workers: false | WorkerPool | 'idle'): Promise<RunResult> {
  // Warm-up: JIT, the pool's threads, sharp's first decode.
  if (workers !== 'idle')
    await Promise.all(uploads.slice(0, inFlight * 2).map((u) => matchImage(u, index, { workers })));
  matched = 0;
  done = 0;
  const client = startClient();
  await new Promise((r) => setTimeout(r, 200));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < uploadCount) {
      const upload = uploads[next++ % uploads.length]!;
      const result = await matchImage(upload, index, { workers: workers as false | WorkerPool });
      done++;
      if (result.matches.length > 0) matched++;
    }
  };
  // The baseline: the same server and client with no upload, for as long as one upload run takes.
  if (workers === 'idle') await new Promise((r) => setTimeout(r, 5000));
  else await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  const mainBusy = performance.eventLoopUtilization(elu).utilization;
  delay.disable();
  const latencies = await client.stop();
  const ms = (ns: number) => ns / 1e6;
  return {
    mode,
    loopP50: ms(delay.percentile(50)),
    loopP99: ms(delay.percentile(99)),
    loopMax: ms(delay.max),
    statsP50: percentile(latencies, 50),
    statsP99: percentile(latencies, 99),
    statsRequests: latencies.length,
    uploadsPerSec: workers === 'idle' ? 0 : uploadCount / seconds,
    mainBusy,
  };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const pool = new WorkerPool({ size: poolSize, lowPriority: !values['normal-priority'] });
const results = [
  await run('none (idle server)', 'idle'),
  await run('main thread', false),
  await run(`workers (${poolSize})`, pool),
];
await pool.close();
await closeWorkers();
server.close();

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ inFlight, uploads: uploadCount, cores: availableParallelism(), results })}\n`,
  );
} else {
  const f = (v: number) => v.toFixed(1);
  const head = [
    'pixel work',
    'loop delay p50 ms',
    'p99 ms',
    'max ms',
    'GET /stats p50 ms',
    'p99 ms',
    'requests',
    'uploads/s',
  ];
  const rows = results.map((r) => [
    r.mode,
    f(r.loopP50),
    f(r.loopP99),
    f(r.loopMax),
    f(r.statsP50),
    f(r.statsP99),
    String(r.statsRequests),
    f(r.uploadsPerSec),
    `${(r.mainBusy * 100).toFixed(1)}%`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(
    `${inFlight} uploads in flight, ${uploadCount} per run, default method pdq-max, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log([line(head), ...rows.map(line)].join('\n'));
  const [idle, main, workers] = results as [RunResult, RunResult, RunResult];
  console.log(
    `workers vs main thread: loop delay p99 ${f(workers.loopP99)} vs ${f(main.loopP99)} ms (${(main.loopP99 / workers.loopP99).toFixed(1)}x lower), ` +
      `GET /stats p99 ${f(workers.statsP99)} vs ${f(main.statsP99)} ms, throughput ${(workers.uploadsPerSec / main.uploadsPerSec).toFixed(2)}x; ` +
      `the idle server's own p99 on this machine now: ${f(idle.loopP99)} ms`,
  );
}
