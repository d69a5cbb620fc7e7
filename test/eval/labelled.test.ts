import { rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAtMost } from '../../src/eval/metrics.js';
import { type EvalResult, runEvaluation } from '../../src/eval/run.js';
import { familyKeys, parseKey } from '../../src/eval/score.js';
import { TRANSFORMS } from '../../src/eval/transforms.js';
import { knownHashesFor, queryHashesFor, scoreAgainst } from '../../src/matching/methods/match.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { BAND_LABELS, ImageVariants } from '../../src/matching/methods/variants.js';
import { slantedStripes } from '../helpers.js';
import { alteredCopies, photoFolder } from './fixture-eval.js';

// The evaluation keeps a labelled family's hashes under one key per label so a same-label rule
// compares band with band, and compares stable-bit rules on the upload's own stable bits; its
// scores must be the library's pairwise definition (scoreAgainst).
// A smooth picture as well, whose re-encoded copy only the witnessed rule finds.
const PHOTOS = ['astronaut.jpg', 'chelsea-cat.jpg', 'coffee.jpg', 'rocket.jpg', 'stripes.png'];
const TRANSFORM_NAMES = ['caption-over', 'watermark', 'jpeg-q50'];
const SEED = 11;
const METHOD_NAMES = ['pdq-bands', 'pdq-stable', 'pdq-witness', 'pdq-max'];

let dir: string;
let result: EvalResult;

beforeAll(async () => {
  sharp.cache(false);
  dir = photoFolder(PHOTOS.slice(0, -1), 'imprint-eval-labelled-');
  const stripes = slantedStripes();
  await sharp(stripes.data, { raw: { width: stripes.width, height: stripes.height, channels: 3 } })
    .png()
    .toFile(join(dir, 'stripes.png'));
  result = await runEvaluation(evalOptions());
}, 120_000);

function evalOptions() {
  return {
    dir,
    methods: METHOD_NAMES.map(getMethod),
    transforms: TRANSFORM_NAMES.map((n) => TRANSFORMS.find((t) => t.name === n)!),
    seed: SEED,
    costSample: 1,
    cacheFile: join(dir, 'cache.json'),
  };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('imprint eval with same-label rules', () => {
  it('keeps a labelled family under one key per label', () => {
    const keys = familyKeys(getMethod('pdq-bands'), 'bands');
    expect(keys).toEqual(BAND_LABELS.map((l) => `pdq:bands#${l}`));
    expect(parseKey(keys[1]!)).toEqual({ algorithm: 'pdq', family: 'bands', label: BAND_LABELS[1] });
    expect(parseKey('phash:plain')).toEqual({ algorithm: 'phash', family: 'plain' });
  });

  it('scores every copy against every original exactly as scoreAgainst does', async () => {
    for (const [t, name] of TRANSFORM_NAMES.entries()) {
      const { originals, copies } = await alteredCopies(dir, PHOTOS, name, SEED);
      const knownVariants = originals.map((o) => new ImageVariants(o));
      for (const [m, methodName] of METHOD_NAMES.entries()) {
        const method = getMethod(methodName);
        const cell = result.scores[m]![t]!;
        const others: number[] = [];
        copies.forEach((copy, i) => {
          const query = queryHashesFor(method, new ImageVariants(copy));
          const scores = knownVariants.map((k) => scoreAgainst(method, query, knownHashesFor(method, k)));
          expect(cell.own[i], `${methodName} ${name} ${PHOTOS[i]}`).toBe(scores[i]);
          others.push(...scores.filter((_, j) => j !== i));
        });
        // The whole histogram of false pairs, not a few points of it.
        for (let threshold = 0; threshold <= 256; threshold++) {
          expect(countAtMost(cell.others, threshold), `${methodName} ${name} at ${threshold}`).toBe(
            others.filter((s) => s <= threshold).length,
          );
        }
      }
    }
  });

  it('scores the smooth picture re-encoded by the witnessed rule only', () => {
    const jpeg = TRANSFORM_NAMES.indexOf('jpeg-q50');
    const stripes = PHOTOS.indexOf('stripes.png');
    const own = (name: string) => result.scores[METHOD_NAMES.indexOf(name)]![jpeg]!.own[stripes]!;
    expect(own('pdq-stable')).toBeGreaterThan(31);
    expect(own('pdq-witness')).toBeLessThanOrEqual(31);
    expect(own('pdq-max')).toBe(own('pdq-witness'));
  });

  it('scores the same from its hash cache (stable bits and pHash witnesses included)', async () => {
    const again = await runEvaluation(evalOptions());
    expect(result.fromCache).toBe(false);
    expect(again.fromCache).toBe(true);
    expect(again.scores).toEqual(result.scores);
  });

  it('finds a caption bar over the picture and a corner mark by the bands', () => {
    const bands = result.methods.findIndex((m) => m.name === 'pdq-bands');
    const photos = PHOTOS.length - 1; // not the stripes: flat against a caption bar
    for (const t of [0, 1]) {
      for (const score of result.scores[bands]![t]!.own.slice(0, photos))
        expect(score).toBeLessThanOrEqual(20);
    }
  });
});
