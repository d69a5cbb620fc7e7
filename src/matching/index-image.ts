import type { MihLayout } from './layout.js';
import type { EncodedMetadata } from './metadata-store.js';

/**
 * The serialisation contract between an index and a file format (`index-format.ts` reads and
 * writes index files through it only). An index gives its content as sections, views into its
 * memory so that nothing large is copied; a file's sections are read straight into a new
 * index's memory, then the index adopts them.
 */
export interface IndexImage {
  readonly kind: 'flat' | 'mih';
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  /** Ids handed out (live and removed). */
  readonly count: number;
  /** Live ids. */
  readonly size: number;
  /** Bytes per stored hash (a multiple of 8). */
  readonly stride: number;
  /** The multi-index substrings (empty for a flat index or one without tables). */
  readonly layout: MihLayout;
  /** Per substring, how its table is stored (`mih-tables.ts`: 0 wide, 1 compact). */
  readonly encodings: readonly number[];
  /** `count * stride` bytes of packed hashes. */
  readonly packed: Uint8Array;
  /** `count` bytes, 1 = live. */
  readonly alive: Uint8Array;
  readonly metadata: EncodedMetadata;
  /** Per substring, its table of bucket offsets, one table after another. */
  readonly offsets: Uint8Array;
  /** Per substring, `size` u32 ids grouped by value, ascending within a value. */
  readonly postings: Uint8Array;
}

/** What a file says of an index before its body is read. */
export interface IndexImageHeader {
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  readonly count: number;
  readonly size: number;
  readonly layout: MihLayout;
  readonly encodings: readonly number[];
}

/**
 * A new index waiting for a file's sections: fill `packed`, `offsets` and `postings` (they are
 * the index's own memory), then call `finish` with the live flags and metadata once the file has
 * been checked. The index answers nothing before.
 */
export interface IndexRestore<I> {
  readonly packed: Uint8Array;
  readonly offsets: Uint8Array;
  readonly postings: Uint8Array;
  finish(alive: Uint8Array, metadata: EncodedMetadata): I;
}

/** The instance side of the contract. */
export interface SerialisableIndex {
  /**
   * The index's sections (building pending multi-index tables first). They are views: the index
   * must not change until they are written (see {@link SerialisableIndex.hold}).
   */
  serialise(): IndexImage;
  /** Refuses changes until the returned function is called (while an image is being written). */
  hold(): () => void;
  /**
   * Full check of a restored index: tables rebuilt and compared, no duplicate live hashes,
   * metadata parses. ImprintError ERR_INDEX_CORRUPT otherwise.
   */
  verify(): void;
}
