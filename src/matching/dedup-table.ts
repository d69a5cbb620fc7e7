/**
 * An open-addressing hash set of entry ids, keyed by a hash of each entry's packed words, so that
 * `add` finds an identical stored hash in O(1). The table holds ids only; equality is checked
 * against the packed store passed to {@link DedupTable.find}.
 */
export class DedupTable {
  #slots = new Int32Array(0); // pairs (id + 1, key); id + 1 = 0 marks an empty pair
  #used = 0;
  readonly #keep: (id: number) => boolean;

  /** Entries for which `keep(id)` is false (removed ones) are dropped when the table grows. */
  constructor(keep: (id: number) => boolean) {
    this.#keep = keep;
  }

  get byteLength(): number {
    return this.#slots.byteLength;
  }

  clear(): void {
    this.#slots = new Int32Array(0);
    this.#used = 0;
  }

  /** Makes room for `more` further inserts without growing in between. */
  reserve(more: number): void {
    if ((this.#used + more) * 4 > this.#slots.length) this.#rehash((this.#used + more) * 2);
  }

  /**
   * The first stored live id whose `n` words at `words[base + id * stride]` equal the `n` words at
   * `words[q]`, or -1. `alive[id] === 1` marks live ids.
   */
  find(
    key: number,
    words: Uint32Array,
    base: number,
    stride: number,
    n: number,
    q: number,
    alive: Uint8Array,
  ): number {
    const slots = this.#slots;
    if (slots.length === 0) return -1;
    const mask = (slots.length >>> 1) - 1;
    const k = key | 0;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const e = slots[2 * i]!;
      if (e === 0) return -1;
      if (slots[2 * i + 1] !== k) continue; // the stored key avoids touching the hashes
      const id = e - 1;
      if (alive[id] !== 1) continue;
      const p = base + id * stride;
      let w = 0;
      while (w < n && words[p + w] === words[q + w]) w++;
      if (w === n) return id;
    }
  }

  insert(key: number, id: number): void {
    if ((this.#used + 1) * 4 > this.#slots.length) this.#rehash(Math.max(64, (this.#used + 1) * 4));
    this.#place(key, id);
    this.#used++;
  }

  #place(key: number, id: number): void {
    const slots = this.#slots;
    const mask = (slots.length >>> 1) - 1;
    let i = key & mask;
    while (slots[2 * i] !== 0) i = (i + 1) & mask;
    slots[2 * i] = id + 1;
    slots[2 * i + 1] = key | 0;
  }

  /** Grows to at least `minPairs` pairs (a power of two), keeping the entries `keep` accepts. */
  #rehash(minPairs: number): void {
    const old = this.#slots;
    let pairs = 64;
    while (pairs < minPairs) pairs *= 2;
    this.#slots = new Int32Array(2 * pairs);
    this.#used = 0;
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i]!;
      if (e !== 0 && this.#keep(e - 1)) {
        this.#place(old[i + 1]! >>> 0, e - 1);
        this.#used++;
      }
    }
  }
}

/** {@link hashWords} of `n` words at `at` followed by zero words up to `padded` words. */
export function hashWordsPadded(words: Uint32Array, at: number, n: number, padded: number): number {
  let h = 0x811c9dc5 ^ padded;
  for (let i = 0; i < padded; i++) h = Math.imul(h ^ (i < n ? words[at + i]! : 0), 0x01000193);
  return mix(h);
}

/** A well-mixed 32-bit hash of `n` words of `words` starting at `at`. */
export function hashWords(words: Uint32Array, at: number, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ words[at + i]!, 0x01000193);
  return mix(h);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
