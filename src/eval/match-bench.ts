import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import { FlatIndex } from '../matching/flat-index.js';
import type { KernelChoice } from '../matching/kernel.js';
import { MihIndex } from '../matching/mih-index.js';
import { unpackHash, wordsFor } from '../matching/packed.js';
import { loadIndex, saveIndex } from '../node/index-file.js';
import { makeRandomUint32 } from './random.js';

/**
 * The matching benchmark behind `npm run bench` and `imprint bench match`: the same list and
 * queries through a naive baseline (hex strings compared character by character, as the npm
 * `hamming-distance` package does), the flat scan (JS and WebAssembly kernels) and multi-index
 * hashing, with every method's answers checked against the flat scan's.
 */

/** Methods the benchmark can run. */
export const MATCH_BENCH_METHODS = ['naive-hex', 'flat-js', 'flat-wasm', 'mih-js', 'mih-wasm'] as const;
export type MatchBenchMethod = (typeof MATCH_BENCH_METHODS)[number];

/** A list and queries, packed `ceil(bits / 32)` words per hash. */
export interface MatchBenchData {
  /** `random` or another name for the kind of data (printed with the results). */
  readonly label: string;
  readonly bits: number;
  readonly list: Uint32Array;
  readonly queries: Uint32Array;
}

/** Options for {@link runMatchBenchmark}. */
export interface MatchBenchOptions {
  readonly radius: number;
  readonly methods?: readonly MatchBenchMethod[];
  /** Time spent on queries per method before stopping (default 5,000 ms; at least 5 queries run). */
  readonly budgetMs?: number;
  /** Directory for the save/load round trip (default: a new one under the OS temp dir, removed after). */
  readonly tmpDir?: string;
  /** The baseline's distance function (default: a copy of npm `hamming-distance` 1.0.0's algorithm). */
  readonly naiveDistance?: (a: string, b: string) => number;
  /** Log lines as steps finish (for stderr). */
  readonly log?: (line: string) => void;
}

/** One method's figures; `null` where a figure does not apply. */
export interface MatchBenchResult {
  readonly method: MatchBenchMethod;
  readonly data: string;
  readonly n: number;
  readonly bits: number;
  readonly radius: number;
  /** Queries timed. */
  readonly queries: number;
  readonly qps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Time to build the index from packed hashes (hex strings for the baseline). */
  readonly buildMs: number;
  /** Time to load the saved index file (`null` for the baseline, which has no file). */
  readonly loadMs: number | null;
  readonly bytesPerHash: number | null;
  /** Every timed query returned exactly the flat scan's (id, distance) pairs. */
  readonly correct: boolean;
  /** Matches found over the timed queries. */
  readonly matches: number;
  /** Hash comparisons per second for the scanning methods, at the median latency (n / p50). */
  readonly comparisonsPerSec: number | null;
  /** Set when the baseline scanned only a prefix of the list and its times were scaled to n. */
  readonly extrapolatedFrom?: number;
}

/** Flips `k` distinct random bits of the packed hash at `words[at..]`. */
export function flipBits(words: Uint32Array, at: number, bits: number, k: number, rand: () => number): void {
  const hw = wordsFor(bits);
  const used = new Set<number>();
  while (used.size < Math.min(k, bits)) {
    const b = rand() % bits; // bit weight b of the integer the words spell
    if (used.has(b)) continue;
    used.add(b);
    const w = hw - 1 - (b >>> 5);
    words[at + w]! ^= (1 << (b & 31)) >>> 0;
  }
}

/**
 * `n` uniformly random hashes and `queries` random queries. Every `missEvery`-th query (0: none)
 * is a miss, a random hash with nothing planted near it; every other one has one planted
 * near-duplicate in the list at distance `i mod (min(radius, 31) + 1)` (so distances 0..31 all
 * occur).
 */
