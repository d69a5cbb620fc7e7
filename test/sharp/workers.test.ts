import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hashImage } from '../../src/sharp/hash-image.js';
import { WorkerPool } from '../../src/sharp/worker-pool.js';
import { fixture } from '../helpers.js';

const photos = readdirSync(fixture('photos'))
  .filter((n) => !n.endsWith('.md'))
  .map((n) => fixture('photos', n));
const pool = new WorkerPool({ size: 2 });
afterAll(() => pool.close());

/** A result or the error's code, message and location: what must not depend on where the work ran. */
async function outcome<T>(
  work: Promise<T>,
): Promise<T | { code: string; message: string; location: unknown }> {
  try {
    return await work;
  } catch (err) {
    const e = err as { code: string; message: string; location: unknown };
    return { code: e.code, message: e.message, location: e.location };
  }
}

describe('worker pool', () => {
  it('hashImage gives identical hashes and errors with and without workers (paths and bytes)', async () => {
    const options = { algorithms: ['pdq', 'phash', 'blockhash', 'md5'], dihedral: true } as const;
    for (const path of photos) {
      const inThread = await outcome(hashImage(path, { ...options, workers: false }));
      const inWorker = await outcome(hashImage(path, { ...options, workers: pool }));
      expect(inWorker, path).toEqual(inThread);
      const bytes = readFileSync(path);
      const fromBytes = await outcome(hashImage(bytes, { ...options, workers: pool }));
      expect(fromBytes, path).toEqual(await outcome(hashImage(bytes, { ...options, workers: false })));
      expect(bytes.equals(readFileSync(path)), 'the caller buffer is left as it was').toBe(true);
    }
  });
});
