/**
 * PDQ's pixel work in plain JS, the definition the WebAssembly kernel (`wasm/pdq.wat`) must match
 * bit for bit: float32 luma, two rounds of Jarosz box filtering, decimation to 64x64, quality and
 * the 16x16 DCT block. Every intermediate is rounded to float32 in the reference's order, because
 * a single different rounding flips bits near the median. Runs where WebAssembly SIMD does not.
 */
import type { PixelImage } from '../../core/pixels.js';

const f32 = Math.fround;

/** The DCT block and the quality the hash is thresholded from. */
export interface PdqPixelResult {
  /** The 16x16 DCT coefficients (row-major), without the DC row and column. */
  dct: Float32Array;
  /** 0..100, from the gradients of the 64x64 block. */
  quality: number;
}

// D[i][k] = f32(f32(sqrt(2/64)) * cos(pi/128 * (i+1) * (2k+1))), the product in double as in C++.
export const DCT_MATRIX: Float32Array = /* @__PURE__ */ (() => {
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
 * PDQ's DCT block and quality from decoded pixels, in plain JS. `squash` applies the CLI flavour's
 * nearest-neighbour squash of sides over 512 px (to the luma, as the reference does).
 * The caller has checked the image (both sides >= 5 px).
 */
export function pdqPixelsJs(image: PixelImage, squash: boolean): PdqPixelResult {
  let luma = lumaOf(image);
  let width = image.width;
  let height = image.height;
  if (squash && (width > 512 || height > 512)) {
    luma = squashTo512(luma, width, height);
    width = 512;
    height = 512;
  }
  const block = width === 64 && height === 64 ? luma : filterAndDecimate(luma, width, height);
  return { dct: dct64To16(block), quality: qualityOf(block) };
}

/**
 * The CLI flavour's squash done on the pixels instead of the luma: luma is per pixel, so picking
 * pixels first gives the same 512x512 luma, and the fast kernel then needs no squash of its own.
 */
export function squashPixelsTo512(image: PixelImage): PixelImage {
  const { width, height, channels, data } = image;
  if (width <= 512 && height <= 512) return image;
  const out = new Uint8Array(512 * 512 * channels);
  const cols = new Int32Array(512);
  for (let x = 0; x < 512; x++) cols[x] = Math.floor((x * width) / 512) * channels;
  for (let y = 0, o = 0; y < 512; y++) {
    const row = Math.floor((y * height) / 512) * width * channels;
    for (let x = 0; x < 512; x++) {
      const s = row + cols[x]!;
      for (let c = 0; c < channels; c++) out[o++] = data[s + c]!;
    }
  }
  return { width: 512, height: 512, channels, data: out };
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
      for (let r = 0, at = base + ri; r < rows; r++, at += width) sums[r] = sums[r]! + input[at]!;
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
    for (let x = 0; x < width; x++) sums[x] = sums[x]! + input[ri + x]!;
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