export function randomMatchData(
  n: number,
  bits: 64 | 256,
  queries: number,
  radius: number,
  seed = 1,
  missEvery = 0,
): MatchBenchData {
  if (!Number.isInteger(n) || n < 1) throw invalidArgument('a positive integer', 'n', n);
  if (queries > n) throw invalidArgument(`at most n (${n}) queries`, 'queries', queries);
  const hw = wordsFor(bits);
  const rand = makeRandomUint32(seed); // every run and every method see the same data
  const list = new Uint32Array(n * hw);
  for (let i = 0; i < list.length; i++) list[i] = rand();
  const q = new Uint32Array(queries * hw);
  for (let i = 0; i < q.length; i++) q[i] = rand();
  const block = Math.floor(n / queries);
  const spread = Math.min(radius, 31) + 1;
  for (let i = 0; i < queries; i++) {
    const at = (i * block + (rand() % block)) * hw;
    if (missEvery > 0 && i % missEvery === missEvery - 1) continue;
    list.set(q.subarray(i * hw, (i + 1) * hw), at);
    flipBits(list, at, bits, i % spread, rand);
  }
  return { label: 'random', bits, list, queries: q };
}

/** The npm `hamming-distance` 1.0.0 algorithm: each hex digit to four '0'/'1' characters, then compared character by character. */
export function naiveHexDistance(a: string, b: string): number {
  const x = toBinary(a);
  const y = toBinary(b);
  let d = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) d++;
  return d;
}

const NIBBLES = Array.from({ length: 16 }, (_, i) => i.toString(2).padStart(4, '0'));
function toBinary(hex: string): string {
  let out = '';
  for (let i = 0; i < hex.length; i++) out += NIBBLES[Number.parseInt(hex[i]!, 16)]!;
  return out;
}

/** Lowercase hex of a packed hash, as one flat string (as a list file's line would give). */
function packedHex(words: Uint32Array, at: number, bits: number): string {
  const hw = wordsFor(bits);
  const bytes = Buffer.alloc(hw * 4);
  for (let w = 0; w < hw; w++) bytes.writeUInt32BE(words[at + w]!, w * 4);
  const hex = bytes.toString('hex');
  return hex.slice(hex.length - Math.ceil(bits / 4));
}

