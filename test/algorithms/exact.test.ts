/** MD5 and SHA-256 against RFC 1321 / FIPS 180 test strings and against node:crypto. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExactHasher, exactHash } from '../../src/algorithms/exact.js';
import { ImprintError } from '../../src/core/errors.js';
import { hashToHex } from '../../src/core/hash.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('MD5 (RFC 1321 appendix A.5 test suite)', () => {
  it.each([
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('MD5("%s")', (input, hex) => {
    const hash = exactHash('md5', text(input));
    expect(hash).toMatchObject({ algorithm: 'md5', bits: 128 });
    expect(hashToHex(hash)).toBe(hex);
  });
});

describe('SHA-256 (FIPS 180-2 appendix B examples)', () => {
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('SHA-256 of a %#', (input, hex) => {
    const hash = exactHash('sha256', text(input));
    expect(hash).toMatchObject({ algorithm: 'sha256', bits: 256 });
    expect(hashToHex(hash)).toBe(hex);
  });
});

describe('SHA-1 (FIPS 180-2 appendix A examples)', () => {
  it.each([
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  ])('SHA-1("%s")', (input, hex) => {
    const hash = exactHash('sha1', text(input));
    expect(hash).toMatchObject({ algorithm: 'sha1', bits: 160 });
    expect(hashToHex(hash)).toBe(hex);
  });
});

describe('exact hashes vs node:crypto', () => {
  it('agree on random data, in one call and in random chunks', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 5000 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('md5', 'sha1', 'sha256') as fc.Arbitrary<'md5' | 'sha1' | 'sha256'>,
        (bytes, cuts, name) => {
          const expected = createHash(name).update(bytes).digest('hex');
          expect(hashToHex(exactHash(name, bytes))).toBe(expected);
          const hasher = createExactHasher(name);
          const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
          let from = 0;
          for (const p of [...points, bytes.length]) {
            hasher.update(bytes.subarray(from, p));
            from = p;
          }
          expect(hashToHex(hasher.digest())).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('exact hash errors', () => {
  const codeOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (err) {
      return err instanceof ImprintError ? err.code : 'untyped';
    }
    return undefined;
  };

  it('refuses empty input (its digest would match junk list entries)', () => {
    expect(codeOf(() => exactHash('md5', new Uint8Array(0)))).toBe('ERR_EMPTY_INPUT');
    expect(codeOf(() => createExactHasher('sha256').update(new Uint8Array(0)).digest())).toBe(
      'ERR_EMPTY_INPUT',
    );
  });

  it('refuses unknown algorithms, non-bytes and reuse after digest', () => {
    expect(codeOf(() => exactHash('sha512' as never, text('a')))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => exactHash('md5', 'abc' as never))).toBe('ERR_INVALID_ARGUMENT');
    const hasher = createExactHasher('md5').update(text('a'));
    hasher.digest();
    expect(codeOf(() => hasher.digest())).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => hasher.update(text('b')))).toBe('ERR_INVALID_ARGUMENT');
  });
});
