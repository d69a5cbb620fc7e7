/**
 * Builds the development corpus for `imprint eval` from Debian's `gnome-backgrounds` and
 * `ukui-wallpapers` packages: every wallpaper is cut into non-overlapping tiles, tiles too flat for
 * PDQ (quality < 50) are dropped, and so is any tile within PDQ distance 63 of an earlier tile in
 * any of its 8 rotations/mirrors, or sharing a large region with one (see SHARED_REGION_WITHIN).
 * Deterministic: sorted sources, a fixed grid, fixed encoders.
 *
 *   npx esbuild bench/prepare-corpus.ts --bundle --platform=node --format=esm --external:sharp \
 *     --outfile=.imprint-tmp-prepare-corpus.mjs && node .imprint-tmp-prepare-corpus.mjs [--out bench/corpus]
 *
 * (bundled inside the repository so that `sharp` resolves from node_modules; the file is gitignored).
 * Needs root (apt-get update) and the Debian archive. Writes `<out>/images/*.jpg` and
 * `<out>/manifest.json` (package versions, .deb SHA-256, every tile's source rectangle). Nothing
 * here is committed (bench/corpus is gitignored).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqDihedral, pdqHash } from '../src/algorithms/pdq/pdq.js';
import { hammingBytes } from '../src/core/hash.js';

// libvips caches operations by input address; buffers are recycled here, so never serve a cached result.
sharp.cache(false);

const PACKAGES = ['gnome-backgrounds', 'ukui-wallpapers'];
/** Sources with a shorter side are placeholders (the 256x256 VNC backgrounds), not pictures. */
const MIN_SOURCE_SIDE = 1600;
/** Tiles are cut at the wallpapers' native resolution (SVGs rendered at their nominal size). */
const TILE_W = 288;
const TILE_H = 192;
const MIN_QUALITY = 50;
/**
 * Left out by name, not by a PDQ test, because their tiles are not pictures:
 * - wood and pixels are fine periodic textures (1-4 px stripes and dots at native resolution),
 *   aliasing patterns whose plain PDQ moves 60-90 bits under a JPEG q75 re-encode;
 * - oceans is vertical stripes only: every row is the same, so half of PDQ's DCT coefficients are
 *   rounding noise around the median and the hash changes with any re-encode.
 */
const EXCLUDED_SOURCES = new Set([
  'gnome/wood-d.webp',
  'gnome/wood-l.webp',
  'gnome/pixels-d.webp',
  'gnome/pixels-l.webp',
  'gnome/oceans.svg',
]);
/**
 * A tile within this PDQ distance of an earlier one, in any rotation or mirror, is dropped: tiles of
 * one gradient or one repeating pattern would otherwise be "different" originals that are the same
 * picture, and every false positive counted against them would be a true one.
 */
const DISTINCT_ABOVE = 63;
/**
 * Tiles of a repeating motif (Truchet arcs, dashes, hexagons) are not near-duplicates as a whole,
 * yet one tile's 80-90% sub-picture can be another tile's, shifted: they share their content. A tile
 * is dropped when any of its sub-pictures (or the whole) is within this distance of any of an
 * earlier tile's: distinct originals share no large region.
 */
const SHARED_REGION_WITHIN = 40;
const SUB_PICTURE_SCALES = [0.9, 0.8];
const SUB_PICTURE_ANCHORS = [
  [0.5, 0.5],
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
] as const;

/** PDQ of the whole tile and of its sub-pictures (those with quality >= MIN_QUALITY). */
function regionHashes(data: Uint8Array, whole: Uint8Array): Uint8Array[] {
  const out = [whole];
  for (const scale of SUB_PICTURE_SCALES) {
    const width = Math.round(TILE_W * scale);
    const height = Math.round(TILE_H * scale);
    for (const [ax, ay] of SUB_PICTURE_ANCHORS) {
      const left = Math.round((TILE_W - width) * ax);
      const top = Math.round((TILE_H - height) * ay);
      const sub = new Uint8Array(width * height * 3);
      for (let y = 0; y < height; y++) {
        const from = ((top + y) * TILE_W + left) * 3;
        sub.set(data.subarray(from, from + width * 3), y * width * 3);
      }
      const r = pdqHash({ width, height, channels: 3, data: sub });
      if (r.quality >= MIN_QUALITY) out.push(r.hash.bytes);
    }
  }
  return out;
}

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench/corpus' } } });
const out = resolve(values.out!);
const debs = join(out, 'debs');
const unpacked = join(out, 'unpacked');
const images = join(out, 'images');

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...listFiles(p));
    else found.push(p);
  }
  return found;
}

