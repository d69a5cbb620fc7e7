/**
 * Hashing benchmark: PDQ images/s (WebAssembly and JS kernels) against sharp's bare decode to
 * full-resolution pixels (the floor) and the npm incumbent `sharp-phash`, one core and all
 * cores, in one run on the same images; ratios are to the decode floor measured in that run.
 * First, JPEG decoding against libjpeg-turbo called directly from C (compiled now, see
 * libjpeg-baseline.ts; skipped, saying why, where it cannot be built): ms per image for
 * imprint's loader and for sharp's bare decode, each beside the C figure of the same round.
 * Not part of `npm test`.
 *
 *   npm run bench:hash -- [--dir <images>] [--size 1024x768] [--cores 1,2] [--repeats 3]
 *                         [--min-ms 1500] [--methods decode,pdq,...] [--summary-json <file>]
 *
 * Without --dir, every decodable photo in fixtures/photos is made into a JPEG of --size
 * (cover-cropped, quality 90) in a temp directory. Prints a table; writes
 * bench/results/hash-*.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import { formatHashBenchTable, type HashBenchMethod, runHashBenchmark } from '../src/eval/hash-bench.js';
import { type DecodedImage, decodeImage } from '../src/sharp/decode.js';
import { buildCBaseline, fnv1a64 } from './libjpeg-baseline.js';
import { type Figure, figure, writeSummary } from './summary.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      size: { type: 'string', default: '1024x768' },
      cores: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      'min-ms': { type: 'string', default: '1500' },
      methods: { type: 'string' },
      'no-c': { type: 'boolean' },
      'summary-json': { type: 'string' },
    },
  });
  const dir = values.dir ?? (await makeCorpus(values.size));
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const images = await Promise.all(files.map((f) => readFile(join(dir, f))));
  process.stderr.write(`${images.length} images from ${dir}\n`);
  const load0 = loadavg()[0]!;
  const repeats = Number(values.repeats);
  const minMs = Number(values['min-ms']);
  const jpegs = files
    .map((f, i) => ({ path: join(dir, f), bytes: images[i]! }))
    .filter((j) => isJpeg(j.bytes));
  const versusC = values['no-c']
    ? { skipped: '--no-c' }
    : jpegs.length === 0
      ? { skipped: 'no JPEG among the images' }
      : await decodeVersusLibjpeg(jpegs, repeats, minMs);
  const report = await runHashBenchmark(images, {
    methods: values.methods?.split(',') as HashBenchMethod[] | undefined,
    cores: values.cores?.split(',').map(Number),
    repeats,
    minMs,
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`${formatVersusC(versusC, report, jpegs.length === images.length)}\n\n`);
  process.stdout.write(`${formatHashBenchTable(report, { runs: true })}\n`);
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    loadavgBefore: load0,
    loadavgAfter: loadavg()[0],
    dir,
    size: values.dir ? null : values.size,
    versusLibjpegTurbo: versusC,
    ...report,
  };
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  const path = join(root, 'bench', 'results', `hash-${out.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, `${JSON.stringify(out, null, 1)}\n`);
  process.stderr.write(`wrote ${path}\n`);
  const size = values.dir ? 'the --dir images' : values.size;
  writeSummary(
    values['summary-json'],
    'hash',
    argv,
    hashFigures(versusC, report, size, jpegs.length === images.length),
  );
}

/** Decode against libjpeg-turbo, PDQ against C decode + our hashing and against sharp's bare decode. */
function hashFigures(
  v: VersusC | { skipped: string },
  report: Awaited<ReturnType<typeof runHashBenchmark>>,
  size: string,
  allJpeg: boolean,
): Figure[] {
  const out: Figure[] = [];
  if (!('skipped' in v)) {
    for (const [id, name] of [
      ['decode.imprint', 'imprint decodeImage'],
      ['decode.sharp', 'sharp bare decode'],
    ] as const) {
      const p = v.paths.find((x) => x.name === name);
      if (!p) continue;
      out.push({
        id: `${id}.wall`,
        label: `JPEG decode ${size}, ${name}, wall ms per image`,
        value: p.wallMs,
        unit: 'ms',
        baseline: { label: 'libjpeg-turbo from C', value: v.c.wallMs },
        ratio: p.wallRatio,
        note: 'ratio: median of per-round ratios',
      });
      out.push({
        id: `${id}.cpu`,
        label: `JPEG decode ${size}, ${name}, CPU ms per image`,
        value: p.cpuMs,
        unit: 'ms',
        baseline: { label: 'libjpeg-turbo from C', value: v.c.cpuMs },
        ratio: p.cpuRatio,
        note: 'ratio: median of per-round ratios',
      });
    }
    if (allJpeg) {
      const cPlusHash = 1000 / (v.c.wallMs + v.hashMs);
      for (const cores of [1, 2]) {
        const pdq = report.results.find((r) => r.method === 'pdq' && r.cores === cores);
        if (!pdq) continue;
        out.push(
          figure(
            `pdq.vs-c.x${cores}`,
            `full-res PDQ ${size}, ${cores} core${cores > 1 ? 's' : ''}, images/s`,
            pdq.imagesPerSec,
            'img/s',
            {
              label: `libjpeg-turbo decode + our hashing${cores > 1 ? `, x${cores}` : ''}`,
              value: cPlusHash * cores,
            },
            'baseline is a model (C decode ms + pdqHash ms); the C++ reference hasher is not run',
          ),
        );
      }
    }
  }
  for (const r of report.results) {
    if (r.method === 'decode') continue;
    const floor = report.results.find((x) => x.method === 'decode' && x.cores === r.cores);
    out.push({
      id: `hash.${r.method}.x${r.cores}`,
      label: `${r.method}, ${size}, ${r.cores} core${r.cores > 1 ? 's' : ''}, images/s`,
      value: r.imagesPerSec,
      unit: 'img/s',
      baseline: floor ? { label: "sharp's bare decode", value: floor.imagesPerSec } : null,
      ratio: floor ? r.ratioToDecode : null,
      note: 'ratio: median of per-repeat ratios',
    });
  }
  return out;
}

