import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PixelImage } from '../../src/core/pixels.js';
import {
  cropTo,
  DIHEDRAL_COPIES,
  type DihedralCopy,
  dihedralCopy,
  enlarge,
  fillOutside,
  flattenHighlights,
  resampleWindow,
  rotateWindow,
  roundLevel,
  sizeBeforeRotation,
  workingCopy,
} from '../../src/core/raster.js';
import { turnGreyWasm } from '../../src/matching/methods/wasm/plane-wasm.js';

function grey(width: number, height: number, values: number[]): PixelImage {
  return { width, height, channels: 1, data: Uint8Array.from(values) };
}

/** Clockwise quarter turn, written the obvious way. */
function quarterTurn(image: PixelImage): PixelImage {
  const out = new Uint8Array(image.data.length);
  const { width: w, height: h } = image;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + (h - 1 - y)] = image.data[y * w + x]!;
  return { width: h, height: w, channels: 1, data: out };
}

const smallGrey = fc
  .record({ width: fc.integer({ min: 2, max: 9 }), height: fc.integer({ min: 2, max: 9 }) })
  .chain(({ width, height }) =>
    fc
      .uint8Array({ minLength: width * height, maxLength: width * height })
      .map((data): PixelImage => ({ width, height, channels: 1, data })),
  );

/**
 * A grey image turned as the grey path defines it: the source position stepped along each row,
 * bilinear between the four pixels around it (clamped at the last row and column), Math.round.
 */
function simpleGreyTurn(image: PixelImage, degrees: number, width: number, height: number, fill: number) {
  const out = new Uint8Array(width * height);
  const rad = (degrees * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const { width: w, height: h, data } = image;
  for (let y = 0, o = 0; y < height; y++) {
    const dy = y + 0.5 - height / 2;
    const dx0 = 0.5 - width / 2;
    let sx = cos * dx0 + sin * dy + w / 2 - 0.5;
    let sy = -sin * dx0 + cos * dy + h / 2 - 0.5;
    for (let x = 0; x < width; x++, o++, sx += cos, sy -= sin) {
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) {
        out[o] = fill;
        continue;
      }
      const x0 = Math.max(0, Math.floor(sx));
      const y0 = Math.max(0, Math.floor(sy));
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = sx < 0 || x1 === x0 ? 0 : sx - x0;
      const fy = sy < 0 || y1 === y0 ? 0 : sy - y0;
      const at = (px: number, py: number) => data[py * w + px]!;
      const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * fx;
      const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * fx;
      out[o] = Math.round(top + (bottom - top) * fy);
    }
  }
  return out;
}

