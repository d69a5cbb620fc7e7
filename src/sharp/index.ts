/**
 * `imprint/sharp`: loading images with sharp (files, buffers, streams), hashing them, batches,
 * and matching uploads against an index. Node only; the pure core is `imprint`, index and list
 * files `imprint/node` (which does not load sharp).
 */

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
