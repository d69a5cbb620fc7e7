import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { type Hash, hashFromHex } from '../../src/core/hash.js';
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

  it('csv with no entries is the header alone, which reads back as ERR_LIST_EMPTY (no usable hash)', () => {
    const text = formatHashList([], { format: 'csv', columns: ['path'] });
    expect(text).toBe('hash,path\n');
    expect(thrown(() => parseHashList(text)).code).toBe('ERR_LIST_EMPTY');
  });

  it('threatexchange, hma, stopncii, pdq-photo-hasher, pdq-int64: the lines those tools read', () => {
    const one = [{ hash: hashA, metadata: 'images/bridge-mods/aaa-orig.jpg' }];
    expect(formatHashList(one, { format: 'threatexchange' })).toBe(`pdq ${A.hash}\n`);
    expect(formatHashList(one, { format: 'hma' })).toBe(`{"pdq":"${A.hash}"}\n`);
    expect(
      formatHashList([{ hash: hashA, metadata: { caseNumbers: { c1: 'Active' } } }], { format: 'stopncii' }),
    ).toBe(`{"hashValue":"${A.hash}","signalType":"ImagePDQ","caseNumbers":{"c1":"Active"}}\n`);
    // As fixtures/pdq/expected/cpp-fullres.csv prints it (the C++ reference).
    expect(formatHashList(one, { format: 'pdq-photo-hasher' })).toBe(
      `${A.hash},100,images/bridge-mods/aaa-orig.jpg\n`,
    );
  });

  it('pdq-int64: the words pdq/sql/README.md lists for bridge-1-original.jpg', () => {
    // pdq-photo-hasher --int64 output quoted in ThreatExchange's pdq/sql/README.md.
    const text = formatHashList(
      [{ hash: hashA, metadata: './data/reg-test-input/dih/bridge-1-original.jpg' }],
      {
        format: 'pdq-int64',
      },
    );
    expect(text).toBe(
      '-506390186751121329,447837829151548400,-5517420998596354531,3739874024492931874,100,./data/reg-test-input/dih/bridge-1-original.jpg\n',
    );
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

// Round trips of every format (property tests): test/lists/contract.test.ts.
