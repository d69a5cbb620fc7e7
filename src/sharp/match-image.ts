import { type MatchOptions, type MatchResult, matchHash } from '../matching/match.js';
import type { HashIndex } from '../matching/types.js';
import type { ImageInput } from './decode.js';
import { type HashImageOptions, hashImage } from './hash-image.js';

/** Options for {@link matchImage}. */
export interface MatchImageOptions extends Omit<HashImageOptions, 'algorithms'>, MatchOptions {
  /** Also match the 8 rotations/mirrors of the image (PDQ only). Default false. */
  dihedral?: boolean;
}

/**
 * Hashes an image with the index's algorithm and returns every stored hash within the distance.
 *
 * @example
 * ```ts
 * import { matchImage } from 'imprint/sharp';
 * const { matches, skipped } = await matchImage('upload.jpg', knownIndex, { dihedral: true });
 * if (matches.length > 0) holdForReview(matches[0].metadata);
 * ```
 */
export async function matchImage<M>(
  input: ImageInput,
  index: HashIndex<M>,
  options: MatchImageOptions = {},
): Promise<MatchResult<M>> {
  const result = await hashImage(input, { ...options, algorithms: [index.algorithm] });
  const hash = result.hashes[index.algorithm]!;
  return matchHash(index, hash, result.dihedral ? { ...options, variants: result.dihedral } : options);
}
