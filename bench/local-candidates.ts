/**
 * Every local-feature candidate of an evaluation run, with what its geometric verification saw,
 * so that a rule on the verified matches can be studied without extracting features again.
 *
 * Does what `imprint eval` does for the methods with local features (src/eval/local.ts: the
 * originals' features in one index, every edit-family copy matched as an upload, the same copies
 * for the same seed), but keeps, for every shortlisted original, the correspondences' statistics:
 * inliers, the map's scale and angle, how much of the overlap the inliers cover, the visible
 * known corners, the descriptor distances. Writes NDJSON (one line per copy and candidate) and
 * prints the false candidates at >= 20 inliers. bench/local-share.ts summarises a file per family.
 *
 *   npx tsx bench/local-candidates.ts <dir> [--seed 1] [--limit n] [--transform a,b]
 *     [--related regex] [--out file.ndjson]
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { evenSubset, listImages, loadOriginals } from '../src/eval/corpus.js';
import { EDIT_FAMILIES } from '../src/eval/families.js';
import { seedOf } from '../src/eval/random.js';
import { applyTransform } from '../src/eval/transforms.js';
import { correspond } from '../src/features/correspond.js';
import { PYRAMID_LEVELS } from '../src/features/extract.js';
import { FEATURE_MATCH_DEFAULTS, LocalFeatureIndex } from '../src/features/feature-index.js';
import {
  applySimilarity,
  VERIFY_DEFAULTS,
  verifySimilarity,
  visibleKnown,
  visibleQuery,
} from '../src/features/ransac.js';
import { getMethod } from '../src/matching/methods/index.js';
import { knownLocalFeatures, queryLocalViews } from '../src/matching/methods/local.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { decodeImage } from '../src/sharp/decode.js';
import { inlierSpread } from './local-spread.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    limit: { type: 'string' },
    transform: { type: 'string' },
    related: { type: 'string' },
    out: { type: 'string', default: '.scratch/candidates.ndjson' },
  },
});
const dir = positionals[0] ?? 'bench/corpus/images';
const seed = Number(values.seed);
const wanted = values.transform?.split(',');
const transforms = EDIT_FAMILIES.filter((t) => !wanted || wanted.includes(t.name));
const related = values.related ? new RegExp(values.related) : undefined;
const groupOf = (name: string) => {
  const m = related?.exec(name);
  return m ? (m[1] ?? m[0]) : undefined;
};

const method = getMethod('pdq-local');
const paths = evenSubset(await listImages(dir), values.limit ? Number(values.limit) : undefined);
const { originals: all } = await loadOriginals(dir, paths);
// As imprint eval: originals PDQ is not sure of are left out.
const originals = all.filter((o) => new ImageVariants(o.image).exact.quality >= 50);
const index = new LocalFeatureIndex<number>();
for (let j = 0; j < originals.length; j++) {
  index.add(knownLocalFeatures(method, new ImageVariants(originals[j]!.image).working)!, j);
}
index.build();
const out = createWriteStream(values.out!);
const started = performance.now();
let copies = 0;
for (let i = 0; i < originals.length; i++) {
  const o = originals[i]!;
  for (const t of transforms) {
    let image: Awaited<ReturnType<typeof decodeImage>>;
    try {
      const source = { bytes: o.image.bytes, width: o.image.width, height: o.image.height };
      image = await decodeImage((await applyTransform(t, source, seedOf(seed, o.name, t.name))).bytes);
    } catch {
      out.write(`${JSON.stringify({ t: t.name, i, failed: true })}\n`);
      continue;
    }
    copies++;
    const views = queryLocalViews(method, new ImageVariants(image).working);
    // As LocalFeatureIndex.match, keeping each candidate's verification.
    const best = new Map<number, Record<string, unknown> & { inliers: number }>();
    views.forEach((view, v) => {
      const shortlist = index
        .vote(view, FEATURE_MATCH_DEFAULTS.voteDistance, FEATURE_MATCH_DEFAULTS.minVotes)
        .slice(0, FEATURE_MATCH_DEFAULTS.shortlist);
      for (const { image: j, votes } of shortlist) {
        const known = index.featuresOf(j);
        const pairs = correspond(view, known, FEATURE_MATCH_DEFAULTS.correspond);
        const ver = verifySimilarity(pairs, view, known, VERIFY_DEFAULTS);
        const previous = best.get(j);
        if (previous && ver.inliers <= previous.inliers) continue;
        const m = ver.model;
        const spread = m ? inlierSpread(pairs, ver.inlier, view, known, m) : undefined;
        // Root mean square distance of the inliers from where the map puts them, known pixels.
        let sq = 0;
        for (let c = 0; c < pairs.count; c++) {
          if (!m || !ver.inlier[c]) continue;
          const q = pairs.query[c]!;
          const k = pairs.known[c]!;
          const [x, y] = applySimilarity(m, view.x[q]!, view.y[q]!);
          sq += (x - known.x[k]!) ** 2 + (y - known.y[k]!) ** 2;
        }
        best.set(j, {
          t: t.name,
          i,
          j,
          own: i === j,
          related:
            i !== j && groupOf(o.name) !== undefined && groupOf(o.name) === groupOf(originals[j]!.name),
          query: o.name,
          known: originals[j]!.name,
          view: v,
          votes,
          pairs: pairs.count,
          inliers: ver.inliers,
          visible: m ? visibleKnown(m, view, known, PYRAMID_LEVELS) : 0,
          // Upload corners the map puts inside the known picture (sharedCorners: the fewer of the two).
          visibleQ: m ? visibleQuery(m, view, known, PYRAMID_LEVELS) : 0,
          meanDistance: ver.meanDistance ?? 0,
          residual: ver.inliers > 0 ? Math.sqrt(sq / ver.inlier.reduce((a, b) => a + b, 0)) : 0,
          scale: m ? Math.hypot(m.a, m.b) : 0,
          angle: m ? (Math.atan2(m.b, m.a) * 180) / Math.PI : 0,
          ...(spread ?? {}),
        });
      }
    });
    for (const c of best.values()) out.write(`${JSON.stringify(c)}\n`);
    for (const c of best.values()) {
      if (!c.own && c.inliers >= 20) process.stdout.write(`false candidate: ${JSON.stringify(c)}\n`);
    }
  }
  if ((i + 1) % 20 === 0 || i + 1 === originals.length) {
    process.stderr.write(
      `${i + 1}/${originals.length} originals, ${copies} copies, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
}
out.end();
