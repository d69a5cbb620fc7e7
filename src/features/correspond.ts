/**
 * Putative correspondences between an upload's features and one known image's: each upload
 * descriptor's nearest known descriptor, kept when it is close enough and clearly nearer than
 * the second nearest (Lowe's ratio test: a corner of a repeated texture has several near twins,
 * and pairing it with one of them is a guess).
 */
import type { LocalFeatures } from './extract.js';
import { descriptorDistance } from './hamming.js';

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
  const qd = query.descriptors;
  const kd = known.descriptors;
  const found: [number, number, number][] = [];
  for (let i = 0; i < query.count; i++) {
    let best = 257;
    let second = 257;
    let at = -1;
    for (let j = 0; j < known.count; j++) {
      const d = descriptorDistance(qd, i, kd, j);
      if (d < best) {
        second = best;
        best = d;
        at = j;
      } else if (d < second) second = d;
    }
    if (at >= 0 && best <= options.maxDistance && best <= options.ratio * second) found.push([i, at, best]);
  }
  found.sort((a, b) => a[2] - b[2] || a[0] - b[0]);
  return {
    count: found.length,
    query: Int32Array.from(found, (f) => f[0]),
    known: Int32Array.from(found, (f) => f[1]),
    distance: Int32Array.from(found, (f) => f[2]),
  };
}
