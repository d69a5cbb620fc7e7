/**
 * Turning raw scores into the figures issue 5 asks for: the false-positive budget (plain PDQ at 31),
 * and per transform and method the recall at the method's threshold, within the budget, and at a
 * target precision, each with its threshold and false-pair count. Pure: no files, no sharp.
 */
import {
  countAtMost,
  type PrecisionPoint,
  recallAt,
  recallAtPrecision,
  sumHistograms,
  thresholdWithinBudget,
} from './metrics.js';

/** The scores of one method (one entry per transform). */
export interface MethodScores {
  readonly name: string;
  readonly side: string;
  readonly threshold: number;
  readonly perTransform: readonly { readonly own: ArrayLike<number>; readonly others: Float64Array }[];
}

/** Figures for one method on one transform. */
export interface TransformFigures {
  readonly transform: string;
  /** At the method's own threshold. */
  readonly recall: number;
  readonly falsePairs: number;
  /** At the method's largest threshold that keeps all transforms together within the budget. */
  readonly recallWithinBudget: number;
  readonly falsePairsWithinBudget: number;
  /** At the largest threshold reaching the target precision on this transform alone. */
  readonly atPrecision: PrecisionPoint;
}

/** Figures for one method. */
export interface MethodFigures {
  readonly name: string;
  readonly side: string;
  readonly threshold: number;
  /** False pairs over all transforms at the method's threshold. */
  readonly falsePairs: number;
  /** Largest threshold whose false pairs over all transforms stay within the budget. */
  readonly budgetThreshold: number | undefined;
  readonly falsePairsAtBudgetThreshold: number;
  readonly transforms: readonly TransformFigures[];
}

/** The whole summary. */
export interface Summary {
  /** False pairs of plain PDQ at 31 over all transforms: no method may have more. */
  readonly budget: number;
  /** Pairs tried per transform and in total (copies x other originals). */
  readonly pairsPerTransform: number;
  readonly pairsTotal: number;
  readonly precision: number;
  readonly methods: readonly MethodFigures[];
}

/**
 * Computes the figures. `baseline` is plain PDQ's scores (the budget is its false pairs at 31);
 * `pairsPerTransform` is the number of (copy, other original) pairs each transform tried.
 *
 * @example
 * ```ts
 * const s = summarize(pdqScores, [pdqScores, dihedralScores], ['jpeg-q50', 'mirror'], 1182 * 1181, 0.9999);
 * console.log(s.budget, s.methods[1].budgetThreshold);
 * ```
 */
export function summarize(
  baseline: MethodScores,
  methods: readonly MethodScores[],
  transformNames: readonly string[],
  pairsPerTransform: number,
  precision: number,
): Summary {
  const budget = countAtMost(sumHistograms(baseline.perTransform.map((t) => t.others)), 31);
  const transforms = baseline.perTransform.length;
  return {
    budget,
    pairsPerTransform,
    pairsTotal: pairsPerTransform * transforms,
    precision,
    methods: methods.map((m) => {
      const pooled = sumHistograms(m.perTransform.map((t) => t.others));
      const budgetThreshold = thresholdWithinBudget(pooled, budget);
      const at = budgetThreshold ?? Number.NEGATIVE_INFINITY;
      return {
        name: m.name,
        side: m.side,
        threshold: m.threshold,
        falsePairs: countAtMost(pooled, m.threshold),
        budgetThreshold,
        falsePairsAtBudgetThreshold: budgetThreshold === undefined ? 0 : countAtMost(pooled, budgetThreshold),
        transforms: m.perTransform.map((t, k) => ({
          transform: transformNames[k] ?? String(k),
          recall: recallAt(t.own, m.threshold),
          falsePairs: countAtMost(t.others, m.threshold),
          recallWithinBudget: recallAt(t.own, at),
          falsePairsWithinBudget: budgetThreshold === undefined ? 0 : countAtMost(t.others, at),
          atPrecision: recallAtPrecision(t.own, t.others, precision),
        })),
      };
    }),
  };
}

/** Recall of one parameter bucket of an edit family. */
export interface BucketRecall {
  readonly bucket: string;
  /** Copies drawn in this bucket (failed copies count: they are misses). */
  readonly copies: number;
  /** Recall per method, in the order of the methods given. */
  readonly recall: readonly number[];
}

/**
 * Recall per parameter bucket: each copy counts in every bucket its label names (`a · b` is in
 * `a` and in `b`), at each method's threshold. Buckets come in the order first seen.
 *
 * @example
 * ```ts
 * bucketRecalls(['5-10% · 1 side', '2-5% · 1 side'], [[3, 40]], [31]);
 * // [{ bucket: '5-10%', copies: 1, recall: [1] }, { bucket: '1 side', copies: 2, recall: [0.5] }, ...]
 * ```
 */
export function bucketRecalls(
  buckets: readonly (string | null)[],
  own: readonly ArrayLike<number>[],
  thresholds: readonly number[],
): BucketRecall[] {
  const members = new Map<string, number[]>();
  buckets.forEach((label, i) => {
    for (const b of (label ?? 'failed').split(' · ')) {
      const list = members.get(b) ?? [];
      list.push(i);
      members.set(b, list);
    }
  });
  return [...members].map(([bucket, copies]) => ({
    bucket,
    copies: copies.length,
    recall: own.map((scores, m) => copies.filter((i) => scores[i]! <= thresholds[m]!).length / copies.length),
  }));
}
