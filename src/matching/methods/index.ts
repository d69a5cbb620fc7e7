/**
 * Matching methods beyond plain PDQ (issue 5): which hashes to store for known images and to compute
 * for uploads, and how to match them. Pure core: pixels in, hashes and matches out.
 */

export { type Box, flattenHighlights, resampleWindow } from '../../core/raster.js';
export { findPictureBox, findPictureBoxes, refineBox } from './frame.js';
export * from './local.js';
export * from './match.js';
export * from './methods.js';
export * from './types.js';
export {
  BAND_CUTS,
  BAND_LABELS,
  ImageVariants,
  TONES_FLATTENED,
  TONES_LABEL,
  VARIANT_FAMILIES,
  type VariantFamily,
  type VariantHash,
} from './variants.js';
