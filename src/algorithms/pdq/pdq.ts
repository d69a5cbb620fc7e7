/**
 * PDQ, bit-exact with Meta's reference (facebook/ThreatExchange `pdq/cpp`), following
 * `specs/pdq.md`: float32 luma, two rounds of Jarosz box filtering, decimation to 64x64, a 16x16
 * DCT block, median threshold. The pixel work runs in a WebAssembly SIMD kernel where the host
 * has one (`wasm/pdq.wat`) and in plain JS otherwise (`pdq-pixels.ts`); both give the same bits.
 */
import { ImprintError, invalidArgument } from '../../core/errors.js';
import type { Hash } from '../../core/hash.js';
import { assertPixelImage, type PixelImage } from '../../core/pixels.js';
import { type PdqPixelResult, pdqPixelsJs, squashPixelsTo512 } from './pdq-pixels.js';
import { pdqPixelsWasm, pdqWasmAvailable } from './wasm/pdq-wasm.js';

export { pdqWasmAvailable };

/**
 * PDQ hashes are 256 bits.
 *
 * @example
 * ```ts
 * hashFromHex('pdq', PDQ_BITS, hex); // a PDQ hash from its 64 hex digits
 * ```
 */
export const PDQ_BITS = 256;
/**
 * The reference's match threshold: at most 31 of 256 bits differ.
 *
 * @example
 * ```ts
 * const same = hammingDistance(upload, known) <= PDQ_DEFAULT_THRESHOLD;
 * ```
 */
export const PDQ_DEFAULT_THRESHOLD = 31;
/**
 * Below this quality the reference advises not to trust a hash.
 *
 * @example
 * ```ts
 * if (pdqHash(image).quality < PDQ_MIN_QUALITY) console.warn('too flat to match reliably');
 * ```
 */
export const PDQ_MIN_QUALITY = 50;
/**
 * Smallest side PDQ can hash (the reference returns an all-zero hash below it).
 *
 * @example
 * ```ts
 * if (Math.min(image.width, image.height) >= PDQ_MIN_SIDE) console.log(hashToHex(pdqHash(image).hash));
 * ```
 */
export const PDQ_MIN_SIDE = 5;

/**
 * `fullres` hashes the whole image (Java port, pdqhash-python, HMA, vPDQ). `cli512` first squashes
 * images with a side over 512 px to exactly 512x512 by nearest neighbour, like the C++
 * `pdq-photo-hasher` and the WASM build. They agree whenever both sides are <= 512.
 */
export type PdqFlavour = 'fullres' | 'cli512';

/**
 * Which implementation does the pixel work: `auto` (WebAssembly SIMD where available, else JS),
 * `wasm` (insist; ERR_INVALID_ARGUMENT where missing) or `js`. All give identical results.
 */
export type PdqKernel = 'auto' | 'wasm' | 'js';

/** Options for {@link pdqHash}. */
export interface PdqOptions {
  /** Default `fullres`. */
  flavour?: PdqFlavour;
  /** Default `auto`. */
  kernel?: PdqKernel;
}

/**
 * The eight dihedral variants in the reference's order.
 *
 * @example
 * ```ts
 * pdqDihedral(pdqHash(image)).forEach((h, i) => console.log(DIHEDRAL_NAMES[i], hashToHex(h)));
 * ```
 */
export const DIHEDRAL_NAMES = [
  'orig',
  'rot90',
  'rot180',
  'rot270',
  'flipx',
  'flipy',
  'flipplus1',
  'flipminus1',
] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

/** A PDQ hash with its DCT block kept, so dihedral variants can be derived without re-hashing. */
export interface PdqResult {
  hash: Hash;
  quality: number;
  /** The 16x16 DCT coefficients (row-major) the hash thresholds. */
  dct: Float32Array;
}

/**
 * Computes the PDQ hash and quality of decoded pixels.
 *
 * Throws ERR_IMAGE_TOO_SMALL when a side is below 5 px (the reference would return an all-zero
 * hash there; imprint never does). The pixel work runs in WebAssembly SIMD where available
 * (`options.kernel`, default `auto`); every kernel gives the same bits.
 *
 * @example
 * ```ts
 * const { hash, quality } = pdqHash({ width, height, channels: 3, data });
 * console.log(hashToHex(hash), quality);
 * ```
 */
