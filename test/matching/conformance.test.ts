import { describe, expect, it } from 'vitest';
import { hashFromHex } from '../../src/core/hash.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import type { KernelChoice } from '../../src/matching/kernel.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import type { HashIndex, QueryOptions } from '../../src/matching/types.js';
import { fixtureLines } from '../helpers.js';

// The C++ reference's `mih-query -d 31 needles.txt haystack.txt` output (fixtures/pdq/README.md).
function expectedPairs(): string[] {
  const out: string[] = [];
  let needle = '';
  for (const line of fixtureLines('pdq', 'matching', 'expected-mih-query-d31.txt')) {
    const n = /^needle=([0-9a-f]{64})$/.exec(line);
    if (n) {
      needle = n[1]!;
      continue;
    }
    const m = /^d=(\d+),match=([0-9a-f]{64}),idx=(\d+)$/.exec(line);
    if (!m) throw new Error(`unexpected line ${line}`);
    out.push(`${needle} ${m[2]} ${m[3]} ${m[1]}`);
  }
  return out.sort();
}

function ourPairs(index: HashIndex<number>, options: QueryOptions): string[] {
  const haystack = fixtureLines('pdq', 'matching', 'haystack.txt');
  index.addAll(haystack.map((hex, i) => ({ hash: hashFromHex('pdq', 256, hex), metadata: i + 1 })));
  const out: string[] = [];
  for (const needle of fixtureLines('pdq', 'matching', 'needles.txt')) {
    for (const m of index.query(hashFromHex('pdq', 256, needle), { maxDistance: 31, ...options })) {
      for (const line of m.metadata) out.push(`${needle} ${haystack[line - 1]} ${line} ${m.distance}`);
    }
  }
  return out.sort();
}

describe('PDQ reference matching vectors (needles x haystack, d = 31)', () => {
  const expected = expectedPairs();
  it('has the 250 reference matches', () => expect(expected).toHaveLength(250));

  for (const kernel of ['wasm', 'js'] as KernelChoice[]) {
    it(`flat scan (${kernel}) gives exactly the reference matches`, () => {
      expect(ourPairs(new FlatIndex<number>({ kernel }), {})).toEqual(expected);
    });
    it(`MIH (${kernel}) gives exactly the reference matches`, () => {
      expect(ourPairs(new MihIndex<number>({ kernel, mergeThreshold: 0 }), { strategy: 'mih' })).toEqual(
        expected,
      );
    });
    it(`MIH (${kernel}) with its cost-based choice gives exactly the reference matches`, () => {
      expect(ourPairs(new MihIndex<number>({ kernel, mergeThreshold: 0 }), {})).toEqual(expected);
      expect(ourPairs(new MihIndex<number>({ kernel }), {})).toEqual(expected); // all in the flat tail
    });
  }
});
