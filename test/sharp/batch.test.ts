import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashToHex } from '../../src/core/hash.js';
import type { Progress } from '../../src/core/progress.js';
import { type FileResult, hashFiles, mapFiles } from '../../src/sharp/batch.js';
import { hashImage } from '../../src/sharp/hash-image.js';
import { fixture } from '../helpers.js';

const names = [
  'coffee.jpg',
  'not-an-image.jpg',
  'rocket.jpg',
  'empty.jpg',
  'truncated-coffee.jpg',
  'flower.jpg',
];
const paths = names.map((n) => fixture('photos', n));

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

describe('hashFiles', () => {
  it('goes on past bad files, reports each with its code, and keeps input order', async () => {
    const progress: Progress[] = [];
    const results = await collect(hashFiles(paths, { concurrency: 3, onProgress: (p) => progress.push(p) }));
    expect(results.map((r) => r.path)).toEqual(paths);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'ERR_NOT_AN_IMAGE',
      'ok',
      'ERR_EMPTY_INPUT',
      'ERR_IMAGE_CORRUPT',
      'ok',
    ]);
    expect(progress.at(-1)).toEqual(
      expect.objectContaining({ phase: 'hashing', done: 6, failed: 3, total: 6 }),
    );
    expect(progress.map((p) => p.path).sort()).toEqual([...paths].sort());
  });

  it('gives the same hashes as hashing one file at a time, at any concurrency', async () => {
    const good = paths.filter((_, i) => [0, 2, 5].includes(i));
    const one = await Promise.all(good.map(async (p) => hashToHex((await hashImage(p)).hashes.pdq)));
    for (const concurrency of [1, 4]) {
      const results = await collect(hashFiles(good, { concurrency }));
      expect(results.map((r) => (r.ok ? hashToHex(r.result.hashes.pdq) : r.error.code))).toEqual(one);
    }
  });

  it('accepts an async iterable of paths', async () => {
    async function* gen() {
      yield paths[0]!;
      yield paths[2]!;
    }
    const results = await collect(hashFiles(gen()));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
  });

  it('stops on abort: files already started finish, then ERR_ABORTED', async () => {
    const controller = new AbortController();
    const many = Array.from({ length: 50 }, () => paths[0]!);
    const seen: FileResult[] = [];
    const run = async () => {
      for await (const r of hashFiles(many, { concurrency: 2, signal: controller.signal })) {
        seen.push(r);
        if (seen.length === 3) controller.abort();
      }
    };
    await expect(run()).rejects.toEqual(expect.objectContaining({ code: 'ERR_ABORTED' }));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThan(10);
    expect(seen.every((r) => r.ok)).toBe(true);
  });

  it('rejects a bad concurrency', async () => {
    await expect(collect(hashFiles(paths, { concurrency: 0 }))).rejects.toEqual(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('mapFiles', () => {
  it('keeps input order, at most `concurrency` in flight, and turns failures into typed results', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ delay: fc.integer({ min: 0, max: 3 }), fails: fc.boolean(), typed: fc.boolean() }),
          {
            maxLength: 12,
          },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (jobs, concurrency) => {
          let running = 0;
          let most = 0;
          const work = async (path: string) => {
            const job = jobs[Number(path)]!;
            running++;
            most = Math.max(most, running);
            await new Promise((r) => setTimeout(r, job.delay));
            running--;
            if (job.fails)
              throw job.typed ? new ImprintError('ERR_IMAGE_TOO_LARGE', 'big') : new Error('boom');
            return Number(path) * 2;
          };
          const out = [];
          for await (const r of mapFiles(
            jobs.map((_, i) => String(i)),
            work,
            { concurrency },
          ))
            out.push(r);
          expect(out.map((r) => r.path)).toEqual(jobs.map((_, i) => String(i)));
          out.forEach((r, i) => {
            if (jobs[i]!.fails) {
              expect(r.ok).toBe(false);
              if (!r.ok)
                expect(r.error.code).toBe(jobs[i]!.typed ? 'ERR_IMAGE_TOO_LARGE' : 'ERR_IMAGE_CORRUPT');
            } else expect(r).toEqual({ path: String(i), index: i, ok: true, value: i * 2 });
          });
          expect(most).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 40 },
    );
  });
});
