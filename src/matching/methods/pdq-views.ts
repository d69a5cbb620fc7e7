/**
 * PDQ hashes of views of an image (turned, mirrored, cut out, padded) computed from one shared luma
 * plane, without making each view's pixels.
 *
 * PDQ's pixel work is linear and works on each axis apart: luma, a box filter along the rows and
 * one along the columns (twice), then 64 rows and 64 columns sampled. So the 64x64 block it takes
 * the DCT of is `Ky * L * Kx^T`, where L is the luma plane and each row of Kx (Ky) is one sampled
 * column's (row's) filter weights: a tent about ceil(side / 128) px wide on each side. A view
 * that maps each axis on its own (a crop, a fractional window resampled to a size, a mirror, the
 * edges stretched outwards, a turn by 90 degrees, which swaps the axes) only changes those weights,
 * so its block costs one weighted pass over the rows it reads, and views that share their
 * columns (the whole width, forwards or mirrored) share that pass. The result is the hash PDQ
 * gives the view's pixels, at full resolution, up to float rounding (property-tested against
 * making the pixels and hashing them).
 */
import { PDQ_BITS } from '../../algorithms/pdq/pdq.js';
import { DCT_MATRIX } from '../../algorithms/pdq/pdq-pixels.js';
import { pdqStableBits, type StableBits } from '../../algorithms/pdq/pdq-stable.js';
import type { Hash } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { roundLevel, shrinkBy } from '../../core/raster.js';
import { blockWasm, dctWasm, greyWasm, lumaPlaneAndCopyWasm, reduceRowsWasm } from './wasm/plane-wasm.js';

/**
 * The luma of an image in 1/256ths of a level (PDQ's weights in fixed point), two bytes per pixel,
 * with the histogram of its whole levels. PDQ's own luma is a float: rounding it to whole levels
 * would flip the few DCT coefficients of a smooth picture that lie within a unit of the median (6
 * bits of a smooth fixture crop); 1/256 of a level flips none.
 */
export interface LumaPlane {
  readonly width: number;
  readonly height: number;
  /** Luma x {@link LUMA_SCALE}. */
  readonly data: Uint16Array;
  /** How many pixels have each whole level (luma rounded half up). */
  readonly histogram: Uint32Array;
}

/** Plane values are luma times this. */
export const LUMA_SCALE = 256;

/**
 * The luma plane of an image: PDQ's weights in 16-bit fixed point (they sum to 65536), kept to
 * 1/256 of a level; grey images keep their grey; alpha is ignored, as PDQ ignores it. With
 * `factor` > 1, the image is first shrunk by that whole factor (for images too large to keep a
 * plane of). Written into `into` when given (at least width x height values after the shrink).
 *
 * @example
 * ```ts
 * const plane = lumaPlane(upload); // plane.data.length === upload.width * upload.height
 * ```
 */
export function lumaPlane(image: PixelImage, factor = 1, into?: Uint16Array): LumaPlane {
  const source = shrinkBy(image, factor);
  const { width, height, channels, data } = source;
  const pixels = width * height;
  const luma = into ? into.subarray(0, pixels) : new Uint16Array(pixels);
  if (channels >= 3) {
    for (let p = 0, s = 0; p < pixels; p++, s += channels) {
      luma[p] = (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]! + 128) >>> 8;
    }
  } else {
    for (let p = 0, s = 0; p < pixels; p++, s += channels) luma[p] = data[s]! * LUMA_SCALE;
  }
  return { width, height, data: luma, histogram: histogramOf(luma) };
}

/**
 * {@link lumaPlane} (at full size, into `into`) and `shrinkBy(image, factor)` in one pass over the
 * pixels, the copy exactly as shrinkBy makes it (the same whole sums of the same blocks). In the
 * WebAssembly kernel where it runs (wasm/plane.wat: the same integer arithmetic, several times
 * faster), else in JS ({@link lumaPlaneAndCopyJs}).
 */
