/**
 * Building one lookup table of a {@link LocalFeatureIndex}: descriptor ids sorted (stably) by
 * their bucket, the low `directoryBits` bits of the table's key, and a directory of where each
 * bucket starts.
 *
 * The simple definition is a counting sort ({@link countingSortTable}); at a million known images
 * (256M descriptors, a directory of 2^27 buckets) its histogram and scatter do one random access
 * per descriptor into arrays of 0.5-1 GB, a cache and TLB miss each, and building four tables took
 * most of the three minutes a load took. {@link buildTable} gives the same arrays in two cache-
 * sized steps: a partition of the ids on the bucket's high bits (a few thousand sequential write
 * streams), then a counting sort of each partition on the low bits in a cache-sized window, the
 * directory written in order as it goes.
 */
import { DESCRIPTOR_WORDS } from './pattern.js';

/** One built table: `ids` of bucket b are `ids[directory[b]]` to `ids[directory[b + 1] - 1]`. */
export interface LookupTable {
  readonly ids: Uint32Array;
  readonly directory: Uint32Array;
}

/** Where a table's key sits in a descriptor and how much of it cuts the directory. */
export interface TableCut {
  /** First bit of the key in the descriptor. */
  readonly first: number;
  /** Bits of the key cutting the directory (the bucket is the key's low `directoryBits` bits). */
  readonly directoryBits: number;
}

/** The bucket of every descriptor (its key's low `directoryBits` bits) into `out`. */
export function bucketsOf(descriptors: Uint32Array, n: number, cut: TableCut, out: Uint32Array): void {
  const word = cut.first >>> 5;
  const shift = cut.first & 31;
  const mask = 2 ** cut.directoryBits - 1;
  if (shift + cut.directoryBits > 32) {
    const back = 32 - shift;
    for (let i = 0, at = word; i < n; i++, at += DESCRIPTOR_WORDS) {
      out[i] = ((descriptors[at]! >>> shift) | (descriptors[at + 1]! << back)) & mask;
    }
  } else {
    for (let i = 0, at = word; i < n; i++, at += DESCRIPTOR_WORDS)
      out[i] = (descriptors[at]! >>> shift) & mask;
  }
}

/**
 * The simple definition: a counting sort of the ids on their bucket (kept as the reference the
 * tests and `npm run bench:table-build` compare {@link buildTable} with).
 */
export function countingSortTable(descriptors: Uint32Array, n: number, cut: TableCut): LookupTable {
  const buckets = new Uint32Array(n);
  bucketsOf(descriptors, n, cut, buckets);
  const size = 2 ** cut.directoryBits;
  const directory = new Uint32Array(size + 1);
  for (let i = 0; i < n; i++) directory[buckets[i]! + 1]!++;
  for (let b = 1; b < directory.length; b++) directory[b]! += directory[b - 1]!;
  const ids = new Uint32Array(n);
  const fill = directory.slice(0, size);
  for (let i = 0; i < n; i++) ids[fill[buckets[i]!]!++] = i;
  return { ids, directory };
}

/** Low bits sorted inside one partition: 2^LOW_BITS counters (64 KiB) and a partition stay in cache. */
const LOW_BITS = 14;
/** Most partitions of the first step: write streams beyond a few thousand thrash the TLB. */
const MAX_HIGH_BITS = 11;

/** Scratch arrays {@link buildTable} may reuse between tables (each at least `n` long). */
export interface TableScratch {
  readonly a: Uint32Array;
  readonly b: Uint32Array;
}

/**
 * The table {@link countingSortTable} builds, the same arrays, cut in two cache-friendly steps.
 * `scratch` (two arrays of at least `n`) may be shared by successive calls; `lowBits` (the bits
 * sorted inside a partition) is chosen for the cache unless given (tests try every split).
 *
 * @example
 * ```ts
 * const { ids, directory } = buildTable(descriptors, n, { first: 0, directoryBits: 23 });
 * ```
 */
