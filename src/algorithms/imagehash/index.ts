/** The public surface of the imagehash-compatible hashes (internals stay in their own files). */
export { AHASH_DEFAULT_SIZE, averageHash } from './ahash.js';
export {
  ahashAlgorithm,
  colorhashAlgorithm,
  dhashAlgorithm,
  dhashVerticalAlgorithm,
  IMAGEHASH_ALGORITHMS,
  IMAGEHASH_THRESHOLD_FRACTIONS,
  phashAlgorithm,
  whashAlgorithm,
} from './algorithms.js';
export {
  COLORHASH_BINS,
  COLORHASH_DEFAULT_BINBITS,
  type ColorhashOptions,
  colorhash,
  colorhashName,
} from './colorhash.js';
export { type HashSizeOptions, MAX_HASH_SIZE } from './common.js';
export { type CropResistantMatchOptions, cropResistantHash, cropResistantMatch } from './crop-resistant.js';
export { DHASH_DEFAULT_SIZE, differenceHash, differenceHashVertical } from './dhash.js';
export { PHASH_DEFAULT_SIZE, PHASH_HIGHFREQ_FACTOR, perceptualHash } from './phash.js';
export { type GreyImage, pillowLuma } from './pillow-luma.js';
export { pillowResizeLanczos } from './pillow-resample.js';
export { WHASH_DEFAULT_SIZE, waveletHash } from './whash.js';
