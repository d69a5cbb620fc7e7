import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Hash, popcount32 } from '../../src/core/hash.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import { decodeIndex, encodeIndex, indexFileInfo } from '../../src/matching/index-format.js';
import type { KernelChoice } from '../../src/matching/kernel.js';
import type { MihLayout } from '../../src/matching/layout.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { COMPACT, NARROW, WIDE } from '../../src/matching/mih-tables.js';
import { unpackHash } from '../../src/matching/packed.js';
import { packHashes } from '../../src/matching/packed-index.js';
import { ShardedIndex } from '../../src/matching/sharded-index.js';
import type { HashIndex, QueryOptions } from '../../src/matching/types.js';
import { BruteForce, clusteredArb, flip, hashArb, rows, variantsArb } from './model.js';
import { asVersion3 } from './version3.js';

type Maker = (bits: number, mergeThreshold: number, layout: MihLayout) => HashIndex<number>;

const MAKERS: Record<string, Maker> = {
  'flat/wasm': (bits) => new FlatIndex<number>({ algorithm: 'pdq', bits, kernel: 'wasm' }),
  'flat/js': (bits) => new FlatIndex<number>({ algorithm: 'pdq', bits, kernel: 'js' }),
  'mih/wasm': (bits, t) =>
    new MihIndex<number>({ algorithm: 'pdq', bits, kernel: 'wasm', mergeThreshold: t }),
  'mih/js': (bits, t) => new MihIndex<number>({ algorithm: 'pdq', bits, kernel: 'js', mergeThreshold: t }),
  // The PDQ reference's 16-bit slots, kept as an oracle layout.
  'mih/wasm/reference': (bits, t) =>
    new MihIndex<number>({
      algorithm: 'pdq',
      bits,
      kernel: 'wasm',
      mergeThreshold: t,
      substrings: 'reference',
    }),
  // Any disjoint substrings, in any order, with gaps: every layout the planner might choose.
  'mih/wasm/random layout': (bits, t, layout) =>
    new MihIndex<number>({ algorithm: 'pdq', bits, kernel: 'wasm', mergeThreshold: t, substrings: layout }),
  'mih/js/random layout': (bits, t, layout) =>
    new MihIndex<number>({ algorithm: 'pdq', bits, kernel: 'js', mergeThreshold: t, substrings: layout }),
  // Shards of a few dozen hashes: every query fans out and merges.
  'sharded/3 shards': (bits, t) =>
    new ShardedIndex<number>({ algorithm: 'pdq', bits, kernel: 'wasm', mergeThreshold: t, shards: 3 }),
  'sharded/5 shards/random layout': (bits, t, layout) =>
    new ShardedIndex<number>({ algorithm: 'pdq', bits, mergeThreshold: t, substrings: layout, shards: 5 }),
};
const STRATEGIES: QueryOptions['strategy'][] = ['auto', 'mih', 'scan'];

/** A list built in bulk, some removals, a few single adds (duplicates and re-adds included), and queries. */
function scenarioArb(bits: number, maxRadius: number) {
  const spread = bits >= 256 ? 40 : Math.max(2, bits >> 2);
  return fc.array(hashArb(bits), { minLength: 1, maxLength: 4 }).chain((centres) =>
    fc.record({
      bulk: variantsArb(centres, spread, 120),
      removals: fc.array(fc.nat(), { maxLength: 20 }),
      singles: variantsArb(centres, spread, 6),
      lateRemovals: fc.array(fc.nat(), { maxLength: 4 }),
      queries: variantsArb(centres, spread, 5),
      radii: fc.array(fc.nat({ max: maxRadius }), { minLength: 1, maxLength: 4 }),
      k: fc.nat({ max: 12 }),
      mergeThreshold: fc.constantFrom(0, 2, 1000),
      mask: fc.uint8Array({ minLength: Math.ceil(bits / 8), maxLength: Math.ceil(bits / 8) }),
      maskRadius: fc.nat({ max: maxRadius }),
      layout: layoutArb(bits),
    }),
  );
}

/**
 * Disjoint substrings of 1 to 16 bits within the hash's bytes, with gaps, in shuffled order
 * (at least one). Tables of longer substrings only cost memory; the bit arithmetic is the same.
 */
