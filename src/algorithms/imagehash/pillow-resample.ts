/**
 * Pillow's `Image.resize(size, Image.LANCZOS)` for 8-bit single-channel images, bit for bit
 * (`libImaging/Resample.c`). imagehash resizes inside every function, so its hashes depend on
 * this exact arithmetic: a separable Lanczos-3 filter whose support widens by the scale factor
 * when shrinking, weights normalised in double and then rounded to 22-bit fixed point, the
 * horizontal pass first, each pass rounded and clipped to 8 bits. A pass is skipped when that
 * side keeps its size. sharp's `lanczos3` differs in all of these details.
 */
import { invalidArgument } from '../../core/errors.js';
import type { GreyImage } from './pillow-luma.js';

/** Lanczos' `a`: the filter is zero outside [-3, 3) input pixels (before scaling). */
const LANCZOS_SUPPORT = 3;
/** 32 bits minus 8 for the pixel minus 2 for overshoot and sign, as Pillow does. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Integer filter weights for one axis: output `i` reads `count[i]` inputs from `first[i]`. */
export interface ResampleWeights {
  /** Weights per output sample (the longest window; shorter ones are zero-padded). */
  readonly windowSize: number;
  readonly first: Int32Array;
  readonly count: Int32Array;
  /** `windowSize` fixed-point weights per output sample, scaled by 2^22. */
  readonly weights: Int32Array;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return x >= -LANCZOS_SUPPORT && x < LANCZOS_SUPPORT ? sinc(x) * sinc(x / LANCZOS_SUPPORT) : 0;
}

/**
 * Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for resizing `inSize` samples to
 * `outSize` (the full input range, no crop box). The operation order follows the C source so
 * that each double rounds the same way before the final rounding to fixed point.
 */
export function pillowLanczosWeights(inSize: number, outSize: number): ResampleWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = LANCZOS_SUPPORT * filterScale;
  const windowSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * windowSize);
  const k = new Float64Array(windowSize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; negative starts are clamped to 0 right after.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const base = xx * windowSize;
    for (let x = 0; x < xmax; x++) {
      const normalised = ww !== 0 ? k[x]! / ww : k[x]!;
      // Round half away from zero, as `(int)(v +/- 0.5)` does.
      weights[base + x] =
        normalised < 0 ? Math.trunc(-0.5 + normalised * ONE) : Math.trunc(0.5 + normalised * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { windowSize, first, count, weights };
}

/** Pillow's `clip8`: drop the fraction (arithmetic shift = floor) and clamp to 0..255. */
function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return Math.min(255, Math.max(0, v));
}

function resampleRows(src: GreyImage, outWidth: number): GreyImage {
  const { width, height, data } = src;
  const { windowSize, first, count, weights } = pillowLanczosWeights(width, outWidth);
  const out = new Uint8Array(outWidth * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let xx = 0; xx < outWidth; xx++) {
      const base = xx * windowSize;
      const start = row + first[xx]!;
      const n = count[xx]!;
      let acc = HALF;
      for (let x = 0; x < n; x++) acc += data[start + x]! * weights[base + x]!;
      out[y * outWidth + xx] = clip8(acc);
    }
  }
  return { width: outWidth, height, data: out };
}

function resampleColumns(src: GreyImage, outHeight: number): GreyImage {
  const { width, height, data } = src;
  const { windowSize, first, count, weights } = pillowLanczosWeights(height, outHeight);
  const out = new Uint8Array(width * outHeight);
  for (let yy = 0; yy < outHeight; yy++) {
    const base = yy * windowSize;
    const start = first[yy]!;
    const n = count[yy]!;
    for (let x = 0; x < width; x++) {
      let acc = HALF;
      for (let y = 0; y < n; y++) acc += data[(start + y) * width + x]! * weights[base + y]!;
      out[yy * width + x] = clip8(acc);
    }
  }
  return { width, height: outHeight, data: out };
}

/**
 * Resizes a mode-`L` image exactly as Pillow's `resize((width, height), Image.LANCZOS)` does.
 * Sizes are integers >= 1; the integer sums stay far below 2^53, so doubles hold them exactly.
 *
 * @example
 * ```ts
 * const small = pillowResizeLanczos(pillowLuma(image), 8, 8);
 * ```
 */
export function pillowResizeLanczos(src: GreyImage, width: number, height: number): GreyImage {
  if (!Number.isInteger(width) || width < 1) throw invalidArgument('a positive integer', 'width', width);
  if (!Number.isInteger(height) || height < 1) throw invalidArgument('a positive integer', 'height', height);
  if (src.width < 1 || src.height < 1 || src.data.length !== src.width * src.height) {
    throw invalidArgument('a non-empty grey image', 'src', `${src.width}x${src.height}`);
  }
  let out = src;
  if (width !== src.width) out = resampleRows(out, width);
  if (height !== src.height) out = resampleColumns(out, height);
  return out === src ? { width, height, data: src.data.slice() } : out;
}
