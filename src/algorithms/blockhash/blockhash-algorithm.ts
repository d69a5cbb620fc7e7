/** blockhash behind the common {@link Algorithm} contract, one name per method and size. */

import type { Algorithm } from '../types.js';
import {
  BLOCKHASH_DEFAULT_BITS,
  type BlockhashMethod,
  blockhash,
  blockhashName,
  checkBlockhashOptions,
} from './blockhash.js';

/**
 * Default threshold as a fraction of the bits: 0.1 (25 of 256). blockhash compares block means
 * with band medians, so re-encoding and resizing flip few bits, but brightness changes near the
 * medians flip whole runs; 10% keeps those while unrelated images sit near 50%.
 */
export const BLOCKHASH_THRESHOLD_FRACTION = 0.1;

/**
 * blockhash as an {@link Algorithm}: `blockhash` (precise, 16 blocks per side, 256-bit),
 * `blockhash-quick`, `blockhash-<bits>`, `blockhash-quick-<bits>`.
 *
 * @example
 * ```ts
 * registerAlgorithm(blockhashAlgorithm('precise', 32)); // 'blockhash-32', 1024-bit
 * ```
 */
export function blockhashAlgorithm(
  method: BlockhashMethod = 'precise',
  bits: number = BLOCKHASH_DEFAULT_BITS,
): Algorithm {
  checkBlockhashOptions({ bits, method });
  const name = blockhashName(method, bits);
  const total = bits * bits;
  const reference = method === 'quick' ? 'method 1 (quick)' : 'method 2 (precise)';
  return {
    name,
    bits: total,
    defaultThreshold: Math.floor(BLOCKHASH_THRESHOLD_FRACTION * total),
    kind: 'perceptual',
    description: `blockhash ${reference}, ${bits}x${bits} blocks, ${total}-bit, bit-exact with the Commons Machinery references`,
    hashPixels: (image) => blockhash(image, { bits, method }),
  };
}

/** The blockhash algorithms registered by default: both methods at 16 (256-bit) and at 8 (64-bit). */
export const BLOCKHASH_ALGORITHMS: readonly Algorithm[] = [
  blockhashAlgorithm('precise'),
  blockhashAlgorithm('quick'),
  blockhashAlgorithm('precise', 8),
  blockhashAlgorithm('quick', 8),
];
