/**
 * imagehash's `whash` with its defaults (mode 'haar', remove_max_haar_ll=True):
 * - scale = max(largest power of two <= the shorter side, hashSize);
 * - Pillow luma, Pillow LANCZOS resize to scale x scale, divide by 255;
 * - full Haar decomposition (log2(scale) levels), zero the top approximation, reconstruct;
 * - decompose again log2(scale / hashSize) levels; bit = approximation > its numpy median.
 * The Haar steps repeat PyWavelets' floating-point operations in order (see `pywt-haar.ts`),
 * because on images with flat areas many coefficients tie with the median and the rounding of
 * each double decides those bits.
 */
import { type Hash, hashFromBitsMsbFirst } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { assertNotFlat, checkHashSize, type HashSizeOptions, sizedName } from './common.js';
import { numpyMedian } from './numpy-median.js';
import { pillowLuma } from './pillow-luma.js';
import { pillowResizeLanczos } from './pillow-resample.js';
import { haarWavedec2, haarWaverec2 } from './pywt-haar.js';

/** imagehash's default `hash_size` for whash. */
export const WHASH_DEFAULT_SIZE = 8;

function log2Int(powerOfTwo: number): number {
  return 31 - Math.clz32(powerOfTwo);
}

/**
 * Wavelet hash (wHash, Haar) as imagehash 4.3.x computes it, named `whash` (64-bit) or
 * `whash-<size>`; `hashSize` must be a power of two. Throws ERR_IMAGE_UNIFORM when the resized
 * image is flat.
 *
 * @example
 * ```ts
 * hashToHex(waveletHash(image)); // same hex as str(imagehash.whash(img))
 * ```
 */
export function waveletHash(image: PixelImage, options: HashSizeOptions = {}): Hash {
  const size = checkHashSize(options.hashSize ?? WHASH_DEFAULT_SIZE, true);
  const name = sizedName('whash', size, WHASH_DEFAULT_SIZE);
  const grey = pillowLuma(image);
  // 2 ** floor(log2(min side)), computed on integers.
  const natural = 2 ** log2Int(Math.min(grey.width, grey.height));
  const scale = Math.max(natural, size);
  const grid = pillowResizeLanczos(grey, scale, scale);
  assertNotFlat(grid, name);
  const pixels = Float64Array.from(grid.data, (v) => v / 255);
  const maxLevel = log2Int(scale);
  const full = haarWavedec2(pixels, scale, maxLevel);
  const withoutLl = haarWaverec2(
    full.approx.map((v) => v * 0),
    full.details,
  );
  const low = haarWavedec2(withoutLl, scale, maxLevel - log2Int(size)).approx;
  const median = numpyMedian(low);
  return hashFromBitsMsbFirst(
    name,
    Array.from(low, (v) => v > median),
  );
}
