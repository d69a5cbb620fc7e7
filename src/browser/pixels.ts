import { invalidArgument } from '../core/errors.js';
import type { PixelImage } from '../core/pixels.js';

/** What a canvas hands back: `ImageData`, or any `{ width, height, data }` of RGBA bytes. */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** Options for {@link pixelsFromRgba}. */
export interface RgbaOptions {
  /**
   * The picture is a greyscale file (R = G = B): hash its grey channel alone, as `imprint/sharp`
   * does for grey PNGs and JPEGs. PDQ's float luma of (v, v, v) is not always exactly v, so this
   * matters for bit-exact hashes. `decodeBlob` sets it from the file's header.
   */
  greyscale?: boolean;
}

/**
 * Wraps canvas RGBA as the {@link PixelImage} the algorithms hash: RGBA as is (no copy), or with
 * `greyscale`, the grey channel (plus alpha when any pixel is not opaque).
 *
 * @example
 * ```ts
 * const image = pixelsFromRgba(context.getImageData(0, 0, width, height));
 * const { hash } = pdqHash(image);
 * ```
 */
export function pixelsFromRgba(rgba: RgbaPixels, options: RgbaOptions = {}): PixelImage {
  const { width, height, data } = rgba;
  if (
    !(data instanceof Uint8Array || data instanceof Uint8ClampedArray) ||
    data.length !== width * height * 4
  ) {
    throw invalidArgument(`${width * height * 4} RGBA bytes (width*height*4)`, 'data', data?.length);
  }
  if (!options.greyscale) return { width, height, channels: 4, data };
  let opaque = true;
  for (let i = 3; i < data.length && opaque; i += 4) opaque = data[i] === 255;
  const channels = opaque ? 1 : 2;
  const out = new Uint8Array(width * height * channels);
  for (let s = 0, o = 0; s < data.length; s += 4, o += channels) {
    out[o] = data[s]!;
    if (!opaque) out[o + 1] = data[s + 3]!;
  }
  return { width, height, channels, data: out };
}
