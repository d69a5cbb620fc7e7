/**
 * The imagehash-compatible hashes behind the common {@link Algorithm} contract. Each size has its
 * own name (`phash` = 64-bit default, `phash-16` = 256-bit, ...) so hash lists and indexes never
 * mix sizes. The default thresholds are fractions of the bit length, rounded down.
 */
import type { Hash } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import type { Algorithm } from '../types.js';
import { AHASH_DEFAULT_SIZE, averageHash } from './ahash.js';
import {
  COLORHASH_BINS,
  COLORHASH_DEFAULT_BINBITS,
  checkBinbits,
  colorhash,
  colorhashName,
} from './colorhash.js';
import { checkHashSize, sizedName } from './common.js';
import { DHASH_DEFAULT_SIZE, differenceHash, differenceHashVertical } from './dhash.js';
import { PHASH_DEFAULT_SIZE, perceptualHash } from './phash.js';
import { WHASH_DEFAULT_SIZE, waveletHash } from './whash.js';

/**
 * Default match thresholds as fractions of the bits (see the threshold table in docs/compatibility-and-thresholds.md):
 * - phash 0.16: DCT signs survive re-encoding, resizing and mild edits well; 10 of 64.
 * - dhash 0.16: gradient signs are about as stable as phash's; 10 of 64.
 * - ahash 0.10: the mean split flips many bits together on brightness/contrast changes
 *   and unrelated images collide more often, so it must be stricter; 6 of 64.
 * - whash 0.10: it behaves like a smoothed ahash (LL band vs median); 6 of 64.
 * - colorhash: only 14 coarse bins; 4 of 42 bits lets about one bin step move per a few bins.
 */
export const IMAGEHASH_THRESHOLD_FRACTIONS = {
  ahash: 0.1,
  phash: 0.16,
  dhash: 0.16,
  whash: 0.1,
  colorhash: 0.05,
} as const;

function threshold(kind: keyof typeof IMAGEHASH_THRESHOLD_FRACTIONS, bits: number): number {
  return Math.floor(IMAGEHASH_THRESHOLD_FRACTIONS[kind] * bits);
}

/** What differs between the square (size x size bit) imagehash algorithms. */
interface SquareHash {
  readonly base: string;
  readonly defaultSize: number;
  readonly threshold: keyof typeof IMAGEHASH_THRESHOLD_FRACTIONS;
  /** imagehash's function name, for the description. */
  readonly python: string;
  readonly title: string;
  readonly powerOfTwo?: boolean;
  readonly note?: string;
  readonly hash: (image: PixelImage, options: { hashSize: number }) => Hash;
}

function squareHashAlgorithm(kind: SquareHash, hashSize: number): Algorithm {
  const size = checkHashSize(hashSize, kind.powerOfTwo);
  const bits = size * size;
  return {
    name: sizedName(kind.base, size, kind.defaultSize),
    bits,
    defaultThreshold: threshold(kind.threshold, bits),
    kind: 'perceptual',
    description: `${kind.title}, ${bits}-bit, bit-exact with Python imagehash 4.3 ${kind.python}(hash_size=${size})${kind.note ?? ''}`,
    hashPixels: (image) => kind.hash(image, { hashSize: size }),
  };
}

/**
 * imagehash's `average_hash` as an {@link Algorithm}: `ahash` (8, 64-bit) or `ahash-<size>`.
 *
 * @example
 * ```ts
 * getAlgorithm('ahash-32'); // built on first use, the same as ahashAlgorithm(32)
 * ```
 */
export function ahashAlgorithm(hashSize: number = AHASH_DEFAULT_SIZE): Algorithm {
  const kind = { base: 'ahash', python: 'average_hash', title: 'Average hash', hash: averageHash };
  return squareHashAlgorithm({ ...kind, defaultSize: AHASH_DEFAULT_SIZE, threshold: 'ahash' }, hashSize);
}

/**
 * imagehash's `phash` as an {@link Algorithm}: `phash` (8, 64-bit) or `phash-<size>`.
 *
 * @example
 * ```ts
 * const { bits, defaultThreshold } = phashAlgorithm(16); // 256, 40
 * ```
 */
