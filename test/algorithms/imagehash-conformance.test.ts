/**
 * imagehash compatibility, through the real loader:
 * - fixtures/imagehash/expected.json: the values published by imagehash 4.3.2's own tests and
 *   README (all seven, including colorhash and crop_resistant_hash);
 * - fixtures/imagehash-extra/pillow-reference.json: every function at hash_size 8 and 16 on 72
 *   of our fixture images, computed on the real Pillow/scipy/PyWavelets stack (see its README).
 * Where the reference's value carries no information (a flat resize grid gives all zeros, or a
 * lone DC bit for pHash) imprint refuses with ERR_IMAGE_UNIFORM; that is the only accepted
 * difference.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  averageHash,
  colorhash,
  cropResistantHash,
  differenceHash,
  differenceHashVertical,
  perceptualHash,
  waveletHash,
} from '../../src/algorithms/imagehash/index.js';
import { ImprintError } from '../../src/core/errors.js';
import { type Hash, hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

type HashFn = (image: PixelImage, size: number) => Hash;

const FUNCTIONS: Record<string, HashFn> = {
  average_hash: (image, size) => averageHash(image, { hashSize: size }),
  ahash: (image, size) => averageHash(image, { hashSize: size }),
  phash: (image, size) => perceptualHash(image, { hashSize: size }),
  dhash: (image, size) => differenceHash(image, { hashSize: size }),
  dhash_vertical: (image, size) => differenceHashVertical(image, { hashSize: size }),
  whash: (image, size) => waveletHash(image, { hashSize: size }),
  colorhash: (image, binbits) => colorhash(image, { binbits }),
};

function compute(fn: string, image: PixelImage, size: number): string {
  if (fn === 'crop_resistant_hash') return cropResistantHash(image).map(hashToHex).join(',');
  const f = FUNCTIONS[fn];
  if (!f) throw new Error(`no function for ${fn}`);
  return hashToHex(f(image, size));
}

/** The reference's value for a flat grid: no bit set, except pHash's DC coefficient. */
function uninformative(hex: string): boolean {
  return /^[08]0*$/.test(hex);
}

function expectSameAsReference(fn: string, image: PixelImage, size: number, expected: string): void {
  let got: string;
  try {
    got = compute(fn, image, size);
  } catch (err) {
    if (err instanceof ImprintError && err.code === 'ERR_IMAGE_UNIFORM' && uninformative(expected)) return;
    throw err;
  }
  expect(got).toBe(expected);
}

const images = new Map<string, PixelImage>();
async function load(...path: string[]): Promise<PixelImage> {
  const key = path.join('/');
  let image = images.get(key);
  if (!image) {
    image = await decodeImage(fixture(...path));
    images.set(key, image);
  }
  return image;
}

describe('imagehash 4.3.2 published values (fixtures/imagehash/expected.json)', () => {
  const { vectors } = JSON.parse(readFileSync(fixture('imagehash', 'expected.json'), 'utf8')) as {
    vectors: { image: string; fn: string; hash_size?: number; binbits?: number; hex: string }[];
  };

  it('has all seven vectors', () => {
    expect(vectors.length).toBe(7);
  });

  it.each(vectors)('$fn($image) = $hex', async ({ image, fn, hash_size, binbits, hex }) => {
    const pixels = await load('imagehash', image);
    expect(compute(fn, pixels, hash_size ?? binbits ?? 8)).toBe(hex);
  });
});

describe('imagehash on our fixture images, computed with Pillow/scipy/PyWavelets', () => {
  const doc = JSON.parse(readFileSync(fixture('imagehash-extra', 'pillow-reference.json'), 'utf8')) as {
    images: { file: string; hashes: Record<string, string> }[];
  };

  beforeAll(async () => {
    await Promise.all(doc.images.map((entry) => load(...entry.file.split('/'))));
  });

  it('covers 72 images', () => {
    expect(doc.images.length).toBe(72);
  });

  it.each(doc.images)('$file', async ({ file, hashes }) => {
    const image = await load(...file.split('/'));
    for (const [key, expected] of Object.entries(hashes)) {
      const cut = key.lastIndexOf('_');
      const fn = key === 'crop_resistant_hash' ? key : key.slice(0, cut);
      const size = key === 'crop_resistant_hash' ? 0 : Number(key.slice(cut + 1));
      expectSameAsReference(fn, image, size, expected);
    }
  });
});
