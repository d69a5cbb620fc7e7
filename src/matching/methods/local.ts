/**
 * The hooks that put local features (src/features) into a matching method: what a method with a
 * `local` rule stores for a known image and extracts from an upload, and how a verified match
 * becomes a score on the same scale as the hash comparisons' (see MatchMethod.local).
 */
import { type Hash, hammingDistance, hashFromHex } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import { extractFeatureViews, extractLocalFeatures, type LocalFeatures } from '../../features/extract.js';
import type { FeatureMatch, LocalFeatureIndex } from '../../features/feature-index.js';
import type { MethodMatch } from './match.js';
import type { LocalFeatureRule, MatchMethod } from './types.js';

/**
 * The local-feature rule of the methods that have one. 256 features per known image (9.7 KB
 * stored, see LocalFeatureIndex.bytesPerDescriptor); 512 per upload, whose picture may fill only
 * part of it (a screenshot). `minInliers` is where the development corpus' false pairs end (the
 * README has the distribution); `minShare` keeps out different photographs of one scene
 * ({@link localShareHolds}; docs/robustness.md has the runs it was set on).
 */
export const LOCAL_RULE: LocalFeatureRule = {
  minInliers: 20,
  minShare: 0.15,
  knownFeatures: 256,
  queryFeatures: 512,
  mirror: true,
};

/**
 * The score of a verified local match under a method: `threshold + minInliers - inliers`, within
 * the method's threshold exactly when enough corners agree.
 *
 * @example
 * ```ts
 * localScore(getMethod('pdq-local'), 40); // 31 + 20 - 40 = 11: a match
 * ```
 */
export function localScore(method: MatchMethod, inliers: number): number {
  if (!method.local) throw new Error(`Method ${method.name} has no local features`);
  return method.threshold + method.local.minInliers - inliers;
}

/**
 * The corners two pictures could have in common under a verified map: the fewer of the known
 * corners the upload should show (visibleKnown) and the upload corners that fall on the known
 * picture (visibleQuery).
 */
export function sharedCorners(match: Pick<FeatureMatch<unknown>, 'visible' | 'visibleQuery'>): number {
  return Math.min(match.visible, match.visibleQuery);
}

/**
 * Whether a verified local match's inliers are a large enough share of the corners the two
 * pictures could have in common under its map (`shared`, {@link sharedCorners}). Different
 * pictures meet one map by chance with a handful of corners, which `minInliers` keeps out; two
 * photographs of one scene taken from nearly the same place (the same mountains in red sunrise
 * light and in grey haze) meet a true map with tens of corners, but the light, the shadows and the detail differ, so
 * they re-find only a small share of the corners both show. A copy, however edited, re-finds a
 * larger share of them.
 *
 * @example
 * ```ts
 * localShareHolds(LOCAL_RULE, 28, 205); // false: 28 of 205 shared corners
 * localShareHolds(LOCAL_RULE, 28, 60); // true: a small picture inside a screenshot
 * ```
 */
export function localShareHolds(rule: LocalFeatureRule, inliers: number, shared: number): boolean {
  return inliers >= rule.minShare * shared;
}

/**
 * The local features a method stores for a known image (none without a local rule). Pass the
 * methods' working copy (ImageVariants.working) to save shrinking a large image twice.
 *
 * @example
 * ```ts
 * const features = new LocalFeatureIndex<KnownFeatureOwner<string>>();
 * const variants = new ImageVariants(pixels);
 * features.add(knownLocalFeatures(method, variants.working)!, { metadata: 'case-1', hash: hashToHex(variants.exact.hash) });
 * ```
 */
export function knownLocalFeatures(method: MatchMethod, image: PixelImage): LocalFeatures | undefined {
  return method.local ? extractLocalFeatures(image, { maxFeatures: method.local.knownFeatures }) : undefined;
}

/**
 * The local features a method extracts from an upload: the upload, and its mirror image.
 *
 * @example
 * ```ts
 * const views = queryLocalViews(getMethod('pdq-local'), new ImageVariants(upload).working);
 * ```
 */
export function queryLocalViews(method: MatchMethod, image: PixelImage): LocalFeatures[] {
  if (!method.local) return [];
  return extractFeatureViews(image, { maxFeatures: method.local.queryFeatures, mirror: method.local.mirror });
}

/**
 * The known images an upload's features match under a method (at least `minInliers` agreeing
 * corners, and at least `minShare` of the corners both could show: {@link localShareHolds}), most
 * inliers first.
 *
 * @example
 * ```ts
 * const found = matchLocal(features, getMethod('pdq-local'), queryLocalViews(method, pixels));
 * ```
 */
export function matchLocal<M>(
  index: LocalFeatureIndex<M>,
  method: MatchMethod,
  views: readonly LocalFeatures[],
): FeatureMatch<M>[] {
  const rule = method.local;
  if (!rule) return [];
  return index
    .match(views)
    .filter((m) => m.inliers >= rule.minInliers && localShareHolds(rule, m.inliers, sharedCorners(m)));
}

/**
 * What a feature index built for a method stores with each known image: the image's metadata
 * (as its plain hash entry has it) and its plain PDQ hash in hex, so a match by local features
 * can name the same known hash as a match by hashes.
 */
export interface KnownFeatureOwner<M> {
  readonly metadata: M;
  readonly hash: string;
}

/**
 * A method's matches by hashes and by local features together, one per known image (the better
 * score), best first. A local match reports the known image's plain hash, its Hamming distance
 * from the upload's plain hash, the local score, and `local (N inliers)` / `local` as the query
 * and known variants.
 *
 * @example
 * ```ts
 * const all = mergeLocalMatches(hashMatches, matchLocal(features, method, views), method, uploadHash);
 * ```
 */
export function mergeLocalMatches<M>(
  hashMatches: readonly MethodMatch<M>[],
  local: readonly FeatureMatch<KnownFeatureOwner<M>>[],
  method: MatchMethod,
  upload: Hash,
): MethodMatch<M>[] {
  const keyOf = (m: unknown) => (typeof m === 'object' && m !== null ? JSON.stringify(m) : m);
  const best = new Map<unknown, MethodMatch<M>>();
  for (const m of hashMatches) best.set(keyOf(m.metadata), m);
  for (const f of local) {
    const hash = hashFromHex('pdq', 256, f.metadata.hash);
    const candidate: MethodMatch<M> = {
      metadata: f.metadata.metadata,
      score: localScore(method, f.inliers),
      distance: hammingDistance(upload, hash),
      comparedBits: upload.bits,
      hash,
      query: `local (${f.inliers} inliers${f.view === 1 ? ', mirrored' : ''})`,
      known: 'local',
    };
    const key = keyOf(candidate.metadata);
    const previous = best.get(key);
    if (!previous || candidate.score < previous.score) best.set(key, candidate);
  }
  return [...best.values()].sort((a, b) => a.score - b.score);
}
