/**
 * imprint: perceptual image fingerprints and Hamming-distance matching. This entry is the pure
 * core: typed arrays in, typed arrays out, no Node built-ins, so it runs in browsers and workers.
 * Image loading from files lives in `imprint/sharp`; video hashing with FFmpeg in `imprint/video`.
 */

export {
  BLOCKHASH_DEFAULT_BITS,
  type BlockhashMethod,
  type BlockhashOptions,
  blockhash,
  blockhashName,
} from './algorithms/blockhash.js';
export * from './algorithms/blockhash-algorithm.js';
export * from './algorithms/compute.js';
export * from './algorithms/exact.js';
export * from './algorithms/imagehash/index.js';
export * from './algorithms/pdq.js';
export * from './algorithms/pdq-stable.js';
export * from './algorithms/registry.js';
export * from './algorithms/sized-algorithms.js';
export * from './algorithms/types.js';
export * from './core/errors.js';
export * from './core/hash.js';
export * from './core/pixels.js';
export * from './lists/fingerprint-records.js';
export * from './lists/index.js';
export * from './matching/flat-index.js';
export * from './matching/index-format.js';
export { type KernelChoice, wasmKernelAvailable } from './matching/kernel.js';
export * from './matching/match.js';
export * from './matching/mih-index.js';
export { type IndexStats, MAX_INDEX_BITS, PackedIndex, packHashes } from './matching/packed-index.js';
export * from './matching/sharded-index.js';
export * from './matching/types.js';
export * from './methods/fingerprint.js';
export * from './methods/index.js';
export * from './video/index.js';
