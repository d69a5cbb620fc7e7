import { DIHEDRAL_NAMES, PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, hashToHex } from '../core/hash.js';
import type { ProgressCallback } from '../core/progress.js';
import type { LocalFeatureIndex } from '../features/feature-index.js';
import { matchHash } from '../matching/match.js';
import { trustedStoredFamilies } from '../matching/methods/fingerprint.js';
import { type KnownFeatureOwner, matchLocal, mergeLocalMatches } from '../matching/methods/local.js';
import {
  type KnownVariantMetadata,
  matchWithMethod,
  methodForStored,
  wholePictureMatches,
} from '../matching/methods/match.js';
import { DEFAULT_METHOD, getMethod } from '../matching/methods/methods.js';
import type { MatchMethod } from '../matching/methods/types.js';
import type { VariantFamily } from '../matching/methods/variants.js';
import type { HashIndex } from '../matching/types.js';
import { type MapResult, mapFiles } from './batch.js';
import type { DecodeOptions, ImageInput } from './decode.js';
import { plainDecodeOptions } from './jobs.js';
import { execute, type PooledOptions } from './worker-pool.js';

/** Options for {@link matchImage}: the same choices as `imprint match`, with the same defaults. */
export interface MatchImageOptions extends DecodeOptions, PooledOptions {
  /**
   * PDQ indexes only: the matching method (a name from `imprint match --help`, or a
   * {@link MatchMethod}). Default {@link DEFAULT_METHOD} (`pdq-max`), reduced to the derived hashes
   * the index stores; `'pdq'` is plain PDQ, the reference's matching.
   */
  method?: string | MatchMethod;
  /** Plain PDQ, also matching the 8 rotations and mirror images (not with another method). */
  dihedral?: boolean;
  /** Largest distance (a method's threshold) that matches. Default: the method's or the index's. */
  maxDistance?: number;
  /**
   * Uploads whose PDQ quality is below this are not matched. Default 50 for plain PDQ, the method's
   * gate otherwise (20 for `pdq-max`); 0 matches everything.
   */
  minQuality?: number;
  /**
   * The known images' local features, for a method that has them (`pdq-local`, `local`): what
   * `imprint index build --images --method pdq-local` writes beside the index (loadFeatureIndex).
   * Required by such a method.
   */
  features?: LocalFeatureIndex<KnownFeatureOwner<unknown>>;
}

/** One known item an upload matched. */
export interface ImageMatch<M> {
  /** The stored hash that was met (the known image's plain hash, or a derived hash it stored). */
  readonly hash: Hash;
  readonly distance: number;
  /**
   * The metadata of what matched, always a list: every item stored with that hash for plain
   * matching (identical hashes are stored once), the known image for a method (one item).
   */
  readonly metadata: readonly M[];
  /** Plain PDQ with `dihedral`: the rotation or flip of the upload that matched (`rot90`, ...). */
  readonly orientation?: string;
  /** With a method: distance minus the slack of the rule that gave it (what the threshold bounds). */
  readonly score?: number;
  /** With a method: bits that comparison counted (256, or the upload's stable bits). */
  readonly comparedBits?: number;
  /** With a method: which upload hash met which stored hash (e.g. `rot90` and `plain`). */
  readonly query?: string;
  readonly known?: string;
}

