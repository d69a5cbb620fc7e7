/**
 * The matching methods `imprint eval`, `imprint index build --method` and `imprint match --method`
 * offer. Thresholds and slacks were chosen on a 200-image development subset of the evaluation
 * corpus (see bench/prepare-corpus.ts) and checked on all of it; the README gives the figures.
 */
import { ImprintError } from '../core/errors.js';
import type { MatchMethod, MatchRule } from './types.js';
import type { VariantFamily } from './variants.js';

function rules(pairs: readonly (readonly [VariantFamily, VariantFamily, number?])[]): MatchRule[] {
  return pairs.map(([query, known, slack]) => ({ query, known, slack: slack ?? 0 }));
}

/** Every method, plain PDQ first. */
export const METHODS: readonly MatchMethod[] = [
  {
    name: 'pdq',
    side: 'query-side',
    summary: 'plain PDQ at distance 31, the reference recommendation',
    knownFamilies: ['plain'],
    queryFamilies: ['plain'],
    rules: rules([['plain', 'plain']]),
    threshold: 31,
  },
  {
    name: 'pdq-dihedral',
    side: 'query-side',
    summary: 'also the 7 rotations by 90 degrees and mirror images of the upload',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'dihedral'],
    rules: rules([
      ['plain', 'plain'],
      ['dihedral', 'plain'],
    ]),
    threshold: 31,
  },
  {
    name: 'pdq-trim',
    side: 'query-side',
    summary: 'also the upload with borders, bars and screenshot frames peeled off',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'trim', 'fill'],
    rules: rules([
      ['plain', 'plain'],
      ['trim', 'plain'],
      ['fill', 'plain'],
    ]),
    threshold: 31,
  },
  {
    name: 'pdq-derotate',
    side: 'query-side',
    summary: 'also the upload rotated back by a few small angles',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'derotate'],
    rules: rules([
      ['plain', 'plain'],
      ['derotate', 'plain'],
    ]),
    threshold: 31,
  },
  {
    name: 'pdq-crops',
    side: 'index-side',
    summary: 'also stores hashes of centred and corner crops of every known image',
    knownFamilies: ['plain', 'crops'],
    queryFamilies: ['plain'],
    rules: rules([
      ['plain', 'plain'],
      ['plain', 'crops'],
    ]),
    threshold: 31,
  },
  {
    name: 'pdq-plus',
    side: 'query-side',
    summary: 'pdq-dihedral + pdq-trim + pdq-derotate: the best that works with any PDQ list',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'dihedral', 'trim', 'fill', 'derotate'],
    rules: rules([
      ['plain', 'plain'],
      ['dihedral', 'plain'],
      ['trim', 'plain'],
      ['fill', 'plain'],
      ['derotate', 'plain'],
    ]),
    threshold: 31,
  },
  {
    name: 'pdq-max',
    side: 'index-side',
    summary: 'pdq-plus + stored trims and crops of the known images (lists built by imprint)',
    knownFamilies: ['plain', 'trim', 'crops'],
    queryFamilies: ['plain', 'dihedral', 'trim', 'fill', 'derotate'],
    rules: rules([
      ['plain', 'plain'],
      ['dihedral', 'plain'],
      ['trim', 'plain'],
      ['fill', 'plain'],
      ['derotate', 'plain'],
      ['plain', 'trim'],
      ['trim', 'trim'],
      ['plain', 'crops'],
      ['trim', 'crops'],
    ]),
    threshold: 31,
  },
];

/** The method `imprint match` uses when none is named. */
export const DEFAULT_METHOD = 'pdq-plus';

/**
 * Looks a method up by name; throws ERR_INVALID_ARGUMENT listing the known ones.
 *
 * @example
 * ```ts
 * const method = getMethod('pdq-dihedral'); // method.side === 'query-side'
 * ```
 */
export function getMethod(name: string): MatchMethod {
  const found = METHODS.find((m) => m.name === name);
  if (!found) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Unknown method "${name}"; known: ${METHODS.map((m) => m.name).join(', ')}`,
    );
  }
  return found;
}
