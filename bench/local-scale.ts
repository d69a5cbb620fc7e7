/**
 * Local features against a known list of a million images, in one process (issue 20: "local
 * features must fit a known list of a million images on one machine"). Builds `pdq-local`'s
 * feature index (LocalFeatureIndex, its default tables) at each --steps size and measures, on the
 * same uploads at every size: build time, the index's memory and the process' RSS, the CPU of the
 * lookup and verification per upload (p50/p95; the upload's own feature extraction does not
 * depend on the list and is shown once), the copies found by local features alone under
 * `pdq-local`'s rule, and the false matches. Not part of `npm test`; needs ~16 GB of RAM at 1e6.
 *
 *   npm run bench:local-scale -- [--known-dir bench/corpus-holdout/images]
 *     [--pool-dirs bench/photos,bench/corpus/images] [--steps 0,100000,1000000]
 *     [--families letterbox,screenshot,crop,rotate,mirror-crop] [--max-bucket default,none,8] [--key-bits auto] [--probe-radius 0] [--tables 8] [--shortlist 4] [--min-votes 2] [--seed 7] [--flip 16] [--known 138] [--unrelated 138]
 *
 * Known images: every other photo of --known-dir (real features), the photos and tiles under
 * --pool-dirs (real features of other pictures: the index's real strangers), and the step's
 * number of generated images. Uploads: one copy of each known photo per family (the evaluation's
 * edit families, parameters drawn from --seed: 7 was used by no other run), and the other half of
 * --known-dir, which no known image shows.
 *
 * Generated images: nobody holds a million photos here, so each generated image takes 256
 * features drawn one by one from a pool of real features (the pool pictures at three working
 * sizes, up to 1,536 features each), each descriptor with up to --flip of its bits flipped and
 * the keypoint placed at random on a picture of a pool picture's size. Their descriptors have
 * real descriptors' statistics (bit biases, correlations, the popular corners of flat and
 * textured areas), so the lookup tables fill as a real list's would; but their corners lie in no
 * geometric relation, so they test the lookup's cost and the vote's shortlist, not look-alike
 * photographs (the evaluation's real known images do that). The run prints, beside the figures,
 * how many votes an unrelated upload gives a generated image and a real unrelated one, so the
 * generated images can be compared with real ones.
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { listImages, loadOriginals } from '../src/eval/corpus.js';
import { EDIT_FAMILIES } from '../src/eval/families.js';
import { makeRandomUint32, seedOf } from '../src/eval/random.js';
import { applyTransform } from '../src/eval/transforms.js';
import { extractFeatureViews, type LocalFeatures } from '../src/features/extract.js';
import {
  FEATURE_INDEX_DEFAULTS,
  FEATURE_MATCH_DEFAULTS,
  keyBitsFor,
  LocalFeatureIndex,
} from '../src/features/feature-index.js';
import { DESCRIPTOR_WORDS } from '../src/features/pattern.js';
import {
  knownLocalFeatures,
  localShareHolds,
  queryLocalViews,
  sharedCorners,
} from '../src/matching/methods/local.js';
import { getMethod } from '../src/matching/methods/methods.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { loadFeatureIndex, saveFeatureIndex } from '../src/node/feature-file.js';
import { decodeImage } from '../src/sharp/decode.js';

sharp.cache(false);

const { values } = parseArgs({
  options: {
    'known-dir': { type: 'string', default: 'bench/corpus-holdout/images' },
    'pool-dirs': { type: 'string', default: 'bench/photos,bench/corpus/images' },
    steps: { type: 'string', default: '0,100000,1000000' },
    families: { type: 'string', default: 'letterbox,screenshot,crop,rotate,mirror-crop' },
    seed: { type: 'string', default: '7' },
    flip: { type: 'string', default: '16' },
    known: { type: 'string', default: '138' },
    unrelated: { type: 'string', default: '138' },
    'max-bucket': { type: 'string', default: 'default' },
    'key-bits': { type: 'string', default: 'auto' },
    'probe-radius': { type: 'string', default: String(FEATURE_INDEX_DEFAULTS.probeRadius) },
    tables: { type: 'string', default: String(FEATURE_INDEX_DEFAULTS.tables) },
    shortlist: { type: 'string' },
    'min-votes': { type: 'string' },
    save: { type: 'string' },
    load: { type: 'string' },
  },
});
const seed = Number(values.seed);
const maxFlip = Number(values.flip);
// With --load the index comes from a file: no pool, no generated images, no steps.
const steps = values.load ? [] : values.steps.split(',').map(Number);
const largest = steps.length ? Math.max(...steps) : 0;
const local = getMethod('pdq-local');
const rule = local.local!;
const FEATURES_PER_GENERATED = rule.knownFeatures;
// Bounds on the probed buckets to compare (FeatureMatchOptions.maxBucket): 'default' is the
// index's own (LocalFeatureIndex.defaultMaxBucket), 'none' no bound.
const caps = values['max-bucket']
  .split(',')
  .map((c) => (c === 'default' ? undefined : c === 'none' ? Number.POSITIVE_INFINITY : Number(c)));

const log = (s: string) => process.stderr.write(`${s}\n`);
const cpuMs = (f: () => void): number => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const quantile = (list: readonly number[], p: number): number =>
  list.length
    ? [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))]!
    : Number.NaN;
const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);

// Known photos and uploads.
const knownPaths = await listImages(values['known-dir']);
const { originals } = await loadOriginals(values['known-dir'], knownPaths);
const known = originals.filter((_, i) => i % 2 === 0).slice(0, Number(values.known));
const strangers = originals.filter((_, i) => i % 2 === 1).slice(0, Number(values.unrelated));
const families = values.families.split(',').map((name) => {
  const family = EDIT_FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`No edit family ${name}`);
  return family;
});

interface Upload {
  readonly family: string;
  /** The known image it is a copy of (its number in the index), or -1. */
  readonly of: number;
  readonly views: LocalFeatures[];
}
const uploads: Upload[] = [];
const extractMs: number[] = [];
const realFeatures: LocalFeatures[] = [];
const realNames: string[] = [];
for (const o of known) {
  realFeatures.push(knownLocalFeatures(local, new ImageVariants(o.image).working)!);
  realNames.push(o.name);
}
log(`${known.length} known photos; making ${known.length * families.length} copies...`);
for (const [k, o] of known.entries()) {
  for (const family of families) {
    const copy = await applyTransform(family, o.image, seedOf(seed, o.name, family.name));
    const image = await decodeImage(copy.bytes);
    let views: LocalFeatures[] = [];
    extractMs.push(cpuMs(() => (views = queryLocalViews(local, new ImageVariants(image).working))));
    uploads.push({ family: family.name, of: k, views });
  }
}
for (const o of strangers) {
  let views: LocalFeatures[] = [];
  extractMs.push(cpuMs(() => (views = queryLocalViews(local, new ImageVariants(o.image).working))));
  uploads.push({ family: 'unrelated', of: -1, views });
}