export function pdqHash(image: PixelImage, options: PdqOptions = {}): PdqResult {
  assertPixelImage(image);
  const flavour = options.flavour ?? 'fullres';
  if (flavour !== 'fullres' && flavour !== 'cli512') {
    throw invalidArgument("'fullres' or 'cli512'", 'options.flavour', flavour);
  }
  if (image.width < PDQ_MIN_SIDE || image.height < PDQ_MIN_SIDE) {
    throw new ImprintError(
      'ERR_IMAGE_TOO_SMALL',
      `PDQ needs both sides >= ${PDQ_MIN_SIDE} px but the image is ${image.width}x${image.height}`,
    );
  }
  const kernel = options.kernel ?? 'auto';
  if (kernel !== 'auto' && kernel !== 'wasm' && kernel !== 'js') {
    throw invalidArgument("'auto', 'wasm' or 'js'", 'options.kernel', kernel);
  }
  const { dct, quality } = pixelWork(image, flavour === 'cli512', kernel);
  return { hash: thresholdDct(dct, quality), quality, dct };
}

function pixelWork(image: PixelImage, squash: boolean, kernel: PdqKernel): PdqPixelResult {
  if (kernel !== 'js') {
    const result = pdqPixelsWasm(squash ? squashPixelsTo512(image) : image);
    if (result) return result;
    if (kernel === 'wasm') {
      throw new ImprintError(
        'ERR_INVALID_ARGUMENT',
        pdqWasmAvailable()
          ? `The ${image.width}x${image.height} image needs more memory than the WebAssembly kernel has; use { kernel: 'js' }`
          : "WebAssembly SIMD is not available here; use { kernel: 'js' }",
      );
    }
  }
  return pdqPixelsJs(image, squash);
}

/**
 * The eight dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flip+1, flip-1) from one
 * DCT, as the reference's `--pdqdih` does. They approximate the hashes of the rotated and flipped
 * images within a few bits, which is what matching rotated re-uploads needs.
 *
 * @example
 * ```ts
 * const [orig, rot90] = pdqDihedral(pdqHash(image)); // 8 hashes, the original's first
 * ```
 */
export function pdqDihedral(result: PdqResult): Hash[] {
  return DIHEDRAL_NAMES.map((_, v) => thresholdDct(transformDct(result.dct, v), result.quality));
}

/**
 * Applies dihedral variant `v` (an index into {@link DIHEDRAL_NAMES}) to a 16x16 DCT block, as the
 * reference does: rotations and flips of the image are sign flips and transposes of the DCT.
 */
export function transformDct(b: Float32Array, v: number): Float32Array {
  if (!Number.isInteger(v) || v < 0 || v > 7) throw invalidArgument('an integer 0..7', 'variant', v);
  const c = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const x = b[i * 16 + j]!;
      const odd = (n: number): boolean => (n & 1) === 1;
      switch (v) {
        case 0: // orig
          c[i * 16 + j] = x;
          break;
        case 1: // rot90
          c[j * 16 + i] = odd(j) ? x : -x;
          break;
        case 2: // rot180
          c[i * 16 + j] = odd(i + j) ? -x : x;
          break;
        case 3: // rot270
          c[j * 16 + i] = odd(i) ? x : -x;
          break;
        case 4: // flipx
          c[i * 16 + j] = odd(i) ? x : -x;
          break;
        case 5: // flipy
          c[i * 16 + j] = odd(j) ? x : -x;
          break;
        case 6: // flip+1, transpose
          c[j * 16 + i] = x;
          break;
        default: // flip-1, anti-transpose
          c[j * 16 + i] = odd(i + j) ? -x : x;
      }
    }
  }
  return c;
}

/** Bit 16i+j is set when B[i][j] is strictly above the median (the 128th smallest value). */
function thresholdDct(b: Float32Array, quality: number): Hash {
  const median = Float32Array.from(b).sort()[127]!;
  const bytes = new Uint8Array(32);
  for (let k = 0; k < 256; k++) {
    if (b[k]! > median) bytes[31 - (k >> 3)]! |= 1 << (k & 7);
  }
  return { algorithm: 'pdq', bits: PDQ_BITS, bytes, quality };
}
