import { DEFAULT_ALGORITHM, findAlgorithm } from '../algorithms/registry.js';
import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import { DedupTable, hashWords, hashWordsPadded } from './dedup-table.js';
import type { IndexImage, IndexImageHeader, IndexRestore, SerialisableIndex } from './index-image.js';
import { createKernel, type Kernel, type KernelChoice } from './kernel.js';
import { checkLayout, MAX_SUBSTRINGS, type MihLayout, referenceLayout, substringValue } from './layout.js';
import { type EncodedMetadata, MetadataStore } from './metadata-store.js';
import {
  buildTables,
  initialEncodings,
  NARROW,
  NARROW_IDS,
  offsetReader,
  placeTables,
  postingsReader,
  type TablePlacement,
  tablesMatch,
  WIDE,
  writeDescriptors,
} from './mih-tables.js';
import { checkIndexHash, packHash, unpackHash, wordsFor } from './packed.js';
import { chooseLayout } from './planner.js';
import { firstOccurrences } from './radix.js';
import { BatchBuilder, KeyList, keyDistance, keyId } from './results.js';
import { type Scratch, scratchAt } from './scratch.js';
import {
  type Hit,
  nearestScan,
  needleAt,
  packInto,
  packMask,
  planMih,
  type SearchSpace,
  type Strategy,
  scanNeedles,
  scanRange,
  search,
  searchTables,
} from './search.js';
import type { BatchMatches, HashIndex, IndexEntry, Match, QueryOptions } from './types.js';

/** Options for a new index. */
export interface IndexOptions {
  /** Algorithm of every stored hash (default `pdq`). */
  algorithm?: string;
  /**
   * Bit length of every stored hash (at most 4096). Default: the registered algorithm's (256 for
   * PDQ); required for an algorithm the registry does not know.
   */
  bits?: number;
  /**
   * Default `maxDistance` for queries. Default: the registered algorithm's threshold (31 for
   * PDQ); 0 (exact matches) for an algorithm the registry does not know.
   */
  defaultMaxDistance?: number;
  /** Distance loops in WebAssembly or plain JS (default `auto`: WebAssembly when the host has it). Same results either way. */
  kernel?: KernelChoice;
}

/** How a {@link MihIndex} cuts hashes into substrings (see `MihIndexOptions.substrings`). */
export type SubstringChoice = 'auto' | 'reference' | MihLayout;

/** Counters describing an index's storage. */
export interface IndexStats {
  /** Distinct live hashes. */
  readonly size: number;
  /** Ids handed out so far, removed ones included (ids are never reused). */
  readonly ids: number;
  /** Hashes in the multi-index tables (the rest, added since the last merge, are scanned flat). */
  readonly posted: number;
  /** Bytes of typed-array memory the index holds (hashes, tables, flags; metadata not counted). */
  readonly memoryBytes: number;
  /** Which kernel runs the distance loops. */
  readonly kernel: 'wasm' | 'js';
  /** The multi-index substrings of the tables (empty: no tables, queries scan). */
  readonly substrings: MihLayout;
}

/** Longest hash an index takes. */
export const MAX_INDEX_BITS = 4096;
/** Bytes after the last stored hash that the kernel may read (a substring spans two words). */
const SLACK = 8;
/** Most ids added since the last merge before the tables are rebuilt (without a `mergeThreshold`). */
const MERGE_THRESHOLD_MAX = 65536;

