/**
 * The evaluation of methods with local features (MatchMethod.local). Hash comparisons score every
 * copy against every original from packed hashes (score.ts); local features cannot be compared
 * that way, so each copy is matched as an upload would be: its features looked up in a feature
 * index of every original, the shortlisted originals verified geometrically. The copy's score
 * against an original that came up and was verified is the local score (matching/methods/local.ts);
 * against every other original there is no local evidence (no score).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ImprintError } from '../core/errors.js';
import { FEATURES_VERSION } from '../features/encode.js';
import * as extract from '../features/extract.js';
import {
  FEATURE_INDEX_DEFAULTS,
  FEATURE_MATCH_DEFAULTS,
  FEATURE_MIN_VOTES_KEYS_ONLY,
  LocalFeatureIndex,
} from '../features/feature-index.js';
import { SELECTED_TESTS } from '../features/pattern.js';
import { VERIFY_DEFAULTS } from '../features/ransac.js';
import { knownLocalFeatures, queryLocalViews, sharedCorners } from '../matching/methods/local.js';
import type { LocalFeatureRule, MatchMethod } from '../matching/methods/types.js';
import { ImageVariants } from '../matching/methods/variants.js';
import { decodeImage } from '../sharp/decode.js';
import type { Original } from './corpus.js';
import { EDIT_FAMILIES_VERSION } from './families.js';
import { seedOf } from './random.js';
import { applyTransform, type Transform } from './transforms.js';

/**
 * `matches[t][i]`: the originals the copy of original i by transform t was verified against, as
 * [original, inliers, shared corners (sharedCorners)] triples; null when the copy failed.
 */
export interface LocalStore {
  readonly matches: (readonly (readonly [number, number, number])[] | null)[][];
}

/** The extraction a rule needs (what must be equal for two methods to share one run). */
function extractionKey(rule: LocalFeatureRule): string {
  return `${rule.knownFeatures}/${rule.queryFeatures}/${rule.mirror ? 'mirror' : 'plain'}`;
}

/** The local-feature runs a set of methods needs, by extraction key. */
export function localRuns(methods: readonly MatchMethod[]): Map<string, LocalFeatureRule> {
  const runs = new Map<string, LocalFeatureRule>();
  for (const m of methods) if (m.local) runs.set(extractionKey(m.local), m.local);
  return runs;
}

/** The run a method's local scores come from. */
export function localRunOf(method: MatchMethod): string | undefined {
  return method.local ? extractionKey(method.local) : undefined;
}

/**
 * Matches every copy's local features against an index of every original's, for one extraction
 * rule (every shortlisted original is kept with its inlier count, whatever it is, so the report
 * can show the distribution). Reuses `cacheFile` when nothing it depends on changed.
 */
export async function localEverything(
  originals: readonly Original[],
  transforms: readonly Transform[],
  seed: number,
  rule: LocalFeatureRule,
  options: {
    cacheFile?: string;
    signal?: AbortSignal;
    progress: (phase: string, done: number, total: number) => void;
  },
): Promise<LocalStore> {
  const key = JSON.stringify({
    // 2: features from ImageVariants.working (at most DETECTION_SIDE px since the luma-plane views).
    // 3: the shared corners kept beside the inliers (LocalFeatureRule.minShare).
    // 4: 8 tables probed at their keys only, 2 votes (FEATURE_INDEX_DEFAULTS).
    version: 4,
    features: FEATURES_VERSION,
    // Everything that decides which features are found and what matches (not only the version).
    params: {
      extract: { ...extract },
      FEATURE_INDEX_DEFAULTS,
      FEATURE_MATCH_DEFAULTS,
      FEATURE_MIN_VOTES_KEYS_ONLY,
      VERIFY_DEFAULTS,
      SELECTED_TESTS,
    },
    rule: extractionKey(rule),
    originals: originals.map((o) => `${o.name}:${o.image.bytes.length}`),
    transforms: transforms.map((t) => `${t.name}: ${t.description}`),
    families: EDIT_FAMILIES_VERSION,
    seed,
  });
  const cached = options.cacheFile ? readLocalCache(options.cacheFile, key) : undefined;
  if (cached) return cached;
  const method = { local: rule } as MatchMethod;
  const index = new LocalFeatureIndex<number>();
  originals.forEach((o, j) => {
    // As the CLI does: from the methods' working copy (ImageVariants.working).
    index.add(knownLocalFeatures(method, new ImageVariants(o.image).working)!, j);
  });
  index.build();
  const matches: (readonly (readonly [number, number, number])[] | null)[][] = transforms.map(() => []);
  const copiesOf = (i: number) =>
    Promise.all(
      transforms.map(async (t) => {
        const o = originals[i]!;
        try {
          const source = { bytes: o.image.bytes, width: o.image.width, height: o.image.height };
          const altered = await applyTransform(t, source, seedOf(seed, o.name, t.name));
          return await decodeImage(altered.bytes);
        } catch {
          return null;
        }
      }),
    );
  let next = copiesOf(0);
  for (let i = 0; i < originals.length; i++) {
    if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Evaluation aborted');
    const copies = await next;
    if (i + 1 < originals.length) next = copiesOf(i + 1);
    copies.forEach((image, t) => {
      if (!image) {
        matches[t]![i] = null;
        return;
      }
      const found = index.match(queryLocalViews(method, new ImageVariants(image).working));
      matches[t]![i] = found.map((f) => [f.metadata, f.inliers, sharedCorners(f)] as const);
    });
    options.progress('local features', i + 1, originals.length);
  }
  const store = { matches };
  if (options.cacheFile) writeFileSync(options.cacheFile, JSON.stringify({ key, matches }));
  return store;
}

function readLocalCache(file: string, key: string): LocalStore | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { key: string; matches: LocalStore['matches'] };
    return data.key === key ? { matches: data.matches } : undefined;
  } catch {
    return undefined;
  }
}