export function lumaPlaneAndCopy(
  image: PixelImage,
  into: Uint16Array,
  factor: number,
): { plane: LumaPlane; copy: PixelImage } {
  const fast = lumaPlaneAndCopyWasm(image, into, factor);
  if (!fast) return lumaPlaneAndCopyJs(image, into, factor);
  const { width, height } = image;
  return { plane: { width, height, data: fast.luma, histogram: fast.histogram }, copy: fast.copy };
}

/** {@link lumaPlaneAndCopy} in JS: the definition the kernel is tested against. */
export function lumaPlaneAndCopyJs(
  image: PixelImage,
  into: Uint16Array,
  factor: number,
): { plane: LumaPlane; copy: PixelImage } {
  const { width: w, height: h, channels: stride, data } = image;
  const colours = stride >= 3 ? 3 : 1;
  const width = Math.ceil(w / factor);
  const height = Math.ceil(h / factor);
  const luma = into.subarray(0, w * h);
  const out = new Uint8Array(width * height * colours);
  const acc = new Uint32Array(width * colours);
  for (let oy = 0; oy < height; oy++) {
    acc.fill(0);
    const y0 = oy * factor;
    const y1 = Math.min(h, y0 + factor);
    for (let y = y0; y < y1; y++) {
      let s = y * w * stride;
      let p = y * w;
      for (let ox = 0; ox < width; ox++) {
        const end = p + Math.min(w - ox * factor, factor);
        let a = 0;
        let b = 0;
        let c = 0;
        if (colours === 3) {
          for (; p < end; p++, s += stride) {
            const r = data[s]!;
            const g = data[s + 1]!;
            const bl = data[s + 2]!;
            luma[p] = (19595 * r + 38470 * g + 7471 * bl + 128) >>> 8;
            a += r;
            b += g;
            c += bl;
          }
          acc[ox * 3]! += a;
          acc[ox * 3 + 1]! += b;
          acc[ox * 3 + 2]! += c;
        } else {
          for (; p < end; p++, s += stride) {
            const v = data[s]!;
            luma[p] = v * LUMA_SCALE;
            a += v;
          }
          acc[ox]! += a;
        }
      }
    }
    for (let ox = 0; ox < width; ox++) {
      const area = (y1 - y0) * (Math.min(w, (ox + 1) * factor) - ox * factor);
      for (let k = 0; k < colours; k++)
        out[(oy * width + ox) * colours + k] = roundLevel(acc[ox * colours + k]! / area);
    }
  }
  return {
    plane: { width: w, height: h, data: luma, histogram: histogramOf(luma) },
    copy: { width, height, channels: colours, data: out },
  };
}

/**
 * How many values have each whole level, counted in 4 interleaved tables (one table's increments
 * wait on each other).
 */
function histogramOf(values: Uint16Array): Uint32Array {
  const lanes = new Uint32Array(1024);
  const n = values.length;
  let p = 0;
  for (; p + 3 < n; p += 4) {
    lanes[(values[p]! + 128) >>> 8]!++;
    lanes[256 + ((values[p + 1]! + 128) >>> 8)]!++;
    lanes[512 + ((values[p + 2]! + 128) >>> 8)]!++;
    lanes[768 + ((values[p + 3]! + 128) >>> 8)]!++;
  }
  for (; p < n; p++) lanes[(values[p]! + 128) >>> 8]!++;
  const histogram = new Uint32Array(256);
  for (let v = 0; v < 256; v++)
    histogram[v] = lanes[v]! + lanes[256 + v]! + lanes[512 + v]! + lanes[768 + v]!;
  return histogram;
}

/**
 * The plane shrunk by a whole factor as a grey image of whole levels (each pixel the average of a
 * block), for the work done on pixels (`derotate`). In the WebAssembly kernel where it runs (the
 * same values), else in JS ({@link greyImageJs}).
 */
