/**
 * The Pillow building blocks imagehash relies on. Bit-exactness with Pillow itself is measured by
 * imagehash-conformance.test.ts (and was checked by hand on 1971 resizes of 219 images); these
 * tests pin the formulas against their simple definitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pillowBoxRadius,
  pillowGaussianBlur,
  pillowMedianFilter3,
} from '../../src/algorithms/imagehash/pillow-filters.js';
import { pillowHueSaturation } from '../../src/algorithms/imagehash/pillow-hsv.js';
import { type GreyImage, pillowLuma } from '../../src/algorithms/imagehash/pillow-luma.js';
import { pillowLanczosWeights, pillowResizeLanczos } from '../../src/algorithms/imagehash/pillow-resample.js';

describe("Pillow convert('L')", () => {
  it('gives the Rec.601 integer luma Pillow documents (R 76, G 150, B 29)', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 10, 20, 30]);
    expect([...pillowLuma({ width: 6, height: 1, channels: 3, data: rgb }).data]).toEqual([
      76, 150, 29, 255, 0, 18,
    ]);
  });

  it('ignores alpha and keeps grey as it is', () => {
    const rgba = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 255]);
    expect([...pillowLuma({ width: 2, height: 1, channels: 4, data: rgba }).data]).toEqual([76, 76]);
    const la = new Uint8Array([7, 0, 200, 255]);
    expect([...pillowLuma({ width: 2, height: 1, channels: 2, data: la }).data]).toEqual([7, 200]);
  });

  it('matches (19595 R + 38470 G + 7471 B + 32768) >> 16 for every pixel', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 3 }), ([r, g, b]) => {
        const luma = pillowLuma({ width: 1, height: 1, channels: 3, data: new Uint8Array([r!, g!, b!]) })
          .data[0];
        expect(luma).toBe(Math.floor((19595 * r! + 38470 * g! + 7471 * b! + 32768) / 65536));
      }),
    );
  });
});

/** Lanczos-3 as a plain formula: sinc(x) sinc(x/3) on [-3, 3). */
function lanczos(x: number): number {
  if (x < -3 || x >= 3) return 0;
  const sinc = (t: number): number => (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t));
  return sinc(x) * sinc(x / 3);
}

/**
 * The simple definition of Pillow's resize: per pass, every output sample is the normalised
 * Lanczos-weighted mean of ALL input samples (filter widened by the scale when shrinking),
 * rounded and clipped to 8 bits; rows first.
 */
function simpleResize(src: GreyImage, width: number, height: number): GreyImage {
  const pass = (line: (i: number) => number, inSize: number, outSize: number): number[] => {
    const scale = inSize / outSize;
    const fs = Math.max(scale, 1);
    const out: number[] = [];
    for (let o = 0; o < outSize; o++) {
      const center = (o + 0.5) * scale;
      let sum = 0;
      let norm = 0;
      for (let i = 0; i < inSize; i++) {
        const w = lanczos((i + 0.5 - center) / fs);
        sum += w * line(i);
        norm += w;
      }
      out.push(Math.min(255, Math.max(0, Math.round(sum / norm))));
    }
    return out;
  };
  let cur = src;
  if (width !== cur.width) {
    const data = new Uint8Array(width * cur.height);
    for (let y = 0; y < cur.height; y++) {
      const row = pass((i) => cur.data[y * cur.width + i]!, cur.width, width);
      data.set(row, y * width);
    }
    cur = { width, height: cur.height, data };
  }
  if (height !== cur.height) {
    const data = new Uint8Array(cur.width * height);
    for (let x = 0; x < cur.width; x++) {
      const col = pass((i) => cur.data[i * cur.width + x]!, cur.height, height);
      col.forEach((v, y) => {
        data[y * cur.width + x] = v;
      });
    }
    cur = { width: cur.width, height, data };
  }
  return cur;
}