/** What {@link matchImage} (and `imprint match`) answers for one upload. */
export interface ImageMatchResult<M> {
  /** The index's algorithm. */
  readonly algorithm: string;
  /** The method's name (`pdq` for plain PDQ); null for other algorithms. */
  readonly method: string | null;
  /** The upload's hash (its exact PDQ hash with a method). */
  readonly hash: Hash;
  /** The upload's PDQ quality; null for algorithms without one. */
  readonly quality: number | null;
  /**
   * `low-quality` when the upload was not matched because its quality is below `minQuality` (with a
   * method: and no derived hash of it matched either); null when it was matched.
   */
  readonly skipped: 'low-quality' | null;
  /** Best first (nearest, or lowest score with a method); empty when nothing matched. */
  readonly matches: readonly ImageMatch<M>[];
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

/** How uploads are matched against one index, settled once from the options. */
export interface MatchPlan {
  readonly algorithm: string;
  /** The method before reducing it to what the index stores; undefined for plain matching. */
  readonly method: MatchMethod | undefined;
  /** The name results carry (`pdq` for plain PDQ, null for other algorithms). */
  readonly methodName: string | null;
  readonly dihedral: boolean;
  readonly minQuality: number;
  readonly maxDistance: number | undefined;
}

/**
 * Checks the options against the index and settles the plan {@link matchImage} follows: an empty
 * index is ERR_LIST_EMPTY (it would answer "no" to everything), a bad combination of options
 * ERR_INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const plan = planMatch(index, { method: 'pdq-max' });
 * console.log(plan.methodName, plan.minQuality); // pdq-max 20
 * ```
 */
export function planMatch(index: HashIndex<unknown>, options: MatchImageOptions = {}): MatchPlan {
  if (index.size === 0) {
    throw new ImprintError(
      'ERR_LIST_EMPTY',
      'The index holds no hash: matching against it would answer "no" to every upload',
    );
  }
  const pdq = index.algorithm === 'pdq';
  const dihedral = options.dihedral ?? false;
  if (dihedral && !pdq)
    throw invalidArgument('pdq for dihedral matching', 'index.algorithm', index.algorithm);
  if (options.method !== undefined && !pdq)
    throw invalidArgument('a pdq index for a matching method', 'index.algorithm', index.algorithm);
  const named = typeof options.method === 'object' ? options.method : undefined;
  const name = named?.name ?? options.method ?? (pdq && !dihedral ? DEFAULT_METHOD : undefined);
  const method = name === undefined || name === 'pdq' ? undefined : (named ?? getMethod(name as string));
  if (method && dihedral) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `A method (${method.name}) and dihedral do not combine: use the method pdq-dihedral`,
    );
  }
  if (method?.local && !options.features) {
    throw invalidArgument(
      `the known images' local features for the method ${method.name} (index build --images --method ${method.name} writes them)`,
      'features',
      options.features,
    );
  }
  const minQuality = options.minQuality ?? method?.minQuality ?? PDQ_MIN_QUALITY;
  if (typeof minQuality !== 'number' || !(minQuality >= 0))
    throw invalidArgument('a number >= 0', 'minQuality', minQuality);
  const { maxDistance } = options;
  if (maxDistance !== undefined && !(Number.isInteger(maxDistance) && maxDistance >= 0))
    throw invalidArgument('an integer >= 0', 'maxDistance', maxDistance);
  return {
    algorithm: index.algorithm,
    method,
    methodName: method ? method.name : pdq ? 'pdq' : null,
    dihedral,
    minQuality,
    maxDistance,
  };
}

/**
 * Matches one upload against an index exactly as `imprint match` does (the CLI calls this): the
 * same default method (`pdq-max` on PDQ indexes, reduced to the derived hashes the index stores,
 * so a plain list costs only the query-side variants), the same quality gate, the same result.
 * Decoding and hashing run in the shared worker pool (see {@link configureWorkers}); the index
 * lookups run here. An empty index is ERR_LIST_EMPTY, never "no match".
 *
 * @example
 * ```ts
 * import { loadIndex, matchImage } from 'imprint/sharp';
 * const known = await loadIndex('known.idx'); // once, at start
 * const { matches, skipped } = await matchImage(uploadBytes, known);
 * if (matches.length > 0) holdForReview(matches[0].metadata); // always a list
 * else if (skipped) log('too flat to match (PDQ quality below the gate)');
 * ```
 */
export async function matchImage<M>(
  input: ImageInput,
  index: HashIndex<M | KnownVariantMetadata<M>>,
  options: MatchImageOptions = {},
): Promise<ImageMatchResult<M>> {
  return createMatcher(index, options).match(input);
}

/** Matches uploads one by one with options checked once ({@link createMatcher}). */
export interface ImageMatcher<M> {
  readonly plan: MatchPlan;
  /** {@link matchImage} for one upload; `signal` aborts it (ERR_ABORTED). */
  match(input: ImageInput, options?: { signal?: AbortSignal }): Promise<ImageMatchResult<M>>;
}

/**
 * {@link matchImage} with the options checked once, for many uploads against one index (the
 * index may still change: what it stores is re-read when its size does).
 *
 * @example
 * ```ts
 * const matcher = createMatcher(known, { maxDistance: 31 });
 * for (const upload of uploads) console.log((await matcher.match(upload)).matches.length);
 * ```
 */
