/**
 * PDQ, bit-exact with Meta's reference (facebook/ThreatExchange `pdq/cpp`), following
 * `specs/pdq.md`: float32 luma, two rounds of Jarosz box filtering, decimation to 64x64, a 16x16
 * DCT block, median threshold. Every intermediate is rounded to float32 in the reference's order,
 * because a single different rounding flips bits near the median.
 */
import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import { assertPixelImage, type PixelImage } from '../core/pixels.js';

const f32 = Math.fround;

/** PDQ hashes are 256 bits. */
export const PDQ_BITS = 256;
/** The reference's match threshold: at most 31 of 256 bits differ. */
export const PDQ_DEFAULT_THRESHOLD = 31;
/** Below this quality the reference advises not to trust a hash. */
export const PDQ_MIN_QUALITY = 50;
/** Smallest side PDQ can hash (the reference returns an all-zero hash below it). */
export const PDQ_MIN_SIDE = 5;

/**
 * `fullres` hashes the whole image (Java port, pdqhash-python, HMA, vPDQ). `cli512` first squashes
 * images with a side over 512 px to exactly 512x512 by nearest neighbour, like the C++
 * `pdq-photo-hasher` and the WASM build. They agree whenever both sides are <= 512.
 */
export type PdqFlavour = 'fullres' | 'cli512';

/** Options for {@link pdqHash}. */
export interface PdqOptions {
  /** Default `fullres`. */
  flavour?: PdqFlavour;
}

/** The eight dihedral variants in the reference's order. */
export const DIHEDRAL_NAMES = [
  'orig',
  'rot90',
  'rot180',
  'rot270',
  'flipx',
  'flipy',
  'flipplus1',
  'flipminus1',
] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

/** A PDQ hash with its DCT block kept, so dihedral variants can be derived without re-hashing. */
export interface PdqResult {
  hash: Hash;
  quality: number;
  /** The 16x16 DCT coefficients (row-major) the hash thresholds. */
  dct: Float32Array;
}

// D[i][k] = f32(f32(sqrt(2/64)) * cos(pi/128 * (i+1) * (2k+1))), the product in double as in C++.
const DCT_MATRIX: Float32Array = /* @__PURE__ */ (() => {
  const m = new Float32Array(16 * 64);
  const scale = f32(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let k = 0; k < 64; k++) m[i * 64 + k] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * k + 1));
  }
  return m;
})();

const LUMA_R = f32(0.299);
const LUMA_G = f32(0.587);
const LUMA_B = f32(0.114);

/**
 * Computes the PDQ hash and quality of decoded pixels.
 *
 * Throws ERR_IMAGE_TOO_SMALL when a side is below 5 px (the reference would return an all-zero
 * hash there; imprint never does).
 *
 * @example
 * ```ts
 * const { hash, quality } = pdqHash({ width, height, channels: 3, data });
 * console.log(hashToHex(hash), quality);
 * ```
 */
export function pdqHash(image: PixelImage, options: PdqOptions = {}): PdqResult {
  assertPixelImage(image);
  const flavour = options.flavour ?? 'fullres';
  if (flavour !== 'fullres' && flavour !== 'cli512') {
    throw invalidArgument("'fullres' or 'cli512'", 'options.flavour', flavour);
  }
  if (image.width < PDQ_MIN_SIDE || image.height < PDQ_MIN_SIDE) {
    throw new ImprintError(
      'ERR_IMAGE_TOO_SMALL',
      `PDQ needs both sides >= ${PDQ_MIN_SIDE} px but the image is ${image.width}x${image.height}`,
    );
  }
  let luma = lumaOf(image);
  let width = image.width;
  let height = image.height;
  if (flavour === 'cli512' && (width > 512 || height > 512)) {
    luma = squashTo512(luma, width, height);
    width = 512;
    height = 512;
  }
  const block = width === 64 && height === 64 ? luma : filterAndDecimate(luma, width, height);
  const quality = qualityOf(block);
  const dct = dct64To16(block);
  return { hash: thresholdDct(dct, quality), quality, dct };
}

/**
 * The eight dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flip+1, flip-1) from one
 * DCT, as the reference's `--pdqdih` does. They approximate the hashes of the rotated and flipped
 * images within a few bits, which is what matching rotated re-uploads needs.
 */
export function pdqDihedral(result: PdqResult): Hash[] {
  return DIHEDRAL_NAMES.map((_, v) => thresholdDct(transformDct(result.dct, v), result.quality));
}

/**
 * Applies dihedral variant `v` (an index into {@link DIHEDRAL_NAMES}) to a 16x16 DCT block, as the
 * reference does: rotations and flips of the image are sign flips and transposes of the DCT.
 */
