/**
 * Steered binary descriptors (the BRIEF tests turned by the keypoint's orientation, as ORB does):
 * bit i of a keypoint's descriptor is 1 when the smoothed level is darker at the i-th pattern
 * pair's first point than at its second, both points turned by the keypoint's angle and rounded
 * to the nearest pixel. Angles are quantised to {@link ANGLE_BINS} steps, so the turned pattern
 * of each step is worked out once per level as pixel offsets (the fast path); {@link describeAt}
 * is the same thing written out, which the tests compare it with.
 */
import type { GreyPlane } from './grey.js';
import { DESCRIPTOR_BITS, DESCRIPTOR_WORDS, PATTERN_RADIUS, samplingPattern } from './pattern.js';

/** Orientation steps in a full turn (5.6 degrees each: turned tests move under a pixel at the rim). */
export const ANGLE_BINS = 64;

/** The angle, in radians, of an orientation step. */
export function binAngle(bin: number): number {
  return (bin * 2 * Math.PI) / ANGLE_BINS;
}

/** The orientation step nearest to an angle in radians. */
export function angleBin(angle: number): number {
  const b = Math.round((angle * ANGLE_BINS) / (2 * Math.PI));
  return ((b % ANGLE_BINS) + ANGLE_BINS) % ANGLE_BINS;
}

/**
 * A pattern point turned by an orientation step and rounded, `flip` mirroring the pattern (y
 * negated) first: the descriptor the mirror image would give at the mirrored keypoint (see
 * extract.ts).
 */
function turned(px: number, py: number, bin: number, flip: boolean): [number, number] {
  const a = binAngle(bin);
  const c = Math.cos(a);
  const s = Math.sin(a);
  const y = flip ? -py : py;
  return [Math.round(c * px - s * y), Math.round(s * px + c * y)];
}

/**
 * The descriptor at pixel (x, y) of a smoothed level, for orientation step `bin`, into
 * `out[at..at + 8)`, computed test by test from the pattern (the definition; another `pattern`
 * of pairs gives its own number of bits, for bench/feature-pattern.ts).
 */
export function describeAt(
  plane: GreyPlane,
  x: number,
  y: number,
  bin: number,
  flip: boolean,
  out: Uint32Array,
  at: number,
  pattern: Float32Array = samplingPattern(),
): void {
  const pixel = (dx: number, dy: number) => plane.data[(y + dy) * plane.width + x + dx]!;
  const tests = pattern.length / 4;
  const words = Math.ceil(tests / 32);
  for (let w = 0; w < words; w++) out[at + w] = 0;
  for (let i = 0; i < tests; i++) {
    const [ax, ay] = turned(pattern[4 * i]!, pattern[4 * i + 1]!, bin, flip);
    const [bx, by] = turned(pattern[4 * i + 2]!, pattern[4 * i + 3]!, bin, flip);
    if (pixel(ax, ay) < pixel(bx, by)) out[at + (i >>> 5)]! |= 1 << (i & 31);
  }
  for (let w = 0; w < words; w++) out[at + w] = out[at + w]! >>> 0;
}

/**
 * The pattern's points turned by every orientation step (mirrored or not) and rounded, as
 * [dx, dy] pairs: `turnedPatterns()[flip ? bin + ANGLE_BINS : bin]`. Worked out once per process
 * (it does not depend on the level), where each level used to turn it again for every step it met.
 */
function turnedPatterns(): Int8Array[] {
  if (!turnedCache) {
    const pattern = samplingPattern();
    turnedCache = Array.from({ length: 2 * ANGLE_BINS }, (_, key) => {
      const out = new Int8Array(4 * DESCRIPTOR_BITS);
      for (let i = 0; i < 2 * DESCRIPTOR_BITS; i++) {
        const [dx, dy] = turned(pattern[2 * i]!, pattern[2 * i + 1]!, key % ANGLE_BINS, key >= ANGLE_BINS);
        out[2 * i] = dx;
        out[2 * i + 1] = dy;
      }
      return out;
    });
  }
  return turnedCache;
}
let turnedCache: Int8Array[] | undefined;

/**
 * Describes keypoints of one smoothed level with the turned patterns' offsets worked out once per
 * orientation step (and per mirroring) for the level's row stride.
 */
export class LevelDescriber {
  readonly #plane: GreyPlane;
  readonly #offsets: (Int32Array | undefined)[] = new Array(2 * ANGLE_BINS);

  constructor(plane: GreyPlane) {
    this.#plane = plane;
  }

  #offsetsOf(bin: number, flip: boolean): Int32Array {
    const key = flip ? bin + ANGLE_BINS : bin;
    let found = this.#offsets[key];
    if (!found) {
      const points = turnedPatterns()[key]!;
      const width = this.#plane.width;
      found = new Int32Array(2 * DESCRIPTOR_BITS);
      for (let i = 0; i < 2 * DESCRIPTOR_BITS; i++) found[i] = points[2 * i + 1]! * width + points[2 * i]!;
      this.#offsets[key] = found;
    }
    return found;
  }

  /**
   * As {@link describeAt}; (x, y) must be more than {@link PATTERN_RADIUS} pixels from every edge.
   */
  describe(x: number, y: number, bin: number, flip: boolean, out: Uint32Array, at: number): void {
    const offsets = this.#offsetsOf(bin, flip);
    const data = this.#plane.data;
    const p = y * this.#plane.width + x;
    for (let w = 0, i = 0; w < DESCRIPTOR_WORDS; w++) {
      let word = 0;
      for (let b = 0; b < 32; b++, i += 2) {
        if (data[p + offsets[i]!]! < data[p + offsets[i + 1]!]!) word |= 1 << b;
      }
      out[at + w] = word >>> 0;
    }
  }
}

/** Pixels a keypoint must keep from every edge of its level to be described. */
export const DESCRIPTOR_BORDER: number = PATTERN_RADIUS + 1;
