/**
 * imprint: perceptual image fingerprints and Hamming-distance matching. This entry is the pure
 * core: typed arrays in, typed arrays out, no Node built-ins, so it runs in browsers and workers.
 * Image loading from files lives in `imprint/sharp`; video hashing with FFmpeg in `imprint/video`.
 */

export { type BlockhashMethod, type BlockhashOptions, blockhash } from './algorithms/blockhash/blockhash.js';
export { blockhashAlgorithm } from './algorithms/blockhash/blockhash-algorithm.js';
export { computeHashes, type HashRequest, type ImageHashes } from './algorithms/compute.js';
export {
  createExactHasher,
  type ExactAlgorithmName,
  type ExactHasher,
  exactHash,
  md5Algorithm,
  sha1Algorithm,
  sha256Algorithm,
} from './algorithms/exact.js';
export { averageHash } from './algorithms/imagehash/ahash.js';
export {
  ahashAlgorithm,
  colorhashAlgorithm,
  dhashAlgorithm,
  dhashVerticalAlgorithm,
  phashAlgorithm,
  whashAlgorithm,
} from './algorithms/imagehash/algorithms.js';
export { type ColorhashOptions, colorhash } from './algorithms/imagehash/colorhash.js';
export type { HashSizeOptions } from './algorithms/imagehash/common.js';
export {
  type CropResistantMatchOptions,
  cropResistantHash,
  cropResistantMatch,
} from './algorithms/imagehash/crop-resistant.js';
export { differenceHash, differenceHashVertical } from './algorithms/imagehash/dhash.js';
export { perceptualHash } from './algorithms/imagehash/phash.js';
export { waveletHash } from './algorithms/imagehash/whash.js';
export {
  DIHEDRAL_NAMES,
  type DihedralName,
  PDQ_BITS,
  PDQ_DEFAULT_THRESHOLD,
  PDQ_MIN_QUALITY,
  PDQ_MIN_SIDE,
  type PdqFlavour,
  type PdqKernel,
  type PdqOptions,
  type PdqResult,
  pdqDihedral,
  pdqHash,
} from './algorithms/pdq/pdq.js';
export { pdqAlgorithm } from './algorithms/pdq/pdq-algorithm.js';
export {
  maskedDistance,
  PDQ_MIN_STABLE_BITS,
  pdqStableBits,
  type StableBits,
  stableDistance,
} from './algorithms/pdq/pdq-stable.js';
export { pdqWasmAvailable } from './algorithms/pdq/wasm/pdq-wasm.js';
export { getAlgorithm, listAlgorithms, registerAlgorithm } from './algorithms/registry.js';
export type { Algorithm } from './algorithms/types.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorLocation,
  ImprintError,
  isImprintError,
  toImprintError,
} from './core/errors.js';
export { type Hash, hammingDistance, hashEquals, hashFromHex, hashToHex } from './core/hash.js';
export type { PixelImage } from './core/pixels.js';
export type { Progress, ProgressCallback } from './core/progress.js';
export { decodeFeatureIndex, encodeFeatureIndex, FEATURES_VERSION } from './features/encode.js';
export { extractLocalFeatures, type FeatureOptions, type LocalFeatures } from './features/extract.js';
export {
  type FeatureIndexOptions,
  type FeatureMatch,
  type FeatureMatchOptions,
  LocalFeatureIndex,
} from './features/feature-index.js';
export {
  FINGERPRINT_FORMAT_VERSION,
  type FingerprintReadStats,
  type FingerprintRecord,
  formatFingerprintRecord,
  type ParseFingerprintOptions,
  parseFingerprintRecord,
  type ReadFingerprintOptions,
  readFingerprintRecords,
} from './lists/fingerprint-records.js';
export {
  type HashListChunks,
  HashListReader,
  type ParsedHashList,
  parseHashList,
  readHashList,
} from './lists/read.js';
export type {
  HashListEntry,
  HashListFormat,
  HashListMetadata,
  HashListStats,
  HashListWriteFormat,
  ReadHashListOptions,
} from './lists/types.js';
export {
  formatHashList,
  type HashListWriteEntry,
  HashListWriter,
  type HashListWriterOptions,
} from './lists/write.js';
export { FlatIndex } from './matching/flat-index.js';
export {
  type DecodeIndexOptions,
  decodeIndex,
  type EncodeIndexOptions,
  encodeIndex,
  INDEX_FORMAT_VERSION,
  type IndexFileInfo,
  type IndexProperties,
  indexFileInfo,
  type LoadedIndex,
} from './matching/index-format.js';
export { type KernelChoice, matchWasmAvailable } from './matching/kernel.js';
export type { MihLayout, Substring } from './matching/layout.js';
export { type MatchOptions, type MatchResult, matchHash } from './matching/match.js';
export {
  fingerprintEntries,
  fingerprintOf,
  indexPropertiesFor,
  parseFingerprint,
  trustedStoredFamilies,
} from './matching/methods/fingerprint.js';
export {
  CROPS_MIN_STABLE_BITS,
  DERIVED_MIN_STABLE_BITS,
  knownEntriesFor,
  type MethodMatch,
  type MethodMatchOptions,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  storedFamilies,
} from './matching/methods/match.js';
export { DEFAULT_METHOD, getMethod, METHODS } from './matching/methods/methods.js';
export type { MatchMethod, MethodSide } from './matching/methods/types.js';
export type { VariantFamily, VariantHash } from './matching/methods/variants.js';
export { MihIndex, type MihIndexOptions } from './matching/mih-index.js';
export type { IndexOptions, IndexStats, SubstringChoice } from './matching/packed-index.js';
export { ShardedIndex, type ShardedIndexOptions } from './matching/sharded-index.js';
export type { BatchMatches, HashIndex, IndexEntry, Match, QueryOptions } from './matching/types.js';
export type { VideoFrameHash } from './video/frame-hash.js';
export {
  compareVideos,
  type VideoCompareOptions,
  type VideoMatchScore,
  type VideoMatchThresholds,
  VPDQ_MAX_DISTANCE,
  VPDQ_MIN_COMPARED_MATCH_PERCENT,
  VPDQ_MIN_QUALITY,
  VPDQ_MIN_QUERY_MATCH_PERCENT,
  videoMatchScore,
} from './video/match.js';
export {
  VideoIndex,
  type VideoIndexMatch,
  type VideoIndexOptions,
  type VideoQueryOptions,
} from './video/video-index.js';
export {
  formatVpdq,
  formatVpdqJson,
  parseVpdq,
  parseVpdqJson,
  type VpdqParseOptions,
} from './video/vpdq-format.js';
