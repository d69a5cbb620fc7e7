/**
 * The contract every hash-list format keeps, run on each format the registry holds (a new format
 * fails the first test until it has a row here):
 * - parse what it writes (property, random hashes, qualities and metadata of the format's kind):
 *   same hashes, same metadata where the format carries it, same quality where it carries one,
 *   whether the format is given or detected, whole or streamed in random chunks;
 * - a malformed entry is an error naming its line; with `lenient` it is skipped and the rest read;
 * - a list with no entry is ERR_LIST_EMPTY, never an empty result.
 * Formats imprint writes are rendered by the library's writer; the others by the shape their
 * tool writes (see fixtures/lists/README.md), built here from the test's own data.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { type Hash, hashToHex } from '../../src/core/hash.js';
import { isReservedColumn } from '../../src/lists/formats/csv.js';
import { READ_FORMATS } from '../../src/lists/formats/index.js';
import { parseHashList, readHashList } from '../../src/lists/read.js';
import type { HashListFormat, HashListWriteFormat } from '../../src/lists/types.js';
import { formatHashList } from '../../src/lists/write.js';
import { ensureListAlgorithm, splitAt } from './helpers.js';

interface Item {
  hash: Hash;
  metadata: unknown;
}

interface Contract {
  /** The format read (and, for writers, written). */
  format: HashListFormat;
  /** Algorithm of the list (default pdq). */
  algorithm?: 'pdq' | 'md5';
  /** What auto-detection reports (default: `format`). */
  detectedAs?: HashListFormat | ((items: readonly Item[]) => HashListFormat);
  /** The list as its tool writes it. */
  render(items: readonly Item[]): string;
  /** Metadata of one entry. */
  metadata: fc.Arbitrary<unknown>;
  /** The metadata read back (default: the same). */
  back?(metadata: unknown, index: number): unknown;
  /** Whether the format carries the quality (`always`: every entry has one). */
  quality?: boolean | 'always';
  /** Text that marks an entry's line, and its malformed replacement (default: the hex, one digit made `g`). */
  corrupt?(item: Item): [string, string];
  /** Line an entry's error names, from the index of the line holding its marker (default: that line). */
  entryLine?(lines: readonly string[], markerIndex: number): number;
}

// ---- Generators -------------------------------------------------------------------------------

const awkward = fc.constantFrom(
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
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
/** One line, no tab, no surrounding spaces (text after a hash and a space). */
const wordsText = oneLineText.map((s) => s.replace(/[\t\u2028]/g, ' ').trim()).filter((s) => s !== '');
const jsonKey = fc
  .string({ maxLength: 6 })
  .filter(
    (k) =>
      ![
        'hash',
        'algorithm',
        'quality',
        'hashValue',
        'hashRecords',
        'hash_digest',
        'signalType',
        'hashStatus',
      ].includes(k),
  );
const jsonMetadata = fc.option(
  fc.dictionary(jsonKey, fc.oneof(fc.jsonValue(), textArb), { minKeys: 1, maxKeys: 4 }),
  {
    nil: undefined,
  },
);
const qualityArb = fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined });

const fromJson = (m: unknown) => (m === undefined ? undefined : JSON.parse(JSON.stringify(m)));
const writer = (format: HashListWriteFormat) => (items: readonly Item[]) => formatHashList(items, { format });

// ---- The formats ------------------------------------------------------------------------------

