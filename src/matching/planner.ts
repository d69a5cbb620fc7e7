import { MAX_SUBSTRING_BITS, MAX_SUBSTRINGS, type MihLayout, radiiFor, withinFlips } from './layout.js';
import { COMPACT, tableBytes } from './mih-tables.js';

/**
 * The cost model that chooses an index's substring layout and, per query, between multi-index
 * hashing and a flat scan. Costs are about nanoseconds on a current x86 core
 * (`npx tsx bench/match-calibrate.ts` measures them); only speed depends on them, never results.
 */

/** Per stored hash in a sequential scan, by stride in bytes. */
export function flatCostPerHash(stride: number): number {
  return 0.4 + 0.025 * stride;
}

/** Tables and hashes that fit the CPU caches are read at cache speed. */
const CACHED_BYTES = 16 << 20;
// Fitted by `npx tsx bench/match-calibrate.ts` (docs/matching-at-scale.md): at 10^4 and 10^5
// hashes (cached) and at 10^6 and 10^7 (not), on 256-bit hashes at radius 31. A probe reads a
// bucket's bounds and, when it holds ids, its postings: two misses in big tables.
const PROBE_COST = 30; // per bucket looked up in tables too big for the caches
const PROBE_COST_CACHED = 5;
const CANDIDATE_COST = 25; // per candidate checked (a random hash read)
const CANDIDATE_COST_CACHED = 10;

/** Bytes of tables (bucket offsets and postings) an automatic layout may use per stored hash. */
export const TABLE_BYTES_PER_HASH = 64;
/** Table bytes an automatic layout may always use, however small the list. */
const TABLE_BYTES_FLOOR = 16384;

const WITHIN: number[][] = [];
/** {@link withinFlips} from a table (the layout search calls it often). */
function within(n: number, r: number): number {
  if (r < 0) return 0;
  if (r >= n) return 2 ** n;
  let row = WITHIN[n];
  if (!row) {
    row = [];
    for (let k = 0; k <= n; k++) row.push(withinFlips(n, k));
    WITHIN[n] = row;
  }
  return row[r]!;
}

/** What a MIH query is expected to cost, and what a scan of the same hashes would. */
export interface MihEstimate {
  readonly probes: number;
  readonly candidates: number;
  readonly cost: number;
  readonly flatCost: number;
  /** Cost of one probe and of one candidate in this index. */
  readonly probeCost: number;
  readonly candidateCost: number;
}

interface CostModel {
  readonly probe: number;
  readonly candidate: number;
  readonly flat: number;
}

function model(posted: number, stride: number, tableBytes: number): CostModel {
  const hashesCached = posted * stride <= CACHED_BYTES;
  return {
    probe: tableBytes <= CACHED_BYTES ? PROBE_COST_CACHED : PROBE_COST,
    candidate: hashesCached ? CANDIDATE_COST_CACHED : CANDIDATE_COST,
    flat: flatCostPerHash(stride),
  };
}

/**
 * The expected cost of a MIH query at radius `max` over `posted` hashes spread uniformly over the
 * layout's buckets (a clustered list has more candidates: the kernel then gives up at a budget,
 * see {@link candidateBudget}).
 */
export function estimateMih(layout: MihLayout, posted: number, stride: number, max: number): MihEstimate {
  const radii = radiiFor(layout.length, max);
  let bytes = 0;
  for (const s of layout) bytes += tableBytes(s.bits, COMPACT) + 4 * posted;
  const m = model(posted, stride, bytes);
  let probes = 0;
  let candidates = 0;
  layout.forEach((s, k) => {
    const p = withinFlips(s.bits, radii[k]!);
    probes += p;
    candidates += (p * posted) / 2 ** s.bits;
  });
  return {
    probes,
    candidates,
    cost: probes * m.probe + candidates * m.candidate,
    flatCost: posted * m.flat,
    probeCost: m.probe,
    candidateCost: m.candidate,
  };
}

