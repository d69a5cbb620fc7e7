/**
 * The hashing benchmark's engine, shared by `imprint bench hash` and `bench/hash.ts`: images per
 * second for PDQ and its baselines on the same in-memory files, at one core and at all cores,
 * with ratios against sharp's bare decode to full-resolution pixels (the floor any exact hasher
 * pays) measured in the same run. Methods are interleaved within each repeat so that load from
 * other processes hits all of them alike; the ratios are medians of per-repeat ratios.
 */
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { type PdqKernel, pdqHash, pdqWasmAvailable } from '../algorithms/pdq/pdq.js';
import { ImprintError } from '../core/errors.js';
import { hammingBytes, hashToHex } from '../core/hash.js';
import { decodeImage } from '../sharp/decode.js';

/**
 * - `decode`: sharp's decode to full-resolution raw pixels alone (the floor).
 * - `load`: imprint's loader (`decodeImage`: header check, then the same decode).
 * - `pdq`: `decodeImage` + `pdqHash`, the WebAssembly kernel (what `hashImage` does by default).
 * - `pdq-js`: the same with the plain-JS kernel (the fallback where WebAssembly SIMD is missing).
 * - `sharp-phash`: the npm incumbent (64-bit pHash on a 32x32 thumbnail; JPEG shrink-on-load).
 * - `pdq-shrink`: APPROXIMATE PDQ of a JPEG decoded at 1/2 scale (libjpeg shrink-on-load); not
 *   the reference's hash: its bit distance to the exact hash is reported. Never a default.
 */
export const HASH_BENCH_METHODS = ['decode', 'load', 'pdq', 'pdq-js', 'sharp-phash', 'pdq-shrink'] as const;
export type HashBenchMethod = (typeof HASH_BENCH_METHODS)[number];

/** Options for {@link runHashBenchmark}. */
export interface HashBenchOptions {
  /** Default: all of {@link HASH_BENCH_METHODS} (`sharp-phash` is skipped when not installed). */
  methods?: readonly HashBenchMethod[];
  /** Images in flight: default `[1, availableParallelism()]` (just `[1]` on one core). */
  cores?: readonly number[];
  /** Timed runs per method and level; default 3. */
  repeats?: number;
  /** Each timed run cycles through the images for at least this long; default 1500 ms. */
  minMs?: number;
  /** Log lines as runs finish (for stderr). */
  log?: (line: string) => void;
}

/** One method at one level of parallelism. */
export interface HashBenchResult {
  readonly method: HashBenchMethod;
  /** Images in flight (1 = one core: sharp is also limited to one thread). */
  readonly cores: number;
  /** Median images per second over the repeats. */
  readonly imagesPerSec: number;
  /** The best repeat's images per second (the least disturbed by other load on the machine). */
  readonly bestPerSec: number;
  /** Median over repeats of this method's rate / the decode floor's rate in the same repeat. */
  readonly ratioToDecode: number;
  /** Best rate / the decode floor's best rate at the same level. */
  readonly bestRatioToDecode: number;
  /** This method's median rate / its own one-core median rate. */
  readonly scaling: number | null;
  /** Images per second of each repeat. */
  readonly runs: readonly number[];
}

/** What the benchmark found besides speed. */
export interface HashBenchReport {
  readonly images: number;
  readonly results: HashBenchResult[];
  /** True when the WebAssembly and JS kernels gave identical PDQ hashes on every image. */
  readonly kernelsAgree: boolean | null;
  /** Bit distance of `pdq-shrink` to the exact PDQ hash over the images (JPEGs only). */
  readonly shrinkDistance: { readonly mean: number; readonly max: number; readonly images: number } | null;
  /** Methods left out, with why. */
  readonly skipped: readonly { readonly method: HashBenchMethod; readonly reason: string }[];
}

type Runner = (input: Uint8Array) => Promise<unknown>;

/**
 * Measures images/s for each method on `images` (encoded files in memory).
 *
 * @example
 * ```ts
 * const files = paths.map((p) => readFileSync(p));
 * const report = await runHashBenchmark(files, { cores: [1, 2] });
 * for (const r of report.results) console.log(r.method, r.cores, r.imagesPerSec, r.ratioToDecode);
 * ```
 */