// Real pictures no upload shows, known too; and the pool the generated images draw from.
const pool: LocalFeatures[] = [];
for (const dir of values.load ? [] : values['pool-dirs'].split(',').filter(Boolean)) {
  const paths = await listImages(dir);
  log(`pool: ${paths.length} pictures under ${dir}...`);
  for (const path of paths) {
    let image: Awaited<ReturnType<typeof decodeImage>>;
    try {
      image = await decodeImage(path);
    } catch {
      continue;
    }
    const working = new ImageVariants(image).working;
    realFeatures.push(knownLocalFeatures(local, working)!);
    realNames.push(path);
    // Several working sizes give other corners and descriptors of one picture (small tiles: one).
    const longest = Math.max(image.width, image.height);
    for (const side of [384, 512, 768].filter((s, k) => k === 0 || s < longest)) {
      pool.push(...extractFeatureViews(image, { maxFeatures: 1536, maxSide: side }));
    }
  }
}
const poolCount = pool.reduce((s, f) => s + f.count, 0);
const realCount = realFeatures.reduce((s, f) => s + f.count, 0);
log(`${realFeatures.length} real known pictures (${realCount} features); pool ${poolCount} features`);

// Every step's index is a prefix of one set of arrays: the real images first, then the generated.
const total = realCount + largest * FEATURES_PER_GENERATED;
const descriptors = new Uint32Array(total * DESCRIPTOR_WORDS);
const xs = new Uint16Array(total);
const ys = new Uint16Array(total);
const levels = new Uint8Array(total);
const angles = new Uint8Array(total);
const starts = new Uint32Array(realFeatures.length + largest + 1);
const sizes = new Uint16Array(2 * (realFeatures.length + largest));
let at = 0;
for (const [i, f] of realFeatures.entries()) {
  descriptors.set(f.descriptors.subarray(0, f.count * DESCRIPTOR_WORDS), at * DESCRIPTOR_WORDS);
  for (let j = 0; j < f.count; j++) {
    xs[at + j] = Math.round(f.x[j]! * 16);
    ys[at + j] = Math.round(f.y[j]! * 16);
    levels[at + j] = f.level[j]!;
    angles[at + j] = f.angle[j]!;
  }
  at += f.count;
  starts[i + 1] = at;
  sizes[2 * i] = f.width;
  sizes[2 * i + 1] = f.height;
}
log(`generating ${largest} images (${gib(descriptors.byteLength)} GiB of descriptors)...`);
const random = makeRandomUint32(seedOf(seed, 'generated'));
const poolPictures = pool.filter((f) => f.count > 0);
const poolStart = new Uint32Array(poolPictures.length + 1);
for (const [i, f] of poolPictures.entries()) poolStart[i + 1] = poolStart[i]! + f.count;
const pickPool = (r: number): [LocalFeatures, number] => {
  const target = r % poolStart[poolPictures.length]!;
  let lo = 0;
  let hi = poolPictures.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (poolStart[mid]! <= target) lo = mid;
    else hi = mid - 1;
  }
  return [poolPictures[lo]!, target - poolStart[lo]!];
};
const generatedStarted = performance.now();
for (let g = 0; g < largest; g++) {
  const image = realFeatures.length + g;
  const [shape] = pickPool(random());
  const w = shape.width;
  const h = shape.height;
  for (let j = 0; j < FEATURES_PER_GENERATED; j++) {
    const [f, k] = pickPool(random());
    const to = at * DESCRIPTOR_WORDS;
    for (let word = 0; word < DESCRIPTOR_WORDS; word++)
      descriptors[to + word] = f.descriptors[k * DESCRIPTOR_WORDS + word]!;
    for (let flips = random() % (maxFlip + 1); flips > 0; flips--) {
      const bit = random() & 255;
      descriptors[to + (bit >>> 5)]! ^= 1 << (bit & 31);
    }
    xs[at] = random() % (w * 16);
    ys[at] = random() % (h * 16);
    levels[at] = f.level[k]!;
    angles[at] = f.angle[k]!;
    at++;
  }
  starts[image + 1] = at;
  sizes[2 * image] = w;
  sizes[2 * image + 1] = h;
}
log(`generated in ${((performance.now() - generatedStarted) / 1000).toFixed(1)} s`);

