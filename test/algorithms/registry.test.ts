import { describe, expect, it } from 'vitest';
import { pdqStableBits } from '../../src/algorithms/pdq/pdq-stable.js';
import { getAlgorithm, listAlgorithms, registerAlgorithm } from '../../src/algorithms/registry.js';
import { ImprintError } from '../../src/core/errors.js';
import { getMethod } from '../../src/matching/methods/methods.js';

describe('registry refusals and error codes', () => {
  it('registerAlgorithm refuses to replace a built-in, keeping the built-in', () => {
    const pdq = getAlgorithm('pdq');
    for (const name of ['pdq', 'phash', 'md5', 'blockhash']) {
      expect(() => registerAlgorithm({ ...getAlgorithm(name), description: 'impostor' })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARGUMENT',
          message: expect.stringContaining(`"${name}"`),
        }),
      );
    }
    expect(getAlgorithm('pdq')).toBe(pdq);
    expect(listAlgorithms().filter((a) => a.name === 'pdq')).toHaveLength(1);
  });

  it('registers a new name once; the same object again is a no-op, another under its name is refused', () => {
    const mine = { ...getAlgorithm('phash'), name: 'registry-test-phash' };
    registerAlgorithm(mine);
    registerAlgorithm(mine);
    expect(getAlgorithm('registry-test-phash')).toBe(mine);
    expect(() => registerAlgorithm({ ...mine })).toThrow(ImprintError);
  });

  it('an unknown algorithm and an unknown method are both coded ERR_UNKNOWN_*, naming the known ones', () => {
    expect(() => getAlgorithm('nope')).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_ALGORITHM', message: expect.stringContaining('pdq') }),
    );
    expect(() => getMethod('nope')).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_METHOD', message: expect.stringContaining('pdq-max') }),
    );
  });

  it('pdqStableBits refuses a block of the wrong size with a coded ImprintError', () => {
    expect(() => pdqStableBits(new Float32Array(255))).toThrow(
      expect.objectContaining({ name: 'ImprintError', code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
