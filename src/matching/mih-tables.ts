import { isReferenceLayout, type MihLayout } from './layout.js';

/**
 * The multi-index tables of an index, in its memory: per substring of the layout, a table of
 * bucket offsets (the ids whose substring value is v are postings[off(v) .. off(v + 1))), one
 * table after another, then per substring the postings (`perSub` ids, ascending within a
 * value). A descriptor per substring tells the kernel where they are.
 *
 * A table is stored in one of two encodings, chosen per substring when it is built:
 * - {@link WIDE}: 2^bits + 1 u32 offsets.
 * - {@link COMPACT} (half the bytes): a u32 base per block of 256 values (2^(bits - 8) + 1 of
 *   them; one block when bits <= 8), then 2^bits + 1 u16 offsets relative to their block's base
 *   (zero-padded to 4 bytes). Used when no block holds 65,536 ids or more.
 *
 * Independently, a substring's postings are 4-byte ids, or with the {@link NARROW} flag 3-byte
 * ids (little-endian, then zero padding to a multiple of 4 bytes that leaves at least one byte:
 * the kernel reads each id as a u32 and drops its high byte). Narrow when every id is below
 * 2^24: a quarter of the postings' bytes, which the planner spends on longer substrings.
 */
export const WIDE = 0;
export const COMPACT = 1;
/** Encoding flag: the substring's postings are 3-byte ids. */
export const NARROW = 2;

/** The table part of an encoding: {@link WIDE} or {@link COMPACT}. */
export function tableKind(encoding: number): number {
  return encoding & COMPACT;
}

/** Bytes per id in the postings of a substring stored in `encoding`. */
export function idBytes(encoding: number): 3 | 4 {
  return encoding & NARROW ? 3 : 4;
}

/** Ids below this fit narrow (3-byte) postings. */
export const NARROW_IDS: number = 2 ** 24;

/** Bytes of a substring's postings of `ids` ids in `encoding` (narrow: padded, see {@link NARROW}). */
export function postingsBytes(encoding: number, ids: number): number {
  if (!(encoding & NARROW)) return 4 * ids;
  return ids === 0 ? 0 : 4 * Math.floor((3 * ids + 4) / 4);
}

/** Values per block of a compact table: 2^blockShift. */
export function blockShift(bits: number): number {
  return Math.min(8, bits);
}

/** Bytes of a substring's table in the given encoding. */
export function tableBytes(bits: number, encoding: number): number {
  if (tableKind(encoding) === WIDE) return 4 * (2 ** bits + 1);
  const blocks = 2 ** (bits - blockShift(bits));
  return 4 * (blocks + 1) + 4 * Math.ceil((2 ** bits + 1) / 2);
}

/** Where a layout's tables lie in memory. */
export interface TablePlacement {
  /** Byte address of each substring's table. */
  readonly tables: readonly number[];
  /** Each substring's encoding ({@link WIDE} or {@link COMPACT}, maybe with {@link NARROW}). */
  readonly encodings: readonly number[];
  /** Byte address of each substring's postings. */
  readonly postings: readonly number[];
  /** Bytes of all the tables (they start at `tables[0]`). */
  readonly tableBytes: number;
  /** Byte address of the first postings (right after the tables). */
  readonly postingsAt: number;
  /** First byte after the postings. */
  readonly end: number;
}

/** Where the tables of `layout` (in `encodings`) over `perSub` ids go when they start at byte `start`. */
export function placeTables(
  layout: MihLayout,
  encodings: readonly number[],
  start: number,
  perSub: number,
): TablePlacement {
  const tables: number[] = [];
  let at = start;
  layout.forEach((s, k) => {
    tables.push(at);
    at += tableBytes(s.bits, encodings[k]!);
  });
  const postingsAt = at;
  const postings: number[] = [];
  layout.forEach((_, k) => {
    postings.push(at);
    at += postingsBytes(encodings[k]!, perSub);
  });
  return {
    tables,
    encodings: [...encodings],
    postings,
    tableBytes: postingsAt - start,
    postingsAt,
    end: at,
  };
}

/**
 * Writes the kernel's substring descriptors (4 u32 each) at byte `desc`: first bit,
 * `bits | encoding << 8`, table address, postings address.
 */
export function writeDescriptors(u32: Uint32Array, desc: number, layout: MihLayout, p: TablePlacement): void {
  layout.forEach((s, k) => {
    const at = (desc >>> 2) + 4 * k;
    u32[at] = s.start;
    u32[at + 1] = s.bits | (p.encodings[k]! << 8);
    u32[at + 2] = p.tables[k]!;
    u32[at + 3] = p.postings[k]!;
  });
}