async function main(): Promise<void> {
  rmSync(unpacked, { recursive: true, force: true });
  rmSync(images, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  mkdirSync(unpacked, { recursive: true });
  mkdirSync(images, { recursive: true });

  process.stderr.write('apt-get update\n');
  run('apt-get', ['update', '-qq']);
  const packages: { name: string; version: string; deb: string; sha256: string }[] = [];
  for (const name of PACKAGES) {
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
    process.stderr.write(`${name} ${version}\n`);
  }

  const root = join(unpacked, 'usr/share/backgrounds');
  const sources = listFiles(root).filter(
    (p) => /\.(jpe?g|png|webp|svg)$/i.test(p) && !EXCLUDED_SOURCES.has(relative(root, p)),
  );
  const kept: { file: string; source: string; left: number; top: number; quality: number }[] = [];
  const keptDihedral: Uint8Array[][] = [];
  const keptRegions: Uint8Array[][] = [];
  let flat = 0;
  let duplicate = 0;
  let sharedRegion = 0;
  let tried = 0;
  for (const source of sources) {
    const meta = await sharp(source).metadata();
    if (Math.min(meta.width ?? 0, meta.height ?? 0) < MIN_SOURCE_SIDE) continue;
    const base = sharp(source).flatten({ background: '#808080' }).removeAlpha().toColourspace('srgb');
    const pixels = await base.raw().toBuffer({ resolveWithObject: true });
    const name = relative(unpacked, source)
      .replace(/^usr\/share\/backgrounds\//, '')
      .replace(/[/.]/g, '-');
    for (let top = 0; top + TILE_H <= pixels.info.height; top += TILE_H) {
      for (let left = 0; left + TILE_W <= pixels.info.width; left += TILE_W) {
        tried++;
        const tile = sharp(pixels.data, {
          raw: { width: pixels.info.width, height: pixels.info.height, channels: 3 },
        }).extract({ left, top, width: TILE_W, height: TILE_H });
        const jpeg = await tile.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
        const decoded = await sharp(jpeg, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
        const result = pdqHash({ width: TILE_W, height: TILE_H, channels: 3, data: decoded.data });
        if (result.quality < MIN_QUALITY) {
          flat++;
          continue;
        }
        const variants = pdqDihedral(result).map((h) => h.bytes);
        const near = keptDihedral.some((other) =>
          variants.some((v) => hammingBytes(v, other[0]!) <= DISTINCT_ABOVE),
        );
        if (near) {
          duplicate++;
          continue;
        }
        const regions = regionHashes(decoded.data, result.hash.bytes);
        const shares = keptRegions.some((other) =>
          regions.some((r) => other.some((o) => hammingBytes(r, o) <= SHARED_REGION_WITHIN)),
        );
        if (shares) {
          sharedRegion++;
          continue;
        }
        const file = `${name}-${String(top).padStart(4, '0')}-${String(left).padStart(4, '0')}.jpg`;
        writeFileSync(join(images, file), jpeg);
        kept.push({ file, source: relative(unpacked, source), left, top, quality: result.quality });
        keptDihedral.push(variants);
        keptRegions.push(regions);
      }
    }
    process.stderr.write(`${relative(unpacked, source)}: ${kept.length} tiles kept so far\n`);
  }
  const manifest = {
    packages,
    tile: { width: TILE_W, height: TILE_H, scale: 'native', jpegQuality: 95 },
    filters: {
      minQuality: MIN_QUALITY,
      distinctAbove: DISTINCT_ABOVE,
      sharedRegionWithin: SHARED_REGION_WITHIN,
      subPictures: { scales: SUB_PICTURE_SCALES, anchors: SUB_PICTURE_ANCHORS },
      excluded: [...EXCLUDED_SOURCES],
    },
    counts: { tilesTried: tried, flat, duplicate, sharedRegion, kept: kept.length },
    images: kept,
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  process.stderr.write(
    `${kept.length} images in ${images} (${tried} tiles: ${flat} too flat, ${duplicate} near-duplicates, ${sharedRegion} sharing a region)\n`,
  );
}

await main();
