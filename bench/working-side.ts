/**
 * How far derived hashes drift when computed on a smaller working copy (what the matching
 * methods did before their hashes became views of the full-size luma plane, pdq-views.ts, for
 * this reason): each fixture photo, at its own size and enlarged to 3000 px, is mirrored and
 * turned 90 degrees by sharp, and the upload's best dihedral hash is compared with the
 * original's PDQ hash, the copies made from a working copy of each side.
 *
 *   npx tsx bench/working-side.ts [--sides 512,1024,full]
 */
import { parseArgs } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import { hammingBytes } from '../src/core/hash.js';
import { DIHEDRAL_COPIES, dihedralCopy, workingCopy } from '../src/core/raster.js';
import { decodeImage } from '../src/sharp/decode.js';

sharp.cache(false);
const { values } = parseArgs({ options: { sides: { type: 'string', default: '512,1024,full' } } });
const sides = values.sides.split(',').map((s) => (s === 'full' ? Number.POSITIVE_INFINITY : Number(s)));
const PHOTOS = [
  'landscape-beach.jpg',
  'city-skyline.jpg',
  'rocket.jpg',
  'flower.jpg',
  'china-temple.jpg',
  'astronaut.jpg',
];

for (const enlargeTo of [undefined, 3000]) {
  const rows: string[] = [];
  for (const name of PHOTOS) {
    const source = sharp(`fixtures/photos/${name}`);
    const original = enlargeTo
      ? await source.resize(enlargeTo).jpeg({ quality: 92 }).toBuffer()
      : await source.toBuffer();
    const known = pdqHash(await decodeImage(original)).hash.bytes;
    const cells: string[] = [];
    for (const edit of [(s: Sharp) => s.flop(), (s: Sharp) => s.rotate(90)]) {
      const upload = await decodeImage(await edit(sharp(original)).jpeg({ quality: 90 }).toBuffer());
      for (const side of sides) {
        const working = workingCopy(upload, side);
        const best = Math.min(
          ...DIHEDRAL_COPIES.map((c) => hammingBytes(pdqHash(dihedralCopy(working, c)).hash.bytes, known)),
        );
        cells.push(String(best).padStart(6));
      }
    }
    rows.push(`${name.padEnd(22)}${cells.join('')}`);
  }
  const head = ['mirror', 'rot90'].flatMap((e) =>
    sides.map((s) => `${e[0]}${s === Infinity ? 'F' : s}`.padStart(6)),
  );
  process.stdout.write(
    `\n${enlargeTo ? `enlarged to ${enlargeTo} px` : 'own size'} (bits from the original; m/r = mirror/rot90, F = full size)\n`,
  );
  process.stdout.write(`${''.padEnd(22)}${head.join('')}\n${rows.join('\n')}\n`);
}
