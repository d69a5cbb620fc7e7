import { type IndexOptions, PackedIndex } from './packed-index.js';

/** Options for a {@link MihIndex}. */
export interface MihIndexOptions extends IndexOptions {
  /**
   * Hashes added since the tables were last built are kept in a small flat-scanned tail; the
   * tables are rebuilt when the tail grows past this many (default: an eighth of the index,
   * between 4,096 and 65,536). Bulk adds (`addAll`, `addPacked`) rebuild once at the end.
   */
  mergeThreshold?: number;
}

/**
 * Multi-index hashing, as the PDQ reference does it: each hash is cut into 16-bit slots (16 for
 * a 256-bit PDQ hash, 4 for a 64-bit hash) and every slot has a table from value to ids (sorted
 * postings in typed arrays). A query within distance d looks up, in each slot, every value within
 * floor(d / slots) bit flips of its own (pigeonhole: a match must be that close in some slot),
 * then checks the full distance of each candidate. The answers are exactly a flat scan's; when
 * the radius is too large for the tables to prune anything, the query is a flat scan.
 *
 * @example
 * ```ts
 * const index = new MihIndex<string>({ algorithm: 'pdq', bits: 256 });
 * index.addAll(entries); // builds the tables once
 * const matches = index.query(uploadHash, { maxDistance: 31 });
 * const many = index.queryBatch(uploadHashes); // typed arrays: queries, ids, distances
 * ```
 */
export class MihIndex<M = unknown> extends PackedIndex<M> {
  readonly kind = 'mih' as const;

  constructor(options: MihIndexOptions = {}) {
    super(options, true, options.mergeThreshold);
  }
}
