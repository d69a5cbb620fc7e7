import { type MihLayout, substringValue, tableWords } from './layout.js';

/**
 * The multi-index tables of an index, in its memory: per substring of the layout, the bucket
 * offsets (2^bits + 1 u32: the ids whose substring value is v are postings[off[v] .. off[v + 1]))
 * one table after another, then per substring the postings (`perSub` u32 ids, ascending within a
 * value). A descriptor per substring (first bit, length, offsets and postings addresses) tells
 * the kernel where they are.
 */
export interface TablePlacement {
  /** Byte address of each substring's bucket offsets. */
  readonly offsets: readonly number[];
  /** Byte address of each substring's postings. */
  readonly postings: readonly number[];
  /** Bytes of all the bucket offsets (they start at `offsets[0]`). */
  readonly offsetBytes: number;
  /** Byte address of the first postings (right after the offsets). */
  readonly postingsAt: number;
  /** First byte after the tables. */
  readonly end: number;
}

/** Where the tables of `layout` over `perSub` ids go when they start at byte `start`. */
export function placeTables(layout: MihLayout, start: number, perSub: number): TablePlacement {
  const offsets: number[] = [];
  let at = start;
  for (const s of layout) {
    offsets.push(at);
    at += 4 * tableWords(s);
  }
  const postingsAt = at;
  const postings = layout.map((_, k) => postingsAt + 4 * k * perSub);
  return {
    offsets,
    postings,
    offsetBytes: postingsAt - start,
    postingsAt,
    end: postingsAt + 4 * layout.length * perSub,
  };
}

/** Writes the kernel's substring descriptors (4 u32 each) at byte `desc`. */
export function writeDescriptors(u32: Uint32Array, desc: number, layout: MihLayout, p: TablePlacement): void {
  layout.forEach((s, k) => {
    const at = (desc >>> 2) + 4 * k;
    u32[at] = s.start;
    u32[at + 1] = s.bits;
    u32[at + 2] = p.offsets[k]!;
    u32[at + 3] = p.postings[k]!;
  });
}

/** The stored hashes a table build reads. */
export interface TableSource {
  /** Memory holding the packed hashes. */
  readonly u32: Uint32Array;
  /** Word address of hash 0. */
  readonly packedWord: number;
  /** Words per stored hash. */
  readonly words: number;
  /** Ids handed out (hashes stored). */
  readonly count: number;
  /** 1 for live ids: only they are tabled. */
  readonly alive: Uint8Array;
  /** Live ids (the postings per substring). */
  readonly size: number;
}

/**
 * Counting sort of the live ids by each substring's value: the bucket offsets go to
 * `out[offsetsWord ..]` (one table after another), the ids to `out[postingsWord + k * size ..]`.
 * `out` may be the memory the hashes are in, as long as the regions do not overlap them.
 */
export function buildTables(
  src: TableSource,
  layout: MihLayout,
  out: Uint32Array,
  offsetsWord: number,
  postingsWord: number,
): void {
  const { u32, packedWord, words, count, alive, size } = src;
  if (layout.length === 0) return;
  const widest = Math.max(...layout.map((s) => s.bits));
  const cursor = new Uint32Array(2 ** widest + 1);
  const values = new Uint32Array(count);
  let table = offsetsWord;
  layout.forEach((s, k) => {
    const n = 2 ** s.bits;
    const c = cursor.subarray(0, n + 1);
    c.fill(0);
    for (let id = 0, p = packedWord; id < count; id++, p += words) {
      if (alive[id] !== 1) continue;
      const v = substringValue(u32, p, s.start, s.bits);
      values[id] = v;
      c[v + 1]!++;
    }
    for (let v = 0; v < n; v++) c[v + 1]! += c[v]!;
    out.set(c, table);
    const list = postingsWord + k * size;
    for (let id = 0; id < count; id++) if (alive[id] === 1) out[list + c[values[id]!]!++] = id;
    table += n + 1;
  });
}

/** True when the tables at `offsetsWord` / `postingsWord` of `u32` are what {@link buildTables} builds. */
export function tablesMatch(
  src: TableSource,
  layout: MihLayout,
  offsetsWord: number,
  postingsWord: number,
): boolean {
  let offsetWords = 0;
  for (const s of layout) offsetWords += tableWords(s);
  const built = new Uint32Array(offsetWords + layout.length * src.size);
  buildTables(src, layout, built, 0, offsetWords);
  const same = (from: number, at: number, n: number): boolean => {
    for (let i = 0; i < n; i++) if (built[from + i] !== src.u32[at + i]) return false;
    return true;
  };
  return same(0, offsetsWord, offsetWords) && same(offsetWords, postingsWord, layout.length * src.size);
}