const CONTRACTS: Contract[] = [
  { format: 'plain', render: writer('plain'), metadata: fc.constant(undefined) },
  {
    format: 'hash-metadata',
    // Without any metadata, the lines are bare hashes: plain.
    detectedAs: (items) => (items.every((i) => i.metadata === undefined) ? 'plain' : 'hash-metadata'),
    render: writer('hash-metadata'),
    // `hash,7,path` lines are pdq-photo-hasher's; leave that shape out of this format's metadata.
    metadata: fc.option(
      oneLineText.filter((m) => !/^[0-9]{0,3}\s*,/.test(m)),
      { nil: undefined },
    ),
  },
  {
    format: 'pdq-photo-hasher',
    render: writer('pdq-photo-hasher'),
    metadata: oneLineText,
    quality: true,
  },
  {
    format: 'pdq-int64',
    render: writer('pdq-int64'),
    metadata: oneLineText,
    quality: true,
    corrupt: (item) => {
      const word = BigInt.asIntN(64, BigInt(`0x${hashToHex(item.hash).slice(0, 16)}`)).toString();
      return [`${word},`, `x${word},`];
    },
  },
  {
    format: 'csv',
    render: (items) => formatHashList(items, { format: 'csv', columns: ['note', 'path'] }),
    metadata: fc.record({ note: textArb, path: textArb }),
  },
  { format: 'ndjson', render: writer('ndjson'), metadata: jsonMetadata, back: fromJson, quality: true },
  { format: 'threatexchange', render: writer('threatexchange'), metadata: fc.constant(undefined) },
  {
    // threatexchange dataset -P: "<type> <hash> <collab and opinion>".
    format: 'threatexchange',
    render: (items) => items.map((i) => `pdq ${hashToHex(i.hash)} ${i.metadata}\n`).join(''),
    metadata: wordsText.map((t) => `'Sample Signals' ${t}`),
  },
  { format: 'hma', detectedAs: 'ndjson', render: writer('hma'), metadata: fc.constant(undefined) },
  {
    format: 'stopncii',
    detectedAs: 'ndjson',
    render: writer('stopncii'),
    metadata: jsonMetadata,
    back: (m) => ({ ...fromJson(m), signalType: 'ImagePDQ' }),
  },
  {
    // vpdq-hash-video lines: frameNumber,quality,pdqHash,timestampSec.
    format: 'vpdq',
    render: (items) =>
      items
        .map((i, n) => `${n},${i.hash.quality ?? 0},${hashToHex(i.hash)},${(n / 30).toFixed(3)}\n`)
        .join(''),
    metadata: fc.constant(undefined),
    back: (_m, n) => ({ frame: n, timestamp: Number((n / 30).toFixed(3)) }),
    quality: 'always',
  },
  {
    // python-threatexchange / HMA vPDQ signal: JSON array of "hash,quality,timestamp".
    format: 'vpdq',
    render: (items) =>
      `[${items.map((i, n) => JSON.stringify(`${hashToHex(i.hash)},${i.hash.quality ?? 0},${n}.0`)).join(',\n')}]`,
    metadata: fc.constant(undefined),
    back: (_m, n) => ({ frame: n, timestamp: n }),
    quality: 'always',
  },
  {
    // A JSON array of records, one per line.
    format: 'json',
    render: (items) =>
      `[\n${items
        .map((i) =>
          JSON.stringify({
            ...(i.metadata as object),
            hash: hashToHex(i.hash),
            ...(i.hash.quality === undefined ? {} : { quality: i.hash.quality }),
          }),
        )
        .join(',\n')}\n]\n`,
    metadata: jsonMetadata,
    back: fromJson,
    quality: true,
  },
  {
    format: 'ncmec-xml',
    algorithm: 'md5',
    render: (items) =>
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">\n<images count="${items.length}">\n${items
        .map(
          (i) =>
            `<image>\n<id>${i.metadata}</id>\n<fingerprints>\n<md5>${hashToHex(i.hash)}</md5>\n<pdna>a1a1a1...</pdna>\n</fingerprints>\n</image>\n`,
        )
        .join('')}</images>\n</queryResult>\n`,
    metadata: fc.stringMatching(/^[a-z0-9]{1,8}$/),
    back: (m) => ({ kind: 'image', id: m }),
    entryLine: (lines, at) => {
      let i = at;
      while (!lines[i]!.includes('<image>')) i--;
      return i + 1;
    },
  },
];

const hashArb = (algorithm: 'pdq' | 'md5', quality: Contract['quality']) =>
  fc
    .tuple(
      fc.uint8Array({ minLength: algorithm === 'pdq' ? 32 : 16, maxLength: algorithm === 'pdq' ? 32 : 16 }),
      quality === 'always' ? fc.integer({ min: 0, max: 100 }) : quality ? qualityArb : fc.constant(undefined),
    )
    .map(
      ([bytes, quality]): Hash => ({
        algorithm,
        bits: algorithm === 'pdq' ? 256 : 128,
        bytes,
        ...(quality === undefined ? {} : { quality }),
      }),
    );

const itemsArb = (c: Contract, minLength: number) =>
  fc
    .array(fc.tuple(hashArb(c.algorithm ?? 'pdq', c.quality), c.metadata), { minLength, maxLength: 8 })
    .map((rows) => rows.map(([hash, metadata]) => ({ hash, metadata })));

/** What a read list should give back for `items`. */
function expected(c: Contract, items: readonly Item[]) {
  return items.map((i, n) => ({
    hex: hashToHex(i.hash),
    quality: c.quality ? i.hash.quality : undefined,
    metadata: c.back ? c.back(i.metadata, n) : i.metadata,
  }));
}

function got(entries: readonly { hash: Hash; metadata: unknown }[]) {
  return entries.map((e) => ({ hex: hashToHex(e.hash), quality: e.hash.quality, metadata: e.metadata }));
}

beforeAll(() => ensureListAlgorithm('md5', 128));

describe('hash-list format contract', () => {
  it('every registered format has a contract row', () => {
    expect([...new Set(CONTRACTS.map((c) => c.format))].sort()).toEqual([...READ_FORMATS].sort());
  });

  for (const [n, c] of CONTRACTS.entries()) {
    const name = `${c.format}${CONTRACTS.findIndex((d) => d.format === c.format) === n ? '' : ` (shape ${n})`}`;
    const options = { algorithm: c.algorithm ?? 'pdq' };

    describe(name, () => {
      it('reads what it writes, given or detected, whole or streamed (property)', async () => {
        await fc.assert(
          fc.asyncProperty(itemsArb(c, 1), fc.array(fc.nat(4000), { maxLength: 5 }), async (items, cuts) => {
            const text = c.render(items);
            const want = expected(c, items);
            const given = parseHashList(text, { ...options, format: c.format });
            expect(got(given.entries)).toEqual(want);
            const detected = parseHashList(text, options);
            const detectedAs =
              typeof c.detectedAs === 'function' ? c.detectedAs(items) : (c.detectedAs ?? c.format);
            expect(detected.stats.format).toBe(detectedAs);
            expect(got(detected.entries)).toEqual(want);
            const streamed = await readHashList(
              splitAt(new TextEncoder().encode(text), cuts),
              options,
            ).toArray();
            expect(streamed).toEqual(detected.entries);
          }),
          { numRuns: 60 },
        );
      });

      it('names the line of a malformed entry, and skips it when lenient', () => {
        fc.assert(
          fc.property(itemsArb(c, 3), (items) => {
            const three = items.slice(0, 3);
            const text = c.render(three);
            const [marker, bad] = c.corrupt?.(three[1]!) ?? [
              hashToHex(three[1]!.hash),
              `${hashToHex(three[1]!.hash).slice(0, -1)}g`,
            ];
            // The marker must single out the second entry (random hashes: they differ).
            fc.pre(text.split(marker).length === 2);
            const broken = text.replace(marker, bad);
            const lines = broken.split('\n');
            const at = lines.findIndex((l) => l.includes(bad));
            const line = c.entryLine ? c.entryLine(lines, at) : at + 1;
            let error: unknown;
            try {
              parseHashList(broken, { ...options, format: c.format, source: 'list' });
            } catch (err) {
              error = err;
            }
            expect(error).toBeInstanceOf(ImprintError);
            expect(['ERR_INVALID_HASH', 'ERR_HASH_LIST_SYNTAX']).toContain((error as ImprintError).code);
            expect((error as ImprintError).location).toEqual({ source: 'list', line });

            const lenient = parseHashList(broken, { ...options, format: c.format, lenient: true });
            expect(got(lenient.entries)).toEqual(
              [expected(c, three)[0], expected(c, three)[2]].map((e, k) => ({
                ...e,
                // vPDQ frames are numbered by position, which the skipped one keeps.
                ...(c.format === 'vpdq' ? { metadata: c.back!(three[k * 2]!.metadata, k * 2) } : {}),
              })),
            );
            expect(lenient.stats.skipped).toBe(1);
            expect(lenient.problems.map((p) => p.location?.line)).toEqual([line]);
          }),
          { numRuns: 20 },
        );
      });

      it('a list with no entry is ERR_LIST_EMPTY', () => {
        let error: unknown;
        try {
          parseHashList(c.render([]), { ...options, format: c.format });
        } catch (err) {
          error = err;
        }
        expect((error as ImprintError).code).toBe('ERR_LIST_EMPTY');
      });
    });
  }
});

describe('writers refuse what the target tool has no room for', () => {
  const md5 = { algorithm: 'md5', bits: 128, bytes: new Uint8Array(16).fill(7) };
  const phash = { algorithm: 'phash', bits: 64, bytes: new Uint8Array(8).fill(7) };

  it('md5 is video_md5 for python-threatexchange and HMA, VideoMD5 for StopNCII', () => {
    const hex = '07'.repeat(16);
    expect(formatHashList([{ hash: md5 }], { format: 'threatexchange' })).toBe(`video_md5 ${hex}\n`);
    expect(formatHashList([{ hash: md5 }], { format: 'hma' })).toBe(`{"video_md5":"${hex}"}\n`);
    expect(formatHashList([{ hash: md5 }], { format: 'stopncii' })).toBe(
      `{"hashValue":"${hex}","signalType":"VideoMD5"}\n`,
    );
  });

  it('an algorithm the tool has no type for is ERR_INVALID_ARGUMENT', () => {
    for (const format of ['threatexchange', 'hma', 'stopncii'] as const) {
      expect(() => formatHashList([{ hash: phash }], { format })).toThrow(/Expected/);
    }
  });

  it('CSV columns the reader would take for the hash or its type are refused', () => {
    for (const column of ['PDQ Hash', 'pdq_hash', 'hash value', 'Signal Type', 'algorithm']) {
      expect(isReservedColumn(column, 'pdq')).toBe(true);
      expect(() =>
        formatHashList(
          [{ hash: { algorithm: 'pdq', bits: 256, bytes: new Uint8Array(32) }, metadata: { [column]: 'x' } }],
          {
            format: 'csv',
          },
        ),
      ).toThrow(ImprintError);
    }
    expect(isReservedColumn('path', 'pdq')).toBe(false);
  });
});
