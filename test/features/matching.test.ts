import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import type { Correspondences } from '../../src/features/correspond.js';
import { correspond, correspondReference } from '../../src/features/correspond.js';
import {
  decodeFeatureIndex,
  encodeFeatureIndex,
  encodeFeatureIndexChunks,
  FEATURES_HEADER_BYTES,
  planFeatureIndexDecode,
} from '../../src/features/encode.js';
import type { LocalFeatures } from '../../src/features/extract.js';
import { keyBitsFor, LocalFeatureIndex } from '../../src/features/feature-index.js';
import { descriptorDistance } from '../../src/features/hamming.js';
import {
  applySimilarity,
  fitSimilarity,
  similarityFromPair,
  VERIFY_DEFAULTS,
  verifySimilarity,
} from '../../src/features/ransac.js';

/** A seeded generator of 32-bit words. */
function words(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** Features with random descriptors and positions (no geometry meant). */
function randomFeatures(count: number, seed: number, width = 300, height = 200): LocalFeatures {
  const next = words(seed);
  const descriptors = new Uint32Array(count * 8);
  for (let i = 0; i < descriptors.length; i++) descriptors[i] = next();
  return {
    width,
    height,
    count,
    x: Float32Array.from({ length: count }, () => Math.round(((next() % (width * 16)) / 16) * 16) / 16),
    y: Float32Array.from({ length: count }, () => Math.round(((next() % (height * 16)) / 16) * 16) / 16),
    level: Uint8Array.from({ length: count }, () => next() % 4),
    angle: Uint8Array.from({ length: count }, () => next() % 64),
    descriptors,
  };
}

/** Descriptor `i` of `f` with `flips` distinct bits flipped (chosen by `seed`). */
function nearCopy(f: LocalFeatures, i: number, flips: number, seed: number): Uint32Array {
  const out = f.descriptors.slice(i * 8, i * 8 + 8);
  const next = words(seed);
  const done = new Set<number>();
  while (done.size < flips) {
    const b = next() % 256;
    if (done.has(b)) continue;
    done.add(b);
    out[b >>> 5]! ^= 1 << (b & 31);
  }
  return out;
}

/** Set bits of a key, one by one. */
function popcount(key: number): number {
  let bits = 0;
  for (let k = key >>> 0; k; k >>>= 1) bits += k & 1;
  return bits;
}

describe('the descriptor index', () => {
  it('key extraction equals reading the bits one by one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        (keyBits, t0, seed) => {
          const tables = Math.min(t0, Math.floor(256 / keyBits));
          const index = new LocalFeatureIndex({ keyBits, tables });
          const f = randomFeatures(3, seed);
          for (let t = 0; t < tables; t++) {
            const first = t * Math.floor(256 / tables);
            let expected = 0;
            for (let b = 0; b < keyBits; b++) {
              const bit = first + b;
              if ((f.descriptors[8 + (bit >>> 5)]! >>> (bit & 31)) & 1) expected += 2 ** b;
            }
            expect(index.keyOf(f.descriptors, 1, t)).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds every stored descriptor within its guaranteed radius, as brute force does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 24 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0 as const, 1 as const),
        fc.integer(),
        (keyBits, t0, probeRadius, seed) => {
          const tables = Math.min(t0, Math.floor(256 / keyBits));
          const index = new LocalFeatureIndex<number>({ keyBits, tables, probeRadius });
          const stored = [randomFeatures(40, seed), randomFeatures(25, seed + 1)];
          stored.forEach((f, j) => {
            index.add(f, j);
          });
          const radius = tables * (probeRadius + 1) - 1;
          // Queries: near copies of stored descriptors at distances up to the radius, and random ones.
          const queries = new Uint32Array(30 * 8);
          for (let q = 0; q < 30; q++) {
            const source = stored[q % 2]!;
            queries.set(nearCopy(source, q % source.count, q % (radius + 1), seed + q), q * 8);
          }
          const all = stored.flatMap((f) => Array.from({ length: f.count }, (_, i) => ({ f, i })));
          for (let q = 0; q < 30; q++) {
            const found = new Map<number, number>();
            index.neighbours(queries, q, radius, (id, d) => {
              expect(found.has(id)).toBe(false);
              found.set(id, d);
            });
            const expected = new Map<number, number>();
            all.forEach(({ f, i }, id) => {
              const d = descriptorDistance(queries, q, f.descriptors, i);
              if (d <= radius) expected.set(id, d);
            });
            expect([...found].sort((a, b) => a[0] - b[0])).toEqual([...expected].sort((a, b) => a[0] - b[0]));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with a bound on buckets, finds exactly the descriptors that share a key in a bucket within it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 24 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0 as const, 1 as const),
        fc.integer({ min: 0, max: 12 }),
        fc.integer(),
        (keyBits, t0, probeRadius, maxBucket, seed) => {
          const tables = Math.min(t0, Math.floor(256 / keyBits));
          const index = new LocalFeatureIndex<number>({ keyBits, tables, probeRadius });
          // Random corners, and near copies of a few of them: the popular keys a bound passes over.
          const spread = randomFeatures(40, seed);
          const popular = randomFeatures(30, seed + 1);
          for (let i = 0; i < popular.count; i++) {
            popular.descriptors.set(nearCopy(spread, i % 3, i % 4, seed + i), i * 8);
          }
          const stored = [spread, popular];
          stored.forEach((f, j) => {
            index.add(f, j);
          });
          const all = stored.flatMap((f) => Array.from({ length: f.count }, (_, i) => ({ f, i })));
          // The definition: the directory's buckets as build() cuts them, each counted from scratch.
          const n = all.length;
          const directoryBits = Math.min(keyBits, Math.max(4, Math.floor(Math.log2(n)) - 1));
          const low = (key: number) => key % 2 ** directoryBits;
          const bucketSize = (t: number, key: number) =>
            all.filter(({ f, i }) => low(index.keyOf(f.descriptors, i, t)) === low(key)).length;
          const queries = new Uint32Array(20 * 8);
          for (let q = 0; q < 20; q++)
            queries.set(nearCopy(q % 2 ? popular : spread, q % 5, q % 6, seed - q), q * 8);
          for (let q = 0; q < 20; q++) {
            const found: number[] = [];
            index.neighbours(queries, q, 256, (id) => found.push(id), maxBucket);
            const expected: number[] = [];
            all.forEach(({ f, i }, id) => {
              for (let t = 0; t < tables; t++) {
                const mine = index.keyOf(queries, q, t);
                const theirs = index.keyOf(f.descriptors, i, t);
                const apart = popcount(mine ^ theirs);
                const probe = apart === 0 ? mine : theirs;
                if (apart <= probeRadius && bucketSize(t, probe) <= maxBucket) {
                  expected.push(id);
                  return;
                }
              }
            });
            expect(found.sort((a, b) => a - b)).toEqual(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('bounds buckets by default at four times the mean bucket, at least 8', () => {
    const tiny = new LocalFeatureIndex<number>();
    tiny.add(randomFeatures(20, 5), 0);
    expect(tiny.defaultMaxBucket).toBe(8); // 16 buckets: 4 x 1.25 is under the floor
    const small = new LocalFeatureIndex<number>();
    small.add(randomFeatures(100, 5), 0);
    expect(small.defaultMaxBucket).toBe(13); // 32 buckets: 4 x 3.125, rounded up
    // Keys of 4 bits: the directory cannot grow past 16 buckets, so they fill as the list grows.
    const narrow = new LocalFeatureIndex<number>({ keyBits: 4 });
    narrow.add(randomFeatures(800, 6), 0);
    expect(narrow.defaultMaxBucket).toBe(Math.ceil((4 * 800) / 16));
  });

  it('probes 8 tables at their keys only by default, asks 2 votes of them, and a file keeps what it was built with', () => {
    const index = new LocalFeatureIndex<number>();
    expect([index.tables, index.probeRadius, index.defaultMinVotes]).toEqual([8, 0, 2]);
    // An index (or a file written before these defaults) probing one bit away asks 4 votes.
    const older = new LocalFeatureIndex<number>({ tables: 4, probeRadius: 1 });
    expect(older.defaultMinVotes).toBe(4);
    older.add(randomFeatures(40, 3), 0);
    const again = decodeFeatureIndex<number>(encodeFeatureIndex(older));
    expect([again.tables, again.probeRadius, again.defaultMinVotes]).toEqual([4, 1, 4]);
    // The default is what match uses: an image with 3 votes is verified (and reported) under
    // the keys-only index's 2 and not under 4.
    const known = randomFeatures(60, 11);
    const probe = (options: { minVotes?: number }) => {
      const keysOnly = new LocalFeatureIndex<number>();
      keysOnly.add(known, 0);
      // Three of the known descriptors, unchanged: 3 votes for image 0 (one per descriptor).
      const three: LocalFeatures = { ...known, count: 3 };
      return keysOnly.match([three], options).length;
    };
    expect(probe({})).toBe(1);
    expect(probe({ minVotes: 4 })).toBe(0);
  });

  it("chooses key bits from the list's size: 24, then one more per doubling past 2^26 descriptors", () => {
    expect(keyBitsFor(0, 4)).toBe(24);
    expect(keyBitsFor(1000, 4)).toBe(24);
    expect(keyBitsFor(2 ** 26 - 1, 4)).toBe(24);
    expect(keyBitsFor(2 ** 26, 4)).toBe(25);
    expect(keyBitsFor(256_000_000, 4)).toBe(26); // a million images of 256 features
    expect(keyBitsFor(2 ** 28, 4)).toBe(27);
    expect(keyBitsFor(2 ** 40, 4)).toBe(30);
    expect(keyBitsFor(2 ** 28, 10)).toBe(25); // ten tables leave 25 bits each
    const index = new LocalFeatureIndex<number>();
    index.add(randomFeatures(50, 9), 0);
    expect(index.parts().keyBits).toBe(24);
    expect(new LocalFeatureIndex({ keyBits: 'auto' }).keyBits).toBe(24);
    expect(() => new LocalFeatureIndex({ keyBits: 31 })).toThrow(ImprintError);
  });

  it('votes as the simple definition does: each descriptor once per image it found a neighbour in', () => {
    // The definition: a set of images per descriptor, counts in a map, then threshold and order.
    const simpleVote = (
      index: LocalFeatureIndex<number>,
      query: LocalFeatures,
      distance: number,
      min: number,
      bound: number,
    ) => {
      const votes = new Map<number, number>();
      for (let i = 0; i < query.count; i++) {
        const images = new Set<number>();
        index.neighbours(query.descriptors, i, distance, (id) => images.add(index.imageOf(id)), bound);
        for (const image of images) votes.set(image, (votes.get(image) ?? 0) + 1);
      }
      return [...votes]
        .filter(([, v]) => v >= min)
        .map(([image, votes]) => ({ image, votes }))
        .sort((a, b) => b.votes - a.votes || a.image - b.image);
    };
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 12 }),
        (seed, images, distance, min, cap) => {
          const bound = cap === 12 ? Number.POSITIVE_INFINITY : cap;
          const index = new LocalFeatureIndex<number>({ keyBits: 8, tables: 4 });
          const stored = Array.from({ length: images }, (_, j) =>
            randomFeatures(5 + ((seed + j) & 15), seed + j),
          );
          stored.forEach((f, j) => {
            // Near twins within an image: a descriptor finding both votes for it once.
            f.descriptors.set(nearCopy(f, 0, j % 8, seed ^ j), 8);
            index.add(f, j);
          });
          // Near copies of stored descriptors, and random ones.
          const query = randomFeatures(40, seed - 1);
          for (let q = 0; q < 30; q++) {
            const source = stored[(q * 7) % images]!;
            query.descriptors.set(nearCopy(source, q % source.count, q % 20, seed + q), q * 8);
          }
          // Twice: the counters must start from zero again.
          for (let r = 0; r < 2; r++)
            expect(index.vote(query, distance, min, bound)).toEqual(
              simpleVote(index, query, distance, min, bound),
            );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('maps every stored descriptor back to its image', () => {
    const index = new LocalFeatureIndex<string>();
    const sizes = [3, 0, 5, 1];
    sizes.forEach((n, j) => {
      index.add(randomFeatures(n, j + 1), `image ${j}`);
    });
    let id = 0;
    sizes.forEach((n, j) => {
      for (let k = 0; k < n; k++) expect(index.imageOf(id++)).toBe(j);
    });
  });

  it('survives its file format unchanged, and refuses a damaged or foreign file', () => {
    const index = new LocalFeatureIndex<{ name: string }>();
    index.add(randomFeatures(30, 7), { name: 'a.jpg' });
    index.add(randomFeatures(0, 8), { name: 'empty.png' });
    index.add(randomFeatures(12, 9), { name: 'b.jpg' });
    const bytes = encodeFeatureIndex(index);
    const again = decodeFeatureIndex<{ name: string }>(bytes);
    expect(again.size).toBe(3);
    expect(again.descriptorCount).toBe(42);
    for (let j = 0; j < 3; j++) {
      expect(again.metadataOf(j)).toEqual(index.metadataOf(j));
      expect(again.featuresOf(j)).toEqual(index.featuresOf(j));
    }
    const code = (b: Uint8Array) => {
      try {
        decodeFeatureIndex(b);
        return 'none';
      } catch (err) {
        return err instanceof ImprintError ? err.code : 'other';
      }
    };
    const damaged = bytes.slice();
    damaged[200]! ^= 1;
    expect(code(damaged)).toBe('ERR_INDEX_CORRUPT');
    expect(code(bytes.subarray(0, bytes.length - 8))).toBe('ERR_INDEX_CORRUPT');
    expect(code(bytes.subarray(0, 30))).toBe('ERR_INDEX_CORRUPT');
    const other = bytes.slice();
    other[10] = 99; // another extraction version (header checksum fixed up below)
    const view = new DataView(other.buffer);
    view.setUint32(60, crcOf(other.subarray(0, 60)), true);
    expect(code(other)).toBe('ERR_INDEX_DERIVATION');
  });

  it('writes and reads a file in pieces of any size, the same bytes and the same index', () => {
    // A million images' descriptors are 8 GB, more than one byte view can cover: files are
    // written and read in pieces of at most 1 GiB. Small pieces here exercise the same splits.
    const index = new LocalFeatureIndex<string>();
    index.add(randomFeatures(21, 3), 'a');
    index.add(randomFeatures(0, 4), 'b');
    index.add(randomFeatures(9, 5), 'c');
    const whole = encodeFeatureIndex(index);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (writePiece, readPiece) => {
          const chunks = encodeFeatureIndexChunks(index, undefined, writePiece);
          expect(chunks.slice(1).every((c) => c.length <= Math.max(writePiece, 7))).toBe(true); // or padding
          expect(Buffer.concat(chunks).equals(Buffer.from(whole))).toBe(true);
          const plan = planFeatureIndexDecode<string>(
            whole.subarray(0, FEATURES_HEADER_BYTES),
            whole.length,
            {
              maxPiece: readPiece,
            },
          );
          for (const piece of plan.pieces) {
            expect(piece.bytes.length).toBeLessThanOrEqual(Math.max(readPiece, 7));
            piece.bytes.set(whole.subarray(piece.start, piece.start + piece.bytes.length));
          }
          const again = plan.finish();
          for (let j = 0; j < 3; j++) expect(again.featuresOf(j)).toEqual(index.featuresOf(j));
        },
      ),
      { numRuns: 60 },
    );
  });
});

function crcOf(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('similarity fits', () => {
  const model = fc.record({
    scale: fc.double({ min: 0.2, max: 5, noNaN: true }),
    angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
    tx: fc.double({ min: -200, max: 200, noNaN: true }),
    ty: fc.double({ min: -200, max: 200, noNaN: true }),
  });
  const toSim = (m: { scale: number; angle: number; tx: number; ty: number }) => ({
    a: m.scale * Math.cos(m.angle),
    b: m.scale * Math.sin(m.angle),
    tx: m.tx,
    ty: m.ty,
  });

  it('two pairs give the similarity exactly; least squares recovers it from many', () => {
    fc.assert(
      fc.property(
        model,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 300 })), {
          minLength: 2,
          maxLength: 30,
        }),
        (m, points) => {
          const sim = toSim(m);
          const distinct = points.filter(
            (p, i) => points.findIndex((o) => o[0] === p[0] && o[1] === p[1]) === i,
          );
          fc.pre(distinct.length >= 2);
          const mapped = distinct.map(([x, y]) => applySimilarity(sim, x, y));
          const [p, q] = [distinct[0]!, distinct[1]!];
          const two = similarityFromPair(
            p[0],
            p[1],
            q[0],
            q[1],
            mapped[0]![0],
            mapped[0]![1],
            mapped[1]![0],
            mapped[1]![1],
          )!;
          const all = fitSimilarity(
            distinct.map((d) => d[0]),
            distinct.map((d) => d[1]),
            mapped.map((d) => d[0]),
            mapped.map((d) => d[1]),
          )!;
          for (const fit of [two, all]) {
            for (const key of ['a', 'b', 'tx', 'ty'] as const) expect(fit[key]).toBeCloseTo(sim[key], 4);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('RANSAC finds the map of the true correspondences among outliers, and counts exactly them', () => {
    fc.assert(
      fc.property(
        model,
        fc.integer({ min: 12, max: 60 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer(),
        (m, inliers, outliers, seed) => {
          const scale = Math.min(3, Math.max(0.4, m.scale));
          const sim = toSim({ ...m, scale });
          const next = words(seed);
          const n = inliers + outliers;
          const levelShift = Math.round(Math.log(scale) / Math.log(2 ** (1 / 3)));
          const turn = Math.round((m.angle * 64) / (2 * Math.PI));
          const q: LocalFeatures = { ...randomFeatures(n, seed, 400, 300) };
          const kx = new Float32Array(n);
          const ky = new Float32Array(n);
          const klevel = new Uint8Array(n);
          const kangle = new Uint8Array(n);
          for (let i = 0; i < n; i++) {
            if (i < inliers) {
              // True pairs: spread positions, mapped exactly; orientation and level consistent.
              (q.x as Float32Array)[i] = 20 + ((i * 37) % 360);
              (q.y as Float32Array)[i] = 20 + ((i * 53) % 260);
              const [x, y] = applySimilarity(
                {
                  ...sim,
                  a: Math.cos((turn * 2 * Math.PI) / 64) * scale,
                  b: Math.sin((turn * 2 * Math.PI) / 64) * scale,
                },
                q.x[i]!,
                q.y[i]!,
              );
              kx[i] = x;
              ky[i] = y;
              (q.level as Uint8Array)[i] = 3;
              klevel[i] = Math.max(0, 3 + levelShift);
              kangle[i] = (q.angle[i]! + turn + 64) % 64;
            } else {
              // Outliers: anywhere, any orientation.
              kx[i] = (next() % 8000) / 10 - 200;
              ky[i] = (next() % 8000) / 10 - 200;
              klevel[i] = next() % 6;
              kangle[i] = next() % 64;
            }
          }
          const known: LocalFeatures = {
            width: 800,
            height: 800,
            count: n,
            x: kx,
            y: ky,
            level: klevel,
            angle: kangle,
            descriptors: new Uint32Array(n * 8),
          };
          // Correspondences i -> i, true ones first (the closest by descriptor distance).
          const pairs: Correspondences = {
            count: n,
            query: Int32Array.from({ length: n }, (_, i) => i),
            known: Int32Array.from({ length: n }, (_, i) => i),
            distance: Int32Array.from({ length: n }, (_, i) => (i < inliers ? 10 : 40)),
          };
          const result = verifySimilarity(pairs, q, known, { ...VERIFY_DEFAULTS, maxScale: 8 });
          expect(result.inliers).toBeGreaterThanOrEqual(inliers);
          for (let i = 0; i < inliers; i++) expect(result.inlier[i]).toBe(1);
          // A chance outlier may land within the tolerance; never many.
          expect(result.inliers).toBeLessThanOrEqual(inliers + Math.ceil(outliers / 10));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('correspondences', () => {
  it("keep each query descriptor's nearest known one when it passes the distance and ratio tests", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 256 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (seed, maxDistance, ratio) => {
          const known = randomFeatures(30, seed);
          // Near twins among the known descriptors, so the second nearest is often close (the ratio test bites).
          for (let j = 20; j < 30; j++)
            known.descriptors.set(nearCopy(known, j - 20, (j * 7) % 30, seed - j), j * 8);
          known.descriptors.copyWithin(29 * 8, 0, 8); // an exact twin: ties keep the first
          const query = randomFeatures(20, seed + 1);
          for (let i = 0; i < 10; i++) query.descriptors.set(nearCopy(known, i * 2, i * 5, seed + i), i * 8);
          // A known descriptor with every bit of a query one's flipped: distance 256, the most there is.
          for (let w = 0; w < 8; w++) known.descriptors[28 * 8 + w] = ~query.descriptors[15 * 8 + w]! >>> 0;
          const expected: [number, number, number][] = [];
          for (let i = 0; i < query.count; i++) {
            const d = Array.from({ length: known.count }, (_, j) =>
              descriptorDistance(query.descriptors, i, known.descriptors, j),
            );
            const sorted = [...d].sort((a, b) => a - b);
            const best = sorted[0]!;
            if (best <= maxDistance && best <= ratio * sorted[1]!) expected.push([i, d.indexOf(best), best]);
          }
          expected.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
          // Both: the WebAssembly search and the JS one it must equal.
          for (const search of [correspond, correspondReference]) {
            const got = search(query, known, { maxDistance, ratio });
            expect([...got.query]).toEqual(expected.map((e) => e[0]));
            expect([...got.known]).toEqual(expected.map((e) => e[1]));
            expect([...got.distance]).toEqual(expected.map((e) => e[2]));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