interface StepResult {
  readonly images: number;
  readonly features: number;
  readonly buildS: number;
  readonly indexBytes: number;
  readonly rss: number;
  readonly keyBits: number;
  /** FeatureMatchOptions.maxBucket of the lookups (undefined: the index's default). */
  readonly cap: number | undefined;
  readonly bound: number;
  readonly strangerMs: number[];
  readonly copyMs: number[];
  readonly found: Map<string, [number, number]>;
  readonly falseMatches: number;
  readonly falseGenerated: number;
  readonly notShortlisted: number;
  /** FNV-1a over every upload's passing matches (image, inliers): equal digests, equal answers. */
  readonly digest: number;
  /** Where the index came from. */
  readonly label: string;
  readonly votes?: {
    real: number;
    generated: number;
    realMax: number;
    generatedMax: number;
    minVotes: number;
  };
}
type UploadRun = Omit<
  StepResult,
  'images' | 'features' | 'buildS' | 'indexBytes' | 'rss' | 'keyBits' | 'votes' | 'label'
>;

const fnv = (h: number, v: number): number => Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;

/**
 * Every upload through `index.match` and the rule, as matchLocal does, timed; known images at or
 * past `realImages` are generated ones. The digest covers every upload's passing matches.
 */
function measureUploads(
  index: LocalFeatureIndex<string>,
  cap: number | undefined,
  realImages: number,
): UploadRun {
  const strangerMs: number[] = [];
  const copyMs: number[] = [];
  const found = new Map<string, [number, number]>();
  let falseMatches = 0;
  let falseGenerated = 0;
  let notShortlisted = 0;
  let digest = 0x811c9dc5;
  for (const [u, upload] of uploads.entries()) {
    let verified: ReturnType<typeof index.match> = [];
    let passed: typeof verified = [];
    // What matchLocal does, with the verified images kept to see whether the right one was.
    const ms = cpuMs(() => {
      verified = index.match(upload.views, {
        maxBucket: cap ?? index.defaultMaxBucket,
        ...(values.shortlist ? { shortlist: Number(values.shortlist) } : {}),
        ...(values['min-votes'] ? { minVotes: Number(values['min-votes']) } : {}),
      });
      passed = verified.filter(
        (m) => m.inliers >= rule.minInliers && localShareHolds(rule, m.inliers, sharedCorners(m)),
      );
    });
    (upload.of < 0 ? strangerMs : copyMs).push(ms);
    digest = fnv(digest, u);
    for (const m of passed) digest = fnv(fnv(digest, m.image), m.inliers);
    const tally = found.get(upload.family) ?? [0, 0];
    tally[1]++;
    if (upload.of >= 0 && passed.some((m) => m.image === upload.of)) tally[0]++;
    found.set(upload.family, tally);
    if (upload.of >= 0 && !verified.some((m) => m.image === upload.of)) notShortlisted++;
    for (const m of passed) {
      if (m.image === upload.of) continue;
      falseMatches++;
      if (m.image >= realImages) falseGenerated++;
    }
    if (u % 100 === 99) log(`  ${u + 1}/${uploads.length} uploads`);
  }
  return {
    cap,
    bound: cap ?? index.defaultMaxBucket,
    strangerMs,
    copyMs,
    found,
    falseMatches,
    falseGenerated,
    notShortlisted,
    digest,
  };
}

