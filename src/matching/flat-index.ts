import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, hashToHex, popcount32 } from '../core/hash.js';
import { packHash, unpackHash, wordsFor } from './packed.js';
import type { HashIndex, IndexEntry, Match, QueryOptions } from './types.js';

/** Options for a new index. */
export interface IndexOptions {
  /** Algorithm of every stored hash (default `pdq`). */
  algorithm?: string;
  /** Bit length of every stored hash (default 256). */
  bits?: number;
  /** Default `maxDistance` for queries (default 31, PDQ's threshold). */
  defaultMaxDistance?: number;
}

/**
 * A linear-scan index over packed hashes: every query compares against every stored hash. Exact
 * and simple; the reference the faster indexes are tested against.
 *
 * @example
 * ```ts
 * const index = new FlatIndex<string>({ algorithm: 'pdq', bits: 256 });
 * index.add(knownHash, 'case-1234');
 * for (const m of index.query(uploadHash, { maxDistance: 31 })) console.log(m.metadata, m.distance);
 * ```
 */
export class FlatIndex<M = unknown> implements HashIndex<M> {
  readonly algorithm: string;
  readonly bits: number;
  readonly defaultMaxDistance: number;
  readonly #words: number;
  #packed: Uint32Array;
  #alive: Uint8Array;
  #metadata: M[][] = [];
  #count = 0; // ids handed out, including removed ones
  #size = 0;
  readonly #byHex = new Map<string, number>();

  constructor(options: IndexOptions = {}) {
    this.algorithm = options.algorithm ?? 'pdq';
    this.bits = options.bits ?? 256;
    this.defaultMaxDistance = options.defaultMaxDistance ?? 31;
    if (!Number.isInteger(this.bits) || this.bits < 1)
      throw invalidArgument('a positive integer', 'bits', this.bits);
    this.#words = wordsFor(this.bits);
    this.#packed = new Uint32Array(this.#words * 1024);
    this.#alive = new Uint8Array(1024);
  }

  get size(): number {
    return this.#size;
  }

  add(hash: Hash, metadata?: M): number {
    this.#check(hash);
    const key = hashToHex(hash);
    let id = this.#byHex.get(key);
    if (id === undefined) {
      id = this.#count++;
      if (id >= this.#alive.length) this.#grow();
      packHash(hash, this.#packed, id * this.#words);
      this.#alive[id] = 1;
      this.#metadata[id] = [];
      this.#byHex.set(key, id);
      this.#size++;
    }
    if (metadata !== undefined) this.#metadata[id]!.push(metadata);
    return id;
  }

  addAll(entries: Iterable<IndexEntry<M>>): void {
    for (const e of entries) this.add(e.hash, e.metadata);
  }

  remove(id: number): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= this.#count || !this.#alive[id]) return false;
    this.#alive[id] = 0;
    this.#byHex.delete(hashToHex(this.#hashAt(id)));
    this.#metadata[id] = [];
    this.#size--;
    return true;
  }

  query(hash: Hash, options: QueryOptions = {}): Match<M>[] {
    return this.queryAny([hash], options);
  }

  queryAny(hashes: readonly Hash[], options: QueryOptions = {}): Match<M>[] {
    const maxDistance = options.maxDistance ?? this.defaultMaxDistance;
    if (!Number.isInteger(maxDistance) || maxDistance < 0) {
      throw invalidArgument('a non-negative integer', 'maxDistance', maxDistance);
    }
    const best = new Map<number, { distance: number; variant: number }>();
    hashes.forEach((h, variant) => {
      this.#check(h);
      const q = new Uint32Array(this.#words);
      packHash(h, q, 0);
      this.#scan(q, maxDistance, (id, distance) => {
        const prev = best.get(id);
        if (!prev || distance < prev.distance) best.set(id, { distance, variant });
      });
    });
    const many = hashes.length > 1;
    const out = [...best].map(([id, { distance, variant }]) =>
      this.#match(id, distance, many ? variant : undefined),
    );
    return out.sort(byDistanceThenId);
  }

  nearest(hash: Hash, k: number): Match<M>[] {
    this.#check(hash);
    if (!Number.isInteger(k) || k < 0) throw invalidArgument('a non-negative integer', 'k', k);
    const q = new Uint32Array(this.#words);
    packHash(hash, q, 0);
    const all: Match<M>[] = [];
    this.#scan(q, this.bits, (id, distance) => all.push(this.#match(id, distance, undefined)));
    return all.sort(byDistanceThenId).slice(0, k);
  }

  /** Calls `hit` for every live entry within `maxDistance` of the packed query. */
  #scan(q: Uint32Array, maxDistance: number, hit: (id: number, distance: number) => void): void {
    const words = this.#words;
    const packed = this.#packed;
    for (let id = 0, off = 0; id < this.#count; id++, off += words) {
      if (!this.#alive[id]) continue;
      let d = 0;
      for (let w = 0; w < words && d <= maxDistance; w++) d += popcount32(packed[off + w]! ^ q[w]!);
      if (d <= maxDistance) hit(id, d);
    }
  }

  #match(id: number, distance: number, variant: number | undefined): Match<M> {
    const base = { id, hash: this.#hashAt(id), distance, metadata: this.#metadata[id]! };
    return variant === undefined ? base : { ...base, variant };
  }

  #hashAt(id: number): Hash {
    return unpackHash(this.algorithm, this.bits, this.#packed, id * this.#words);
  }

  #grow(): void {
    const packed = new Uint32Array(this.#packed.length * 2);
    packed.set(this.#packed);
    this.#packed = packed;
    const alive = new Uint8Array(this.#alive.length * 2);
    alive.set(this.#alive);
    this.#alive = alive;
  }

  #check(hash: Hash): void {
    if (hash.algorithm !== this.algorithm || hash.bits !== this.bits) {
      throw new ImprintError(
        'ERR_ALGORITHM_MISMATCH',
        `This index holds ${this.bits}-bit ${this.algorithm} hashes; got a ${hash.bits}-bit ${hash.algorithm} hash`,
      );
    }
  }
}

function byDistanceThenId<M>(a: Match<M>, b: Match<M>): number {
  return a.distance - b.distance || a.id - b.id;
}
