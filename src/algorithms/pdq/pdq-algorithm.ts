import type { Algorithm } from '../types.js';
import { PDQ_BITS, PDQ_DEFAULT_THRESHOLD, PDQ_MIN_QUALITY, pdqHash } from './pdq.js';

/**
 * PDQ (full-res flavour) behind the common algorithm contract.
 *
 * @example
 * ```ts
 * pdqAlgorithm.defaultThreshold; // 31
 * pdqAlgorithm.bits; // 256
 * ```
 */
export const pdqAlgorithm: Algorithm = {
  name: 'pdq',
  bits: PDQ_BITS,
  defaultThreshold: PDQ_DEFAULT_THRESHOLD,
  minQuality: PDQ_MIN_QUALITY,
  kind: 'perceptual',
  description: "Meta's PDQ, 256-bit, bit-exact with the reference (full-res flavour)",
  hashPixels: (image) => pdqHash(image).hash,
};
