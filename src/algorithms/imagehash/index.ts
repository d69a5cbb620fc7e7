/** The public surface of the imagehash-compatible hashes (internals stay in their own files). */
export * from './ahash.js';
export * from './algorithms.js';
export * from './colorhash.js';
export type { HashSizeOptions } from './common.js';
export { MAX_HASH_SIZE } from './common.js';
export * from './crop-resistant.js';
export * from './dhash.js';
export * from './phash.js';
export * from './pillow-luma.js';
export { pillowResizeLanczos } from './pillow-resample.js';
export * from './whash.js';
