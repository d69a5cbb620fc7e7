import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getBit,
  type Hash,
  hammingDistance,
  hashEquals,
  hashFromBitsMsbFirst,
  hashFromHex,
  hashToHex,
  hexLength,
  popcount32,
} from '../../src/core/hash.js';

const bitLengths = fc.constantFrom(1, 7, 8, 42, 63, 64, 144, 256);
const hashOf = (bits: number): fc.Arbitrary<Hash> =>
  fc.array(fc.boolean(), { minLength: bits, maxLength: bits }).map((b) => hashFromBitsMsbFirst('test', b));

describe('hex', () => {
  it('round-trips any hash of any length through hex', () => {
    fc.assert(
      fc.property(
        bitLengths.chain((bits) => hashOf(bits)),
        (h) => {
          const hex = hashToHex(h);
          expect(hex).toHaveLength(hexLength(h.bits));
          expect(hex).toMatch(/^[0-9a-f]+$/);
          expect(hashEquals(hashFromHex('test', h.bits, hex), h)).toBe(true);
        },
      ),
    );
  });

  it('reads upper case and writes lower case, as the reference tools do', () => {
    const hex = 'F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22';
    expect(hashToHex(hashFromHex('pdq', 256, hex))).toBe(hex.toLowerCase());
  });

  it('puts the most significant bits first: bit 255 is the first hex digit top bit', () => {
    const h = hashFromHex('pdq', 256, `8${'0'.repeat(63)}`);
    expect(getBit(h, 255)).toBe(1);
    expect(getBit(h, 0)).toBe(0);
    expect(getBit(hashFromHex('pdq', 256, `${'0'.repeat(63)}1`), 0)).toBe(1);
  });

  it.each([
    ['too short', 'abc'],
    ['too long', 'f'.repeat(65)],
    ['not hex', `${'f'.repeat(63)}g`],
    ['empty', ''],
    ['spaces', ` ${'f'.repeat(63)}`],
  ])('rejects %s with ERR_INVALID_HASH', (_, hex) => {
    expect(() => hashFromHex('pdq', 256, hex)).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_HASH' }),
    );
  });

  it('rejects hex with bits beyond the length for non-byte-aligned hashes', () => {
    expect(hashToHex(hashFromHex('x', 42, '3ffffffffff'))).toBe('3ffffffffff');
    expect(() => hashFromHex('x', 42, '7ffffffffff')).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_HASH' }),
    );
  });
});

describe('Hamming distance', () => {
  const pair = bitLengths.chain((bits) => fc.tuple(hashOf(bits), hashOf(bits), hashOf(bits)));

  it('is a metric (identity, symmetry, triangle inequality)', () => {
    fc.assert(
      fc.property(pair, ([a, b, c]) => {
        expect(hammingDistance(a, a)).toBe(0);
        expect(hammingDistance(a, b)).toBe(hammingDistance(b, a));
        expect(hammingDistance(a, c)).toBeLessThanOrEqual(hammingDistance(a, b) + hammingDistance(b, c));
        expect(hammingDistance(a, b) === 0).toBe(hashEquals(a, b));
      }),
    );
  });

  it('equals the count of differing bits by definition', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        let d = 0;
        for (let k = 0; k < a.bits; k++) d += getBit(a, k) === getBit(b, k) ? 0 : 1;
        expect(hammingDistance(a, b)).toBe(d);
      }),
    );
  });

  it('refuses to compare different algorithms or lengths', () => {
    const a = hashFromHex('pdq', 256, '0'.repeat(64));
    const b = hashFromHex('phash', 64, '0'.repeat(16));
    expect(() => hammingDistance(a, b)).toThrowError(
      expect.objectContaining({ code: 'ERR_ALGORITHM_MISMATCH' }),
    );
    expect(hashEquals(a, { ...a, algorithm: 'other' })).toBe(false);
  });

  it('popcount32 counts bits of any 32-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => {
        expect(popcount32(x)).toBe(x.toString(2).split('1').length - 1);
      }),
    );
  });
});
