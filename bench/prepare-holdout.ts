/**
 * Builds the HELD-OUT corpus for `imprint eval`: real photographs at real upload sizes, from other
 * Debian packages than the development corpus (bench/prepare-corpus.ts cuts wallpaper tiles), so
 * that no method can have been tuned on them:
 * - `endless-sky-high-dpi`: the game's landing-scene pictures, 1440x720 JPEGs (mostly landscape
 *   photographs, from unsplash.com and NASA among others, some renders);
 * - `libjxl-testdata`: the three 500 px sRGB photographs of its `wesaturate` set (CC0).
 * Pictures too flat for PDQ (quality < 50) are left out, as `imprint eval` would. Nothing here is
 * committed (bench/corpus-holdout is gitignored); the files are used where they are.
 *
 *   npx tsx bench/prepare-holdout.ts [--out bench/corpus-holdout]
 *
 * Needs root (apt-get update) and the Debian archive. Writes `<out>/images/*` and
 * `<out>/manifest.json` (package versions, .deb SHA-256, every file's source).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';

sharp.cache(false);

const SOURCES = [
  {
    package: 'endless-sky-high-dpi',
    dir: 'usr/share/games/endless-sky/plugins/endless-sky-high-dpi/images/land',
    pattern: /\.jpg$/,
  },
  {
    package: 'libjxl-testdata',
    dir: 'usr/share/libjxl-testdata/external/wesaturate/500px',
    pattern: /_srgb8\.png$/,
  },
] as const;
const MIN_QUALITY = 50;

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench/corpus-holdout' } } });
const out = resolve(values.out!);
const debs = join(out, 'debs');
const unpacked = join(out, 'unpacked');
const images = join(out, 'images');

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

rmSync(unpacked, { recursive: true, force: true });
rmSync(images, { recursive: true, force: true });
for (const d of [debs, unpacked, images]) mkdirSync(d, { recursive: true });
process.stderr.write('apt-get update\n');
run('apt-get', ['update', '-qq']);

const packages: { name: string; version: string; deb: string; sha256: string }[] = [];
const kept: { file: string; source: string; quality: number }[] = [];
const left: { source: string; reason: string }[] = [];
for (const source of SOURCES) {
  const name = source.package;
  for (const f of readdirSync(debs)) if (f.startsWith(`${name}_`)) rmSync(join(debs, f));
  run('apt-get', ['download', '-qq', name], debs);
  const deb = readdirSync(debs).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${name} produced no .deb`);
  const version = run('dpkg-deb', ['--field', join(debs, deb), 'Version']).trim();
  const sha256 = createHash('sha256')
    .update(readFileSync(join(debs, deb)))
    .digest('hex');
  run('dpkg-deb', ['-x', join(debs, deb), unpacked]);
  packages.push({ name, version, deb, sha256 });
  const dir = join(unpacked, source.dir);
  for (const file of readdirSync(dir).sort()) {
    if (!source.pattern.test(file)) continue;
    const path = join(dir, file);
    const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { quality } = pdqHash({ width: info.width, height: info.height, channels: info.channels, data });
    const rel = join(source.dir, file);
    if (quality < MIN_QUALITY) {
      left.push({ source: rel, reason: `PDQ quality ${quality}` });
      continue;
    }
    const target = basename(file).replace('@2x', '');
    copyFileSync(path, join(images, target));
    kept.push({ file: target, source: rel, quality });
  }
  process.stderr.write(`${name} ${version}: ${kept.length} pictures kept so far\n`);
}
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ packages, kept, left }, null, 1)}\n`);
process.stderr.write(`${kept.length} pictures in ${images} (${left.length} left out)\n`);