const isJpeg = (b: Uint8Array): boolean => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Medians over the rounds; each ratio is the median of per-round ratios to C in that round. */
interface VersusC {
  readonly images: number;
  readonly rounds: number;
  readonly c: { readonly wallMs: number; readonly cpuMs: number; readonly faults: number };
  readonly paths: readonly {
    readonly name: string;
    readonly wallMs: number;
    readonly cpuMs: number;
    /** Minor page faults per image (this process). */
    readonly faults: number;
    readonly wallRatio: number;
    readonly cpuRatio: number;
  }[];
  /** decodeImage's pixels hash to the same FNV-1a as the C decoder's (same decoder output). */
  readonly samePixels: boolean;
  /** pdqHash alone (WebAssembly kernel) on decoded images, ms per image, one thread. */
  readonly hashMs: number;
}

/**
 * JPEG decode ms per image, one image at a time with one libvips thread (sharp.concurrency(1)),
 * in rounds that interleave the C decoder (a child process) with imprint's loader and sharp's
 * bare decode (this process, CPU counted over all its threads), so that load from elsewhere hits
 * them alike.
 */
async function decodeVersusLibjpeg(
  jpegs: readonly { path: string; bytes: Uint8Array }[],
  repeats: number,
  minMs: number,
): Promise<VersusC | { skipped: string }> {
  const baseline = buildCBaseline(jpegs.map((j) => j.path));
  if ('skipped' in baseline) return baseline;
  const previous = sharp.concurrency();
  sharp.concurrency(1);
  try {
    const decoded: DecodedImage[] = [];
    for (const j of jpegs) decoded.push(await decodeImage(j.bytes));
    const first = await baseline.run(0); // one untimed pass, pixels hashed
    const samePixels =
      first.pixelsFnv ===
      fnv1a64(decoded.map((d) => new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.length)));
    const paths: [string, (b: Uint8Array) => Promise<unknown>][] = [
      ['imprint decodeImage', (b) => decodeImage(b)],
      ['sharp bare decode', (b) => sharp(b, { ignoreIcc: true, sequentialRead: true }).raw().toBuffer()],
    ];
    for (const [, run] of paths) await timeEach(jpegs, run, 200); // warm-up
    const c: { wallMs: number; cpuMs: number; faults: number }[] = [];
    const js = paths.map(() => [] as { wallMs: number; cpuMs: number; faults: number }[]);
    for (let r = 0; r < repeats; r++) {
      const round = await baseline.run(minMs);
      c.push(round);
      process.stderr.write(
        `  libjpeg-turbo C round ${r + 1}/${repeats}: ${round.wallMs.toFixed(2)} ms wall, ${round.cpuMs.toFixed(2)} ms CPU per image\n`,
      );
      // Alternate which JS path follows the C run, so neither always meets its after-effects.
      const order = r % 2 === 0 ? [...paths.keys()] : [...paths.keys()].reverse();
      for (const i of order) {
        const [name, run] = paths[i]!;
        const t = await timeEach(jpegs, run, minMs);
        js[i]!.push(t);
        process.stderr.write(
          `  ${name} round ${r + 1}/${repeats}: ${t.wallMs.toFixed(2)} ms wall, ${t.cpuMs.toFixed(2)} ms CPU per image\n`,
        );
      }
    }
    const hash = await timeEach(
      decoded.map((d) => ({ bytes: d.bytes, image: d })),
      async (_b, item) => pdqHash(item.image),
      minMs,
    );
    return {
      images: jpegs.length,
      rounds: repeats,
      c: {
        wallMs: median(c.map((x) => x.wallMs)),
        cpuMs: median(c.map((x) => x.cpuMs)),
        faults: median(c.map((x) => x.faults)),
      },
      paths: paths.map(([name], i) => ({
        name,
        wallMs: median(js[i]!.map((x) => x.wallMs)),
        cpuMs: median(js[i]!.map((x) => x.cpuMs)),
        faults: median(js[i]!.map((x) => x.faults)),
        wallRatio: median(js[i]!.map((x, k) => x.wallMs / c[k]!.wallMs)),
        cpuRatio: median(js[i]!.map((x, k) => x.cpuMs / c[k]!.cpuMs)),
      })),
      samePixels,
      hashMs: hash.wallMs,
    };
  } finally {
    sharp.concurrency(previous);
  }
}

