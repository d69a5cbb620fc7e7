import { type IndexOptions, PackedIndex } from './packed-index.js';

export type { IndexOptions } from './packed-index.js';

/**
 * A linear-scan index: every query compares against every stored hash, in one pass over packed
 * memory (WebAssembly when available, about 900 million 256-bit comparisons per second on one
 * core; a plain-JS fallback otherwise, with the same results). Exact and simple; the reference
 * the multi-index tables are tested against, and the better choice for small lists.
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
    super(options, false);
  }
}
