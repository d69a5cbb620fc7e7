/**
 * `imprint/sharp`: loading images with sharp (files, buffers, streams), hashing them, batches,
 * and matching uploads against an index. Node only; the pure core is `imprint`.
 */

export * from '../node/hash-list-file.js';
export * from '../node/index-file.js';
export * from '../node/known-list.js';
export { ParallelIndex, type ParallelIndexOptions } from '../node/parallel-index.js';
export * from './batch.js';
export * from './decode.js';
export * from './hash-image.js';
export * from './known-images.js';
export * from './match-image.js';
export {
  closeWorkers,
  configureWorkers,
  type PooledOptions,
  WorkerPool,
  type WorkerPoolOptions,
  type WorkersOption,
} from './worker-pool.js';
