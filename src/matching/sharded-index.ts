import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import { MihIndex, type MihIndexOptions } from './mih-index.js';
import { packHash, wordsFor } from './packed.js';
import { checkPackedBits, type IndexStats } from './packed-index.js';
import { BatchBuilder, KeyList } from './results.js';
import type { BatchMatches, HashIndex, IndexEntry, Match, QueryOptions } from './types.js';

/** Options for a {@link ShardedIndex}. */
export interface ShardedIndexOptions extends MihIndexOptions {
  /**
   * Number of shards (default 1), fixed for the index's life: each hash goes to the shard its
   * content picks, so identical hashes always meet. Each shard is a {@link MihIndex} with its own
   * WebAssembly memory (at most 4 GiB, about 40 million 256-bit hashes); use one shard per 25
   * million hashes or so.
   */
  shards?: number;
}

/** Most shards an index takes (a shard number is a byte). */
export const MAX_SHARDS = 254;
const REMOVED = 255;

/**
 * A {@link MihIndex} split over several shards, so a list larger than one WebAssembly memory
 * (4 GiB) loads and answers in one process: 100 million PDQ hashes in 4 shards. Every query fans
 * out to the shards and their answers are merged. Ids, results and their order are exactly those
 * of one index given the same calls: a new distinct hash gets the next id, whichever shard holds
 * it. Costs 5 bytes per hash over the shards' own (the id maps).
 *
 * @example
 * ```ts
 * const index = new ShardedIndex({ algorithm: 'pdq', shards: 4 });
 * index.addPacked(packHashes(knownHashes)); // builds every shard's tables once
 * const matches = index.query(uploadHash); // within 31 bits, nearest first
 * ```
 */
export class ShardedIndex<M = unknown> implements HashIndex<M> {
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  #shards: MihIndex<M>[];
  readonly #hashWords: number;
  readonly #query: Uint32Array;
  /** Per shard, the global id of each local id (ascending: ids are handed out in order). */
  #globalOf: Uint32Array[];
  /** Local ids handed out per shard. */
  readonly #localCount: number[];
  /** Per global id, its shard (REMOVED once removed). */
  #shardOf: Uint8Array = new Uint8Array(256);
  #count = 0;