export function greyImage(plane: LumaPlane, factor: number): PixelImage {
  return greyWasm(plane, factor) ?? greyImageJs(plane, factor);
}

/** {@link greyImage} in JS: the definition the kernel is tested against. */
export function greyImageJs(plane: LumaPlane, factor: number): PixelImage {
  const f = Math.max(1, factor);
  const width = Math.ceil(plane.width / f);
  const height = Math.ceil(plane.height / f);
  const out = new Uint8Array(width * height);
  const { data } = plane;
  for (let oy = 0, o = 0; oy < height; oy++) {
    const y0 = oy * f;
    const y1 = Math.min(plane.height, y0 + f);
    for (let ox = 0; ox < width; ox++, o++) {
      const x0 = ox * f;
      const x1 = Math.min(plane.width, x0 + f);
      let sum = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = y * plane.width + x0, end = x + x1 - x0; x < end; x++) sum += data[x]!;
      }
      out[o] = Math.min(255, roundLevel(sum / ((y1 - y0) * (x1 - x0) * LUMA_SCALE)));
    }
  }
  return { width, height, channels: 1, data: out };
}

/**
 * Buffers reused from one image to the next, each held by one owner at a time. A large typed
 * array is slow to fill the first time (the system maps its pages in one fault at a time, which
 * costs as much as the pixel work itself), so the plane and the filtered rows of each upload go
 * into the buffers of the previous one. An owner whose buffer was taken by another since is told
 * so and fills it again. Only synchronous work reads them, so no one sees another's contents.
 */
const pool = new Map<string, { owner: object | undefined; buffer: ArrayBuffer }>();

/**
 * A reusable buffer of at least `bytes` for `owner`, and whether it still holds what `owner` last
 * put there. The pool keeps the largest buffer of each slot (a few times the largest image's
 * pixel count, in bytes).
 */
export function pooledBuffer(
  slot: string,
  owner: object,
  bytes: number,
): { buffer: ArrayBuffer; kept: boolean } {
  let entry = pool.get(slot);
  if (!entry || entry.buffer.byteLength < bytes) {
    entry = {
      owner: undefined,
      buffer: new ArrayBuffer(Math.max(bytes, (entry?.buffer.byteLength ?? 0) * 1.5)),
    };
    pool.set(slot, entry);
  }
  const kept = entry.owner === owner;
  entry.owner = owner;
  return { buffer: entry.buffer, kept };
}

/**
 * How one axis of a view is made from the same axis of the plane (or, for a turned view, from the
 * other axis): `length` pixels, pixel p taken from
 * - `crop`: plane pixel `from + p` (a whole-pixel window),
 * - `window`: the area average of [from + p * step, from + (p + 1) * step), step = span / length
 *   (a window with fractional edges resampled to `length` pixels, as resampleWindow does),
 * - `clamp`: plane pixel p clamped to [from, to] (the view as large as the plane, with everything
 *   outside the window replaced by its nearest edge pixel, as fillOutside does),
 * and with `reversed`, the axis read backwards (a mirror).
 */
export type AxisMap =
  | { readonly kind: 'crop'; readonly from: number; readonly length: number; readonly reversed?: boolean }
  | {
      readonly kind: 'window';
      readonly from: number;
      readonly span: number;
      readonly length: number;
      readonly reversed?: boolean;
    }
  | { readonly kind: 'clamp'; readonly from: number; readonly to: number; readonly length: number };

/** One sampled row or column of a view as weights over a run of plane pixels. */
interface Tap {
  readonly start: number;
  readonly weights: Float64Array;
}

/**
 * The 64 sampled rows or columns of a view, each as weights over a run of plane pixels: tap j
 * weighs `lengths[j]` pixels from `starts[j]` with `weights[offsets[j] ...]` (one flat array: the
 * filtering loops run twice as fast as over 64 small ones).
 */
