/**
 * Chooses the 256 descriptor tests of src/features/pattern.ts (SELECTED_TESTS) among the seeded
 * candidate pool, as ORB's rBRIEF does: on the keypoints of training pictures, tests whose mean
 * is closest to 1/2 first, each kept only if its correlation with every test kept so far is below
 * a bound (raised in steps until 256 are kept). Prints the table to paste into pattern.ts.
 *
 *   npx tsx bench/feature-pattern.ts [--dev bench/corpus/images] [--limit 500]
 *
 * Training pictures: the development corpus (evenly spread subset) and fixtures/photos. Never the
 * held-out corpus, which the evaluation reports on.
 */
import { parseArgs } from 'node:util';
import { popcount32 } from '../src/core/hash.js';
import { evenSubset, listImages, loadOriginals } from '../src/eval/corpus.js';
import { describeAt } from '../src/features/descriptor.js';
import { detectKeypoints, KNOWN_FEATURES } from '../src/features/extract.js';
import { workingGrey } from '../src/features/grey.js';
import { DESCRIPTOR_BITS, generatePattern, PATTERN_SEED, POOL_SIZE } from '../src/features/pattern.js';
import { decodeImage } from '../src/sharp/decode.js';

const { values } = parseArgs({
  options: { dev: { type: 'string' }, limit: { type: 'string' }, photos: { type: 'string' } },
});
const devDir = values.dev ?? 'bench/corpus/images';
const photosDir = values.photos ?? 'fixtures/photos';
const limit = Number(values.limit ?? 500);

const pool = generatePattern(PATTERN_SEED, POOL_SIZE);
const images = [
  ...(await loadOriginals(devDir, evenSubset(await listImages(devDir), limit))).originals.map((o) => o.image),
];
for (const path of await listImages(photosDir)) {
  try {
    images.push(await decodeImage(path));
  } catch {
    // not every fixture is a decodable picture (on purpose)
  }
}
// Bits of every pool test on every training keypoint: bits[t] is a bitset over keypoints.
const rows: Uint32Array[] = [];
for (const image of images) {
  const { levels, keypoints } = detectKeypoints(workingGrey(image, 512), KNOWN_FEATURES);
  for (const k of keypoints) {
    const out = new Uint32Array(POOL_SIZE / 32);
    describeAt(levels[k.level]!.smoothed, k.x, k.y, k.bin, false, out, 0, pool);
    rows.push(out);
  }
}
const n = rows.length;
const words = Math.ceil(n / 32);
const bits = Array.from({ length: POOL_SIZE }, () => new Uint32Array(words));
rows.forEach((row, k) => {
  for (let t = 0; t < POOL_SIZE; t++)
    if ((row[t >>> 5]! >>> (t & 31)) & 1) bits[t]![k >>> 5]! |= 1 << (k & 31);
});
const ones = bits.map((b) => b.reduce((s, w) => s + popcount32(w), 0));
const mean = ones.map((o) => o / n);
const order = [...mean.keys()].sort((a, b) => Math.abs(mean[a]! - 0.5) - Math.abs(mean[b]! - 0.5) || a - b);
const correlation = (a: number, b: number): number => {
  let both = 0;
  for (let w = 0; w < words; w++) both += popcount32(bits[a]![w]! & bits[b]![w]!);
  const pa = mean[a]!;
  const pb = mean[b]!;
  const denominator = Math.sqrt(pa * (1 - pa) * pb * (1 - pb));
  return denominator === 0 ? 1 : (both / n - pa * pb) / denominator;
};
let bound = 0.2;
let kept: number[] = [];
for (;;) {
  kept = [];
  for (const t of order) {
    if (mean[t] === 0 || mean[t] === 1) continue;
    if (kept.every((k) => Math.abs(correlation(t, k)) < bound)) kept.push(t);
    if (kept.length === DESCRIPTOR_BITS) break;
  }
  if (kept.length === DESCRIPTOR_BITS) break;
  bound += 0.05;
}
// Lookup keys are cut from the four quarters of the descriptor (feature-index.ts): deal the kept
// tests out like cards, best first, so every quarter gets as good tests as the others.
const dealt = [0, 1, 2, 3].flatMap((q) => kept.filter((_, r) => r % 4 === q));
const spread = kept.map((t) => Math.abs(mean[t]! - 0.5)).sort((a, b) => a - b);
console.error(
  `${images.length} pictures, ${n} keypoints; correlation bound ${bound.toFixed(2)}; kept tests' |mean - 1/2| median ${spread[128]!.toFixed(3)}, max ${spread[255]!.toFixed(3)}`,
);
console.log(`export const SELECTED_TESTS: readonly number[] = [${dealt.join(', ')}];`);
if (process.env.POOL_STATS) {
  const dev = mean.map((m) => Math.abs(m - 0.5)).sort((a, b) => a - b);
  console.error(
    'pool |m-1/2| p10',
    dev[Math.floor(POOL_SIZE * 0.1)]!.toFixed(3),
    'p25',
    dev[Math.floor(POOL_SIZE * 0.25)]!.toFixed(3),
    'p50',
    dev[POOL_SIZE >> 1]!.toFixed(3),
    '<0.1:',
    dev.filter((d) => d < 0.1).length,
  );
}
