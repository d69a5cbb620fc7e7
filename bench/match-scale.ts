/**
 * The scale parts of `npm run bench:match`: batches over worker threads against one thread, and
 * a sharded index of up to 10^8 hashes. Every figure is printed beside its baseline from the same
 * run; answers are checked against the single-thread (or brute-force) answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hash } from '../src/core/hash.js';
import { randomMatchData } from '../src/eval/match-bench.js';
import { FlatIndex } from '../src/matching/flat-index.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { unpackHash, wordsFor } from '../src/matching/packed.js';
import { ShardedIndex } from '../src/matching/sharded-index.js';
import type { BatchMatches } from '../src/matching/types.js';
import { saveIndex } from '../src/node/index-file.js';
import { ParallelIndex } from '../src/node/parallel-index.js';
import { memoryFloor } from './memory-floor.js';
import { type Figure, figure, sizeKey } from './summary.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`  ${line}\n`);

function same(a: BatchMatches, b: BatchMatches): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a.queries[i] !== b.queries[i] || a.ids[i] !== b.ids[i] || a.distances[i] !== b.distances[i])
      return false;
  }
  return true;
}

function hashesOf(words: Uint32Array, bits: number): Hash[] {
  const hw = wordsFor(bits);
  const hashes: Hash[] = [];
  for (let i = 0; i < words.length / hw; i++) hashes.push(unpackHash('bench', bits, words, i * hw));
  return hashes;
}

/** Best of `runs` wall times (ms) of `f`, and CPU ms of this thread's process for that run. */
async function best<T>(
  runs: number,
  f: () => T | Promise<T>,
): Promise<{ ms: number; cpuMs: number; value: T }> {
  let result: { ms: number; cpuMs: number; value: T } | undefined;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await f();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!result || ms < result.ms) result = { ms, cpuMs: (c.user + c.system) / 1000, value };
  }
  return result!;
}

/**
 * Batches of `batch` queries against `n` hashes: the flat scan one query at a time, in one
 * thread with 8 queries a pass, and over worker threads; MIH in one thread and over threads.
 */
export async function benchBatches(
  n: number,
  batch: number,
  radius: number,
  threads: number,
): Promise<Figure[]> {
  const bits = 256;
  const data = randomMatchData(n, bits, batch, radius, 5, 4);
  const queries = hashesOf(data.queries, bits);
  const options = { maxDistance: radius };
  out(
    `batches: ${batch.toLocaleString('en-US')} queries against ${n.toLocaleString('en-US')} random 256-bit hashes, radius ${radius}, ${threads} worker threads (${availableParallelism()} cores reported)`,
  );
  const rows: [string, number, number, boolean][] = [];
  const flat = new FlatIndex({ algorithm: 'bench', bits, defaultMaxDistance: radius });
  flat.addPacked(data.list);
  err('flat: one query at a time');
  const single = await best(1, () => {
    for (const q of queries) flat.queryBatch([q], options);
  });
  const flatOne = await best(2, () => flat.queryBatch(queries, options));
  const reference = flatOne.value;
  rows.push(['flat, 1 query a pass, 1 thread', single.ms, single.cpuMs, true]);
  rows.push(['flat, 8 queries a pass, 1 thread', flatOne.ms, flatOne.cpuMs, true]);
  err('flat: worker threads');
  const pf = await ParallelIndex.start(flat, { threads });
  const flatPar = await best(2, () => pf.queryBatch(queries, options));
  await pf.close();
  rows.push([
    `flat, 8 queries a pass, ${threads} threads`,
    flatPar.ms,
    Number.NaN,
    same(flatPar.value, reference),
  ]);
  const mih = new MihIndex({ algorithm: 'bench', bits, defaultMaxDistance: radius });
  mih.addPacked(data.list);
  err('mih: one thread');
  const mihOne = await best(3, () => mih.queryBatch(queries, options));
  rows.push(['mih, 1 thread', mihOne.ms, mihOne.cpuMs, same(mihOne.value, reference)]);
  const pm = await ParallelIndex.start(mih, { threads });
  err('mih: worker threads');
  const mihPar = await best(3, () => pm.queryBatch(queries, options));
  await pm.close();
  rows.push([`mih, ${threads} threads`, mihPar.ms, Number.NaN, same(mihPar.value, reference)]);
  const base = new Map([
    ['flat', flatOne.ms],
    ['mih', mihOne.ms],
  ]);
  out('method                              batch ms   queries/s  vs 1 thread  main-thread CPU ms  correct');
  for (const [name, ms, cpu, ok] of rows) {
    const ref = base.get(name.split(',')[0]!)!;
    out(
      `${name.padEnd(34)}  ${ms.toFixed(1).padStart(8)}  ${Math.round((batch / ms) * 1000)
        .toLocaleString('en-US')
        .padStart(
          10,
        )}  ${`${(ref / ms).toFixed(2)}x`.padStart(11)}  ${(Number.isNaN(cpu) ? '-' : cpu.toFixed(0)).padStart(18)}  ${ok}`,
    );
  }
  // The memory floor: the list's bytes read once per pass of 8 queries, on 1 and `threads` threads.
  const floor = await memoryFloor(
    new Uint8Array(data.list.buffer, data.list.byteOffset, data.list.byteLength),
  );
  const passes = Math.ceil(batch / 8);
  const floor1 = floor.oneThread(5);
  const floorN = await floor.threads(threads, 5);
  const pass1 = flatOne.ms / passes;
  const passN = flatPar.ms / passes;
  out(
    `memory floor (the list's ${(floor.bytes / 2 ** 20).toFixed(1)} MiB read once, WebAssembly SIMD): ${floor1.toFixed(2)} ms on 1 thread, ${floorN.toFixed(2)} ms on ${threads}; flat scan pass of 8 queries: ${pass1.toFixed(2)} ms on 1 thread (${(pass1 / floor1).toFixed(2)}x the floor), ${passN.toFixed(2)} ms on ${threads} (${(passN / floorN).toFixed(2)}x)`,
  );
  out();
  const at = sizeKey(n);
  const qps = (ms: number) => (batch / ms) * 1000;
  return [
    figure(
      `batch.flat.pass@${at}`,
      `flat scan, ms per pass of 8 queries over ${at} hashes, 1 thread`,
      pass1,
      'ms',
      { label: 'memory floor, 1 thread', value: floor1 },
    ),
    figure(
      `batch.flat.pass.threads@${at}`,
      `flat scan, ms per pass of 8 queries over ${at} hashes, ${threads} threads`,
      passN,
      'ms',
      { label: `memory floor, ${threads} threads`, value: floorN },
    ),
    figure(
      `batch.flat.threads@${at}`,
      `flat batch of ${batch} on ${threads} threads, ${at} hashes`,
      qps(flatPar.ms),
      'q/s',
      { label: 'flat, 1 thread, 8 a pass', value: qps(flatOne.ms) },
      same(flatPar.value, reference) ? undefined : 'ANSWERS DIFFER from the one-thread scan',
    ),
    figure(
      `batch.flat.multi@${at}`,
      `flat batch of ${batch}, 8 queries a pass, 1 thread, ${at} hashes`,
      qps(flatOne.ms),
      'q/s',
      { label: 'flat, 1 query a pass', value: qps(single.ms) },
    ),
    figure(
      `batch.mih.threads@${at}`,
      `MIH batch of ${batch} on ${threads} threads, ${at} hashes`,
      qps(mihPar.ms),
      'q/s',
      { label: 'MIH, 1 thread', value: qps(mihOne.ms) },
      same(mihPar.value, reference) ? undefined : 'ANSWERS DIFFER from the flat scan',
    ),
  ];
}

