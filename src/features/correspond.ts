/**
 * Putative correspondences between an upload's features and one known image's: each upload
 * descriptor's nearest known descriptor, kept when it is close enough and clearly nearer than
 * the second nearest (Lowe's ratio test: a corner of a repeated texture has several near twins,
 * and pairing it with one of them is a guess).
 */

import type { LocalFeatures } from './extract.js';
import { DESCRIPTOR_WORDS } from './pattern.js';
import { nearestWasm } from './wasm/nearest-wasm.js';

/** Correspondences as parallel arrays: upload feature, known feature, descriptor distance. */
export interface Correspondences {
  readonly count: number;
  readonly query: Int32Array;
  readonly known: Int32Array;
  readonly distance: Int32Array;
}

/** Options of {@link correspond}. */
export interface CorrespondOptions {
  /** Largest descriptor distance kept (bits of 256). */
  readonly maxDistance: number;
  /** The nearest must be at most this fraction of the second nearest. */
  readonly ratio: number;
}

/**
 * Every upload feature's nearest known feature that passes both tests, sorted by distance (then
 * by upload feature), by brute force over the known image's few hundred descriptors.
 *
 * @example
 * ```ts
 * const pairs = correspond(upload, known, { maxDistance: 64, ratio: 0.8 });
 * ```
 */
export function correspond(
  query: LocalFeatures,
  known: LocalFeatures,
  options: CorrespondOptions,
): Correspondences {
  // The search in the WebAssembly kernel (wasm/nearest.wat): the same best, second and index as
  // the loop of correspondReference, several times faster; that loop where it cannot run.
  const nearest = nearestWasm(query.descriptors, query.count, known.descriptors, known.count);
  if (!nearest) return correspondReference(query, known, options);
  const found: [number, number, number][] = [];
  for (let i = 0, o = 0; i < query.count; i++, o += 3) {
    const best = nearest[o]!;
    const second = nearest[o + 1]!;
    const at = nearest[o + 2]!;
    if (at >= 0 && best <= options.maxDistance && best <= options.ratio * second) found.push([i, at, best]);
  }
  return sorted(found);
}

/**
 * {@link correspond} in plain JS: its definition (tests compare the two), and what it runs where
 * WebAssembly cannot.
 */
export function correspondReference(
  query: LocalFeatures,
  known: LocalFeatures,
  options: CorrespondOptions,
): Correspondences {
  const qd = query.descriptors;
  const kd = known.descriptors;
  const found: [number, number, number][] = [];
  const kn = known.count;
  for (let i = 0; i < query.count; i++) {
    // descriptorDistance inlined, the query's words held and bits counted eight words at once: this loop is
    // most of an upload's verification (a few hundred known descriptors for each of 512 upload
    // ones, per shortlisted image).
    const p = i * DESCRIPTOR_WORDS;
    const q0 = qd[p]!;
    const q1 = qd[p + 1]!;
    const q2 = qd[p + 2]!;
    const q3 = qd[p + 3]!;
    const q4 = qd[p + 4]!;
    const q5 = qd[p + 5]!;
    const q6 = qd[p + 6]!;
    const q7 = qd[p + 7]!;
    let best = 257;
    let second = 257;
    let at = -1;
    for (let j = 0, k = 0; j < kn; j++, k += DESCRIPTOR_WORDS) {
      // popcount32 of all eight words at once: 2-bit then 4-bit counts per word, byte counts of
      // four words summed (at most 32 per byte lane), each half's lanes added by one multiply.
      let a = q0 ^ kd[k]!;
      let b = q1 ^ kd[k + 1]!;
      let c = q2 ^ kd[k + 2]!;
      let e = q3 ^ kd[k + 3]!;
      a -= (a >>> 1) & 0x55555555;
      b -= (b >>> 1) & 0x55555555;
      c -= (c >>> 1) & 0x55555555;
      e -= (e >>> 1) & 0x55555555;
      a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
      b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
      c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
      e = (e & 0x33333333) + ((e >>> 2) & 0x33333333);
      const lo =
        ((a + (a >>> 4)) & 0x0f0f0f0f) +
        ((b + (b >>> 4)) & 0x0f0f0f0f) +
        ((c + (c >>> 4)) & 0x0f0f0f0f) +
        ((e + (e >>> 4)) & 0x0f0f0f0f);
      let f = q4 ^ kd[k + 4]!;
      let g = q5 ^ kd[k + 5]!;
      let h = q6 ^ kd[k + 6]!;
      let l = q7 ^ kd[k + 7]!;
      f -= (f >>> 1) & 0x55555555;
      g -= (g >>> 1) & 0x55555555;
      h -= (h >>> 1) & 0x55555555;
      l -= (l >>> 1) & 0x55555555;
      f = (f & 0x33333333) + ((f >>> 2) & 0x33333333);
      g = (g & 0x33333333) + ((g >>> 2) & 0x33333333);
      h = (h & 0x33333333) + ((h >>> 2) & 0x33333333);
      l = (l & 0x33333333) + ((l >>> 2) & 0x33333333);
      const hi =
        ((f + (f >>> 4)) & 0x0f0f0f0f) +
        ((g + (g >>> 4)) & 0x0f0f0f0f) +
        ((h + (h >>> 4)) & 0x0f0f0f0f) +
        ((l + (l >>> 4)) & 0x0f0f0f0f);
      const d = (Math.imul(lo, 0x01010101) >>> 24) + (Math.imul(hi, 0x01010101) >>> 24);
      if (d < second) {
        if (d < best) {
          second = best;
          best = d;
          at = j;
        } else second = d;
      }
    }
    if (at >= 0 && best <= options.maxDistance && best <= options.ratio * second) found.push([i, at, best]);
  }
  return sorted(found);
}

/** The kept pairs (upload feature, known feature, distance) by distance, then by upload feature. */
function sorted(found: [number, number, number][]): Correspondences {
  found.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
  return {
    count: found.length,
    query: Int32Array.from(found, (f) => f[0]),
    known: Int32Array.from(found, (f) => f[1]),
    distance: Int32Array.from(found, (f) => f[2]),
  };
}