function layoutArb(bits: number): fc.Arbitrary<MihLayout> {
  const end = 8 * Math.ceil(bits / 8);
  return fc
    .record({
      first: fc.nat({ max: Math.min(40, end - 1) }),
      parts: fc.array(fc.record({ gap: fc.nat({ max: 5 }), bits: fc.integer({ min: 1, max: 16 }) }), {
        minLength: 1,
        maxLength: 14,
      }),
      order: fc.array(fc.nat(), { maxLength: 14 }),
    })
    .map(({ first, parts, order }) => {
      const layout: { start: number; bits: number }[] = [];
      let at = first;
      for (const p of parts) {
        const width = Math.min(p.bits, end - at);
        if (width < 1) break;
        layout.push({ start: at, bits: width });
        at += width + p.gap;
      }
      if (layout.length === 0) layout.push({ start: 0, bits: Math.min(8, end) });
      order.forEach((o, i) => {
        const j = o % layout.length;
        const k = i % layout.length;
        [layout[j], layout[k]] = [layout[k]!, layout[j]!];
      });
      return layout;
    });
}

type Scenario = ReturnType<typeof scenarioArb> extends fc.Arbitrary<infer T> ? T : never;

/** Applies the scenario's changes to an index and the model, checking ids agree; returns the model. */
function build(index: HashIndex<number>, s: Scenario): BruteForce<number> {
  const model = new BruteForce<number>();
  const entries = s.bulk.map((hash, i) => ({ hash, metadata: i }));
  index.addAll(entries);
  for (const e of entries) model.add(e.hash, e.metadata);
  const removeSome = (picks: number[]) => {
    for (const p of picks) {
      const id = model.entries.length ? p % model.entries.length : p;
      expect(index.remove(id)).toBe(model.remove(id));
    }
  };
  removeSome(s.removals);
  s.singles.forEach((hash, i) => {
    const meta = 1000 + i;
    expect(index.add(hash, meta)).toBe(model.add(hash, meta));
  });
  if (s.bulk[0]) expect(index.add(s.bulk[0])).toBe(model.add(s.bulk[0])); // no metadata: same entry
  removeSome(s.lateRemovals);
  expect(index.size).toBe(model.size);
  expect([...index.ids()]).toEqual(model.entries.flatMap((e, id) => (e.alive ? [id] : [])));
  return model;
}

/** Differing bits of two hashes among the bits set in `mask`, bit by bit. */
function maskedDistance(a: Hash, b: Hash, mask: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < mask.length; i++) {
    for (let bit = 0; bit < 8; bit++) d += (((a.bytes[i]! ^ b.bytes[i]!) & mask[i]!) >> bit) & 1;
  }
  return d;
}

function checkQueries(index: HashIndex<number>, model: BruteForce<number>, s: Scenario, bits: number): void {
  const mask = { bits: s.mask, maxDistance: s.maskRadius };
  const withinMask = (q: Hash) => (row: { id: number }) =>
    maskedDistance(q, model.entries[row.id]!.hash, s.mask) <= s.maskRadius;
  for (const q of s.queries) {
    for (const r of s.radii) {
      const expected = model.query(q, r);
      for (const strategy of STRATEGIES) {
        expect(rows(index.query(q, { maxDistance: r, strategy }))).toEqual(expected);
        expect(rows(index.query(q, { maxDistance: r, strategy, mask }))).toEqual(
          expected.filter(withinMask(q)),
        );
      }
      expect(rows(index.nearest(q, s.k, { maxDistance: r }))).toEqual(model.nearest(q, s.k, r));
      expect(rows(index.nearest(q, s.k, { maxDistance: r, strategy: 'mih' }))).toEqual(
        model.nearest(q, s.k, r),
      );
    }
    expect(rows(index.nearest(q, s.k))).toEqual(model.nearest(q, s.k, bits));
  }
  const r = s.radii[0]!;
  if (s.queries.length > 0) {
    expect(rows(index.queryAny(s.queries, { maxDistance: r }))).toEqual(
      model
        .queryAny(s.queries, r)
        .map((row) => (s.queries.length > 1 ? row : { ...row, variant: undefined }))
        .map(dropUndefinedVariant),
    );
  }
  if (s.queries.length === 1) {
    const q = s.queries[0]!;
    expect(rows(index.queryAny(s.queries, { maxDistance: r, mask }))).toEqual(
      model.query(q, r).filter(withinMask(q)),
    );
  }
  const maskedBatch = index.queryBatch(s.queries, { maxDistance: r, mask });
  expect([...maskedBatch.ids]).toEqual(
    s.queries.flatMap((q) =>
      model
        .query(q, r)
        .filter(withinMask(q))
        .map((row) => row.id),
    ),
  );
  if (s.queries.length > 0) expect(() => index.nearest(s.queries[0]!, 1, { mask })).toThrow(/mask/);
  const batch = index.queryBatch(s.queries, { maxDistance: r });
  const flat: [number, number, number][] = [];
  s.queries.forEach((q, i) => {
    for (const row of model.query(q, r)) flat.push([i, row.id, row.distance]);
  });
  expect(batch.length).toBe(flat.length);
  expect([...batch.queries]).toEqual(flat.map((f) => f[0]));
  expect([...batch.ids]).toEqual(flat.map((f) => f[1]));
  expect([...batch.distances]).toEqual(flat.map((f) => f[2]));
}