export interface Taps {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
  readonly weights: Float64Array;
  /**
   * For a whole axis read forwards or backwards: per tap, [a, b, c, d] when the tap is
   * (1/w^2) * sum over o in [a, b] of the pixels [o + c, o + d] (both boxes inside the axis, so
   * every count is the window w), which prefix sums of prefix sums give in 4 lookups; a = -1 for
   * taps near an edge (their counts shrink), read through their weights.
   */
  readonly tents?: Int32Array;
  /** 1 / w^2 for the tents. */
  readonly tentScale?: number;
}

function flatten(taps: readonly Tap[]): Taps {
  const starts = new Int32Array(64);
  const lengths = new Int32Array(64);
  const offsets = new Int32Array(64);
  let total = 0;
  taps.forEach((t, j) => {
    starts[j] = t.start;
    lengths[j] = t.weights.length;
    offsets[j] = total;
    total += t.weights.length;
  });
  const weights = new Float64Array(total);
  for (const [j, t] of taps.entries()) weights.set(t.weights, offsets[j]!);
  return { starts, lengths, offsets, weights };
}

/** PDQ's box filter window along an axis of `length` pixels (the reference's `(n + 127) / 128`). */
function boxWindow(length: number): number {
  return Math.floor((length + 127) / 128);
}

/**
 * The 64 taps of one axis of a view: PDQ's two box filters and its sampling on the view's
 * `length` pixels, composed with how those pixels come from the plane. The reference's running
 * box filter averages, for output o, the pixels [o - window + half, o + half - 1] (half =
 * (window + 2) / 2) clipped to the axis, the count shrinking at both edges.
 */
export function axisTaps(map: AxisMap, planeLength: number): Taps {
  const key = `${map.kind} ${map.from} ${'span' in map ? map.span : ''} ${'to' in map ? map.to : ''} ${map.length} ${'reversed' in map && map.reversed ? 1 : 0} ${planeLength}`;
  const cached = tapCache.get(key);
  if (cached) return cached;
  const n = map.length;
  const own = viewTaps(n);
  // A crop takes each view pixel from one plane pixel: its taps are the view's, moved (and
  // reversed for a mirror), the same doubles.
  const taps: Tap[] = [];
  for (let j = 0; j < 64; j++) {
    const vLo = own.starts[j]!;
    const view = own.weights.subarray(own.offsets[j]!, own.offsets[j]! + own.lengths[j]!);
    if (map.kind !== 'crop') taps.push(toPlane(map, view, vLo, planeLength));
    else if (!map.reversed) taps.push(clip({ start: map.from + vLo, weights: view }, planeLength));
    else {
      const start = map.from + n - vLo - view.length;
      taps.push(clip({ start, weights: view.slice().reverse() }, planeLength));
    }
  }
  const flat =
    map.kind === 'crop' && map.from === 0 && n === planeLength
      ? withTents(flatten(taps), map, n)
      : flatten(taps);
  if (tapCache.size >= 64) tapCache.delete(tapCache.keys().next().value!);
  tapCache.set(key, flat);
  return flat;
}

/**
 * The 64 taps of an axis of `n` pixels over its own pixels (what every map of that length
 * shares): tap j weighs the view pixels from `starts[j]`. Recent lengths are kept.
 */
