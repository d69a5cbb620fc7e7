/**
 * Which bits of a PDQ hash an image is sure of. A bit is the sign of one DCT coefficient against
 * the median of all 256; a coefficient within a few units of the median flips under any re-encode.
 * On most photos a few dozen bits are like that; on a picture that varies in one direction only
 * (vertical stripes, a smooth gradient) most of the 256 are, and plain PDQ moves 50-70 bits under a
 * JPEG re-encode even though the picture's quality score is 100. Comparing only the bits the upload
 * is sure of finds such copies, and works with any list of plain PDQ hashes.
 */
import { ImprintError } from '../../core/errors.js';
import { popcount32 } from '../../core/hash.js';
import { PDQ_BITS } from './pdq.js';

/**
 * Least distance between a DCT coefficient and the median for its bit to count as stable. Measured
 * on the development corpus's altered copies (14 photometric edits and re-encodes, by a probe the
 * closing note of issue 5 describes): bits whose coefficient is closer than 4 flip in 8-34% of
 * copies (the closer, the more), bits from 4 to 6 in 5-6%, bits beyond 30 in 0.2% or less. Picked
 * from 3-6 on that corpus: 5 and 6 made false pairs there.
 */
export const PDQ_STABLE_MARGIN = 4;

/**
 * Fewest stable bits a comparison on stable bits alone may rest on. The stable bits of a smooth
 * picture are few and alike from one smooth picture to the next (they sit in the same low
 * frequencies): among 2 x 400 random stripes, gradients and rings (`npm run bench:smooth`), plain
 * PDQ at 31 makes 16 false pairs (none between unlike pictures), `pdq-stable` 19 (1) from 96 bits
 * up, and 68 (13) when allowed down to 64. Below 96, the index-side `pdq-witness` asks the
 * pictures' pHashes to agree as well (match.ts, WITNESSED_MIN_STABLE_BITS).
 *
 * @example
 * ```ts
 * PDQ_MIN_STABLE_BITS; // 96: fewer stable bits and a hash's masked distance is not trusted
 * ```
 */
export const PDQ_MIN_STABLE_BITS = 96;

/** The bits of a hash an image is sure of, in the hash's own byte layout, and how many there are. */
export interface StableBits {
  /** 32 bytes: bit k set when the hash's bit k is stable. */
  readonly mask: Uint8Array;
  readonly count: number;
}

/**
 * The stable bits of a PDQ hash from the DCT block it was thresholded from (`PdqResult.dct`):
 * those whose coefficient is at least `margin` from the median.
 *
 * @example
 * ```ts
 * const result = pdqHash(pixels);
 * const { count } = pdqStableBits(result.dct); // about 230 on a photo, 30-90 on a gradient
 * ```
 */
export function pdqStableBits(dct: Float32Array, margin: number = PDQ_STABLE_MARGIN): StableBits {
  if (dct.length !== PDQ_BITS)
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `A PDQ DCT block has ${PDQ_BITS} values, got ${dct.length}`,
    );
  const median = Float32Array.from(dct).sort()[127]!;
  const mask = new Uint8Array(32);
  let count = 0;
  for (let k = 0; k < PDQ_BITS; k++) {
    if (Math.abs(dct[k]! - median) >= margin) {
      mask[31 - (k >> 3)]! |= 1 << (k & 7);
      count++;
    }
  }
  return { mask, count };
}

/**
 * Distance between an upload's hash and a known hash counted on the upload's stable bits only,
 * scaled to the whole hash (`ceil(differing * 256 / stable)`), so that plain PDQ's threshold reads
 * the same. Infinity when fewer than `minBits` (default {@link PDQ_MIN_STABLE_BITS}) bits are
 * stable: a rule that has other evidence (a second hash that agrees) may trust fewer.
 *
 * @example
 * ```ts
 * const upload = pdqHash(pixels);
 * const score = stableDistance(upload.hash.bytes, pdqStableBits(upload.dct), known.bytes);
 * if (score <= 31) console.log('match');
 * ```
 */
export function stableDistance(
  query: Uint8Array,
  stable: StableBits,
  known: Uint8Array,
  minBits: number = PDQ_MIN_STABLE_BITS,
): number {
  if (stable.count < minBits || stable.count === 0) return Number.POSITIVE_INFINITY;
  return Math.ceil((maskedDistance(query, known, stable.mask) * PDQ_BITS) / stable.count);
}

/**
 * Differing bits of two hashes among the bits set in `mask` (all three in the same byte layout).
 *
 * @example
 * ```ts
 * maskedDistance(upload.hash.bytes, known.bytes, pdqStableBits(upload.dct).mask); // <= the full distance
 * ```
 */
export function maskedDistance(a: Uint8Array, b: Uint8Array, mask: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i += 4) {
    const x =
      (((a[i]! ^ b[i]!) & mask[i]!) << 24) |
      (((a[i + 1]! ^ b[i + 1]!) & mask[i + 1]!) << 16) |
      (((a[i + 2]! ^ b[i + 2]!) & mask[i + 2]!) << 8) |
      ((a[i + 3]! ^ b[i + 3]!) & mask[i + 3]!);
    d += popcount32(x >>> 0);
  }
  return d;
}

/**
 * Largest full Hamming distance a known hash can have from the query and still be within
 * `score` on the stable bits: the index is searched this wide, then each hit is checked
 * (-1 when nothing can be within it: fewer stable bits than `minBits`, or a negative score).
 *
 * @example
 * ```ts
 * const stable = pdqStableBits(upload.dct);
 * const allowed = Math.floor((31 * stable.count) / 256); // differing stable bits that still match
 * index.query(upload.hash, {
 *   maxDistance: stableSearchRadius(stable, 31),
 *   mask: { bits: stable.mask, maxDistance: allowed },
 * });
 * ```
 */
export function stableSearchRadius(
  stable: StableBits,
  score: number,
  minBits: number = PDQ_MIN_STABLE_BITS,
): number {
  if (stable.count < minBits || stable.count === 0 || score < 0) return -1;
  const differing = Math.floor((score * stable.count) / PDQ_BITS);
  return Math.min(PDQ_BITS, differing + PDQ_BITS - stable.count);
}