function dropUndefinedVariant<T extends { variant?: number }>(row: T): T {
  if (row.variant !== undefined) return row;
  const { variant: _, ...rest } = row;
  return rest as T;
}

describe.each([
  [256, 64],
  [64, 64],
  [42, 42],
  [8, 8],
])('%i-bit hashes, radii 0..%i', (bits, maxRadius) => {
  for (const [name, make] of Object.entries(MAKERS)) {
    it(`${name} answers exactly as the brute-force definition`, () => {
      fc.assert(
        fc.property(scenarioArb(bits, maxRadius), (s) => {
          const index = make(bits, s.mergeThreshold, s.layout);
          const model = build(index, s);
          checkQueries(index, model, s, bits);
        }),
        { numRuns: bits === 256 ? 40 : 20 },
      );
    });
  }

  // Below 2^24 ids the postings hold 3-byte ids (every index above); a version 3 file holds
  // 4-byte ids, as an index of more ids does: the same tables read through the other width.
  it('3-byte and 4-byte postings (a version 3 file) answer the same', () => {
    fc.assert(
      fc.property(scenarioArb(bits, maxRadius), fc.constantFrom<KernelChoice>('wasm', 'js'), (s, kernel) => {
        const index = new MihIndex<number>({
          algorithm: 'pdq',
          bits,
          kernel,
          mergeThreshold: s.mergeThreshold,
          substrings: s.layout,
        });
        const model = build(index, s);
        const file = encodeIndex(index);
        expect(index.serialise().encodings.every((e) => (e & NARROW) !== 0)).toBe(true);
        const old = decodeIndex<number>(asVersion3(file), { kernel, verify: 'full' });
        expect(indexFileInfo(old)?.formatVersion).toBe(3);
        expect(old.serialise().encodings.every((e) => (e & NARROW) === 0)).toBe(true);
        checkQueries(index, model, s, bits);
        checkQueries(old, model, s, bits);
      }),
      { numRuns: bits === 256 ? 30 : 15 },
    );
  });

  it('save/load round trips answer the same, and keep working after more changes', () => {
    fc.assert(
      fc.property(
        scenarioArb(bits, maxRadius),
        fc.constantFrom(...Object.keys(MAKERS).filter((name) => !name.startsWith('sharded'))),
        fc.constantFrom<KernelChoice>('wasm', 'js'),
        (s, name, kernel) => {
          const index = MAKERS[name]!(bits, s.mergeThreshold, s.layout) as
            | FlatIndex<number>
            | MihIndex<number>;
          const model = build(index, s);
          const loaded = decodeIndex<number>(encodeIndex(index), { kernel, verify: 'full' });
          expect(loaded.kind).toBe(index.kind);
          expect(loaded.size).toBe(model.size);
          checkQueries(loaded, model, s, bits);
          // the loaded index goes on: ids continue, identical hashes are found, removals work
          s.queries.forEach((h, i) => {
            expect(loaded.add(h, 2000 + i)).toBe(model.add(h, 2000 + i));
          });
          for (const p of s.removals.slice(0, 5)) {
            const id = p % Math.max(1, model.entries.length);
            expect(loaded.remove(id)).toBe(model.remove(id));
          }
          checkQueries(loaded, model, s, bits);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('incremental changes against a loaded index', () => {
  it('continues ids, dedups against loaded hashes, and matches the model after adds and removes', () => {
    fc.assert(
      fc.property(
        fc
          .array(hashArb(256), { minLength: 1, maxLength: 3 })
          .chain((centres) => fc.tuple(variantsArb(centres, 40, 80), variantsArb(centres, 40, 20))),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat({ max: 64 }),
        ([first, second], removals, radius) => {
          const model = new BruteForce<number>();
          const index = new MihIndex<number>({ mergeThreshold: 5 });
          first.forEach((h, i) => {
            expect(index.add(h, i)).toBe(model.add(h, i));
          });
          const loaded = decodeIndex<number>(encodeIndex(index));
          second.forEach((h, i) => {
            expect(loaded.add(h, 500 + i)).toBe(model.add(h, 500 + i));
          });
          for (const p of removals) {
            const id = p % Math.max(1, model.entries.length);
            expect(loaded.remove(id)).toBe(model.remove(id));
          }
          for (const q of [...first.slice(0, 3), ...second.slice(0, 3)]) {
            expect(rows(loaded.query(q, { maxDistance: radius }))).toEqual(model.query(q, radius));
            expect(rows(loaded.query(q, { maxDistance: radius, strategy: 'mih' }))).toEqual(
              model.query(q, radius),
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('addPacked', () => {
  it('stores the same entries as add', () => {
    fc.assert(
      fc.property(clusteredArb(64, 10, 60), fc.nat({ max: 64 }), (hashes: Hash[], radius) => {
        const a = new MihIndex<number>({ algorithm: 'pdq', bits: 64 });
        const b = new MihIndex<number>({ algorithm: 'pdq', bits: 64, mergeThreshold: 0 });
        const ids = hashes.map((h) => a.add(h));
        expect([...b.addPacked(packHashes(hashes))]).toEqual(ids);
        for (const q of hashes.slice(0, 4)) {
          expect(rows(b.query(q, { maxDistance: radius, strategy: 'mih' }))).toEqual(
            rows(a.query(q, { maxDistance: radius })),
          );
        }
      }),
      { numRuns: 30 },
    );
  });

  it('builds the tables at the end of a bulk add, into an empty index as into a filled one', () => {
    const hashes = fc.sample(hashArb(256), { numRuns: 300, seed: 5 });
    const index = new MihIndex({ substrings: 'reference', mergeThreshold: 50 });
    index.addPacked(packHashes(hashes.slice(0, 200)));
    expect(index.stats().posted).toBe(200);
    index.addPacked(packHashes(hashes.slice(200)));
    expect(index.stats().posted).toBe(300);
  });

  it('refuses bits beyond the hash length', () => {
    const index = new FlatIndex({ algorithm: 'x', bits: 42 });
    expect(() => index.addPacked(new Uint32Array([0x04000000, 0]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_HASH' }),
    );
    expect(() => index.addPacked(new Uint32Array([0, 0x00000001]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_HASH' }),
    );
    expect([...index.addPacked(new Uint32Array([0x03ffffff, 0xffff0000]))]).toEqual([0]);
  });
});

describe('MIH kernels page through their buffers', () => {
  // 6,000 variants of 3 centres under 3-bit substrings: a query's buckets hold more candidates
  // than the kernel's candidate buffer (4,096), and a 13-bit substring searched at radius 20
  // lists more probe values than its range buffer (4,096), so both flush mid-substring.
  it('answers exactly as the brute-force definition, in either kernel', () => {
    fc.assert(
      fc.property(
        fc.array(hashArb(256), { minLength: 3, maxLength: 3 }).chain((centres) =>
          fc.record({
            list: fc.array(fc.tuple(fc.nat(2), fc.array(fc.nat(255), { maxLength: 24 })), {
              minLength: 6000,
              maxLength: 6000,
            }),
            queries: fc.array(fc.tuple(fc.nat(2), fc.array(fc.nat(255), { maxLength: 24 })), {
              minLength: 1,
              maxLength: 3,
            }),
            centres: fc.constant(centres),
          }),
        ),
        fc.constantFrom<KernelChoice>('wasm', 'js'),
        ({ list, queries, centres }, kernel) => {
          const model = new BruteForce<number>();
          const hashes = list.map(([c, flips]) => flip(centres[c]!, flips));
          for (const h of hashes) model.add(h);
          const layouts: MihLayout[] = [
            [0, 3, 6, 9].map((start) => ({ start, bits: 3 })),
            [{ start: 100, bits: 13 }],
          ];
          for (const substrings of layouts) {
            const index = new MihIndex<number>({ algorithm: 'pdq', bits: 256, kernel, substrings });
            index.addPacked(packHashes(hashes));
            for (const [c, flips] of queries) {
              const q = flip(centres[c]!, flips);
              for (const r of [6, 20]) {
                expect(rows(index.query(q, { maxDistance: r, strategy: 'mih' }))).toEqual(model.query(q, r));
              }
            }
          }
        },
      ),
      { numRuns: 4, endOnFailure: true }, // shrinking 6,000 hashes takes too long
    );
  });
});

/** A seeded xorshift32 generator of 32-bit words (fast enough for 70,000 hashes per run). */
function xorshift32(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** The definition over 256-bit hashes packed 8 words each: [distance, id] within `r`, nearest first. */
function packedWithin(words: Uint32Array, q: Uint32Array, r: number): [number, number][] {
  const found: [number, number][] = [];
  for (let id = 0; id < words.length / 8; id++) {
    let d = 0;
    for (let w = 0; w < 8; w++) d += popcount32((words[id * 8 + w]! ^ q[w]!) >>> 0);
    if (d <= r) found.push([d, id]);
  }
  return found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('MIH tables of a clustered list', () => {
  // 70,000 hashes whose first 12 bits are zero: one block of a compact table would hold 70,000
  // ids, more than its 2-byte offsets can, so that substring's table is rebuilt with 4-byte
  // offsets. Answers stay the definition's, built in bulk and after a save and load.
  it('falls back to 4-byte offsets where a block overflows, and answers as the definition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.constantFrom<KernelChoice>('wasm', 'js'),
        (seed, kernel) => {
          const next = xorshift32(seed);
          const n = 70000;
          const words = new Uint32Array(n * 8);
          for (let i = 0; i < words.length; i++) words[i] = next();
          for (let i = 0; i < n; i++) words[i * 8] = words[i * 8]! & 0x000fffff;
          const substrings = [
            { start: 0, bits: 12 },
            { start: 12, bits: 12 },
            { start: 24, bits: 16 },
          ];
          const index = new MihIndex<number>({ algorithm: 'pdq', bits: 256, kernel, substrings });
          const ids = index.addPacked(words);
          expect(ids.every((id, i) => id === i)).toBe(true); // distinct: ids in order
          expect(index.serialise().encodings).toEqual([WIDE | NARROW, COMPACT | NARROW, COMPACT | NARROW]);
          const copy = decodeIndex(encodeIndex(index), { kernel });
          for (let k = 0; k < 3; k++) {
            const at = (next() % n) * 8;
            const q = words.slice(at, at + 8);
            q[next() % 8]! ^= 1 << (next() % 32); // a near-duplicate of a listed hash
            const hash = unpackHash('pdq', 256, q, 0);
            for (const r of [2, 40]) {
              const expected = packedWithin(words, q, r);
              for (const idx of [index, copy]) {
                const got = idx
                  .query(hash, { maxDistance: r, strategy: 'mih' })
                  .map((m) => [m.distance, m.id]);
                expect(got).toEqual(expected);
              }
            }
          }
        },
      ),
      { numRuns: 2, endOnFailure: true },
    );
  });
});

describe('an index built in bulk from more hashes than a merge takes', () => {
  // 70,000 distinct random hashes added at once to an empty index: they are stored after the
  // tables they will get, so building the tables moves none of them; ids pass 2^16, so 3-byte
  // ids use all their bytes. Answers are the definition's, built in bulk and after a save and load.
  it('answers as the definition, with 3-byte ids past 2^16', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.constantFrom<KernelChoice>('wasm', 'js'),
        (seed, kernel) => {
          const next = xorshift32(seed);
          const n = 70000;
          const words = new Uint32Array(n * 8);
          for (let i = 0; i < words.length; i++) words[i] = next();
          const index = new MihIndex<number>({ algorithm: 'pdq', bits: 256, kernel });
          const ids = index.addPacked(words);
          expect(ids.every((id, i) => id === i)).toBe(true);
          expect(index.stats().posted).toBe(n);
          expect(index.serialise().encodings.every((e) => (e & NARROW) !== 0)).toBe(true);
          const copy = decodeIndex(encodeIndex(index), { kernel });
          for (let k = 0; k < 4; k++) {
            const at = (n - 1 - (next() % 1000)) * 8; // ids near the end: above 2^16
            const q = words.slice(at, at + 8);
            for (let f = 0; f < 20; f++) q[next() % 8]! ^= 1 << (next() % 32);
            const hash = unpackHash('pdq', 256, q, 0);
            const expected = packedWithin(words, q, 31);
            expect(expected.length).toBeGreaterThan(0);
            for (const idx of [index, copy]) {
              const got = idx
                .query(hash, { maxDistance: 31, strategy: 'mih' })
                .map((m) => [m.distance, m.id]);
              expect(got).toEqual(expected);
            }
          }
        },
      ),
      { numRuns: 4 },
    );
  });
});

describe('multi-needle flat scans (8 queries a pass)', () => {
  // Batches of 8 or more scanned queries go through the kernel's multi-needle pass; with 256-bit
  // hashes and 8 needles, its prefilter on the first 128 bits of each needle.
  for (const kernel of ['wasm', 'js'] as KernelChoice[]) {
    for (const bits of [256, 64]) {
      it(`${kernel}, ${bits}-bit: queryBatch and queryAny answer as the brute-force definition`, () => {
        fc.assert(
          fc.property(
            // up to 12 centres far apart: each needle has neighbours of its own (so a needle the
            // pass skips is not covered by another's hits)
            fc.array(hashArb(bits), { minLength: 1, maxLength: 12 }).chain((centres) =>
              fc.record({
                list: variantsArb(centres, bits >> 3, 150),
                queries: variantsArb(centres, bits >> 3, 20),
                r: fc.oneof(fc.nat({ max: 40 }), fc.nat({ max: bits })),
              }),
            ),
            ({ list, queries, r }) => {
              const index = new FlatIndex<number>({ algorithm: 'pdq', bits, kernel });
              const model = new BruteForce<number>();
              for (const h of list) expect(index.add(h)).toBe(model.add(h));
              const batch = index.queryBatch(queries, { maxDistance: r, strategy: 'scan' });
              const expected: [number, number, number][] = [];
              queries.forEach((q, i) => {
                for (const row of model.query(q, r)) expected.push([i, row.id, row.distance]);
              });
              expect([...batch.queries]).toEqual(expected.map((e) => e[0]));
              expect([...batch.ids]).toEqual(expected.map((e) => e[1]));
              expect([...batch.distances]).toEqual(expected.map((e) => e[2]));
              const eight = queries.slice(0, 8);
              expect(rows(index.queryAny(eight, { maxDistance: r }))).toEqual(
                model
                  .queryAny(eight, r)
                  .map((row) => (eight.length > 1 ? row : { ...row, variant: undefined }))
                  .map(dropUndefinedVariant),
              );
            },
          ),
          { numRuns: 60 },
        );
      });
    }
    it(`${kernel}: finds entries exactly at the radius, every flip in the prefiltered first 128 bits`, () => {
      fc.assert(
        fc.property(
          fc.array(hashArb(256), { minLength: 8, maxLength: 8 }),
          fc.nat({ max: 64 }),
          fc.array(fc.nat({ max: 127 }), { minLength: 8, maxLength: 8 }),
          (needles, r, seeds) => {
            const index = new FlatIndex<number>({ algorithm: 'pdq', bits: 256, kernel });
            const model = new BruteForce<number>();
            needles.forEach((q, j) => {
              // r distinct bits of the hash's first 16 bytes (flip() counts bits from the end)
              const flips = Array.from({ length: r }, (_, k) => 128 + ((seeds[j]! + 37 * k) % 128));
              const near = flip(q, [...new Set(flips)]);
              expect(index.add(near)).toBe(model.add(near));
            });
            const batch = index.queryBatch(needles, { maxDistance: r, strategy: 'scan' });
            const expected: [number, number, number][] = [];
            needles.forEach((q, i) => {
              for (const row of model.query(q, r)) expected.push([i, row.id, row.distance]);
            });
            expect([...batch.ids]).toEqual(expected.map((e) => e[1]));
            expect([...batch.distances]).toEqual(expected.map((e) => e[2]));
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
