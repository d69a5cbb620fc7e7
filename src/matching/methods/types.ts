import type { VariantFamily } from './variants.js';

/**
 * `query-side`: only changes how an upload is hashed and queried, so it works with any plain PDQ
 * list made by anyone. `index-side`: also needs extra hashes stored for every known image, so it
 * helps only lists built by imprint from the images themselves.
 */
export type MethodSide = 'query-side' | 'index-side';

/**
 * Which query hashes are compared with which known hashes, and how far they may be apart:
 * `threshold + slack` (a negative slack makes a riskier comparison stricter).
 */
export interface MatchRule {
  readonly query: VariantFamily;
  readonly known: VariantFamily;
  readonly slack: number;
  /**
   * Compare a query hash only with the known hash of the same label (the same band of both
   * pictures), not with every hash of the family: fewer comparisons, fewer chances of a false pair.
   */
  readonly sameLabel?: boolean;
  /**
   * Count only the bits the query hash is sure of (pdq-stable.ts), scaled to the whole hash: a
   * picture that varies in one direction only has most of its 256 bits at the mercy of rounding.
   */
  readonly stableBits?: boolean;
  /**
   * With `stableBits`: also trust uploads with too few stable bits for a rule on stable bits alone
   * (from WITNESSED_MIN_STABLE_BITS in match.ts up to PDQ_MIN_STABLE_BITS) when the two pictures'
   * pHashes (the `witness` family) agree as well, within pHash's own default threshold. Both hashes
   * must be stored, so such a rule is index-side.
   */
  readonly witnessed?: boolean;
}

/**
 * Local features with geometric verification (src/features), for a method that uses them: every
 * known image's strongest corners and their descriptors are stored; an upload matches a known
 * image when at least `minInliers` of its corners map onto that image's by one similarity.
 */
export interface LocalFeatureRule {
  /** Fewest corners agreeing with one map (ransac.ts) for a match. */
  readonly minInliers: number;
  /**
   * Fewest agreeing corners as a share of the known corners the upload should show under that
   * map (ransac.ts, visibleKnown): a copy shows most of them again, a different photograph of
   * the same scene only some.
   */
  readonly minShare: number;
  /** Features stored per known image. */
  readonly knownFeatures: number;
  /** Features extracted per upload (and again for its mirror image when `mirror`). */
  readonly queryFeatures: number;
  /** Also match the upload's mirror image. */
  readonly mirror: boolean;
}

/** A matching method: which hashes each side computes, and which comparisons count. */
export interface MatchMethod {
  /** Stable name for `--method`. */
  readonly name: string;
  readonly side: MethodSide;
  /** One line for `--help` and reports. */
  readonly summary: string;
  /** Families stored for every known image (`plain` first; anything else makes it index-side). */
  readonly knownFamilies: readonly VariantFamily[];
  /** Families computed for every upload. */
  readonly queryFamilies: readonly VariantFamily[];
  readonly rules: readonly MatchRule[];
  /** Largest score that matches (score = distance - slack of the rule that gave it). */
  readonly threshold: number;
  /**
   * Upload hashes below this PDQ quality are not used (default 50, the reference's advice). A lower
   * gate keeps recompressed or low-contrast copies of plain pictures matchable; the evaluation
   * measures what it costs in false positives.
   */
  readonly minQuality?: number;
  /**
   * Local features as well (index-side: they must be stored for every known image). A match by
   * them scores `threshold + minInliers - inliers`, so it is within the threshold exactly when
   * enough corners agree, and the method's score is the better of that and its hashes' score.
   */
  readonly local?: LocalFeatureRule;
  /**
   * Hash algorithm (default `pdq`). Only PDQ has derived families; for another algorithm a method
   * is its plain hash alone (how `imprint eval --algo` adds baselines such as pHash).
   */
  readonly algorithm?: string;
}