/**
 * Cost of a MIH query that probes `probes` buckets and checks `candidates` hashes among `posted`
 * tabled ones, beside a flat scan's (for masked queries, whose probes the caller counts).
 */
export function mihCost(
  probes: number,
  candidates: number,
  posted: number,
  stride: number,
  tableBytes: number,
): { cost: number; flatCost: number } {
  const m = model(posted, stride, tableBytes);
  return { cost: probes * m.probe + candidates * m.candidate, flatCost: posted * m.flat };
}

/**
 * Candidates a MIH query may gather before a flat scan is the cheaper way (the kernel stops and
 * the query scans instead), so a clustered list costs at most about twice a scan.
 */
export function candidateBudget(estimate: MihEstimate): number {
  const left = estimate.flatCost - estimate.probes * estimate.probeCost;
  return Math.max(0, Math.min(0x7fffffff, Math.floor(left / estimate.candidateCost)));
}

/**
 * The substring layout that makes a query at radius `radius` over `n` hashes of `bits` bits
 * cheapest, within {@link TABLE_BYTES_PER_HASH} bytes of (compact) tables and postings of
 * `idBytes`-byte ids per hash: substrings of b and b + 1 bits laid end to end from the hash's
 * first used bit, b near log2(n) (Norouzi, Punjani and Fleet's analysis). Empty (no tables: a
 * flat scan) when no layout beats a scan.
 */
export function chooseLayout(n: number, bits: number, radius: number, idBytes: 3 | 4 = 4): MihLayout {
  const stride = 8 * Math.ceil(bits / 64);
  const budget = Math.max(TABLE_BYTES_FLOOR, TABLE_BYTES_PER_HASH * n);
  const flat = n * flatCostPerHash(stride);
  const first = 8 * Math.ceil(bits / 8) - bits; // unused high bits of byte 0
  let best: { m: number; b: number; j: number; cost: number } | undefined;
  const exhaustive = bits <= 1024;
  // More than radius + 1 substrings would leave some unsearched (radius -1): tables for nothing.
  for (let m = 1; m <= Math.min(MAX_SUBSTRINGS, bits, radius + 1); m++) {
    const s = Math.floor(radius / m);
    const a = radius - s * m; // the first a + 1 substrings are searched at s, the rest at s - 1
    if (idBytes * m * n > budget) break; // postings alone exceed the budget
    for (let b = 1; b <= Math.min(MAX_SUBSTRING_BITS, Math.floor(bits / m)); b++) {
      const most = Math.min(m, bits - m * b, b + 1 <= MAX_SUBSTRING_BITS ? m : 0);
      const choices = exhaustive ? Array.from({ length: most + 1 }, (_, j) => j) : [0, most];
      for (const j of choices) {
        // j substrings of b + 1 bits (searched first), m - j of b bits
        const bytes = j * tableBytes(b + 1, COMPACT) + (m - j) * tableBytes(b, COMPACT) + idBytes * m * n;
        if (bytes > budget) continue;
        const longAtS = Math.min(j, a + 1);
        const shortAtS = Math.max(0, a + 1 - j);
        const groups: [count: number, width: number, r: number][] = [
          [longAtS, b + 1, s],
          [j - longAtS, b + 1, s - 1],
          [shortAtS, b, s],
          [m - j - shortAtS, b, s - 1],
        ];
        const cm = model(n, stride, bytes);
        let cost = 0;
        for (const [count, width, r] of groups) {
          if (count === 0) continue;
          const p = within(width, r);
          cost += count * (p * cm.probe + ((p * n) / 2 ** width) * cm.candidate);
        }
        if (!best || cost < best.cost) best = { m, b, j, cost };
      }
    }
  }
  if (!best || best.cost >= flat) return [];
  const layout: { start: number; bits: number }[] = [];
  let at = first;
  for (let k = 0; k < best.m; k++) {
    const width = k < best.j ? best.b + 1 : best.b;
    layout.push({ start: at, bits: width });
    at += width;
  }
  return layout;
}
