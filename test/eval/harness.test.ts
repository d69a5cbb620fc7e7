import { rmSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { hammingDistance } from '../../src/core/hash.js';
import { DIHEDRAL_COPIES } from '../../src/core/raster.js';
import { countAtMost, MIN_SCORE } from '../../src/eval/metrics.js';
import { buildReport } from '../../src/eval/report.js';
import { type EvalResult, runEvaluation } from '../../src/eval/run.js';
import { TRANSFORMS } from '../../src/eval/transforms.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { ImageVariants } from '../../src/matching/methods/variants.js';
import { alteredCopies, photoFolder } from './fixture-eval.js';

// Six benign photos, three transforms: small enough for npm test, big enough to check the arithmetic.
const PHOTOS = [
  'astronaut.jpg',
  'chelsea-cat.jpg',
  'china-temple.jpg',
  'city-skyline.jpg',
  'coffee.jpg',
  'rocket.jpg',
];
const TRANSFORM_NAMES = ['none', 'jpeg-q50', 'mirror'];
const SEED = 7;

let dir: string;
let result: EvalResult;

beforeAll(async () => {
  sharp.cache(false);
  dir = photoFolder(PHOTOS, 'imprint-eval-');
  result = await runEvaluation({
    dir,
    dirLabel: 'photos',
    methods: [getMethod('pdq'), getMethod('pdq-dihedral')],
    transforms: TRANSFORM_NAMES.map((n) => TRANSFORMS.find((t) => t.name === n)!),
    seed: SEED,
    costSample: 2,
    // astronaut and chelsea-cat are "related" (one group); the rest are each their own.
    relatedKey: (name) => (name === 'astronaut.jpg' || name === 'chelsea-cat.jpg' ? 'pair' : name),
  });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every copy's hashes and every original's, recomputed here the direct way. */
async function bruteForce(transformName: string) {
  const { originals, copies } = await alteredCopies(dir, PHOTOS, transformName, SEED);
  return {
    known: originals.map((o) => pdqHash(o).hash),
    copies: copies.map((c) => pdqHash(c)),
    copyImages: copies,
  };
}

describe('imprint eval harness', () => {
  it('tries every copy against every OTHER original', () => {
    expect(result.originals).toEqual(PHOTOS);
    expect(result.excluded).toEqual([]);
    expect(result.pairsPerTransform).toBe(6 * 5);
    expect(result.failures).toEqual([0, 0, 0]);
  });

  it('scores the unaltered originals at 0 and counts 30 other pairs', () => {
    const none = result.scores[0]![0]!;
    expect([...none.own]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(countAtMost(none.others, 256)).toBe(30);
  });

  it('gives the same own scores and false-pair histogram as a brute-force count', async () => {
    const { known, copies } = await bruteForce('jpeg-q50');
    const cell = result.scores[0]![1]!; // pdq, jpeg-q50
    for (const [i, c] of copies.entries()) expect(cell.own[i]).toBe(hammingDistance(c.hash, known[i]!));
    for (const threshold of [31, 60, 100, 128]) {
      let falsePairs = 0;
      for (const [i, c] of copies.entries()) {
        for (const [j, k] of known.entries())
          if (i !== j && hammingDistance(c.hash, k) <= threshold) falsePairs++;
      }
      expect(countAtMost(cell.others, threshold), `at ${threshold}`).toBe(falsePairs);
    }
  });

  it('pdq-dihedral scores a mirrored copy by its best rotation or mirror image', async () => {
    const { known, copies, copyImages } = await bruteForce('mirror');
    const plain = result.scores[0]![2]!;
    const dihedral = result.scores[1]![2]!;
    copies.forEach((c, i) => {
      expect(plain.own[i]).toBe(hammingDistance(c.hash, known[i]!));
      const flips = new ImageVariants(copyImages[i]!).get('dihedral').map((v) => v.hash);
      expect(flips.map((_, k) => DIHEDRAL_COPIES[k])).toEqual([...DIHEDRAL_COPIES]);
      // The method's score: the best of the plain distance and the flips' distances minus their slack.
      const method = getMethod('pdq-dihedral');
      const slack = method.rules.find((r) => r.query === 'dihedral')!.slack;
      const best = Math.min(
        hammingDistance(c.hash, known[i]!),
        ...flips.map((h) => hammingDistance(h, known[i]!) - slack),
      );
      expect(dihedral.own[i]).toBe(best);
      expect(dihedral.own[i]).toBeLessThanOrEqual(method.threshold);
    });
  });

  it('counts false pairs between related originals apart', () => {
    // Per transform: 30 pairs, of which 2 (astronaut <-> chelsea-cat, both ways) are related.
    for (const cell of result.scores[0]!) {
      expect(countAtMost(cell.others, 256)).toBe(30);
      expect(countAtMost(cell.othersUnrelated, 256)).toBe(28);
    }
    expect(result.closestFalsePairs[0]!.length).toBeGreaterThan(0);
    expect(result.closestUnrelatedPairs[0]!.every((p) => !p.related)).toBe(true);
  });

  it('reports the budget, the tables, JSON and pictures', () => {
    const report = buildReport(result, 0.9999, 'imprint eval test');
    const budget = countAtMost(
      result.scores[0]!.reduce((sum, c) => {
        const h = new Float64Array(sum.length);
        for (let k = 0; k < h.length; k++) h[k] = sum[k]! + c.others[k]!;
        return h;
      }, new Float64Array(result.scores[0]![0]!.others.length)),
      31,
    );
    expect(report.summary.budget).toBe(budget);
    expect(report.markdown).toContain(`**${budget} false pairs** of 90`);
    expect(report.markdown).toContain('| mirror | 99.0 |');
    expect(report.markdown).toContain('## Recall within the budget, unrelated false pairs only');
    const json = report.json as { methods: { name: string; cost: { lookupMismatches: number } }[] };
    expect(json.methods.map((m) => m.name)).toEqual(['pdq', 'pdq-dihedral']);
    // The corpus is named as the user gave it, not by this machine's temporary path.
    expect(report.markdown).toContain('Corpus: `photos`');
    expect((report.json as { corpus: { dir: string } }).corpus.dir).toBe('photos');
    for (const m of json.methods) expect(m.cost.lookupMismatches).toBe(0);
    expect(report.charts.map((c) => c.file)).toEqual([
      'recall-budget.svg',
      'recall-threshold.svg',
      'scores-pdq.svg',
      'scores-pdq-dihedral.svg',
    ]);
    for (const c of report.charts) expect(c.svg.startsWith('<svg')).toBe(true);
    expect(MIN_SCORE).toBeLessThan(0);
  });

  it('says which copies, and which groups of related originals, the shown method misses', () => {
    // pdq-dihedral finds every mirrored copy; pretend it missed the two related photos' copies.
    const mirror = TRANSFORM_NAMES.indexOf('mirror');
    const own = Float64Array.from(result.originals, (name) =>
      name === 'astronaut.jpg' ? Number.POSITIVE_INFINITY : name === 'chelsea-cat.jpg' ? 40 : 0,
    );
    const scores = result.scores.map((row, m) =>
      row.map((cell, t) => (m === 1 && t === mirror ? { ...cell, own } : cell)),
    );
    const report = buildReport({ ...result, scores }, 0.9999, 'imprint eval test');
    expect(report.markdown).toContain('## Where `pdq-dihedral` misses');
    expect(report.markdown).toContain(
      '- mirror: 2 misses; pair 2/2; copies of chelsea-cat.jpg (40), astronaut.jpg (-)\n',
    );
    // Without groups, the copies alone.
    const ungrouped = buildReport({ ...result, scores, grouped: false }, 0.9999, 'x').markdown;
    expect(ungrouped).toContain('- mirror: 2 misses; copies of chelsea-cat.jpg (40), astronaut.jpg (-)\n');
    expect(buildReport(result, 0.9999, 'x').markdown).not.toMatch(/^- mirror: /m);
    // With every target met, the section says so rather than standing empty.
    expect(report.markdown).not.toContain('None: every transform with a target meets it.');
    const allMet = result.scores.map((row, m) =>
      row.map((cell) => (m === 1 ? { ...cell, own: cell.own.map(() => 0) } : cell)),
    );
    expect(buildReport({ ...result, scores: allMet }, 0.9999, 'x').markdown).toContain(
      'None: every transform with a target meets it.',
    );
  });
});