export function phashAlgorithm(hashSize: number = PHASH_DEFAULT_SIZE): Algorithm {
  const kind = { base: 'phash', python: 'phash', title: 'DCT perceptual hash', hash: perceptualHash };
  return squareHashAlgorithm({ ...kind, defaultSize: PHASH_DEFAULT_SIZE, threshold: 'phash' }, hashSize);
}

/**
 * imagehash's `dhash` as an {@link Algorithm}: `dhash` (8, 64-bit) or `dhash-<size>`.
 *
 * @example
 * ```ts
 * dhashAlgorithm().hashPixels!(image);
 * ```
 */
export function dhashAlgorithm(hashSize: number = DHASH_DEFAULT_SIZE): Algorithm {
  const kind = { base: 'dhash', python: 'dhash', title: 'Difference hash', hash: differenceHash };
  return squareHashAlgorithm({ ...kind, defaultSize: DHASH_DEFAULT_SIZE, threshold: 'dhash' }, hashSize);
}

/**
 * imagehash's `dhash_vertical` as an {@link Algorithm}: `dhash-vertical` or `dhash-vertical-<size>`.
 *
 * @example
 * ```ts
 * dhashVerticalAlgorithm(16).name; // 'dhash-vertical-16'
 * ```
 */
export function dhashVerticalAlgorithm(hashSize: number = DHASH_DEFAULT_SIZE): Algorithm {
  const kind = {
    base: 'dhash-vertical',
    python: 'dhash_vertical',
    title: 'Vertical difference hash',
    hash: differenceHashVertical,
  };
  return squareHashAlgorithm({ ...kind, defaultSize: DHASH_DEFAULT_SIZE, threshold: 'dhash' }, hashSize);
}

/**
 * imagehash's `whash` (haar) as an {@link Algorithm}: `whash` (8, 64-bit) or `whash-<size>`
 * (size a power of two).
 *
 * @example
 * ```ts
 * whashAlgorithm(16).bits; // 256
 * ```
 */
export function whashAlgorithm(hashSize: number = WHASH_DEFAULT_SIZE): Algorithm {
  const kind = { base: 'whash', python: 'whash', title: 'Haar wavelet hash', hash: waveletHash };
  return squareHashAlgorithm(
    {
      ...kind,
      defaultSize: WHASH_DEFAULT_SIZE,
      threshold: 'whash',
      powerOfTwo: true,
      note: ' (ties: docs/compatibility-and-thresholds.md, "whash and ties")',
    },
    hashSize,
  );
}

/**
 * imagehash's `colorhash` as an {@link Algorithm}: `colorhash` (3 bits per bin, 42-bit) or
 * `colorhash-<binbits>`.
 *
 * @example
 * ```ts
 * colorhashAlgorithm().bits; // 42
 * ```
 */
export function colorhashAlgorithm(binbits: number = COLORHASH_DEFAULT_BINBITS): Algorithm {
  checkBinbits(binbits);
  const bits = COLORHASH_BINS * binbits;
  const name = colorhashName(binbits);
  return {
    name,
    bits,
    defaultThreshold: Math.max(1, threshold('colorhash', bits)),
    kind: 'perceptual',
    description: `Colour histogram hash, ${bits}-bit, bit-exact with Python imagehash 4.3 colorhash(binbits=${binbits})`,
    hashPixels: (image) => colorhash(image, { binbits }),
  };
}

/** The imagehash algorithms registered by default: each at imagehash's default size and at 16. */
export const IMAGEHASH_ALGORITHMS: readonly Algorithm[] = [
  phashAlgorithm(),
  phashAlgorithm(16),
  dhashAlgorithm(),
  dhashAlgorithm(16),
  dhashVerticalAlgorithm(),
  dhashVerticalAlgorithm(16),
  ahashAlgorithm(),
  ahashAlgorithm(16),
  whashAlgorithm(),
  whashAlgorithm(16),
  colorhashAlgorithm(),
];
