/**
 * Turned copies of large photos (issue 17): how close does each way of hashing a mirrored and
 * downscaled upload come to the known photo's plain PDQ hash? Every photo of at least 1000 px on
 * the shorter side under --photos (default bench/photos, see bench/upload.ts) is the known image
 * at 1600-3000 px; its upload is mirrored, scaled to 35/50/75% and re-encoded (JPEG 85).
 *
 *   npx tsx bench/turned-copies.ts [--photos <dir>]
 *
 * Columns (each the best of its hashes, in bits from the known image's plain hash):
 * - `--dihedral`: plain PDQ's 8 orientations from the upload's own DCT (the reference's shortcut);
 * - `method`: the methods' `dihedral` family (views of the luma plane at full size);
 * - `1024 copy`: what that family was before: each turned copy of a 1024 px working copy, hashed;
 * - `unmirrored`: plain PDQ of the same copy not mirrored (what resizing alone costs).
 * The turned comparison counts at 20 (methods.ts, SLACK.dihedral), plain PDQ at 31.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqDihedral, pdqHash } from '../src/algorithms/pdq/pdq.js';
import { type Hash, hammingDistance } from '../src/core/hash.js';
import { DIHEDRAL_COPIES, dihedralCopy, workingCopy } from '../src/core/raster.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { decodeImage } from '../src/sharp/decode.js';

sharp.cache(false);
const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { photos: { type: 'string' } } });
const dir = values.photos ?? join(root, 'bench', 'photos');
const files: string[] = [];
const walk = (d: string) => {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(jpe?g|png|webp)$/i.test(name)) files.push(p);
  }
};
walk(dir);

const columns = ['--dihedral', 'method', '1024 copy', 'unmirrored'] as const;
const rows: Record<(typeof columns)[number], number>[] = [];
let n = 0;
for (const file of files) {
  const meta = await sharp(file).metadata();
  if (Math.min(meta.width ?? 0, meta.height ?? 0) < 1000) continue;
  for (const [k, scale] of [0.5, 0.75, 0.35].entries()) {
    const side = 1600 + ((n * 131 + k * 337) % 1400);
    const known = await sharp(file)
      .flatten({ background: '#808080' })
      .resize(side, side, { fit: 'inside' })
      .jpeg({ quality: 92 })
      .toBuffer();
    const width = (await sharp(known).metadata()).width!;
    const copy = (mirror: boolean) =>
      (mirror ? sharp(known).flop() : sharp(known))
        .resize(Math.round(width * scale))
        .jpeg({ quality: 85 })
        .toBuffer();
    const plain = pdqHash(await decodeImage(known)).hash;
    const best = (hashes: readonly Hash[]) => Math.min(...hashes.map((h) => hammingDistance(h, plain)));
    const upload = await decodeImage(await copy(true));
    const working = workingCopy(upload, 1024);
    rows.push({
      '--dihedral': best(pdqDihedral(pdqHash(upload))),
      method: best(new ImageVariants(upload).get('dihedral').map((v) => v.hash)),
      '1024 copy': best(DIHEDRAL_COPIES.map((kind) => pdqHash(dihedralCopy(working, kind)).hash)),
      unmirrored: best([pdqHash(await decodeImage(await copy(false))).hash]),
    });
  }
  n++;
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;
const lines = [
  `${rows.length} mirrored copies of ${n} photos: how many come within each distance, and quantiles (bits)`,
  '',
  `| | ${columns.join(' | ')} |`,
  `| --- | ${columns.map(() => '---:').join(' | ')} |`,
  ...[16, 20, 24, 31].map(
    (t) => `| <= ${t} | ${columns.map((c) => rows.filter((r) => r[c] <= t).length).join(' | ')} |`,
  ),
  ...[0.5, 0.9, 0.99].map(
    (q) =>
      `| p${q * 100} | ${columns
        .map((c) =>
          quantile(
            rows.map((r) => r[c]),
            q,
          ),
        )
        .join(' | ')} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
