/**
 * The two Pillow filters imagehash's `crop_resistant_hash` applies before segmenting, bit for bit
 * for mode `L`: `ImageFilter.GaussianBlur(radius)` (three passes of Pillow's fixed-point
 * "extended" box blur, `libImaging/BoxBlur.c`) and `ImageFilter.MedianFilter(3)` (the middle of
 * each 3x3 window, edges replicated as `ImagingExpand` does).
 */
import type { GreyImage } from './pillow-luma.js';

const f32 = Math.fround;

/**
 * Pillow's `_gaussian_blur_radius`: the fractional box radius whose `passes`-fold repetition
 * approximates a Gaussian of the given radius (Gwosdek et al. 2011). float32 and double steps as
 * in the C source.
 */
export function pillowBoxRadius(radius: number, passes: number): number {
  const sigma2 = f32(f32(radius * radius) / passes);
  const L = f32(Math.sqrt(12.0 * sigma2 + 1.0));
  const l = f32(Math.floor((L - 1.0) / 2.0));
  let a = f32(f32(f32(2 * l) + 1) * f32(f32(l * f32(l + 1)) - f32(3 * sigma2)));
  a = f32(a / f32(6 * f32(sigma2 - f32(f32(l + 1) * f32(l + 1)))));
  return f32(l + a);
}

/** One pass of Pillow's box blur along a line (`ImagingLineBoxBlur8`), fixed point 2^24. */
function boxBlurLine(line: Uint8Array, out: Uint8Array, radius: number, ww: number, fw: number): void {
  const lastx = line.length - 1;
  const edgeA = Math.min(radius + 1, line.length);
  const edgeB = Math.max(line.length - radius - 1, 0);
  let acc = line[0]! * (radius + 1);
  for (let x = 0; x < edgeA - 1; x++) acc += line[x]!;
  acc += line[lastx]! * (radius - edgeA + 1);
  const save = (x: number, left: number, right: number): void => {
    const bulk = acc * ww + (line[left]! + line[right]!) * fw;
    out[x] = Math.floor((bulk + (1 << 23)) / (1 << 24));
  };
  if (edgeA <= edgeB) {
    for (let x = 0; x < edgeA; x++) {
      acc += line[x + radius]! - line[0]!;
      save(x, 0, x + radius + 1);
    }
    for (let x = edgeA; x < edgeB; x++) {
      acc += line[x + radius]! - line[x - radius - 1]!;
      save(x, x - radius - 1, x + radius + 1);
    }
    for (let x = edgeB; x <= lastx; x++) {
      acc += line[lastx]! - line[x - radius - 1]!;
      save(x, x - radius - 1, lastx);
    }
  } else {
    for (let x = 0; x < edgeB; x++) {
      acc += line[x + radius]! - line[0]!;
      save(x, 0, x + radius + 1);
    }
    for (let x = edgeB; x < edgeA; x++) {
      acc += line[lastx]! - line[0]!;
      save(x, 0, lastx);
    }
    for (let x = edgeA; x <= lastx; x++) {
      acc += line[lastx]! - line[x - radius - 1]!;
      save(x, x - radius - 1, lastx);
    }
  }
}

/**
 * Pillow's `GaussianBlur(radius)` on a mode-`L` image: `passes` box blurs along the rows, then
 * `passes` down the columns, each rounded to 8 bits.
 *
 * @example
 * ```ts
 * const soft = pillowGaussianBlur(grey, 2);
 * ```
 */
export function pillowGaussianBlur(src: GreyImage, radius = 2, passes = 3): GreyImage {
  const boxRadius = pillowBoxRadius(radius, passes);
  const { width, height } = src;
  const data = src.data.slice();
  if (boxRadius === 0) return { width, height, data };
  const whole = Math.trunc(boxRadius);
  // (UINT32)(1 << 24) / (r * 2 + 1) divides in float32, then truncates.
  const ww = Math.trunc(f32((1 << 24) / f32(f32(boxRadius * 2) + 1)));
  const fw = Math.floor(((1 << 24) - (whole * 2 + 1) * ww) / 2);
  const rowIn = new Uint8Array(width);
  const rowOut = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    rowIn.set(data.subarray(y * width, (y + 1) * width));
    for (let p = 0; p < passes; p++) {
      boxBlurLine(rowIn, rowOut, whole, ww, fw);
      rowIn.set(rowOut);
    }
    data.set(rowIn, y * width);
  }
  const colIn = new Uint8Array(height);
  const colOut = new Uint8Array(height);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) colIn[y] = data[y * width + x]!;
    for (let p = 0; p < passes; p++) {
      boxBlurLine(colIn, colOut, whole, ww, fw);
      colIn.set(colOut);
    }
    for (let y = 0; y < height; y++) data[y * width + x] = colIn[y]!;
  }
  return { width, height, data };
}

/**
 * Pillow's `MedianFilter(3)` on a mode-`L` image: each pixel becomes the 5th smallest of its 3x3
 * neighbourhood, with the image's edge rows and columns repeated outside it.
 *
 * @example
 * ```ts
 * const clean = pillowMedianFilter3(grey);
 * ```
 */
export function pillowMedianFilter3(src: GreyImage): GreyImage {
  const { width, height, data } = src;
  const out = new Uint8Array(width * height);
  const window = new Uint8Array(9);
  const clampX = (x: number): number => (x < 0 ? 0 : x >= width ? width - 1 : x);
  const clampY = (y: number): number => (y < 0 ? 0 : y >= height ? height - 1 : y);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let i = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const row = clampY(y + dy) * width;
        for (let dx = -1; dx <= 1; dx++) window[i++] = data[row + clampX(x + dx)]!;
      }
      window.sort();
      out[y * width + x] = window[4]!;
    }
  }
  return { width, height, data: out };
}