export function transformDct(b: Float32Array, v: number): Float32Array {
  if (!Number.isInteger(v) || v < 0 || v > 7) throw invalidArgument('an integer 0..7', 'variant', v);
  const c = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const x = b[i * 16 + j]!;
      const odd = (n: number): boolean => (n & 1) === 1;
      switch (v) {
        case 0: // orig
          c[i * 16 + j] = x;
          break;
        case 1: // rot90
          c[j * 16 + i] = odd(j) ? x : -x;
          break;
        case 2: // rot180
          c[i * 16 + j] = odd(i + j) ? -x : x;
          break;
        case 3: // rot270
          c[j * 16 + i] = odd(i) ? x : -x;
          break;
        case 4: // flipx
          c[i * 16 + j] = odd(i) ? x : -x;
          break;
        case 5: // flipy
          c[i * 16 + j] = odd(j) ? x : -x;
          break;
        case 6: // flip+1, transpose
          c[j * 16 + i] = x;
          break;
        default: // flip-1, anti-transpose
          c[j * 16 + i] = odd(i + j) ? -x : x;
      }
    }
  }
  return c;
}

// f32(coefficient * v) for every 8-bit v: the products the reference computes, looked up.
const lumaTable = (coefficient: number): Float32Array =>
  Float32Array.from({ length: 256 }, (_, v) => coefficient * v);
const LUMA_R_TABLE = /* @__PURE__ */ lumaTable(LUMA_R);
const LUMA_G_TABLE = /* @__PURE__ */ lumaTable(LUMA_G);
const LUMA_B_TABLE = /* @__PURE__ */ lumaTable(LUMA_B);

/** Float32 luma, `(0.299R + 0.587G) + 0.114B`; grey images keep their grey value; alpha is ignored. */
function lumaOf(image: PixelImage): Float32Array {
  const { data, channels } = image;
  const n = image.width * image.height;
  const out = new Float32Array(n);
  if (channels < 3) {
    for (let p = 0, s = 0; p < n; p++, s += channels) out[p] = data[s]!;
    return out;
  }
  const r = LUMA_R_TABLE;
  const g = LUMA_G_TABLE;
  const b = LUMA_B_TABLE;
  for (let p = 0, s = 0; p < n; p++, s += channels) {
    out[p] = f32(r[data[s]!]! + g[data[s + 1]!]!) + b[data[s + 2]!]!; // the store rounds to float32
  }
  return out;
}

/** The CLI flavour's nearest-neighbour squash to exactly 512x512 (aspect not kept). */
function squashTo512(luma: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(512 * 512);
  const cols = new Int32Array(512);
  for (let x = 0; x < 512; x++) cols[x] = Math.floor((x * width) / 512);
  for (let y = 0; y < 512; y++) {
    const row = Math.floor((y * height) / 512) * width;
    for (let x = 0; x < 512; x++) out[y * 512 + x] = luma[row + cols[x]!]!;
  }
  return out;
}

/**
 * Two rounds of [box filter along rows, then along columns] followed by decimation to 64x64.
 * The last column pass runs only on the 64 columns decimation reads: each column's running sum is
 * independent, so the result is the same bit for bit at a quarter of the cost or less.
 */
function filterAndDecimate(luma: Float32Array, width: number, height: number): Float32Array {
  const windowAlongRows = Math.floor((width + 127) / 128);
  const windowAlongCols = Math.floor((height + 127) / 128);
  const sampledRows = new Int32Array(64);
  const sampledCols = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    sampledRows[i] = Math.trunc(((i + 0.5) * height) / 64);
    sampledCols[i] = Math.trunc(((i + 0.5) * width) / 64);
  }

  // `luma` was made for this call, so it serves as the second buffer.
  const b = new Float32Array(width * height);
  boxRows(luma, b, width, height, windowAlongRows);
  boxCols(b, luma, width, height, windowAlongCols);
  boxRows(luma, b, width, height, windowAlongRows);

  // Gather the 64 sampled columns (all rows), then the final column pass on those alone.
  const narrow = new Float32Array(64 * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let j = 0; j < 64; j++) narrow[y * 64 + j] = b[row + sampledCols[j]!]!;
  }
  const filtered = new Float32Array(64 * height);
  boxCols(narrow, filtered, 64, height, windowAlongCols);

  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++)
    out.set(filtered.subarray(sampledRows[i]! * 64, sampledRows[i]! * 64 + 64), i * 64);
  return out;
}

/** Rows filtered in lockstep: independent running sums overlap instead of waiting on each other. */
const ROW_GROUP = 8;