export function createMatcher<M>(
  index: HashIndex<M | KnownVariantMetadata<M>>,
  options: MatchImageOptions = {},
): ImageMatcher<M> {
  const plan = planMatch(index, options);
  const decode = plainDecodeOptions(options);
  return {
    plan,
    async match(input, callOptions = {}) {
      const signal = callOptions.signal ?? options.signal;
      if (index.size === 0) planMatch(index, options); // emptied since: refused, never "no match"
      // Where the work runs and what limits reading the input (workers, maxBytes, the signal).
      const where = signal ? { ...options, signal } : options;
      if (plan.method) {
        const method = methodForStored(plan.method, familiesOf(index));
        const upload = await execute(input, (i) => ({ kind: 'query', input: i, decode, method }), where);
        const byHashes = matchWithMethod(index, method, upload.queries, {
          ...(plan.maxDistance === undefined ? {} : { threshold: plan.maxDistance }),
          minQuality: plan.minQuality,
        });
        const { features } = options;
        const found =
          method.local && features
            ? mergeLocalMatches(
                byHashes,
                matchLocal(features as LocalFeatureIndex<KnownFeatureOwner<M>>, method, upload.local ?? []),
                method,
                upload.hash,
              )
            : byHashes;
        return {
          algorithm: plan.algorithm,
          method: plan.methodName,
          hash: upload.hash,
          quality: upload.quality,
          // Derived hashes are judged by their own quality, so a flat upload can still match
          // through the picture inside its frame: "skipped" only when nothing of it was usable.
          skipped: upload.quality < plan.minQuality && found.length === 0 ? 'low-quality' : null,
          matches: found.map((m) => ({
            hash: m.hash,
            distance: m.distance,
            metadata: [m.metadata],
            score: m.score,
            comparedBits: m.comparedBits,
            query: m.query,
            known: m.known,
          })),
          width: upload.width,
          height: upload.height,
          format: upload.format,
        };
      }
      const request = { algorithms: [plan.algorithm], dihedral: plan.dihedral };
      const upload = await execute(input, (i) => ({ kind: 'hash', input: i, decode, request }), where);
      const hash = upload.hashes[plan.algorithm]!;
      const plain = matchHash(index, hash, {
        minQuality: plan.minQuality,
        ...(plan.maxDistance === undefined ? {} : { maxDistance: plan.maxDistance }),
        ...(upload.dihedral ? { variants: upload.dihedral } : {}),
      });
      // An index built with a method also holds derived hashes: plain matching compares whole pictures.
      const found = wholePictureMatches<M>(plain.matches);
      return {
        algorithm: plan.algorithm,
        method: plan.methodName,
        hash,
        quality: hash.quality ?? null,
        skipped: plain.skipped,
        matches: found.map((m) => ({
          hash: m.hash,
          distance: m.distance,
          metadata: m.metadata,
          ...(m.variant === undefined ? {} : { orientation: DIHEDRAL_NAMES[m.variant]! }),
        })),
        width: upload.width,
        height: upload.height,
        format: upload.format,
      };
    },
  };
}

/** Options for {@link matchFiles}. */
export interface MatchFilesOptions extends MatchImageOptions {
  /** Files worked on at once. Default: the number of CPU cores + 1. */
  concurrency?: number;
  /** Called after every file, success or failure (phase `matching`; see `hashFiles`). */
  onProgress?: ProgressCallback;
}

/**
 * {@link matchImage} over many files, as `imprint match` runs it: results in input order, a bad
 * file yields its error and the batch goes on, at most `concurrency` files in flight.
 *
 * @example
 * ```ts
 * for await (const r of matchFiles(paths, known)) {
 *   if (!r.ok) console.error(r.path, r.error.code);
 *   else if (r.value.matches.length > 0) flag(r.path, r.value.matches);
 * }
 * ```
 */
export function matchFiles<M>(
  paths: Iterable<string> | AsyncIterable<string>,
  index: HashIndex<M | KnownVariantMetadata<M>>,
  options: MatchFilesOptions = {},
): AsyncGenerator<MapResult<ImageMatchResult<M>>, void, undefined> {
  const matcher = createMatcher(index, options);
  return mapFiles(paths, (path) => matcher.match(path), { ...options, phase: 'matching' });
}

/**
 * A match result as one JSON object, exactly as `imprint match --json` prints it: hashes in hex,
 * `path` first when given.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(matchRecord(await matchImage('upload.jpg', known), 'upload.jpg')));
 * ```
 */
export function matchRecord(result: ImageMatchResult<unknown>, path?: string): Record<string, unknown> {
  return {
    ...(path === undefined ? {} : { path }),
    algorithm: result.algorithm,
    method: result.method,
    hash: hashToHex(result.hash),
    quality: result.quality,
    skipped: result.skipped,
    matches: result.matches.map((m) => ({ ...m, hash: hashToHex(m.hash) })),
  };
}

const familyCache = new WeakMap<object, { size: number; families: Set<VariantFamily> }>();

/** The derived families an index stores, read once per index (again when its size changes). */
function familiesOf(index: HashIndex<unknown>): Set<VariantFamily> {
  const cached = familyCache.get(index);
  if (cached && cached.size === index.size) return cached.families;
  // An index file that records no derivation version (format 1) is matched on its plain hashes.
  const families = trustedStoredFamilies(index);
  familyCache.set(index, { size: index.size, families });
  return families;
}