const greyImage = fc
  .record({ width: fc.integer({ min: 1, max: 48 }), height: fc.integer({ min: 1, max: 48 }) })
  .chain(({ width, height }) =>
    fc
      .uint8Array({ minLength: width * height, maxLength: width * height })
      .map((data): GreyImage => ({ width, height, data })),
  );
const side = fc.integer({ min: 1, max: 40 });

describe('Pillow LANCZOS resampler', () => {
  it('returns the requested size', () => {
    fc.assert(
      fc.property(greyImage, side, side, (src, w, h) => {
        const out = pillowResizeLanczos(src, w, h);
        expect([out.width, out.height, out.data.length]).toEqual([w, h, w * h]);
      }),
    );
  });

  it('keeps a constant image constant', () => {
    fc.assert(
      fc.property(side, side, side, side, fc.integer({ min: 0, max: 255 }), (w0, h0, w, h, v) => {
        const out = pillowResizeLanczos(
          { width: w0, height: h0, data: new Uint8Array(w0 * h0).fill(v) },
          w,
          h,
        );
        expect(out.data.every((p) => p === v)).toBe(true);
      }),
    );
  });

  it('stays within 2 of the simple floating-point definition (fixed-point weights, same passes)', () => {
    fc.assert(
      fc.property(greyImage, side, side, (src, w, h) => {
        const fast = pillowResizeLanczos(src, w, h).data;
        const simple = simpleResize(src, w, h).data;
        let worst = 0;
        for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - simple[i]!));
        expect(worst).toBeLessThanOrEqual(2);
      }),
      { numRuns: 60 },
    );
  });

  it('clips ringing like the simple definition on a checkerboard (the worst case for overshoot)', () => {
    const src = {
      width: 31,
      height: 29,
      data: new Uint8Array(31 * 29).map((_, i) => (((i % 31) + Math.floor(i / 31)) % 2 ? 255 : 0)),
    };
    for (const [w, h] of [
      [7, 5],
      [62, 58],
      [30, 3],
      [100, 100],
    ] as const) {
      const fast = pillowResizeLanczos(src, w, h).data;
      const simple = simpleResize(src, w, h).data;
      for (let i = 0; i < fast.length; i++) expect(Math.abs(fast[i]! - simple[i]!)).toBeLessThanOrEqual(2);
    }
  });

  it('copies an image resized to its own size (no pass runs, as in Pillow)', () => {
    const src = { width: 3, height: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    const out = pillowResizeLanczos(src, 3, 2);
    expect([...out.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.data).not.toBe(src.data);
  });

  it('normalises each output weight row to 2^22 (within the rounding of each weight)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 64 }), (inSize, outSize) => {
        const { windowSize, count, first, weights } = pillowLanczosWeights(inSize, outSize);
        for (let o = 0; o < outSize; o++) {
          let sum = 0;
          for (let k = 0; k < windowSize; k++) sum += weights[o * windowSize + k]!;
          expect(Math.abs(sum - 2 ** 22)).toBeLessThanOrEqual(count[o]!);
          expect(first[o]! + count[o]!).toBeLessThanOrEqual(inSize);
        }
      }),
    );
  });

  it('rejects bad sizes', () => {
    const src = { width: 2, height: 2, data: new Uint8Array(4) };
    expect(() => pillowResizeLanczos(src, 0, 2)).toThrow(/positive integer/);
    expect(() => pillowResizeLanczos(src, 2, 1.5)).toThrow(/positive integer/);
  });
});

