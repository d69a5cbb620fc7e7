/**
 * Local features with geometric verification (issue 20): corners and 256-bit binary descriptors
 * of a picture, an index that holds them for many known images, and the check that an upload's
 * corners map onto a known image's by one similarity. Pure core: pixels in, features and matches
 * out. The matching methods use them through `MatchMethod.local` (matching/methods/local.ts).
 */

export { type Correspondences, type CorrespondOptions, correspond } from './correspond.js';
export {
  type DecodeFeaturesOptions,
  decodeFeatureIndex,
  encodeFeatureIndex,
  encodeFeatureIndexChunks,
  FEATURES_VERSION,
  planFeatureIndexDecode,
} from './encode.js';
export {
  extractFeatureViews,
  extractLocalFeatures,
  FEATURE_SIDE,
  type FeatureOptions,
  KNOWN_FEATURES,
  type LocalFeatures,
  QUERY_FEATURES,
} from './extract.js';
export {
  FEATURE_INDEX_DEFAULTS,
  FEATURE_MATCH_DEFAULTS,
  FEATURE_MIN_VOTES_KEYS_ONLY,
  type FeatureIndexOptions,
  type FeatureMatch,
  type FeatureMatchOptions,
  LocalFeatureIndex,
} from './feature-index.js';
export { descriptorDistance } from './hamming.js';
export { type Similarity, VERIFY_DEFAULTS, type VerifyOptions, verifySimilarity } from './ransac.js';
