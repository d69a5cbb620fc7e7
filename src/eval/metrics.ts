/**
 * The arithmetic of the evaluation, kept pure so tests can check it on hand-made numbers.
 *
 * A query is an altered copy of original `i`; its score against original `j` is the method's best
 * (distance - slack) over every rule, and it matches `j` when the score is at most the threshold.
 * `own` holds each query's score against its own original; `others` is a histogram of its scores
 * against every OTHER original (a false pair whenever one is at most the threshold).
 */

/** Scores are distances (0..256) minus slacks; this covers slacks of up to +-64. */
export const MIN_SCORE = -64;
export const MAX_SCORE = 320;
/** A query with no comparable hash (too flat, undecodable): never matches. */
export const NO_SCORE: number = Number.POSITIVE_INFINITY;

/** A histogram of scores, bin `s - MIN_SCORE` counting score `s`; scores without a hash are left out. */
export function emptyHistogram(): Float64Array {
  return new Float64Array(MAX_SCORE - MIN_SCORE + 1);
}

/** Adds a score to a histogram (infinite scores are not counted: they can never match). */
export function addScore(histogram: Float64Array, score: number): void {
  if (score === NO_SCORE) return;
  const s = Math.max(MIN_SCORE, Math.min(MAX_SCORE, Math.round(score)));
  histogram[s - MIN_SCORE]! += 1;
}

/** Sum of several histograms. */
export function sumHistograms(histograms: readonly Float64Array[]): Float64Array {
  const out = emptyHistogram();
  for (const h of histograms) for (let i = 0; i < out.length; i++) out[i]! += h[i]!;
  return out;
}

/** How many counted scores are at most `threshold`. */
export function countAtMost(histogram: Float64Array, threshold: number): number {
  let n = 0;
  const last = Math.min(MAX_SCORE, Math.floor(threshold)) - MIN_SCORE;
  for (let i = 0; i <= last; i++) n += histogram[i]!;
  return n;
}

/** Share of queries whose own score is at most `threshold` (skipped queries count as misses). */
export function recallAt(own: ArrayLike<number>, threshold: number): number {
  if (own.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < own.length; i++) if (own[i]! <= threshold) hits++;
  return hits / own.length;
}

/**
 * The largest threshold (at most `ceiling`) whose false pairs stay within `budget`, or undefined
 * when even the lowest score exceeds it.
 */
export function thresholdWithinBudget(
  others: Float64Array,
  budget: number,
  ceiling: number = MAX_SCORE,
): number | undefined {
  let found: number | undefined;
  let count = 0;
  for (let s = MIN_SCORE; s <= ceiling; s++) {
    count += others[s - MIN_SCORE]!;
    if (count > budget) break;
    found = s;
  }
  return found;
}

/** Result of {@link recallAtPrecision}. */
export interface PrecisionPoint {
  /** The threshold chosen, or undefined when no threshold reaches the precision with a true match. */
  readonly threshold: number | undefined;
  readonly recall: number;
  readonly truePositives: number;
  readonly falsePairs: number;
}

/**
 * Recall at the largest threshold (at most `ceiling`) whose precision TP / (TP + false pairs) is at
 * least `precision`, Thorn-benchmark style: one threshold per transform and method.
 */
export function recallAtPrecision(
  own: ArrayLike<number>,
  others: Float64Array,
  precision: number,
  ceiling = 128,
): PrecisionPoint {
  const sorted = Float64Array.from(own).sort();
  let best: PrecisionPoint = { threshold: undefined, recall: 0, truePositives: 0, falsePairs: 0 };
  let tp = 0;
  let fp = 0;
  for (let s = MIN_SCORE; s <= ceiling; s++) {
    fp += others[s - MIN_SCORE]!;
    while (tp < sorted.length && sorted[tp]! <= s) tp++;
    if (tp > 0 && tp / (tp + fp) >= precision) {
      best = { threshold: s, recall: tp / own.length, truePositives: tp, falsePairs: fp };
    }
  }
  return best;
}
