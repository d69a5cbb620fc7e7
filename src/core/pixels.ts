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
