/**
 * The imagehash-compatible hashes behind the common {@link Algorithm} contract. Each size has its
 * own name (`phash` = 64-bit default, `phash-16` = 256-bit, ...) so hash lists and indexes never
 * mix sizes. The default thresholds are fractions of the bit length, rounded down.
 */
import type { Algorithm } from '../types.js';
import { AHASH_DEFAULT_SIZE, averageHash } from './ahash.js';
import {
  COLORHASH_BINS,
  COLORHASH_DEFAULT_BINBITS,
  checkBinbits,
  colorHash,
  colorHashName,
} from './colorhash.js';
import { checkHashSize, sizedName } from './common.js';
import { DHASH_DEFAULT_SIZE, differenceHash, differenceHashVertical } from './dhash.js';
import { PHASH_DEFAULT_SIZE, perceptualHash } from './phash.js';
import { WHASH_DEFAULT_SIZE, waveletHash } from './whash.js';

/**
 * Default match thresholds as fractions of the bits (see the README's threshold table):
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

/**
 * imagehash's `average_hash` as an {@link Algorithm}: `ahash` (8, 64-bit) or `ahash-<size>`.
 *
 * @example
 * ```ts
 * registerAlgorithm(ahashAlgorithm(32)); // makes 'ahash-32' available by name
 * ```
 */
export function ahashAlgorithm(hashSize = AHASH_DEFAULT_SIZE): Algorithm {
  const size = checkHashSize(hashSize);
  const bits = size * size;
  return {
    name: sizedName('ahash', size, AHASH_DEFAULT_SIZE),
    bits,
    defaultThreshold: threshold('ahash', bits),
    kind: 'perceptual',
    description: `Average hash, ${bits}-bit, bit-exact with Python imagehash 4.3 average_hash(hash_size=${size})`,
    hashPixels: (image) => averageHash(image, { hashSize: size }),
  };
}

/**
 * imagehash's `phash` as an {@link Algorithm}: `phash` (8, 64-bit) or `phash-<size>`.
 *
 * @example
 * ```ts
 * const { bits, defaultThreshold } = phashAlgorithm(16); // 256, 40
 * ```
 */
export function phashAlgorithm(hashSize = PHASH_DEFAULT_SIZE): Algorithm {
  const size = checkHashSize(hashSize);
  const bits = size * size;
  return {
    name: sizedName('phash', size, PHASH_DEFAULT_SIZE),
    bits,
    defaultThreshold: threshold('phash', bits),
    kind: 'perceptual',
    description: `DCT perceptual hash, ${bits}-bit, bit-exact with Python imagehash 4.3 phash(hash_size=${size})`,
    hashPixels: (image) => perceptualHash(image, { hashSize: size }),
  };
}

/**
 * imagehash's `dhash` as an {@link Algorithm}: `dhash` (8, 64-bit) or `dhash-<size>`.
 *
 * @example
 * ```ts
 * dhashAlgorithm().hashPixels!(image);
 * ```
 */
export function dhashAlgorithm(hashSize = DHASH_DEFAULT_SIZE): Algorithm {
  const size = checkHashSize(hashSize);
  const bits = size * size;
  return {
    name: sizedName('dhash', size, DHASH_DEFAULT_SIZE),
    bits,
    defaultThreshold: threshold('dhash', bits),
    kind: 'perceptual',
    description: `Difference hash, ${bits}-bit, bit-exact with Python imagehash 4.3 dhash(hash_size=${size})`,
    hashPixels: (image) => differenceHash(image, { hashSize: size }),
  };
}

/**
 * imagehash's `dhash_vertical` as an {@link Algorithm}: `dhash-vertical` or `dhash-vertical-<size>`.
 *
 * @example
 * ```ts
 * dhashVerticalAlgorithm(16).name; // 'dhash-vertical-16'
 * ```
 */
export function dhashVerticalAlgorithm(hashSize = DHASH_DEFAULT_SIZE): Algorithm {
  const size = checkHashSize(hashSize);
  const bits = size * size;
  return {
    name: sizedName('dhash-vertical', size, DHASH_DEFAULT_SIZE),
    bits,
    defaultThreshold: threshold('dhash', bits),
    kind: 'perceptual',
    description: `Vertical difference hash, ${bits}-bit, bit-exact with Python imagehash 4.3 dhash_vertical(hash_size=${size})`,
    hashPixels: (image) => differenceHashVertical(image, { hashSize: size }),
  };
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
export function whashAlgorithm(hashSize = WHASH_DEFAULT_SIZE): Algorithm {
  const size = checkHashSize(hashSize, true);
  const bits = size * size;
  return {
    name: sizedName('whash', size, WHASH_DEFAULT_SIZE),
    bits,
    defaultThreshold: threshold('whash', bits),
    kind: 'perceptual',
    description: `Haar wavelet hash, ${bits}-bit, bit-exact with Python imagehash 4.3 whash(hash_size=${size}) (see the README on ties)`,
    hashPixels: (image) => waveletHash(image, { hashSize: size }),
  };
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
export function colorhashAlgorithm(binbits = COLORHASH_DEFAULT_BINBITS): Algorithm {
  checkBinbits(binbits);
  const bits = COLORHASH_BINS * binbits;
  const name = colorHashName(binbits);
  return {
    name,
    bits,
    defaultThreshold: Math.max(1, threshold('colorhash', bits)),
    kind: 'perceptual',
    description: `Colour histogram hash, ${bits}-bit, bit-exact with Python imagehash 4.3 colorhash(binbits=${binbits})`,
    hashPixels: (image) => colorHash(image, { binbits }),
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