/**
 * The reference's running box filter along each row: add the entering sample, subtract the
 * leaving one, divide by the current count (which shrinks at both edges). Float32 throughout.
 * Each row's sum is a serial chain of float32 operations, so rows are processed in groups of
 * {@link ROW_GROUP}, one step of every row at a time; each row still sees the reference's order.
 */
function boxRows(
  input: Float32Array,
  output: Float32Array,
  width: number,
  height: number,
  window: number,
): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = width - window;
  const phase4 = half - 1;
  const sums = new Float32Array(ROW_GROUP); // storing into a Float32Array rounds to float32
  for (let y0 = 0; y0 < height; y0 += ROW_GROUP) {
    const rows = Math.min(ROW_GROUP, height - y0);
    const base = y0 * width;
    sums.fill(0);
    let ri = 0;
    let li = 0;
    let oi = 0;
    let count = 0;
    for (let i = 0; i < phase1; i++, ri++) {
      for (let r = 0, at = base + ri; r < rows; r++, at += width) sums[r] += input[at]!;
      count++;
    }
    for (let i = 0; i < phase2; i++, ri++, oi++) {
      count++;
      for (let r = 0, off = base; r < rows; r++, off += width) {
        const v = f32(sums[r]! + input[off + ri]!);
        sums[r] = v;
        output[off + oi] = v / count;
      }
    }
    for (let i = 0; i < phase3; i++, ri++, li++, oi++) {
      for (let r = 0, off = base; r < rows; r++, off += width) {
        const v = f32(f32(sums[r]! + input[off + ri]!) - input[off + li]!);
        sums[r] = v;
        output[off + oi] = v / count;
      }
    }
    for (let i = 0; i < phase4; i++, li++, oi++) {
      count--;
      for (let r = 0, off = base; r < rows; r++, off += width) {
        const v = f32(sums[r]! - input[off + li]!);
        sums[r] = v;
        output[off + oi] = v / count;
      }
    }
  }
}

/**
 * The same filter along each column, computed for all columns of a row at once (row-major access
 * is far faster than strided). Each column keeps its own float32 sum in the reference's order.
 */
function boxCols(
  input: Float32Array,
  output: Float32Array,
  width: number,
  height: number,
  window: number,
): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = height - window;
  const phase4 = half - 1;
  const sums = new Float32Array(width); // storing into a Float32Array rounds to float32
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < phase1; i++, ri += width) {
    for (let x = 0; x < width; x++) sums[x] += input[ri + x]!;
    count++;
  }
  for (let i = 0; i < phase2; i++, ri += width, oi += width) {
    count++;
    for (let x = 0; x < width; x++) {
      const s = f32(sums[x]! + input[ri + x]!);
      sums[x] = s;
      output[oi + x] = s / count;
    }
  }
  for (let i = 0; i < phase3; i++, ri += width, li += width, oi += width) {
    for (let x = 0; x < width; x++) {
      const s = f32(f32(sums[x]! + input[ri + x]!) - input[li + x]!);
      sums[x] = s;
      output[oi + x] = s / count;
    }
  }
  for (let i = 0; i < phase4; i++, li += width, oi += width) {
    count--;
    for (let x = 0; x < width; x++) {
      const s = f32(sums[x]! - input[li + x]!);
      sums[x] = s;
      output[oi + x] = s / count;
    }
  }
}

/** The reference's image-domain quality: summed truncated gradients of the 64x64 block, / 90, capped at 100. */
function qualityOf(block: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = f32(block[i * 64 + j]! - block[(i + 1) * 64 + j]!);
      gradientSum += Math.abs(Math.trunc(f32(f32(d * 100) / 255)));
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = f32(block[i * 64 + j]! - block[i * 64 + j + 1]!);
      gradientSum += Math.abs(Math.trunc(f32(f32(d * 100) / 255)));
    }
  }
  return Math.min(100, Math.floor(gradientSum / 90));
}

/** B = D A D^T restricted to the 16x16 block without the DC row and column; sums in float32, k ascending. */
function dct64To16(block: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f32(sum + f32(DCT_MATRIX[i * 64 + k]! * block[k * 64 + j]!));
      t[i * 64 + j] = sum;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f32(sum + f32(t[i * 64 + k]! * DCT_MATRIX[j * 64 + k]!));
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

/** Bit 16i+j is set when B[i][j] is strictly above the median (the 128th smallest value). */
function thresholdDct(b: Float32Array, quality: number): Hash {
  const median = Float32Array.from(b).sort()[127]!;
  const bytes = new Uint8Array(32);
  for (let k = 0; k < 256; k++) {
    if (b[k]! > median) bytes[31 - (k >> 3)]! |= 1 << (k & 7);
  }
  return { algorithm: 'pdq', bits: PDQ_BITS, bytes, quality };
}
