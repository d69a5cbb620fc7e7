import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAt, LevelDescriber } from '../../src/features/descriptor.js';
import { FAST_CIRCLE, fastScoreAt, fastScores, localMaxima } from '../../src/features/fast.js';
import { type GreyPlane, lumaPlane, shrinkGrey } from '../../src/features/grey.js';
import { boxSmooth } from '../../src/features/pyramid.js';
import { spreadStrongest } from '../../src/features/spread.js';

/** A random grey plane: blocks of random levels, so corners and flat runs both occur. */
const planeArb = (minSide: number, maxSide: number) =>
  fc
    .record({
      width: fc.integer({ min: minSide, max: maxSide }),
      height: fc.integer({ min: minSide, max: maxSide }),
      block: fc.integer({ min: 1, max: 6 }),
      seed: fc.integer(),
    })
    .map(({ width, height, block, seed }): GreyPlane => {
      let s = seed >>> 0;
      const next = () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 2 ** 32;
      };
      const cells = new Map<number, number>();
      const data = new Float32Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const key = Math.floor(y / block) * 1000 + Math.floor(x / block);
          if (!cells.has(key)) cells.set(key, Math.floor(next() * 256));
          data[y * width + x] = cells.get(key)!;
        }
      }
      return { width, height, data };
    });