function viewTaps(n: number): Taps {
  const cached = viewTapCache.get(n);
  if (cached) return cached;
  const window = boxWindow(n);
  const half = Math.floor((window + 2) / 2);
  const lo = (o: number) => Math.max(0, o - window + half);
  const hi = (o: number) => Math.min(n - 1, o + half - 1);
  const starts = new Int32Array(64);
  const lengths = new Int32Array(64);
  const offsets = new Int32Array(64);
  let total = 0;
  for (let j = 0; j < 64; j++) {
    const s = Math.trunc(((j + 0.5) * n) / 64);
    starts[j] = lo(lo(s));
    lengths[j] = hi(hi(s)) - starts[j]! + 1;
    offsets[j] = total;
    total += lengths[j]!;
  }
  const weights = new Float64Array(total);
  // A tap whose boxes are all whole (none cut by an edge) has the same weights as any other such
  // tap, made by the same operations: the first one made is copied.
  let inner = -1;
  for (let j = 0; j < 64; j++) {
    // The sampled pixel's box, filtered by the box again: each output's share, in output order.
    const s = Math.trunc(((j + 0.5) * n) / 64);
    const lo1 = lo(s);
    const hi1 = hi(s);
    const whole = s - window + half - window + half >= 0 && s + 2 * (half - 1) <= n - 1;
    if (whole && inner >= 0) {
      weights.copyWithin(offsets[j]!, offsets[inner]!, offsets[inner]! + lengths[inner]!);
      continue;
    }
    if (whole) inner = j;
    const base = offsets[j]! - starts[j]!;
    for (let o = lo1; o <= hi1; o++) {
      const lo2 = lo(o);
      const hi2 = hi(o);
      const w = 1 / (hi1 - lo1 + 1) / (hi2 - lo2 + 1);
      for (let p = lo2; p <= hi2; p++) weights[base + p]! += w;
    }
  }
  const taps = { starts, lengths, offsets, weights };
  if (viewTapCache.size >= 16) viewTapCache.delete(viewTapCache.keys().next().value!);
  viewTapCache.set(n, taps);
  return taps;
}

/** View taps of recent lengths. */
const viewTapCache = new Map<number, Taps>();

/** Whole-axis taps with their tents (see Taps.tents). */
function withTents(taps: Taps, map: AxisMap, n: number): Taps {
  const window = boxWindow(n);
  const half = Math.floor((window + 2) / 2);
  const tents = new Int32Array(64 * 4).fill(-1);
  for (let j = 0; j < 64; j++) {
    const s = Math.trunc(((j + 0.5) * n) / 64);
    let a = s - window + half;
    let b = s + half - 1;
    let c = half - window;
    let d = half - 1;
    if (a + c < 0 || b + d > n - 1) continue; // a box at the edge: fewer pixels than the window
    if (map.kind === 'crop' && map.reversed) [a, b, c, d] = [n - 1 - b, n - 1 - a, -d, -c];
    tents.set([a, b, c, d], j * 4);
  }
  return { ...taps, tents, tentScale: 1 / (window * window) };
}

/** Taps of recent axes (uploads of one size share them). */
const tapCache = new Map<string, Taps>();

/** Weights over view pixels [vLo, ...] as weights over plane pixels. */
function toPlane(map: AxisMap, view: Float64Array, vLo: number, planeLength: number): Tap {
  const vHi = vLo + view.length - 1;
  const source = (p: number): number => {
    if (map.kind === 'clamp') return Math.max(map.from, Math.min(map.to, p));
    const q = map.reversed ? map.length - 1 - p : p;
    return map.kind === 'crop' ? map.from + q : q;
  };
  if (map.kind !== 'window') {
    const a = source(vLo);
    const b = source(vHi);
    const start = Math.min(a, b);
    const weights = new Float64Array(Math.max(a, b) - start + 1);
    for (let p = vLo; p <= vHi; p++) weights[source(p) - start]! += view[p - vLo]!;
    return clip({ start, weights }, planeLength);
  }
  // A fractional window: view pixel q averages the plane over [from + q * step, from + (q + 1) * step).
  const step = map.span / map.length;
  const qs = [source(vLo), source(vHi)];
  const first = Math.floor(map.from + Math.min(...qs) * step);
  const last = Math.ceil(map.from + (Math.max(...qs) + 1) * step) - 1;
  const weights = new Float64Array(last - first + 1);
  for (let p = vLo; p <= vHi; p++) {
    const q = source(p);
    const a = map.from + q * step;
    const b = map.from + (q + 1) * step;
    const w = view[p - vLo]! / step;
    for (let x = Math.floor(a); x < Math.ceil(b); x++) {
      weights[x - first]! += w * (Math.min(x + 1, b) - Math.max(x, a));
    }
  }
  return clip({ start: first, weights }, planeLength);
}

