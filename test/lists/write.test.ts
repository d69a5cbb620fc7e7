import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { type Hash, hashFromHex, hashToHex } from '../../src/core/hash.js';
import { parseHashList } from '../../src/lists/read.js';
import { formatHashList, HashListWriter } from '../../src/lists/write.js';
import { ensureListAlgorithm, referencePdq } from './helpers.js';

const PDQ = referencePdq();
const A = PDQ.get('images/bridge-mods/aaa-orig.jpg')!;
const B = PDQ.get('images/misc/wee.jpg')!;
const hashA = hashFromHex('pdq', 256, A.hash, A.quality);
const hashB = hashFromHex('pdq', 256, B.hash);

function thrown(fn: () => unknown): ImprintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImprintError) return err;
    throw err;
  }
  throw new Error('expected an ImprintError');
}

beforeAll(() => ensureListAlgorithm('md5', 128));

describe('output of each format', () => {
  const entries = [
    { hash: hashA, metadata: { path: 'a,b.jpg', note: 'say "hi"' } },
    { hash: hashB, metadata: { path: 'two\nlines', note: '' } },
  ];

  it('plain', () => {
    expect(formatHashList(entries, { format: 'plain' })).toBe(`${A.hash}\n${B.hash}\n`);
  });

  it('hash-metadata (strings verbatim, objects as JSON, none without a comma)', () => {
    const text = formatHashList(
      [{ hash: hashA, metadata: 'case 1, "x"' }, { hash: hashB, metadata: { n: 1 } }, { hash: hashA }],
      { format: 'hash-metadata' },
    );
    expect(text).toBe(`${A.hash},case 1, "x"\n${B.hash},{"n":1}\n${A.hash}\n`);
  });

  it('csv (header, RFC 4180 quoting only where needed)', () => {
    expect(formatHashList(entries, { format: 'csv' })).toBe(
      `hash,path,note\n${A.hash},"a,b.jpg","say ""hi"""\n${B.hash},"two\nlines",\n`,
    );
  });

  it('ndjson (hash, algorithm, quality, then metadata)', () => {
    expect(formatHashList(entries, { format: 'ndjson' })).toBe(
      `{"hash":"${A.hash}","algorithm":"pdq","quality":100,"path":"a,b.jpg","note":"say \\"hi\\""}\n` +
        `{"hash":"${B.hash}","algorithm":"pdq","path":"two\\nlines","note":""}\n`,
    );
  });

  it('csv with no entries is the header alone, and reads back empty', () => {
    const text = formatHashList([], { format: 'csv', columns: ['path'] });
    expect(text).toBe('hash,path\n');
    expect(parseHashList(text).entries).toEqual([]);
  });
});