describe('raster operations', () => {
  it('rounds levels as Math.round does, halves and the largest double below a half included', () => {
    const edges = [0, 0.5, 1.5, 254.5, 255, 0.49999999999999994, 127.49999999999999, 2 ** 31 - 2.5];
    for (const v of edges) expect(roundLevel(v), String(v)).toBe(Math.round(v));
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 31 - 2, noNaN: true }), (v) => {
        expect(roundLevel(v)).toBe(Math.round(v));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 1, max: 4096 }), (sum, area) => {
        expect(roundLevel(sum / area)).toBe(Math.round(sum / area));
      }),
      { numRuns: 2000 },
    );
  });

  it('turns grey images exactly as the simple stepped definition (JS and WebAssembly)', () => {
    const cases = fc.record({
      width: fc.integer({ min: 1, max: 40 }),
      height: fc.integer({ min: 1, max: 40 }),
      seed: fc.integer(),
      degrees: fc.double({ min: -10, max: 10, noNaN: true }),
      dw: fc.integer({ min: -6, max: 6 }),
      dh: fc.integer({ min: -6, max: 6 }),
    });
    fc.assert(
      fc.property(cases, ({ width, height, seed, degrees, dw, dh }) => {
        let state = seed >>> 0;
        const data = Uint8Array.from({ length: width * height }, () => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state >>> 24;
        });
        const image: PixelImage = { width, height, channels: 1, data };
        const [w, h] = [Math.max(1, width + dw), Math.max(1, height + dh)];
        const expected = simpleGreyTurn(image, degrees, w, h, 77);
        expect(rotateWindow(image, degrees, w, h, 77).data).toEqual(expected);
        expect(turnGreyWasm(image, degrees, w, h, 77)?.data).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('shrinks by area averaging (exact for whole blocks) and drops alpha', () => {
    const image = grey(4, 2, [0, 10, 20, 30, 40, 50, 60, 70]);
    expect(workingCopy(image, 2)).toEqual(grey(2, 1, [25, 45]));
    const rgba: PixelImage = { width: 1, height: 1, channels: 4, data: Uint8Array.from([1, 2, 3, 4]) };
    expect(workingCopy(rgba, 10)).toEqual({
      width: 1,
      height: 1,
      channels: 3,
      data: Uint8Array.from([1, 2, 3]),
    });
  });

  it('keeps the mean of the image when shrinking by any factor', () => {
    fc.assert(
      fc.property(smallGrey, fc.integer({ min: 1, max: 8 }), (image, side) => {
        const small = workingCopy(image, side);
        const mean = (i: PixelImage) => Array.from(i.data).reduce((a, b) => a + b, 0) / i.data.length;
        // Each output pixel is rounded, and output pixels cover equal shares of the image.
        expect(Math.abs(mean(small) - mean(image))).toBeLessThanOrEqual(0.5 + 1e-9);
      }),
    );
  });

  it('crops exactly', () => {
    const image = grey(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(cropTo(image, { left: 1, top: 1, width: 2, height: 2 })).toEqual(grey(2, 2, [5, 6, 8, 9]));
  });

  it('rotates by 0 and 90 degrees exactly, clockwise like sharp', () => {
    fc.assert(
      fc.property(smallGrey, (image) => {
        expect(rotateWindow(image, 0, image.width, image.height, 0)).toEqual(image);
        expect(rotateWindow(image, 90, image.height, image.width, 0)).toEqual(quarterTurn(image));
      }),
    );
  });

  it('makes the 8 rotations and mirror images exactly', () => {
    fc.assert(
      fc.property(smallGrey, (image) => {
        const turn = (i: PixelImage, k: DihedralCopy) => dihedralCopy(i, k);
        expect(turn(image, 'rot90')).toEqual(quarterTurn(image));
        expect(turn(image, 'rot180')).toEqual(quarterTurn(quarterTurn(image)));
        expect(turn(image, 'rot270')).toEqual(quarterTurn(quarterTurn(quarterTurn(image))));
        expect(turn(turn(image, 'mirror'), 'mirror')).toEqual(image);
        expect(turn(turn(image, 'mirror'), 'flip')).toEqual(turn(image, 'rot180'));
        expect(turn(turn(image, 'transpose'), 'mirror')).toEqual(turn(image, 'rot90'));
        expect(turn(turn(image, 'transverse'), 'transpose')).toEqual(turn(image, 'rot180'));
        const all = DIHEDRAL_COPIES.map((k) => JSON.stringify(Array.from(turn(image, k).data)));
        expect(all).toHaveLength(7);
      }),
    );
  });

  it('fills what lies outside the source', () => {
    const image = grey(2, 2, [9, 9, 9, 9]);
    const out = rotateWindow(image, 0, 4, 4, 77);
    expect(out.data[0]).toBe(77);
    expect(out.data[5]).toBe(9);
  });

  it('recovers the size before an enlarging rotation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 2000 }),
        fc.integer({ min: 50, max: 2000 }),
        fc.double({ min: -30, max: 30, noNaN: true }),
        (w, h, degrees) => {
          const rad = (Math.abs(degrees) * Math.PI) / 180;
          const width = w * Math.cos(rad) + h * Math.sin(rad);
          const height = w * Math.sin(rad) + h * Math.cos(rad);
          const back = sizeBeforeRotation(width, height, degrees)!;
          expect(Math.abs(back.width - w)).toBeLessThanOrEqual(1);
          expect(Math.abs(back.height - h)).toBeLessThanOrEqual(1);
        },
      ),
    );
    expect(sizeBeforeRotation(100, 100, 45)).toBeUndefined();
  });

  it('fills outside a box with the nearest pixel of the box', () => {
    const image = grey(3, 3, [0, 0, 0, 0, 5, 6, 0, 7, 8]);
    expect(fillOutside(image, { left: 1, top: 1, width: 2, height: 2 })).toEqual(
      grey(3, 3, [5, 5, 6, 5, 5, 6, 7, 7, 8]),
    );
  });

  it('enlarges bilinearly: whole-pixel blocks inside, linear ramps between sample centres', () => {
    // A 2x1 grey image [0, 200] enlarged 4 times: sample centres at x = 1.5 and 5.5; left of the
    // first and right of the last the edge value holds, between them a straight ramp.
    const out = enlarge({ width: 2, height: 1, channels: 1, data: Uint8Array.from([0, 200]) }, 4);
    expect([out.width, out.height]).toEqual([8, 4]);
    expect([...out.data.subarray(0, 8)]).toEqual([0, 0, 25, 75, 125, 175, 200, 200]);
    // Alpha dropped; a flat image stays flat at any factor.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 255 }), (factor, v) => {
        const flat = enlarge({ width: 3, height: 2, channels: 4, data: new Uint8Array(24).fill(v) }, factor);
        return flat.channels === 3 && flat.data.every((x) => x === v);
      }),
    );
  });
});

