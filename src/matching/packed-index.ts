import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, popcount32 } from '../core/hash.js';
import { DedupTable, hashWords, hashWordsPadded } from './dedup-table.js';
import { createKernel, type Kernel, type KernelChoice } from './kernel.js';
import { type EncodedMetadata, MetadataStore } from './metadata-store.js';
import { packHash, unpackHash, wordsFor } from './packed.js';
import type { BatchMatches, HashIndex, IndexEntry, Match, QueryOptions } from './types.js';

/** Options for a new index. */
export interface IndexOptions {
  /** Algorithm of every stored hash (default `pdq`). */
  algorithm?: string;
  /** Bit length of every stored hash (default 256, at most 4096). */
  bits?: number;
  /** Default `maxDistance` for queries (default 31, PDQ's threshold). */
  defaultMaxDistance?: number;
  /** Distance loops in WebAssembly or plain JS (default `auto`: WebAssembly when the host has it). Same results either way. */
  kernel?: KernelChoice;
}

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
}

/** What an index file holds, as views (see index-format.ts). */
export interface IndexParts {
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
  /** MIH slots (0 for a flat index). */
  readonly slots: number;
  /** `count * stride` bytes of packed hashes. */
  readonly packed: Uint8Array;
  /** `count` bytes, 1 = live. */
  readonly alive: Uint8Array;
  readonly metadata: EncodedMetadata;
  /** MIH only: `slots * 65537` u32 bucket offsets. */
  readonly offsets?: Uint8Array;
  /** MIH only: `slots * size` u32 ids. */
  readonly postings?: Uint8Array;
}

/** Where a loaded file's hashes and MIH tables go in an index's memory (see index-format.ts). */
export interface PreparedMemory {
  readonly packed: Uint8Array;
  readonly offsets: Uint8Array;
  readonly postings: Uint8Array;
}

const OUT_CAP = 16384; // hits per kernel call
const PROBE_CAP = 16384; // bucket values a masked MIH query may probe (else it scans)
const BATCH = 256; // hashes whose dedup-table slots are read together in addPacked
const TABLE_WORDS = 65537; // bucket offsets per MIH slot (16-bit values)
/** Longest hash an index takes. */
export const MAX_INDEX_BITS = 4096;
const MAX_SLOTS = Math.ceil(MAX_INDEX_BITS / 16);

// Relative costs (about ns, measured with bench/match.ts) for choosing between MIH and a flat
// scan; only speed depends on them, never results.
const FLAT_COST = 1.2; // per stored hash, sequential
const PROBE_COST = 8; // per bucket looked up
const CANDIDATE_COST_CACHED = 4; // per candidate checked while the hashes fit in the CPU caches
const CANDIDATE_COST = 20; // per candidate checked otherwise (a random memory access)
const CACHED_BYTES = 16 << 20;

/** Values within r bit flips of a 16-bit value: sum of C(16, k) for k <= r. */
const WITHIN16 = (() => {
  const out: number[] = [];
  let c = 1;
  let sum = 0;
  for (let k = 0; k <= 16; k++) {
    sum += c;
    out.push(sum);
    c = (c * (16 - k)) / (k + 1);
  }
  return out;
})();

/** The 16-bit value of MIH slot `s` of the packed hash at word `at` (high half of a word first). */
function slotValue(words: Uint32Array, at: number, s: number): number {
  const word = words[at + (s >>> 1)]!;
  return s & 1 ? word & 0xffff : word >>> 16;
}

/** Values within `r` flips of `n` bits: sum of C(n, k) for k <= r. */
function withinFlips(n: number, r: number): number {
  let sum = 0;
  let c = 1;
  for (let k = 0; k <= Math.min(n, r); k++) {
    sum += c;
    c = (c * (n - k)) / (k + 1);
  }
  return sum;
}

/** Calls `visit` with every subset of the set bits of the 16-bit `bits` that has at most `r` bits. */
function forEachFlip(bits: number, r: number, visit: (flip: number) => void): void {
  const positions: number[] = [];
  for (let b = 0; b < 16; b++) if ((bits >>> b) & 1) positions.push(1 << b);
  const walk = (from: number, left: number, flip: number): void => {
    visit(flip);
    if (left === 0) return;
    for (let i = from; i < positions.length; i++) walk(i + 1, left - 1, flip | positions[i]!);
  };
  walk(0, r, 0);
}

/** Bytes of 8-byte lanes that hold a hash of `bits` bits. */
export function strideFor(bits: number): number {
  return 8 * Math.ceil(bits / 64);
}

