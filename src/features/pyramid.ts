/**
 * The scale pyramid: the working plane shrunk again and again by a fixed factor, so that a corner
 * seen at one size in a known image is found at the level where an enlarged or shrunk copy shows
 * it at the same size.
 */
import { type GreyPlane, shrinkGrey } from './grey.js';

/** One level: its plane and how many working-plane pixels one of its pixels spans, per axis. */
export interface PyramidLevel {
  readonly plane: GreyPlane;
  readonly scaleX: number;
  readonly scaleY: number;
  /** The nominal scale, factor ** level (what a keypoint's size is measured in). */
  readonly scale: number;
}

/**
 * Levels from the working plane down by `factor` each, while the smaller side stays at least
 * `minSide` and at most `maxLevels` levels. Each level is the level above shrunk by area
 * averaging (the anti-aliasing a shrink needs); its scale is measured against the working plane.
 *
 * @example
 * ```ts
 * const levels = buildPyramid(grey, 2 ** (1 / 3), 6, 48);
 * ```
 */
export function buildPyramid(
  base: GreyPlane,
  factor: number,
  maxLevels: number,
  minSide: number,
): PyramidLevel[] {
  const levels: PyramidLevel[] = [{ plane: base, scaleX: 1, scaleY: 1, scale: 1 }];
  for (let l = 1; l < maxLevels; l++) {
    const scale = factor ** l;
    const width = Math.round(base.width / scale);
    const height = Math.round(base.height / scale);
    if (Math.min(width, height) < minSide) break;
    levels.push({
      plane: shrinkGrey(levels[l - 1]!.plane, width, height),
      scaleX: base.width / width,
      scaleY: base.height / height,
      scale,
    });
  }
  return levels;
}

/**
 * The mean of the (2 * radius + 1)^2 box around every pixel, edges clamped: the smoothing the
 * descriptor tests read through (ORB compares 5x5 box means, not single pixels; unsmoothed, one
 * pixel of JPEG noise would flip a test). Two running-sum passes, so the cost does not grow with
 * the radius.
 */
export function boxSmooth(plane: GreyPlane, radius: number): GreyPlane {
  const { width, height, data } = plane;
  const size = 2 * radius + 1;
  const mid = new Float32Array(width * height);
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let i = -radius; i <= radius; i++) sum += data[row + (i < 0 ? 0 : Math.min(i, last))]!;
    // Three runs, so the middle one (most of a row) clamps nothing: the box's left edge clamped,
    // neither edge, the right edge (the same sums in the same order as clamping every read).
    let x = 0;
    for (const leftEnd = Math.min(width, radius); x < leftEnd; x++) {
      mid[row + x] = sum;
      const add = x + radius + 1;
      sum += data[row + Math.min(add, last)]! - data[row]!;
    }
    for (const middleEnd = width - radius - 1; x < middleEnd; x++) {
      mid[row + x] = sum;
      sum += data[row + x + radius + 1]! - data[row + x - radius]!;
    }
    for (; x < width; x++) {
      mid[row + x] = sum;
      const sub = x - radius;
      sum += data[row + last]! - data[row + Math.max(sub, 0)]!;
    }
  }
  const out = new Float32Array(width * height);
  const cy = (y: number) => (y < 0 ? 0 : y >= height ? height - 1 : y);
  const acc = new Float32Array(width);
  for (let i = -radius; i <= radius; i++) {
    const src = cy(i) * width;
    for (let x = 0; x < width; x++) acc[x]! += mid[src + x]!;
  }
  const norm = 1 / (size * size);
  for (let y = 0; y < height; y++) {
    const dst = y * width;
    const add = cy(y + radius + 1) * width;
    const sub = cy(y - radius) * width;
    for (let x = 0; x < width; x++) {
      out[dst + x] = acc[x]! * norm;
      acc[x]! += mid[add + x]! - mid[sub + x]!;
    }
  }
  return { width, height, data: out };
}
