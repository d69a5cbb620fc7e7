/**
 * The grey plane local features are found on: PDQ's luma weights, shrunk by area averaging to a
 * bounded working size. Bounding the size bounds the cost per upload (a 4000 px photo is worked on
 * at the same size as a 500 px one) and puts known images and uploads on comparable scales.
 */
import type { PixelImage } from '../core/pixels.js';

/** A grey plane, row-major, values 0..255 (not rounded). */
export interface GreyPlane {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** PDQ's luma weights (pdq-pixels.ts), so every part of imprint sees the same grey. */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/** Luma of every pixel at full size (alpha ignored, as PDQ does). */
export function lumaPlane(image: PixelImage): GreyPlane {
  const { width, height, channels, data } = image;
  const n = width * height;
  const out = new Float32Array(n);
  if (channels >= 3) {
    for (let p = 0, s = 0; p < n; p++, s += channels) {
      out[p] = LUMA_R * data[s]! + LUMA_G * data[s + 1]! + LUMA_B * data[s + 2]!;
    }
  } else {
    for (let p = 0, s = 0; p < n; p++, s += channels) out[p] = data[s]!;
  }
  return { width, height, data: out };
}

/**
 * Area-average weights of a 1-D shrink from `from` samples to `to` (to <= from): output sample k
 * covers source interval [k*r, (k+1)*r) with r = from/to, partial samples weighted by overlap.
 * Returned as, per output sample, the first source index and its weights (summing to 1).
 */
function shrinkWeights(from: number, to: number): { start: Int32Array; weights: Float32Array[] } {
  const ratio = from / to;
  const start = new Int32Array(to);
  const weights: Float32Array[] = [];
  for (let k = 0; k < to; k++) {
    const a = k * ratio;
    const b = Math.min(from, (k + 1) * ratio);
    const first = Math.floor(a);
    const last = Math.min(from - 1, Math.ceil(b) - 1);
    const w = new Float32Array(last - first + 1);
    for (let s = first; s <= last; s++) w[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / ratio;
    start[k] = first;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Shrinks a grey plane to `width` x `height` (each at most the source's) by area averaging:
 * every output pixel is the mean of the source area it covers. Used for the working size and for
 * every level of the pyramid (area averaging is the anti-aliasing a shrink needs).
 *
 * @example
 * ```ts
 * const half = shrinkGrey(plane, plane.width >> 1, plane.height >> 1);
 * ```
 */
export function shrinkGrey(plane: GreyPlane, width: number, height: number): GreyPlane {
  if (width === plane.width && height === plane.height) return plane;
  const cols = shrinkWeights(plane.width, width);
  const rows = shrinkWeights(plane.height, height);
  // Columns first into a (width x source height) buffer, then rows. Two taps per output sample
  // (most shrinks of the pyramid) are written out: the same products summed in the same order.
  const mid = new Float32Array(width * plane.height);
  const src = plane.data;
  for (let y = 0; y < plane.height; y++) {
    const row = y * plane.width;
    for (let k = 0; k < width; k++) {
      const w = cols.weights[k]!;
      const s0 = row + cols.start[k]!;
      let sum = 0;
      if (w.length === 2) {
        sum += w[0]! * src[s0]!;
        sum += w[1]! * src[s0 + 1]!;
      } else for (let i = 0, s = s0; i < w.length; i++, s++) sum += w[i]! * src[s]!;
      mid[y * width + k] = sum;
    }
  }
  const out = new Float32Array(width * height);
  for (let k = 0; k < height; k++) {
    const w = rows.weights[k]!;
    const first = rows.start[k]!;
    const o = k * width;
    // Each tap rounds the running sum to float32, as adding into the output row does.
    let i = 0;
    for (; i + 1 < w.length; i += 2) {
      const w0 = w[i]!;
      const w1 = w[i + 1]!;
      const m0 = (first + i) * width;
      const m1 = m0 + width;
      for (let x = 0; x < width; x++) {
        out[o + x] = Math.fround(Math.fround(out[o + x]! + w0 * mid[m0 + x]!) + w1 * mid[m1 + x]!);
      }
    }
    for (; i < w.length; i++) {
      const wi = w[i]!;
      const m = (first + i) * width;
      for (let x = 0; x < width; x++) out[o + x]! += wi * mid[m + x]!;
    }
  }
  return { width, height, data: out };
}

/**
 * The working grey plane of an image: luma, shrunk (never enlarged) so the longer side is at
 * most `maxSide`.
 *
 * @example
 * ```ts
 * const grey = workingGrey(pixels, 512); // a 1440x720 photo -> 512x256
 * ```
 */
export function workingGrey(image: PixelImage, maxSide: number): GreyPlane {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (scale === 1) return lumaPlane(image);
  // Shrinking to at most 2x the target first by whole-pixel box averaging would be faster on huge
  // images; uploads reach here through the methods' 1024 px working copy, so it is not needed.
  return shrinkGrey(lumaPlane(image), width, height);
}