/** Taps never read outside the plane (a window is inside it; this only guards rounding at its edge). */
function clip(tap: Tap, planeLength: number): Tap {
  const start = Math.max(0, tap.start);
  const end = Math.min(planeLength, tap.start + tap.weights.length);
  if (start === tap.start && end === tap.start + tap.weights.length) return tap;
  return { start, weights: tap.weights.slice(start - tap.start, end - tap.start) };
}

/**
 * The plane filtered along its rows by 64 column taps: for every row in [top, bottom), the 64
 * weighted sums (row-major, 64 per row); below 255, `ceiling` reads the plane as whole levels,
 * those above it as `ceiling` (flattened highlights). What views sharing their columns share.
 * Written into `into` when given.
 */
export function reduceRows(
  plane: LumaPlane,
  columns: Taps,
  top: number,
  bottom: number,
  ceiling = 255,
  into?: Float64Array,
): Float64Array {
  const out = into ? into.subarray(0, (bottom - top) * 64) : new Float64Array((bottom - top) * 64);
  reduceRowsInto(plane, [columns], top, bottom, ceiling, [out]);
  return out;
}

/**
 * {@link reduceRows} for several sets of column taps at once (a whole axis forwards and
 * mirrored), each into its own output: each row is read once, and whole-axis tents share the
 * row's sums of prefix sums. `ceilings` is one ceiling for every set or one per set (the
 * flattened highlights' rows made in the same pass as the plain ones). In the WebAssembly kernel
 * where it runs (wasm/plane.wat, `reduce`: the same doubles, several times faster), else in JS
 * ({@link reduceRowsIntoJs}, once per ceiling).
 */
export function reduceRowsInto(
  plane: LumaPlane,
  sets: readonly Taps[],
  top: number,
  bottom: number,
  ceilings: number | readonly number[],
  outs: readonly Float64Array[],
): void {
  if (reduceRowsWasm(plane, sets, top, bottom, ceilings, outs)) return;
  const ceilingOf = (s: number) => (typeof ceilings === 'number' ? ceilings : ceilings[s]!);
  for (const ceiling of new Set(sets.map((_, s) => ceilingOf(s)))) {
    const chosen = sets.flatMap((_, s) => (ceilingOf(s) === ceiling ? [s] : []));
    reduceRowsIntoJs(
      plane,
      chosen.map((s) => sets[s]!),
      top,
      bottom,
      ceiling,
      chosen.map((s) => outs[s]!),
    );
  }
}

/** {@link reduceRowsInto} in JS: the definition the kernel is tested against. */
export function reduceRowsIntoJs(
  plane: LumaPlane,
  sets: readonly Taps[],
  top: number,
  bottom: number,
  ceiling: number,
  outs: readonly Float64Array[],
): void {
  const { width, data } = plane;
  // q[x] = p[0] + ... + p[x - 1], p[x] = the sum of the first x pixels: a tent is 4 lookups.
  const q = sets.some((t) => t.tents) ? scratchSums('row sums of sums', width + 2) : undefined;
  const flat = ceiling * LUMA_SCALE;
  for (let y = top, o = 0; y < bottom; y++, o += 64) {
    const row = y * width;
    if (q) {
      let sum = 0; // whole numbers below 2^31 (65280 x the width)
      let sums = 0;
      q[0] = 0;
      if (ceiling >= 255) {
        for (let x = 0; x < width; x++) {
          sums += sum;
          q[x + 1] = sums;
          sum = (sum + data[row + x]!) | 0;
        }
      } else {
        for (let x = 0; x < width; x++) {
          sums += sum;
          q[x + 1] = sums;
          // Whole levels, those above `ceiling` lowered to it: branch-free (a quarter of the
          // pixels are flattened, scattered, so a branch would be mispredicted often).
          sum = (sum + Math.min(((data[row + x]! + 128) >>> 8) << 8, flat)) | 0;
        }
      }
      q[width + 1] = sums + sum;
    }
    for (let n = 0; n < sets.length; n++) {
      const { starts, lengths, offsets, weights, tents, tentScale } = sets[n]!;
      const out = outs[n]!;
      for (let j = 0; j < 64; j++) {
        if (tents && tents[j * 4]! >= 0) {
          const a = tents[j * 4]!;
          const b = tents[j * 4 + 1]!;
          const c = tents[j * 4 + 2]!;
          const d = tents[j * 4 + 3]!;
          out[o + j] =
            ((q![b + d + 2]! - q![a + d + 1]! - q![b + c + 1]! + q![a + c]!) * tentScale!) / LUMA_SCALE;
          continue;
        }
        let k = offsets[j]!;
        const end = k + lengths[j]!;
        let at = row + starts[j]!;
        let sum = 0;
        if (ceiling >= 255) {
          for (; k < end; k++, at++) sum += weights[k]! * data[at]!;
        } else {
          for (; k < end; k++, at++) sum += weights[k]! * Math.min(((data[at]! + 128) >>> 8) << 8, flat);
        }
        out[o + j] = sum / LUMA_SCALE;
      }
    }
  }
}