describe('FAST', () => {
  it('the circle is 16 distinct pixels at distance 3 (rounded)', () => {
    expect(new Set(FAST_CIRCLE.map(([x, y]) => `${x},${y}`)).size).toBe(16);
    for (const [x, y] of FAST_CIRCLE) expect(Math.round(Math.hypot(x, y))).toBe(3);
  });

  it('the fast scores equal the segment test written out, pixel by pixel', () => {
    fc.assert(
      fc.property(
        planeArb(8, 40),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 3, max: 5 }),
        (plane, t, border) => {
          const fast = fastScores(plane, t, border);
          for (let y = 0; y < plane.height; y++) {
            for (let x = 0; x < plane.width; x++) {
              const inside =
                x >= border && y >= border && x < plane.width - border && y < plane.height - border;
              const expected = inside ? fastScoreAt(plane, x, y, t) : 0;
              expect(fast[y * plane.width + x]).toBeCloseTo(expected, 3);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('local maxima are the corners no neighbour beats (a plateau keeps one)', () => {
    fc.assert(
      fc.property(planeArb(8, 30), (plane) => {
        const scores = fastScores(plane, 10, 3);
        const { width, height } = plane;
        const kept = new Set(localMaxima(scores, width, height));
        for (let y = 1; y < height - 1; y++) {
          for (let x = 1; x < width - 1; x++) {
            const p = y * width + x;
            const s = scores[p]!;
            let beaten = s <= 0;
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const q = p + dy * width + dx;
                if (q === p) continue;
                // Earlier neighbours must not be larger; later ones not larger or equal.
                if (q < p ? scores[q]! > s : scores[q]! >= s) beaten = true;
              }
            expect(kept.has(p)).toBe(!beaten);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('grey planes', () => {
  it('shrinking averages the covered source area (fractional edges weighted)', () => {
    fc.assert(
      fc.property(
        planeArb(2, 24),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        (plane, w, h) => {
          const width = Math.min(w, plane.width);
          const height = Math.min(h, plane.height);
          const out = shrinkGrey(plane, width, height);
          const rx = plane.width / width;
          const ry = plane.height / height;
          for (let oy = 0; oy < height; oy++) {
            for (let ox = 0; ox < width; ox++) {
              let sum = 0;
              for (let y = 0; y < plane.height; y++) {
                const wy = Math.max(0, Math.min(y + 1, (oy + 1) * ry) - Math.max(y, oy * ry));
                if (wy === 0) continue;
                for (let x = 0; x < plane.width; x++) {
                  const wx = Math.max(0, Math.min(x + 1, (ox + 1) * rx) - Math.max(x, ox * rx));
                  sum += wx * wy * plane.data[y * plane.width + x]!;
                }
              }
              expect(out.data[oy * width + ox]).toBeCloseTo(sum / (rx * ry), 2);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shrinking gives exactly the two plain weighted passes (fractional grey, float32 rounding per tap)', () => {
    // The plain passes: per output column the weighted source samples summed, then per output
    // row the weighted rows added into it one tap at a time.
    const plainPasses = (plane: GreyPlane, width: number, height: number): Float32Array => {
      const weights = (from: number, to: number) =>
        Array.from({ length: to }, (_, k) => {
          const ratio = from / to;
          const a = k * ratio;
          const b = Math.min(from, (k + 1) * ratio);
          const first = Math.floor(a);
          const taps = Array.from({ length: Math.min(from - 1, Math.ceil(b) - 1) - first + 1 }, (_, i) =>
            Math.fround((Math.min(b, first + i + 1) - Math.max(a, first + i)) / (from / to)),
          );
          return { first, taps };
        });
      const cols = weights(plane.width, width);
      const rows = weights(plane.height, height);
      const mid = new Float32Array(width * plane.height);
      for (let y = 0; y < plane.height; y++) {
        cols.forEach(({ first, taps }, k) => {
          let sum = 0;
          taps.forEach((w, i) => {
            sum += w * plane.data[y * plane.width + first + i]!;
          });
          mid[y * width + k] = sum;
        });
      }
      const out = new Float32Array(width * height);
      rows.forEach(({ first, taps }, k) => {
        taps.forEach((w, i) => {
          for (let x = 0; x < width; x++) out[k * width + x]! += w * mid[(first + i) * width + x]!;
        });
      });
      return out;
    };
    fc.assert(
      fc.property(
        planeArb(1, 50),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer(),
        (plane, w, h, seed) => {
          let s = seed >>> 0;
          const data = plane.data.map((v) => {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            return v + s / 2 ** 32;
          });
          const fractional = { ...plane, data };
          const width = Math.min(w, plane.width);
          const height = Math.min(h, plane.height);
          expect([...shrinkGrey(fractional, width, height).data]).toEqual([
            ...plainPasses(fractional, width, height),
          ]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the box smoothing is the mean of the clamped box around each pixel', () => {
    fc.assert(
      fc.property(planeArb(1, 20), fc.integer({ min: 0, max: 3 }), (plane, r) => {
        const out = boxSmooth(plane, r);
        const at = (x: number, y: number) =>
          plane.data[
            Math.min(plane.height - 1, Math.max(0, y)) * plane.width +
              Math.min(plane.width - 1, Math.max(0, x))
          ]!;
        for (let y = 0; y < plane.height; y++) {
          for (let x = 0; x < plane.width; x++) {
            let sum = 0;
            for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) sum += at(x + dx, y + dy);
            expect(out.data[y * plane.width + x]).toBeCloseTo(sum / (2 * r + 1) ** 2, 2);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('the box smoothing gives exactly the running sums with every read clamped (fractional grey)', () => {
    // The plain running-sum passes, each read through a clamp: the fast path must round the same.
    const clampedPasses = (plane: GreyPlane, radius: number): Float32Array => {
      const { width, height, data } = plane;
      const cx = (x: number) => Math.min(width - 1, Math.max(0, x));
      const cy = (y: number) => Math.min(height - 1, Math.max(0, y));
      const mid = new Float32Array(width * height);
      for (let y = 0; y < height; y++) {
        let sum = 0;
        for (let i = -radius; i <= radius; i++) sum += data[y * width + cx(i)]!;
        for (let x = 0; x < width; x++) {
          mid[y * width + x] = sum;
          sum += data[y * width + cx(x + radius + 1)]! - data[y * width + cx(x - radius)]!;
        }
      }
      const out = new Float32Array(width * height);
      const acc = new Float32Array(width);
      for (let i = -radius; i <= radius; i++)
        for (let x = 0; x < width; x++) acc[x]! += mid[cy(i) * width + x]!;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          out[y * width + x] = acc[x]! * (1 / (2 * radius + 1) ** 2);
          acc[x]! += mid[cy(y + radius + 1) * width + x]! - mid[cy(y - radius) * width + x]!;
        }
      }
      return out;
    };
    fc.assert(
      fc.property(planeArb(1, 40), fc.integer({ min: 0, max: 4 }), fc.integer(), (plane, r, seed) => {
        let s = seed >>> 0;
        const data = plane.data.map((v) => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return v + s / 2 ** 32;
        });
        const fractional = { ...plane, data };
        expect([...boxSmooth(fractional, r).data]).toEqual([...clampedPasses(fractional, r)]);
      }),
      { numRuns: 150 },
    );
  });

  it('luma uses PDQ weights', () => {
    const plane = lumaPlane({
      width: 2,
      height: 1,
      channels: 3,
      data: new Uint8Array([255, 0, 0, 10, 20, 30]),
    });
    expect(plane.data[0]).toBeCloseTo(0.299 * 255, 3);
    expect(plane.data[1]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 3);
  });
});

describe('descriptors', () => {
  it('the per-level fast path equals the tests written out, at every angle, mirrored or not', () => {
    fc.assert(
      fc.property(
        planeArb(40, 60),
        fc.integer({ min: 0, max: 63 }),
        fc.boolean(),
        fc.nat(),
        (plane, bin, flip, where) => {
          const x = 16 + (where % (plane.width - 32));
          const y = 16 + ((where >>> 8) % (plane.height - 32));
          const a = new Uint32Array(8);
          const b = new Uint32Array(8);
          describeAt(plane, x, y, bin, flip, a, 0);
          new LevelDescriber(plane).describe(x, y, bin, flip, b, 0);
          expect([...b]).toEqual([...a]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * The definition spreadStrongest is checked against: candidates grouped in a map of cells, each
 * cell sorted strongest first, every candidate ranked in its cell, all sorted by (rank, -response,
 * input order).
 */
function simpleSpread<C extends { x: number; y: number; response: number }>(
  candidates: readonly C[],
  count: number,
  cell: number,
): C[] {
  if (count <= 0) return [];
  const cells = new Map<string, { c: C; order: number }[]>();
  candidates.forEach((c, order) => {
    const key = `${Math.floor(c.x / cell)},${Math.floor(c.y / cell)}`;
    cells.set(key, [...(cells.get(key) ?? []), { c, order }]);
  });
  const ranked: { c: C; order: number; rank: number }[] = [];
  for (const list of cells.values()) {
    list.sort((a, b) => b.c.response - a.c.response || a.order - b.order);
    list.forEach((e, rank) => {
      ranked.push({ ...e, rank });
    });
  }
  ranked.sort((a, b) => a.rank - b.rank || b.c.response - a.c.response || a.order - b.order);
  return ranked.slice(0, count).map((e) => e.c);
}

describe('spreading the strongest corners', () => {
  it('keeps the same candidates in the same order as the simple definition', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.integer({ min: 0, max: 199 }),
            y: fc.integer({ min: 0, max: 199 }),
            // Few distinct responses: ties are common and the input order must break them.
            response: fc.oneof(
              fc.integer({ min: 1, max: 5 }),
              fc.double({ min: 0.001, max: 1e6, noNaN: true }),
            ),
          }),
          { maxLength: 300 },
        ),
        fc.integer({ min: -2, max: 320 }),
        fc.integer({ min: 1, max: 64 }),
        (candidates, count, cell) => {
          const tagged = candidates.map((c, id) => ({ ...c, id }));
          const ids = (list: readonly { id: number }[]) => list.map((c) => c.id);
          expect(ids(spreadStrongest(tagged, count, cell))).toEqual(ids(simpleSpread(tagged, count, cell)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes every cell's best before any cell's second, strongest first within a round", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.integer({ min: 0, max: 99 }),
            y: fc.integer({ min: 0, max: 99 }),
            response: fc.integer({ min: 1, max: 50 }),
          }),
          { maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 70 }),
        (candidates, count) => {
          const kept = spreadStrongest(candidates, count, 25);
          expect(kept.length).toBe(Math.min(count, candidates.length));
          const cellOf = (c: { x: number; y: number }) => `${Math.floor(c.x / 25)},${Math.floor(c.y / 25)}`;
          // The rank of each kept candidate within its cell never decreases along the list.
          const rank = (c: (typeof candidates)[number]) =>
            candidates.filter(
              (o) =>
                cellOf(o) === cellOf(c) &&
                (o.response > c.response ||
                  (o.response === c.response && candidates.indexOf(o) < candidates.indexOf(c))),
            ).length;
          const ranks = kept.map(rank);
          for (let i = 1; i < ranks.length; i++) {
            expect(ranks[i]).toBeGreaterThanOrEqual(ranks[i - 1]!);
            if (ranks[i] === ranks[i - 1])
              expect(kept[i]!.response).toBeLessThanOrEqual(kept[i - 1]!.response);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
