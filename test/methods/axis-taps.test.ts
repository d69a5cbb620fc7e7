import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AxisMap, axisTaps, type Taps } from '../../src/matching/methods/pdq-views.js';

// ---- the first definition of axisTaps, kept as the oracle: every tap made from scratch ----

interface Tap {
  readonly start: number;
  readonly weights: Float64Array;
}

function boxWindow(length: number): number {
  return Math.floor((length + 127) / 128);
}

function axisTapsDefinition(map: AxisMap, planeLength: number): Taps {
  const n = map.length;
  const window = boxWindow(n);
  const half = Math.floor((window + 2) / 2);
  const lo = (o: number) => Math.max(0, o - window + half);
  const hi = (o: number) => Math.min(n - 1, o + half - 1);
  const taps: Tap[] = [];
  for (let j = 0; j < 64; j++) {
    const s = Math.trunc(((j + 0.5) * n) / 64);
    const lo1 = lo(s);
    const hi1 = hi(s);
    const vLo = lo(lo1);
    const view = new Float64Array(hi(hi1) - vLo + 1);
    for (let o = lo1; o <= hi1; o++) {
      const lo2 = lo(o);
      const hi2 = hi(o);
      const w = 1 / (hi1 - lo1 + 1) / (hi2 - lo2 + 1);
      for (let p = lo2; p <= hi2; p++) view[p - vLo]! += w;
    }
    taps.push(toPlane(map, view, vLo, planeLength));
  }
  return map.kind === 'crop' && map.from === 0 && n === planeLength
    ? withTents(flatten(taps), map, n)
    : flatten(taps);
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

function clip(tap: Tap, planeLength: number): Tap {
  const start = Math.max(0, tap.start);
  const end = Math.min(planeLength, tap.start + tap.weights.length);
  if (start === tap.start && end === tap.start + tap.weights.length) return tap;
  return { start, weights: tap.weights.slice(start - tap.start, end - tap.start) };
}

const bytes = (t: Taps) =>
  [
    t.starts,
    t.lengths,
    t.offsets,
    t.weights,
    t.tents ?? new Int32Array(0),
    new Float64Array([t.tentScale ?? 0]),
  ].map((a) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));

describe('axisTaps', () => {
  it('makes the same doubles as the first definition (every tap from scratch), for every kind of axis', () => {
    const lengths = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 6000 }));
    const maps = lengths.chain((planeLength) =>
      fc.record({
        planeLength: fc.constant(planeLength),
        map: fc.oneof(
          fc.boolean().map((reversed): AxisMap => ({ kind: 'crop', from: 0, length: planeLength, reversed })),
          fc.tuple(fc.nat(planeLength - 1), fc.integer({ min: 1, max: planeLength }), fc.boolean()).map(
            ([from, n, reversed]): AxisMap => ({
              kind: 'crop',
              from: Math.min(from, planeLength - n),
              length: n,
              reversed,
            }),
          ),
          fc
            .tuple(
              fc.double({ min: 0, max: 0.4, noNaN: true }),
              fc.double({ min: 0.3, max: 0.6, noNaN: true }),
              fc.boolean(),
            )
            .map(
              ([from, span, reversed]): AxisMap => ({
                kind: 'window',
                from: from * planeLength,
                span: span * planeLength,
                length: Math.max(1, Math.round(span * planeLength * 0.9)),
                reversed,
              }),
            ),
          fc.tuple(fc.nat(planeLength - 1), fc.nat(planeLength - 1)).map(
            ([a, b]): AxisMap => ({
              kind: 'clamp',
              from: Math.min(a, b),
              to: Math.max(a, b),
              length: planeLength,
            }),
          ),
        ),
      }),
    );
    fc.assert(
      fc.property(maps, ({ map, planeLength }) => {
        expect(bytes(axisTaps(map, planeLength))).toEqual(bytes(axisTapsDefinition(map, planeLength)));
      }),
      { numRuns: 300 },
    );
  });
});
