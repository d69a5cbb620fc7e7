/**
 * Stable least-significant-digit radix sort of u32 keys with their ids, for building multi-index
 * tables and finding duplicates in bulk. Each pass reads its input in order and writes to at most
 * 2^12 places at once, so it runs at memory speed where a counting sort over 2^23 buckets would
 * wait on a cache miss per element.
 */

const DIGIT = 12;

/** Scratch arrays reused by {@link sortPairs} (one set per size). */
export interface RadixBuffers {
  keys: Uint32Array;
  ids: Uint32Array;
}

/**
 * Sorts `n` pairs (`keys[i]`, `ids[i]`) by key, keys below 2^`bits`, keeping the order of pairs
 * with equal keys. Returns the arrays holding the result: either the inputs or `spare`'s (both
 * are overwritten).
 */
export function sortPairs(
  keys: Uint32Array,
  ids: Uint32Array,
  n: number,
  bits: number,
  spare: RadixBuffers,
): RadixBuffers {
  let from: RadixBuffers = { keys, ids };
  let to = spare;
  const passes = Math.max(1, Math.ceil(bits / DIGIT));
  const width = Math.ceil(bits / passes);
  const count = new Uint32Array((1 << width) + 1);
  for (let p = 0, shift = 0; p < passes; p++, shift += width) {
    const mask = (1 << Math.min(width, bits - shift)) - 1;
    count.fill(0);
    const fk = from.keys;
    const fi = from.ids;
    for (let i = 0; i < n; i++) count[((fk[i]! >>> shift) & mask) + 1]!++;
    for (let d = 0; d <= mask; d++) count[d + 1]! += count[d]!;
    const tk = to.keys;
    const ti = to.ids;
    for (let i = 0; i < n; i++) {
      const k = fk[i]!;
      const at = count[(k >>> shift) & mask]!++;
      tk[at] = k;
      ti[at] = fi[i]!;
    }
    const t = from;
    from = to;
    to = t;
  }
  return from;
}

/**
 * For each of `n` items with 32-bit `keys`, the index of the first item equal to it (itself when
 * it is the first), where `same(i, j)` says whether items i and j are equal (only asked for
 * items with equal keys). One stable pass spreads the items by their key's high bits (at most
 * 2^12 places written at once), then each part, in item order, goes through a small hash table of
 * its first occurrences that stays in cache: no probe per item into a table of all of them.
 */
export function firstOccurrences(
  keys: Uint32Array,
  n: number,
  same: (i: number, j: number) => boolean,
): Uint32Array {
  const first = new Uint32Array(n);
  for (let i = 0; i < n; i++) first[i] = i;
  if (n < 2) return first;
  const high = Math.min(DIGIT, Math.max(0, Math.floor(Math.log2(n)) - 6)); // parts of ~64+ items
  const shift = 32 - high;
  const parts = new Uint32Array((1 << high) + 1);
  for (let i = 0; i < n; i++) parts[(high === 0 ? 0 : keys[i]! >>> shift) + 1]!++;
  let most = 0;
  for (let h = 0; h < 1 << high; h++) {
    most = Math.max(most, parts[h + 1]!);
    parts[h + 1]! += parts[h]!;
  }
  const order = new Uint32Array(n);
  const orderKeys = new Uint32Array(n); // keys in that order: read in sequence below
  const at = parts.slice(0, 1 << high);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const to = at[high === 0 ? 0 : key >>> shift]!++;
    order[to] = i;
    orderKeys[to] = key;
  }
  // Per part, open addressing in the first 2^bits slots (at most half full, cleared for each
  // part): a slot holds a first occurrence + 1 (0: empty) and its key.
  const size = 2 ** Math.ceil(Math.log2(2 * most));
  const table = new Uint32Array(size);
  const tableKeys = new Uint32Array(size);
  for (let h = 0; h < 1 << high; h++) {
    const from = parts[h]!;
    const to = parts[h + 1]!;
    if (to - from < 2) continue;
    const bits = Math.ceil(Math.log2(2 * (to - from)));
    const mask = 2 ** bits - 1;
    table.fill(0, 0, mask + 1);
    for (let o = from; o < to; o++) {
      const item = order[o]!;
      const key = orderKeys[o]!;
      let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
      for (;;) {
        const e = table[slot]!;
        if (e === 0) {
          table[slot] = item + 1; // the first of its content
          tableKeys[slot] = key;
          break;
        }
        if (tableKeys[slot] === key && same(e - 1, item)) {
          first[item] = e - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  return first;
}
