import type { BatchMatches } from './types.js';

/** Hits as numbers `distance * 2^32 + id`, which sort nearest first, ties by id. */
export class KeyList {
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

/** The id of a {@link KeyList} key. */
export function keyId(key: number): number {
  return key % 2 ** 32;
}

/** The distance of a {@link KeyList} key. */
export function keyDistance(key: number): number {
  return Math.floor(key / 2 ** 32);
}

/** Collects the hits of many queries into the typed arrays of a {@link BatchMatches}. */
export class BatchBuilder {
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

  /** Appends a query's sorted keys. */
  pushKeys(query: number, keys: readonly number[]): void {
    for (const key of keys) this.push(query, keyId(key), keyDistance(key));
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
