/**
 * One progress shape: loading a known list, hashing and matching batches all report `Progress`
 * objects through `onProgress` (video hashing is checked in test/video/ffmpeg.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/core/progress.js';
import { loadKnownList } from '../../src/node/known-list.js';
import { matchFiles } from '../../src/sharp/match-image.js';
import { fixture } from '../helpers.js';

describe('onProgress', () => {
  it('loadKnownList reports phase loading, the hashes read so far and the list', async () => {
    const path = fixture('lists', 'imprint-hash.ndjson');
    const seen: Progress[] = [];
    const { stats } = await loadKnownList(path, { onProgress: (p) => seen.push(p), keepWeak: true });
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p).toMatchObject({ phase: 'loading', total: undefined, path });
    expect(seen.at(-1)?.done).toBe(stats.entries);
  });

  it('matchFiles reports phase matching, one report per file, done counting up to total', async () => {
    const { index } = await loadKnownList(fixture('lists', 'imprint-hash.ndjson'), { keepWeak: true });
    const paths = [fixture('photos', 'rocket.jpg'), fixture('photos', 'truncated-coffee.jpg')];
    const seen: Progress[] = [];
    for await (const _ of matchFiles(paths, index, { onProgress: (p) => seen.push(p), workers: false })) {
      // drain
    }
    expect(seen.map((p) => [p.phase, p.done, p.total])).toEqual([
      ['matching', 1, 2],
      ['matching', 2, 2],
    ]);
    expect(seen.at(-1)?.failed).toBe(1);
    expect(seen.map((p) => p.path).sort()).toEqual([...paths].sort());
  });
});
