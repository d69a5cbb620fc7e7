/**
 * Per-upload CPU cost of local features against plain PDQ, in one run on the same uploads and the
 * same known images: for each method, the CPU time from decoded pixels to the list of matches
 * (hashing, feature extraction, index lookup, verification; decoding excluded and shown apart),
 * p50 and p95 over the uploads, and the ratio to plain PDQ's; then the same with each upload's
 * decoding added (what an upload pipeline pays, what the cost bound of issue 17 measures). Also
 * the bytes the feature index holds per known image. Not part of `npm test`.
 *
 *   npm run bench:local -- [--dir bench/corpus-holdout/images] [--known 138] [--copies 60]
 *
 * Known images: every other image of --dir (up to --known). Uploads: the other images (unknown:
 * most uploads match nothing) and --copies altered copies of known ones (a 15% crop from one
 * side, a 6-degree rotation, a 60% screenshot-like frame, a JPEG q60 resize to 70%, in turn).
 * CPU time is process.cpuUsage() around each upload (this thread; the pixel work is synchronous).
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import { listImages, loadOriginals } from '../src/eval/corpus.js';
import { LocalFeatureIndex } from '../src/features/feature-index.js';
import { knownLocalFeatures, matchLocal, queryLocalViews } from '../src/matching/methods/local.js';
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

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/corpus-holdout/images' },
    known: { type: 'string', default: '138' },
    copies: { type: 'string', default: '60' },
  },
});
const paths = await listImages(values.dir);
if (paths.length < 4) throw new Error(`Too few images under ${values.dir}`);
const { originals } = await loadOriginals(values.dir, paths);
const known = originals.filter((_, i) => i % 2 === 0).slice(0, Number(values.known));
const strangers = originals.filter((_, i) => i % 2 === 1);

const edits: ((p: Buffer, w: number, h: number) => Promise<Buffer>)[] = [
  (p, w, h) =>
    sharp(p)
      .extract({ left: Math.round(w * 0.15), top: 0, width: Math.round(w * 0.85), height: h })
      .jpeg()
      .toBuffer(),
  (p) => sharp(p).rotate(6, { background: '#000' }).jpeg().toBuffer(),
  async (p, w) => {
    const shown = await sharp(p)
      .resize(Math.round(w * 0.6))
      .toBuffer();
    const m = await sharp(shown).metadata();
    return sharp({
      create: { width: m.width! + 60, height: m.height! + 240, channels: 3, background: '#fff' },
    })
      .composite([{ input: shown, left: 30, top: 120 }])
      .jpeg()
      .toBuffer();
  },
  (p, w) =>
    sharp(p)
      .resize(Math.round(w * 0.7))
      .jpeg({ quality: 60 })
      .toBuffer(),
];
const uploadBytes: Buffer[] = strangers.map((o) => Buffer.from(o.image.bytes));
for (let c = 0; c < Number(values.copies); c++) {
  const o = known[c % known.length]!;
  uploadBytes.push(await edits[c % edits.length]!(Buffer.from(o.image.bytes), o.image.width, o.image.height));
}

const max = getMethod('pdq-max');
const local = getMethod('pdq-local');
const pdqIndex = new MihIndex<string>({ algorithm: 'pdq', bits: 256 });
const maxIndex = new MihIndex<string | KnownVariantMetadata<string>>({ algorithm: 'pdq', bits: 256 });
const features = new LocalFeatureIndex<string>();
for (const o of known) {
  const variants = new ImageVariants(o.image);
  pdqIndex.add(variants.exact.hash, o.name);
  maxIndex.addAll(knownEntriesFor(max, variants, o.name));
  features.add(knownLocalFeatures(local, variants.working)!, o.name);
}
pdqIndex.build();
maxIndex.build();
features.build();

const cpu = (f: () => unknown): number => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const times: Record<string, number[]> = { decode: [], pdq: [], 'pdq-max': [], 'pdq-local': [] };
const found = { pdq: 0, max: 0, local: 0 };
for (const bytes of uploadBytes) {
  const t = process.cpuUsage();
  const image = await decodeImage(bytes);
  const d = process.cpuUsage(t);
  times.decode!.push((d.user + d.system) / 1000);
  times.pdq!.push(
    cpu(() => {
      if (pdqIndex.query(pdqHash(image).hash, { maxDistance: 31 }).length) found.pdq++;
    }),
  );
  times['pdq-max']!.push(
    cpu(() => {
      if (matchWithMethod(maxIndex, max, queryHashesFor(max, new ImageVariants(image))).length) found.max++;
    }),
  );
  times['pdq-local']!.push(
    cpu(() => {
      const variants = new ImageVariants(image);
      const byHash = matchWithMethod(maxIndex, local, queryHashesFor(local, variants));
      const byFeatures = matchLocal(features, local, queryLocalViews(local, variants.working));
      if (byHash.length || byFeatures.length) found.local++;
    }),
  );
}
const q = (list: number[], p: number) =>
  [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))]!;
// What an upload pipeline pays per upload (issue 17's bound): decoding plus the method.
const withDecode = (list: number[]) => list.map((ms, i) => ms + times.decode![i]!);
const p50 = q(times.pdq!, 0.5);
const p95 = q(times.pdq!, 0.95);
const whole = withDecode(times.pdq!);
console.log(
  `${known.length} known images (${values.dir}), ${uploadBytes.length} uploads (${strangers.length} unknown, ${uploadBytes.length - strangers.length} altered copies of known ones); CPU ms per upload, from decoded pixels and with decoding`,
);
console.log('');
console.log(
  '| method | p50 ms | p95 ms | p50 / pdq p50 | p95 / pdq p95 | with decoding: p50 ms | p95 ms | p50 / pdq | p95 / pdq | uploads matched |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, list, n] of [
  ['pdq', times.pdq!, found.pdq],
  ['pdq-max', times['pdq-max']!, found.max],
  ['pdq-local', times['pdq-local']!, found.local],
] as const) {
  const w = withDecode(list);
  console.log(
    `| \`${name}\` | ${q(list, 0.5).toFixed(1)} | ${q(list, 0.95).toFixed(1)} | ${(q(list, 0.5) / p50).toFixed(1)}x | ${(q(list, 0.95) / p95).toFixed(1)}x | ${q(w, 0.5).toFixed(1)} | ${q(w, 0.95).toFixed(1)} | ${(q(w, 0.5) / q(whole, 0.5)).toFixed(2)}x | ${(q(w, 0.95) / q(whole, 0.95)).toFixed(2)}x | ${n} |`,
  );
}
console.log(
  `| (decoding, apart) | ${q(times.decode!, 0.5).toFixed(1)} | ${q(times.decode!, 0.95).toFixed(1)} | | | | | | | |`,
);
console.log('');
const perImage = features.memoryBytes() / features.size;
console.log(
  `Feature index: ${features.descriptorCount} features for ${features.size} images (${(features.descriptorCount / features.size).toFixed(0)} per image), ${features.bytesPerDescriptor} bytes per feature plus the table directories: ${Math.round(perImage)} bytes per known image in memory; a million images at 256 features each: ${((256 * (features.bytesPerDescriptor + 2 * features.tables) * 1e6) / 2 ** 30).toFixed(1)} GiB at most.`,
);
