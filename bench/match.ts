/**
 * Matching benchmark: latency, queries/s, build and load time and memory per hash for a naive
 * baseline (npm `hamming-distance` on hex strings), our flat scan (JS and WebAssembly kernels)
 * and multi-index hashing, on the same data in one run; every method's answers are checked
 * against the flat scan's. Not part of `npm test`.
 *
 *   npm run bench:match -- [--sizes 1e6,1e7] [--bits 256] [--radius 31]
 *                          [--methods flat-wasm,mih-wasm] (also naive-hex, flat-js, mih-js)
 *                          [--queries 1000] [--budget 5000] [--miss-every 4] [--no-clustered]
 *                          [--batch-size 1e6] [--batch 2000] [--threads 2]
 *                          [--sharded 1e8 --shards 4] [--only batches,sharded,random,clustered]
 *                          [--summary-json <file>]
 *
 * Data: N random hashes with one planted near-duplicate per query (distances 0..31) except every
 * `--miss-every`-th query, a random miss (nothing near it in the list), and a
 * clustered run: PDQ hashes of edited copies of the bundled photos, replicated with bit noise,
 * queried with differently edited copies. Prints a table; writes bench/results/match-*.json.
 * Before them (bench/match-scale.ts): a batch over worker threads against one thread, and with
 * `--sharded N`, a ShardedIndex of N hashes (build time, bytes per hash, queries/s).
 * `--summary-json` also writes the figures for `npm run bench` (bench/summary.ts).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import hammingDistance from 'hamming-distance';
import sharp, { type Sharp } from 'sharp';
import {
  flipBits,
  formatMatchTable,
  type MatchBenchData,
  type MatchBenchMethod,
  type MatchBenchResult,
  randomMatchData,
  runMatchBenchmark,
} from '../src/eval/match-bench.js';
import { makeRandomUint32 } from '../src/eval/random.js';
import { wordsFor } from '../src/matching/packed.js';
import { packHashes } from '../src/matching/packed-index.js';
import { hashImage } from '../src/sharp/hash-image.js';
import { benchBatches, benchSharded } from './match-scale.js';
import { type Figure, figure, sizeKey, writeSummary } from './summary.js';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '1e6,1e7' },
      bits: { type: 'string', default: '256' },
      radius: { type: 'string' },
      methods: { type: 'string' },
      queries: { type: 'string', default: '1000' },
      budget: { type: 'string', default: '5000' },
      'no-clustered': { type: 'boolean', default: false },
      'clustered-sizes': { type: 'string', default: '1e6' },
      'miss-every': { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '1e6' },
      batch: { type: 'string', default: '2000' },
      threads: { type: 'string', default: '2' },
      sharded: { type: 'string' },
      shards: { type: 'string', default: '4' },
      only: { type: 'string' },
      'summary-json': { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const bitsList = values.bits.split(',').map(Number) as (64 | 256)[];
  const methods = (values.methods?.split(',') ?? ['flat-wasm', 'mih-wasm']) as MatchBenchMethod[];
  const missEvery = Number(values['miss-every']);
  const budgetMs = Number(values.budget);
  const queries = Number(values.queries);
  const all: MatchBenchResult[] = [];
  const progress = (line: string) => process.stderr.write(`  ${line}\n`);
  const naiveDistance = (a: string, b: string) => hammingDistance(a, b);
  const measure = async (data: Parameters<typeof runMatchBenchmark>[0], radius: number) => {
    const results = await runMatchBenchmark(data, {
      radius,
      methods,
      budgetMs,
      naiveDistance,
      log: progress,
    });
    process.stdout.write(`\n${formatMatchTable(results)}\n`);
    all.push(...results);
  };

  const only = values.only?.split(',');
  const part = (name: string) => !only || only.includes(name);
  const figures: Figure[] = [];
  if (part('batches')) {
    figures.push(
      ...(await benchBatches(Number(values['batch-size']), Number(values.batch), 31, Number(values.threads))),
    );
  }
  if (values.sharded && part('sharded')) {
    figures.push(
      ...(await benchSharded(
        Number(values.sharded),
        Number(values.shards),
        queries,
        31,
        budgetMs,
        Number(values.threads),
      )),
    );
  }
  if (!part('random')) {
    writeSummary(values['summary-json'], 'match', argv, figures);
    return;
  }
  for (const bits of bitsList) {
    // PDQ's threshold for 256 bits; 10 is the usual pHash/dHash threshold for 64.
    const radius = values.radius ? Number(values.radius) : bits === 256 ? 31 : 10;
    for (const n of sizes) {
      process.stderr.write(`random ${bits}-bit, n=${n}, radius ${radius}\n`);
      await measure(randomMatchData(n, bits, Math.min(queries, n), radius, 1, missEvery), radius);
    }
  }
  if (!values['no-clustered'] && bitsList.includes(256) && part('clustered')) {
    const photos = await photoHashes();
    for (const n of values['clustered-sizes'].split(',').map(Number)) {
      process.stderr.write(`clustered PDQ, n=${n}, radius 31 (${photos.list.length} edited photos)\n`);
      await measure(clusteredData(photos, n), 31);
    }
  }
  const dir = new URL('./results/', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `match-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { node: process.version, platform: process.platform, arch: process.arch };
  await writeFile(file, `${JSON.stringify({ machine, argv, results: all }, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
  writeSummary(values['summary-json'], 'match', argv, [...figures, ...matchFigures(all)]);
}

/** MIH against the flat scan (WebAssembly kernels) of the same run, per random 256-bit list. */
function matchFigures(results: readonly MatchBenchResult[]): Figure[] {
  const out: Figure[] = [];
  for (const mih of results.filter((r) => r.method === 'mih-wasm' && r.data === 'random' && r.bits === 256)) {
    const flat = results.find(
      (r) => r.method === 'flat-wasm' && r.data === mih.data && r.n === mih.n && r.bits === mih.bits,
    );
    if (!flat) continue;
    const at = sizeKey(mih.n);
    const wrong = mih.correct && flat.correct ? undefined : 'ANSWERS DIFFER from the flat scan';
    out.push(
      figure(
        `match.mih.qps@${at}`,
        `MIH queries/s, ${at} random PDQ hashes, d = ${mih.radius} (mean)`,
        mih.qps,
        'q/s',
        { label: 'flat scan (WASM)', value: flat.qps },
        wrong,
      ),
      figure(`match.mih.build@${at}`, `MIH build, ${at} hashes`, mih.buildMs / 1000, 's', {
        label: 'flat index build',
        value: flat.buildMs / 1000,
      }),
      figure(
        `match.mih.bytes@${at}`,
        `MIH memory per hash, ${at} hashes`,
        mih.bytesPerHash ?? Number.NaN,
        'B/hash',
        {
          label: 'flat index',
          value: flat.bytesPerHash ?? Number.NaN,
        },
      ),
    );
    if (mih.loadMs !== null && flat.loadMs !== null)
      out.push(
        figure(`match.mih.load@${at}`, `MIH index file load, ${at} hashes`, mih.loadMs / 1000, 's', {
          label: 'flat index file load',
          value: flat.loadMs / 1000,
        }),
      );
  }
  return out;
}

