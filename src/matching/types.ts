import type { Hash } from '../core/hash.js';

/** One stored hash that met a query. */
export interface Match<M> {
  /** The entry's id in its index (stable across `add`/`remove`; pass it to `remove`). */
  readonly id: number;
  /** The stored hash. */
  readonly hash: Hash;
  /** Hamming distance to the query (for multi-variant queries, the smallest over the variants). */
  readonly distance: number;
  /** Every metadata value added with this hash (identical hashes are stored once). */
  readonly metadata: readonly M[];
  /** For {@link HashIndex.queryAny}: which query hash gave `distance` (0-based). */
  readonly variant?: number;
}

/** Options shared by radius queries. */
export interface QueryOptions {
  /** Largest distance that counts as a match. Default: the algorithm's threshold (31 for PDQ). */
  maxDistance?: number;
  /**
   * How an index that has several ways to search picks one: `auto` (default) estimates the cost
   * of each; `mih` and `scan` force multi-index hashing or a flat scan (for tests and benchmarks).
   * The results are identical whatever the choice.
   */
  strategy?: 'auto' | 'mih' | 'scan';
  /**
   * Also require at most `maxDistance` differing bits among the bits set in `bits` (a mask in the
   * hash's byte layout): how a PDQ upload is compared on the bits it is sure of. Checked inside
   * the index, so a wide search radius does not build a result for every entry it passes.
   * `query`, `queryAny` and `queryBatch` honour it; `nearest` refuses it.
   */
  mask?: { readonly bits: Uint8Array; readonly maxDistance: number };
}

/**
 * The matches of many queries as parallel typed arrays (no object per match): hit `i` is stored
 * entry `ids[i]` at distance `distances[i]` from query number `queries[i]`. Hits are grouped by
 * query in query order; within a query, nearest first, ties by id. Resolve ids with
 * {@link HashIndex.hashOf} and {@link HashIndex.metadataOf}.
 */
export interface BatchMatches {
  readonly length: number;
  readonly queries: Uint32Array;
  readonly ids: Uint32Array;
  readonly distances: Uint16Array;
}

/** An entry as hash lists produce them. */
export interface IndexEntry<M> {
  readonly hash: Hash;
  readonly metadata?: M;
}

/**
 * The index contract. Every implementation (flat scan, multi-index hashing) answers exactly the
 * same results for the same calls; the flat scan is the oracle the others are tested against.
 */
export interface HashIndex<M> {
  readonly algorithm: string;
  readonly bits: number;
  /** Number of distinct stored hashes. */
  readonly size: number;
  /** Stores a hash (or adds `metadata` to an identical stored one); returns its id. */
  add(hash: Hash, metadata?: M): number;
  /** Adds many entries. */
  addAll(entries: Iterable<IndexEntry<M>>): void;
  /** Removes the entry with this id and all its metadata; false when there is none. */
  remove(id: number): boolean;
  /** Every stored hash within `maxDistance`, nearest first (ties by id). */
  query(hash: Hash, options?: QueryOptions): Match<M>[];
  /** Like {@link query} for several variants of one picture (e.g. PDQ's 8 dihedral hashes): each entry once, at its smallest distance. */
  queryAny(hashes: readonly Hash[], options?: QueryOptions): Match<M>[];
  /** The `k` nearest stored hashes (within `maxDistance` when given, else at any distance), nearest first (ties by id). */
  nearest(hash: Hash, k: number, options?: QueryOptions): Match<M>[];
  /** {@link query} for many hashes at once, with the matches as typed arrays. */
  queryBatch(hashes: readonly Hash[], options?: QueryOptions): BatchMatches;
  /** The stored hash of a live entry (ERR_INVALID_ARGUMENT for an unknown or removed id). */
  hashOf(id: number): Hash;
  /** The metadata of a live entry (ERR_INVALID_ARGUMENT for an unknown or removed id). */
  metadataOf(id: number): readonly M[];
  /** The ids of the live entries, in id order. */
  ids(): IterableIterator<number>;
}
