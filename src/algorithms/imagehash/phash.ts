/**
 * imagehash's `phash` (highfreq_factor 4): Pillow luma, Pillow LANCZOS resize to 4N x 4N, scipy's
 * unnormalised DCT-II down the columns then along the rows, the top-left N x N block (DC
 * included), bit = coefficient > numpy median of the block.
 *
 * Exactness: the pixels, and so every coefficient in exact arithmetic, match the reference. Our
 * DCT and scipy's FFT-based one differ only in the last bits of each double, which decides a bit
 * only when a coefficient equals the median in exact arithmetic (images whose small grid is
 * perfectly symmetric or otherwise degenerate). Flat grids, the common such case, are refused.
 */
import { type Hash, hashFromBitsMsbFirst } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { assertNotFlat, checkHashSize, type HashSizeOptions, sizedName } from './common.js';
import { numpyMedian } from './numpy-median.js';
import { pillowLuma } from './pillow-luma.js';
import { pillowResizeLanczos } from './pillow-resample.js';
import { scipyDct2d } from './pocketfft-dct.js';

/** imagehash's default `hash_size` for phash. */
export const PHASH_DEFAULT_SIZE = 8;
/** imagehash's `highfreq_factor`: the DCT runs on a grid this many times the hash size. */
export const PHASH_HIGHFREQ_FACTOR = 4;

/**
 * Perceptual hash (pHash) as imagehash 4.3.x computes it, named `phash` (64-bit) or
 * `phash-<size>`. Throws ERR_IMAGE_UNIFORM when the resized image is flat.
 *
 * @example
 * ```ts
 * hashToHex(perceptualHash(image)); // same hex as str(imagehash.phash(img))
 * ```
 */
export function perceptualHash(image: PixelImage, options: HashSizeOptions = {}): Hash {
  const size = checkHashSize(options.hashSize ?? PHASH_DEFAULT_SIZE);
  const name = sizedName('phash', size, PHASH_DEFAULT_SIZE);
  const side = size * PHASH_HIGHFREQ_FACTOR;
  const grid = pillowResizeLanczos(pillowLuma(image), side, side);
  assertNotFlat(grid, name);
  const dct = scipyDct2d(grid.data, side);
  const low = new Float64Array(size * size);
  for (let y = 0; y < size; y++) low.set(dct.subarray(y * side, y * side + size), y * size);
  const median = numpyMedian(low);
  return hashFromBitsMsbFirst(
    name,
    Array.from(low, (v) => v > median),
  );
}