/** Reads bucket offsets from a table in memory: `offset(v)` for v in [0, 2^bits]. */
export function offsetReader(
  buffer: ArrayBufferLike,
  byteOffset: number,
  bits: number,
  encoding: number,
): (v: number) => number {
  if (tableKind(encoding) === WIDE) {
    const u32 = new Uint32Array(buffer, byteOffset, 2 ** bits + 1);
    return (v) => u32[v]!;
  }
  const shift = blockShift(bits);
  const blocks = 2 ** (bits - shift);
  const bases = new Uint32Array(buffer, byteOffset, blocks + 1);
  const rel = new Uint16Array(buffer, byteOffset + 4 * (blocks + 1), 2 ** bits + 1);
  return (v) => bases[v >>> shift]! + rel[v]!;
}

/** Reads ids from a substring's postings at byte `byteOffset`: `id(i)` for i in [0, ids). */
export function postingsReader(
  buffer: ArrayBufferLike,
  byteOffset: number,
  encoding: number,
  ids: number,
): (i: number) => number {
  if (!(encoding & NARROW)) {
    const u32 = new Uint32Array(buffer, byteOffset, ids);
    return (i) => u32[i]!;
  }
  const u8 = new Uint8Array(buffer, byteOffset, postingsBytes(encoding, ids));
  return (i) => u8[3 * i]! | (u8[3 * i + 1]! << 8) | (u8[3 * i + 2]! << 16);
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
 * The encoding each substring is first built in: {@link COMPACT} with {@link NARROW} postings when
 * every id is below {@link NARROW_IDS} (`ids`: ids handed out), except that the reference layout
 * keeps the reference's u32 tables and 4-byte ids (as index files before version 3 hold them). A
 * compact table that cannot hold its offsets (a block of 256 values with 65,536 ids or more, in a
 * heavily clustered list) is rebuilt {@link WIDE} (see {@link buildTables}).
 */
export function initialEncodings(layout: MihLayout, bits: number, ids: number): number[] {
  if (isReferenceLayout(layout, bits)) return layout.map(() => WIDE);
  const narrow = ids <= NARROW_IDS ? NARROW : 0;
  return layout.map(() => COMPACT | narrow);
}

/**
 * Builds each substring's table and postings from the live ids, by a counting sort on the
 * substring value (ids stay ascending within a value): the ids are first spread by the value's
 * high bits (at most 2^{@link SPREAD_BITS} places written at once, so the writes stay in cache),
 * then each part is counted on the low bits, which gives both the bucket offsets, written
 * straight into the table, and each id's place in the postings. `out` is the memory the placement
 * refers to; it may be the memory the hashes are in, as long as the regions do not overlap them.
 * Returns the substrings whose compact table could not hold their offsets (to be placed wide and
 * rebuilt).
 */
export function buildTables(
  src: TableSource,
  layout: MihLayout,
  place: TablePlacement,
  out: ArrayBufferLike,
): number[] {
  const overflowed: number[] = [];
  if (layout.length === 0) return overflowed;
  const { u32, packedWord, words, count, alive, size } = src;
  const live = new Uint32Array(size);
  let n = 0;
  for (let id = 0; id < count; id++) if (alive[id] === 1) live[n++] = id;
  const keys = new Uint32Array(n);
  const spreadKeys = new Uint32Array(n);
  const spreadIds = new Uint32Array(n);
  const o32 = new Uint32Array(out);
  const o8 = new Uint8Array(out);
  layout.forEach((s, k) => {
    const { start, bits } = s;
    const high = Math.max(0, Math.min(SPREAD_BITS, bits - SPREAD_BITS));
    const low = bits - high;
    const parts = new Uint32Array((1 << high) + 1);
    // The substring's values (read inline: this loop runs once per id and substring).
    const w = start >>> 5;
    const j = start & 31;
    const right = 32 - bits;
    if (j + bits <= 32) {
      for (let i = 0; i < n; i++) {
        const key = (u32[packedWord + live[i]! * words + w]! << j) >>> right;
        keys[i] = key;
        parts[(key >>> low) + 1]!++;
      }
    } else {
      const back = 64 - j - bits;
      for (let i = 0; i < n; i++) {
        const p = packedWord + live[i]! * words + w;
        const key = (((u32[p]! << j) >>> right) | (u32[p + 1]! >>> back)) >>> 0;
        keys[i] = key;
        parts[(key >>> low) + 1]!++;
      }
    }
    for (let h = 0; h < 1 << high; h++) parts[h + 1]! += parts[h]!;
    let partKeys = keys;
    let partIds = live;
    if (high > 0) {
      const at = parts.slice(0, 1 << high);
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        const to = at[key >>> low]!++;
        spreadKeys[to] = key;
        spreadIds[to] = live[i]!;
      }
      partKeys = spreadKeys;
      partIds = spreadIds;
    }
    const table = tableWriter(out, place.tables[k]!, bits, place.encodings[k]!);
    const narrow = (place.encodings[k]! & NARROW) !== 0;
    const postings = narrow ? place.postings[k]! : place.postings[k]! >>> 2;
    if (narrow) o8.fill(0, postings + 3 * n, postings + postingsBytes(place.encodings[k]!, n)); // padding
    const lowMask = low === 32 ? 0xffffffff : 2 ** low - 1;
    const counts = new Uint32Array(2 ** low);
    let ok = true;
    for (let h = 0; h < 1 << high && ok; h++) {
      const from = parts[h]!;
      const to = parts[h + 1]!;
      counts.fill(0);
      for (let i = from; i < to; i++) counts[partKeys[i]! & lowMask]!++;
      // offsets of the values h << low .. (h + 1) << low - 1, then each count becomes its start
      let at = from;
      const base = h * 2 ** low;
      for (let v = 0; v <= lowMask; v++) {
        if (!table.set(base + v, at)) {
          ok = false;
          break;
        }
        const c = counts[v]!;
        counts[v] = at;
        at += c;
      }
      if (!ok) break;
      if (narrow) {
        for (let i = from; i < to; i++) {
          const at = postings + 3 * counts[partKeys[i]! & lowMask]!++;
          const id = partIds[i]!;
          o8[at] = id;
          o8[at + 1] = id >>> 8;
          o8[at + 2] = id >>> 16;
        }
      } else for (let i = from; i < to; i++) o32[postings + counts[partKeys[i]! & lowMask]!++] = partIds[i]!;
    }
    if (!ok || !table.finish(n)) overflowed.push(k);
  });
  return overflowed;
}