export function buildTable(
  descriptors: Uint32Array,
  n: number,
  cut: TableCut,
  scratch: TableScratch = { a: new Uint32Array(n), b: new Uint32Array(n) },
  lowBits: number = Math.max(LOW_BITS, cut.directoryBits - MAX_HIGH_BITS),
): LookupTable {
  const bits = cut.directoryBits;
  if (bits <= lowBits) return countingSortTable(descriptors, n, cut);
  const highBits = bits - lowBits;
  const parts = 2 ** highBits;
  const lowSize = 2 ** lowBits;
  const lowMask = lowSize - 1;
  const buckets = scratch.a;
  const sorted = scratch.b;
  bucketsOf(descriptors, n, cut, buckets);
  // Step 1: ids (into their final array) and buckets partitioned, stably, on the high bits.
  const starts = new Uint32Array(parts + 1);
  for (let i = 0; i < n; i++) starts[(buckets[i]! >>> lowBits) + 1]!++;
  let largest = 0;
  for (let p = 0; p < parts; p++) {
    largest = Math.max(largest, starts[p + 1]!);
    starts[p + 1]! += starts[p]!;
  }
  const fill = starts.slice(0, parts);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const bucket = buckets[i]!;
    const at = fill[bucket >>> lowBits]!++;
    ids[at] = i;
    sorted[at] = bucket;
  }
  // Step 2: each partition counting-sorted on the low bits; its directory entries written in order.
  const directory = new Uint32Array(2 ** bits + 1);
  const counts = new Uint32Array(lowSize + 1);
  const window = buckets.subarray(0, largest); // the buckets are in `sorted` now: reuse their array
  for (let p = 0; p < parts; p++) {
    const start = starts[p]!;
    const end = starts[p + 1]!;
    counts.fill(0);
    for (let j = start; j < end; j++) counts[(sorted[j]! & lowMask) + 1]!++;
    const base = p * lowSize;
    let at = 0;
    for (let l = 0; l < lowSize; l++) {
      directory[base + l] = start + at;
      const c = counts[l + 1]!;
      counts[l] = at;
      at += c;
    }
    for (let j = start; j < end; j++) window[counts[sorted[j]! & lowMask]!++] = ids[j]!;
    ids.set(window.subarray(0, end - start), start);
  }
  directory[2 ** bits] = n;
  return { ids, directory };
}

/** A 32-bit mix of an (id, bucket) pair: summed over a table, a fingerprint of its content. */
function pairHash(id: number, bucket: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ bucket;
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Why `tables` are not the tables {@link countingSortTable} builds from these descriptors (cut as
 * `cuts` say, one per table), or undefined when they are. Reads everything in order, no random
 * access: each directory must start at 0, never fall and end at `n`; every bucket's ids must be
 * below `n` and rising (the sort is stable); and the (id, bucket) pairs a table holds must be
 * those the descriptors give, checked as a sum of a 32-bit mix of each pair, over the table and
 * over the descriptors (one pass over them for all tables). A file's body checksum catches damage
 * first; this catches tables that were written wrong.
 */
export function tablesProblem(
  descriptors: Uint32Array,
  n: number,
  cuts: readonly TableCut[],
  tables: readonly LookupTable[],
): string | undefined {
  const sums = new Uint32Array(cuts.length);
  for (const [t, cut] of cuts.entries()) {
    const { ids, directory } = tables[t]!;
    const size = 2 ** cut.directoryBits;
    if (ids.length !== n || directory.length !== size + 1)
      return `table ${t} has arrays of the wrong lengths`;
    if (directory[0] !== 0 || directory[size] !== n) return `table ${t}'s directory does not cover its ids`;
    let sum = 0;
    for (let bucket = 0; bucket < size; bucket++) {
      const start = directory[bucket]!;
      const end = directory[bucket + 1]!;
      if (end < start) return `table ${t}'s directory falls at bucket ${bucket}`;
      let previous = -1;
      for (let p = start; p < end; p++) {
        const id = ids[p]!;
        if (id >= n || id <= previous) return `table ${t}'s bucket ${bucket} holds ids out of order or range`;
        previous = id;
        sum = (sum + pairHash(id, bucket)) | 0;
      }
    }
    sums[t] = sum;
  }
  const words = cuts.map((c) => c.first >>> 5);
  const shifts = cuts.map((c) => c.first & 31);
  const masks = cuts.map((c) => 2 ** c.directoryBits - 1);
  for (let i = 0, at = 0; i < n; i++, at += DESCRIPTOR_WORDS) {
    for (let t = 0; t < cuts.length; t++) {
      const shift = shifts[t]!;
      const w = at + words[t]!;
      let bucket = descriptors[w]! >>> shift;
      if (shift + cuts[t]!.directoryBits > 32) bucket |= descriptors[w + 1]! << (32 - shift);
      sums[t] = sums[t]! - pairHash(i, (bucket & masks[t]!) >>> 0);
    }
  }
  const wrong = sums.findIndex((sum) => sum !== 0);
  return wrong < 0 ? undefined : `table ${wrong}'s ids are not in the buckets their descriptors give`;
}
