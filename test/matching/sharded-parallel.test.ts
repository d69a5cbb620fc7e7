import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hash } from '../../src/core/hash.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { packHashes } from '../../src/matching/packed-index.js';
import { ShardedIndex } from '../../src/matching/sharded-index.js';
import type { BatchMatches } from '../../src/matching/types.js';
import { saveIndex } from '../../src/node/index-file.js';
import { ParallelIndex } from '../../src/node/parallel-index.js';
import { loadShardedIndex } from '../../src/node/sharded-index-file.js';
import { ROOT } from '../cli/run.js';
import { BruteForce, clusteredArb, rows } from './model.js';

const plain = (b: BatchMatches) => ({
  queries: [...b.queries],
  ids: [...b.ids],
  distances: [...b.distances],
});
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'imprint-sharded-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The same adds (in parts, so copies across parts share an id) and removals in one index and in shards. */
function build(hashes: Hash[], shards: number, removals: number[]) {
  const one = new MihIndex<number>({ mergeThreshold: 0 });
  const sharded = new ShardedIndex<number>({ shards, mergeThreshold: 0 });
  const model = new BruteForce<number>();
  const half = Math.ceil(hashes.length / 2);
  for (const part of [hashes.slice(0, half), hashes.slice(half)]) {
    if (part.length === 0) continue;
    sharded.addPacked(packHashes(part));
    one.addPacked(packHashes(part));
    for (const h of part) model.add(h);
  }
  for (const p of removals) {
    const id = p % Math.max(1, model.entries.length);
    sharded.remove(id);
    one.remove(id);
    model.remove(id);
  }
  return { one, sharded, model };
}

