import { describe, expect, it } from 'vitest';
import { hashFiles } from '../../src/sharp/batch.js';
import { fixture } from '../helpers.js';

describe('concurrent batches in one process', () => {
  it('share the decoder pool without starving each other', async () => {
    const files = Array.from({ length: 24 }, (_, i) =>
      fixture('photos', ['rocket.jpg', 'flower.jpg', 'china-temple.jpg'][i % 3]!),
    );
    const finished: string[] = [];
    const run = async (name: string) => {
      for await (const r of hashFiles(files, { concurrency: 2 })) {
        expect(r.ok).toBe(true);
        finished.push(name);
      }
    };
    await Promise.all([run('a'), run('b')]);
    expect(finished).toHaveLength(48);
    // Neither batch waits for the other to finish: by the time half of all results are in,
    // both have made progress. (How evenly they share depends on the machine's load, so only
    // starvation, one batch with nothing, fails this.)
    const firstHalf = finished.slice(0, 24);
    expect(firstHalf.filter((n) => n === 'a').length).toBeGreaterThanOrEqual(1);
    expect(firstHalf.filter((n) => n === 'b').length).toBeGreaterThanOrEqual(1);
  });
});