/** Wall and CPU (this process, all threads) ms per item, cycling through the items for minMs. */
async function timeEach<T extends { bytes: Uint8Array }>(
  items: readonly T[],
  run: (bytes: Uint8Array, item: T) => Promise<unknown>,
  minMs: number,
): Promise<{ wallMs: number; cpuMs: number; faults: number }> {
  const faults0 = process.resourceUsage().minorPageFault;
  const start = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  do {
    for (const item of items) {
      await run(item.bytes, item);
      count++;
    }
  } while (performance.now() - start < minMs);
  const used = process.cpuUsage(cpu);
  return {
    wallMs: (performance.now() - start) / count,
    cpuMs: (used.user + used.system) / 1000 / count,
    faults: (process.resourceUsage().minorPageFault - faults0) / count,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The decode table against C, then PDQ images/s beside libjpeg-turbo's decode plus our hashing
 * (C decode ms + pdqHash ms per image on one core; on two, twice that rate: a model, not a run
 * of a C hasher, which is not built here).
 */
function formatVersusC(
  v: VersusC | { skipped: string },
  report: Awaited<ReturnType<typeof runHashBenchmark>>,
  allJpeg: boolean,
): string {
  if ('skipped' in v) return `JPEG decode vs libjpeg-turbo: skipped (${v.skipped})`;
  const rows = [
    ['decoder', 'wall ms', 'CPU ms', 'wall x C', 'CPU x C', 'page faults'],
    [
      'libjpeg-turbo, C',
      v.c.wallMs.toFixed(2),
      v.c.cpuMs.toFixed(2),
      '1.00x',
      '1.00x',
      v.c.faults.toFixed(0),
    ],
    ...v.paths.map((p) => [
      p.name,
      p.wallMs.toFixed(2),
      p.cpuMs.toFixed(2),
      `${p.wallRatio.toFixed(2)}x`,
      `${p.cpuRatio.toFixed(2)}x`,
      p.faults.toFixed(0),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const out = [
    `JPEG decode vs libjpeg-turbo (${v.images} JPEGs, one at a time, one thread; medians of ${v.rounds} interleaved rounds; ratios per round):`,
    ...rows.map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
    `decodeImage's pixels identical to libjpeg-turbo's: ${v.samePixels ? 'yes' : 'NO'}`,
    '(page faults: minor faults per image; fresh output buffers cost them, see docs/decode-and-startup.md)',
    `pdqHash alone (WebAssembly) on the decoded pixels: ${v.hashMs.toFixed(2)} ms per image`,
  ];
  if (!allJpeg) out.push('(PDQ rows below include non-JPEG images: no C comparison for them)');
  else {
    const cPlusHash = 1000 / (v.c.wallMs + v.hashMs);
    for (const cores of [1, 2]) {
      const pdq = report.results.find((r) => r.method === 'pdq' && r.cores === cores);
      if (!pdq) continue;
      const model = cPlusHash * cores;
      out.push(
        `PDQ x${cores}: ${pdq.imagesPerSec.toFixed(1)} images/s; libjpeg-turbo decode + our hashing${cores > 1 ? ` (x${cores}, ideal scaling)` : ''}: ${model.toFixed(1)} images/s; ratio ${(pdq.imagesPerSec / model).toFixed(2)}x (the C++ reference was not run)`,
      );
    }
  }
  return out.join('\n');
}

/** Every decodable fixture photo as a JPEG of the given size, made once per size. */
async function makeCorpus(size: string): Promise<string> {
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match) throw new Error(`--size expects WIDTHxHEIGHT but received ${size}`);
  const [width, height] = [Number(match[1]), Number(match[2])];
  const dir = join(tmpdir(), 'imprint-bench-hash', size);
  if (existsSync(join(dir, '.complete'))) return dir;
  await mkdir(dir, { recursive: true });
  const photos = join(root, 'fixtures', 'photos');
  for (const name of (await readdir(photos)).sort()) {
    if (!/\.(jpe?g|png|webp|gif)$/i.test(name)) continue;
    try {
      const jpeg = await sharp(join(photos, name), { failOn: 'error' })
        .resize(width, height, { fit: 'cover' })
        .jpeg({ quality: 90 })
        .toBuffer();
      await writeFile(join(dir, `${name.replace(/\.[^.]+$/, '')}.jpg`), jpeg);
    } catch {
      // the broken-file fixtures (empty, truncated, not an image) are not photos
    }
  }
  await writeFile(join(dir, '.complete'), '');
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