describe('a sharded index saved, loaded and on worker threads', () => {
  it('saved as a directory and loaded, answers as one index and as the definition', async () => {
    await fc.assert(
      fc.asyncProperty(
        clusteredArb(256, 24, 120),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat({ max: 48 }),
        async (hashes, shards, removals, radius) => {
          const { one, sharded, model } = build(hashes, shards, removals);
          const dir = join(tempDir(), 'index');
          await saveIndex(sharded, dir);
          const loaded = await loadShardedIndex<number>(dir);
          expect(loaded.shards).toBe(shards);
          expect(loaded.size).toBe(model.size);
          expect([...loaded.ids()]).toEqual([...one.ids()]);
          const queries = hashes.slice(0, 8);
          for (const q of queries) {
            expect(rows(loaded.query(q, { maxDistance: radius }))).toEqual(model.query(q, radius));
            expect(loaded.idOf(q)).toBe(one.idOf(q));
          }
          expect(plain(loaded.queryBatch(queries, { maxDistance: radius }))).toEqual(
            plain(one.queryBatch(queries, { maxDistance: radius })),
          );
          // A new id goes on from where the saved index stopped.
          const fresh = hashes[0] ? { ...hashes[0], bytes: hashes[0].bytes.map((b) => b ^ 0xff) } : undefined;
          if (fresh) expect(loaded.add(fresh)).toBe(one.add(fresh));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('on worker threads (started from the index, or opened from its directory) answers as one index', async () => {
    await fc.assert(
      fc.asyncProperty(
        clusteredArb(256, 24, 150),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat({ max: 48 }),
        async (hashes, shards, threads, removals, radius) => {
          const { one, sharded } = build(hashes, shards, removals);
          const dir = join(tempDir(), 'index');
          await saveIndex(sharded, dir);
          const queries = hashes.slice(0, 20);
          const expected = plain(one.queryBatch(queries, { maxDistance: radius }));
          expect(plain(sharded.queryBatch(queries, { maxDistance: radius }))).toEqual(expected);
          for (const parallel of [
            await ParallelIndex.start(sharded, { threads }),
            await ParallelIndex.open(dir, { threads, kernel: 'js' }),
          ]) {
            try {
              expect(parallel.threads).toBe(Math.min(threads, shards));
              expect(plain(await parallel.queryBatch(queries, { maxDistance: radius }))).toEqual(expected);
              expect((await parallel.queryBatch([])).length).toBe(0);
            } finally {
              await parallel.close();
            }
          }
        },
      ),
      { numRuns: 6 },
    );
  });

  it('refuses a damaged or missing directory with a coded error', async () => {
    const hashes = fc.sample(clusteredArb(256, 24, 60), { numRuns: 1, seed: 3 })[0]!;
    const { sharded } = build(hashes, 3, []);
    const dir = join(tempDir(), 'index');
    await saveIndex(sharded, dir);
    await expect(loadShardedIndex(join(dir, 'nothing'))).rejects.toMatchObject({
      code: 'ERR_FILE_UNREADABLE',
    });
    await expect(ParallelIndex.open(join(dir, 'nothing'))).rejects.toMatchObject({
      code: 'ERR_FILE_UNREADABLE',
    });
    const ids = join(dir, 'ids.bin');
    const good = readFileSync(ids);
    const bad = Buffer.from(good);
    bad[0]! ^= 1;
    writeFileSync(ids, bad);
    await expect(loadShardedIndex(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    writeFileSync(ids, good.subarray(4));
    await expect(ParallelIndex.open(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    writeFileSync(ids, good);
    const manifest = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    writeFileSync(manifest, JSON.stringify({ ...m, format: 'other' }));
    await expect(loadShardedIndex(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    writeFileSync(manifest, JSON.stringify({ ...m, shards: [{ file: '../x.idx', ids: 1 }] }));
    await expect(loadShardedIndex(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    // A shard left out: the id maps no longer cover the ids.
    writeFileSync(manifest, JSON.stringify({ ...m, shards: m.shards.slice(0, -1) }));
    await expect(loadShardedIndex(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    writeFileSync(manifest, JSON.stringify(m));
    expect((await loadShardedIndex(dir)).size).toBe(sharded.size);
    // Two shard files swapped: each is a valid index, but not the one saved in its place.
    const [a, b] = [join(dir, m.shards[0].file), join(dir, m.shards[1].file)];
    const [bytesA, bytesB] = [readFileSync(a), readFileSync(b)];
    writeFileSync(a, bytesB);
    writeFileSync(b, bytesA);
    await expect(loadShardedIndex(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    await expect(ParallelIndex.open(dir)).rejects.toMatchObject({ code: 'ERR_INDEX_CORRUPT' });
    writeFileSync(a, bytesA);
    writeFileSync(b, bytesB);
    expect((await loadShardedIndex(dir)).size).toBe(sharded.size);
  });

  it('runs from the built package (npm test builds first): saved, opened on threads, same answers', () => {
    const hashes = fc.sample(clusteredArb(256, 30, 80), { numRuns: 1, seed: 5 })[0]!;
    const hex = hashes.map((h) => Buffer.from(h.bytes).toString('hex'));
    const dir = join(tempDir(), 'index');
    const script = `
      import { MihIndex, ShardedIndex, hashFromHex } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
      import { ParallelIndex, loadShardedIndex, saveIndex } from ${JSON.stringify(join(ROOT, 'dist/node/index.js'))};
      const hashes = ${JSON.stringify(hex)}.map((h) => hashFromHex('pdq', 256, h));
      const one = new MihIndex();
      one.addAll(hashes.map((hash) => ({ hash })));
      const sharded = new ShardedIndex({ shards: 3 });
      sharded.addAll(hashes.map((hash) => ({ hash })));
      await saveIndex(sharded, ${JSON.stringify(dir)});
      const loaded = await loadShardedIndex(${JSON.stringify(dir)});
      const p = await ParallelIndex.open(${JSON.stringify(dir)}, { threads: 2 });
      const flat = (b) => [...b.queries, ...b.ids, ...b.distances];
      const e = flat(one.queryBatch(hashes, { maxDistance: 40 }));
      const b = flat(await p.queryBatch(hashes, { maxDistance: 40 }));
      const l = flat(loaded.queryBatch(hashes, { maxDistance: 40 }));
      console.log(JSON.stringify([e, b, l]));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [want, got, loaded] = JSON.parse(run.stdout);
    expect(got).toEqual(want);
    expect(loaded).toEqual(want);
    expect(want.length).toBeGreaterThanOrEqual(3 * hashes.length); // each hash finds itself
  }, 150_000);
});