  constructor(options: ShardedIndexOptions = {}) {
    const shards = options.shards ?? 1;
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
      throw invalidArgument(`an integer from 1 to ${MAX_SHARDS}`, 'shards', shards);
    }
    const { shards: _, ...rest } = options;
    this.#shards = Array.from({ length: shards }, () => new MihIndex<M>(rest));
    const first = this.#shards[0]!;
    this.algorithm = first.algorithm;
    this.bits = first.bits;
    this.defaultMaxDistance = first.defaultMaxDistance;
    this.#hashWords = wordsFor(this.bits);
    this.#query = new Uint32Array(this.#hashWords);
    this.#globalOf = this.#shards.map(() => new Uint32Array(256));
    this.#localCount = this.#shards.map(() => 0);
  }

  /** Number of shards. */
  get shards(): number {
    return this.#shards.length;
  }

  /**
   * @internal The shards and, per shard, the global id of each of its local ids (copies, one per
   * local id handed out, removed ones included): what a saved index or worker threads need.
   */
  parts(): { shards: readonly MihIndex<M>[]; globalIds: Uint32Array[] } {
    return {
      shards: this.#shards,
      globalIds: this.#globalOf.map((g, s) => g.slice(0, this.#localCount[s]!)),
    };
  }

  /**
   * @internal An index from its parts (see {@link ShardedIndex.parts}), as saved: every id from 0
   * up must be some shard's, each shard's ascending and one per local id it handed out, or
   * ERR_INDEX_CORRUPT (naming `source`).
   */
  static fromParts<M>(
    shards: readonly MihIndex<M>[],
    globalIds: readonly Uint32Array[],
    source = 'a sharded index',
  ): ShardedIndex<M> {
    const corrupt = (why: string) =>
      new ImprintError('ERR_INDEX_CORRUPT', `${source} is damaged: ${why}`, { location: { source } });
    if (shards.length < 1 || shards.length > MAX_SHARDS || globalIds.length !== shards.length)
      throw corrupt(`${shards.length} shards and ${globalIds.length} id maps`);
    const first = shards[0]!;
    const index = new ShardedIndex<M>({
      algorithm: first.algorithm,
      bits: first.bits,
      defaultMaxDistance: first.defaultMaxDistance,
      shards: shards.length,
    });
    let count = 0;
    for (const [s, shard] of shards.entries()) {
      if (shard.algorithm !== first.algorithm || shard.bits !== first.bits)
        throw corrupt(`shard ${s} holds ${shard.algorithm} (${shard.bits} bits), shard 0 ${first.algorithm}`);
      if (globalIds[s]!.length !== shard.stats().ids)
        throw corrupt(`shard ${s} has ${shard.stats().ids} ids but its map ${globalIds[s]!.length}`);
      count += globalIds[s]!.length;
    }
    const shardOf = new Uint8Array(Math.max(256, count)).fill(REMOVED);
    const seen = new Uint8Array(count);
    for (const [s, map] of globalIds.entries()) {
      for (let local = 0; local < map.length; local++) {
        const id = map[local]!;
        if (id >= count || seen[id] || (local > 0 && id <= map[local - 1]!))
          throw corrupt(`shard ${s}'s id map is not a share of the ids 0..${count - 1} in ascending order`);
        seen[id] = 1;
      }
      for (const local of shards[s]!.ids()) shardOf[map[local]!] = s;
    }
    index.#shards = [...shards];
    index.#globalOf = globalIds.map((g) => g.slice());
    index.#localCount.splice(0, shards.length, ...globalIds.map((g) => g.length));
    index.#shardOf = shardOf;
    index.#count = count;
    return index;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#shards) n += s.size;
    return n;
  }

  /** Storage counters summed over the shards (`substrings`: the first shard's). */
  stats(): IndexStats {
    const all = this.#shards.map((s) => s.stats());
    const sum = (f: (s: IndexStats) => number) => all.reduce((a, s) => a + f(s), 0);
    const maps = this.#shardOf.byteLength + this.#globalOf.reduce((a, g) => a + g.byteLength, 0);
    return {
      size: sum((s) => s.size),
      ids: this.#count,
      posted: sum((s) => s.posted),
      memoryBytes: sum((s) => s.memoryBytes) + maps,
      kernel: all[0]!.kernel,
      substrings: all[0]!.substrings,
    };
  }

  add(hash: Hash, metadata?: M): number {
    const s = this.#route(hash);
    return this.#globalFor(s, this.#shards[s]!.add(hash, metadata));
  }

  addAll(entries: Iterable<IndexEntry<M>>): void {
    for (const e of entries) this.add(e.hash, e.metadata);
    this.build();
  }

  /**
   * Adds hashes given as packed words, `ceil(bits / 32)` per hash (see `packHashes`), each shard
   * in one bulk add. Returns the id of each hash.
   */
  addPacked(words: Uint32Array): Uint32Array {
    const hw = this.#hashWords;
    if (!(words instanceof Uint32Array) || words.length % hw !== 0) {
      throw invalidArgument(`a Uint32Array of ${hw} words per hash`, 'words', words);
    }
    const n = words.length / hw;
    checkPackedBits(words, this.bits); // before any shard changes
    const route = new Uint8Array(n);
    const counts = this.#shards.map(() => 0);
    for (let i = 0; i < n; i++) {
      const s = routeWords(words, i * hw, hw, this.#shards.length);
      route[i] = s;
      counts[s]!++;
    }
    // Each shard's local ids, in input order within the shard.
    const local = new Uint32Array(n);
    this.#shards.forEach((shard, s) => {
      const part = new Uint32Array(counts[s]! * hw);
      let k = 0;
      for (let i = 0; i < n; i++)
        if (route[i] === s) part.set(words.subarray(i * hw, (i + 1) * hw), hw * k++);
      const ids = shard.addPacked(part);
      this.#reserveLocal(s, this.#localCount[s]! + counts[s]!);
      k = 0;
      for (let i = 0; i < n; i++) if (route[i] === s) local[i] = ids[k++]!;
    });
    // Global ids in input order: a shard's new local ids come in that order too.
    if (this.#count + n > this.#shardOf.length) this.#shardOf = grow8(this.#shardOf, this.#count + n);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#globalFor(route[i]!, local[i]!);
    return out;
  }

  /** Builds every shard's multi-index tables over what was added (see {@link MihIndex.build}). */
  build(): void {
    for (const s of this.#shards) s.build();
  }

  remove(id: number): boolean {
    const at = this.#locate(id);
    if (!at) return false;
    if (!this.#shards[at.shard]!.remove(at.local)) return false;
    this.#shardOf[id] = REMOVED;
    return true;
  }

  *ids(): IterableIterator<number> {
    for (let id = 0; id < this.#count; id++) if (this.#shardOf[id] !== REMOVED) yield id;
  }

  /** The id of the live entry holding exactly this hash, or -1. */
  idOf(hash: Hash): number {
    const s = this.#route(hash);
    const local = this.#shards[s]!.idOf(hash);
    return local < 0 ? -1 : this.#globalOf[s]![local]!;
  }

  hashOf(id: number): Hash {
    const at = this.#live(id);
    return this.#shards[at.shard]!.hashOf(at.local);
  }

  metadataOf(id: number): readonly M[] {
    const at = this.#live(id);
    return this.#shards[at.shard]!.metadataOf(at.local);
  }

  query(hash: Hash, options: QueryOptions = {}): Match<M>[] {
    return this.#merged((shard) => shard.query(hash, options));
  }

  queryAny(hashes: readonly Hash[], options: QueryOptions = {}): Match<M>[] {
    // Entries are disjoint across shards: each shard's best variant per entry is the index's.
    return this.#merged((shard) => shard.queryAny(hashes, options));
  }

  nearest(hash: Hash, k: number, options: QueryOptions = {}): Match<M>[] {
    // A shard's k nearest by (distance, local id) are its k nearest by (distance, global id):
    // local ids are in the order of global ids.
    return this.#merged((shard) => shard.nearest(hash, k, options)).slice(0, k);
  }

  queryBatch(hashes: readonly Hash[], options: QueryOptions = {}): BatchMatches {
    const perQuery = hashes.map(() => new KeyList());
    this.#shards.forEach((shard, s) => {
      const b = shard.queryBatch(hashes, options);
      const globalOf = this.#globalOf[s]!;
      for (let i = 0; i < b.length; i++) perQuery[b.queries[i]!]!.push(globalOf[b.ids[i]!]!, b.distances[i]!);
    });
    const out = new BatchBuilder();
    perQuery.forEach((keys, i) => {
      out.pushKeys(i, keys.sorted());
    });
    return out.finish();
  }

  /** Each shard's matches with global ids, nearest first, ties by id. */
  #merged(run: (shard: MihIndex<M>) => Match<M>[]): Match<M>[] {
    const all: Match<M>[] = [];
    this.#shards.forEach((shard, s) => {
      const globalOf = this.#globalOf[s]!;
      for (const m of run(shard)) all.push({ ...m, id: globalOf[m.id]! });
    });
    return all.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  #route(hash: Hash): number {
    if (
      hash === null ||
      typeof hash !== 'object' ||
      hash.bits !== this.bits ||
      !(hash.bytes instanceof Uint8Array)
    ) {
      return 0; // the shard's own checks raise the right error
    }
    packHash(hash, this.#query, 0);
    return routeWords(this.#query, 0, this.#hashWords, this.#shards.length);
  }

  /** The global id of shard `s`'s local id, handing out the next one when `local` is new. */
  #globalFor(s: number, local: number): number {
    if (local < this.#localCount[s]!) return this.#globalOf[s]![local]!;
    const id = this.#count++;
    if (id >= this.#shardOf.length) this.#shardOf = grow8(this.#shardOf, id + 1);
    this.#shardOf[id] = s;
    this.#reserveLocal(s, local + 1);
    this.#globalOf[s]![local] = id;
    this.#localCount[s] = local + 1;
    return id;
  }

  #reserveLocal(s: number, need: number): void {
    const map = this.#globalOf[s]!;
    if (need > map.length) this.#globalOf[s] = grow32(map, need);
  }

  /** Where a live id is, or undefined. */
  #locate(id: number): { shard: number; local: number } | undefined {
    if (!Number.isInteger(id) || id < 0 || id >= this.#count) return undefined;
    const shard = this.#shardOf[id]!;
    if (shard === REMOVED) return undefined;
    const map = this.#globalOf[shard]!;
    let lo = 0;
    let hi = this.#localCount[shard]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (map[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return { shard, local: lo };
  }

  #live(id: number): { shard: number; local: number } {
    const at = this.#locate(id);
    if (!at) throw invalidArgument('the id of a live entry', 'id', id);
    return at;
  }
}

/** The shard of the packed hash at `words[at..]`, from a hash of its content (high bits). */
function routeWords(words: Uint32Array, at: number, n: number, shards: number): number {
  if (shards === 1) return 0;
  let h = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ words[at + i]!, 0x27d4eb2d);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x165667b1);
  h ^= h >>> 16;
  return Math.floor(((h >>> 0) * shards) / 2 ** 32);
}

function grow8(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}

function grow32(a: Uint32Array, need: number): Uint32Array {
  const b = new Uint32Array(Math.max(need, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}
