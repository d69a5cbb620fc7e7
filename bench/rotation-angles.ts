/**
 * How well canvasRotation (src/matching/methods/canvas-rotation.ts) reads the angle of pictures
 * sharp turned on a filled canvas (grown, or cropped back to the picture's own size: "same"), per
 * angle bucket, and whether it passes any unturned or bordered copy. Not part of npm test.
 *
 *   npx tsx bench/rotation-angles.ts <dir of images> [originals = 60] [seed = 1]
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { PixelImage } from '../src/core/pixels.js';
import { shrinkBy } from '../src/core/raster.js';
import { makeRandom } from '../src/eval/random.js';
import { canvasRotation } from '../src/matching/methods/canvas-rotation.js';
import { DETECTION_SIDE } from '../src/matching/methods/variants.js';

function images(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return images(path);
    return /\.(jpe?g|png|webp)$/i.test(name) ? [path] : [];
  });
}

/** The decoded image as ImageVariants' working copy sees it (at most DETECTION_SIDE px). */
async function working(bytes: Buffer): Promise<PixelImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data),
  };
  return shrinkBy(image, Math.max(1, Math.ceil(Math.max(image.width, image.height) / DETECTION_SIDE)));
}

async function main(): Promise<void> {
  const [dir, limitArg, seedArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: npx tsx bench/rotation-angles.ts <dir> [originals] [seed]');
  const limit = Number(limitArg ?? 60);
  const random = makeRandom(Number(seedArg ?? 1));
  const all = images(dir).sort();
  const step = Math.max(1, Math.floor(all.length / limit));
  const buckets = new Map<string, { copies: number; errors: number[] }>();
  let unturned = 0;
  let passed = 0;
  for (let k = 0; k < all.length && k / step < limit; k += step) {
    const original = await sharp(all[k])
      .resize({ width: 1000, height: 1000, fit: 'inside', withoutEnlargement: true })
      .jpeg()
      .toBuffer();
    const { width = 0, height = 0 } = await sharp(original).metadata();
    const copies = [original];
    for (const background of ['#000000', '#ffffff', `hsl(${Math.floor(random() * 360)},50%,50%)`]) {
      copies.push(
        await sharp(original)
          .extend({ top: 30, bottom: 30, left: 30, right: 30, background })
          .jpeg()
          .toBuffer(),
      );
      const size = 0.5 + random() * 9.5;
      const degrees = random() < 0.5 ? size : -size;
      const turned = await sharp(original).rotate(degrees, { background }).png().toBuffer();
      const grown = await sharp(turned).metadata();
      for (const mode of ['grown', 'same'] as const) {
        let copy = sharp(turned);
        if (mode === 'same') {
          copy = copy.extract({
            left: Math.round(((grown.width ?? width) - width) / 2),
            top: Math.round(((grown.height ?? height) - height) / 2),
            width,
            height,
          });
        }
        const found = canvasRotation(await working(await copy.jpeg({ quality: 85 }).toBuffer()));
        const key = `${mode} ${size < 2 ? '0.5-2' : size < 5 ? '2-5' : '5-10'} degrees`;
        const bucket = buckets.get(key) ?? { copies: 0, errors: [] };
        buckets.set(key, bucket);
        bucket.copies++;
        if (found !== undefined) bucket.errors.push(Math.abs(found - degrees));
      }
    }
    for (const copy of copies) {
      unturned++;
      if (canvasRotation(await working(copy)) !== undefined) passed++;
    }
  }
  for (const [key, { copies, errors }] of [...buckets].sort()) {
    errors.sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)];
    const worst = errors.at(-1);
    console.log(
      `${key}: angle read on ${errors.length}/${copies}; error median ${median?.toFixed(3) ?? '-'}, max ${worst?.toFixed(3) ?? '-'} degrees`,
    );
  }
  console.log(`unturned copies (as they are and bordered): ${passed} of ${unturned} passed as turned`);
}

await main();
