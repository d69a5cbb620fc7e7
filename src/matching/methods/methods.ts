/**
 * The matching methods `imprint eval`, `imprint index build --method` and `imprint match --method`
 * offer. Every method keeps plain PDQ's distance 31 for the plain comparison; each derived
 * comparison gets its own, stricter, distance (see SLACK). The README has the measured figures.
 */
import { PDQ_STABLE_MARGIN } from '../../algorithms/pdq/pdq-stable.js';
import { ImprintError } from '../../core/errors.js';
import { LOCAL_RULE } from './local.js';
import type { MatchMethod, MatchRule } from './types.js';
import type { VariantFamily } from './variants.js';

type RuleFlag = 'same label' | 'stable bits' | 'witnessed';
type RuleSpec = readonly [VariantFamily, VariantFamily, number?, ...RuleFlag[]];

function rules(pairs: readonly RuleSpec[]): MatchRule[] {
  return pairs.map(([query, known, slack, ...flags]) => ({
    query,
    known,
    slack: slack ?? 0,
    ...(flags.includes('same label') ? { sameLabel: true } : {}),
    ...(flags.includes('stable bits') ? { stableBits: true } : {}),
    ...(flags.includes('witnessed') ? { witnessed: true } : {}),
  }));
}

/**
 * Uploads are used down to this PDQ quality by the new methods (the reference's 50 rejects a third
 * of low-contrast or gamma-changed copies of plain pictures; evaluated, it adds no false pairs).
 */
const QUERY_QUALITY = 20;
/** Distance of the plain comparison: the reference's. */
const THRESHOLD = 31;

/**
 * Each derived comparison meets more hashes that are not the picture (7 turned copies, 10-14
 * stored crops and 6 bands per known image), so it must be closer to count. Its distance is where
 * its own true pairs level off on the development corpus, no further: turned copies, filled
 * frames, enlarged small uploads, bands and flattened highlights 20 (rotations and mirrors are all within 20; 5-degree rotations 98%; a band meets
 * only the same band; brightened copies found by their flattened highlights level off by 20); stored
 * crops 14 (crops are stored down to quality 20, and flat crops of a repeated motif come within
 * 16 bits of a neighbouring tile; crop-10/crop-20/corner recall is 99.7/98.5/99.3% at 14 against
 * 99.8/99.0/99.8% at 20); trimmed frames 28 (a stray line of frame moves a smooth picture's hash
 * a lot); derotated copies 31, as plain PDQ (turned back by the angle their corners show, 2
 * hashes per upload, and only for uploads that show one: their true pairs still rise at 31, dev
 * seed 1 rotations 36.5/41.0/43.5% at 20/26/31, with no false pair near). Slack = that distance - 31. The closest false pairs each comparison makes, and the
 * margin these distances keep from them, are in the evaluation report.
 */
const SLACK = {
  dihedral: -11,
  trim: -3,
  fill: -11,
  derotate: 0,
  crops: -17,
  enlarged: -11,
  bands: -11,
  tones: -11,
} as const;

/**
 * The whole upload compared on the bits it is sure of (pdq-stable.ts), at plain PDQ's own
 * distance scaled to the bits compared: no slack.
 */
const STABLE_RULE: RuleSpec = ['plain', 'plain', 0, 'stable bits'];

/**
 * The upload compared on its stable bits, as STABLE_RULE, when it has too few of them to be
 * trusted alone (64-95), if the two pictures' pHashes also agree within pHash's own threshold. A
 * smooth picture's few stable PDQ bits are much like another smooth picture's, but pHash sees
 * what PDQ leaves out (the lowest frequencies). On `npm run bench:smooth` (319,200 pairs of
 * different smooth pictures) stable bits alone down to 64 made 68 false pairs, 13 of them
 * between unlike pictures; with the pHash 30 and 3 (pdq-stable: 19 and 1, plain PDQ 16 and 0).
 * Needs both hashes of every known image: index-side.
 */
