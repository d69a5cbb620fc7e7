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
 * items with equal keys). Sorts once instead of probing a hash table per item.
 */
export function firstOccurrences(
  keys: Uint32Array,
  n: number,
  same: (i: number, j: number) => boolean,
): Uint32Array {
  const first = new Uint32Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    first[i] = i;
  }
  const sorted = sortPairs(keys.slice(0, n), order, n, 32, {
    keys: new Uint32Array(n),
    ids: new Uint32Array(n),
  });
  const k = sorted.keys;
  const at = sorted.ids;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && k[j] === k[i]) j++;
    // a run of equal keys, in item order: each item is a copy of the first earlier one it equals
    for (let a = i + 1; a < j; a++) {
      for (let b = i; b < a; b++) {
        if (first[at[b]!] === at[b] && same(at[b]!, at[a]!)) {
          first[at[a]!] = at[b]!;
          break;
        }
      }
    }
    i = j;
  }
  return first;
}
