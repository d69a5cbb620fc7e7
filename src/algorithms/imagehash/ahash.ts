/**
 * imagehash's `average_hash`, bit for bit: Pillow luma, Pillow LANCZOS resize to
 * `hashSize` x `hashSize`, bit = pixel > mean of the pixels (row-major, first bit most significant).
 */
import { type Hash, hashFromBitsMsbFirst } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { assertNotFlat, checkHashSize, type HashSizeOptions, sizedName } from './common.js';
import { pillowLuma } from './pillow-luma.js';
import { pillowResizeLanczos } from './pillow-resample.js';

/** imagehash's default `hash_size` for average_hash. */
export const AHASH_DEFAULT_SIZE = 8;

/**
 * Average hash (aHash) as Python imagehash 4.3.x computes it, named `ahash` (64-bit) or
 * `ahash-<size>`. Throws ERR_IMAGE_UNIFORM when the resized image is flat.
 *
 * @example
 * ```ts
 * const hash = averageHash(image);           // 64-bit, algorithm 'ahash'
 * const big = averageHash(image, { hashSize: 16 }); // 256-bit, 'ahash-16'
 * hashToHex(hash); // same hex as str(imagehash.average_hash(img))
 * ```
 */
export function averageHash(image: PixelImage, options: HashSizeOptions = {}): Hash {
  const size = checkHashSize(options.hashSize ?? AHASH_DEFAULT_SIZE);
  const name = sizedName('ahash', size, AHASH_DEFAULT_SIZE);
  const grid = pillowResizeLanczos(pillowLuma(image), size, size);
  assertNotFlat(grid, name);
  let sum = 0;
  for (const v of grid.data) sum += v;
  // numpy.mean: the exact integer sum divided once, so `v > mean` is exact.
  const mean = sum / grid.data.length;
  return hashFromBitsMsbFirst(
    name,
    Array.from(grid.data, (v) => v > mean),
  );
}