/** MIH slots (16 bits each) for a hash of `bits` bits: one per 2 bytes, as the PDQ reference's 16 for 256. */
export function slotsFor(bits: number): number {
  return Math.ceil(Math.ceil(bits / 8) / 2);
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

let snapshot: <M>(index: PackedIndex<M>) => IndexParts;
let prepare: <M>(index: PackedIndex<M>, count: number, size: number) => PreparedMemory;
let adopt: <M>(
  index: PackedIndex<M>,
  count: number,
  size: number,
  alive: Uint8Array,
  metadata: EncodedMetadata,
) => void;
let verify: <M>(index: PackedIndex<M>) => void;
let lock: <M>(index: PackedIndex<M>, delta: 1 | -1) => void;

/**
 * The shared engine of {@link FlatIndex} and {@link MihIndex}: hashes packed into one block of
 * memory that the kernel (WebAssembly or JS) scans, identical hashes stored once, ids that stay
 * valid across `add` and `remove`, and metadata kept per id.
 */
export abstract class PackedIndex<M = unknown> implements HashIndex<M> {
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  /** `flat` or `mih`: which file kind this index saves as. */
  abstract readonly kind: 'flat' | 'mih';
  readonly #kernelChoice: KernelChoice;
  readonly #mih: boolean;
  readonly #stride: number; // bytes per stored hash
  readonly #words: number; // u32 words per stored hash
  readonly #hashWords: number; // u32 words the hash itself fills
  readonly #slots: number;
  readonly #mergeThreshold: number | undefined;
  #kernel: Kernel;
  #view: Uint32Array;
  // memory layout, in bytes (see wasm/kernel.wat)
  readonly #q = 64;
  readonly #m: number; // a query mask (QueryOptions.mask), right after the query
  readonly #outIds: number;
  readonly #outDist: number;
  readonly #probes: number; // MIH values to probe for a masked query (PROBE_CAP u32)
  readonly #probeCounts: number; // how many of them per slot (MAX_SLOTS u32)
  readonly #offsets: number;
  readonly #postings: number;
  #packed = 0;
  #perSlot = 0; // ids per MIH slot
  #capacity = 0; // hashes that fit before memory grows
  #count = 0; // ids handed out
  #size = 0; // live ids
  #main = 0; // ids below this are in the MIH tables (or removed)
  #deadPosted = 0; // removed ids still in the MIH tables
  #alive: Uint8Array;
  readonly #tail: DedupTable; // ids >= #main, for finding identical hashes
  #tailBuilt = true;
  #meta = new MetadataStore<M>();
  #deferMerge = false;
  #locks = 0;
  #sink = 0;

  protected constructor(options: IndexOptions, mih: boolean, mergeThreshold?: number) {
    this.algorithm = options.algorithm ?? 'pdq';
    this.bits = options.bits ?? 256;
    this.defaultMaxDistance = options.defaultMaxDistance ?? 31;
    this.#kernelChoice = options.kernel ?? 'auto';
    if (typeof this.algorithm !== 'string' || this.algorithm.length === 0) {
      throw invalidArgument('a non-empty algorithm name', 'algorithm', this.algorithm);
    }
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
    this.#mih = mih;
    this.#mergeThreshold = mergeThreshold;
    this.#stride = strideFor(this.bits);
    this.#words = this.#stride / 4;
    this.#hashWords = wordsFor(this.bits);
    this.#slots = mih ? slotsFor(this.bits) : 0;
    this.#m = this.#q + this.#stride;
    this.#outIds = align(this.#m + this.#stride, 64);
    this.#outDist = this.#outIds + OUT_CAP * 4;
    this.#probes = this.#outDist + OUT_CAP * 4;
    this.#probeCounts = this.#probes + PROBE_CAP * 4;
    this.#offsets = this.#probeCounts + MAX_SLOTS * 4;
    this.#postings = align(this.#offsets + this.#slots * TABLE_WORDS * 4, 64);
    this.#capacity = 256;
    this.#packed = this.#packedAt(0);
    this.#kernel = createKernel(this.#kernelChoice, this.#packed + this.#capacity * this.#stride);
    this.#view = new Uint32Array(this.#kernel.buffer);
    this.#alive = new Uint8Array(this.#capacity);
    this.#tail = new DedupTable((id) => this.#alive[id] === 1);
    this.#configure();
  }

  static {
    snapshot = (index) => index.#snapshot();
    prepare = (index, count, size) => index.#prepare(count, size);
    adopt = (index, count, size, alive, metadata) => index.#adopt(count, size, alive, metadata);
    verify = (index) => index.#verifyTables();
    lock = (index, delta) => {
      index.#locks += delta;
    };
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
    if (this.#mih) this.#merge();
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
    const pad = padMask(this.bits);
    for (let i = 0; i < n; i++) {
      if ((words[i * hw]! & pad.first) !== 0 || (words[i * hw + hw - 1]! & pad.last) !== 0) {
        throw new ImprintError(
          'ERR_INVALID_HASH',
          `Packed hash ${i} has bits set beyond its ${this.bits} bits`,
        );
      }
    }
    this.#reserve(this.#count + n);
    if (!this.#tailBuilt) this.#buildTail();
    this.#tail.reserve(n);
    const ids = new Uint32Array(n);
    const qw = this.#q >>> 2;
    const keys = new Uint32Array(BATCH);
    this.#deferMerge = true;
    try {
      for (let start = 0; start < n; start += BATCH) {
        const end = Math.min(n, start + BATCH);
        let touched = 0;
        for (let i = start; i < end; i++) {
          const key = hashWordsPadded(words, i * hw, hw, this.#words);
          keys[i - start] = key;
          touched ^= this.#tail.touch(key);
        }
        this.#sink ^= touched; // keeps the reads
        const u = this.#u32();
        for (let i = start; i < end; i++) {
          for (let w = 0; w < this.#words; w++) u[qw + w] = w < hw ? words[i * hw + w]! : 0;
          let id = this.#findQuery(keys[i - start]);
          if (id < 0) id = this.#appendQuery(keys[i - start]);
          ids[i] = id;
        }
      }
    } finally {
      this.#deferMerge = false;
    }
    this.#maybeMerge();
    return ids;
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
    return unpackHash(this.algorithm, this.bits, this.#u32(), (this.#packed >>> 2) + id * this.#words);
  }

  metadataOf(id: number): readonly M[] {
    this.#checkLive(id);
    return this.#meta.get(id);
  }

  query(hash: Hash, options: QueryOptions = {}): Match<M>[] {
    const max = this.#maxDistance(options);
    this.#check(hash);
    const mask = this.#packMask(options);
    this.#packQuery(hash);
    const keys = new KeyList();
    this.#search(max, options.strategy, (id, d) => keys.push(id, d), mask);
    return keys.sorted().map((key) => this.#match(key, undefined));
  }

  queryAny(hashes: readonly Hash[], options: QueryOptions = {}): Match<M>[] {
    const max = this.#maxDistance(options);
    for (const h of hashes) this.#check(h);
    const mask = this.#packMask(options);
    const best = new Map<number, { distance: number; variant: number }>();
    hashes.forEach((h, variant) => {
      this.#packQuery(h);
      const hit = (id: number, distance: number): void => {
        const prev = best.get(id);
        if (!prev || distance < prev.distance) best.set(id, { distance, variant });
      };
      this.#search(max, options.strategy, hit, mask);
    });
    const keys = new KeyList();
    for (const [id, { distance }] of best) keys.push(id, distance);
    const many = hashes.length > 1;
    return keys.sorted().map((key) => this.#match(key, many ? best.get(key % 2 ** 32)!.variant : undefined));
  }

  queryBatch(hashes: readonly Hash[], options: QueryOptions = {}): BatchMatches {
    const max = this.#maxDistance(options);
    for (const h of hashes) this.#check(h);
    const mask = this.#packMask(options);
    const out = new BatchBuilder();
    const keys = new KeyList();
    hashes.forEach((h, i) => {
      this.#packQuery(h);
      keys.clear();
      this.#search(max, options.strategy, (id, d) => keys.push(id, d), mask);
      for (const key of keys.sorted()) out.push(i, key % 2 ** 32, Math.floor(key / 2 ** 32));
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
    if (this.#mih && this.#main > 0 && options.strategy !== 'scan') {
      // Grow the radius one flip per slot at a time: a complete radius query holding >= k
      // entries contains the k nearest.
      for (let r = 0; ; r++) {
        const radius = Math.min(limit, (r + 1) * this.#slots - 1);
        if (options.strategy !== 'mih' && !this.#useMih(radius, 'auto')) break;
        const keys = new KeyList();
        this.#search(radius, options.strategy, (id, d) => keys.push(id, d));
        if (keys.length >= k || radius >= limit) {
          return keys
            .sorted()
            .slice(0, k)
            .map((key) => this.#match(key, undefined));
        }
      }
    }
    return this.#nearestScan(k, limit).map((key) => this.#match(key, undefined));
  }

  // ---- search ----

  /**
   * Checks the query option's mask and writes it to the mask scratch area; returns the most
   * differing bits it allows under it, or undefined without a mask.
   */
  #packMask(options: QueryOptions): number | undefined {
    const mask = options.mask;
    if (!mask) return undefined;
    if (mask.bits.length !== Math.ceil(this.bits / 8)) {
      throw invalidArgument(`a ${Math.ceil(this.bits / 8)}-byte mask`, 'mask', `${mask.bits.length} bytes`);
    }
    if (!Number.isInteger(mask.maxDistance) || mask.maxDistance < 0) {
      throw invalidArgument('a non-negative integer', 'mask.maxDistance', mask.maxDistance);
    }
    const u = this.#u32();
    const mw = this.#m >>> 2;
    packHash({ algorithm: this.algorithm, bits: this.bits, bytes: mask.bits }, u, mw);
    for (let w = this.#hashWords; w < this.#words; w++) u[mw + w] = 0;
    return mask.maxDistance;
  }

  /** Differing bits under the mask in the scratch area between entry `id` and the query. */
  #maskedDistance(id: number): number {
    const u = this.#u32();
    const p = (this.#packed >>> 2) + id * this.#words;
    const qw = this.#q >>> 2;
    const mw = this.#m >>> 2;
    let d = 0;
    for (let w = 0; w < this.#hashWords; w++) d += popcount32((u[p + w]! ^ u[qw + w]!) & u[mw + w]!);
    return d;
  }

  /**
   * Calls `hit` for every live id within `max` of the query in the scratch area and, with a mask
   * (`maskMax` set), within `maskMax` of it on the mask's bits.
   */
  #search(
    max: number,
    strategy: QueryOptions['strategy'],
    hit: (id: number, distance: number) => void,
    maskMax?: number,
  ): void {
    // With a mask: `mih` forces the masked tables walk when its probes fit; `auto` takes it when
    // the plain one prunes nothing and it beats a scan.
    const tryMasked = maskMax !== undefined && (strategy === 'mih' || !this.#useMih(max, strategy));
    if (tryMasked && this.#maskedMih(max, maskMax, strategy, hit)) {
      this.#scanRange(this.#main, this.#count, max, hit, maskMax);
      return;
    }
    if (this.#useMih(max, strategy)) {
      const r = Math.floor(max / this.#slots);
      const n = this.#kernel.mih(this.#q, max, r, this.#outIds, this.#outDist, OUT_CAP);
      if (n >= 0) {
        const within =
          maskMax === undefined
            ? hit
            : (id: number, d: number) => {
                if (this.#maskedDistance(id) <= maskMax) hit(id, d);
              };
        this.#emit(n, within);
        this.#scanRange(this.#main, this.#count, max, hit, maskMax);
        return;
      }
      // More hits than the output buffer holds: a flat scan pages through them.
    }
    this.#scanRange(0, this.#count, max, hit, maskMax);
  }

  /**
   * Multi-index hashing for a masked query, when it beats a flat scan: an entry within `maskMax`
   * of the query on the mask's bits is within `floor(maskMax / slots)` of it on the masked bits of
   * some slot (pigeonhole), whatever its other bits. So each slot is probed at every value of its
   * unmasked bits and up to that many flips of its masked ones. Calls `hit` for the posted ids
   * found and returns true; false (nothing called) when a scan is the better way.
   */
  #maskedMih(
    max: number,
    maskMax: number,
    strategy: QueryOptions['strategy'],
    hit: (id: number, distance: number) => void,
  ): boolean {
    if (!this.#mih || this.#main === 0 || strategy === 'scan') return false;
    const u = this.#u32();
    const r = Math.floor(maskMax / this.#slots);
    const sure: number[] = [];
    let probes = 0;
    for (let s = 0; s < this.#slots; s++) {
      sure.push(slotValue(u, this.#m >>> 2, s));
      probes += 2 ** (16 - popcount32(sure[s]!)) * withinFlips(popcount32(sure[s]!), r);
    }
    if (probes > PROBE_CAP) return false;
    if (strategy !== 'mih') {
      const perCandidate = this.#main * this.#stride <= CACHED_BYTES ? CANDIDATE_COST_CACHED : CANDIDATE_COST;
      const candidates = (probes * this.#perSlot) / 65536;
      if (probes * PROBE_COST + candidates * perCandidate >= this.#main * FLAT_COST) return false;
    }
    let at = this.#probes >>> 2;
    for (let s = 0; s < this.#slots; s++) {
      const start = at;
      const qv = slotValue(u, this.#q >>> 2, s);
      const loose = ~sure[s]! & 0xffff;
      forEachFlip(sure[s]!, r, (flip) => {
        // every subset of the unmasked bits (the standard walk, ending at the empty set)
        for (let free = loose; ; free = (free - 1) & loose) {
          u[at++] = qv ^ flip ^ free;
          if (free === 0) break;
        }
      });
      u[(this.#probeCounts >>> 2) + s] = at - start;
    }
    const n = this.#kernel.mihMasked(
      this.#q,
      this.#m,
      max,
      maskMax,
      r,
      this.#probes,
      this.#probeCounts,
      this.#outIds,
      this.#outDist,
      OUT_CAP,
    );
    if (n < 0) return false; // more hits than the output buffer holds: a scan pages through them
    this.#emit(n, hit);
    return true;
  }

  #scanRange(
    start: number,
    end: number,
    max: number,
    hit: (id: number, distance: number) => void,
    maskMax?: number,
  ): void {
    // The kernel's masked scan pays off when the radius lets most entries through (a hash with few
    // stable bits); below half the bits, few pass the plain scan and are checked here.
    const inKernel = maskMax !== undefined && 2 * max >= this.bits;
    const within =
      maskMax === undefined || inKernel
        ? hit
        : (id: number, d: number) => {
            if (this.#maskedDistance(id) <= maskMax) hit(id, d);
          };
    let at = start;
    while (at < end) {
      at = inKernel
        ? this.#kernel.scanMasked(
            this.#q,
            this.#m,
            at,
            end,
            max,
            maskMax,
            this.#outIds,
            this.#outDist,
            OUT_CAP,
          )
        : this.#kernel.scan(this.#q, at, end, max, this.#outIds, this.#outDist, OUT_CAP);
      this.#emit(this.#kernel.hits(), within);
    }
  }

  #emit(n: number, hit: (id: number, distance: number) => void): void {
    const u = this.#u32();
    const ids = this.#outIds >>> 2;
    const dists = this.#outDist >>> 2;
    for (let i = 0; i < n; i++) {
      const id = u[ids + i]!;
      if (this.#alive[id] === 1) hit(id, u[dists + i]!);
    }
  }

  /** Whether multi-index hashing beats a flat scan for this radius (by a cost estimate). */
  #useMih(max: number, strategy: QueryOptions['strategy']): boolean {
    if (!this.#mih || this.#main === 0 || strategy === 'scan') return false;
    if (strategy === 'mih') return true;
    const r = Math.floor(max / this.#slots);
    if (r >= 16) return false; // every bucket: no pruning left
    const probes = this.#slots * WITHIN16[r]!;
    const flat = this.#main * FLAT_COST;
    const perCandidate = this.#main * this.#stride <= CACHED_BYTES ? CANDIDATE_COST_CACHED : CANDIDATE_COST;
    if (probes * PROBE_COST >= flat) return false;
    // Lists are clustered (near-duplicates share slot values), so count the real candidates
    // while that is cheap next to the query; else assume uniform buckets.
    const candidates = r <= 2 ? this.#candidates(r) : (probes * this.#perSlot) / 65536;
    return probes * PROBE_COST + candidates * perCandidate < flat;
  }

  /** Exact number of postings a MIH query with `r` flips per slot would check (clustered lists differ from the uniform guess). */
  #candidates(r: number): number {
    const u = this.#u32();
    const qw = this.#q >>> 2;
    let total = 0;
    for (let s = 0; s < this.#slots; s++) {
      const table = (this.#offsets >>> 2) + s * TABLE_WORDS;
      const word = u[qw + (s >>> 1)]!;
      const qv = s & 1 ? word & 0xffff : word >>> 16;
      total += u[table + qv + 1]! - u[table + qv]!;
      for (let k = 1; k <= r; k++) {
        for (let mask = (1 << k) - 1; mask < 65536; ) {
          const v = qv ^ mask;
          total += u[table + v + 1]! - u[table + v]!;
          const c = mask & -mask;
          const t = mask + c;
          mask = (((t ^ mask) >>> 2) / c) | t;
        }
      }
    }
    return total;
  }

  /** The k nearest by a flat scan whose radius shrinks as good entries are found. */
  #nearestScan(k: number, limit: number): number[] {
    let max = limit;
    let best: number[] = [];
    const cap = Math.min(OUT_CAP, Math.max(256, 4 * k));
    let at = 0;
    while (at < this.#count && max >= 0) {
      at = this.#kernel.scan(this.#q, at, this.#count, max, this.#outIds, this.#outDist, cap);
      const before = best.length;
      this.#emit(this.#kernel.hits(), (id, d) => best.push(d * 2 ** 32 + id));
      if (best.length >= k && best.length > before) {
        best.sort((a, b) => a - b);
        best = best.slice(0, k);
        // Later ids at the k-th distance rank after every kept one: only closer ones can enter.
        max = Math.floor(best[k - 1]! / 2 ** 32) - 1;
      }
    }
    return best.sort((a, b) => a - b).slice(0, k);
  }

  #match(key: number, variant: number | undefined): Match<M> {
    const id = key % 2 ** 32;
    const base = {
      id,
      hash: this.hashOf(id),
      distance: Math.floor(key / 2 ** 32),
      metadata: this.#meta.get(id),
    };
    return variant === undefined ? base : { ...base, variant };
  }

  // ---- storage ----

  /** A view of the kernel's memory; only #grow and #prepare replace the memory, and refresh it. */
  #u32(): Uint32Array {
    return this.#view;
  }

  #grow(bytes: number): void {
    this.#kernel.reserve(bytes);
    const buffer = this.#kernel.buffer;
    if (this.#view.buffer !== buffer) this.#view = new Uint32Array(buffer);
  }

  #packedAt(perSlot: number): number {
    return align(this.#postings + this.#slots * perSlot * 4, 64);
  }

  #configure(): void {
    this.#kernel.configure(
      this.#packed,
      this.#stride,
      this.#offsets,
      this.#postings,
      this.#perSlot,
      this.#slots,
    );
  }

  /** Makes room for ids below `capacity`. */
  #reserve(capacity: number): void {
    if (capacity <= this.#capacity) return;
    this.#grow(this.#packed + capacity * this.#stride);
    const alive = new Uint8Array(capacity);
    alive.set(this.#alive.subarray(0, this.#count));
    this.#alive = alive;
    this.#capacity = capacity;
  }

  /** Writes a hash into the query scratch area, zero-padded to the stride. */
  #packQuery(hash: Hash): void {
    const u = this.#u32();
    const qw = this.#q >>> 2;
    packHash(hash, u, qw);
    for (let w = this.#hashWords; w < this.#words; w++) u[qw + w] = 0;
  }

  #equalsQuery(id: number): boolean {
    const u = this.#u32();
    const p = (this.#packed >>> 2) + id * this.#words;
    const qw = this.#q >>> 2;
    for (let w = 0; w < this.#hashWords; w++) if (u[p + w] !== u[qw + w]) return false;
    return true;
  }

  /** The live id holding the hash in the query area, or -1. */
  #findQuery(knownKey?: number): number {
    if (!this.#tailBuilt) this.#buildTail();
    const u = this.#u32();
    const qw = this.#q >>> 2;
    const key = knownKey ?? hashWords(u, qw, this.#words);
    const id = this.#tail.find(key, u, this.#packed >>> 2, this.#words, this.#hashWords, qw, this.#alive);
    if (id >= 0 || this.#main === 0 || !this.#mih) return id;
    // Posted ids: look in the smallest of the query's exact buckets.
    let bestStart = 0;
    let bestEnd = 0;
    let bestSlot = -1;
    for (let s = 0; s < this.#slots; s++) {
      const word = u[qw + (s >>> 1)]!;
      const v = s & 1 ? word & 0xffff : word >>> 16;
      const table = (this.#offsets >>> 2) + s * TABLE_WORDS;
      const start = u[table + v]!;
      const end = u[table + v + 1]!;
      if (bestSlot < 0 || end - start < bestEnd - bestStart) {
        bestSlot = s;
        bestStart = start;
        bestEnd = end;
      }
    }
    const list = (this.#postings >>> 2) + bestSlot * this.#perSlot;
    for (let i = bestStart; i < bestEnd; i++) {
      const c = u[list + i]!;
      if (this.#alive[c] === 1 && this.#equalsQuery(c)) return c;
    }
    return -1;
  }

  /** Stores the hash in the query area under a new id. */
  #appendQuery(knownKey?: number): number {
    if (this.#count >= 0xffffffff)
      throw new ImprintError('ERR_INVALID_ARGUMENT', 'An index holds at most 2^32 - 1 ids');
    if (this.#count === this.#capacity) this.#reserve(Math.max(256, Math.ceil(this.#capacity * 1.25)));
    const id = this.#count++;
    const u = this.#u32();
    const p = (this.#packed >>> 2) + id * this.#words;
    const qw = this.#q >>> 2;
    for (let w = 0; w < this.#words; w++) u[p + w] = u[qw + w]!;
    this.#alive[id] = 1;
    this.#size++;
    this.#tail.insert(knownKey ?? hashWords(u, p, this.#words), id);
    return id;
  }

  #buildTail(): void {
    this.#tailBuilt = true;
    this.#tail.clear();
    const u = this.#u32();
    for (let id = this.#main; id < this.#count; id++) {
      if (this.#alive[id] === 1)
        this.#tail.insert(hashWords(u, (this.#packed >>> 2) + id * this.#words, this.#words), id);
    }
  }

  #maybeMerge(): void {
    if (!this.#mih || this.#deferMerge) return;
    const pending = this.#count - this.#main;
    const threshold = this.#mergeThreshold ?? Math.min(65536, Math.max(4096, this.#size >>> 3));
    if (pending > threshold || (this.#deadPosted > 4096 && this.#deadPosted * 2 > this.#size)) this.#merge();
  }

  /** Rebuilds the MIH tables over every live id (and drops removed ones from them). */
  #merge(): void {
    if (this.#main === this.#count && this.#deadPosted === 0) return;
    const oldPacked = this.#packed;
    const newPacked = this.#packedAt(this.#size);
    this.#grow(newPacked + this.#capacity * this.#stride);
    new Uint8Array(this.#kernel.buffer).copyWithin(
      newPacked,
      oldPacked,
      oldPacked + this.#count * this.#stride,
    );
    this.#packed = newPacked;
    this.#perSlot = this.#size;
    this.#buildTables(this.#u32(), this.#offsets >>> 2, this.#postings >>> 2);
    this.#main = this.#count;
    this.#deadPosted = 0;
    this.#tail.clear();
    this.#configure();
  }

  /** Counting sort of the live ids by each slot's value: bucket offsets at `offsets`, ids at `postings` (word addresses in `out`). */
  #buildTables(out: Uint32Array, offsets: number, postings: number): void {
    const u = this.#u32();
    const alive = this.#alive;
    const count = this.#count;
    const words = this.#words;
    const base = this.#packed >>> 2;
    const cursor = new Uint32Array(TABLE_WORDS);
    for (let s = 0; s < this.#slots; s++) {
      const shift = s & 1 ? 0 : 16;
      cursor.fill(0);
      for (let id = 0, p = base + (s >>> 1); id < count; id++, p += words) {
        if (alive[id] === 1) cursor[((u[p]! >>> shift) & 0xffff) + 1]!++;
      }
      for (let v = 0; v < 65536; v++) cursor[v + 1]! += cursor[v]!;
      out.set(cursor, offsets + s * TABLE_WORDS);
      const list = postings + s * this.#size;
      for (let id = 0, p = base + (s >>> 1); id < count; id++, p += words) {
        if (alive[id] === 1) out[list + cursor[(u[p]! >>> shift) & 0xffff]!++] = id;
      }
    }
  }

  // ---- files ----

  #snapshot(): IndexParts {
    if (this.#mih) this.#merge();
    const u8 = new Uint8Array(this.#kernel.buffer);
    const alive = this.#alive.subarray(0, this.#count);
    return {
      kind: this.kind,
      algorithm: this.algorithm,
      bits: this.bits,
      defaultMaxDistance: this.defaultMaxDistance,
      count: this.#count,
      size: this.#size,
      stride: this.#stride,
      slots: this.#slots,
      packed: u8.subarray(this.#packed, this.#packed + this.#count * this.#stride),
      alive,
      metadata: this.#meta.encode(this.#count, alive),
      ...(this.#mih
        ? {
            offsets: u8.subarray(this.#offsets, this.#offsets + this.#slots * TABLE_WORDS * 4),
            postings: u8.subarray(this.#postings, this.#postings + this.#slots * this.#size * 4),
          }
        : {}),
    };
  }

  /**
   * First half of loading: memory laid out for `count` ids (`size` live) and views where the
   * file's hashes and tables go. The index answers nothing until {@link #adopt}.
   */
  #prepare(count: number, size: number): PreparedMemory {
    const perSlot = this.#mih ? size : 0;
    this.#packed = this.#packedAt(perSlot);
    this.#perSlot = perSlot;
    this.#capacity = count;
    this.#kernel = createKernel(this.#kernelChoice, this.#packed + count * this.#stride);
    this.#view = new Uint32Array(this.#kernel.buffer);
    const u8 = new Uint8Array(this.#kernel.buffer);
    this.#count = 0;
    this.#size = 0;
    this.#main = 0;
    this.#configure();
    const tables = this.#slots * TABLE_WORDS * 4;
    return {
      packed: u8.subarray(this.#packed, this.#packed + count * this.#stride),
      offsets: u8.subarray(this.#offsets, this.#offsets + tables),
      postings: u8.subarray(this.#postings, this.#postings + this.#slots * perSlot * 4),
    };
  }

  /** Second half of loading, once the prepared memory holds the file's data (checked). */
  #adopt(count: number, size: number, alive: Uint8Array, metadata: EncodedMetadata): void {
    this.#alive = alive;
    this.#count = count;
    this.#size = size;
    this.#main = this.#mih ? count : 0;
    this.#deadPosted = 0;
    this.#meta = new MetadataStore<M>(metadata);
    this.#tail.clear();
    this.#tailBuilt = false; // built on the first add, so loading stays a copy
    this.#configure();
  }

  /** Full check of a loaded index: tables rebuilt and compared, no duplicate live hashes, metadata parses. */
  #verifyTables(): void {
    if (this.#mih) {
      const tables = new Uint32Array(this.#slots * (TABLE_WORDS + this.#size));
      this.#buildTables(tables, 0, this.#slots * TABLE_WORDS);
      const u = this.#u32();
      const offsetWords = this.#slots * TABLE_WORDS;
      const same = (from: number, at: number, n: number): boolean => {
        for (let i = 0; i < n; i++) if (tables[from + i] !== u[at + i]) return false;
        return true;
      };
      if (
        !same(0, this.#offsets >>> 2, offsetWords) ||
        !same(offsetWords, this.#postings >>> 2, this.#slots * this.#size)
      ) {
        throw new ImprintError('ERR_INDEX_CORRUPT', 'The multi-index tables do not match the stored hashes');
      }
    }
    const seen = new DedupTable(() => true);
    const u = this.#u32();
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
    if (hash === null || typeof hash !== 'object') throw invalidArgument('a Hash', 'hash', hash);
    if (hash.algorithm !== this.algorithm || hash.bits !== this.bits) {
      throw new ImprintError(
        'ERR_ALGORITHM_MISMATCH',
        `This index holds ${this.bits}-bit ${this.algorithm} hashes; got a ${hash.bits}-bit ${hash.algorithm} hash`,
      );
    }
    if (!(hash.bytes instanceof Uint8Array) || hash.bytes.length !== Math.ceil(this.bits / 8)) {
      throw new ImprintError(
        'ERR_INVALID_HASH',
        `A ${this.bits}-bit hash needs ${Math.ceil(this.bits / 8)} bytes`,
      );
    }
    if (this.bits % 8 !== 0 && hash.bytes[0]! >> (this.bits % 8) !== 0) {
      throw new ImprintError('ERR_INVALID_HASH', `The hash has bits set beyond its ${this.bits} bits`);
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

/** Hits as numbers `distance * 2^32 + id`, which sort nearest first, ties by id. */
class KeyList {
  #keys = new Float64Array(16);
  length = 0;

  push(id: number, distance: number): void {
    if (this.length === this.#keys.length) {
      const next = new Float64Array(this.#keys.length * 2);
      next.set(this.#keys);
      this.#keys = next;
    }
    this.#keys[this.length++] = distance * 2 ** 32 + id;
  }

  clear(): void {
    this.length = 0;
  }

  sorted(): number[] {
    return Array.from(this.#keys.subarray(0, this.length).sort());
  }
}

class BatchBuilder {
  #queries = new Uint32Array(64);
  #ids = new Uint32Array(64);
  #distances = new Uint16Array(64);
  #length = 0;

  push(query: number, id: number, distance: number): void {
    if (this.#length === this.#ids.length) {
      const n = this.#length * 2;
      this.#queries = grow(this.#queries, new Uint32Array(n));
      this.#ids = grow(this.#ids, new Uint32Array(n));
      this.#distances = grow(this.#distances, new Uint16Array(n));
    }
    this.#queries[this.#length] = query;
    this.#ids[this.#length] = id;
    this.#distances[this.#length] = distance;
    this.#length++;
  }

  finish(): BatchMatches {
    const n = this.#length;
    return {
      length: n,
      queries: this.#queries.slice(0, n),
      ids: this.#ids.slice(0, n),
      distances: this.#distances.slice(0, n),
    };
  }
}

function grow<T extends Uint32Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Internal hooks for index-format.ts (not part of the public API). */
export const internals = {
  snapshot: <M>(index: PackedIndex<M>): IndexParts => snapshot(index),
  prepare: <M>(index: PackedIndex<M>, count: number, size: number): PreparedMemory =>
    prepare(index, count, size),
  adopt: <M>(
    index: PackedIndex<M>,
    count: number,
    size: number,
    alive: Uint8Array,
    metadata: EncodedMetadata,
  ): void => adopt(index, count, size, alive, metadata),
  verify: <M>(index: PackedIndex<M>): void => verify(index),
  lock: <M>(index: PackedIndex<M>, delta: 1 | -1): void => lock(index, delta),
};
