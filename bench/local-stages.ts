/**
 * Where `pdq-local`'s time goes on uploads that match nothing: each stage of the local side timed
 * apart (wall time, performance.now) on the odd-numbered photos of --dir (138 of the held-out
 * corpus) against the even-numbered ones as known images, twice over; p50, mean and p95 per stage.
 * The stages are re-run outside the method (the pyramid, box smoothing and FAST at both thresholds
 * on every level, Harris on the threshold-20 corners), then the real calls: detectKeypoints,
 * featuresOfPlane (both views: descriptors = featuresOfPlane - detectKeypoints), vote,
 * correspond, verifySimilarity, LocalFeatureIndex.match. Proportions, not a benchmark: run
 * `npm run bench:local` for the cost per upload. Not part of `npm test`.
 *
 *   npx tsx bench/local-stages.ts [dir]
 */
import sharp from 'sharp';
import { listImages, loadOriginals } from '../src/eval/corpus.js';
import { type Correspondences, correspond } from '../src/features/correspond.js';
import { DESCRIPTOR_BORDER } from '../src/features/descriptor.js';
import {
  DESCRIPTOR_SMOOTHING,
  detectKeypoints,
  FAST_LOW_THRESHOLD,
  FAST_THRESHOLD,
  FEATURE_SIDE,
  featuresOfPlane,
  type LocalFeatures,
  PYRAMID_FACTOR,
  PYRAMID_LEVELS,
} from '../src/features/extract.js';
import { fastScores, localMaxima } from '../src/features/fast.js';
import { FEATURE_MATCH_DEFAULTS, LocalFeatureIndex } from '../src/features/feature-index.js';
import { workingGrey } from '../src/features/grey.js';
import { harrisAt } from '../src/features/harris.js';
import { boxSmooth, buildPyramid } from '../src/features/pyramid.js';
import { VERIFY_DEFAULTS, verifySimilarity } from '../src/features/ransac.js';
import { knownLocalFeatures } from '../src/matching/methods/local.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  matchWithMethod,
  queryHashesFor,
} from '../src/matching/methods/match.js';
import { getMethod } from '../src/matching/methods/methods.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { decodeImage } from '../src/sharp/decode.js';

sharp.cache(false);
const dir = process.argv[2] ?? 'bench/corpus-holdout/images';
const paths = await listImages(dir);
const { originals } = await loadOriginals(dir, paths);
const known = originals.filter((_, i) => i % 2 === 0).slice(0, 138);
const strangers = originals.filter((_, i) => i % 2 === 1);
const local = getMethod('pdq-local');
const maxIndex = new MihIndex<string | KnownVariantMetadata<string>>({ algorithm: 'pdq', bits: 256 });
const features = new LocalFeatureIndex<string>();
for (const o of known) {
  const v = new ImageVariants(o.image);
  maxIndex.addAll(knownEntriesFor(local, v, o.name));
  features.add(knownLocalFeatures(local, v.working)!, o.name);
}
features.build();
const T: Record<string, number[]> = {};
const add = (k: string, ms: number) => {
  T[k] ??= [];
  T[k].push(ms);
};
const now = () => performance.now();
for (let rep = 0; rep < 2; rep++)
  for (const o of strangers) {
    const image = await decodeImage(Buffer.from(o.image.bytes));
    let t = now();
    const variants = new ImageVariants(image);
    matchWithMethod(maxIndex, local, queryHashesFor(local, variants));
    add('hashes', now() - t);
    t = now();
    const w = variants.working;
    add('working', now() - t);
    t = now();
    const grey = workingGrey(w, FEATURE_SIDE);
    add('grey', now() - t);
    t = now();
    const pyr = buildPyramid(grey, PYRAMID_FACTOR, PYRAMID_LEVELS, 2 * DESCRIPTOR_BORDER + 16);
    add('pyramid', now() - t);
    t = now();
    for (const l of pyr) boxSmooth(l.plane, DESCRIPTOR_SMOOTHING);
    add('boxSmooth', now() - t);
    t = now();
    let nc = 0;
    const cands: number[][] = [];
    for (const l of pyr) {
      const s = fastScores(l.plane, FAST_THRESHOLD, DESCRIPTOR_BORDER);
      const m = localMaxima(s, l.plane.width, l.plane.height);
      cands.push(m);
      nc += m.length;
    }
    add('fast20', now() - t);
    t = now();
    for (const l of pyr) {
      const s = fastScores(l.plane, FAST_LOW_THRESHOLD, DESCRIPTOR_BORDER);
      localMaxima(s, l.plane.width, l.plane.height);
    }
    add('fast7(all levels)', now() - t);
    t = now();
    pyr.forEach((l, i) => {
      for (const p of cands[i]!) harrisAt(l.plane, p % l.plane.width, Math.floor(p / l.plane.width));
    });
    add('harris(fast20 cands)', now() - t);
    add('cands20', nc);
    t = now();
    detectKeypoints(grey, 512);
    add('detectKeypoints', now() - t);
    t = now();
    const views = featuresOfPlane(grey, 512, true);
    add('featuresOfPlane(all)', now() - t);
    t = now();
    const lists = views.map((v) => features.vote(v, 48, 4));
    add('vote(2 views)', now() - t);
    add(
      'shortlisted',
      lists.reduce((s, l) => s + Math.min(4, l.length), 0),
    );
    t = now();
    let pc = 0;
    const pairsAll: [Correspondences, LocalFeatures, LocalFeatures][] = [];
    views.forEach((v, vi) => {
      for (const { image } of lists[vi]!.slice(0, 4)) {
        const k = features.featuresOf(image);
        const p = correspond(v, k, FEATURE_MATCH_DEFAULTS.correspond);
        pc += p.count;
        pairsAll.push([p, v, k]);
      }
    });
    add('correspond', now() - t);
    add('pairs', pc);
    t = now();
    for (const [p, v, k] of pairsAll) verifySimilarity(p, v, k, VERIFY_DEFAULTS);
    add('ransac', now() - t);
    t = now();
    features.match(views);
    add('match(all)', now() - t);
  }
const q = (l: number[], p: number) => [...l].sort((a, b) => a - b)[Math.floor(p * l.length)]!;
for (const [k, l] of Object.entries(T))
  console.log(
    k.padEnd(24),
    'p50',
    q(l, 0.5).toFixed(2),
    'mean',
    (l.reduce((a, b) => a + b, 0) / l.length).toFixed(2),
    'p95',
    q(l, 0.95).toFixed(2),
  );