const results: StepResult[] = [];
for (const step of steps) {
  const images = realFeatures.length + step;
  const features = starts[images]!;
  const metadata: string[] = [...realNames, ...new Array<string>(step).fill('')];
  const index = LocalFeatureIndex.fromParts<string>(
    {
      keyBits:
        values['key-bits'] === 'auto'
          ? keyBitsFor(features, Number(values.tables))
          : Number(values['key-bits']),
      tables: Number(values.tables),
      probeRadius: values['probe-radius'] === '0' ? 0 : 1,
      starts: starts.subarray(0, images + 1),
      sizes: sizes.subarray(0, 2 * images),
      descriptors: descriptors.subarray(0, features * DESCRIPTOR_WORDS),
      x: xs.subarray(0, features),
      y: ys.subarray(0, features),
      level: levels.subarray(0, features),
      angle: angles.subarray(0, features),
    },
    metadata,
  );
  log(`step ${step}: building an index of ${images} images, ${features} features...`);
  const built = performance.now();
  index.build();
  const buildS = (performance.now() - built) / 1000;
  const indexBytes = index.memoryBytes();
  const runs: UploadRun[] = [];
  for (const cap of caps) runs.push(measureUploads(index, cap, realFeatures.length));
  let votes: StepResult['votes'];
  if (step > 0 && step === Math.min(...steps.filter((s) => s > 0))) {
    // How alike generated and real known images look to unrelated uploads: the votes they get.
    let real = 0;
    let generated = 0;
    let realMax = 0;
    let generatedMax = 0;
    for (const upload of uploads.filter((x) => x.of < 0)) {
      for (const view of upload.views) {
        for (const { image, votes: v } of index.vote(
          view,
          FEATURE_MATCH_DEFAULTS.voteDistance,
          1,
          index.defaultMaxBucket,
        )) {
          if (image >= realFeatures.length) {
            generated += v;
            generatedMax = Math.max(generatedMax, v);
          } else if (image >= known.length) {
            real += v;
            realMax = Math.max(realMax, v);
          }
        }
      }
    }
    const views = uploads.filter((x) => x.of < 0).reduce((s, x) => s + x.views.length, 0);
    votes = {
      real: real / views / (realFeatures.length - known.length),
      generated: generated / views / step,
      realMax,
      generatedMax,
      minVotes: values['min-votes'] ? Number(values['min-votes']) : index.defaultMinVotes,
    };
  }
  const rss = process.memoryUsage().rss;
  for (const run of runs)
    results.push({
      label: 'built',
      images,
      features,
      buildS,
      indexBytes,
      rss,
      keyBits: index.keyBits,
      ...run,
      ...(votes ? { votes } : {}),
    });
  if (values.save && step === largest) {
    const saved = performance.now();
    const { bytes } = await saveFeatureIndex(index, values.save);
    log(`saved ${bytes} bytes to ${values.save} in ${((performance.now() - saved) / 1000).toFixed(1)} s`);
  }
  log(`step ${step}: done`);
}

