import { findAlgorithm } from '../algorithms/registry.js';
import { invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { HashIndex, Match } from './types.js';

/** Options for {@link matchHash}. */
export interface MatchOptions {
  /** Largest distance that counts as a match; default the index's default (31 for PDQ). */
  maxDistance?: number;
  /**
   * Query hashes whose quality is below this are not matched (the result says why). Default: the
   * hash's algorithm's gate (`Algorithm.minQuality`; 50 for PDQ, the reference's advice: low-quality
   * hashes of flat or tiny images match unrelated pictures), none for an algorithm without one.
   * Set 0 to match everything. Hashes without a quality (non-PDQ) are always matched.
   */
  minQuality?: number;
}

/** The outcome of matching one query. */
export interface MatchResult<M> {
  /** The query hash. */
  readonly hash: Hash;
  /** `low-quality` when the query was not matched because its quality is below `minQuality`; null when it was matched. */
  readonly skipped: 'low-quality' | null;
  /** Matches, nearest first (empty when skipped). */
  readonly matches: Match<M>[];
}

/**
 * Matches one hash (and optionally its dihedral variants, so rotated and mirrored copies match)
 * against an index, honouring the quality gate.
 *
 * @example
 * ```ts
 * const { matches, skipped } = matchHash(index, uploadHash, { maxDistance: 31 });
 * if (skipped) log('hash too weak to match: quality', uploadHash.quality);
 * ```
 */
export function matchHash<M>(
  index: HashIndex<M>,
  hash: Hash,
  options: MatchOptions & { variants?: readonly Hash[] } = {},
): MatchResult<M> {
  const minQuality = options.minQuality ?? findAlgorithm(hash.algorithm)?.minQuality ?? 0;
  if (typeof minQuality !== 'number' || !(minQuality >= 0)) {
    throw invalidArgument('a number >= 0', 'minQuality', minQuality);
  }
  if (hash.quality !== undefined && hash.quality < minQuality)
    return { hash, skipped: 'low-quality', matches: [] };
  const query = options.maxDistance === undefined ? {} : { maxDistance: options.maxDistance };
  const matches = options.variants ? index.queryAny(options.variants, query) : index.query(hash, query);
  return { hash, skipped: null, matches };
}
