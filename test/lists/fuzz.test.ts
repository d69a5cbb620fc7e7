/**
 * Hostile input for every reader: random bytes, every truncation of the real samples, flipped
 * bits. Whatever comes in, reading ends with entries or with an ImprintError that has a code and
 * names a line; never another exception, never a hang.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { READ_FORMATS } from '../../src/lists/formats/index.js';
import { parseHashList, readHashList } from '../../src/lists/read.js';
import type { HashListFormat, ReadHashListOptions } from '../../src/lists/types.js';
import { ensureListAlgorithm, fixture, splitAt } from './helpers.js';

const FORMATS: (HashListFormat | 'auto')[] = ['auto', ...READ_FORMATS];
const LIST_CODES = new Set(['ERR_HASH_LIST_SYNTAX', 'ERR_INVALID_HASH', 'ERR_LIST_EMPTY']);

const SAMPLES = [
  ['pdq', 'expected', 'upstream-pytx-PdqSignal-examples.csv'],
  ['pdq', 'expected', 'upstream-java-PDQHasherTest.csv'],
  ['lists', 'pdq-photo-hasher-details.txt'],
  ['lists', 'threatexchange-dataset.txt'],
  ['lists', 'threatexchange-dataset.csv'],
  ['lists', 'stopncii-fetchhashes.json'],
  ['lists', 'stopncii-records.ndjson'],
  ['lists', 'hma-bank-content.ndjson'],
  ['lists', 'imprint-hash.ndjson'],
  ['lists', 'threatexchange-dataset-mixed.txt'],
  ['lists', 'threatexchange-rotations.txt'],
  ['lists', 'pdq-photo-hasher-int64.txt'],
  ['pdq', 'expected', 'upstream-wasm-PDQMD5TestData.csv'],
  ['lists', 'vpdq-pytx-compact.json'],
  ['lists', 'tat-hash-list.json'],
  ['lists', 'hand-written.tsv'],
  ['lists', 'hand-written-semicolon.csv'],
  ['lists', 'unclosed-quote.csv'],
  ['lists', 'ncmec-entries.xml'],
].map((parts) => readFileSync(fixture(...parts)));

/**
 * Checks a failure: an ImprintError with a list code and a 1-based line, or ERR_LIST_EMPTY (a
 * whole-list verdict, without a line). Plain checks: this runs often.
 */
function checkError(err: unknown): void {
  if (!(err instanceof ImprintError)) throw new Error(`not an ImprintError: ${String(err)}`, { cause: err });
  if (!LIST_CODES.has(err.code)) throw new Error(`unexpected code ${err.code}: ${err.message}`);
  if (err.code === 'ERR_LIST_EMPTY') return;
  const line = err.location?.line;
  if (!Number.isInteger(line) || line! < 1) throw new Error(`no line in: ${err.message}`);
}

/** Either the list reads (every entry a 256-bit hash with a line), or the error is a list error. */
function checkOutcome(
  run: () => { entries: readonly { line: number; hash: { bytes: Uint8Array } }[] },
): void {
  let result: ReturnType<typeof run>;
  try {
    result = run();
  } catch (err) {
    checkError(err);
    return;
  }
  for (const entry of result.entries) {
    if (!(entry.line >= 1) || entry.hash.bytes.length !== 32)
      throw new Error(`bad entry at line ${entry.line}`);
  }
}

async function checkStream(chunks: Uint8Array[], options: ReadHashListOptions): Promise<void> {
  const list = readHashList(chunks, options);
  let yielded = 0;
  try {
    for await (const entry of list) {
      if (!(entry.line >= 1)) throw new Error(`bad line ${entry.line}`);
      yielded++;
    }
  } catch (err) {
    checkError(err);
    return;
  }
  expect(list.stats.entries).toBe(yielded);
}

beforeAll(() => ensureListAlgorithm('md5', 128));

const optionsArb = fc.record({
  format: fc.constantFrom(...FORMATS),
  lenient: fc.boolean(),
  otherAlgorithms: fc.constantFrom('error' as const, 'skip' as const),
  maxLineLength: fc.constantFrom(64, 1000, 1_048_576),
});

describe('fuzz', () => {
  it('random bytes, streamed in random chunks, to every reader', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(600), { maxLength: 5 }),
        optionsArb,
        async (bytes, cuts, options) => checkStream(splitAt(bytes, cuts), options),
      ),
      { numRuns: 300 },
    );
  });

  it('random text built from list-ish pieces, to every reader', () => {
    const piece = fc.constantFrom(
      '\n',
      '\r\n',
      ',',
      '"',
      '{',
      '}',
      '[',
      ']',
      ':',
      '#',
      ' ',
      'hash',
      'pdq',
      'hash=',
      '"hash"',
      '"hashValue"',
      '"hashRecords"',
      '"data"',
      '"signalType":"ImagePDQ"',
      '"signals"',
      'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
      '749476eb0cd128289f0dec3e062da83c',
      '\ufeff',
      '\\',
      'null',
      '12',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), optionsArb, (pieces, options) =>
        checkOutcome(() => parseHashList(pieces.join(''), options)),
      ),
      { numRuns: 500 },
    );
  });

  it('every truncation of the real samples (each read as detected, and lenient)', () => {
    for (const bytes of SAMPLES) {
      const text = new TextDecoder().decode(bytes);
      for (let k = 0; k <= text.length; k++) {
        const lenient = k % 2 === 1;
        checkOutcome(() => parseHashList(text.slice(0, k), { otherAlgorithms: 'skip', lenient }));
      }
    }
  });

  it('flipped bits and bytes in the real samples', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SAMPLES),
        fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(3000), { maxLength: 4 }),
        optionsArb,
        async (sample, flips, cuts, options) => {
          const bytes = sample.slice();
          for (const [at, bit] of flips) bytes[at % bytes.length]! ^= 1 << bit;
          await checkStream(splitAt(bytes, cuts), options);
        },
      ),
      { numRuns: 300 },
    );
  });
});