/** Popcount of a 32-bit word. */
function pop(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 63;
}

/**
 * A {@link ShardedIndex} of `n` random 256-bit hashes in `shards` shards: build time, memory per
 * hash, single-query and batch queries/s; a few queries checked against a brute-force pass over
 * the generated words, every planted neighbour checked to be found.
 */
export async function benchSharded(
  n: number,
  shards: number,
  queryCount: number,
  radius: number,
  budgetMs: number,
  threads: number,
): Promise<Figure[]> {
  const bits = 256;
  const hw = wordsFor(bits);
  err(`sharded: generating ${n.toLocaleString('en-US')} hashes`);
  let data: ReturnType<typeof randomMatchData> | undefined = randomMatchData(
    n,
    bits,
    queryCount,
    radius,
    9,
    4,
  );
  const queries = hashesOf(data.queries, bits);
  const rss0 = process.memoryUsage().rss;
  err(`sharded: building ${shards} shards`);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let index: ShardedIndex | undefined = new ShardedIndex({
    algorithm: 'bench',
    bits,
    defaultMaxDistance: radius,
    shards,
  });
  index.addPacked(data.list);
  const buildMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const stats = index.stats();
  const rss = process.memoryUsage().rss;
  out(
    `sharded: ${stats.size.toLocaleString('en-US')} random 256-bit hashes in ${shards} shards (layout of shard 0: ${stats.substrings.length} substrings of ${[...new Set(stats.substrings.map((s) => s.bits))].join('/')} bits), radius ${radius}`,
  );
  out(
    `  build ${(buildMs / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU; index memory ${(stats.memoryBytes / 2 ** 30).toFixed(2)} GiB = ${(stats.memoryBytes / stats.size).toFixed(1)} bytes/hash; process RSS ${(rss / 2 ** 30).toFixed(2)} GiB (${(rss0 / 2 ** 30).toFixed(2)} GiB before, the generated list included)`,
  );
  // Brute force on a few queries, straight over the generated words.
  const checked = Math.min(3, queryCount);
  const brute: string[] = [];
  for (let q = 0; q < checked; q++) {
    const hits: string[] = [];
    const qw = data.queries.subarray(q * hw, (q + 1) * hw);
    const list = data.list;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let w = 0; w < hw && d <= radius; w++) d += pop(list[i * hw + w]! ^ qw[w]!);
      if (d <= radius) hits.push(`${d}`);
    }
    brute.push(hits.sort().join(','));
  }
  let correct = true;
  let found = 0;
  const t1 = performance.now();
  let timed = 0;
  const latencies: number[] = [];
  for (let q = 0; q < queryCount; q++) {
    const s = performance.now();
    const m = index!.query(queries[q]!, { maxDistance: radius });
    latencies.push(performance.now() - s);
    timed++;
    if (m.length > 0) found++;
    if (
      q < checked &&
      m
        .map((x) => `${x.distance}`)
        .sort()
        .join(',') !== brute[q]
    )
      correct = false;
    if (performance.now() - t1 > budgetMs && timed >= 20) break;
  }
  const planted = Array.from({ length: timed }, (_, q) => q).filter((q) => q % 4 !== 3).length;
  const total = latencies.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)]!;
  out(
    `  query: ${Math.round((timed / total) * 1000).toLocaleString('en-US')} queries/s (mean), p50 ${p50.toFixed(3)} ms (${Math.round(1000 / p50).toLocaleString('en-US')}/s at the median), ${timed} queries; ${found} found a match (${planted} had a planted neighbour); ${checked} checked against a brute-force pass: ${correct}`,
  );
  const batch = queries.slice(0, Math.min(queries.length, 1000));
  const b = await best(2, () => index!.queryBatch(batch, { maxDistance: radius }));
  out(
    `  queryBatch of ${batch.length}: ${b.ms.toFixed(0)} ms, ${Math.round((batch.length / b.ms) * 1000).toLocaleString('en-US')} queries/s (one thread, the shards one after another)`,
  );
  // Built once, saved, then loaded by worker threads straight from the files: the index and the
  // generated list are let go first, so the process holds one copy of the shards.
  const dir = mkdtempSync(join(tmpdir(), 'imprint-bench-sharded-'));
  let par: { load: number; rss: number; ms: number; same: boolean; threads: number; bytes: number };
  try {
    const s0 = performance.now();
    const { bytes } = await saveIndex(index, join(dir, 'index'));
    const saveMs = performance.now() - s0;
    index = undefined;
    data = undefined;
    (globalThis as { gc?: () => void }).gc?.();
    const l0 = performance.now();
    const parallel = await ParallelIndex.open(join(dir, 'index'), { threads });
    const load = performance.now() - l0;
    try {
      const rssOpen = process.memoryUsage().rss;
      const p = await best(2, () => parallel.queryBatch(batch, { maxDistance: radius }));
      par = { load, rss: rssOpen, ms: p.ms, same: same(p.value, b.value), threads: parallel.threads, bytes };
      out(
        `  saved as a directory: ${(bytes / 2 ** 30).toFixed(2)} GiB in ${(saveMs / 1000).toFixed(1)} s; ParallelIndex.open on ${parallel.threads} threads: loaded in ${(load / 1000).toFixed(1)} s, process RSS ${(rssOpen / 2 ** 30).toFixed(2)} GiB = ${(rssOpen / n).toFixed(1)} bytes/hash, the whole process`,
      );
      out(
        `  queryBatch of ${batch.length} on ${parallel.threads} threads: ${p.ms.toFixed(0)} ms, ${Math.round((batch.length / p.ms) * 1000).toLocaleString('en-US')} queries/s, ${(b.ms / p.ms).toFixed(2)}x the one thread; same answers: ${par.same}`,
      );
    } finally {
      await parallel.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out();
  const at = sizeKey(n);
  const flatBytes = hw * 4;
  return [
    figure(
      `sharded.bytes@${at}`,
      `sharded index of ${at} hashes (${shards} shards), memory per hash`,
      stats.memoryBytes / stats.size,
      'B/hash',
      { label: 'the packed hashes alone', value: flatBytes },
    ),
    figure(
      `sharded.threads@${at}`,
      `sharded index of ${at} hashes, queryBatch of ${batch.length} on ${par.threads} threads (ParallelIndex.open)`,
      (batch.length / par.ms) * 1000,
      'q/s',
      {
        label: 'the same batch, shards one after another in one thread',
        value: (batch.length / b.ms) * 1000,
      },
      par.same ? undefined : 'ANSWERS DIFFER from the one-thread batch',
    ),
    figure(
      `sharded.rss@${at}`,
      `sharded index of ${at} hashes opened on ${par.threads} threads, process RSS per hash`,
      par.rss / n,
      'B/hash',
      { label: 'index memory per hash (built in one thread)', value: stats.memoryBytes / stats.size },
      `loaded in ${(par.load / 1000).toFixed(1)} s from ${(par.bytes / 2 ** 30).toFixed(2)} GiB of files`,
    ),
    figure(
      `sharded.build@${at}`,
      `sharded index of ${at} hashes, build (addPacked)`,
      buildMs / 1000,
      's',
      null,
      `${((c.user + c.system) / 1e6).toFixed(1)} s CPU`,
    ),
    figure(
      `sharded.query@${at}`,
      `sharded index of ${at} hashes, query one at a time (mean)`,
      (timed / total) * 1000,
      'q/s',
      null,
      correct ? undefined : 'ANSWERS DIFFER from a brute-force pass',
    ),
  ];
}
