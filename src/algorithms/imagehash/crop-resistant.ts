/**
 * imagehash's `crop_resistant_hash` with its defaults (dhash per segment, segment_threshold 128,
 * min_segment_size 500, segmentation_image_size 300, no segment limit), after "Efficient
 * Cropping-Resistant Robust Image Hashing" (Steinebach et al., ARES 2014):
 * 1. Pillow luma, LANCZOS resize to 300 x 300, GaussianBlur(2), MedianFilter(3);
 * 2. 4-connected regions of pixels > 128 ("hills") in the order of their first pixel (row-major),
 *    then regions of pixels <= 128 ("valleys") likewise; regions of more than 500 pixels are kept;
 * 3. each kept region's bounding box, scaled back to the original image and rounded with Python's
 *    round-half-to-even, is cropped from the original image and hashed with dhash.
 *
 * Two quirks of the reference are reproduced because they change results: the valley search
 * stops as soon as the pixels assigned to regions of 2 or more pixels, plus 1200 (the border
 * sentinels imagehash keeps in the same set), reach 300 * 300; single-pixel regions never count
 * toward that total. If no region is kept, the whole image is the one segment.
 */
import { ImprintError, invalidArgument } from '../../core/errors.js';
import { type Hash, hammingDistance, hashFromBitsMsbFirst } from '../../core/hash.js';
import { assertPixelImage, type PixelImage } from '../../core/pixels.js';
import { assertNotFlat } from './common.js';
import { horizontalDifferences } from './dhash.js';
import { pillowGaussianBlur, pillowMedianFilter3 } from './pillow-filters.js';
import { type GreyImage, pillowLuma } from './pillow-luma.js';
import { pillowResizeLanczos } from './pillow-resample.js';

/** imagehash's defaults, fixed here so the hashes stay comparable with lists made by it. */
const SEGMENTATION_SIZE = 300;
const SEGMENT_THRESHOLD = 128;
const MIN_SEGMENT_SIZE = 500;
const SEGMENT_HASH_SIZE = 8;

/** One kept region's bounding box on the 300 x 300 segmentation grid (inclusive). */
export interface SegmentBox {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
  /** Pixels in the region. */
  readonly size: number;
}

/** Python's `round()` on a double: nearest integer, ties to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Segments a prepared (blurred, median-filtered) square grid as imagehash does. */
export function findSegments(grid: GreyImage): SegmentBox[] {
  const { width, height, data } = grid;
  const n = width * height;
  const unassigned = new Uint8Array(n).fill(1);
  const queue = new Int32Array(n);
  const segments: SegmentBox[] = [];
  // imagehash's `already_segmented` set starts with one sentinel per border neighbour.
  let alreadySegmented = 2 * width + 2 * height;

  /** Flood-fills the 4-connected region of `hill`-class unassigned pixels from `start`. */
  const takeRegion = (start: number, hill: boolean): void => {
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    unassigned[start] = 0;
    let top = height;
    let left = width;
    let bottom = -1;
    let right = -1;
    while (head < tail) {
      const p = queue[head++]!;
      const y = (p / width) | 0;
      const x = p - y * width;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
      const visit = (q: number): void => {
        if (unassigned[q] && data[q]! > SEGMENT_THRESHOLD === hill) {
          unassigned[q] = 0;
          queue[tail++] = q;
        }
      };
      if (y > 0) visit(p - width);
      if (y + 1 < height) visit(p + width);
      if (x > 0) visit(p - 1);
      if (x + 1 < width) visit(p + 1);
    }
    const size = tail;
    // imagehash only adds a region's first pixel to `already_segmented` when it has neighbours.
    if (size > 1) alreadySegmented += size;
    if (size > MIN_SEGMENT_SIZE) segments.push({ top, left, bottom, right, size });
  };

  for (let p = 0; p < n; p++) if (unassigned[p] && data[p]! > SEGMENT_THRESHOLD) takeRegion(p, true);
  let next = 0;
  while (alreadySegmented < n) {
    while (next < n && !(unassigned[next] && data[next]! <= SEGMENT_THRESHOLD)) next++;
    // The reference raises IndexError here; stopping keeps the regions found so far.
    if (next === n) break;
    takeRegion(next, false);
  }
  return segments;
}

