/**
 * `imprint/node`: files in Node, without sharp: index files, hash-list files, and a known list
 * loaded into an index. Reading an index here never loads libvips; decoding images is
 * `imprint/sharp`, videos `imprint/video`, the pure core `imprint`.
 */

export { featureFileOf, loadFeatureIndex, saveFeatureIndex } from './feature-file.js';
export {
  readHashListFile,
  type WriteHashListFileOptions,
  type WriteHashListFileResult,
  writeHashListFile,
} from './hash-list-file.js';
export { type LoadIndexOptions, loadIndex, type SaveIndexOptions, saveIndex } from './index-file.js';
export { type KnownListStats, type LoadKnownListOptions, loadKnownList } from './known-list.js';
export { ParallelIndex, type ParallelIndexOptions } from './parallel-index.js';
export { loadShardedIndex } from './sharded-index-file.js';
