/**
 * blockhash (Commons Machinery) through the `blockhash-core` package, the JS port the reference
 * test suites agree with. The wrapper guards the package's faults, each of which would silently
 * give a wrong hash:
 * - `bits` must be a multiple of 4 (odd sizes put "NaN" in the hex; the C tool refuses others);
 * - the data must be RGBA (3-channel data is read with the wrong stride): imprint expands grey,
 *   grey + alpha and RGB itself, alpha 255 where there is none;
 * - the image must have at least `bits` pixels per side (smaller ones give garbage);
 * - an all-0 or all-1 result (a flat image, or one whose blocks are all equal) is refused.
 * Pixel value is R + G + B, a fully transparent pixel counts as white, as in every reference.
 * Decode ignoring the embedded ICC profile, as the reference tools do (`imprint/sharp` does).
 */
import { bmvbhash, bmvbhashEven } from 'blockhash-core';
import { ImprintError, invalidArgument } from '../../core/errors.js';
import { type Hash, hashFromHex } from '../../core/hash.js';
import { assertPixelImage, type PixelImage } from '../../core/pixels.js';

/** Blocks per side by default (a 256-bit hash), the reference tools' default. */
export const BLOCKHASH_DEFAULT_BITS = 16;

/**
 * `precise` is the reference's method 2 (`blockhash` in C/Python, `bmvbhash` in JS): blocks of
 * fractional size, pixels on block edges split by weight. `quick` is method 1
 * (`blockhash_quick`, `bmvbhashEven`): whole-pixel blocks, remainder pixels ignored.
 */
export type BlockhashMethod = 'precise' | 'quick';

/** Options for {@link blockhash}. */
export interface BlockhashOptions {
  /** Blocks per side, a multiple of 4 from 4 to 64; the hash has bits * bits bits. Default 16. */
  bits?: number;
  /** Default `precise`. */
  method?: BlockhashMethod;
}

/**
 * The registry name for a method and size: `blockhash` (precise, 16), `blockhash-quick`,
 * and `blockhash-<bits>` / `blockhash-quick-<bits>` for other sizes.
 *
 * @example
 * ```ts
 * blockhashName('quick', 8); // 'blockhash-quick-8'
 * ```
 */
export function blockhashName(method: BlockhashMethod, bits: number): string {
  const base = method === 'quick' ? 'blockhash-quick' : 'blockhash';
  return bits === BLOCKHASH_DEFAULT_BITS ? base : `${base}-${bits}`;
}

/** Validates {@link BlockhashOptions} and fills in the defaults; throws ERR_INVALID_ARGUMENT. */
export function checkBlockhashOptions(options: BlockhashOptions): Required<BlockhashOptions> {
  const bits = options.bits ?? BLOCKHASH_DEFAULT_BITS;
  const method = options.method ?? 'precise';
  if (!Number.isInteger(bits) || bits < 4 || bits > 64 || bits % 4 !== 0) {
    throw invalidArgument('a multiple of 4 from 4 to 64', 'options.bits', bits);
  }
  if (method !== 'precise' && method !== 'quick') {
    throw invalidArgument("'precise' or 'quick'", 'options.method', method);
  }
  return { bits, method };
}

/** RGBA copy of any PixelImage (grey -> g,g,g; missing alpha -> 255). */
function toRgba(image: PixelImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (channels === 4) return data instanceof Uint8Array ? data : new Uint8Array(data);
  const n = width * height;
  const out = new Uint8Array(n * 4);
  for (let p = 0, s = 0, d = 0; p < n; p++, s += channels, d += 4) {
    if (channels >= 3) {
      out[d] = data[s]!;
      out[d + 1] = data[s + 1]!;
      out[d + 2] = data[s + 2]!;
    } else {
      out[d] = out[d + 1] = out[d + 2] = data[s]!;
    }
    out[d + 3] = channels === 2 ? data[s + 1]! : 255;
  }
  return out;
}

/**
 * blockhash of decoded pixels, bit for bit with the Commons Machinery references (C, Python, JS).
 * Throws ERR_INVALID_ARGUMENT for a bad `bits`/`method`, ERR_IMAGE_TOO_SMALL when a side is
 * below `bits` px, ERR_IMAGE_UNIFORM when the result would be all zeros or all ones.
 *
 * @example
 * ```ts
 * const h = blockhash(image);                       // 256-bit, algorithm 'blockhash'
 * const q = blockhash(image, { method: 'quick' });  // 'blockhash-quick'
 * hashToHex(h); // same hex as the `blockhash` C tool prints
 * ```
 */
export function blockhash(image: PixelImage, options: BlockhashOptions = {}): Hash {
  assertPixelImage(image);
  const { bits, method } = checkBlockhashOptions(options);
  const name = blockhashName(method, bits);
  if (image.width < bits || image.height < bits) {
    throw new ImprintError(
      'ERR_IMAGE_TOO_SMALL',
      `${name} needs both sides >= ${bits} px but the image is ${image.width}x${image.height}`,
    );
  }
  const input = { width: image.width, height: image.height, data: toRgba(image) };
  const hex = method === 'quick' ? bmvbhashEven(input, bits) : bmvbhash(input, bits);
  const hash = hashFromHex(name, bits * bits, hex);
  const first = hash.bytes[0]!;
  if ((first === 0 || first === 255) && hash.bytes.every((b) => b === first)) {
    throw new ImprintError(
      'ERR_IMAGE_UNIFORM',
      `${name} of this ${image.width}x${image.height} image is all ${first === 0 ? 'zeros' : 'ones'}: its blocks are all equal, so the hash carries no information`,
    );
  }
  return hash;
}
