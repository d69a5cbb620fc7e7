/** Checks and naming shared by the imagehash-compatible functions. */
import { ImprintError, invalidArgument } from '../../core/errors.js';
import type { GreyImage } from './pillow-luma.js';

/** Options every size-parameterised imagehash function takes. */
export interface HashSizeOptions {
  /**
   * imagehash's `hash_size`: the hash has `hashSize * hashSize` bits. Default 8 (64 bits); 16
   * gives 256 bits. Non-default sizes get their own algorithm name, e.g. `phash-16`.
   */
  hashSize?: number;
}

/** Largest `hashSize` accepted: 64 (4096-bit hashes) is far beyond any list in use. */
export const MAX_HASH_SIZE = 64;

/** Validates `hashSize` as imagehash does (>= 2), plus a sane upper bound and integrality. */
export function checkHashSize(hashSize: unknown, powerOfTwo = false): number {
  const ok =
    typeof hashSize === 'number' &&
    Number.isInteger(hashSize) &&
    hashSize >= 2 &&
    hashSize <= MAX_HASH_SIZE &&
    (!powerOfTwo || (hashSize & (hashSize - 1)) === 0);
  if (!ok) {
    const what = powerOfTwo ? 'a power of two from 2 to 64' : 'an integer from 2 to 64';
    throw invalidArgument(what, 'options.hashSize', hashSize);
  }
  return hashSize as number;
}

/**
 * The registry name for a size: the bare name at the default size (`phash`), otherwise the
 * name and the size (`phash-16`), so hashes of different sizes never share a name.
 */
export function sizedName(base: string, size: number, defaultSize: number): string {
  return size === defaultSize ? base : `${base}-${size}`;
}

/**
 * Refuses a flat grid: imagehash would return all zeros (aHash, dHash, wHash) or rounding noise
 * (pHash) for it, and such a hash matches every other flat image.
 */
export function assertNotFlat(grid: GreyImage, algorithm: string): void {
  const { data } = grid;
  const first = data[0];
  for (let i = 1; i < data.length; i++) if (data[i] !== first) return;
  throw new ImprintError(
    'ERR_IMAGE_UNIFORM',
    `The image is flat at ${algorithm}'s ${grid.width}x${grid.height} grid (every value ${first}); its hash would carry no information`,
  );
}
