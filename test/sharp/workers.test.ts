import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FlatIndex } from '../../src/matching/flat-index.js';
import type { KnownVariantMetadata } from '../../src/matching/methods/match.js';
import { hashImage } from '../../src/sharp/hash-image.js';
import { knownImageEntries } from '../../src/sharp/known-images.js';
import { matchImage } from '../../src/sharp/match-image.js';
import { WorkerPool } from '../../src/sharp/worker-pool.js';
import { ROOT } from '../cli/run.js';
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

describe('worker pool (from source)', () => {
  it('starts its threads on first use only', async () => {
    const lazy = new WorkerPool({ size: 2 });
    expect(lazy.threads).toBe(0);
    await hashImage(fixture('photos', 'coffee.jpg'), { workers: lazy });
    expect(lazy.threads).toBe(1);
    await lazy.close();
    await expect(hashImage(fixture('photos', 'coffee.jpg'), { workers: lazy })).rejects.toThrow(/closed/);
  });

  it('hashImage gives identical hashes and errors with and without workers (paths, bytes, streams)', async () => {
    const options = { algorithms: ['pdq', 'phash', 'blockhash', 'md5'], dihedral: true } as const;
    for (const path of photos) {
      const inThread = await outcome(hashImage(path, { ...options, workers: false }));
      const inWorker = await outcome(hashImage(path, { ...options, workers: pool }));
      expect(inWorker, path).toEqual(inThread);
      const bytes = readFileSync(path);
      const fromBytes = await outcome(hashImage(bytes, { ...options, workers: pool }));
      expect(fromBytes, path).toEqual(await outcome(hashImage(bytes, { ...options, workers: false })));
      expect(bytes.equals(readFileSync(path)), 'the caller buffer is left as it was').toBe(true);
      const fromStream = await outcome(hashImage(Readable.from([bytes]), { ...options, workers: pool }));
      expect(fromStream, path).toEqual(fromBytes);
    }
    expect(pool.threads).toBeGreaterThan(0);
  });

  it('matchImage and knownImageEntries give identical results with and without workers', async () => {
    const index = new FlatIndex<string | KnownVariantMetadata<string>>();
    for (const name of ['coffee.jpg', 'rocket.jpg', 'astronaut.jpg']) {
      const inThread = await knownImageEntries(fixture('photos', name), 'pdq-max', name, { workers: false });
      expect(await knownImageEntries(fixture('photos', name), 'pdq-max', name, { workers: pool })).toEqual(
        inThread,
      );
      index.addAll(inThread.entries);
    }
    for (const options of [
      {},
      { method: 'pdq' },
      { dihedral: true },
      { method: 'pdq-stable', minQuality: 0 },
    ]) {
      for (const path of photos) {
        const inThread = await outcome(matchImage(path, index, { ...options, workers: false }));
        expect(await outcome(matchImage(path, index, { ...options, workers: pool })), path).toEqual(inThread);
      }
    }
  });

  it('an abort rejects at once with ERR_ABORTED naming the file, as in the calling thread', async () => {
    const controller = new AbortController();
    const path = fixture('photos', 'landscape-wide-1440.jpg');
    const pending = hashImage(path, { workers: pool, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_ABORTED', location: { source: path } });
  });
});

describe('worker pool (built package)', () => {
  it('runs from dist, gives what the source gives in-thread, and does not keep the process alive', async () => {
    const script = `
      import { hashImage, matchImage } from ${JSON.stringify(join(ROOT, 'dist/sharp/index.js'))};
      import { loadKnownList } from ${JSON.stringify(join(ROOT, 'dist/node/index.js'))};
      const r = await hashImage(${JSON.stringify(fixture('photos', 'rocket.jpg'))}, { algorithms: ['pdq', 'phash'] });
      let error;
      try { await hashImage(${JSON.stringify(fixture('photos', 'truncated-coffee.jpg'))}); } catch (e) { error = { code: e.code, message: e.message }; }
      console.log(JSON.stringify({ hashes: Object.fromEntries(Object.entries(r.hashes).map(([k, h]) => [k, [...h.bytes], h.quality])), error }));
      // no closeWorkers(): idle workers must not hold the process
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const fromDist = JSON.parse(run.stdout);
    const inThread = await hashImage(fixture('photos', 'rocket.jpg'), {
      algorithms: ['pdq', 'phash'],
      workers: false,
    });
    expect(fromDist.hashes).toEqual(
      Object.fromEntries(Object.entries(inThread.hashes).map(([k, h]) => [k, [...h.bytes], h.quality])),
    );
    const error = await outcome(hashImage(fixture('photos', 'truncated-coffee.jpg'), { workers: false }));
    // The code and the file named are ours; the decoder's own words after them come from libvips,
    // which has been seen to word a cut-off JPEG two ways between runs.
    const { code, message } = error as { code: string; message: string };
    expect(fromDist.error.code).toBe(code);
    expect(fromDist.error.message.split(': ')[0]).toBe(message.split(': ')[0]);
  });

  it('starts its workers in a process run with flags a worker refuses (--expose-gc)', () => {
    const script = `
      import { hashImage } from ${JSON.stringify(join(ROOT, 'dist/sharp/index.js'))};
      const r = await hashImage(${JSON.stringify(fixture('photos', 'rocket.jpg'))});
      console.log(r.hashes.pdq.bytes.length);
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('32');
  });
});

describe('worker priority', () => {
  /** Nice values of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
  function threadNiceValues(): number[] {
    return readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
  }

  it.runIf(process.platform === 'linux')(
    'workers run at nice +10 by default, at the process priority on request',
    async () => {
      const before = threadNiceValues().filter((n) => n === 10).length;
      const low = new WorkerPool({ size: 1 });
      await hashImage(fixture('photos', 'coffee.jpg'), { workers: low });
      expect(threadNiceValues().filter((n) => n === 10).length).toBeGreaterThan(before);
      await low.close();
      const normal = new WorkerPool({ size: 1, lowPriority: false });
      const atStart = threadNiceValues().filter((n) => n === 10).length;
      await hashImage(fixture('photos', 'coffee.jpg'), { workers: normal });
      expect(threadNiceValues().filter((n) => n === 10).length).toBe(atStart);
      await normal.close();
    },
  );
});
