import type { IndexImageHeader, IndexRestore } from './index-image.js';
import type { KernelChoice } from './kernel.js';
import { type IndexOptions, PackedIndex } from './packed-index.js';

export type { IndexOptions } from './packed-index.js';

/**
 * A linear-scan index: every query compares against every stored hash, in one pass over packed
 * memory (WebAssembly when available, about 900 million 256-bit comparisons per second on one
 * core; a plain-JS fallback otherwise, with the same results). Several queries at once (a batch,
 * the 8 dihedral hashes of `queryAny`) share each pass, 8 at a time. Exact and simple; the
 * reference the multi-index tables are tested against, and the better choice for small lists.
 *
 * @example
 * ```ts
 * const index = new FlatIndex<string>({ algorithm: 'pdq', bits: 256 });
 * index.add(knownHash, 'case-1234');
 * for (const m of index.query(uploadHash, { maxDistance: 31 })) console.log(m.metadata, m.distance);
 * ```
 */
export class FlatIndex<M = unknown> extends PackedIndex<M> {
  readonly kind = 'flat' as const;

  constructor(options: IndexOptions = {}) {
    super(options, undefined);
  }

  /**
   * A new flat index waiting for a file's sections (the serialisation contract of
   * `index-image.ts`; `decodeIndex` and `loadIndex` use it).
   *
   * @example
   * ```ts
   * const restore = FlatIndex.restore<string>(header);
   * restore.packed.set(hashBytes);
   * const index = restore.finish(alive, metadata);
   * ```
   */
  static restore<M = unknown>(
    header: IndexImageHeader,
    kernel: KernelChoice = 'auto',
  ): IndexRestore<FlatIndex<M>> {
    const { algorithm, bits, defaultMaxDistance } = header;
    return PackedIndex.restoreInto(new FlatIndex<M>({ algorithm, bits, defaultMaxDistance, kernel }), header);
  }
}
