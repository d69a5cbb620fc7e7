/**
 * imagehash's `colorhash`, bit for bit: fractions of the image's pixels in 14 colour bins, each
 * written with `binbits` bits (42 bits by default). On the full-size image (no resize):
 * - black = Pillow luma < 32; grey = not black and Pillow HSV saturation < 85;
 * - the remaining "colour" pixels split into faint (S < 170) and bright (S > 170) ones; a pixel
 *   with S == 170 exactly is in neither but still counts in the colour total, as in imagehash;
 * - faint and bright are each histogrammed into 6 hue bins with edges numpy.linspace(0, 255, 7)
 *   (42.5 wide, last bin closed);
 * - value = min(2^binbits - 1, int(fraction * 2^binbits)), black and grey as fractions of all
 *   pixels, the 12 hue bins as fractions of the colour pixels;
 * - each value becomes `binbits` bits with imagehash's own rule: bit i is
 *   `(v >> (binbits - i - 1)) % 2^(binbits - i) > 0`. That is not plain binary (v = 4 gives 110
 *   for 3 bits) and is kept because lists were made with it.
 */

import { invalidArgument } from '../../core/errors.js';
import { type Hash, hashFromBitsMsbFirst } from '../../core/hash.js';
import { assertPixelImage, type PixelImage } from '../../core/pixels.js';
import { pillowHue, pillowSaturation } from './pillow-hsv.js';
import { pillowLuma } from './pillow-luma.js';

/** imagehash's default `binbits`. */
export const COLORHASH_DEFAULT_BINBITS = 3;
/** Bins: black, grey, 6 faint hues, 6 bright hues. */
export const COLORHASH_BINS = 14;

/** Options for {@link colorhash}. */
export interface ColorhashOptions {
  /** Bits per bin (imagehash's `binbits`), 1..16; the hash has 14 * binbits bits. Default 3. */
  binbits?: number;
}

/** Validates `binbits` (an integer 1..16); throws ERR_INVALID_ARGUMENT. */
export function checkBinbits(binbits: unknown): number {
  if (typeof binbits !== 'number' || !Number.isInteger(binbits) || binbits < 1 || binbits > 16) {
    throw invalidArgument('an integer from 1 to 16', 'options.binbits', binbits);
  }
  return binbits;
}

/**
 * Registry name: `colorhash` for the default 3 bits per bin, else `colorhash-<binbits>`.
 *
 * @example
 * ```ts
 * colorhashName(3); // 'colorhash'
 * colorhashName(4); // 'colorhash-4'
 * ```
 */
export function colorhashName(binbits: number): string {
  return binbits === COLORHASH_DEFAULT_BINBITS ? 'colorhash' : `colorhash-${binbits}`;
}

/**
 * Colour histogram hash as imagehash 4.3.x computes it, named `colorhash` (42-bit) or
 * `colorhash-<binbits>`. Unlike the other hashes it is defined for flat images too.
 *
 * @example
 * ```ts
 * hashToHex(colorhash(image)); // same hex as str(imagehash.colorhash(img)), e.g. '07007000000'
 * ```
 */
export function colorhash(image: PixelImage, options: ColorhashOptions = {}): Hash {
  assertPixelImage(image);
  const binbits = checkBinbits(options.binbits ?? COLORHASH_DEFAULT_BINBITS);
  const luma = pillowLuma(image).data;
  const { channels, data } = image;
  const n = luma.length;
  let black = 0;
  let grey = 0;
  let colour = 0;
  const faint = new Float64Array(6);
  const bright = new Float64Array(6);
  for (let p = 0, i = 0; p < n; p++, i += channels) {
    if (luma[p]! < 32) {
      black++;
      continue;
    }
    // Grey and grey+alpha images convert to HSV with S = 0: all grey.
    const s = channels < 3 ? 0 : pillowSaturation(data[i]!, data[i + 1]!, data[i + 2]!);
    if (s < 85) {
      grey++;
      continue;
    }
    colour++;
    // numpy.histogram with edges k * 42.5: the bin is the number of inner edges <= h.
    const bin = Math.min(5, Math.floor(pillowHue(data[i]!, data[i + 1]!, data[i + 2]!) / 42.5));
    if (s < 170) faint[bin]!++;
    else if (s > 170) bright[bin]!++;
  }
  const max = 2 ** binbits;
  const quantise = (fraction: number): number => Math.min(max - 1, Math.trunc(fraction * max));
  const c = Math.max(1, colour);
  const values = [quantise(black / n), quantise(grey / n)];
  for (const count of [...faint, ...bright]) values.push(quantise(count / c));
  const bits: boolean[] = [];
  for (const v of values) {
    for (let i = 0; i < binbits; i++) {
      bits.push(Math.floor(v / 2 ** (binbits - i - 1)) % 2 ** (binbits - i) > 0);
    }
  }
  return hashFromBitsMsbFirst(colorhashName(binbits), bits);
}