const WITNESS_RULE: RuleSpec = ['witness', 'witness', 0, 'stable bits', 'witnessed'];

const PLUS_RULES: readonly RuleSpec[] = [
  ['plain', 'plain'],
  STABLE_RULE,
  ['dihedral', 'plain', SLACK.dihedral],
  ['trim', 'plain', SLACK.trim],
  ['fill', 'plain', SLACK.fill],
  ['derotate', 'plain', SLACK.derotate],
  ['enlarged', 'plain', SLACK.enlarged],
];

/** The default: every query-side and index-side family; `pdq-local` adds local features to it. */
const PDQ_MAX: MatchMethod = {
  name: 'pdq-max',
  side: 'index-side',
  summary:
    'pdq-plus + pdq-crops + pdq-bands + pdq-tones + pdq-witness, for lists built by imprint from the images',
  knownFamilies: ['plain', 'crops', 'bands', 'tones', 'witness'],
  queryFamilies: ['plain', 'dihedral', 'trim', 'fill', 'derotate', 'enlarged', 'bands', 'tones', 'witness'],
  rules: rules([
    ...PLUS_RULES,
    ['plain', 'crops', SLACK.crops],
    ['bands', 'bands', SLACK.bands, 'same label'],
    ['tones', 'tones', SLACK.tones, 'same label'],
    WITNESS_RULE,
  ]),
  threshold: THRESHOLD,
  minQuality: QUERY_QUALITY,
};

/**
 * Every method, plain PDQ first.
 *
 * @example
 * ```ts
 * for (const method of METHODS) console.log(method.name, method.summary);
 * ```
 */
