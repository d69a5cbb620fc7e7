import { invalidArgument } from '../core/errors.js';

/**
 * Multi-index hashing cuts every hash into disjoint substrings and keeps, per substring, a table
 * from value to ids. A hash within distance d of a query is within some smaller distance of it on
 * at least one substring (pigeonhole), so probing each table near the query's value finds every
 * match. This file describes where the substrings lie; `planner.ts` chooses them.
 *
 * Bits are numbered in the hash's byte layout: bit 0 is the high bit of byte 0 (so the reference's
 * slot s, bytes 2s and 2s+1 as a big-endian 16-bit value, is the substring of 16 bits at 16s).
 */
export interface Substring {
  /** First bit (0 = the high bit of the hash's first byte). */
  readonly start: number;
  /** Length in bits, 1..{@link MAX_SUBSTRING_BITS}. */
  readonly bits: number;
}

/** The substrings of an index, in search order; empty for an index without tables. */
export type MihLayout = readonly Substring[];

/** Longest substring: its table holds 2^bits + 1 offsets. */
export const MAX_SUBSTRING_BITS = 28;
/** Most substrings in a layout (the reference layout of a 4096-bit hash has 256). */
export const MAX_SUBSTRINGS = 256;

/** The PDQ reference's layout: one 16-bit substring per two bytes of the hash. */
export function referenceLayout(bits: number): MihLayout {
  const slots = Math.ceil(Math.ceil(bits / 8) / 2);
  return Array.from({ length: slots }, (_, s) => ({ start: 16 * s, bits: 16 }));
}

/** MIH slots of the reference layout for a hash of `bits` bits (16 for 256). */
export function slotsFor(bits: number): number {
  return Math.ceil(Math.ceil(bits / 8) / 2);
}

/** True when the layout is {@link referenceLayout}'s (what index files before version 3 hold). */
export function isReferenceLayout(layout: MihLayout, bits: number): boolean {
  const ref = referenceLayout(bits);
  return layout.length === ref.length && layout.every((s, i) => s.start === ref[i]!.start && s.bits === 16);
}

/**
 * Why `layout` cannot index hashes of `hashBits` bits, or undefined: substrings must lie within
 * the hash as stored (its bytes, zero-padded to 8-byte lanes: the reference layout of an 8-bit
 * hash reads a padding byte) and must not overlap (the pigeonhole argument adds their distances).
 */
export function layoutProblem(layout: MihLayout, hashBits: number): string | undefined {
  if (!Array.isArray(layout)) return 'a list of substrings';
  if (layout.length > MAX_SUBSTRINGS) return `at most ${MAX_SUBSTRINGS} substrings`;
  const end = 64 * Math.ceil(hashBits / 64);
  const used = new Uint8Array(end);
  for (const s of layout) {
    if (s === null || typeof s !== 'object') return 'substrings as { start, bits }';
    const { start, bits } = s;
    if (!Number.isInteger(bits) || bits < 1 || bits > MAX_SUBSTRING_BITS)
      return `substring lengths from 1 to ${MAX_SUBSTRING_BITS} bits`;
    if (!Number.isInteger(start) || start < 0 || start + bits > end)
      return `substrings within the hash's ${end} bits`;
    for (let b = start; b < start + bits; b++) {
      if (used[b]) return 'substrings that do not overlap';
      used[b] = 1;
    }
  }
  return undefined;
}

/** Throws ERR_INVALID_ARGUMENT unless `layout` suits hashes of `bits` bits. */
export function checkLayout(layout: MihLayout, bits: number, name = 'substrings'): void {
  const problem = layoutProblem(layout, bits);
  if (problem) throw invalidArgument(problem, name, JSON.stringify(layout));
}

/**
 * Per-substring search radii that find every hash within `max` of a query: with m substrings and
 * max = s * m + a (0 <= a < m), some hash within max is within s of the query on one of the
 * first a + 1 substrings or within s - 1 on one of the others (Norouzi, Punjani and Fleet's
 * refinement of the pigeonhole). -1 means the substring is not searched.
 */
export function radiiFor(substrings: number, max: number): Int32Array {
  const out = new Int32Array(substrings);
  if (substrings === 0) return out;
  const s = Math.floor(max / substrings);
  const a = max - s * substrings;
  for (let k = 0; k < substrings; k++) out[k] = k <= a ? s : s - 1;
  return out;
}

/** Values within `r` flips of an `n`-bit value: sum of C(n, k) for k <= r (0 when r < 0). */
export function withinFlips(n: number, r: number): number {
  let sum = 0;
  let c = 1;
  for (let k = 0; k <= Math.min(n, r); k++) {
    sum += c;
    c = (c * (n - k)) / (k + 1);
  }
  return sum;
}

/**
 * The value of the substring `start`, `bits` of the hash packed at `words[at..]` (word w holds
 * bits 32w..32w+31, bit 32w highest). Reads at most two words.
 */
export function substringValue(words: Uint32Array, at: number, start: number, bits: number): number {
  const w = at + (start >>> 5);
  const j = start & 31;
  const high = (words[w]! << j) >>> (32 - bits);
  if (j + bits <= 32) return high;
  return (high | (words[w + 1]! >>> (64 - j - bits))) >>> 0;
}

/** The layout as file words: one u32 per substring, `start | bits << 16 | encoding << 24`. */
export function encodeLayout(layout: MihLayout, encodings: readonly number[]): Uint32Array {
  return Uint32Array.from(layout, (s, k) => (s.start | (s.bits << 16) | (encodings[k]! << 24)) >>> 0);
}

/** Inverse of {@link encodeLayout} (unchecked: see {@link layoutProblem}). */
export function decodeLayout(words: Uint32Array): { layout: MihLayout; encodings: number[] } {
  return {
    layout: Array.from(words, (w) => ({ start: w & 0xffff, bits: (w >>> 16) & 0xff })),
    encodings: Array.from(words, (w) => w >>> 24),
  };
}