/** PDQ hashes of edited copies of the bundled photos: `list` edits go in the list, `queries` edits are the uploads. */
async function photoHashes(): Promise<{ list: Uint32Array[]; queries: Uint32Array }> {
  const dir = new URL('../fixtures/photos/', import.meta.url).pathname;
  const files = (await readdir(dir)).filter(
    (f) => /\.(jpg|png)$/.test(f) && !/empty|not-an|trunc|tiny|16bit/.test(f),
  );
  const listEdits: ((s: Sharp, w: number, h: number) => Sharp)[] = [
    (s) => s,
    (s, w) => s.resize(Math.round(w / 2)),
    (s) => s.jpeg({ quality: 35 }),
    (s, w, h) =>
      s.extract({
        left: Math.round(w * 0.03),
        top: Math.round(h * 0.03),
        width: Math.round(w * 0.94),
        height: Math.round(h * 0.94),
      }),
    (s) => s.modulate({ brightness: 1.15 }),
    (s) => s.blur(1.2),
    (s) => s.sharpen({ sigma: 1.5 }),
    (s) => s.linear(1.2, -20),
  ];
  const queryEdits: ((s: Sharp, w: number, h: number) => Sharp)[] = [
    (s, w) => s.resize(Math.min(w, 320)).jpeg({ quality: 60 }),
    (s) => s.gamma(1.6),
    (s, w, h) =>
      s.extract({
        left: 0,
        top: Math.round(h * 0.06),
        width: Math.round(w * 0.95),
        height: Math.round(h * 0.9),
      }),
  ];
  const list: Uint32Array[] = [];
  const queries: Uint32Array[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const { width, height } = await sharp(path).metadata();
    if (!width || !height) continue;
    const hashOf = async (edit: (s: Sharp, w: number, h: number) => Sharp) => {
      const bytes = await edit(sharp(path), width, height).png().toBuffer();
      return (await hashImage(bytes)).hashes.pdq!;
    };
    for (const e of listEdits) list.push(packHashes([await hashOf(e)]));
    for (const e of queryEdits) queries.push(packHashes([await hashOf(e)]));
  }
  const q = new Uint32Array(queries.length * 8);
  queries.forEach((h, i) => {
    q.set(h, i * 8);
  });
  return { list, queries: q };
}

/** `n` list hashes: the photo hashes, each replicated with 2..48 random bit flips. */
function clusteredData(photos: { list: Uint32Array[]; queries: Uint32Array }, n: number): MatchBenchData {
  const hw = wordsFor(256);
  const rand = makeRandomUint32(7);
  const list = new Uint32Array(n * hw);
  for (let i = 0; i < n; i++) {
    list.set(photos.list[i % photos.list.length]!, i * hw);
    flipBits(list, i * hw, 256, 2 + (rand() % 47), rand);
  }
  return { label: 'clustered', bits: 256, list, queries: photos.queries };
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