let gcFn: (() => void) | undefined;
function collect(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Per-query answers as comparable strings: sorted "id:distance" pairs. */
type Answers = Map<number, string>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(latencies: number[]): { qps: number; p50Ms: number; p99Ms: number } {
  const total = latencies.reduce((a, b) => a + b, 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    qps: (latencies.length / total) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Runs the chosen methods on `data` (one after the other, freeing each index before the next)
 * and returns one result per method. The flat scan (WebAssembly) is always built first: its
 * answers are the reference every method is checked against.
 */
export async function runMatchBenchmark(
  data: MatchBenchData,
  options: MatchBenchOptions,
): Promise<MatchBenchResult[]> {
  const { bits, list } = data;
  const hw = wordsFor(bits);
  const n = list.length / hw;
  const qCount = data.queries.length / hw;
  const radius = options.radius;
  const methods = options.methods ?? MATCH_BENCH_METHODS;
  const budget = options.budgetMs ?? 5000;
  const log = options.log ?? (() => {});
  const dir = options.tmpDir ?? (await mkdtemp(join(tmpdir(), 'imprint-bench-')));
  const queries: Hash[] = [];
  for (let i = 0; i < qCount; i++) queries.push(unpackHash('bench', bits, data.queries, i * hw));
  const common = { data: data.label, n, bits, radius };
  const results: MatchBenchResult[] = [];

  try {
    // Reference answers and the id of each list position (duplicates share an id).
    log(`flat scan reference: building ${n} hashes`);
    let reference: FlatIndex | undefined = new FlatIndex({ algorithm: 'bench', bits, kernel: 'wasm' });
    const ids = reference.addPacked(list);
    const expected: Answers = new Map();
    // Answered 8 queries to a pass over the list (the flat scan's batch path).
    const batch = reference.queryBatch(queries, { maxDistance: radius });
    const pairs: string[][] = queries.map(() => []);
    for (let i = 0; i < batch.length; i++)
      pairs[batch.queries[i]!]!.push(`${batch.ids[i]}:${batch.distances[i]}`);
    pairs.forEach((p, i) => {
      expected.set(i, p.sort().join(','));
    });
    log(`flat scan reference: ${qCount} queries answered`);
    reference = undefined;
    collect();

    for (const method of methods) {
      log(`${method}: starting`);
      const result =
        method === 'naive-hex'
          ? naive(data, queries, radius, budget, ids, expected, options.naiveDistance ?? naiveHexDistance)
          : await indexed(method, data, queries, radius, budget, expected, dir);
      results.push({ ...common, ...result });
      log(`${method}: ${round(result.qps, 1)} queries/s, correct=${result.correct}`);
      collect();
    }
  } finally {
    if (!options.tmpDir) await rm(dir, { recursive: true, force: true });
  }
  return results;
}

function answersOf(index: FlatIndex | MihIndex, q: Hash, radius: number): string {
  const m = index.queryBatch([q], { maxDistance: radius });
  const pairs: string[] = [];
  for (let i = 0; i < m.length; i++) pairs.push(`${m.ids[i]}:${m.distances[i]}`);
  return pairs.sort().join(',');
}

type MethodFigures = Omit<MatchBenchResult, 'data' | 'n' | 'bits' | 'radius'>;

/** Times queries until the budget is spent (at least 5, after 2 untimed warm-ups). */
function timeQueries(
  count: number,
  budget: number,
  run: (i: number) => string,
  expected: Answers,
): { latencies: number[]; correct: boolean; matches: number } {
  for (let i = 0; i < Math.min(2, count); i++) run(i);
  const latencies: number[] = [];
  let correct = true;
  let matches = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const got = run(i);
    latencies.push(performance.now() - t0);
    if (got !== expected.get(i)) correct = false;
    if (got) matches += got.split(',').length;
    if (performance.now() - start > budget && latencies.length >= 5) break;
  }
  return { latencies, correct, matches };
}

async function indexed(
  method: Exclude<MatchBenchMethod, 'naive-hex'>,
  data: MatchBenchData,
  queries: Hash[],
  radius: number,
  budget: number,
  expected: Answers,
  dir: string,
): Promise<MethodFigures> {
  const kernel: KernelChoice = method.endsWith('-js') ? 'js' : 'wasm';
  const mih = method.startsWith('mih');
  const n = data.list.length / wordsFor(data.bits);
  let t0 = performance.now();
  // The radius queried is the index's default distance: a MIH layout is chosen for it.
  const options = { algorithm: 'bench', bits: data.bits, kernel, defaultMaxDistance: radius };
  let built: FlatIndex | MihIndex | undefined = mih ? new MihIndex(options) : new FlatIndex(options);
  built.addPacked(data.list);
  const buildMs = performance.now() - t0;
  const path = join(dir, `${method}.idx`);
  await saveIndex(built, path);
  built = undefined;
  collect();
  t0 = performance.now();
  const index = await loadIndex(path, { kernel });
  const loadMs = performance.now() - t0;
  await rm(path, { force: true });
  const timed = timeQueries(queries.length, budget, (i) => answersOf(index, queries[i]!, radius), expected);
  const stats = summarise(timed.latencies);
  return {
    method,
    queries: timed.latencies.length,
    ...stats,
    buildMs,
    loadMs,
    bytesPerHash: index.stats().memoryBytes / index.size,
    correct: timed.correct,
    matches: timed.matches,
    comparisonsPerSec: mih ? null : n / (stats.p50Ms / 1000),
  };
}

function naive(
  data: MatchBenchData,
  queries: Hash[],
  radius: number,
  budget: number,
  ids: Uint32Array,
  expected: Answers,
  distance: (a: string, b: string) => number,
): MethodFigures {
  const { bits, list } = data;
  const hw = wordsFor(bits);
  const n = list.length / hw;
  const qHex = queries.map((_, i) => packedHex(data.queries, i * hw, bits));
  // Cost of one comparison, to decide how much of the list fits the time budget.
  const probe = Math.min(n, 2000);
  let t0 = performance.now();
  for (let i = 0; i < probe; i++) distance(qHex[0]!, packedHex(list, i * hw, bits));
  const perCompare = (performance.now() - t0) / probe;
  const scanned = Math.max(1, Math.min(n, Math.floor(budget / 5 / perCompare)));

  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  t0 = performance.now();
  const hexes: string[] = new Array(scanned);
  for (let i = 0; i < scanned; i++) hexes[i] = packedHex(list, i * hw, bits);
  const buildMs = ((performance.now() - t0) * n) / scanned;
  collect();
  const bytesPerHash = (process.memoryUsage().heapUsed - heapBefore) / scanned;

  // Only the scanned prefix is compared: the reference restricted to ids found in it.
  const inPrefix = new Set<number>();
  for (let p = 0; p < scanned; p++) inPrefix.add(ids[p]!);
  const prefixExpected: Answers = new Map();
  for (const [q, answer] of expected) {
    const kept = answer ? answer.split(',').filter((pair) => inPrefix.has(Number(pair.split(':')[0]))) : [];
    prefixExpected.set(q, kept.join(','));
  }
  const run = (i: number): string => {
    const q = qHex[i]!;
    const seen = new Map<number, number>();
    for (let p = 0; p < scanned; p++) {
      const d = distance(q, hexes[p]!);
      if (d <= radius) seen.set(ids[p]!, d);
    }
    return [...seen]
      .map(([id, d]) => `${id}:${d}`)
      .sort()
      .join(',');
  };
  const timed = timeQueries(queries.length, budget, run, prefixExpected);
  const scale = n / scanned;
  const stats = summarise(timed.latencies.map((l) => l * scale));
  return {
    method: 'naive-hex',
    queries: timed.latencies.length,
    ...stats,
    buildMs,
    loadMs: null,
    bytesPerHash: Math.max(0, bytesPerHash),
    correct: timed.correct,
    matches: timed.matches,
    comparisonsPerSec: n / (stats.p50Ms / 1000),
    ...(scanned < n ? { extrapolatedFrom: scanned } : {}),
  };
}

function fmt(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

/**
 * The results of one {@link runMatchBenchmark} as a text table, with each method's queries/s as
 * a ratio to the naive baseline's and the flat WebAssembly scan's measured in the same run.
 */
export function formatMatchTable(results: readonly MatchBenchResult[]): string {
  const naive = results.find((r) => r.method === 'naive-hex');
  const flat = results.find((r) => r.method === 'flat-wasm');
  const rows = results.map((r) => [
    r.method,
    fmt(r.qps),
    fmt(r.p50Ms, 3),
    fmt(r.p99Ms, 3),
    r.comparisonsPerSec === null ? '-' : `${fmt(r.comparisonsPerSec / 1e6)}M`,
    fmt(r.buildMs, 0),
    fmt(r.loadMs, 0),
    fmt(r.bytesPerHash),
    naive ? `${fmt(r.qps / naive.qps)}x` : '-',
    flat ? `${fmt(r.qps / flat.qps, 2)}x` : '-',
    String(r.correct),
    `${r.queries}${r.extrapolatedFrom ? ` (scaled from ${r.extrapolatedFrom.toLocaleString('en-US')} hashes)` : ''}`,
  ]);
  const head = [
    'method',
    'qps',
    'p50 ms',
    'p99 ms',
    'cmp/s',
    'build ms',
    'load ms',
    'B/hash',
    'vs naive',
    'vs flat',
    'correct',
    'queries',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const r0 = results[0];
  const title = r0
    ? `${r0.data} ${r0.bits}-bit hashes, n=${r0.n.toLocaleString('en-US')}, radius ${r0.radius}\n`
    : '';
  return `${title}${[line(head), ...rows.map(line)].join('\n')}\n`;
}