/** High bits of a substring value that {@link buildTables} spreads ids by before counting. */
const SPREAD_BITS = 12;

/**
 * Writes a table's offsets in `encoding` at byte `at` of `out`, value by value in increasing
 * order (`set`), then the end (`finish`); each returns false when a compact table cannot hold it.
 */
function tableWriter(
  out: ArrayBufferLike,
  at: number,
  bits: number,
  encoding: number,
): { set(v: number, offset: number): boolean; finish(n: number): boolean } {
  const values = 2 ** bits;
  if (tableKind(encoding) === WIDE) {
    const off = new Uint32Array(out, at, values + 1);
    return {
      set(v, offset) {
        off[v] = offset;
        return true;
      },
      finish(n) {
        off[values] = n;
        return true;
      },
    };
  }
  const shift = blockShift(bits);
  const blockMask = (1 << shift) - 1;
  const blocks = 2 ** (bits - shift);
  const bases = new Uint32Array(out, at, blocks + 1);
  const rel = new Uint16Array(out, at + 4 * (blocks + 1), 2 * Math.ceil((values + 1) / 2));
  let base = 0;
  const set = (v: number, offset: number): boolean => {
    if ((v & blockMask) === 0) {
      base = offset;
      bases[v >>> shift] = offset;
    }
    if (offset - base > 0xffff) return false;
    rel[v] = offset - base;
    return true;
  };
  return {
    set,
    finish(n) {
      if (rel.length > values + 1) rel[values + 1] = 0;
      return set(values, n);
    },
  };
}

/** True when the tables in `memory` (placed as `place`) are what {@link buildTables} builds. */
export function tablesMatch(
  src: TableSource,
  layout: MihLayout,
  place: TablePlacement,
  memory: ArrayBufferLike,
): boolean {
  const bytes = place.end - place.tables[0]!;
  const built = new ArrayBuffer(bytes);
  const shifted = placeTables(layout, place.encodings, 0, src.size);
  if (buildTables(src, layout, shifted, built).length > 0) return false;
  const a = new Uint8Array(built);
  const b = new Uint8Array(memory, place.tables[0]!, bytes);
  for (let i = 0; i < bytes; i++) if (a[i] !== b[i]) return false;
  return true;
}
