/**
 * Hamming distance between packed descriptors (DESCRIPTOR_WORDS 32-bit words each).
 */
import { popcount32 } from '../core/hash.js';
import { DESCRIPTOR_WORDS } from './pattern.js';

/**
 * Bits that differ between descriptor `i` of `a` and descriptor `j` of `b`.
 *
 * @example
 * ```ts
 * const d = descriptorDistance(query.descriptors, 0, known.descriptors, 5); // 0..256
 * ```
 */
export function descriptorDistance(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const p = i * DESCRIPTOR_WORDS;
  const q = j * DESCRIPTOR_WORDS;
  return (
    popcount32(a[p]! ^ b[q]!) +
    popcount32(a[p + 1]! ^ b[q + 1]!) +
    popcount32(a[p + 2]! ^ b[q + 2]!) +
    popcount32(a[p + 3]! ^ b[q + 3]!) +
    popcount32(a[p + 4]! ^ b[q + 4]!) +
    popcount32(a[p + 5]! ^ b[q + 5]!) +
    popcount32(a[p + 6]! ^ b[q + 6]!) +
    popcount32(a[p + 7]! ^ b[q + 7]!)
  );
}
