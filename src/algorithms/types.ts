import type { Hash } from '../core/hash.js';
import type { PixelImage } from '../core/pixels.js';

/**
 * What every hash algorithm provides. Perceptual algorithms hash decoded pixels; exact
 * (cryptographic) ones hash the file's bytes. The registry, the CLI, hash lists and indexes only
 * speak this contract.
 */
export interface Algorithm {
  /** Stable name used in hash lists, index files and the CLI (`pdq`, `phash`, `md5`, ...). */
  readonly name: string;
  /** Bit length of the hashes this algorithm produces with its default options. */
  readonly bits: number;
  /** Largest Hamming distance that still counts as a match by default (0 for exact hashes). */
  readonly defaultThreshold: number;
  /**
   * Query hashes whose `quality` is below this are not matched by default (`matchHash`): PDQ's
   * reference advises 50, since flat or tiny images give hashes that match unrelated pictures.
   * Undefined: no gate.
   */
  readonly minQuality?: number;
  /** `perceptual` hashes pixels; `exact` hashes file bytes. */
  readonly kind: 'perceptual' | 'exact';
  /** One line: what it is and whose implementation it reproduces. */
  readonly description: string;
  /** Hash decoded pixels (perceptual algorithms). */
  hashPixels?(image: PixelImage): Hash;
  /** Hash raw file bytes (exact algorithms). */
  hashBytes?(bytes: Uint8Array): Hash;
}