/** The rows [top, bottom) the taps read. */
export function tapRange(taps: Taps): [number, number] {
  let top = Number.POSITIVE_INFINITY;
  let bottom = 0;
  for (let j = 0; j < 64; j++) {
    top = Math.min(top, taps.starts[j]!);
    bottom = Math.max(bottom, taps.starts[j]! + taps.lengths[j]!);
  }
  return [top, bottom];
}

/**
 * The 64x64 block (row-major) from rows already filtered by `reduceRows` (starting at row `top`),
 * in a buffer the next call reuses: hash it before making another.
 */
export function blockOf(reduced: Float64Array, top: number, rows: Taps): Float64Array {
  // One block at a time is alive (each is hashed at once), so they share a buffer: a fresh 32 KB
  // per view was a third of the collector's work. In the WebAssembly kernel where it runs (the
  // same doubles), else in JS.
  return blockWasm(reduced, top, rows, BLOCK) ? BLOCK : blockOfJs(reduced, top, rows, BLOCK);
}

/** {@link blockOf} in JS (into `into`): the definition the kernel is tested against. */
export function blockOfJs(reduced: Float64Array, top: number, rows: Taps, into: Float64Array): Float64Array {
  const block = into.fill(0);
  const { starts, lengths, offsets, weights } = rows;
  for (let i = 0; i < 64; i++) {
    const out = i * 64;
    for (let t = 0; t < lengths[i]!; t++) {
      const w = weights[offsets[i]! + t]!;
      const from = (starts[i]! + t - top) * 64;
      for (let j = 0; j < 64; j++) block[out + j]! += w * reduced[from + j]!;
    }
  }
  return block;
}

const BLOCK = new Float64Array(64 * 64);
const HALF_DCT = new Float64Array(16 * 64);

/** A PDQ hash with what the matching methods need of it. */
export interface ViewHash {
  readonly hash: Hash;
  readonly stable: StableBits;
  /** The 16x16 DCT block the hash thresholds. */
  readonly dct: Float32Array;
}

/**
 * PDQ's hash, quality and stable bits from a 64x64 block, optionally transposed (a view turned by
 * 90 degrees swaps the axes: its block is the transpose, and so is its DCT).
 */
export function hashOfBlock(block: Float64Array, transposed = false): ViewHash {
  const quality = blockQuality(block);
  const dct = blockDct(block, transposed);
  return { hash: thresholded(dct, quality), stable: pdqStableBits(dct), dct };
}

/**
 * {@link hashOfBlock} of a block and of its transpose, from one DCT (the transpose's is the same
 * numbers transposed, so the two are exactly what two calls give).
 */
