import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { DCT_MATRIX } from '../../src/algorithms/pdq/pdq-pixels.js';
import type { PixelImage } from '../../src/core/pixels.js';
import {
  cropTo,
  DIHEDRAL_COPIES,
  dihedralCopy,
  fillOutside,
  flattenLevel,
  rotateWindow,
  shrinkBy,
} from '../../src/core/raster.js';
import {
  type AxisMap,
  axisTaps,
  blockDctJs,
  blockOf,
  blockOfJs,
  greyImage,
  greyImageJs,
  hashOfBlock,
  LUMA_SCALE,
  lumaPlane,
  lumaPlaneAndCopy,
  lumaPlaneAndCopyJs,
  reduceRows,
  reduceRowsIntoJs,
  viewHash,
} from '../../src/matching/methods/pdq-views.js';
import { DIHEDRAL_VIEWS, ImageVariants, TONES_FLATTENED } from '../../src/matching/methods/variants.js';
import {
  blockWasm,
  dctWasm,
  greyWasm,
  lumaPlaneAndCopyWasm,
  reduceRowsWasm,
} from '../../src/matching/methods/wasm/plane-wasm.js';

// ---- the simple definition: PDQ's pixel work written out on float luma, one step at a time ----

/** Float luma (PDQ's weights), one value per pixel. */
function floatLuma(image: PixelImage): Float64Array {
  const { width, height, channels, data } = image;
  const out = new Float64Array(width * height);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    out[p] =
      channels >= 3 ? (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]!) / 65536 : data[s]!;
  }
  return out;
}

/** The reference's box filter along one axis: output o averages [o - w + half, o + half - 1], clipped. */
function boxAlong(values: Float64Array, width: number, height: number, alongRows: boolean): Float64Array {
  const n = alongRows ? width : height;
  const window = Math.floor((n + 127) / 128);
  const half = Math.floor((window + 2) / 2);
  const out = new Float64Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = alongRows ? x : y;
      const lo = Math.max(0, o - window + half);
      const hi = Math.min(n - 1, o + half - 1);
      let sum = 0;
      for (let k = lo; k <= hi; k++) sum += alongRows ? values[y * width + k]! : values[k * width + x]!;
      out[y * width + x] = sum / (hi - lo + 1);
    }
  }
  return out;
}

/** PDQ's 16x16 DCT block of a float luma picture: box filters twice, 64x64 samples, the DCT. */
function simplePdqDct(luma: Float64Array, width: number, height: number): Float64Array {
  let v = luma;
  for (let round = 0; round < 2; round++) {
    v = boxAlong(v, width, height, true);
    v = boxAlong(v, width, height, false);
  }
  const block = new Float64Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 64; j++) {
      const y = Math.trunc(((i + 0.5) * height) / 64);
      const x = Math.trunc(((j + 0.5) * width) / 64);
      block[i * 64 + j] = v[y * width + x]!;
    }
  }
  const out = new Float64Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let a = 0; a < 64; a++) {
        for (let b = 0; b < 64; b++)
          sum += DCT_MATRIX[i * 64 + a]! * block[a * 64 + b]! * DCT_MATRIX[j * 64 + b]!;
      }
      out[i * 16 + j] = sum;
    }
  }
  return out;
}

/** A float luma window with fractional edges, area-averaged to `w` x `h` (resampleWindow, in float). */
function floatWindow(
  luma: Float64Array,
  width: number,
  box: { left: number; top: number; width: number; height: number },
  w: number,
  h: number,
): Float64Array {
  const out = new Float64Array(w * h);
  const sx = box.width / w;
  const sy = box.height / h;
  for (let oy = 0; oy < h; oy++) {
    for (let ox = 0; ox < w; ox++) {
      const [x0, x1] = [box.left + ox * sx, box.left + (ox + 1) * sx];
      const [y0, y1] = [box.top + oy * sy, box.top + (oy + 1) * sy];
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const weight = (Math.min(x + 1, x1) - Math.max(x, x0)) * (Math.min(y + 1, y1) - Math.max(y, y0));
          sum += weight * luma[y * width + x]!;
        }
      }
      out[oy * w + ox] = sum / (sx * sy);
    }
  }
  return out;
}