export async function runHashBenchmark(
  images: readonly Uint8Array[],
  options: HashBenchOptions = {},
): Promise<HashBenchReport> {
  if (images.length === 0)
    throw new ImprintError('ERR_INVALID_ARGUMENT', 'The benchmark needs at least one image');
  const cores = options.cores ?? [...new Set([1, availableParallelism()])];
  const repeats = options.repeats ?? 3;
  const minMs = options.minMs ?? 1500;
  const progress = options.log ?? (() => {});
  const skipped: { method: HashBenchMethod; reason: string }[] = [];
  const runners = new Map<HashBenchMethod, Runner>();
  for (const method of options.methods ?? HASH_BENCH_METHODS) {
    const runner = await runnerFor(method);
    if (typeof runner === 'string') skipped.push({ method, reason: runner });
    else runners.set(method, runner);
  }
  if (!runners.has('decode')) runners.set('decode', (await runnerFor('decode')) as Runner); // the baseline

  const kernelsAgree = runners.has('pdq') && runners.has('pdq-js') ? await compareKernels(images) : null;
  const shrinkDistance = runners.has('pdq-shrink') ? await shrinkDistances(images) : null;

  const previousThreads = sharp.concurrency();
  const rates = new Map<string, number[]>(); // `${method}@${cores}` -> images/s per repeat
  try {
    for (const level of cores) {
      // One core: one image at a time and one libvips thread. More: that many images in flight,
      // each decoded by one libvips thread (the fastest setting for many small images).
      sharp.concurrency(1);
      for (const run of runners.values()) await cycle(run, images, level, 0); // warm-up: JIT, caches
      for (let r = 0; r < repeats; r++) {
        for (const [method, run] of runners) {
          const { count, ms } = await cycle(run, images, level, minMs);
          const rate = (count * 1000) / ms;
          const key = `${method}@${level}`;
          rates.set(key, [...(rates.get(key) ?? []), rate]);
          progress(`${method} x${level} run ${r + 1}/${repeats}: ${rate.toFixed(1)} images/s`);
        }
      }
    }
  } finally {
    sharp.concurrency(previousThreads);
  }

  const results: HashBenchResult[] = [];
  for (const level of cores) {
    const floor = rates.get(`decode@${level}`)!;
    for (const method of runners.keys()) {
      const runs = rates.get(`${method}@${level}`)!;
      const one = rates.get(`${method}@1`);
      results.push({
        method,
        cores: level,
        imagesPerSec: median(runs),
        bestPerSec: Math.max(...runs),
        ratioToDecode: median(runs.map((rate, i) => rate / floor[i]!)),
        bestRatioToDecode: Math.max(...runs) / Math.max(...floor),
        scaling: one && level !== 1 ? median(runs) / median(one) : null,
        runs,
      });
    }
  }
  return { images: images.length, results, kernelsAgree, shrinkDistance, skipped };
}

async function runnerFor(method: HashBenchMethod): Promise<Runner | string> {
  switch (method) {
    case 'decode':
      // sequentialRead: the fastest way libvips decodes a whole image to memory (the loader uses it too)
      return (input) => sharp(input, { ignoreIcc: true, sequentialRead: true }).raw().toBuffer();
    case 'load':
      return (input) => decodeImage(input);
    case 'pdq':
      if (!pdqWasmAvailable()) return 'WebAssembly SIMD is not available here';
      return pdqRunner('wasm');
    case 'pdq-js':
      return pdqRunner('js');
    case 'sharp-phash': {
      const phash = await loadSharpPhash();
      if (!phash) return 'sharp-phash is not installed (npm install --no-save sharp-phash)';
      return (input) => phash(input);
    }
    case 'pdq-shrink':
      return async (input) => pdqHash(await decodeShrunk(input));
  }
}

function pdqRunner(kernel: PdqKernel): Runner {
  return async (input) => pdqHash(await decodeImage(input), { kernel });
}

type PhashFn = (input: Uint8Array) => Promise<string>;

/** sharp-phash is a dev dependency of the benchmark only: load it if it is there. */
async function loadSharpPhash(): Promise<PhashFn | null> {
  const name = 'sharp-phash'; // a variable, so bundlers leave the optional import alone
  try {
    const mod = (await import(name)) as { default?: PhashFn } & PhashFn;
    return typeof mod.default === 'function' ? mod.default : typeof mod === 'function' ? mod : null;
  } catch {
    return null;
  }
}

