/**
 * Finding identical hashes in a bulk add without a hash-table probe per hash into one table of
 * them all (a cache miss each at 10^7 hashes): the items are spread once by their key's high bits
 * (at most 2^12 places written at once, so the pass runs at memory speed), then each part is
 * handled in a table that stays in cache.
 */

const DIGIT = 12;

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