export const METHODS: readonly MatchMethod[] = [
  {
    name: 'pdq',
    side: 'query-side',
    summary: 'plain PDQ at distance 31, uploads of quality >= 50: the reference recommendation',
    knownFamilies: ['plain'],
    queryFamilies: ['plain'],
    rules: rules([['plain', 'plain']]),
    threshold: 31,
  },
  {
    name: 'pdq-q20',
    side: 'query-side',
    summary: `plain PDQ at ${THRESHOLD}, uploads down to quality ${QUERY_QUALITY}`,
    knownFamilies: ['plain'],
    queryFamilies: ['plain'],
    rules: rules([['plain', 'plain']]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-dihedral',
    side: 'query-side',
    summary: 'pdq-q20 + the upload turned by 90/180/270 degrees and mirrored (7 more hashes)',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'dihedral'],
    rules: rules([
      ['plain', 'plain'],
      ['dihedral', 'plain', SLACK.dihedral],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-trim',
    side: 'query-side',
    summary: 'pdq-q20 + the picture found inside borders, bars or a screenshot, cut out and painted over',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'trim', 'fill'],
    rules: rules([
      ['plain', 'plain'],
      ['trim', 'plain', SLACK.trim],
      ['fill', 'plain', SLACK.fill],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-derotate',
    side: 'query-side',
    summary:
      'pdq-q20 + an upload whose filled corners show a picture turned by 0.5-12 degrees turned back by that angle (2 more hashes)',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'derotate'],
    rules: rules([
      ['plain', 'plain'],
      ['derotate', 'plain', SLACK.derotate],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-enlarge',
    side: 'query-side',
    summary: 'pdq-q20 + uploads smaller than 256 px also hashed enlarged 2 and 4 times (2 more hashes)',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'enlarged'],
    rules: rules([
      ['plain', 'plain'],
      ['enlarged', 'plain', SLACK.enlarged],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-stable',
    side: 'query-side',
    summary: `pdq-q20 + the upload compared on the bits it is sure of (DCT coefficient >= ${PDQ_STABLE_MARGIN} from the median), scaled to 256`,
    knownFamilies: ['plain'],
    queryFamilies: ['plain'],
    rules: rules([['plain', 'plain'], STABLE_RULE]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-crops',
    side: 'index-side',
    summary: 'pdq-q20 + 10-13 stored crops of every known image (80% and 90%, centred and at the corners)',
    knownFamilies: ['plain', 'crops'],
    queryFamilies: ['plain'],
    rules: rules([
      ['plain', 'plain'],
      ['plain', 'crops', SLACK.crops],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-bands',
    side: 'index-side',
    summary:
      'pdq-q20 + both pictures with their top or bottom 10/20/30% cut off, each band met by the same band (6 stored, 6 more per upload)',
    knownFamilies: ['plain', 'bands'],
    queryFamilies: ['plain', 'bands'],
    rules: rules([
      ['plain', 'plain'],
      ['bands', 'bands', SLACK.bands, 'same label'],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-tones',
    side: 'index-side',
    summary:
      'pdq-q20 + both pictures with their brightest quarter flattened, for brightened copies (1 stored, 1 more per upload)',
    knownFamilies: ['plain', 'tones'],
    queryFamilies: ['plain', 'tones'],
    rules: rules([
      ['plain', 'plain'],
      ['tones', 'tones', SLACK.tones, 'same label'],
    ]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-witness',
    side: 'index-side',
    summary:
      'pdq-stable + uploads with 64-95 stable bits compared on them when the pHashes of both pictures agree too (pHash stored)',
    knownFamilies: ['plain', 'witness'],
    queryFamilies: ['plain', 'witness'],
    rules: rules([['plain', 'plain'], STABLE_RULE, WITNESS_RULE]),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  {
    name: 'pdq-plus',
    side: 'query-side',
    summary:
      'pdq-dihedral + pdq-trim + pdq-derotate + pdq-enlarge + pdq-stable: the most that works with any plain PDQ list',
    knownFamilies: ['plain'],
    queryFamilies: ['plain', 'dihedral', 'trim', 'fill', 'derotate', 'enlarged'],
    rules: rules(PLUS_RULES),
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
  },
  PDQ_MAX,
  {
    ...PDQ_MAX,
    name: 'pdq-local',
    summary: `pdq-max + local features: ${LOCAL_RULE.knownFeatures} corners and their descriptors stored per known image, a match when ${LOCAL_RULE.minInliers} of the upload's (or its mirror image's) map onto them by one similarity, and at least ${LOCAL_RULE.minShare * 100}% of the corners both could show`,
    local: LOCAL_RULE,
  },
  {
    name: 'local',
    side: 'index-side',
    summary: `local features alone (no hash comparison): a match when ${LOCAL_RULE.minInliers} corners (and ${LOCAL_RULE.minShare * 100}% of those both could show) map onto a known image's by one similarity`,
    knownFamilies: ['plain'],
    queryFamilies: ['plain'],
    rules: [],
    threshold: THRESHOLD,
    minQuality: QUERY_QUALITY,
    local: LOCAL_RULE,
  },
];

/**
 * The method `imprint match` uses on PDQ lists when none is named: the one that recognises the most
 * altered copies while holding plain PDQ's false-positive budget on the development corpus
 * (bench/results/eval/report.md). Against a plain list it is exactly `pdq-plus` (its rule for
 * stored crops finds none); against an index built with `--method pdq-max` it also meets the crops.
 *
 * @example
 * ```ts
 * getMethod(DEFAULT_METHOD).name; // 'pdq-max'
 * ```
 */
export const DEFAULT_METHOD = 'pdq-max';

/**
 * Looks a method up by name; throws ERR_UNKNOWN_METHOD listing the known ones (as getAlgorithm
 * throws ERR_UNKNOWN_ALGORITHM).
 *
 * @example
 * ```ts
 * const method = getMethod('pdq-dihedral'); // method.side === 'query-side'
 * ```
 */
export function getMethod(name: string): MatchMethod {
  const found = METHODS.find((m) => m.name === name);
  if (!found) {
    throw new ImprintError(
      'ERR_UNKNOWN_METHOD',
      `Unknown method "${name}"; known: ${METHODS.map((m) => m.name).join(', ')}`,
    );
  }
  return found;
}
