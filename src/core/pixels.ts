import { invalidArgument } from './errors.js';

/**
 * Decoded pixels, 8 bits per sample, row-major, channels interleaved.
 * 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA. This is what every algorithm hashes; the
 * `imprint/sharp` loader and the browser helpers produce it.
 */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** Checks that dimensions, channel count and buffer length agree; throws ERR_INVALID_ARGUMENT. */
export function assertPixelImage(image: PixelImage, name = 'image'): void {
  if (image === null || typeof image !== 'object') throw invalidArgument('a PixelImage object', name, image);
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1)
    throw invalidArgument('a positive integer', `${name}.width`, width);
  if (!Number.isInteger(height) || height < 1) {
    throw invalidArgument('a positive integer', `${name}.height`, height);
  }
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw invalidArgument('1, 2, 3 or 4', `${name}.channels`, channels);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw invalidArgument('a Uint8Array or Uint8ClampedArray', `${name}.data`, data);
  }
  if (data.length !== width * height * channels) {
    throw invalidArgument(
      `${width * height * channels} bytes (width*height*channels)`,
      `${name}.data`,
      data.length,
    );
  }
}

/** True when the colour channels (not alpha) are RGB rather than grey. */
export function hasColour(image: PixelImage): boolean {
  return image.channels >= 3;
}

/**
 * CMYK (ink amounts, 0 = no ink) to RGB with the plain formula `R = (255-C)(255-K)/255`, rounded:
 * what ImageMagick and CImg, the reference hashers' decoders, do for CMYK files without a profile.
 * `stride` is the number of samples per pixel (4, or 5 with alpha, which is dropped).
 */
export function cmykToRgb(cmyk: { width: number; height: number; data: Uint8Array; stride: number }): {
  channels: 3;
  data: Uint8Array;
} {
  const { width, height, data, stride } = cmyk;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  for (let p = 0, s = 0, o = 0; p < n; p++, s += stride, o += 3) {
    const white = 255 - data[s + 3]!;
    out[o] = Math.round(((255 - data[s]!) * white) / 255);
    out[o + 1] = Math.round(((255 - data[s + 1]!) * white) / 255);
    out[o + 2] = Math.round(((255 - data[s + 2]!) * white) / 255);
  }
  return { channels: 3, data: out };
}