/** Crops `image` to the pixel box [x0, x1) x [y0, y1) (inside the image). */
function crop(image: PixelImage, x0: number, y0: number, x1: number, y1: number): PixelImage {
  const { channels, data, width } = image;
  const w = x1 - x0;
  const h = y1 - y0;
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * width + x0) * channels;
    out.set(data.subarray(from, from + w * channels), y * w * channels);
  }
  return { width: w, height: h, channels, data: out };
}

/**
 * The crop-resistant hash as imagehash 4.3.x computes it: one 64-bit `dhash` per image segment,
 * in imagehash's order (`str()` of imagehash's ImageMultiHash is the hexes joined by commas).
 * Compare two of them with {@link cropResistantMatch}. Throws ERR_IMAGE_UNIFORM for a flat image
 * (imagehash returns one all-zero segment) and ERR_IMAGE_TOO_SMALL when a segment's box rounds to
 * zero pixels on the original image (the reference fails there too).
 *
 * @example
 * ```ts
 * const segments = cropResistantHash(image);
 * segments.map(hashToHex).join(','); // same as str(imagehash.crop_resistant_hash(img))
 * ```
 */
export function cropResistantHash(image: PixelImage): Hash[] {
  assertPixelImage(image);
  const luma = pillowLuma(image);
  const small = pillowResizeLanczos(luma, SEGMENTATION_SIZE, SEGMENTATION_SIZE);
  // A flat image is one all-zero segment in imagehash; refuse it like the other hashes do.
  assertNotFlat(small, 'crop-resistant hash');
  const prepared = pillowMedianFilter3(pillowGaussianBlur(small, 2));
  let segments = findSegments(prepared);
  if (segments.length === 0) {
    const last = SEGMENTATION_SIZE - 1;
    segments = [{ top: 0, left: 0, bottom: last, right: last, size: 2 }];
  }
  const scaleW = image.width / SEGMENTATION_SIZE;
  const scaleH = image.height / SEGMENTATION_SIZE;
  return segments.map((s) => {
    const x0 = roundHalfEven(s.left * scaleW);
    const y0 = roundHalfEven(s.top * scaleH);
    const x1 = roundHalfEven((s.right + 1) * scaleW);
    const y1 = roundHalfEven((s.bottom + 1) * scaleH);
    if (x1 <= x0 || y1 <= y0) {
      throw new ImprintError(
        'ERR_IMAGE_TOO_SMALL',
        `A segment of the ${image.width}x${image.height} image rounds to an empty crop; the image is too small for the crop-resistant hash`,
      );
    }
    const part = pillowLuma(crop(image, x0, y0, x1, y1));
    const grid = pillowResizeLanczos(part, SEGMENT_HASH_SIZE + 1, SEGMENT_HASH_SIZE);
    return hashFromBitsMsbFirst('dhash', horizontalDifferences(grid));
  });
}

/** Options for {@link cropResistantMatch}, with imagehash's defaults. */
export interface CropResistantMatchOptions {
  /** Segments of `a` that must find a close segment in `b`. Default 1. */
  regionCutoff?: number;
  /** Largest distance for a segment pair to be close. Default 25% of the bits (16 of 64). */
  hammingCutoff?: number;
}

/**
 * imagehash's `ImageMultiHash.matches`: true when at least `regionCutoff` segments of `a` have a
 * segment of `b` within `hammingCutoff` bits. Also returns the count and the summed distances
 * (imagehash's `hash_diff`).
 *
 * @example
 * ```ts
 * const { matches } = cropResistantMatch(cropResistantHash(upload), knownSegments);
 * ```
 */
export function cropResistantMatch(
  a: readonly Hash[],
  b: readonly Hash[],
  options: CropResistantMatchOptions = {},
): { matches: boolean; matchingSegments: number; distanceSum: number } {
  if (a.length === 0 || b.length === 0)
    throw invalidArgument('non-empty segment lists', 'a, b', 'an empty list');
  const regionCutoff = options.regionCutoff ?? 1;
  const cutoff = options.hammingCutoff ?? a[0]!.bits * 0.25;
  let matchingSegments = 0;
  let distanceSum = 0;
  for (const segment of a) {
    let lowest = Number.POSITIVE_INFINITY;
    for (const other of b) lowest = Math.min(lowest, hammingDistance(segment, other));
    if (lowest > cutoff) continue;
    matchingSegments++;
    distanceSum += lowest;
  }
  return { matches: matchingSegments >= regionCutoff, matchingSegments, distanceSum };
}
