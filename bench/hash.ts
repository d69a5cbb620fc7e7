/**
 * Hashing benchmark: PDQ images/s (WebAssembly and JS kernels) against sharp's bare decode to
 * full-resolution pixels (the floor) and the npm incumbent `sharp-phash`, one core and all
 * cores, in one run on the same images; ratios are to the decode floor measured in that run.
 * Not part of `npm test`.
 *
 *   npm run bench:hash -- [--dir <images>] [--size 1024x768] [--cores 1,2] [--repeats 3]
 *                         [--min-ms 1500] [--methods decode,pdq,...]
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
import { formatHashBenchTable, type HashBenchMethod, runHashBenchmark } from '../src/eval/hash-bench.js';

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
    },
  });
  const dir = values.dir ?? (await makeCorpus(values.size));
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const images = await Promise.all(files.map((f) => readFile(join(dir, f))));
  process.stderr.write(`${images.length} images from ${dir}\n`);
  const load0 = loadavg()[0]!;
  const report = await runHashBenchmark(images, {
    methods: values.methods?.split(',') as HashBenchMethod[] | undefined,
    cores: values.cores?.split(',').map(Number),
    repeats: Number(values.repeats),
    minMs: Number(values['min-ms']),
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
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
    ...report,
  };
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  const path = join(root, 'bench', 'results', `hash-${out.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, `${JSON.stringify(out, null, 1)}\n`);
  process.stderr.write(`wrote ${path}\n`);
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