if (values.load) {
  // The index a --save run wrote, read back (the tables are built as it loads): its answers should
  // have the digest the run that wrote it printed.
  const loading = performance.now();
  const index = await loadFeatureIndex<string>(values.load);
  const loadS = (performance.now() - loading) / 1000;
  let realImages = 0;
  while (realImages < index.size && index.metadataOf(realImages) !== '') realImages++;
  for (const cap of caps) {
    results.push({
      label: `read from ${values.load}`,
      images: index.size,
      features: index.descriptorCount,
      buildS: loadS,
      indexBytes: index.memoryBytes(),
      rss: process.memoryUsage().rss,
      keyBits: index.keyBits,
      ...measureUploads(index, cap, realImages),
    });
  }
}

const out: string[] = [];
out.push(
  values.load
    ? `Known: the index read from ${values.load}.`
    : `Known: ${known.length} photos of ${values['known-dir']} + ${realFeatures.length - known.length} pictures of ${values['pool-dirs']} (real) + generated images (${FEATURES_PER_GENERATED} features each, up to ${maxFlip} bits flipped, seed ${seed}).`,
  `Uploads: ${uploads.length - strangers.length} copies (${families.map((f) => f.name).join(', ')}; seed ${seed}) and ${strangers.length} unrelated photos. Feature extraction per upload (upload and mirror view, ${rule.queryFeatures} features each; the same at every size): p50 ${quantile(extractMs, 0.5).toFixed(1)} ms, p95 ${quantile(extractMs, 0.95).toFixed(1)} ms CPU.`,
  '',
  `| index | known images | key bits | bucket bound | features | build (or read) s | index GiB | bytes per image | process RSS GiB | lookup + verify, unrelated p50 / p95 ms | copies p50 / p95 ms | copies found (local alone) | right image not verified | false matches (generated) | answers digest |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
);
for (const r of results) {
  const copies = [...r.found].filter(([f]) => f !== 'unrelated');
  const hit = copies.reduce((s, [, [h]]) => s + h, 0);
  const all = copies.reduce((s, [, [, n]]) => s + n, 0);
  out.push(
    `| ${r.label} | ${r.images.toLocaleString('en')} | ${r.keyBits} | ${r.cap === undefined ? `default (${r.bound})` : r.bound === Number.POSITIVE_INFINITY ? 'none' : r.bound} | ${r.features.toLocaleString('en')} | ${r.buildS.toFixed(1)} | ${gib(r.indexBytes)} | ${Math.round(r.indexBytes / r.images).toLocaleString('en')} | ${gib(r.rss)} | ${quantile(r.strangerMs, 0.5).toFixed(1)} / ${quantile(r.strangerMs, 0.95).toFixed(1)} | ${quantile(r.copyMs, 0.5).toFixed(1)} / ${quantile(r.copyMs, 0.95).toFixed(1)} | ${hit}/${all} (${((100 * hit) / all).toFixed(1)}%) | ${r.notShortlisted} | ${r.falseMatches} (${r.falseGenerated}) | ${r.digest.toString(16).padStart(8, '0')} |`,
  );
}
out.push('', 'Copies found per family (local features alone, `pdq-local` rule):', '');
out.push(
  `| family | ${results.map((r) => `${r.images.toLocaleString('en')}, bound ${r.bound === Number.POSITIVE_INFINITY ? 'none' : r.bound}`).join(' | ')} |`,
);
out.push(`| --- | ${results.map(() => '---:').join(' | ')} |`);
for (const family of families) {
  out.push(
    `| ${family.name} | ${results
      .map((r) => {
        const [h, n] = r.found.get(family.name) ?? [0, 0];
        return `${((100 * h) / n).toFixed(1)}`;
      })
      .join(' | ')} |`,
  );
}
for (const r of results) {
  // Once per size (the votes do not depend on the bound).
  if (!r.votes || results.find((x) => x.images === r.images) !== r) continue;
  out.push(
    '',
    `Votes an unrelated upload's view gives a known image (descriptors within ${FEATURE_MATCH_DEFAULTS.voteDistance} bits, buckets within the default bound; at ${r.images.toLocaleString('en')} known): a real unrelated picture ${r.votes.real.toFixed(4)} on average (most ${r.votes.realMax}), a generated one ${r.votes.generated.toFixed(4)} (most ${r.votes.generatedMax}); a picture is verified from ${r.votes.minVotes} votes.`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