describe("Pillow convert('HSV') hue and saturation", () => {
  it('gives the primaries and greys their textbook values', () => {
    const hs = (r: number, g: number, b: number): [number, number] => {
      const v = pillowHueSaturation(r, g, b);
      return [v >> 8, v & 255];
    };
    expect(hs(255, 0, 0)).toEqual([0, 255]);
    expect(hs(0, 255, 0)).toEqual([85, 255]);
    expect(hs(0, 0, 255)).toEqual([170, 255]);
    expect(hs(128, 128, 128)).toEqual([0, 0]);
    expect(hs(255, 128, 128)).toEqual([0, 127]);
  });

  it('rounds through float32 like Pillow, where a double-precision formula is one step off', () => {
    // Pillow 9.4 convert('HSV') outputs (H, S) for RGB triples where plain double arithmetic
    // gives a different H: float32 intermediates decide them.
    const cases: [number, number, number, number, number][] = [
      [178, 204, 74, 51, 162],
      [89, 185, 89, 85, 132],
      [54, 119, 106, 119, 139],
      [14, 84, 42, 102, 212],
      [31, 55, 201, 164, 215],
      [143, 83, 253, 184, 171],
      [42, 195, 150, 115, 200],
      [154, 154, 252, 170, 99],
      [17, 1, 171, 174, 253],
      [243, 126, 90, 9, 160],
    ];
    for (const [r, g, b, h, sat] of cases) expect(pillowHueSaturation(r, g, b)).toBe((h << 8) | sat);
  });

  it('stays within 1 of the double-precision colorsys definition Pillow follows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        (r, g, b) => {
          const max = Math.max(r, g, b);
          const min = Math.min(r, g, b);
          const v = pillowHueSaturation(r, g, b);
          if (max === min) {
            expect(v).toBe(0);
            return;
          }
          const s = (max - min) / max;
          const [rc, gc, bc] = [r, g, b].map((c) => (max - c) / (max - min)) as [number, number, number];
          const h0 = r === max ? bc - gc : g === max ? 2 + rc - bc : 4 + gc - rc;
          const h = (h0 / 6 + 1) % 1;
          expect(Math.abs((v >> 8) - Math.trunc(h * 255))).toBeLessThanOrEqual(1);
          expect(Math.abs((v & 255) - Math.trunc(s * 255))).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('Pillow GaussianBlur and MedianFilter', () => {
  it("derives Pillow's box radius for GaussianBlur(2) (l = 1, a = 0.375)", () => {
    expect(pillowBoxRadius(2, 3)).toBeCloseTo(1.375, 6);
  });

  it('keep constant images constant and their size', () => {
    fc.assert(
      fc.property(side, side, fc.integer({ min: 0, max: 255 }), (w, h, v) => {
        const src = { width: w, height: h, data: new Uint8Array(w * h).fill(v) };
        for (const out of [pillowGaussianBlur(src, 2), pillowMedianFilter3(src)]) {
          expect([out.width, out.height]).toEqual([w, h]);
          expect(out.data.every((p) => p === v)).toBe(true);
        }
      }),
    );
  });

  it('median filter removes an isolated speck and is the 3x3 median elsewhere', () => {
    fc.assert(
      fc.property(greyImage, (src) => {
        const out = pillowMedianFilter3(src);
        const at = (x: number, y: number): number =>
          src.data[
            Math.min(src.height - 1, Math.max(0, y)) * src.width + Math.min(src.width - 1, Math.max(0, x))
          ]!;
        for (let y = 0; y < src.height; y++) {
          for (let x = 0; x < src.width; x++) {
            const window = [-1, 0, 1]
              .flatMap((dy) => [-1, 0, 1].map((dx) => at(x + dx, y + dy)))
              .sort((a, b) => a - b);
            expect(out.data[y * src.width + x]).toBe(window[4]);
          }
        }
      }),
      { numRuns: 30 },
    );
    const speck = new Uint8Array(25);
    speck[12] = 255;
    expect(pillowMedianFilter3({ width: 5, height: 5, data: speck }).data.every((p) => p === 0)).toBe(true);
  });

  it('blur keeps values in range and smooths a step', () => {
    const step = new Uint8Array(20 * 4).map((_, i) => (i % 20 < 10 ? 0 : 200));
    const out = pillowGaussianBlur({ width: 20, height: 4, data: step }, 2).data;
    const row = [...out.subarray(0, 20)];
    for (let x = 1; x < 20; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!);
    expect(row[0]).toBe(0);
    expect(row[19]).toBe(200);
    expect(row[9]! > 0 && row[10]! < 200).toBe(true);
  });
});
