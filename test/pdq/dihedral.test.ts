import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIHEDRAL_NAMES, transformDct } from '../../src/algorithms/pdq/pdq.js';

const dct = fc.float32Array({ minLength: 256, maxLength: 256, noNaN: true, noDefaultInfinity: true });
const v = (name: (typeof DIHEDRAL_NAMES)[number]): number => DIHEDRAL_NAMES.indexOf(name);
const apply = (b: Float32Array, ...names: (typeof DIHEDRAL_NAMES)[number][]): Float32Array =>
  names.reduce((acc, n) => transformDct(acc, v(n)), b);

// Rotations and flips of an image form the dihedral group D4; the DCT transforms must compose the
// same way, or dihedral matching would look for the wrong orientation.
describe('dihedral DCT transforms compose like rotations and flips', () => {
  it.each([
    [['rot90', 'rot90'], 'rot180'],
    [['rot90', 'rot180'], 'rot270'],
    [['rot90', 'rot270'], 'orig'],
    [['rot180', 'rot180'], 'orig'],
    [['flipx', 'flipx'], 'orig'],
    [['flipy', 'flipy'], 'orig'],
    [['flipplus1', 'flipplus1'], 'orig'],
    [['flipminus1', 'flipminus1'], 'orig'],
    [['flipx', 'flipy'], 'rot180'],
    [['flipplus1', 'flipminus1'], 'rot180'],
  ] as const)('%j = %s', (steps, result) => {
    fc.assert(
      fc.property(dct, (b) => {
        expect(Array.from(apply(b, ...steps))).toEqual(Array.from(apply(b, result)));
      }),
      { numRuns: 30 },
    );
  });

  it('rot90 four times is the identity and every variant is a bijection', () => {
    fc.assert(
      fc.property(dct, (b) => {
        expect(Array.from(apply(b, 'rot90', 'rot90', 'rot90', 'rot90'))).toEqual(Array.from(b));
        for (let i = 0; i < 8; i++) {
          const c = transformDct(b, i);
          const abs = (a: Float32Array) => Array.from(a, Math.abs).sort((x, y) => x - y);
          expect(abs(c)).toEqual(abs(b));
        }
      }),
      { numRuns: 30 },
    );
  });
});
