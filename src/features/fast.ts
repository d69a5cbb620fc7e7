/**
 * FAST corners (Rosten and Drummond's segment test): a pixel is a corner when at least
 * {@link FAST_ARC} contiguous pixels of the 16 on a circle of radius 3 around it are all brighter
 * than it by more than a threshold, or all darker. Cheap enough to run on every pixel of every
 * pyramid level; the corners are then ranked by a proper corner measure (harris.ts).
 */
import type { GreyPlane } from './grey.js';

/** The 16 circle offsets (radius 3), clockwise from straight up. */
export const FAST_CIRCLE: readonly (readonly [number, number])[] = [
  [0, -3],
  [1, -3],
  [2, -2],
  [3, -1],
  [3, 0],
  [3, 1],
  [2, 2],
  [1, 3],
  [0, 3],
  [-1, 3],
  [-2, 2],
  [-3, 1],
  [-3, 0],
  [-3, -1],
  [-2, -2],
  [-1, -3],
];

/** Contiguous circle pixels needed (FAST-9: the most repeatable variant in its authors' tests). */
export const FAST_ARC = 9;

/**
 * The segment test as defined, pixel by pixel: 0 when (x, y) is not a corner, else its score, the
 * sum over the circle pixels on the corner's side (brighter or darker) of how far they exceed the
 * threshold. The simple definition {@link fastScores} is tested against.
 */
export function fastScoreAt(plane: GreyPlane, x: number, y: number, threshold: number): number {
  const c = plane.data[y * plane.width + x]!;
  const v = FAST_CIRCLE.map(([dx, dy]) => plane.data[(y + dy) * plane.width + x + dx]!);
  let best = 0;
  for (const sign of [1, -1]) {
    const on = v.map((p) => sign * (p - c) > threshold);
    let arc = false;
    for (let start = 0; start < 16 && !arc; start++) {
      let k = 0;
      while (k < FAST_ARC && on[(start + k) % 16]) k++;
      arc = k === FAST_ARC;
    }
    if (!arc) continue;
    let score = 0;
    for (let i = 0; i < 16; i++) if (on[i]) score += sign * (v[i]! - c) - threshold;
    best = Math.max(best, score);
  }
  return best;
}

/** True when the 16-bit circle mask has FAST_ARC contiguous set bits (the circle wraps). */
function hasArc(mask: number): boolean {
  let m = mask | (mask << 16);
  // After k steps, bit i is set when bits i..i+k are all set.
  for (let k = 1; k < FAST_ARC; k++) m &= m >>> 1;
  return (m & 0xffff) !== 0;
}

/**
 * {@link fastScoreAt} for every pixel at least `border` (>= 3) from the edges, as a score map
 * (0 = not a corner). Any 9 contiguous circle pixels hold pixel 0 or 8 and pixel 4 or 12 (and
 * pixel 2 or 10 and pixel 6 or 14), so a pixel is skipped after two to eight reads unless those
 * are on one side.
 */
export function fastScores(plane: GreyPlane, threshold: number, border: number): Float32Array {
  const { width, height, data } = plane;
  const out = new Float32Array(width * height);
  const offsets = FAST_CIRCLE.map(([dx, dy]) => dy * width + dx);
  const [o0, o4, o8, o12] = [offsets[0]!, offsets[4]!, offsets[8]!, offsets[12]!];
  const [o2, o6, o10, o14] = [offsets[2]!, offsets[6]!, offsets[10]!, offsets[14]!];
  const b = Math.max(3, border);
  for (let y = b; y < height - b; y++) {
    for (let x = b, p = y * width + b; x < width - b; x++, p++) {
      const c = data[p]!;
      const hi = c + threshold;
      const lo = c - threshold;
      // Any 9 contiguous circle pixels include pixel 0 or 8, and pixel 4 or 12.
      const a0 = data[p + o0]!;
      const a8 = data[p + o8]!;
      const maybeBright0 = a0 > hi || a8 > hi;
      const maybeDark0 = a0 < lo || a8 < lo;
      if (!maybeBright0 && !maybeDark0) continue;
      const a4 = data[p + o4]!;
      const a12 = data[p + o12]!;
      const maybeBright1 = maybeBright0 && (a4 > hi || a12 > hi);
      const maybeDark1 = maybeDark0 && (a4 < lo || a12 < lo);
      if (!maybeBright1 && !maybeDark1) continue;
      // The same holds for pixels 2, 6, 10 and 14 (pixel 2 or 10, and pixel 6 or 14).
      const a2 = data[p + o2]!;
      const a10 = data[p + o10]!;
      const maybeBright2 = maybeBright1 && (a2 > hi || a10 > hi);
      const maybeDark2 = maybeDark1 && (a2 < lo || a10 < lo);
      if (!maybeBright2 && !maybeDark2) continue;
      const a6 = data[p + o6]!;
      const a14 = data[p + o14]!;
      const maybeBright = maybeBright2 && (a6 > hi || a14 > hi);
      const maybeDark = maybeDark2 && (a6 < lo || a14 < lo);
      if (!maybeBright && !maybeDark) continue;
      let bright = 0;
      let dark = 0;
      for (let i = 0; i < 16; i++) {
        const v = data[p + offsets[i]!]!;
        if (v > hi) bright |= 1 << i;
        else if (v < lo) dark |= 1 << i;
      }
      let score = 0;
      if (maybeBright && hasArc(bright)) {
        let s = 0;
        for (let i = 0; i < 16; i++) if (bright & (1 << i)) s += data[p + offsets[i]!]! - hi;
        score = s;
      }
      if (maybeDark && hasArc(dark)) {
        let s = 0;
        for (let i = 0; i < 16; i++) if (dark & (1 << i)) s += lo - data[p + offsets[i]!]!;
        if (s > score) score = s;
      }
      out[p] = score;
    }
  }
  return out;
}

/**
 * Corners of a score map that are strict maxima of their 3x3 neighbourhood (of equal neighbours
 * the last in reading order is kept, so a plateau keeps one), as pixel indices.
 */
export function localMaxima(scores: Float32Array, width: number, height: number): number[] {
  const out: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, p = y * width + 1; x < width - 1; x++, p++) {
      const s = scores[p]!;
      if (s <= 0) continue;
      if (
        s < scores[p - width - 1]! ||
        s < scores[p - width]! ||
        s < scores[p - width + 1]! ||
        s < scores[p - 1]! ||
        s <= scores[p + 1]! ||
        s <= scores[p + width - 1]! ||
        s <= scores[p + width]! ||
        s <= scores[p + width + 1]!
      ) {
        continue;
      }
      out.push(p);
    }
  }
  return out;
}
