/**
 * Upload-path benchmark: CPU milliseconds per upload (p50, p95, mean) for plain PDQ and every
 * matching method, side by side in one run, on the same uploads and the same index, as ratios to
 * plain PDQ measured in that run. Not part of `npm test`.
 *
 *   npm run bench:upload -- [--photos <dir>] [--known 24] [--altered 2] [--unrelated 72]
 *                           [--repeats 2] [--methods pdq,pdq-plus,pdq-max] [--seed 1]
 *                           [--summary-json <file>]
 *                           [--without derotate]
 *
 * What an upload pipeline does per upload: decode the file, hash it, compute the method's upload
 * variants and look them up in an index built from the known images with
 * `imprint index build --images --method pdq-max` (one index for every row, so the methods differ
 * only in what they do per upload). `pdq` is plain PDQ as `imprint match --method pdq` runs it.
 * CPU time is the process's user + system time around each upload (sharp decodes on one thread),
 * not wall time; each upload runs every method in turn, in a rotating order, `--repeats` times,
 * and its cost is the median of those. `--without <family,...>` adds a row for the default method
 * with those upload families left out (what a gate that skipped them on every upload would save at
 * most; its matches are counted as any row's).
 *
 * Photos: every JPEG/PNG/WebP of at least 1000 px on the shorter side under --photos (default
 * bench/photos, gitignored; when missing, filled from Debian's wallpaper packages with apt-get
 * download, which needs root). Half of them, sorted, are the known images (resized to 1600-2400 px
 * on the long side); uploads are altered copies of those (re-encoded, resized, mirrored, bordered,
 * framed, cropped, rotated, captioned, watermarked, screenshot-framed) at 800-2500 px, and
 * unaltered unrelated photos (the other half, at 800-2500 px, whole or cut): most uploads match
 * nothing. Prints a table; writes bench/results/upload-*.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqDihedral, pdqHash } from '../src/algorithms/pdq/pdq.js';
import { hammingBytes } from '../src/core/hash.js';
import { makeRandom, seedOf } from '../src/eval/random.js';
import { applyTransform, TRANSFORMS } from '../src/eval/transforms.js';
import { matchHash } from '../src/matching/match.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  storedFamilies,
  wholePictureMatches,
} from '../src/matching/methods/match.js';
import { DEFAULT_METHOD, getMethod, METHODS } from '../src/matching/methods/methods.js';
import type { MatchMethod } from '../src/matching/methods/types.js';
import { ImageVariants, type VariantFamily } from '../src/matching/methods/variants.js';
import { MihIndex } from '../src/matching/mih-index.js';
import type { HashIndex } from '../src/matching/types.js';
import { decodeImage } from '../src/sharp/decode.js';
import { type Figure, writeSummary } from './summary.js';

sharp.cache(false);
// One libvips thread: the CPU time of a decode is then the work of one upload on one core.
sharp.concurrency(1);

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = [
  'gnome-backgrounds',
  'ukui-wallpapers',
  'mate-backgrounds',
  'lomiri-wallpapers-20.04',
  'lomiri-wallpapers-16.04',
];
const MIN_SOURCE_SIDE = 1000;
/** Alterations reposts carry (names from src/eval/transforms.ts), applied at the upload's size. */
const ALTERATIONS = [
  'jpeg-q50',
  'mirror',
  'border-10',
  'crop-10',
  'rotate-5',
  'caption-over',
  'caption-above',
  'screenshot',
  'watermark',
  'brightness+30',
  'resize-50',
  'letterbox-20',
];

interface Upload {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The known image it is a copy of, or undefined for an unrelated photo. */
  readonly of: string | undefined;
  readonly kind: string;
  readonly width: number;
  readonly height: number;
}

