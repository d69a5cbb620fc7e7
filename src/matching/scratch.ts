import { MAX_SUBSTRINGS } from './layout.js';

/** Hits one kernel call may write before the caller pages (a scan) or falls back to a scan (MIH). */
export const OUT_CAP = 16384;
/** Probe values a masked MIH query may list (more: it scans). */
export const PROBE_CAP = 16384;
/** Candidates the MIH kernel gathers before checking them. */
export const CAND_CAP = 4096;
/** Bucket bounds the MIH kernel reads before gathering their ids. */
export const RANGE_CAP = 4096;
/** Queries one multi-needle scan compares at once (the PDQ reference's 8 dihedral hashes). */
export const MAX_NEEDLES = 8;

/**
 * Byte addresses of one thread's scratch area in an index's memory: where a query, its mask,
 * its radii and probes go, and where the kernel writes hits. Each thread that searches the same
 * memory at the same time needs its own.
 */
export interface Scratch {
  /** The query, zero-padded to the stride. */
  readonly q: number;
  /** The query's mask (QueryOptions.mask), as a hash is packed. */
  readonly m: number;
  /** Up to {@link MAX_NEEDLES} queries one after another, for a multi-needle scan. */
  readonly needles: number;
  readonly outIds: number;
  readonly outDist: number;
  /** Masked MIH: probe values, then per substring how many ({@link MAX_SUBSTRINGS} u32). */
  readonly probes: number;
  readonly counts: number;
  /** Per substring, the i32 search radius. */
  readonly radii: number;
  /** {@link CAND_CAP} u32 candidates. */
  readonly cand: number;
  /** {@link RANGE_CAP} (start, end) u32 pairs. */
  readonly ranges: number;
  /** First byte after the area. */
  readonly end: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The scratch area for hashes of `stride` bytes starting at byte `base` (64-byte aligned). */
export function scratchAt(base: number, stride: number): Scratch {
  const q = align(base, 64);
  const m = q + stride;
  const needles = align(m + stride, 64);
  const outIds = align(needles + MAX_NEEDLES * stride + 8, 64);
  const outDist = outIds + OUT_CAP * 4;
  const probes = outDist + OUT_CAP * 4;
  const counts = probes + PROBE_CAP * 4;
  const radii = counts + MAX_SUBSTRINGS * 4;
  const cand = radii + MAX_SUBSTRINGS * 4;
  const ranges = cand + CAND_CAP * 4;
  return { q, m, needles, outIds, outDist, probes, counts, radii, cand, ranges, end: ranges + RANGE_CAP * 8 };
}
