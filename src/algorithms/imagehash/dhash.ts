/**
 * imagehash's `dhash` and `dhash_vertical`, bit for bit: Pillow luma, Pillow LANCZOS resize to
 * (size + 1) x size (width x height) or size x (size + 1), bit = next pixel > this pixel.
 */
import { type Hash, hashFromBitsMsbFirst } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { assertNotFlat, checkHashSize, type HashSizeOptions, sizedName } from './common.js';
import { type GreyImage, pillowLuma } from './pillow-luma.js';
import { pillowResizeLanczos } from './pillow-resample.js';

/** imagehash's default `hash_size` for dhash. */
export const DHASH_DEFAULT_SIZE = 8;

/**
 * Difference hash (dHash, horizontal gradients) as imagehash 4.3.x computes it, named `dhash`
 * (64-bit) or `dhash-<size>`. Throws ERR_IMAGE_UNIFORM when the resized image is flat.
 *
 * @example
 * ```ts
 * hashToHex(differenceHash(image)); // same hex as str(imagehash.dhash(img))
 * ```
 */
export function differenceHash(image: PixelImage, options: HashSizeOptions = {}): Hash {
  const size = checkHashSize(options.hashSize ?? DHASH_DEFAULT_SIZE);
  const name = sizedName('dhash', size, DHASH_DEFAULT_SIZE);
  const grid = pillowResizeLanczos(pillowLuma(image), size + 1, size);
  assertNotFlat(grid, name);
  return hashFromBitsMsbFirst(name, horizontalDifferences(grid));
}

/** dhash's bits of a (size + 1) x size grid: right neighbour > pixel, row-major. */
export function horizontalDifferences(grid: GreyImage): boolean[] {
  const bits: boolean[] = [];
  const w = grid.width;
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x + 1 < w; x++) bits.push(grid.data[y * w + x + 1]! > grid.data[y * w + x]!);
  }
  return bits;
}

/**
 * imagehash's `dhash_vertical` (gradients down the columns), named `dhash-vertical` or
 * `dhash-vertical-<size>`. Throws ERR_IMAGE_UNIFORM when the resized image is flat.
 *
 * @example
 * ```ts
 * hashToHex(differenceHashVertical(image)); // same hex as str(imagehash.dhash_vertical(img))
 * ```
 */
export function differenceHashVertical(image: PixelImage, options: HashSizeOptions = {}): Hash {
  const size = checkHashSize(options.hashSize ?? DHASH_DEFAULT_SIZE);
  const name = sizedName('dhash-vertical', size, DHASH_DEFAULT_SIZE);
  const grid = pillowResizeLanczos(pillowLuma(image), size, size + 1);
  assertNotFlat(grid, name);
  const bits: boolean[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) bits.push(grid.data[(y + 1) * size + x]! > grid.data[y * size + x]!);
  }
  return hashFromBitsMsbFirst(name, bits);
}
