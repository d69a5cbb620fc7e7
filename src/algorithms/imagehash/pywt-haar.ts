/**
 * PyWavelets' 2-D Haar transform (`pywt.wavedec2` / `pywt.waverec2` with `'haar'`, mode
 * `symmetric`) on square power-of-two float64 arrays, with the reference's exact order of
 * operations. whash thresholds these coefficients at their median, and on images with flat
 * areas many coefficients tie in exact arithmetic, so the last bit of each double matters:
 * - filters: dec_lo = [c, c], dec_hi = [-c, c], rec_lo = [c, c], rec_hi = [c, -c], c = 1/sqrt(2)
 *   rounded to double (`db1`);
 * - analysis output o = filter[0] * x[2o+1] + filter[1] * x[2o] (pywt's downsampling
 *   convolution, starting from 0);
 * - 2-D analysis runs along axis 0 (down the columns) and then along axis 1 (`dwtn`);
 *   synthesis runs along axis 1 first and then axis 0 (`idwtn`), adding the detail part to the
 *   approximation part per output sample.
 */

const C = Math.SQRT1_2; // 0.7071067811865476, pywt's db1 coefficient as a double

/** One level of coefficients: the four half-size subbands, row-major, named as pywt's dwtn does. */
export interface HaarLevel {
  /** Half the input side. */
  readonly size: number;
  readonly aa: Float64Array;
  readonly da: Float64Array;
  readonly ad: Float64Array;
  readonly dd: Float64Array;
}

/** One analysis step (`pywt.dwt2`) of an `n` x `n` array. */
export function haarDwt2(x: Float64Array, n: number): HaarLevel {
  const h = n >> 1;
  // Axis 0: combine rows 2o and 2o+1.
  const a0 = new Float64Array(h * n);
  const d0 = new Float64Array(h * n);
  for (let o = 0; o < h; o++) {
    const even = 2 * o * n;
    const odd = even + n;
    for (let j = 0; j < n; j++) {
      const xe = x[even + j]!;
      const xo = x[odd + j]!;
      a0[o * n + j] = C * xo + C * xe;
      d0[o * n + j] = -C * xo + C * xe;
    }
  }
  // Axis 1 on both: combine columns 2p and 2p+1.
  const split = (src: Float64Array): [Float64Array, Float64Array] => {
    const lo = new Float64Array(h * h);
    const hi = new Float64Array(h * h);
    for (let r = 0; r < h; r++) {
      for (let p = 0; p < h; p++) {
        const xe = src[r * n + 2 * p]!;
        const xo = src[r * n + 2 * p + 1]!;
        lo[r * h + p] = C * xo + C * xe;
        hi[r * h + p] = -C * xo + C * xe;
      }
    }
    return [lo, hi];
  };
  const [aa, ad] = split(a0);
  const [da, dd] = split(d0);
  return { size: h, aa, da, ad, dd };
}

/** One synthesis step (`pywt.idwt2`): the `2 * size` square array the level came from. */
export function haarIdwt2(approx: Float64Array, level: HaarLevel): Float64Array {
  const h = level.size;
  const n = 2 * h;
  // Axis 1: rebuild columns of the 'a' and 'd' halves.
  const merge = (lo: Float64Array, hi: Float64Array): Float64Array => {
    const out = new Float64Array(h * n);
    for (let r = 0; r < h; r++) {
      for (let p = 0; p < h; p++) {
        const a = lo[r * h + p]!;
        const d = hi[r * h + p]!;
        out[r * n + 2 * p] = C * a + C * d;
        out[r * n + 2 * p + 1] = C * a + -C * d;
      }
    }
    return out;
  };
  const a = merge(approx, level.ad);
  const d = merge(level.da, level.dd);
  // Axis 0: rebuild rows.
  const out = new Float64Array(n * n);
  for (let o = 0; o < h; o++) {
    for (let j = 0; j < n; j++) {
      const av = a[o * n + j]!;
      const dv = d[o * n + j]!;
      out[2 * o * n + j] = C * av + C * dv;
      out[(2 * o + 1) * n + j] = C * av + -C * dv;
    }
  }
  return out;
}

/** `pywt.wavedec2(x, 'haar', level=levels)`: the final approximation and the levels, finest first. */
export function haarWavedec2(
  x: Float64Array,
  n: number,
  levels: number,
): { approx: Float64Array; size: number; details: HaarLevel[] } {
  let approx = x;
  let size = n;
  const details: HaarLevel[] = [];
  for (let i = 0; i < levels; i++) {
    const level = haarDwt2(approx, size);
    details.push(level);
    approx = level.aa;
    size = level.size;
  }
  return { approx, size, details };
}

/** `pywt.waverec2`: rebuilds from an approximation and the levels returned by {@link haarWavedec2}. */
export function haarWaverec2(approx: Float64Array, details: readonly HaarLevel[]): Float64Array {
  let a = approx;
  for (let i = details.length - 1; i >= 0; i--) a = haarIdwt2(a, details[i]!);
  return a;
}
