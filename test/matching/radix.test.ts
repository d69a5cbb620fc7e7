import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstOccurrences } from '../../src/matching/radix.js';

describe('firstOccurrences', () => {
  // Items are (key, content): equal contents always share a key, and some keys are shared by
  // different contents (colliding hashes), as with content keys of hash words.
  it('gives each item the first earlier item with equal content, as the definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ content: fc.nat({ max: 60 }), salt: fc.nat({ max: 3 }) }), { maxLength: 3000 }),
        fc.constantFrom(0xffffffff, 0xf0000007, 0x3, 0x80000000),
        (items, keyMask) => {
          // the key: a mix of the content, masked so that different contents often collide
          const keyOf = (c: number) => (Math.imul(c + 1, 0x85ebca6b) & keyMask) >>> 0;
          const keys = Uint32Array.from(items, (it) => keyOf(it.content));
          const first = firstOccurrences(
            keys,
            items.length,
            (i, j) => items[i]!.content === items[j]!.content,
          );
          const expected = items.map((it, i) => items.findIndex((o) => o.content === it.content) ?? i);
          expect([...first]).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles lists big enough to be spread over many parts', () => {
    const n = 200000;
    const content = new Uint32Array(n);
    let x = 7;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      content[i] = (x >>> 0) % 150000; // many repeats
    }
    const keys = content.map((c) => Math.imul(c, 0x9e3779b1) >>> 0);
    const first = firstOccurrences(keys, n, (i, j) => content[i] === content[j]);
    const seen = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (!seen.has(content[i]!)) seen.set(content[i]!, i);
      expect(first[i]).toBe(seen.get(content[i]!));
    }
  });
});