/** Bytes of 8-byte lanes that hold a hash of `bits` bits. */
export function strideFor(bits: number): number {
  return 8 * Math.ceil(bits / 64);
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * The shared engine of {@link FlatIndex} and {@link MihIndex}: hashes packed into one block of
 * memory that the kernel (WebAssembly or JS) scans, identical hashes stored once, ids that stay
 * valid across `add` and `remove`, and metadata kept per id. Memory layout: a scratch area, the
 * substring descriptors, the multi-index tables (`mih-tables.ts`), then the packed hashes.
 */
export abstract class PackedIndex<M = unknown> implements HashIndex<M>, SerialisableIndex {
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  /** `flat` or `mih`: which file kind this index saves as. */
  abstract readonly kind: 'flat' | 'mih';
  readonly #kernelChoice: KernelChoice;
  readonly #substrings: SubstringChoice | undefined; // undefined: a flat index, never tables
  readonly #stride: number; // bytes per stored hash
  readonly #words: number; // u32 words per stored hash
  readonly #hashWords: number; // u32 words the hash itself fills
  readonly #mergeThreshold: number | undefined;
  readonly #scratch: Scratch;
  readonly #desc: number; // substring descriptors (MAX_SUBSTRINGS x 16 bytes)
  readonly #tablesAt: number;
  #kernel: Kernel;
  #view: Uint32Array;
  #layout: MihLayout = [];
  #place: TablePlacement;
  #packed = 0; // byte address of hash 0
  #capacity = 0; // hashes that fit before memory grows
  #count = 0; // ids handed out
  #size = 0; // live ids
  #main = 0; // ids below this are in the MIH tables (or removed)
  #merged = 0; // #count at the last merge
  #deadPosted = 0; // removed ids still in the MIH tables
  #alive: Uint8Array;
  readonly #tail: DedupTable; // ids >= #main, for finding identical hashes
  #tailBuilt = true;
  #meta = new MetadataStore<M>();
  #deferMerge = false;
  #locks = 0;

  protected constructor(
    options: IndexOptions,
    substrings: SubstringChoice | undefined,
    mergeThreshold?: number,
  ) {
    const algorithm = options.algorithm ?? DEFAULT_ALGORITHM;
    if (typeof algorithm !== 'string' || algorithm.length === 0) {
      throw invalidArgument('a non-empty algorithm name', 'algorithm', algorithm);
    }
    const known = findAlgorithm(algorithm);
    const bits = options.bits ?? known?.bits;
    if (bits === undefined) {
      throw invalidArgument(`the hash length (algorithm "${algorithm}" is not registered)`, 'bits', bits);
    }
    this.algorithm = algorithm;
    this.bits = bits;
    this.defaultMaxDistance = options.defaultMaxDistance ?? known?.defaultThreshold ?? 0;
    this.#kernelChoice = options.kernel ?? 'auto';
    if (!Number.isInteger(this.bits) || this.bits < 1 || this.bits > MAX_INDEX_BITS) {
      throw invalidArgument(`an integer from 1 to ${MAX_INDEX_BITS}`, 'bits', this.bits);
    }
    if (!Number.isInteger(this.defaultMaxDistance) || this.defaultMaxDistance < 0) {
      throw invalidArgument('a non-negative integer', 'defaultMaxDistance', this.defaultMaxDistance);
    }
    if (!['auto', 'wasm', 'js'].includes(this.#kernelChoice)) {
      throw invalidArgument('"auto", "wasm" or "js"', 'kernel', this.#kernelChoice);
    }
    if (mergeThreshold !== undefined && (!Number.isInteger(mergeThreshold) || mergeThreshold < 0)) {
      throw invalidArgument('a non-negative integer', 'mergeThreshold', mergeThreshold);
    }
    if (substrings !== undefined && substrings !== 'auto' && substrings !== 'reference') {
      checkLayout(substrings, this.bits);
    }
    this.#substrings = substrings;
    this.#mergeThreshold = mergeThreshold;
    this.#stride = strideFor(this.bits);
    this.#words = this.#stride / 4;
    this.#hashWords = wordsFor(this.bits);
    this.#scratch = scratchAt(64, this.#stride);
    this.#desc = align(this.#scratch.end, 64);
    this.#tablesAt = this.#desc + MAX_SUBSTRINGS * 16;
    this.#place = placeTables([], [], this.#tablesAt, 0);
    this.#capacity = 256;
    this.#packed = align(this.#place.end, 64);
    this.#kernel = createKernel(this.#kernelChoice, this.#packed + this.#capacity * this.#stride + SLACK);
    this.#view = new Uint32Array(this.#kernel.buffer);
    this.#alive = new Uint8Array(this.#capacity);
    this.#tail = new DedupTable((id) => this.#alive[id] === 1);
    this.#configure();
  }

  /** Number of distinct live hashes. */
  get size(): number {
    return this.#size;
  }

  /** Storage counters (see {@link IndexStats}). */
  stats(): IndexStats {
    return {
      size: this.#size,
      ids: this.#count,
      posted: this.#main,
      memoryBytes: this.#kernel.buffer.byteLength + this.#alive.byteLength + this.#tail.byteLength,
      kernel: this.#kernel.name,
      substrings: this.#layout,
    };
  }

  add(hash: Hash, metadata?: M): number {
    this.#writable();
    this.#check(hash);
    this.#packQuery(hash);
    let id = this.#findQuery();
    if (id < 0) id = this.#appendQuery();
    if (metadata !== undefined) this.#meta.add(id, metadata);
    this.#maybeMerge();
    return id;
  }

  /**
   * Builds the multi-index tables over everything added so far (a no-op for a flat index). Call
   * it after streaming a large list in with a large `mergeThreshold`, so the tables are built once.
   */
  build(): void {
    this.#writable();
    if (this.#substrings !== undefined) this.#merge();
  }

  addAll(entries: Iterable<IndexEntry<M>>): void {
    this.#writable();
    if (Array.isArray(entries)) this.#reserve(this.#count + entries.length);
    this.#deferMerge = true;
    try {
      for (const e of entries) this.add(e.hash, e.metadata);
    } finally {
      this.#deferMerge = false;
    }
    this.#maybeMerge();
  }

  /**
   * Adds hashes given as packed words, `ceil(bits / 32)` per hash in the layout of
   * {@link packHashes} (no metadata). The fast path for loading millions of hashes: no object
   * per hash. Returns the id of each hash.
   */
  addPacked(words: Uint32Array): Uint32Array {
    this.#writable();
    const hw = this.#hashWords;
    if (!(words instanceof Uint32Array) || words.length % hw !== 0) {
      throw invalidArgument(`a Uint32Array of ${hw} words per hash`, 'words', words);
    }
    const n = words.length / hw;
    checkPackedBits(words, this.bits);
    // Copies within the batch: found by sorting content keys (a hash-table probe per hash would
    // wait on a cache miss each).
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) keys[i] = hashWordsPadded(words, i * hw, hw, this.#words);
    const first = firstOccurrences(keys, n, (a, b) => {
      for (let w = 0; w < hw; w++) if (words[a * hw + w] !== words[b * hw + w]) return false;
      return true;
    });
    if (this.#count === 0 && this.#substrings !== undefined) {
      let distinct = 0;
      for (let i = 0; i < n; i++) if (first[i] === i) distinct++;
      // Tables are built over them below (more than any merge threshold): the hashes go where
      // the tables leave them, so building the tables moves none of them.
      if (distinct > (this.#mergeThreshold ?? MERGE_THRESHOLD_MAX)) this.#packAfterTables(distinct);
    }
    this.#reserve(this.#count + n);
    const ids = new Uint32Array(n);
    this.#deferMerge = true;
    try {
      if (this.#count === 0) {
        // Nothing stored to compare with: copy the distinct hashes straight in (the dedup table
        // is filled when first needed).
        this.#appendDistinct(words, first, ids);
      } else this.#appendEach(words, keys, first, ids);
    } finally {
      this.#deferMerge = false;
    }
    this.#maybeMerge(); // both paths: the tables are built once, here
    return ids;
  }

  /** Finds or appends, one by one, the hashes of `words` that are their own first occurrence. */
  #appendEach(words: Uint32Array, keys: Uint32Array, first: Uint32Array, ids: Uint32Array): void {
    const hw = this.#hashWords;
    const qw = this.#scratch.q >>> 2;
    for (let i = 0; i < ids.length; i++) {
      if (first[i] !== i) {
        ids[i] = ids[first[i]!]!;
        continue;
      }
      const u = this.#view; // a new view when an append grew the memory
      for (let w = 0; w < this.#words; w++) u[qw + w] = w < hw ? words[i * hw + w]! : 0;
      let id = this.#findQuery(keys[i]);
      if (id < 0) id = this.#appendQuery(keys[i]);
      ids[i] = id;
    }
  }

  /** Appends the hashes of `words` that are their own first occurrence, in order; ids into `ids`. */
  #appendDistinct(words: Uint32Array, first: Uint32Array, ids: Uint32Array): void {
    const hw = this.#hashWords;
    const n = ids.length;
    const stride = this.#words;
    const u = this.#view;
    const alive = this.#alive;
    const before = this.#count;
    let id = before;
    for (let i = 0; i < n; ) {
      if (first[i] !== i) {
        ids[i] = ids[first[i]!]!;
        i++;
        continue;
      }
      // a run of distinct hashes: one copy when the stride is the hash (PDQ), else hash by hash
      let end = i + 1;
      while (end < n && first[end] === end) end++;
      const p = (this.#packed >>> 2) + id * stride;
      if (hw === stride) u.set(words.subarray(i * hw, end * hw), p);
      else {
        for (let k = i, at = p; k < end; k++, at += stride) {
          for (let w = 0; w < hw; w++) u[at + w] = words[k * hw + w]!;
          for (let w = hw; w < stride; w++) u[at + w] = 0;
        }
      }
      alive.fill(1, id, id + end - i);
      for (let k = i; k < end; k++) ids[k] = id++;
      i = end;
    }
    this.#count = id;
    this.#size += id - before;
    this.#tailBuilt = false;
  }

  remove(id: number): boolean {
    this.#writable();
    if (!this.#isLive(id)) return false;
    this.#alive[id] = 0;
    this.#size--;
    this.#meta.clear(id);
    if (id < this.#main) {
      this.#deadPosted++;
      this.#maybeMerge();
    }
    return true;
  }

  *ids(): IterableIterator<number> {
    for (let id = 0; id < this.#count; id++) if (this.#isLive(id)) yield id;
  }

  /** The id of the live entry holding exactly this hash, or -1. */
  idOf(hash: Hash): number {
    this.#check(hash);
    this.#packQuery(hash);
    return this.#findQuery();
  }

  hashOf(id: number): Hash {
    this.#checkLive(id);
    return unpackHash(this.algorithm, this.bits, this.#view, (this.#packed >>> 2) + id * this.#words);
  }

  metadataOf(id: number): readonly M[] {
    this.#checkLive(id);
    return this.#meta.get(id);
  }

  query(hash: Hash, options: QueryOptions = {}): Match<M>[] {
    const max = this.#maxDistance(options);
    this.#check(hash);
    const maskMax = this.#packMask(options);
    this.#packQuery(hash);
    const keys = new KeyList();
    search(this.#space(), this.#scratch, max, options.strategy, (id, d) => keys.push(id, d), maskMax);
    return keys.sorted().map((key) => this.#match(key, undefined));
  }

  queryAny(hashes: readonly Hash[], options: QueryOptions = {}): Match<M>[] {
    const max = this.#maxDistance(options);
    for (const h of hashes) this.#check(h);
    const maskMax = this.#packMask(options);
    const best = new Map<number, { distance: number; variant: number }>();
    // One pass over the list for all the variants when they are scanned.
    this.#searchMany(hashes, max, options.strategy, maskMax, (variant, id, distance) => {
      const prev = best.get(id);
      if (!prev || distance < prev.distance || (distance === prev.distance && variant < prev.variant))
        best.set(id, { distance, variant });
    });
    const keys = new KeyList();
    for (const [id, { distance }] of best) keys.push(id, distance);
    const many = hashes.length > 1;
    return keys.sorted().map((key) => this.#match(key, many ? best.get(keyId(key))!.variant : undefined));
  }

  queryBatch(hashes: readonly Hash[], options: QueryOptions = {}): BatchMatches {
    const max = this.#maxDistance(options);
    for (const h of hashes) this.#check(h);
    const maskMax = this.#packMask(options);
    const perQuery = hashes.map(() => new KeyList());
    this.#searchMany(hashes, max, options.strategy, maskMax, (i, id, d) => perQuery[i]!.push(id, d));
    const out = new BatchBuilder();
    perQuery.forEach((keys, i) => {
      out.pushKeys(i, keys.sorted());
    });
    return out.finish();
  }

  nearest(hash: Hash, k: number, options: QueryOptions = {}): Match<M>[] {
    this.#check(hash);
    if (!Number.isInteger(k) || k < 0) throw invalidArgument('a non-negative integer', 'k', k);
    if (options.mask) throw invalidArgument('no mask (nearest ranks by the full distance)', 'mask', 'a mask');
    const limit = options.maxDistance === undefined ? this.bits : this.#maxDistance(options);
    if (k === 0) return [];
    this.#packQuery(hash);
    const sp = this.#space();
    const m = this.#layout.length;
    if (m > 0 && this.#main > 0 && options.strategy !== 'scan') {
      // Grow the radius one flip per substring at a time: a complete radius query holding >= k
      // entries contains the k nearest.
      for (let r = 0; ; r++) {
        const radius = Math.min(limit, (r + 1) * m - 1);
        if (options.strategy !== 'mih' && !planMih(sp, radius, 'auto')) break;
        const keys = new KeyList();
        search(sp, this.#scratch, radius, options.strategy, (id, d) => keys.push(id, d));
        if (keys.length >= k || radius >= limit) {
          return keys
            .sorted()
            .slice(0, k)
            .map((key) => this.#match(key, undefined));
        }
      }
    }
    return nearestScan(sp, this.#scratch, k, limit).map((key) => this.#match(key, undefined));
  }

  // ---- serialisation (the contract of index-image.ts) ----

  serialise(): IndexImage {
    if (this.#substrings !== undefined) this.#merge();
    const u8 = new Uint8Array(this.#kernel.buffer);
    const alive = this.#alive.subarray(0, this.#count);
    const p = this.#place;
    return {
      kind: this.kind,
      algorithm: this.algorithm,
      bits: this.bits,
      defaultMaxDistance: this.defaultMaxDistance,
      count: this.#count,
      size: this.#size,
      stride: this.#stride,
      layout: this.#layout,
      encodings: p.encodings,
      packed: u8.subarray(this.#packed, this.#packed + this.#count * this.#stride),
      alive,
      metadata: this.#meta.encode(this.#count, alive),
      offsets: u8.subarray(this.#tablesAt, this.#tablesAt + p.tableBytes),
      postings: u8.subarray(p.postingsAt, p.end),
    };
  }

  hold(): () => void {
    this.#locks++;
    let held = true;
    return () => {
      if (held) this.#locks--;
      held = false;
    };
  }

  verify(): void {
    if (this.#layout.length > 0 && this.#main > 0) {
      const ok = tablesMatch(this.#tableSource(), this.#layout, this.#place, this.#kernel.buffer);
      if (!ok)
        throw new ImprintError('ERR_INDEX_CORRUPT', 'The multi-index tables do not match the stored hashes');
    }
    const seen = new DedupTable(() => true);
    const u = this.#view;
    const base = this.#packed >>> 2;
    for (let id = 0; id < this.#count; id++) {
      if (this.#alive[id] !== 1) continue;
      const p = base + id * this.#words;
      const key = hashWords(u, p, this.#words);
      const twin = seen.find(key, u, base, this.#words, this.#words, p, this.#alive);
      if (twin >= 0)
        throw new ImprintError('ERR_INDEX_CORRUPT', `Entries ${twin} and ${id} hold the same hash`);
      seen.insert(key, id);
    }
    this.#meta.verifyAll(this.#count);
  }

  /**
   * First half of restoring `index` (new and empty) from a file described by `header`: its
   * memory laid out for the file's ids and tables, with views where the file's sections go.
   */
  protected static restoreInto<I extends PackedIndex<unknown>>(
    index: I,
    header: IndexImageHeader,
  ): IndexRestore<I> {
    return index.#restore(header, index);
  }

  #restore<I>(header: IndexImageHeader, self: I): IndexRestore<I> {
    if (this.#count !== 0) throw new ImprintError('ERR_INTERNAL', 'Only a new index can be restored');
    const { count, size, layout, encodings } = header;
    if (this.#substrings === undefined && layout.length > 0)
      throw new ImprintError('ERR_INTERNAL', 'A flat index has no tables');
    checkLayout(layout, this.bits);
    this.#layout = layout;
    this.#place = placeTables(layout, encodings, this.#tablesAt, layout.length > 0 ? size : 0);
    this.#packed = align(this.#place.end, 64);
    this.#capacity = count;
    this.#kernel = createKernel(this.#kernelChoice, this.#packed + count * this.#stride + SLACK);
    this.#view = new Uint32Array(this.#kernel.buffer);
    writeDescriptors(this.#view, this.#desc, layout, this.#place);
    this.#configure();
    const u8 = new Uint8Array(this.#kernel.buffer);
    return {
      packed: u8.subarray(this.#packed, this.#packed + count * this.#stride),
      offsets: u8.subarray(this.#tablesAt, this.#tablesAt + this.#place.tableBytes),
      postings: u8.subarray(this.#place.postingsAt, this.#place.end),
      finish: (alive: Uint8Array, metadata: EncodedMetadata): I => {
        this.#alive = alive;
        this.#count = count;
        this.#size = size;
        this.#main = layout.length > 0 ? count : 0;
        this.#merged = count;
        this.#deadPosted = 0;
        this.#meta = new MetadataStore<M>(metadata);
        this.#tail.clear();
        this.#tailBuilt = false; // built on the first add, so loading stays a copy
        return self;
      },
    };
  }

  // ---- searching ----

  /** What search.ts reads of this index, as it is now. */
  #space(): SearchSpace {
    return {
      kernel: this.#kernel,
      u32: this.#view,
      algorithm: this.algorithm,
      bits: this.bits,
      stride: this.#stride,
      hashWords: this.#hashWords,
      packed: this.#packed,
      count: this.#count,
      main: this.#main,
      layout: this.#layout,
      alive: this.#alive,
    };
  }

  /**
   * Calls `hit(query, id, distance)` for every match of each of `hashes` (unsorted). Queries the
   * tables answer go one by one; the rest share flat scans, up to 8 per pass over the list.
   */
  #searchMany(
    hashes: readonly Hash[],
    max: number,
    strategy: Strategy,
    maskMax: number | undefined,
    hit: (query: number, id: number, distance: number) => void,
  ): void {
    const sp = this.#space();
    const sc = this.#scratch;
    const scanned: number[] = [];
    hashes.forEach((h, i) => {
      this.#packQuery(h);
      const one: Hit = (id, d) => hit(i, id, d);
      if (searchTables(sp, sc, max, strategy, one, maskMax)) {
        scanRange(sp, sc, this.#main, this.#count, max, one, maskMax);
      } else if (scanned.length === 0 && i === hashes.length - 1) {
        scanRange(sp, sc, 0, this.#count, max, one, maskMax); // a lone scan
      } else {
        scanned.push(i);
      }
    });
    // A wide radius under a mask is best filtered in the kernel's masked scan, query by query.
    if (maskMax !== undefined && 2 * max >= this.bits) {
      for (const i of scanned) {
        this.#packQuery(hashes[i]!);
        scanRange(sp, sc, 0, this.#count, max, (id, d) => hit(i, id, d), maskMax);
      }
      return;
    }
    for (let from = 0; from < scanned.length; from += 8) {
      const group = scanned.slice(from, from + 8);
      group.forEach((i, j) => {
        packInto(sp, needleAt(sp, sc, j), hashes[i]!);
      });
      scanNeedles(sp, sc, group.length, 0, this.#count, max, (j, id, d) => hit(group[j]!, id, d), maskMax);
    }
  }

  /** Checks the query option's mask and writes it to the scratch mask; its bound, or undefined without one. */
  #packMask(options: QueryOptions): number | undefined {
    const mask = options.mask;
    if (!mask) return undefined;
    if (mask.bits.length !== Math.ceil(this.bits / 8)) {
      throw invalidArgument(`a ${Math.ceil(this.bits / 8)}-byte mask`, 'mask', `${mask.bits.length} bytes`);
    }
    if (!Number.isInteger(mask.maxDistance) || mask.maxDistance < 0) {
      throw invalidArgument('a non-negative integer', 'mask.maxDistance', mask.maxDistance);
    }
    packMask(this.#space(), this.#scratch, mask.bits);
    return mask.maxDistance;
  }

  #match(key: number, variant: number | undefined): Match<M> {
    const id = keyId(key);
    const base = { id, hash: this.hashOf(id), distance: keyDistance(key), metadata: this.#meta.get(id) };
    return variant === undefined ? base : { ...base, variant };
  }

  // ---- storage ----

  #grow(bytes: number): void {
    this.#kernel.reserve(bytes);
    const buffer = this.#kernel.buffer;
    if (this.#view.buffer !== buffer) this.#view = new Uint32Array(buffer);
  }

  #configure(): void {
    this.#kernel.configure(this.#packed, this.#stride, this.#desc, this.#layout.length);
  }

  /** Makes room for ids below `capacity`. */
  #reserve(capacity: number): void {
    if (capacity <= this.#capacity) return;
    this.#grow(this.#packed + capacity * this.#stride + SLACK);
    const alive = new Uint8Array(capacity);
    alive.set(this.#alive.subarray(0, this.#count));
    this.#alive = alive;
    this.#capacity = capacity;
  }

  /** Writes a hash into the scratch query, zero-padded to the stride. */
  #packQuery(hash: Hash): void {
    const u = this.#view;
    const qw = this.#scratch.q >>> 2;
    packHash(hash, u, qw);
    for (let w = this.#hashWords; w < this.#words; w++) u[qw + w] = 0;
  }

  #equalsQuery(id: number): boolean {
    const u = this.#view;
    const p = (this.#packed >>> 2) + id * this.#words;
    const qw = this.#scratch.q >>> 2;
    for (let w = 0; w < this.#hashWords; w++) if (u[p + w] !== u[qw + w]) return false;
    return true;
  }

  /** The live id holding the hash in the scratch query, or -1. */
  #findQuery(knownKey?: number): number {
    if (!this.#tailBuilt) this.#buildTail();
    const u = this.#view;
    const qw = this.#scratch.q >>> 2;
    const key = knownKey ?? hashWords(u, qw, this.#words);
    const id = this.#tail.find(key, u, this.#packed >>> 2, this.#words, this.#hashWords, qw, this.#alive);
    if (id >= 0 || this.#main === 0) return id;
    // Tabled ids: look in the smallest of the query's exact buckets.
    let best = -1;
    let bestStart = 0;
    let bestEnd = 0;
    this.#layout.forEach((s, k) => {
      const off = offsetReader(
        this.#kernel.buffer,
        this.#place.tables[k]!,
        s.bits,
        this.#place.encodings[k]!,
      );
      const v = substringValue(u, qw, s.start, s.bits);
      const start = off(v);
      const end = off(v + 1);
      if (best < 0 || end - start < bestEnd - bestStart) {
        best = k;
        bestStart = start;
        bestEnd = end;
      }
    });
    const list = postingsReader(
      this.#kernel.buffer,
      this.#place.postings[best]!,
      this.#place.encodings[best]!,
      bestEnd,
    );
    for (let i = bestStart; i < bestEnd; i++) {
      const c = list(i);
      if (this.#alive[c] === 1 && this.#equalsQuery(c)) return c;
    }
    return -1;
  }

  /** Stores the hash in the scratch query under a new id. */
  #appendQuery(knownKey?: number): number {
    if (this.#count >= 0xffffffff)
      throw new ImprintError('ERR_INVALID_ARGUMENT', 'An index holds at most 2^32 - 1 ids');
    if (this.#count === this.#capacity) this.#reserve(Math.max(256, Math.ceil(this.#capacity * 1.25)));
    const id = this.#count++;
    const u = this.#view;
    const p = (this.#packed >>> 2) + id * this.#words;
    const qw = this.#scratch.q >>> 2;
    for (let w = 0; w < this.#words; w++) u[p + w] = u[qw + w]!;
    this.#alive[id] = 1;
    this.#size++;
    this.#tail.insert(knownKey ?? hashWords(u, p, this.#words), id);
    return id;
  }

  #buildTail(): void {
    this.#tailBuilt = true;
    this.#tail.clear();
    const u = this.#view;
    for (let id = this.#main; id < this.#count; id++) {
      if (this.#alive[id] === 1)
        this.#tail.insert(hashWords(u, (this.#packed >>> 2) + id * this.#words, this.#words), id);
    }
  }

  /**
   * In an empty index, moves the place of hash 0 to after the tables that `distinct` hashes (ids
   * 0..distinct-1, all live) will have, so the merge that builds them copies no hash.
   */
  #packAfterTables(distinct: number): void {
    const layout = this.#wantedLayout(distinct, distinct);
    const encodings = initialEncodings(layout, this.bits, distinct);
    const place = placeTables(layout, encodings, this.#tablesAt, layout.length > 0 ? distinct : 0);
    const packed = align(place.end, 64);
    if (packed <= this.#packed) return;
    this.#packed = packed;
    this.#capacity = 0; // the memory must now reach packed + capacity * stride
    this.#configure();
  }

  #maybeMerge(): void {
    if (this.#substrings === undefined || this.#deferMerge) return;
    const pending = this.#count - this.#merged;
    const threshold = this.#mergeThreshold ?? Math.min(MERGE_THRESHOLD_MAX, Math.max(4096, this.#size >>> 3));
    if (pending > threshold || (this.#deadPosted > 4096 && this.#deadPosted * 2 > this.#size)) this.#merge();
  }

  /** The substrings the tables should have for `size` live hashes among `count` ids (default: now). */
  #wantedLayout(size = this.#size, count = this.#count): MihLayout {
    const choice = this.#substrings;
    if (choice === 'reference') return referenceLayout(this.bits);
    if (choice === 'auto' || choice === undefined)
      return chooseLayout(size, this.bits, this.defaultMaxDistance, count <= NARROW_IDS ? 3 : 4);
    return choice;
  }

  /** Rebuilds the MIH tables over every live id (dropping removed ones), with the layout the list size calls for. */
  #merge(): void {
    if (this.#merged === this.#count && this.#deadPosted === 0) return;
    const layout = this.#wantedLayout();
    const encodings = initialEncodings(layout, this.bits, this.#count);
    for (;;) {
      const place = placeTables(layout, encodings, this.#tablesAt, layout.length > 0 ? this.#size : 0);
      const oldPacked = this.#packed;
      const newPacked = align(place.end, 64);
      this.#grow(newPacked + this.#capacity * this.#stride + SLACK);
      if (newPacked !== oldPacked) {
        new Uint8Array(this.#kernel.buffer).copyWithin(
          newPacked,
          oldPacked,
          oldPacked + this.#count * this.#stride,
        );
      }
      this.#packed = newPacked;
      this.#layout = layout;
      this.#place = place;
      writeDescriptors(this.#view, this.#desc, layout, place);
      const overflowed = buildTables(this.#tableSource(), layout, place, this.#kernel.buffer);
      if (overflowed.length === 0) break;
      // a clustered list: u32 offsets there (the ids keep their width)
      for (const k of overflowed) encodings[k] = WIDE | (encodings[k]! & NARROW);
    }
    this.#merged = this.#count;
    this.#deadPosted = 0;
    if (layout.length > 0) {
      this.#main = this.#count;
      this.#tail.clear();
      this.#tailBuilt = true;
    } else if (this.#main > 0) {
      this.#main = 0; // no tables: every id is scanned and found through the dedup table
      this.#tailBuilt = false;
    }
    this.#configure();
  }

  #tableSource() {
    return {
      u32: this.#view,
      packedWord: this.#packed >>> 2,
      words: this.#words,
      count: this.#count,
      alive: this.#alive,
      size: this.#size,
    };
  }

  // ---- checks ----

  #isLive(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.#count && this.#alive[id] === 1;
  }

  #checkLive(id: number): void {
    if (!this.#isLive(id)) throw invalidArgument('the id of a live entry', 'id', id);
  }

  #writable(): void {
    if (this.#locks > 0) {
      throw new ImprintError(
        'ERR_INVALID_ARGUMENT',
        'The index is being saved; wait for saveIndex() to finish',
      );
    }
  }

  #maxDistance(options: QueryOptions): number {
    const max = options.maxDistance ?? this.defaultMaxDistance;
    if (!Number.isInteger(max) || max < 0)
      throw invalidArgument('a non-negative integer', 'maxDistance', max);
    const strategy = options.strategy;
    if (strategy !== undefined && strategy !== 'auto' && strategy !== 'mih' && strategy !== 'scan') {
      throw invalidArgument('"auto", "mih" or "scan"', 'strategy', strategy);
    }
    return Math.min(max, this.bits);
  }

  #check(hash: Hash): void {
    checkIndexHash(hash, this.algorithm, this.bits);
  }
}

/** ERR_INVALID_HASH when a packed hash of `words` has bits set beyond its `bits` bits. */
export function checkPackedBits(words: Uint32Array, bits: number): void {
  const hw = wordsFor(bits);
  const pad = padMask(bits);
  for (let i = 0; i < words.length / hw; i++) {
    if ((words[i * hw]! & pad.first) !== 0 || (words[i * hw + hw - 1]! & pad.last) !== 0) {
      throw new ImprintError('ERR_INVALID_HASH', `Packed hash ${i} has bits set beyond its ${bits} bits`);
    }
  }
}

/** Masks of the bits that must be zero in the first and last packed word of a hash. */
function padMask(bits: number): { first: number; last: number } {
  const bytes = Math.ceil(bits / 8);
  const unusedHigh = bytes * 8 - bits; // high bits of byte 0
  const first = unusedHigh === 0 ? 0 : ((0xff << (8 - unusedHigh)) & 0xff) << 24;
  const tailBytes = wordsFor(bits) * 4 - bytes; // zero bytes at the end of the last word
  const last = tailBytes === 0 ? 0 : (2 ** (8 * tailBytes) - 1) >>> 0;
  return { first: first >>> 0, last };
}

/**
 * Packs hashes into one Uint32Array, `ceil(bits / 32)` words per hash, for
 * {@link PackedIndex.addPacked}.
 *
 * @example
 * ```ts
 * index.addPacked(packHashes(hashes));
 * ```
 */
export function packHashes(hashes: readonly Hash[]): Uint32Array {
  if (hashes.length === 0) return new Uint32Array(0);
  const bits = hashes[0]!.bits;
  const hw = wordsFor(bits);
  const out = new Uint32Array(hashes.length * hw);
  hashes.forEach((h, i) => {
    if (h.bits !== bits) throw invalidArgument(`${bits}-bit hashes`, `hashes[${i}]`, `${h.bits} bits`);
    packHash(h, out, i * hw);
  });
  return out;
}
