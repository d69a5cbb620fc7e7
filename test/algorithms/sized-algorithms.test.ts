/** Naming of non-default sizes: one name per size, so lists and indexes never mix sizes. */
import { describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/algorithms/registry.js';
import { sizedAlgorithm } from '../../src/algorithms/sized-algorithms.js';
import { ImprintError } from '../../src/core/errors.js';

describe('sized algorithm names', () => {
  it.each([
    ['phash-32', 1024, 163],
    ['ahash-4', 16, 1],
    ['dhash-vertical-12', 144, 23],
    ['whash-4', 16, 1],
    ['colorhash-4', 56, 2],
    ['blockhash-12', 144, 14],
    ['blockhash-quick-32', 1024, 102],
  ])('%s has %i bits and threshold %i', (name, bits, threshold) => {
    expect(sizedAlgorithm(name)).toMatchObject({ name, bits, defaultThreshold: threshold });
  });

  it('the default sizes are the registered bare names with the reference defaults', () => {
    expect(getAlgorithm('phash')).toMatchObject({ bits: 64, defaultThreshold: 10 });
    expect(getAlgorithm('phash-16')).toMatchObject({ bits: 256, defaultThreshold: 40 });
    expect(getAlgorithm('dhash')).toMatchObject({ bits: 64, defaultThreshold: 10 });
    expect(getAlgorithm('ahash')).toMatchObject({ bits: 64, defaultThreshold: 6 });
    expect(getAlgorithm('whash')).toMatchObject({ bits: 64, defaultThreshold: 6 });
    expect(getAlgorithm('colorhash')).toMatchObject({ bits: 42, defaultThreshold: 2 });
    expect(getAlgorithm('blockhash')).toMatchObject({ bits: 256, defaultThreshold: 25 });
    expect(getAlgorithm('blockhash-quick')).toMatchObject({ bits: 256, defaultThreshold: 25 });
    expect(getAlgorithm('md5')).toMatchObject({ bits: 128, defaultThreshold: 0, kind: 'exact' });
    expect(getAlgorithm('sha256')).toMatchObject({ bits: 256, defaultThreshold: 0, kind: 'exact' });
  });

  it('refuses the default size spelled out, and sizes a family does not have', () => {
    for (const name of [
      'phash-8',
      'colorhash-3',
      'blockhash-16',
      'whash-12',
      'blockhash-6',
      'phash-1',
      'ahash-65',
    ]) {
      expect(() => sizedAlgorithm(name), name).toThrow(ImprintError);
      try {
        sizedAlgorithm(name);
      } catch (err) {
        expect((err as ImprintError).code).toBe('ERR_UNKNOWN_ALGORITHM');
      }
    }
  });

  it('are found by getAlgorithm without registering them (the CLI and lists accept them)', () => {
    const first = getAlgorithm('phash-32');
    expect(first).toMatchObject({ name: 'phash-32', bits: 1024 });
    expect(getAlgorithm('phash-32')).toBe(first);
    expect(() => getAlgorithm('phash-8')).toThrow(/default size of phash is named "phash"/);
    expect(() => getAlgorithm('nohash')).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_ALGORITHM' }));
  });

  it('leaves names of other families alone', () => {
    for (const name of ['pdq', 'md5', 'sha256', 'phash16', 'foo-8', 'PHASH'])
      expect(sizedAlgorithm(name)).toBeUndefined();
  });
});