describe('resampleWindow', () => {
  const image = (width: number, height: number, channels: 1 | 3): PixelImage => ({
    width,
    height,
    channels,
    data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + (i >> 5)) & 255),
  });

  it('is a plain crop for a whole-pixel window at its own size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 2, max: 40 }),
        fc.constantFrom<1 | 3>(1, 3),
        fc.nat(),
        (width, height, channels, seed) => {
          const img = image(width, height, channels);
          const left = seed % width;
          const top = (seed >> 8) % height;
          const box = { left, top, width: width - left, height: height - top };
          expect(resampleWindow(img, box, box.width, box.height)).toEqual(cropTo(img, box));
        },
      ),
    );
  });

  it('averages the fractions of pixels a window edge cuts', () => {
    const row: PixelImage = { width: 4, height: 1, channels: 1, data: Uint8Array.from([0, 100, 200, 40]) };
    // [0.5, 2.5) into 2 pixels: 0.5 * 0 + 0.5 * 100, then 0.5 * 100 + 0.5 * 200.
    expect([...resampleWindow(row, { left: 0.5, top: 0, width: 2, height: 1 }, 2, 1).data]).toEqual([
      50, 150,
    ]);
    expect([...resampleWindow(row, { left: 1.5, top: 0, width: 2, height: 1 }, 1, 1).data]).toEqual([135]); // (50 + 200 + 20) / 2
  });
});

describe('flattenHighlights', () => {
  it('flattens the brightest fraction of pixels to the level below them, on PDQ luma', () => {
    const rgb = grey(1, 1, [0]);
    // 0.299*200 + 0.587*100 + 0.114*50 = 124.2 -> 124.
    expect(flattenHighlights({ ...rgb, channels: 3, data: Uint8Array.from([200, 100, 50]) }, 0)).toEqual(
      grey(1, 1, [124]),
    );
    fc.assert(
      fc.property(smallGrey, fc.double({ min: 0, max: 1, noNaN: true }), (image, fraction) => {
        // The definition: the level is the darkest value that keeps all but floor(fraction * n)
        // pixels at or below it; everything above becomes that level.
        const n = image.width * image.height;
        const sorted = [...image.data].sort((a, b) => a - b);
        const level = sorted[n - Math.floor(fraction * n) - 1] ?? sorted[0]!;
        const expected = grey(
          image.width,
          image.height,
          [...image.data].map((v) => Math.min(v, level)),
        );
        expect(flattenHighlights(image, fraction)).toEqual(expected);
      }),
    );
  });

  it('flattens everything to the darkest pixel, not to 0, when the whole picture is the fraction', () => {
    // Found by the property above: fraction 1 once gave [0, 0, 0, 0], a level the picture lacks.
    expect(flattenHighlights(grey(2, 2, [1, 1, 1, 1]), 1)).toEqual(grey(2, 2, [1, 1, 1, 1]));
    expect(flattenHighlights(grey(2, 2, [9, 3, 7, 5]), 1)).toEqual(grey(2, 2, [3, 3, 3, 3]));
    expect(flattenHighlights(grey(2, 2, [9, 3, 7, 5]), 0.75)).toEqual(grey(2, 2, [3, 3, 3, 3]));
    expect(flattenHighlights(grey(2, 2, [9, 3, 7, 5]), 0.5)).toEqual(grey(2, 2, [5, 3, 5, 5]));
  });
});
