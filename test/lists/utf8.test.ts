import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, Utf8ChunkDecoder } from '../../src/lists/utf8.js';
import { splitAt } from './helpers.js';

/** The simple definition: the longest prefix a strict TextDecoder accepts, found by trying each. */
function firstInvalidByDecoder(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return -1;
  } catch {
    // The first invalid byte is where the longest prefix a strict decode accepts ends (a prefix
    // that cuts a character in two is refused too, so the answer is a character boundary).
    for (let end = bytes.length; end >= 0; end--) {
      try {
        decoder.decode(bytes.subarray(0, end));
        return end;
      } catch {
        /* try a shorter prefix */
      }
    }
    return 0;
  }
}

// Bytes that mix ASCII, valid multi-byte characters and stray bytes.
const mixedBytes = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 3 }).map((s) => [...new TextEncoder().encode(s)]),
      fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 3 }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => new Uint8Array(parts.flat()));

describe('UTF-8', () => {
  it('firstInvalidUtf8 agrees with a strict TextDecoder (property)', () => {
    fc.assert(
      fc.property(fc.oneof(mixedBytes, fc.uint8Array({ maxLength: 24 })), (bytes) => {
        const bad = firstInvalidUtf8(bytes);
        const reference = firstInvalidByDecoder(bytes);
        expect(bad < 0).toBe(reference < 0);
        if (bad >= 0) {
          // The validator points at the first byte of the bad sequence; the decoder's longest
          // valid prefix ends exactly there.
          expect(bad).toBe(reference);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('chunked decoding equals whole decoding, and finds the same first bad byte (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(mixedBytes, fc.uint8Array({ maxLength: 24 })),
        fc.array(fc.nat(30), { maxLength: 5 }),
        (bytes, cuts) => {
          const decoder = new Utf8ChunkDecoder();
          let text = '';
          let invalidAt: number | undefined;
          for (const chunk of [...splitAt(bytes, cuts)]) {
            const out = decoder.decode(chunk);
            text += out.text;
            if (out.invalidAt !== undefined) {
              invalidAt = out.invalidAt;
              break;
            }
          }
          if (invalidAt === undefined) {
            const last = decoder.end();
            text += last.text;
            invalidAt = last.invalidAt;
          }
          const bad = firstInvalidUtf8(bytes);
          if (bad < 0) {
            expect(invalidAt).toBeUndefined();
            expect(text).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
          } else {
            expect(invalidAt).toBe(bad);
            expect(text).toBe(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, bad)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a byte order mark in the middle of the text (only the parser drops the leading one)', () => {
    const decoder = new Utf8ChunkDecoder();
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
    expect(decoder.decode(bom).text).toBe('\ufeffa');
    expect(decoder.decode(bom).text).toBe('\ufeffa');
  });
});
