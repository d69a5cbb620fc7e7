/**
 * An open-addressing hash set of entry ids, keyed by a hash of each entry's packed words, so that
 * `add` finds an identical stored hash in O(1). The table holds ids only; the caller supplies the
 * key of an id and the equality test against the packed store.
 */
export class DedupTable {
  #slots = new Int32Array(0); // id + 1, 0 = empty
  #used = 0;
  readonly #keyOf: (id: number) => number;
  readonly #keep: (id: number) => boolean;

  /** `keyOf(id)` hashes a stored entry; entries for which `keep(id)` is false are dropped when the table grows. */
  constructor(keyOf: (id: number) => number, keep: (id: number) => boolean) {
    this.#keyOf = keyOf;
    this.#keep = keep;
  }

  get byteLength(): number {
    return this.#slots.byteLength;
  }

  clear(): void {
    this.#slots = new Int32Array(0);
    this.#used = 0;
  }

  /** The first stored id with this key for which `equal(id)` holds, or -1. */
  find(key: number, equal: (id: number) => boolean): number {
    const slots = this.#slots;
    if (slots.length === 0) return -1;
    const mask = slots.length - 1;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === 0) return -1;
      if (equal(e - 1)) return e - 1;
    }
  }

  insert(key: number, id: number): void {
    if ((this.#used + 1) * 2 > this.#slots.length) this.#rehash(Math.max(64, (this.#used + 1) * 4));
    this.#place(key, id);
    this.#used++;
  }

  #place(key: number, id: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = key & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  #rehash(minSize: number): void {
    const old = this.#slots;
    let size = 64;
    while (size < minSize) size *= 2;
    this.#slots = new Int32Array(size);
    this.#used = 0;
    for (const e of old) {
      if (e !== 0 && this.#keep(e - 1)) {
        this.#place(this.#keyOf(e - 1), e - 1);
        this.#used++;
      }
    }
  }
}

/** A well-mixed 32-bit hash of `n` words of `words` starting at `at`. */
export function hashWords(words: Uint32Array, at: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ words[at + i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
