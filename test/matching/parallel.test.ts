import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hash } from '../../src/core/hash.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import type { BatchMatches } from '../../src/matching/types.js';
import { ParallelIndex } from '../../src/node/parallel-index.js';
import { ROOT } from '../cli/run.js';
import { clusteredArb, hashArb, variantsArb } from './model.js';

const plain = (b: BatchMatches) => ({
  queries: [...b.queries],
  ids: [...b.ids],
  distances: [...b.distances],
});

describe('ParallelIndex', () => {
  const centres = fc.sample(hashArb(256), { numRuns: 3, seed: 7 });
  const list = fc.sample(variantsArb(centres, 40, 400), { numRuns: 1, seed: 11 })[0]!;
  const flat = new FlatIndex<number>();
  const mih = new MihIndex<number>({
    mergeThreshold: 0,
    substrings: [
      { start: 0, bits: 8 },
      { start: 8, bits: 8 },
      { start: 16, bits: 8 },
      { start: 24, bits: 8 },
    ],
  });
  let started: { flat: ParallelIndex; mih: ParallelIndex; one: ParallelIndex }[] = [];
  beforeAll(async () => {
    flat.addAll(list.map((hash, i) => ({ hash, metadata: i })));
    mih.addAll(list.map((hash, i) => ({ hash, metadata: i })));
    started = [
      {
        flat: await ParallelIndex.start(flat, { threads: 3 }),
        mih: await ParallelIndex.start(mih, { threads: 2, kernel: 'js' }),
        one: await ParallelIndex.start(mih, { threads: 1 }),
      },
    ];
  }, 120_000);
  afterAll(async () => {
    for (const s of started) await Promise.all([s.flat.close(), s.mih.close(), s.one.close()]);
  });

  it('answers every batch exactly as the index itself, whatever the threads', async () => {
    const { flat: pf, mih: pm, one } = started[0]!;
    await fc.assert(
      fc.asyncProperty(variantsArb(centres, 40, 60), fc.nat({ max: 70 }), async (queries: Hash[], radius) => {
        const options = { maxDistance: radius };
        const expected = plain(flat.queryBatch(queries, options));
        expect(plain(mih.queryBatch(queries, options))).toEqual(expected);
        expect(plain(await pf.queryBatch(queries, options))).toEqual(expected);
        expect(plain(await pm.queryBatch(queries, options))).toEqual(expected);
        expect(plain(await one.queryBatch(queries, { ...options, strategy: 'mih' }))).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('passes masks through, refuses other hashes and reports a worker-side error with its code', async () => {
    const { flat: pf } = started[0]!;
    const queries = list.slice(0, 20);
    const mask = { bits: new Uint8Array(32).fill(0x0f), maxDistance: 3 };
    expect(plain(await pf.queryBatch(queries, { maxDistance: 40, mask }))).toEqual(
      plain(flat.queryBatch(queries, { maxDistance: 40, mask })),
    );
    await expect(
      pf.queryBatch([{ algorithm: 'phash', bits: 64, bytes: new Uint8Array(8) }]),
    ).rejects.toMatchObject({
      code: 'ERR_ALGORITHM_MISMATCH',
    });
    await expect(pf.queryBatch(queries, { maxDistance: -1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    expect((await pf.queryBatch([])).length).toBe(0);
  });

  it('refuses a bad thread count and a closed index', async () => {
    await expect(ParallelIndex.start(flat, { threads: 0 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    const p = await ParallelIndex.start(new FlatIndex(), { threads: 1 });
    await p.close();
    await expect(p.queryBatch([])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  }, 60_000);

  it('runs from the built package and does not keep the process alive', () => {
    const hashes = fc.sample(clusteredArb(256, 30, 50), { numRuns: 1, seed: 3 })[0]!;
    const hex = hashes.map((h) => Buffer.from(h.bytes).toString('hex'));
    const script = `
      import { FlatIndex, hashFromHex } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
      import { ParallelIndex } from ${JSON.stringify(join(ROOT, 'dist/node/index.js'))};
      const hashes = ${JSON.stringify(hex)}.map((h) => hashFromHex('pdq', 256, h));
      const index = new FlatIndex();
      index.addAll(hashes.map((hash) => ({ hash })));
      const p = await ParallelIndex.start(index, { threads: 2 });
      const b = await p.queryBatch(hashes, { maxDistance: 40 });
      const e = index.queryBatch(hashes, { maxDistance: 40 });
      console.log(JSON.stringify([[...b.queries, ...b.ids, ...b.distances], [...e.queries, ...e.ids, ...e.distances]]));
      // no close(): idle workers must not hold the process
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const [got, want] = JSON.parse(run.stdout);
    expect(got).toEqual(want);
    expect(hashes.length).toBeGreaterThan(0);
    expect(want.length).toBeGreaterThanOrEqual(3 * hashes.length); // each hash finds itself
  }, 150_000);
});
