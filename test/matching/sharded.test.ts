import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hash } from '../../src/core/hash.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { packHashes } from '../../src/matching/packed-index.js';
import { MAX_SHARDS, ShardedIndex } from '../../src/matching/sharded-index.js';
import { BruteForce, clusteredArb, hashArb, rows } from './model.js';

describe('ShardedIndex', () => {
  it('bulk adds in several calls give the ids, matches and batches of one index and of the definition', () => {
    fc.assert(
      fc.property(
        clusteredArb(256, 24, 150),
        fc.integer({ min: 1, max: 7 }),
        fc.nat({ max: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat({ max: 48 }),
        (hashes: Hash[], shards, cuts, removals, radius) => {
          const one = new MihIndex<number>({ mergeThreshold: 0 });
          const sharded = new ShardedIndex<number>({ shards, mergeThreshold: 0 });
          const model = new BruteForce<number>();
          // The list in cuts + 1 calls: copies across calls share an id.
          const step = Math.ceil(hashes.length / (cuts + 1)) || 1;
          for (let at = 0; at < hashes.length; at += step) {
            const part = hashes.slice(at, at + step);
            const ids = [...sharded.addPacked(packHashes(part))];
            expect(ids).toEqual([...one.addPacked(packHashes(part))]);
            expect(ids).toEqual(part.map((h) => model.add(h)));
          }
          for (const p of removals) {
            const id = p % Math.max(1, model.entries.length);
            expect(sharded.remove(id)).toBe(model.remove(id));
            one.remove(id);
          }
          expect(sharded.size).toBe(model.size);
          expect([...sharded.ids()]).toEqual([...one.ids()]);
          const queries = hashes.slice(0, 6);
          for (const q of queries) {
            expect(rows(sharded.query(q, { maxDistance: radius }))).toEqual(model.query(q, radius));
            expect(rows(sharded.query(q, { maxDistance: radius, strategy: 'mih' }))).toEqual(
              model.query(q, radius),
            );
            expect(rows(sharded.nearest(q, 5))).toEqual(model.nearest(q, 5, 256));
            const id = sharded.idOf(q);
            expect(id).toBe(one.idOf(q));
            if (id >= 0) expect(rows(sharded.query(sharded.hashOf(id), { maxDistance: 0 }))[0]!.id).toBe(id);
          }
          const a = sharded.queryBatch(queries, { maxDistance: radius });
          const b = one.queryBatch(queries, { maxDistance: radius });
          expect([...a.queries]).toEqual([...b.queries]);
          expect([...a.ids]).toEqual([...b.ids]);
          expect([...a.distances]).toEqual([...b.distances]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('spreads hashes over its shards and sums their stats', () => {
    fc.assert(
      fc.property(fc.array(hashArb(256), { minLength: 200, maxLength: 200 }), (hashes) => {
        const index = new ShardedIndex({ shards: 4 });
        index.addPacked(packHashes(hashes));
        const stats = index.stats();
        expect(stats.size).toBe(new Set(hashes.map((h) => Buffer.from(h.bytes).toString('hex'))).size);
        expect(stats.ids).toBe(stats.size);
        expect(index.shards).toBe(4);
      }),
      { numRuns: 5 },
    );
  });

  it('refuses bad shard counts, bad hashes and unknown ids, changing nothing', () => {
    for (const shards of [0, -1, 1.5, MAX_SHARDS + 1]) {
      expect(() => new ShardedIndex({ shards })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    const index = new ShardedIndex({ algorithm: 'x', bits: 42, shards: 3 });
    const words = new Uint32Array([0x00000001, 0, 0x04000000, 0]); // the second has bit 42 set
    expect(() => index.addPacked(words)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_HASH' }));
    expect(index.size).toBe(0);
    expect(() => index.add({ algorithm: 'pdq', bits: 256, bytes: new Uint8Array(32) })).toThrow(
      expect.objectContaining({ code: 'ERR_ALGORITHM_MISMATCH' }),
    );
    expect(index.remove(0)).toBe(false);
    expect(() => index.hashOf(0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() =>
      index.query({ algorithm: 'x', bits: 42, bytes: new Uint8Array(6) }, { maxDistance: -1 }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
