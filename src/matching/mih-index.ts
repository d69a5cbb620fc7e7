import type { IndexImageHeader, IndexRestore } from './index-image.js';
import type { KernelChoice } from './kernel.js';
import { type IndexOptions, PackedIndex, type SubstringChoice } from './packed-index.js';

/** Options for a {@link MihIndex}. */
export interface MihIndexOptions extends IndexOptions {
  /**
   * Hashes added since the tables were last built are kept in a small flat-scanned tail; the
   * tables are rebuilt when the tail grows past this many (default: an eighth of the index,
   * between 4,096 and 65,536). Bulk adds (`addAll`, `addPacked`) rebuild once at the end.
   */
  mergeThreshold?: number;
  /**
   * How hashes are cut into substrings. `auto` (default): chosen from the number of hashes each
   * time the tables are built, for the cheapest query at `defaultMaxDistance` (substrings near
   * log2(n) bits; no tables at all while a scan is cheaper, so a small index stays small).
   * `reference`: the PDQ reference's 16-bit slots. Or a list of `{ start, bits }` substrings
   * (disjoint, 1 to 28 bits each, bit 0 the high bit of the hash's first byte). Results are the
   * same whatever the choice; only speed and memory change.
   */
  substrings?: SubstringChoice;
}

/**
 * Multi-index hashing (Norouzi, Punjani and Fleet; the PDQ reference's matcher): each hash is cut
 * into disjoint substrings and every substring has a table from value to ids (sorted postings in
 * typed arrays). A hash within distance d of a query is within floor(d / m) of it on some of the
 * m substrings (pigeonhole, refined as the paper does), so a query looks up, per substring, every
 * value within that many bit flips of its own, then checks the full distance of each candidate.
 * The substring length grows with the list (about log2(n) bits), so a query checks a few
 * thousand candidates at 10 million hashes. The answers are exactly a flat scan's; when the
 * tables cannot prune (a large radius, a clustered list, a small list) the query is a flat scan.
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
    super(options, options.substrings ?? 'auto', options.mergeThreshold);
  }

  /**
   * A new index waiting for a file's sections, with the file's substring layout (the
   * serialisation contract of `index-image.ts`; `decodeIndex` and `loadIndex` use it).
   *
   * @example
   * ```ts
   * const restore = MihIndex.restore<string>(header);
   * restore.packed.set(hashBytes); // and restore.offsets, restore.postings
   * const index = restore.finish(alive, metadata);
   * ```
   */
  static restore<M = unknown>(
    header: IndexImageHeader,
    kernel: KernelChoice = 'auto',
  ): IndexRestore<MihIndex<M>> {
    const { algorithm, bits, defaultMaxDistance } = header;
    return PackedIndex.restoreInto(new MihIndex<M>({ algorithm, bits, defaultMaxDistance, kernel }), header);
  }
}
