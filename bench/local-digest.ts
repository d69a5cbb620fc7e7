/**
 * A digest of everything `pdq-local`'s local side computes on a set of uploads: the features of
 * both views of every upload and of every known image, the vote lists, and the whole output of
 * LocalFeatureIndex.match. A change meant to make the local side faster without changing a
 * result must leave the digest as it was (run it before and after). Known images: the even-numbered
 * images of the directory (up to 138); uploads: the odd-numbered ones (up to 150) and 60 altered
 * copies of known ones (a 15% crop, a 6 degree turn, a mirrored q60 resize to 70%, in turn).
 * Not part of `npm test`.
 *
 *   npx tsx bench/local-digest.ts [dir]    # default bench/corpus-holdout/images
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { listImages, loadOriginals } from '../src/eval/corpus.js';
import type { LocalFeatures } from '../src/features/extract.js';
import { LocalFeatureIndex } from '../src/features/feature-index.js';
import { knownLocalFeatures, queryLocalViews } from '../src/matching/methods/local.js';
import { getMethod } from '../src/matching/methods/methods.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { decodeImage } from '../src/sharp/decode.js';

sharp.cache(false);
const dir = process.argv[2] ?? 'bench/corpus-holdout/images';
const paths = await listImages(dir);
const { originals } = await loadOriginals(dir, paths);
const known = originals.filter((_, i) => i % 2 === 0).slice(0, 138);
const strangers = originals.filter((_, i) => i % 2 === 1).slice(0, 150);
const local = getMethod('pdq-local');
const features = new LocalFeatureIndex<string>();
const h = createHash('sha256');
const feed = (f: LocalFeatures) => {
  h.update(`${f.width},${f.height},${f.count}`);
  for (const a of [f.x, f.y, f.level, f.angle, f.descriptors])
    h.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
};
for (const o of known) {
  const f = knownLocalFeatures(local, new ImageVariants(o.image).working)!;
  feed(f);
  features.add(f, o.name);
}
const uploads: Buffer[] = strangers.map((o) => Buffer.from(o.image.bytes));
for (let c = 0; c < 60; c++) {
  const o = known[c % known.length]!;
  const b = Buffer.from(o.image.bytes);
  uploads.push(
    c % 3 === 0
      ? await sharp(b)
          .extract({
            left: Math.round(o.image.width * 0.15),
            top: 0,
            width: Math.round(o.image.width * 0.85),
            height: o.image.height,
          })
          .jpeg()
          .toBuffer()
      : c % 3 === 1
        ? await sharp(b).rotate(6, { background: '#000' }).jpeg().toBuffer()
        : await sharp(b)
            .flop()
            .resize(Math.round(o.image.width * 0.7))
            .jpeg({ quality: 60 })
            .toBuffer(),
  );
}
let matched = 0,
  votesTotal = 0,
  verified = 0;
const lines: string[] = [];
for (const bytes of uploads) {
  const image = await decodeImage(bytes);
  const views = queryLocalViews(local, new ImageVariants(image).working);
  for (const v of views) feed(v);
  for (const v of views) {
    const vs = features.vote(v, 48, 4);
    votesTotal += vs.length;
    h.update(JSON.stringify(vs));
  }
  const m = features.match(views);
  verified += m.length;
  if (m.some((x) => x.inliers >= 20)) matched++;
  const s = JSON.stringify(m);
  h.update(s);
  lines.push(s);
}
console.log(
  `uploads ${uploads.length} matched(>=20) ${matched} verified ${verified} shortlisted-votes ${votesTotal} digest ${h.digest('hex')}`,
);
