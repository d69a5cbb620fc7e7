/** Setup shared by the evaluation tests: a folder of fixture photos, and their altered copies made the direct way. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PixelImage } from '../../src/core/pixels.js';
import { seedOf } from '../../src/eval/random.js';
import { applyTransform, TRANSFORMS } from '../../src/eval/transforms.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

/** A new temporary folder holding copies of these fixture photos (the caller removes it). */
export function photoFolder(photos: readonly string[], prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const p of photos) copyFileSync(fixture('photos', p), join(dir, p));
  return dir;
}

/** The photos of `dir` decoded, and each one's copy altered by `transformName` as `imprint eval` makes it. */
export async function alteredCopies(
  dir: string,
  photos: readonly string[],
  transformName: string,
  seed: number,
): Promise<{ originals: PixelImage[]; copies: PixelImage[] }> {
  const transform = TRANSFORMS.find((t) => t.name === transformName)!;
  const originals = await Promise.all(photos.map((p) => decodeImage(join(dir, p))));
  const copies = await Promise.all(
    originals.map(async (o, i) =>
      decodeImage(
        (
          await applyTransform(
            transform,
            { bytes: o.bytes, width: o.width, height: o.height },
            seedOf(seed, photos[i]!, transformName),
          )
        ).bytes,
      ),
    ),
  );
  return { originals, copies };
}
