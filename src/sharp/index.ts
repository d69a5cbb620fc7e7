/**
 * `imprint/sharp`: loading images with sharp (files, buffers, streams), hashing them, batches,
 * and matching uploads against an index. Node only; the pure core is `imprint`, index and list
 * files `imprint/node` (which does not load sharp).
 */

export {
  type FileResult,
  type HashFilesOptions,
  hashFiles,
  type MapFilesOptions,
  type MapResult,
  mapFiles,
} from './batch.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  type ImageInput,
  SIXTEEN_BIT_RULES,
  type SixteenBitRule,
} from './decode.js';
export { type HashImageOptions, hashImage, type ImageHashResult } from './hash-image.js';
export { type KnownImageEntries, type KnownImageOptions, knownImageEntries } from './known-images.js';
export {
  createMatcher,
  type ImageMatch,
  type ImageMatcher,
  type ImageMatchResult,
  type MatchFilesOptions,
  type MatchImageOptions,
  matchFiles,
  matchImage,
  matchRecord,
} from './match-image.js';
export {
  closeWorkers,
  configureWorkers,
  type PooledOptions,
  WorkerPool,
  type WorkerPoolOptions,
  type WorkersOption,
} from './worker-pool.js';