type Known = HashIndex<unknown | KnownVariantMetadata<unknown>>;
type Runner = (bytes: Uint8Array) => Promise<readonly unknown[]>;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      photos: { type: 'string' },
      known: { type: 'string', default: '24' },
      altered: { type: 'string', default: '2' },
      unrelated: { type: 'string', default: '72' },
      repeats: { type: 'string', default: '2' },
      methods: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'summary-json': { type: 'string' },
      without: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const dir = values.photos ?? join(root, 'bench', 'photos');
  if (!values.photos && !existsSync(dir)) fetchPhotos(dir);
  const sources = await photoSources(dir);
  const knownSources = sources.filter((_, i) => i % 2 === 0).slice(0, Number(values.known));
  const otherSources = sources.filter((_, i) => i % 2 === 1);
  process.stderr.write(`${sources.length} photos under ${dir}: ${knownSources.length} known\n`);

  const known = await Promise.all(knownSources.map((s, i) => scaled(s, 1600 + ((i * 97) % 801), 92)));
  const index: Known = new MihIndex<unknown>();
  const buildMethod = getMethod(DEFAULT_METHOD);
  for (const [i, bytes] of known.entries()) {
    index.addAll(
      knownEntriesFor(buildMethod, new ImageVariants(await decodeImage(bytes)), names(knownSources)[i]!),
    );
  }
  const uploads = [
    ...(await alteredUploads(known, names(knownSources), Number(values.altered), seed)),
    ...(await unrelatedUploads(otherSources, Number(values.unrelated), seed)),
  ];
  process.stderr.write(
    `index of ${index.size} hashes (${known.length} known images, --method ${DEFAULT_METHOD}); ${uploads.length} uploads (${uploads.filter((u) => u.of).length} altered copies)\n`,
  );

  const rows = values.methods?.split(',') ?? METHODS.map((m) => m.name);
  if (!rows.includes('pdq')) rows.unshift('pdq');
  const runners = new Map<string, Runner>(rows.map((name) => [name, runnerFor(name, index)]));
  if (values.without) {
    const left = values.without.split(',') as VariantFamily[];
    const name = `${DEFAULT_METHOD} without ${left.join(',')}`;
    rows.push(name);
    runners.set(name, runnerFor(DEFAULT_METHOD, index, left));
  }
  const repeats = Number(values.repeats);
  const cpu = new Map<string, number[][]>(rows.map((r) => [r, uploads.map(() => [])]));
  const wall = new Map<string, number[][]>(rows.map((r) => [r, uploads.map(() => [])]));
  const found = new Map<string, { matched: number; wrong: number }>(
    rows.map((r) => [r, { matched: 0, wrong: 0 }]),
  );
  // Warm-up: the JIT and the WebAssembly kernel on a few uploads, untimed.
  for (const u of uploads.slice(0, 4)) for (const run of runners.values()) await run(u.bytes);
  for (let r = 0; r < repeats; r++) {
    for (const [i, upload] of uploads.entries()) {
      for (let k = 0; k < rows.length; k++) {
        const name = rows[(i + r + k) % rows.length]!;
        // Each call starts on a collected heap, so no method pays for another's garbage.
        (globalThis as { gc?: () => void }).gc?.();
        const start = process.cpuUsage();
        const t0 = performance.now();
        const matches = await runners.get(name)!(upload.bytes);
        const ms = performance.now() - t0;
        const used = process.cpuUsage(start);
        cpu.get(name)![i]!.push((used.user + used.system) / 1000);
        wall.get(name)![i]!.push(ms);
        if (r === 0) {
          const f = found.get(name)!;
          if (upload.of !== undefined && matches.includes(upload.of)) f.matched++;
          if (matches.some((m) => m !== upload.of)) f.wrong++;
        }
      }
      if (i % 20 === 19)
        process.stderr.write(`  repeat ${r + 1}/${repeats}: ${i + 1}/${uploads.length} uploads\n`);
    }
  }

  const perUpload = (samples: number[][]) => samples.map(median);
  const base = perUpload(cpu.get('pdq')!);
  const results = rows.map((name) => {
    const c = perUpload(cpu.get(name)!);
    const w = perUpload(wall.get(name)!);
    const slowest = c
      .map((ms, i) => ({ ms, upload: uploads[i]!.name }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3);
    return {
      method: name,
      cpuP50: quantile(c, 0.5),
      cpuP95: quantile(c, 0.95),
      cpuMean: mean(c),
      wallP50: quantile(w, 0.5),
      wallP95: quantile(w, 0.95),
      ratioP50: quantile(c, 0.5) / quantile(base, 0.5),
      ratioP95: quantile(c, 0.95) / quantile(base, 0.95),
      ratioMean: mean(c) / mean(base),
      p95OverP50: quantile(c, 0.95) / quantile(c, 0.5),
      ...found.get(name)!,
      slowest,
    };
  });
  const altered = uploads.filter((u) => u.of).length;
  process.stdout.write(`${table(results, uploads.length, altered)}\n`);
  const byKind = kindTable(rows, uploads, cpu);
  process.stdout.write(`\n${byKind}\n`);
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    loadavg: loadavg()[0],
    photos: dir,
    known: knownSources.map((s) => relative(dir, s)),
    uploads: uploads.map((u) => ({
      name: u.name,
      kind: u.kind,
      of: u.of ?? null,
      width: u.width,
      height: u.height,
    })),
    repeats,
    results,
  };
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  const path = join(root, 'bench', 'results', `upload-${out.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, `${JSON.stringify(out, null, 1)}\n`);
  process.stderr.write(`wrote ${path}\n`);
  const pdq = results.find((r) => r.method === 'pdq')!;
  const figures: Figure[] = results.flatMap((r) => {
    const note = `${r.matched}/${altered} copies found, ${r.wrong} false matches; ${uploads.length} uploads`;
    const rows: Figure[] = [
      {
        id: `upload.${r.method}.p50`,
        label: `${r.method}: CPU ms per upload, p50`,
        value: r.cpuP50,
        unit: 'ms',
        baseline: { label: 'pdq p50', value: pdq.cpuP50 },
        ratio: r.ratioP50,
        note,
      },
      {
        id: `upload.${r.method}.p95`,
        label: `${r.method}: CPU ms per upload, p95`,
        value: r.cpuP95,
        unit: 'ms',
        baseline: { label: 'pdq p95', value: pdq.cpuP95 },
        ratio: r.ratioP95,
      },
      {
        id: `upload.${r.method}.spread`,
        label: `${r.method}: CPU p95 per upload`,
        value: r.cpuP95,
        unit: 'ms',
        baseline: { label: `its own p50`, value: r.cpuP50 },
        ratio: r.p95OverP50,
      },
    ];
    return r.method === 'pdq' ? rows.slice(2) : rows;
  });
  writeSummary(values['summary-json'], 'upload', argv, figures);
}

/** What an upload pipeline runs per upload for one row: decode, hash, variants, lookup. */
function runnerFor(name: string, index: Known, without: readonly VariantFamily[] = []): Runner {
  if (name === 'pdq') {
    // `imprint match --method pdq`: the reference's matching, derived entries left out.
    return async (bytes) => {
      const image = await decodeImage(bytes);
      const { matches } = matchHash(index, pdqHash(image).hash, { minQuality: 50 });
      return wholePictureMatches(matches).flatMap((m) => m.metadata);
    };
  }
  const stored = methodForStored(getMethod(name), storedFamilies(index));
  const method: MatchMethod = {
    ...stored,
    queryFamilies: stored.queryFamilies.filter((f) => !without.includes(f)),
    rules: stored.rules.filter((r) => !without.includes(r.query)),
  };
  return async (bytes) => {
    const variants = new ImageVariants(await decodeImage(bytes));
    return matchWithMethod(index, method, queryHashesFor(method, variants)).map((m) => m.metadata);
  };
}

function names(paths: readonly string[]): string[] {
  return paths.map((p) => p.replace(/^.*\/(usr\/share\/)?/, '').replace(/\.[^.]+$/, ''));
}

/** A photo with its long side at `side` px, as JPEG. */
async function scaled(path: string | Uint8Array, side: number, quality = 90): Promise<Uint8Array> {
  return sharp(path, { ignoreIcc: true })
    .flatten({ background: '#808080' })
    .resize(side, side, { fit: 'inside' })
    .jpeg({ quality })
    .toBuffer();
}

/** Altered copies of the known images: each at an upload's size (800-2500 px), then altered. */
async function alteredUploads(
  known: readonly Uint8Array[],
  knownNames: readonly string[],
  perImage: number,
  seed: number,
): Promise<Upload[]> {
  const out: Upload[] = [];
  let n = 0;
  for (const [i, bytes] of known.entries()) {
    for (let k = 0; k < perImage; k++, n++) {
      const kind = ALTERATIONS[n % ALTERATIONS.length]!;
      const random = makeRandom(seedOf(seed, knownNames[i]!, kind));
      const side = 800 + Math.floor(random() * 1701);
      const resized = await scaled(bytes, side, 90);
      const meta = await sharp(resized).metadata();
      const transform = TRANSFORMS.find((t) => t.name === kind)!;
      const { bytes: altered } = await applyTransform(
        transform,
        { bytes: resized, width: meta.width!, height: meta.height! },
        seedOf(seed, knownNames[i]!, kind, 'apply'),
      );
      const m = await sharp(altered).metadata();
      out.push({
        name: `${knownNames[i]}:${kind}`,
        bytes: altered,
        of: knownNames[i],
        kind,
        width: m.width!,
        height: m.height!,
      });
    }
  }
  return out;
}

/** Unrelated photos at upload sizes (800-2500 px): whole, or a random cut of 40-90% of each side. */
async function unrelatedUploads(sources: readonly string[], count: number, seed: number): Promise<Upload[]> {
  const out: Upload[] = [];
  for (let n = 0; n < count && sources.length > 0; n++) {
    const path = sources[n % sources.length]!;
    const random = makeRandom(seedOf(seed, path, n));
    const meta = await sharp(path).metadata();
    let pipeline = sharp(path, { ignoreIcc: true }).flatten({ background: '#808080' });
    let kind = 'unrelated';
    if (n >= sources.length) {
      const f = 0.4 + random() * 0.5;
      const width = Math.round(meta.width! * f);
      const height = Math.round(meta.height! * f);
      const left = Math.floor(random() * (meta.width! - width));
      const top = Math.floor(random() * (meta.height! - height));
      pipeline = pipeline.extract({ left, top, width, height });
      kind = 'unrelated-cut';
    }
    const side = 800 + Math.floor(random() * 1701);
    const bytes = await sharp(await pipeline.png({ compressionLevel: 0 }).toBuffer())
      .resize(side, side, { fit: 'inside' })
      .jpeg({ quality: 70 + Math.floor(random() * 25) })
      .toBuffer();
    const m = await sharp(bytes).metadata();
    out.push({
      name: `${names([path])[0]}:${n}`,
      bytes,
      of: undefined,
      kind,
      width: m.width!,
      height: m.height!,
    });
  }
  return out;
}

async function photoSources(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(jpe?g|png|webp)$/i.test(name)) found.push(p);
    }
  };
  walk(dir);
  // The same picture shipped at several sizes (mate-backgrounds' Elephants) would be a "false"
  // match between a known image and an unrelated upload: keep the first of each.
  const out: string[] = [];
  const seen: Uint8Array[][] = [];
  for (const p of found) {
    const m = await sharp(p).metadata();
    if (Math.min(m.width ?? 0, m.height ?? 0) < MIN_SOURCE_SIDE) continue;
    const small = await sharp(p)
      .flatten({ background: '#808080' })
      .resize(512, 512, { fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const hashes = pdqDihedral(
      pdqHash({ width: small.info.width, height: small.info.height, channels: 3, data: small.data }),
    ).map((h) => h.bytes);
    if (seen.some((other) => hashes.some((h) => hammingBytes(h, other[0]!) <= 31))) continue;
    seen.push(hashes);
    out.push(p);
  }
  return out;
}

/** Debian's wallpaper packages, unpacked under `dir` (apt-get download: needs the archive and root for update). */
function fetchPhotos(dir: string): void {
  const debs = join(dir, 'debs');
  mkdirSync(debs, { recursive: true });
  process.stderr.write(`fetching ${PACKAGES.join(', ')} into ${dir}\n`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['download', '-qq', ...PACKAGES], { cwd: debs, stdio: 'inherit' });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
    execFileSync('dpkg-deb', ['-x', join(debs, deb), join(dir, 'unpacked')], { stdio: 'inherit' });
  }
}

function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function table(
  results: readonly {
    method: string;
    cpuP50: number;
    cpuP95: number;
    cpuMean: number;
    wallP50: number;
    wallP95: number;
    ratioP50: number;
    ratioP95: number;
    ratioMean: number;
    p95OverP50: number;
    matched: number;
    wrong: number;
  }[],
  uploads: number,
  altered: number,
): string {
  const f = (v: number) => v.toFixed(1);
  const x = (v: number) => `${v.toFixed(2)}x`;
  const lines = [
    `CPU ms per upload (decode + hash + variants + lookup), ${uploads} uploads (${altered} altered copies of known images, ${uploads - altered} unrelated); ratios to plain PDQ in this run`,
    '',
    '| method | CPU p50 | CPU p95 | CPU mean | x pdq p50 | x pdq p95 | x pdq mean | p95/p50 | wall p50 | wall p95 | copies found | false matches |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.method} | ${f(r.cpuP50)} | ${f(r.cpuP95)} | ${f(r.cpuMean)} | ${x(r.ratioP50)} | ${x(r.ratioP95)} | ${x(r.ratioMean)} | ${r.p95OverP50.toFixed(1)} | ${f(r.wallP50)} | ${f(r.wallP95)} | ${r.matched}/${altered} | ${r.wrong} |`,
    ),
  ];
  return lines.join('\n');
}

/** Median CPU ms per kind of upload, for the rows of plain PDQ and the default method. */
function kindTable(
  rows: readonly string[],
  uploads: readonly Upload[],
  cpu: Map<string, number[][]>,
): string {
  const shown = rows.filter((r) => r === 'pdq' || r.startsWith(DEFAULT_METHOD) || r === 'pdq-plus');
  const kinds = [...new Set(uploads.map((u) => u.kind))];
  const lines = [
    `Median CPU ms per upload by kind of upload`,
    '',
    `| kind | uploads | ${shown.join(' | ')} |`,
    `| --- | ---: | ${shown.map(() => '---:').join(' | ')} |`,
  ];
  for (const kind of kinds) {
    const at = uploads.flatMap((u, i) => (u.kind === kind ? [i] : []));
    const cells = shown.map((r) => median(at.map((i) => median(cpu.get(r)![i]!))).toFixed(1));
    lines.push(`| ${kind} | ${at.length} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
