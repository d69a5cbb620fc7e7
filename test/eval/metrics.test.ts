import { describe, expect, it } from 'vitest';
import {
  addScore,
  countAtMost,
  emptyHistogram,
  NO_SCORE,
  recallAt,
  recallAtPrecision,
  thresholdWithinBudget,
} from '../../src/eval/metrics.js';
import { recallText } from '../../src/eval/report.js';
import { type MethodScores, summarize } from '../../src/eval/summary.js';

function histogram(scores: number[]): Float64Array {
  const h = emptyHistogram();
  for (const s of scores) addScore(h, s);
  return h;
}

describe('eval arithmetic', () => {
  it('a recall below its target never reads as the target', () => {
    expect(recallText(1058 / 1069, 0.99)).toBe('98.97'); // 98.9710..., one decimal would say 99.0
    expect(recallText(0.98995, 0.99)).toBe('98.99'); // rounded down, not up to 99.00
    expect(recallText(0.9897)).toBe('99.0'); // no target: one decimal
    expect(recallText(0.985, 0.99)).toBe('98.5'); // one decimal already shows the shortfall
    expect(recallText(0.9912, 0.99)).toBe('99.1');
  });

  it('recall counts own scores at or below the threshold; missing scores are misses', () => {
    const own = [0, 10, 40, NO_SCORE];
    expect(recallAt(own, 31)).toBe(0.5);
    expect(recallAt(own, 40)).toBe(0.75);
    expect(recallAt(own, 39)).toBe(0.5);
    expect(recallAt([], 31)).toBe(0);
  });

  it('counts false pairs at or below a threshold, negative scores included, missing ones never', () => {
    const h = histogram([5, 32, 32, NO_SCORE, -3]);
    expect(countAtMost(h, 31)).toBe(2);
    expect(countAtMost(h, 32)).toBe(4);
    expect(countAtMost(h, -4)).toBe(0);
    expect(countAtMost(h, 1000)).toBe(4);
  });

  it('finds the largest threshold within a false-pair budget', () => {
    const h = histogram([20, 35, 35, 50]);
    expect(thresholdWithinBudget(h, 0)).toBe(19);
    expect(thresholdWithinBudget(h, 1)).toBe(34);
    expect(thresholdWithinBudget(h, 2)).toBe(34); // the next step adds two at once
    expect(thresholdWithinBudget(h, 3)).toBe(49);
    expect(thresholdWithinBudget(h, 0, 10)).toBe(10); // capped by the ceiling
    expect(thresholdWithinBudget(histogram([-64]), 0)).toBeUndefined();
  });

  it('picks the largest threshold reaching the precision, and its recall', () => {
    const own = [0, 10, 20, 30, 60];
    const others = histogram([25, 70]);
    // 99.99%: any false pair breaks it, so the threshold stops just below 25 (3 of 5 found).
    expect(recallAtPrecision(own, others, 0.9999)).toEqual({
      threshold: 24,
      recall: 0.6,
      truePositives: 3,
      falsePairs: 0,
    });
    // 75%: at 69, 5 true and 1 false (5/6); at 70 the second false pair gives 5/7 < 0.75.
    expect(recallAtPrecision(own, others, 0.75)).toEqual({
      threshold: 69,
      recall: 1,
      truePositives: 5,
      falsePairs: 1,
    });
    // No true positive below the first false pair: no threshold.
    expect(recallAtPrecision([50], histogram([0]), 0.9999).threshold).toBeUndefined();
  });

  it('sets the budget from plain PDQ at 31 and measures every method against it', () => {
    // Two transforms, 3 copies each; "others" hold each copy's scores against the other originals.
    const pdq: MethodScores = {
      name: 'pdq',
      side: 'query-side',
      threshold: 31,
      perTransform: [
        { own: [0, 4, 8], others: histogram([30, 90, 100, 110, 120, 130]) },
        { own: [40, 50, NO_SCORE], others: histogram([31, 80, 90, 100, 110, 120]) },
      ],
    };
    const wider: MethodScores = {
      name: 'wider',
      side: 'query-side',
      threshold: 45,
      perTransform: [
        { own: [0, 4, 8], others: histogram([30, 44, 100, 110, 120, 130]) },
        { own: [20, 44, 90], others: histogram([31, 46, 90, 100, 110, 120]) },
      ],
    };
    const s = summarize(pdq, [pdq, wider], ['a', 'b'], 6, 0.9999);
    expect(s.budget).toBe(2); // 30 and 31
    expect(s.pairsTotal).toBe(12);
    const [p, w] = s.methods;
    expect(p!.falsePairs).toBe(2);
    expect(p!.budgetThreshold).toBe(79); // the next false pair is at 80
    expect(p!.transforms[1]).toMatchObject({ transform: 'b', recall: 0, recallWithinBudget: 2 / 3 });
    expect(w!.falsePairs).toBe(3); // 30, 31, 44: over the budget at its own threshold
    expect(w!.budgetThreshold).toBe(43);
    expect(w!.falsePairsAtBudgetThreshold).toBe(2);
    expect(w!.transforms[1]!.recallWithinBudget).toBeCloseTo(1 / 3);
    expect(w!.transforms[1]!.recall).toBeCloseTo(2 / 3);
  });
});
