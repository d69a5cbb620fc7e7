/**
 * The numeric kernels behind phash and whash against their simple definitions. Bit-exactness
 * with scipy and PyWavelets (which decides ties) is measured by imagehash-conformance.test.ts;
 * here: the fast code computes the right transform, and the structural exact zeros that decide
 * ties come out exactly zero, as in scipy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactSinCos, piOver } from '../../src/algorithms/imagehash/exact-trig.js';
import { numpyMedian } from '../../src/algorithms/imagehash/numpy-median.js';
import { ScipyDct2, scipyDct2d } from '../../src/algorithms/imagehash/pocketfft-dct.js';
import { haarDwt2, haarWavedec2, haarWaverec2 } from '../../src/algorithms/imagehash/pywt-haar.js';

/** scipy.fftpack.dct type II, unnormalised, straight from its definition. */
function dctDefinition(x: ArrayLike<number>): number[] {
  const n = x.length;
  return Array.from({ length: n }, (_, k) => {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += x[j]! * Math.cos((Math.PI * k * (2 * j + 1)) / (2 * n));
    return 2 * sum;
  });
}

describe('scipy DCT-II (pocketfft order of operations)', () => {
  it('matches the definition for every length 1..72 (radix 2/3/4/5 plans and the direct fallback)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 72 }), fc.integer(), (n, seed) => {
        const x = Array.from({ length: n }, (_, i) => ((seed + i * 2654435761) >>> 0) % 256);
        const c = Float64Array.from(x);
        new ScipyDct2(n).run(c);
        const ref = dctDefinition(x);
        for (let k = 0; k < n; k++)
          expect(Math.abs(c[k]! - ref[k]!)).toBeLessThan(1e-9 * (1 + Math.abs(ref[k]!)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives exact zeros for a constant signal, as scipy does (a direct sum leaves noise)', () => {
    for (const n of [8, 12, 16, 20, 32, 40, 48, 64, 128]) {
      const c = new Float64Array(n).fill(77);
      new ScipyDct2(n).run(c);
      expect(c[0]).toBe(2 * 77 * n);
      expect(c.subarray(1).every((v) => v === 0)).toBe(true);
    }
  });

  it('transforms 2-D blocks down the columns, then along the rows', () => {
    const size = 8;
    const block = Array.from({ length: size * size }, (_, i) => (i * 37) % 256);
    const out = scipyDct2d(block, size);
    const cols: number[][] = [];
    for (let x = 0; x < size; x++)
      cols.push(dctDefinition(Array.from({ length: size }, (_, y) => block[y * size + x]!)));
    for (let y = 0; y < size; y++) {
      const row = dctDefinition(Array.from({ length: size }, (_, x) => cols[x]![y]!));
      for (let x = 0; x < size; x++) expect(out[y * size + x]).toBeCloseTo(row[x]!, 6);
    }
  });
});

describe('correctly rounded sin/cos for twiddle factors', () => {
  it('agrees with Math.sin/Math.cos to within one unit in the last place', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (a) => {
        const [s, c] = exactSinCos(a);
        expect(Math.abs(s - Math.sin(a))).toBeLessThanOrEqual(
          2.3e-16 * Math.max(Math.abs(s), 1e-300) + 1e-300,
        );
        expect(Math.abs(c - Math.cos(a))).toBeLessThanOrEqual(2.3e-16);
      }),
    );
  });

  it('rounds known hard cases the way a correctly rounded libm does', () => {
    // sin(0.16566992509164924) = 0.16491312048996990820..., cos(0.6528622233241289) = 0.79434836138288139602...
    expect(exactSinCos(0.16566992509164924)[0]).toBe(0.1649131204899699);
    expect(exactSinCos(0.6528622233241289)[1]).toBe(0.7943483613828813);
    expect(piOver(128)).toBe(Math.PI / 128);
  });
});

function randomSquare(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n * n }, (_, i) => (((seed + i * 2246822519) >>> 0) % 256) / 255);
}

describe('PyWavelets Haar (wavedec2 / waverec2)', () => {
  it('one level is the scaled 2x2 sum and differences (rows = axis 0 first)', () => {
    const x = Float64Array.from([1, 2, 3, 4]); // [[1, 2], [3, 4]]
    const level = haarDwt2(x, 2);
    expect(level.aa[0]).toBeCloseTo((1 + 2 + 3 + 4) / 2, 14);
    expect(level.da[0]).toBeCloseTo((1 + 2 - 3 - 4) / 2, 14); // detail down the columns
    expect(level.ad[0]).toBeCloseTo((1 - 2 + 3 - 4) / 2, 14); // detail along the rows
    expect(level.dd[0]).toBeCloseTo((1 - 2 - 3 + 4) / 2, 14);
  });

  it('reconstructs its input (perfect reconstruction) at every depth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer(), (log2n, seed) => {
        const n = 2 ** log2n;
        const x = randomSquare(n, seed);
        for (let levels = 0; levels <= log2n; levels++) {
          const { approx, details } = haarWavedec2(x, n, levels);
          const back = haarWaverec2(approx, details);
          for (let i = 0; i < x.length; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the full-depth approximation is the mean times n, and a flat image has zero details exactly', () => {
    const n = 16;
    const flat = new Float64Array(n * n).fill(0.5);
    const { approx, details } = haarWavedec2(flat, n, 4);
    expect(approx[0]).toBeCloseTo(0.5 * n, 12);
    for (const d of details)
      for (const band of [d.da, d.ad, d.dd]) expect(band.every((v) => v === 0)).toBe(true);
  });
});

describe('numpy.median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(numpyMedian([3, 1, 2])).toBe(2);
    expect(numpyMedian([4, 1, 3, 2])).toBe(2.5);
    expect(numpyMedian([-0.5, 1e-20, -1e-20, 7])).toBe(0);
    expect(numpyMedian([])).toBeNaN();
  });
});
