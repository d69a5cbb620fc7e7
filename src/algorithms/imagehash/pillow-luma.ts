/**
 * Pillow's `Image.convert('L')`, which every imagehash function starts with. Pillow uses integer
 * Rec.601 luma on the stored (gamma-encoded) values, `(19595 R + 38470 G + 7471 B + 0x8000) >> 16`,
 * ignores alpha and never applies an ICC profile. sharp's `greyscale()` is linear-light Rec.709
 * and gives different values, which is why imprint owns this step.
 */
import { assertPixelImage, type PixelImage } from '../../core/pixels.js';

/** One 8-bit channel, row-major: Pillow's mode `L`. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Converts decoded pixels to Pillow mode `L`, bit for bit: grey (and grey + alpha) keep their
 * grey value, RGB and RGBA use Pillow's integer luma; alpha never takes part.
 *
 * @example
 * ```ts
 * const grey = pillowLuma({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 0]) });
 * grey.data[0]; // 76
 * ```
 */
export function pillowLuma(image: PixelImage): GreyImage {
  assertPixelImage(image);
  const { width, height, channels, data } = image;
  const n = width * height;
  const out = new Uint8Array(n);
  if (channels < 3) {
    for (let p = 0, s = 0; p < n; p++, s += channels) out[p] = data[s]!;
  } else {
    for (let p = 0, s = 0; p < n; p++, s += channels) {
      out[p] = (data[s]! * 19595 + data[s + 1]! * 38470 + data[s + 2]! * 7471 + 0x8000) >>> 16;
    }
  }
  return { width, height, data: out };
}