/** Largest difference between two DCT blocks. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < 256; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  return worst;
}

/** Plane values are kept to 1/256 of a level; across PDQ's weights that moves a coefficient by < 0.1. */
const TOLERANCE = 0.1;

const images = fc
  .record({
    width: fc.integer({ min: 5, max: 200 }),
    height: fc.integer({ min: 5, max: 200 }),
    channels: fc.constantFrom(1 as const, 3 as const, 4 as const),
    seed: fc.integer(),
  })
  .map(({ width, height, channels, seed }): PixelImage => {
    // Smooth structure plus noise, so the hashes are not all noise.
    const data = new Uint8Array(width * height * channels);
    let state = seed >>> 0;
    for (let p = 0; p < width * height; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      for (let c = 0; c < channels; c++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const wave = 128 + 90 * Math.sin((x * (c + 1)) / 17 + y / 23 + (seed % 7));
        data[p * channels + c] = Math.max(0, Math.min(255, Math.round(wave + ((state >>> 24) - 128) / 4)));
      }
    }
    return { width, height, channels, data };
  });

const whole = (n: number, reversed = false): AxisMap => ({ kind: 'crop', from: 0, length: n, reversed });

describe('PDQ of views from the luma plane', () => {
  it('the simple float definition is PDQ itself (the reference kernel) up to float32 rounding', () => {
    fc.assert(
      fc.property(images, (image) => {
        const reference = pdqHash(image).dct;
        expect(maxDiff(simplePdqDct(floatLuma(image), image.width, image.height), reference)).toBeLessThan(
          TOLERANCE,
        );
      }),
      { numRuns: 25 },
    );
  });

  it('turned and mirrored views agree with the turned pixels (every dihedral copy)', () => {
    fc.assert(
      fc.property(images, (image) => {
        const plane = lumaPlane(image);
        for (const kind of DIHEDRAL_COPIES) {
          const { mirrorX, mirrorY, transposed } = DIHEDRAL_VIEWS[kind];
          const rows = axisTaps(whole(image.height, mirrorY), image.height);
          const columns = axisTaps(whole(image.width, mirrorX), image.width);
          const view = hashOfBlock(blockOf(reduceRows(plane, columns, 0, image.height), 0, rows), transposed);
          const copy = dihedralCopy(image, kind);
          const expected = simplePdqDct(floatLuma(copy), copy.width, copy.height);
          expect(maxDiff(view.dct, expected), kind).toBeLessThan(TOLERANCE);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('crops, padded frames and fractional windows agree with their pixels', () => {
    const cases = images.chain((image) =>
      fc
        .record({
          left: fc.integer({ min: 0, max: image.width - 5 }),
          top: fc.integer({ min: 0, max: image.height - 5 }),
          fx: fc.double({ min: 0, max: 0.99, noNaN: true }),
          fy: fc.double({ min: 0, max: 0.99, noNaN: true }),
        })
        .chain(({ left, top, fx, fy }) =>
          fc
            .record({
              width: fc.integer({ min: 5, max: image.width - left }),
              height: fc.integer({ min: 5, max: image.height - top }),
            })
            .map((size) => ({ image, box: { left, top, ...size }, fx, fy })),
        ),
    );
    fc.assert(
      fc.property(cases, ({ image, box, fx, fy }) => {
        const plane = lumaPlane(image);
        const crop = viewHash(
          plane,
          { kind: 'crop', from: box.left, length: box.width },
          { kind: 'crop', from: box.top, length: box.height },
        );
        const cut = cropTo(image, box);
        expect(maxDiff(crop.dct, simplePdqDct(floatLuma(cut), cut.width, cut.height)), 'crop').toBeLessThan(
          TOLERANCE,
        );

        const fill = viewHash(
          plane,
          { kind: 'clamp', from: box.left, to: box.left + box.width - 1, length: image.width },
          { kind: 'clamp', from: box.top, to: box.top + box.height - 1, length: image.height },
        );
        const filled = fillOutside(image, box);
        expect(
          maxDiff(fill.dct, simplePdqDct(floatLuma(filled), image.width, image.height)),
          'fill',
        ).toBeLessThan(TOLERANCE);

        // A window with fractional edges inside the box, resampled to its rounded size.
        const exact = {
          left: box.left + fx,
          top: box.top + fy,
          width: Math.max(1, box.width - 1 - fx + fx / 2),
          height: Math.max(1, box.height - 1 - fy + fy / 3),
        };
        const w = Math.max(5, Math.round(exact.width));
        const h = Math.max(5, Math.round(exact.height));
        const window = viewHash(
          plane,
          { kind: 'window', from: exact.left, span: exact.width, length: w },
          { kind: 'window', from: exact.top, span: exact.height, length: h },
        );
        const resampled = floatWindow(floatLuma(image), image.width, exact, w, h);
        expect(maxDiff(window.dct, simplePdqDct(resampled, w, h)), 'window').toBeLessThan(TOLERANCE);
      }),
      { numRuns: 20 },
    );
  });

  it('whole-axis taps read through prefix sums give what their weights give', () => {
    fc.assert(
      fc.property(images, fc.boolean(), fc.integer({ min: 0, max: 255 }), (image, reversed, ceiling) => {
        const plane = lumaPlane(image);
        const taps = axisTaps(whole(image.width, reversed), image.width);
        expect(taps.tents).toBeDefined();
        const fast = reduceRows(plane, taps, 0, image.height, ceiling);
        const slow = reduceRows(plane, { ...taps, tents: undefined }, 0, image.height, ceiling);
        for (let k = 0; k < fast.length; k++) expect(Math.abs(fast[k]! - slow[k]!)).toBeLessThan(1e-6);
      }),
      { numRuns: 20 },
    );
  });

  it('reads levels above a ceiling as the ceiling: the same sums as the plane flattened first', () => {
    fc.assert(
      fc.property(images, fc.boolean(), fc.integer({ min: 0, max: 254 }), (image, reversed, ceiling) => {
        const plane = lumaPlane(image);
        // The definition: whole levels (rounded half up), those above the ceiling lowered to it.
        const flattened = {
          ...plane,
          data: plane.data.map(
            (v) => Math.min(Math.floor((v + LUMA_SCALE / 2) / LUMA_SCALE), ceiling) * LUMA_SCALE,
          ),
        };
        const columns = axisTaps(whole(image.width, reversed), image.width);
        const window = axisTaps(
          { kind: 'window', from: 0.5, span: image.width - 1.25, length: image.width - 1 },
          image.width,
        );
        for (const taps of [columns, { ...columns, tents: undefined }, window]) {
          expect(reduceRows(plane, taps, 0, image.height, ceiling)).toEqual(
            reduceRows(flattened, taps, 0, image.height, 255),
          );
        }
      }),
      { numRuns: 25 },
    );
  });

  it('makes the plane and the frame-finding copy in one pass exactly as apart', () => {
    fc.assert(
      fc.property(images, fc.integer({ min: 2, max: 9 }), (image, factor) => {
        const plane = lumaPlane(image);
        for (const make of [lumaPlaneAndCopy, lumaPlaneAndCopyJs]) {
          const both = make(image, new Uint16Array(image.width * image.height), factor);
          expect(both.plane.data).toEqual(plane.data);
          expect(both.plane.histogram).toEqual(plane.histogram);
          expect(both.copy).toEqual(shrinkBy(image, factor));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('the WebAssembly kernel makes the plane and the copy exactly as apart, in chunks of any size', () => {
    fc.assert(
      fc.property(
        images,
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 20000 }),
        (image, factor, chunkBytes) => {
          const into = new Uint16Array(image.width * image.height + 7).fill(12345);
          const fast = lumaPlaneAndCopyWasm(image, into, factor, chunkBytes);
          expect(fast).toBeDefined();
          const plane = lumaPlane(image);
          expect(fast!.luma).toEqual(plane.data);
          expect(into[image.width * image.height]).toBe(12345); // nothing written past the plane
          expect(fast!.histogram).toEqual(plane.histogram);
          expect(fast!.copy).toEqual(shrinkBy(image, factor));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the WebAssembly kernel filters rows to the same doubles as the JS, in chunks of any size', () => {
    const axis = (length: number): fc.Arbitrary<AxisMap> =>
      fc.oneof(
        fc.boolean().map((reversed) => whole(length, reversed)),
        fc
          .tuple(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: length }), fc.boolean())
          .map(([from, n, reversed]) => ({
            kind: 'crop' as const,
            from: Math.min(from, length - n),
            length: n,
            reversed,
          })),
        fc
          .tuple(fc.double({ min: 0, max: 0.4, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }))
          .map(([from, span]) => ({
            kind: 'window' as const,
            from: from * length,
            span: Math.min(span * length, length - from * length),
            length: Math.max(1, Math.round(span * length * 0.8)),
          })),
        fc
          .tuple(fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 0, max: length - 1 }))
          .map(([a, b]) => ({ kind: 'clamp' as const, from: Math.min(a, b), to: Math.max(a, b), length })),
      );
    const cases = images.chain((image) =>
      fc.record({
        image: fc.constant(image),
        maps: fc.array(axis(image.width), { minLength: 1, maxLength: 3 }),
        rows: fc.tuple(fc.nat(image.height - 1), fc.nat(image.height - 1)),
        ceiling: fc.oneof(fc.constant(255), fc.integer({ min: 0, max: 254 })),
        // Which sets read the plane flattened at `ceiling` (the others as it is), in one pass.
        flattened: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        chunkBytes: fc.integer({ min: 1, max: 5000 }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ image, maps, rows, ceiling, flattened, chunkBytes }) => {
        const plane = lumaPlane(image);
        const sets = maps.map((m) => axisTaps(m, image.width));
        const ceilings = sets.map((_, s) => (flattened[s] ? ceiling : 255));
        const top = Math.min(...rows);
        const bottom = Math.max(...rows) + 1;
        const make = () => sets.map(() => new Float64Array((bottom - top) * 64 + 3).fill(-7));
        const fast = make();
        const slow = make();
        expect(reduceRowsWasm(plane, sets, top, bottom, ceilings, fast, chunkBytes)).toBe(true);
        // The definition, one set and one ceiling at a time.
        for (const [s, set] of sets.entries())
          reduceRowsIntoJs(plane, [set], top, bottom, ceilings[s]!, [slow[s]!]);
        // Bit for bit, and nothing written past the rows.
        for (let s = 0; s < sets.length; s++)
          expect(new Uint8Array(fast[s]!.buffer)).toEqual(new Uint8Array(slow[s]!.buffer));
      }),
      { numRuns: 40 },
    );
  });

  it('the WebAssembly kernel makes plain and flattened whole-width rows in one pass as the JS makes each', () => {
    // What ImageVariants asks for: the rows forwards and mirrored, and forwards flattened (tones).
    const cases = images.chain((image) =>
      fc.record({
        image: fc.constant(image),
        ceiling: fc.integer({ min: 0, max: 254 }),
        order: fc.shuffledSubarray([0, 1, 2], { minLength: 2 }),
        chunkBytes: fc.integer({ min: 1, max: 5000 }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ image, ceiling, order, chunkBytes }) => {
        const plane = lumaPlane(image);
        const kinds = [
          { map: whole(image.width), ceiling: 255 },
          { map: whole(image.width, true), ceiling: 255 },
          { map: whole(image.width), ceiling },
        ];
        const chosen = order.map((i) => kinds[i]!);
        const sets = chosen.map((c) => axisTaps(c.map, image.width));
        const make = () => sets.map(() => new Float64Array(image.height * 64 + 3).fill(-7));
        const fast = make();
        const slow = make();
        const ceilings = chosen.map((c) => c.ceiling);
        expect(reduceRowsWasm(plane, sets, 0, image.height, ceilings, fast, chunkBytes)).toBe(true);
        for (const [s, set] of sets.entries())
          reduceRowsIntoJs(plane, [set], 0, image.height, ceilings[s]!, [slow[s]!]);
        for (let s = 0; s < sets.length; s++)
          expect(new Uint8Array(fast[s]!.buffer)).toEqual(new Uint8Array(slow[s]!.buffer));
      }),
      { numRuns: 30 },
    );
  });

  it('the WebAssembly kernel makes the same blocks and DCTs as the JS, bit for bit', () => {
    const cases = images.chain((image) =>
      fc.record({
        image: fc.constant(image),
        reversed: fc.boolean(),
        cut: fc.tuple(fc.nat(image.height - 1), fc.nat(image.height - 1)),
        transposed: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(cases, ({ image, reversed, cut, transposed }) => {
        const plane = lumaPlane(image);
        const columns = axisTaps(whole(image.width, reversed), image.width);
        const from = Math.min(...cut);
        const length = Math.max(...cut) - from + 1;
        const rows = axisTaps({ kind: 'crop', from, length, reversed }, image.height);
        const reduced = reduceRows(plane, columns, 0, image.height);
        const fast = new Float64Array(4096).fill(3);
        expect(blockWasm(reduced, 0, rows, fast)).toBe(true);
        const slow = blockOfJs(reduced, 0, rows, new Float64Array(4096));
        expect(new Uint8Array(fast.buffer)).toEqual(new Uint8Array(slow.buffer));
        const dct = dctWasm(slow, DCT_MATRIX);
        const expected = blockDctJs(slow, false);
        expect(new Uint8Array(dct!.buffer)).toEqual(new Uint8Array(expected.buffer));
        // And through blockOf / hashOfBlock, transposed or not.
        expect(hashOfBlock(blockOf(reduced, 0, rows), transposed).dct).toEqual(blockDctJs(slow, transposed));
      }),
      { numRuns: 40 },
    );
  });

  it("the WebAssembly kernel shrinks the plane to derotate's grey copy as the JS does", () => {
    fc.assert(
      fc.property(images, fc.integer({ min: 1, max: 40 }), fc.nat(20000), (image, factor, chunkBytes) => {
        const plane = lumaPlane(image);
        const expected = greyImageJs(plane, factor);
        expect(greyWasm(plane, factor, chunkBytes)).toEqual(expected);
        expect(greyImage(plane, factor)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('the committed kernel is the assembled plane.wat', () => {
    const out = execFileSync(process.execPath, ['scripts/build-plane-wasm.mjs', '--check'], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/matches/);
  });

  it('keeps luma to 1/256 of a level and counts whole levels', () => {
    const plane = lumaPlane({
      width: 2,
      height: 1,
      channels: 3,
      data: Uint8Array.from([255, 255, 255, 10, 20, 30]),
    });
    expect(plane.data[0]).toBe(255 * LUMA_SCALE);
    expect(plane.data[1]! / LUMA_SCALE).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 2);
    expect(plane.histogram[255]).toBe(1);
    expect(plane.histogram[18]).toBe(1);
  });

  it('gives every image its own hashes when several are worked on in turn (pooled buffers)', () => {
    fc.assert(
      fc.property(images, images, (a, b) => {
        const families = ['dihedral', 'bands', 'tones', 'trim', 'fill', 'crops'] as const;
        const alone = (image: PixelImage) => families.map((f) => new ImageVariants(image).get(f));
        const [first, second] = [new ImageVariants(a), new ImageVariants(b)];
        // Interleaved: each family of a, then of b, so b takes the buffers a was using.
        const interleaved = families.map((f) => [first.get(f), second.get(f)] as const);
        expect(interleaved.map(([x]) => x)).toEqual(alone(a));
        expect(interleaved.map(([, y]) => y)).toEqual(alone(b));
      }),
      { numRuns: 10 },
    );
  });
});

describe('ImageVariants.expect', () => {
  it('changes no hash, whatever is expected and in whatever order families are asked for', () => {
    const families = ['tones', 'dihedral', 'bands', 'crops'] as const;
    fc.assert(
      fc.property(
        images,
        fc.subarray([...families]),
        fc.shuffledSubarray([...families], { minLength: 1 }),
        (image, expected, order) => {
          const variants = new ImageVariants(image).expect(expected);
          for (const f of order) expect(variants.get(f)).toEqual(new ImageVariants(image).get(f));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('makes the tones hash the view of the whole plane with its highlights flattened', () => {
    fc.assert(
      fc.property(images, fc.boolean(), (image, first) => {
        const variants = new ImageVariants(image).expect(['dihedral', 'tones']);
        if (!first) variants.get('dihedral'); // made with the turned views' rows, or alone
        const [tones] = variants.get('tones');
        const plane = lumaPlane(image);
        const level = flattenLevel(plane.histogram, image.width * image.height, TONES_FLATTENED);
        const definition = viewHash(plane, whole(image.width), whole(image.height), level);
        expect(tones!.hash.bytes).toEqual(definition.hash.bytes);
      }),
      { numRuns: 20 },
    );
  });
});

describe('pixel shortcuts', () => {
  it('shrinkBy averages whole blocks (partial ones at the far edges), alpha dropped', () => {
    fc.assert(
      fc.property(images, fc.integer({ min: 1, max: 9 }), (image, factor) => {
        const small = shrinkBy(image, factor);
        const colours = image.channels >= 3 ? 3 : 1;
        expect(small.width).toBe(Math.ceil(image.width / factor));
        expect(small.height).toBe(Math.ceil(image.height / factor));
        if (factor === 1) {
          expect(small).toBe(image);
          return;
        }
        for (let oy = 0; oy < small.height; oy++) {
          for (let ox = 0; ox < small.width; ox++) {
            for (let c = 0; c < colours; c++) {
              let sum = 0;
              let n = 0;
              for (let y = oy * factor; y < Math.min(image.height, (oy + 1) * factor); y++) {
                for (let x = ox * factor; x < Math.min(image.width, (ox + 1) * factor); x++, n++) {
                  sum += image.data[(y * image.width + x) * image.channels + c]!;
                }
              }
              expect(small.data[(oy * small.width + ox) * colours + c]).toBe(Math.round(sum / n));
            }
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('turns a grey image as it turns the same picture in colour (within a level)', () => {
    fc.assert(
      fc.property(images, fc.double({ min: -8, max: 8, noNaN: true }), (image, degrees) => {
        const grey = shrinkBy(
          { ...image, channels: 1, data: image.data.filter((_, i) => i % image.channels === 0) },
          1,
        );
        const rgb: PixelImage = {
          width: grey.width,
          height: grey.height,
          channels: 3,
          data: Uint8Array.from({ length: grey.data.length * 3 }, (_, i) => grey.data[Math.floor(i / 3)]!),
        };
        const w = Math.max(1, grey.width - 3);
        const h = Math.max(1, grey.height - 2);
        const fast = rotateWindow(grey, degrees, w, h, 128);
        const slow = rotateWindow(rgb, degrees, w, h, 128);
        for (let p = 0; p < w * h; p++)
          expect(Math.abs(fast.data[p]! - slow.data[p * 3]!)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40 },
    );
  });
});
