import { invalidArgument } from '../core/errors.js';
import type { PixelImage } from '../core/pixels.js';

/**
 * Applies an EXIF orientation (1..8) to decoded pixels: the image as a viewer shows it, the same
 * pixels sharp's `autoOrient` produces. It is a pure permutation of pixels, so it is exact.
 *
 * @example
 * ```ts
 * const upright = applyOrientation(stored, 6); // 6 = "rotate 90 degrees clockwise to view"
 * ```
 */
export function applyOrientation(image: PixelImage, orientation: number): PixelImage {
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw invalidArgument('an EXIF orientation 1..8', 'orientation', orientation);
  }
  if (orientation === 1) return image;
  const { width: w, height: h, channels, data } = image;
  const swaps = orientation >= 5; // 5..8 turn the image by a quarter
  const outWidth = swaps ? h : w;
  const outHeight = swaps ? w : h;
  const out = new Uint8Array(data.length);
  // The stored pixel shown at output (x, y) is (sx, sy) = (x0 + ax*x + ay*y, y0 + bx*x + by*y):
  // an affine map, so its offset advances by fixed steps along output rows and columns.
  const [x0, ax, ay, y0, bx, by] = SOURCE_OF[orientation]!(w, h);
  const stepX = (bx * w + ax) * channels;
  const stepY = (by * w + ay) * channels;
  let rowStart = (y0 * w + x0) * channels;
  for (let y = 0, o = 0; y < outHeight; y++, rowStart += stepY) {
    for (let x = 0, s = rowStart; x < outWidth; x++, s += stepX, o += channels) {
      for (let c = 0; c < channels; c++) out[o + c] = data[s + c]!;
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}

/** [x0, ax, ay, y0, bx, by] of the map above, for a stored image of w x h. */
type SourceMap = (w: number, h: number) => readonly [number, number, number, number, number, number];

const SOURCE_OF: Record<number, SourceMap> = {
  2: (w) => [w - 1, -1, 0, 0, 0, 1], // mirrored left-right: (w-1-x, y)
  3: (w, h) => [w - 1, -1, 0, h - 1, 0, -1], // turned 180 degrees: (w-1-x, h-1-y)
  4: (_w, h) => [0, 1, 0, h - 1, 0, -1], // mirrored top-bottom: (x, h-1-y)
  5: () => [0, 0, 1, 0, 1, 0], // transposed: (y, x)
  6: (_w, h) => [0, 0, 1, h - 1, -1, 0], // view = stored turned 90 degrees clockwise: (y, h-1-x)
  7: (w, h) => [w - 1, 0, -1, h - 1, -1, 0], // transversed: (w-1-y, h-1-x)
  8: (w) => [w - 1, 0, -1, 0, 1, 0], // view = stored turned 90 degrees counter-clockwise: (w-1-y, x)
};