describe('refusals (metadata is never altered or dropped silently)', () => {
  const cases: [string, () => unknown, string][] = [
    [
      'line break in hash-metadata',
      () => formatHashList([{ hash: hashA, metadata: 'a\nb' }], { format: 'hash-metadata' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'carriage return in hash-metadata',
      () => formatHashList([{ hash: hashA, metadata: 'a\r' }], { format: 'hash-metadata' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'reserved NDJSON key',
      () => formatHashList([{ hash: hashA, metadata: { hashValue: 'x' } }], { format: 'ndjson' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'CSV key the reader would take for the hash',
      () => formatHashList([{ hash: hashA, metadata: { PDQ: 'x' } }], { format: 'csv' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'CSV type column',
      () => formatHashList([{ hash: hashA, metadata: { signal_type: 'x' } }], { format: 'csv' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'CSV key missing from the columns',
      () =>
        formatHashList(
          [
            { hash: hashA, metadata: { a: '1' } },
            { hash: hashB, metadata: { b: '2' } },
          ],
          { format: 'csv' },
        ),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'BigInt metadata',
      () => formatHashList([{ hash: hashA, metadata: { n: 1n } }], { format: 'ndjson' }),
      'ERR_INVALID_ARGUMENT',
    ],
    [
      'mixed algorithms',
      () =>
        formatHashList(
          [{ hash: hashA }, { hash: hashFromHex('md5', 128, '749476eb0cd128289f0dec3e062da83c') }],
          {
            format: 'plain',
          },
        ),
      'ERR_ALGORITHM_MISMATCH',
    ],
    ['unknown format', () => new HashListWriter({ format: 'xml' as 'csv' }), 'ERR_INVALID_ARGUMENT'],
    [
      'not an entry',
      () => new HashListWriter({ format: 'plain' }).write({} as { hash: Hash }),
      'ERR_INVALID_ARGUMENT',
    ],
  ];
  for (const [name, fn, code] of cases) it(name, () => expect(thrown(fn).code).toBe(code));
});

// ---- Round trips -------------------------------------------------------------------------------

const hashArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => ({ algorithm: 'pdq', bits: 256, bytes }));
const awkward = fc.constantFrom(
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  '#',
  ' ',
  '\t',
  'é',
  '😀',
  '\u2028',
  '\ufeff',
  '{',
  '\\',
);
const textArb = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), awkward), { maxLength: 6 })
  .map((parts) => parts.join(''));
const oneLineText = textArb.map((s) => s.replace(/[\r\n]/g, ''));
const RESERVED = new Set([
  'hash',
  'signal',
  'signal_str',
  'signal_type',
  'algorithm',
  'pdq',
  'imagepdq',
  'hash_pdq',
]);
const columnArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
  .filter((s) => s === s.trim() && s !== '' && !RESERVED.has(s.toLowerCase()));

function hexesOf(entries: readonly { hash: Hash }[]): string[] {
  return entries.map((e) => hashToHex(e.hash));
}

describe('round trips (property)', () => {
  it('plain', () => {
    fc.assert(
      fc.property(fc.array(hashArb, { maxLength: 20 }), (hashes) => {
        const text = formatHashList(
          hashes.map((hash) => ({ hash })),
          { format: 'plain' },
        );
        const back = parseHashList(text);
        expect(hexesOf(back.entries)).toEqual(hexesOf(hashes.map((hash) => ({ hash }))));
        expect(back.entries.every((e) => e.metadata === undefined)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('hash-metadata (metadata without line breaks, or none)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hashArb, fc.option(oneLineText, { nil: undefined })), { maxLength: 12 }),
        (rows) => {
          const entries = rows.map(([hash, metadata]) => ({ hash, metadata }));
          const back = parseHashList(formatHashList(entries, { format: 'hash-metadata' }));
          expect(back.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual(
            entries.map((e) => [hashToHex(e.hash), e.metadata]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('csv (any text in cells: commas, quotes, CR/LF, unicode)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(columnArb, { maxLength: 4 }),
        fc.array(fc.tuple(hashArb, fc.array(textArb, { minLength: 4, maxLength: 4 })), { maxLength: 10 }),
        (columns, rows) => {
          const entries = rows.map(([hash, cells]) => ({
            hash,
            metadata: Object.fromEntries(columns.map((c, i) => [c, cells[i]!])),
          }));
          const text = formatHashList(entries, { format: 'csv', columns });
          const back = parseHashList(text);
          expect(back.stats.format).toBe('csv');
          expect(back.entries.map((e) => [hashToHex(e.hash), e.metadata ?? {}])).toEqual(
            entries.map((e) => [hashToHex(e.hash), e.metadata]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('ndjson (JSON metadata of any shape, quality kept)', () => {
    const keyArb = fc
      .string({ maxLength: 6 })
      .filter((k) => !['hash', 'algorithm', 'quality', 'hashValue', 'hashRecords'].includes(k));
    const metadataArb = fc.option(
      fc.dictionary(keyArb, fc.oneof(fc.jsonValue(), textArb), { minKeys: 1, maxKeys: 4 }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(hashArb, fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), metadataArb),
          {
            maxLength: 10,
          },
        ),
        (rows) => {
          const entries = rows.map(([hash, quality, metadata]) => ({
            hash: (quality === undefined ? hash : { ...hash, quality }) as Hash,
            metadata,
          }));
          const back = parseHashList(formatHashList(entries, { format: 'ndjson' }));
          expect(back.entries.map((e) => [hashToHex(e.hash), e.hash.quality, e.metadata])).toEqual(
            // JSON is the reference for what metadata survives (e.g. -0 becomes 0).
            entries.map((e) => [
              hashToHex(e.hash),
              e.hash.quality,
              e.metadata === undefined ? undefined : JSON.parse(JSON.stringify(e.metadata)),
            ]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
