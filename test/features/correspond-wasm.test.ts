import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Correspondences, correspond, correspondReference } from '../../src/features/correspond.js';
import type { LocalFeatures } from '../../src/features/extract.js';
import { descriptorDistance } from '../../src/features/hamming.js';
import {
  NEAREST_WASM_KEEP_BYTES,
  nearestWasm,
  nearestWasmAvailable,
  nearestWasmMemoryBytes,
} from '../../src/features/wasm/nearest-wasm.js';

/** Features holding just `descriptors` (correspond reads nothing else). */
function features(descriptors: Uint32Array): LocalFeatures {
  const count = descriptors.length / 8;
  return {
    width: 64,
    height: 64,
    count,
    x: new Float32Array(count),
    y: new Float32Array(count),
    level: new Uint8Array(count),
    angle: new Uint8Array(count),
    descriptors,
  };
}

/**
 * Descriptor sets where near distances and ties are frequent: each descriptor is one of a few
 * bases (or its complement: distances near 256) with at most 3 bits flipped, so exact twins,
 * equal distances and a second nearest one bit away from the nearest are all common. Counts 0, 1
 * and 2 often, up to a few hundred.
 */
const bases = fc.array(fc.uint32Array({ minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 5 });
const spec = fc.tuple(fc.nat(), fc.array(fc.nat(255), { maxLength: 3 }), fc.boolean());
const count = fc.oneof(
  fc.constantFrom(0, 1, 2, 3),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 300 }),
);
const specs = count.chain((n) => fc.array(spec, { minLength: n, maxLength: n }));

function build(from: readonly Uint32Array[], list: readonly [number, number[], boolean][]): Uint32Array {
  const out = new Uint32Array(list.length * 8);
  list.forEach(([b, flips, invert], i) => {
    const base = from[b % from.length]!;
    for (let w = 0; w < 8; w++) out[i * 8 + w] = invert ? ~base[w]! : base[w]!;
    for (const bit of flips) out[i * 8 + (bit >> 5)]! ^= 1 << (bit & 31);
  });
  return out;
}

/** The search by its definition: strict comparisons, the first known index at the best wins. */
function nearestByDefinition(q: Uint32Array, k: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.length / 8; i++) {
    let best = 257;
    let second = 257;
    let at = -1;
    for (let j = 0; j < k.length / 8; j++) {
      const d = descriptorDistance(q, i, k, j);
      if (d < best) {
        second = best;
        best = d;
        at = j;
      } else if (d < second) second = d;
    }
    out.push(best, second, at);
  }
  return out;
}

const plain = (c: Correspondences) => ({
  count: c.count,
  query: [...c.query],
  known: [...c.known],
  distance: [...c.distance],
});

describe('correspond in WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the committed nearest-bytes.ts is a fresh build of nearest.wat', () => {
    const script = fileURLToPath(new URL('../../scripts/build-features-wasm.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(
      /matches nearest\.wat/,
    );
  });

  it('runs here (so the comparisons below are of the kernel, not of the JS with itself)', () => {
    expect(nearestWasmAvailable()).toBe(true);
    expect(nearestWasm(new Uint32Array(8), 1, new Uint32Array(8), 1)).not.toBeNull();
  });

  it('gives the same best, second and index as the definition, ties and all', () => {
    fc.assert(
      fc.property(bases, specs, specs, (from, qs, ks) => {
        const q = build(from, qs);
        const k = build(from, ks);
        expect([...nearestWasm(q, qs.length, k, ks.length)!]).toEqual(nearestByDefinition(q, k));
      }),
      { numRuns: 300 },
    );
  });

  it('gives exactly the correspondences of the JS definition', () => {
    const maxDistance = fc.oneof(fc.constantFrom(0, 1, 3, 64, 256), fc.integer({ min: 0, max: 256 }));
    // Ratios where best = ratio * second is common (0.5, 0.75, 1) as well as any.
    const ratio = fc.oneof(fc.constantFrom(0.5, 0.75, 0.8, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    fc.assert(
      fc.property(bases, specs, specs, maxDistance, ratio, (from, qs, ks, max, r) => {
        const query = features(build(from, qs));
        const known = features(build(from, ks));
        const options = { maxDistance: max, ratio: r };
        expect(plain(correspond(query, known, options))).toEqual(
          plain(correspondReference(query, known, options)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads descriptors from views into larger buffers, and only the counted ones', () => {
    const words = new Uint32Array(40 * 8).map((_, i) => Math.imul(i + 1, 2654435761) >>> 0);
    const q = words.subarray(8 * 3, 8 * 13); // 10 descriptors at an offset
    const k = words.subarray(8 * 20); // 20 descriptors, of which 12 are counted
    const got = nearestWasm(q, 10, k, 12)!;
    expect([...got]).toEqual(nearestByDefinition(q, k.subarray(0, 12 * 8)));
  });

  it('grows its memory for a large known set, and gives back what is past the bound after the call', () => {
    const known = new Uint32Array(NEAREST_WASM_KEEP_BYTES / 4 + 8000).map(
      (_, i) => Math.imul(i + 7, 2246822519) >>> 0,
    );
    const kn = known.length / 8;
    known.set(known.subarray(0, 8), (kn - 1) * 8); // a tie with the first, at the very end
    const query = known.slice(0, 16);
    query[3] = query[3]! ^ (1 << 9);
    const options = { maxDistance: 256, ratio: 1 };
    // A few hundred kilobytes: grown, and kept for the next call.
    const medium = features(known.slice(0, 4000 * 8));
    const many = features(known.slice(8 * 1000, 8 * 1700).map((w, i) => (i % 97 === 0 ? w ^ 0x10 : w)));
    expect(plain(correspond(many, medium, options))).toEqual(
      plain(correspondReference(many, medium, options)),
    );
    expect(nearestWasmMemoryBytes()).toBeGreaterThan(65536);
    expect(nearestWasmMemoryBytes()).toBeLessThanOrEqual(NEAREST_WASM_KEEP_BYTES);
    const big = features(known);
    expect(plain(correspond(features(query), big, options))).toEqual(
      plain(correspondReference(features(query), big, options)),
    );
    expect(nearestWasmMemoryBytes()).toBe(0); // the grown instance was dropped
    // The next call starts from a small memory and still gives the same answers.
    const small = features(known.slice(0, 64 * 8));
    expect(plain(correspond(features(query), small, options))).toEqual(
      plain(correspondReference(features(query), small, options)),
    );
    expect(nearestWasmMemoryBytes()).toBeLessThanOrEqual(65536);
  });

  it('falls back to the JS definition where WebAssembly is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/features/correspond.js');
    const wasm = await import('../../src/features/wasm/nearest-wasm.js');
    expect(wasm.nearestWasmAvailable()).toBe(false);
    const query = features(new Uint32Array(8 * 5).map((_, i) => i * 977));
    const known = features(new Uint32Array(8 * 7).map((_, i) => i * 1013));
    const options = { maxDistance: 256, ratio: 1 };
    expect(plain(fresh.correspond(query, known, options))).toEqual(
      plain(correspondReference(query, known, options)),
    );
  });
});