/**
 * Decodes at half size where the decoder can do it for free (JPEG shrink-on-load); other
 * formats are decoded in full. The result approximates the image PDQ sees, nothing more.
 */
async function decodeShrunk(input: Uint8Array): Promise<{
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}> {
  const meta = await sharp(input).metadata();
  let pipeline = sharp(input, { ignoreIcc: true });
  if (meta.format === 'jpeg' && meta.width && meta.height && Math.min(meta.width, meta.height) >= 64) {
    // Exactly the size libjpeg's 1/2 DCT scaling produces, so libvips adds no resampling of its own.
    pipeline = pipeline.resize(Math.ceil(meta.width / 2), Math.ceil(meta.height / 2), {
      fit: 'fill',
      fastShrinkOnLoad: true,
    });
  }
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels as 1 | 2 | 3 | 4,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

async function compareKernels(images: readonly Uint8Array[]): Promise<boolean> {
  for (const input of images) {
    const image = await decodeImage(input);
    const wasm = pdqHash(image, { kernel: 'wasm' });
    const js = pdqHash(image, { kernel: 'js' });
    if (hashToHex(wasm.hash) !== hashToHex(js.hash) || wasm.quality !== js.quality) return false;
  }
  return true;
}

async function shrinkDistances(
  images: readonly Uint8Array[],
): Promise<{ mean: number; max: number; images: number } | null> {
  const distances: number[] = [];
  for (const input of images) {
    if ((await sharp(input).metadata()).format !== 'jpeg') continue;
    const exact = pdqHash(await decodeImage(input)).hash;
    const approx = pdqHash(await decodeShrunk(input)).hash;
    distances.push(hammingBytes(exact.bytes, approx.bytes));
  }
  if (distances.length === 0) return null;
  return {
    mean: distances.reduce((a, b) => a + b, 0) / distances.length,
    max: Math.max(...distances),
    images: distances.length,
  };
}

/**
 * Cycles through the images with `inFlight` of them in progress at once until `minMs` have
 * passed (at least one pass over the images); returns how many finished and how long it took.
 */
async function cycle(
  run: Runner,
  images: readonly Uint8Array[],
  inFlight: number,
  minMs: number,
): Promise<{ count: number; ms: number }> {
  const start = performance.now();
  let next = 0;
  let count = 0;
  const worker = async (): Promise<void> => {
    while (next < images.length || performance.now() - start < minMs) {
      const input = images[next++ % images.length]!;
      await run(input);
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { count, ms: performance.now() - start };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The benchmark as a text table (one row per method and core count, ratios to the decode floor),
 * with the kernel agreement, the approximate mode's bit distance and skipped methods below it.
 * `runs: true` adds each repeat's images/s.
 */
export function formatHashBenchTable(report: HashBenchReport, options: { runs?: boolean } = {}): string {
  const rows = report.results.map((r) => [
    r.method,
    String(r.cores),
    r.imagesPerSec.toFixed(1),
    `${(r.ratioToDecode * 100).toFixed(0)}%`,
    r.bestPerSec.toFixed(1),
    `${(r.bestRatioToDecode * 100).toFixed(0)}%`,
    r.scaling === null ? '' : `${r.scaling.toFixed(2)}x`,
    ...(options.runs ? [r.runs.map((x) => x.toFixed(0)).join(' ')] : []),
  ]);
  const head = ['method', 'cores', 'images/s', 'vs decode', 'best', 'best vs decode', 'vs 1 core'];
  if (options.runs) head.push('runs');
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  if (report.kernelsAgree !== null) out.push(`PDQ WebAssembly == JS on every image: ${report.kernelsAgree}`);
  if (report.shrinkDistance) {
    const d = report.shrinkDistance;
    out.push(
      `pdq-shrink vs exact PDQ: mean ${d.mean.toFixed(1)} bits, max ${d.max} of 256 (${d.images} JPEGs)`,
    );
  }
  for (const s of report.skipped) out.push(`skipped ${s.method}: ${s.reason}`);
  return out.join('\n');
}