export function hashesOfBlock(block: Float64Array): [ViewHash, ViewHash] {
  const quality = blockQuality(block);
  const dct = blockDct(block, false);
  const turned = new Float32Array(256);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) turned[j * 16 + i] = dct[i * 16 + j]!;
  return [dct, turned].map((d) => ({ hash: thresholded(d, quality), stable: pdqStableBits(d), dct: d })) as [
    ViewHash,
    ViewHash,
  ];
}

/** The reference's quality: summed truncated gradients of the 64x64 block, / 90, capped at 100. */
function blockQuality(block: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++)
      sum += Math.abs(Math.trunc(((block[i * 64 + j]! - block[(i + 1) * 64 + j]!) * 100) / 255));
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++)
      sum += Math.abs(Math.trunc(((block[i * 64 + j]! - block[i * 64 + j + 1]!) * 100) / 255));
  }
  return Math.min(100, Math.floor(sum / 90));
}

/**
 * D * block * D^T for PDQ's 16 x 64 DCT matrix D (no DC row), transposed on request: in the
 * WebAssembly kernel where it runs (the same float32 values), else in JS.
 */
function blockDct(block: Float64Array, transposed: boolean): Float32Array {
  const fast = dctWasm(block, DCT_MATRIX);
  if (!fast) return blockDctJs(block, transposed);
  if (!transposed) return fast;
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) out[j * 16 + i] = fast[i * 16 + j]!;
  return out;
}

/** {@link blockDct} in JS: the definition the kernel is tested against. */
export function blockDctJs(block: Float64Array, transposed: boolean): Float32Array {
  const t = HALF_DCT.fill(0);
  for (let i = 0; i < 16; i++) {
    for (let k = 0; k < 64; k++) {
      const d = DCT_MATRIX[i * 64 + k]!;
      const row = k * 64;
      for (let j = 0; j < 64; j++) t[i * 64 + j]! += d * block[row + j]!;
    }
  }
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum += t[i * 64 + k]! * DCT_MATRIX[j * 64 + k]!;
      out[transposed ? j * 16 + i : i * 16 + j] = sum;
    }
  }
  return out;
}

/** Bit 16i+j set when B[i][j] is strictly above the median, as pdq.ts thresholds. */
function thresholded(dct: Float32Array, quality: number): Hash {
  const median = Float32Array.from(dct).sort()[127]!;
  const bytes = new Uint8Array(32);
  for (let k = 0; k < 256; k++) if (dct[k]! > median) bytes[31 - (k >> 3)]! |= 1 << (k & 7);
  return { algorithm: 'pdq', bits: PDQ_BITS, bytes, quality };
}

/**
 * PDQ of one view of the plane, given how each of its axes is made (with `ceiling` below 255: of
 * the plane in whole levels, those above `ceiling` lowered to it).
 *
 * @example
 * ```ts
 * const plane = lumaPlane(upload);
 * const mirrored = viewHash(plane, { kind: 'crop', from: 0, length: plane.width, reversed: true },
 *   { kind: 'crop', from: 0, length: plane.height });
 * ```
 */
export function viewHash(plane: LumaPlane, x: AxisMap, y: AxisMap, ceiling = 255): ViewHash {
  const columns = axisTaps(x, plane.width);
  const rows = axisTaps(y, plane.height);
  const [top, bottom] = tapRange(rows);
  return hashOfBlock(
    blockOf(reduceRows(plane, columns, top, bottom, ceiling, scratchRows(bottom - top)), top, rows),
  );
}

const SCRATCH = {};

/** Pooled sums for one row at a time. */
function scratchSums(slot: string, length: number): Float64Array {
  return new Float64Array(pooledBuffer(slot, SCRATCH, length * 8).buffer, 0, length);
}

/** A pooled buffer for rows filtered and used at once (its contents never outlive the call). */
function scratchRows(rows: number): Float64Array {
  return new Float64Array(pooledBuffer('scratch rows', SCRATCH, rows * 64 * 8).buffer, 0, rows * 64);
}
