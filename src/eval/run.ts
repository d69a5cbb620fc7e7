/**
 * `imprint eval`'s engine: alter every original with every transform, hash the copies the way each
 * method would, score every copy against every original, and measure what each method costs.
 */

import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import { PDQ_STABLE_MARGIN, type StableBits } from '../algorithms/pdq/pdq-stable.js';
import { getAlgorithm } from '../algorithms/registry.js';
import { throwIfAborted as abortCheck, ImprintError } from '../core/errors.js';
import { type Hash, hammingDistance, hashFromHex, hashToHex } from '../core/hash.js';
import type { PixelImage } from '../core/pixels.js';
import type { ProgressCallback } from '../core/progress.js';
import { LocalFeatureIndex } from '../features/feature-index.js';
import { type FingerprintRecord, readFingerprintRecords } from '../lists/fingerprint-records.js';
import { ROTATION_RANGE } from '../matching/methods/canvas-rotation.js';
import { FINGERPRINT_READING, fingerprintEntries } from '../matching/methods/fingerprint.js';
import * as frame from '../matching/methods/frame.js';
import {
  knownLocalFeatures,
  localScore,
  localShareHolds,
  queryLocalViews,
} from '../matching/methods/local.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  knownGate,
  knownHashesFor,
  matchWithMethod,
  minStableBitsOf,
  queryHashesFor,
  scoreAgainst,
  usableHash,
  WITNESS_MAX_DISTANCE,
  WITNESSED_MIN_STABLE_BITS,
} from '../matching/methods/match.js';
import { getMethod } from '../matching/methods/methods.js';
import type { MatchMethod } from '../matching/methods/types.js';
import {
  BAND_CUTS,
  CROP_ANCHORS,
  CROP_SCALES,
  DEROTATE_SIDE,
  DETECTION_SIDE,
  ENLARGE_BELOW,
  ENLARGE_FACTORS,
  ImageVariants,
  MAX_PLANE_PIXELS,
  VARIANTS_VERSION,
  type VariantHash,
} from '../matching/methods/variants.js';
import { MihIndex } from '../matching/mih-index.js';
import { decodeImage } from '../sharp/decode.js';
import { evenSubset, listImages, loadOriginals, type Original } from './corpus.js';
import { EDIT_FAMILIES_VERSION } from './families.js';
import { type LocalStore, localEverything, localRunOf, localRuns } from './local.js';
import { addScore, emptyHistogram, NO_SCORE } from './metrics.js';
import { seedOf } from './random.js';
import {
  comparedPairs,
  familyKeys,
  type KnownFamily,
  methodScores,
  minDistanceByOriginal,
  minStableScoreByOriginal,
  packHashes,
  packKnownFamily,
  packWitnesses,
  parseKey,
} from './score.js';
import { applyTransform, type Transform } from './transforms.js';

/** What to evaluate. */
export interface EvalOptions {
  /** Directory of originals (searched recursively). */
  readonly dir: string;
  /** How the report names the directory (default `dir`): the path as the user gave it, not this machine's. */
  readonly dirLabel?: string;
  readonly methods: readonly MatchMethod[];
  readonly transforms: readonly Transform[];
  /** Use at most this many originals, spread evenly over the sorted list. */
  readonly limit?: number;
  /** Seed of every random choice in the transforms. */
  readonly seed: number;
  /** Originals whose costs are measured (default 40). */
  readonly costSample?: number;
  /**
   * Names two originals related (the same motif or the same picture recoloured, e.g. tiles of one
   * wallpaper) when it returns the same key for both. Their false pairs still count; they are also
   * reported apart, so the risk on unrelated pictures can be read separately.
   */
  readonly relatedKey?: (name: string) => string | undefined;
  /** A file to keep the hashes in, so a re-run with other thresholds or rules skips the hashing. */
  readonly cacheFile?: string;
  /**
   * Fingerprint records of the originals (`imprint hash --method pdq-max`): the known side's PDQ
   * hashes (plain and derived) are taken from them instead of from the images, as a platform
   * that only receives the records would have them. Each original needs the record whose `path`
   * names it. Copies are still made from the images.
   */
  readonly knownRecords?: string;
  readonly signal?: AbortSignal;
  /** Progress by phase (`hashing`, `scoring`, `costs`), `done` of `total` steps. */
  readonly onProgress?: ProgressCallback;
}

/** A false pair: the copy of original `query` by `transform` scored `score` against original `known`. */
export interface FalsePair {
  readonly transform: string;
  readonly query: string;
  readonly known: string;
  readonly score: number;
  /** The two originals are related (see {@link EvalOptions.relatedKey}). */
  readonly related: boolean;
}

/** How many of each method's closest false pairs the result keeps, for inspection. */
export const CLOSEST_FALSE_PAIRS = 12;

/** One method's results on one transform. */
export interface MethodTransformScores {
  /** Each copy's score against its own original (NO_SCORE when it had no usable hash). */
  readonly own: Float64Array;
  /** Histogram of the copies' scores against every other original. */
  readonly others: Float64Array;
  /** The same for originals not related to the copy's own (all of them without `relatedKey`). */
  readonly othersUnrelated: Float64Array;
}

/** What a method costs. */
export interface MethodCost {
  /** Hashes stored per known image (mean over the sample). */
  readonly knownHashes: number;
  /** Hashes computed per upload (mean). */
  readonly queryHashes: number;
  /** Milliseconds to compute a known image's hashes from decoded pixels (mean). */
  readonly knownMs: number;
  /** Milliseconds to compute an upload's hashes from decoded pixels (mean). */
  readonly queryMs: number;
  /** Milliseconds to look an upload's hashes up in a multi-index of the whole corpus (mean). */
  readonly lookupMs: number;
  /** Sample queries where the index lookup disagreed with the plain pairwise definition (must be 0). */
  readonly lookupMismatches: number;
  /**
   * Methods with local features: features stored per known image (mean) and the bytes they take
   * in a feature index. Their extraction is in knownMs / queryMs, their lookup and verification in
   * lookupMs.
   */
  readonly local?: { readonly featuresPerImage: number; readonly bytesPerImage: number };
}

/** Everything a report needs. */
export interface EvalResult {
  readonly dir: string;
  readonly seed: number;
  readonly originals: readonly string[];
  /** Originals left out: undecodable, or PDQ quality below 50 (they cannot be listed). */
  readonly excluded: readonly { name: string; reason: string }[];
  readonly transforms: readonly Transform[];
  readonly methods: readonly MatchMethod[];
  /** `scores[m][t]` for method index m and transform index t. */
  readonly scores: readonly (readonly MethodTransformScores[])[];
  /** Each method's closest false pairs, closest first; and the closest between unrelated originals. */
  readonly closestFalsePairs: readonly (readonly FalsePair[])[];
  readonly closestUnrelatedPairs: readonly (readonly FalsePair[])[];
  /** Whether originals were grouped into related ones. */
  readonly grouped: boolean;
  /** Each original's group of related ones (by {@link EvalOptions.relatedKey}), in `originals` order. */
  readonly groups: readonly (string | undefined)[];
  /** Copies that could not be made or decoded, per transform. */
  readonly failures: readonly number[];
  /**
   * `buckets[t][i]`: the parameter buckets of the copy of original i by transform t (edit families
   * draw their parameters per copy; `a · b` when the copy falls in several), null when it failed.
   */
  readonly buckets: readonly (readonly (string | null)[])[];
  /** Pairs tried per transform: copies x other originals. */
  readonly pairsPerTransform: number;
  readonly costs: readonly MethodCost[];
  readonly seconds: number;
  readonly fromCache: boolean;
}

/**
 * A hash as the evaluation keeps it: with its stable bits (PDQ only), for rules on stable bits,
 * and a `witness` hash's pHash.
 */
type EvalHash = Hash & { readonly stable?: StableBits; readonly witness?: Hash };
/** Hashes of one image by key (`pdq:plain`, `pdq:trim`, `phash:plain`, see {@link hashKey}). */
type Families = Record<string, EvalHash[]>;

/** The hashes of the run: known families per original, query families per (transform, original). */
interface HashStore {
  known: Families[];
  queries: (Families | null)[][]; // [t][i]; null = the copy failed
  buckets: (string | null)[][]; // [t][i]
}

function keysOf(methods: readonly MatchMethod[], side: 'knownFamilies' | 'queryFamilies'): string[] {
  return [...new Set(methods.flatMap((m) => m[side].flatMap((f) => familyKeys(m, f))))].sort();
}

/**
 * Least quality of a derived PDQ hash kept for an original: the lowest gate of the methods that
 * store derived hashes (every one of them uses the same 20 today; see knownGate).
 */
function knownDerivedGate(methods: readonly MatchMethod[]): number {
  return Math.min(
    PDQ_MIN_QUALITY,
    ...methods.filter((m) => m.knownFamilies.some((f) => f !== 'plain')).map(knownGate),
  );
}

function bitsOf(key: string): number {
  const algorithm = key.slice(0, key.indexOf(':'));
  return algorithm === 'pdq' ? 256 : getAlgorithm(algorithm).bits;
}

/**
 * The hashes of one image for every key (a labelled key holds that label's hash only). For an
 * original (`knownGate` set), derived PDQ hashes below the gate are left out, as knownHashesFor
 * does (its plain hash is kept: originals below 50 are excluded up front); uploads keep every hash
 * and are gated per method when scored. A hash an algorithm refuses (a uniform image) is absent.
 */
function hashesFor(
  image: PixelImage,
  variants: ImageVariants,
  keys: readonly string[],
  knownGate: number | undefined,
): Families {
  const out: Families = {};
  for (const key of keys) {
    const { algorithm, family, label } = parseKey(key);
    if (algorithm === 'pdq') {
      out[key] = variants
        .get(family)
        .filter(
          (v) =>
            (label === undefined || v.label === label) &&
            (knownGate === undefined || v.family === 'plain' || (v.hash.quality ?? 100) >= knownGate),
        )
        .map((v) => ({ ...v.hash, stable: v.stable, ...(v.witness ? { witness: v.witness } : {}) }));
      continue;
    }
    try {
      out[key] = [getAlgorithm(algorithm).hashPixels!(image)];
    } catch {
      out[key] = [];
    }
  }
  return out;
}

/**
 * Runs the evaluation. Throws ERR_INVALID_ARGUMENT when the directory has fewer than 2 usable
 * originals (false positives need other originals), ERR_ABORTED on the signal.
 */
export async function runEvaluation(options: EvalOptions): Promise<EvalResult> {
  const started = performance.now();
  const { methods, transforms, seed, signal } = options;
  const report = options.onProgress;
  const progress = (phase: string, done: number, total: number) => report?.({ phase, done, total });
  const paths = evenSubset(await listImages(options.dir), options.limit);
  const loaded = await loadOriginals(options.dir, paths);
  const excluded: { name: string; reason: string }[] = loaded.failed.map((f) => ({
    name: f.name,
    reason: f.error.code,
  }));
  const originals: Original[] = [];
  for (const o of loaded.originals) {
    const variants = new ImageVariants(o.image);
    if (variants.exact.quality < PDQ_MIN_QUALITY) {
      excluded.push({ name: o.name, reason: `PDQ quality ${variants.exact.quality} < ${PDQ_MIN_QUALITY}` });
    } else originals.push(o);
  }
  if (originals.length < 2) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Need at least 2 usable originals in ${options.dir}, found ${originals.length}`,
    );
  }
  for (const m of methods) {
    const algorithm = m.algorithm ?? 'pdq';
    if (algorithm !== 'pdq' && !getAlgorithm(algorithm).hashPixels) {
      throw new ImprintError(
        'ERR_INVALID_ARGUMENT',
        `${algorithm} does not hash pixels; it cannot be evaluated`,
      );
    }
  }
  const knownKeys = keysOf(methods, 'knownFamilies');
  const queryKeys = keysOf(methods, 'queryFamilies');
  const derivedGate = knownDerivedGate(methods);
  // Read (and checked) before the long hashing, so a bad records file fails at once.
  const records = options.knownRecords
    ? await recordsOfOriginals(options.knownRecords, options.dir, originals)
    : undefined;
  for (const r of records ?? []) withRecordHashes({}, r, knownKeys);
  const key = cacheKey(originals, transforms, seed, knownKeys, queryKeys, derivedGate);
  let store = options.cacheFile ? readCache(options.cacheFile, key) : undefined;
  const fromCache = store !== undefined;
  if (!store) {
    store = await hashEverything(
      originals,
      transforms,
      seed,
      knownKeys,
      queryKeys,
      derivedGate,
      signal,
      progress,
    );
    if (options.cacheFile) writeCache(options.cacheFile, key, store);
  }
  if (records)
    store = { ...store, known: store.known.map((f, i) => withRecordHashes(f, records[i]!, knownKeys)) };

  // Methods with local features: every copy matched against a feature index of the originals.
  const localStores = new Map<string, LocalStore>();
  for (const [run, rule] of localRuns(methods)) {
    localStores.set(
      run,
      await localEverything(originals, transforms, seed, rule, {
        ...(options.cacheFile ? { cacheFile: `${options.cacheFile}.local-${run.replace(/\W+/g, '-')}` } : {}),
        ...(signal ? { signal } : {}),
        progress,
      }),
    );
  }

  progress('scoring', 0, transforms.length);
  const n = originals.length;
  const known = new Map<string, KnownFamily>();
  for (const k of knownKeys)
    known.set(
      k,
      packKnownFamily(
        // As knownHashesFor stores them: derived hashes need their stable bits (gated here, not
        // when hashing, so the hash cache does not depend on the floor).
        store.known.map((h) =>
          (h[k] ?? []).filter((x) => stableCount(x) >= minStableBitsOf(parseKey(k).family)),
        ),
        bitsOf(k),
      ),
    );
  const pairs = comparedPairs(methods);
  const scores = methods.map(() =>
    transforms.map(() => ({
      own: new Float64Array(n).fill(NO_SCORE),
      others: emptyHistogram(),
      othersUnrelated: emptyHistogram(),
    })),
  );
  const failures = transforms.map(() => 0);
  type Near = { t: number; i: number; j: number; score: number };
  const closest: Near[][] = methods.map(() => []);
  const closestUnrelated: Near[][] = methods.map(() => []);
  const keep = (list: Near[], entry: Near): void => {
    if (list.length >= CLOSEST_FALSE_PAIRS && entry.score >= list[list.length - 1]!.score) return;
    list.push(entry);
    list.sort((a, b) => a.score - b.score);
    if (list.length > CLOSEST_FALSE_PAIRS) list.pop();
  };
  const groups = originals.map((o) => options.relatedKey?.(o.name));
  const related = (i: number, j: number): boolean => groups[i] !== undefined && groups[i] === groups[j];
  const pairDistances = new Map<string, Float64Array>(pairs.map((p) => [p.id, new Float64Array(n)]));
  const row = new Float64Array(n);
  for (let t = 0; t < transforms.length; t++) {
    for (let i = 0; i < n; i++) {
      const query = store.queries[t]![i];
      if (!query) {
        failures[t]!++;
        continue;
      }
      for (const p of pairs) {
        const floor = minStableBitsOf(parseKey(p.query).family);
        const hashes = (query[p.query] ?? []).filter(
          (h) => (h.quality ?? 100) >= p.gate && stableCount(h) >= floor,
        );
        const packed = packHashes(hashes, bitsOf(p.query));
        const out = pairDistances.get(p.id)!;
        const witness = p.witnessed
          ? {
              ...packWitnesses(hashes),
              maxDistance: WITNESS_MAX_DISTANCE,
              minStableBits: WITNESSED_MIN_STABLE_BITS,
            }
          : undefined;
        if (p.stable) minStableScoreByOriginal(packed, stableOf(hashes), known.get(p.known)!, out, witness);
        else minDistanceByOriginal(packed, known.get(p.known)!, out);
      }
      methods.forEach((method, m) => {
        methodScores(method, pairDistances, row);
        const run = localRunOf(method);
        // Local evidence for the originals the copy's features were verified against.
        for (const [j, inliers, shared] of (run && localStores.get(run)!.matches[t]![i]) || []) {
          // A match whose inliers are too small a share of the corners both could show has no
          // score at any threshold (matchLocal drops it the same way).
          if (!localShareHolds(method.local!, inliers, shared)) continue;
          const s = localScore(method, inliers);
          if (s < row[j]!) row[j] = s;
        }
        const cell = scores[m]![t]!;
        cell.own[i] = row[i]!;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const score = row[j]!;
          addScore(cell.others, score);
          keep(closest[m]!, { t, i, j, score });
          if (!related(i, j)) {
            addScore(cell.othersUnrelated, score);
            keep(closestUnrelated[m]!, { t, i, j, score });
          }
        }
      });
    }
    progress('scoring', t + 1, transforms.length);
    throwIfAborted(signal);
  }

  const describe = (c: Near): FalsePair => ({
    transform: transforms[c.t]!.name,
    query: originals[c.i]!.name,
    known: originals[c.j]!.name,
    score: c.score,
    related: related(c.i, c.j),
  });
  const costs = await measureCosts(
    originals,
    methods,
    transforms,
    seed,
    options.costSample ?? 40,
    progress,
    records,
  );
  return {
    dir: options.dirLabel ?? options.dir,
    seed,
    originals: originals.map((o) => o.name),
    excluded,
    transforms,
    methods,
    scores,
    closestFalsePairs: closest.map((list) => list.map(describe)),
    closestUnrelatedPairs: closestUnrelated.map((list) => list.map(describe)),
    grouped: options.relatedKey !== undefined,
    groups,
    failures,
    buckets: store.buckets,
    pairsPerTransform: n * (n - 1),
    costs,
    seconds: (performance.now() - started) / 1000,
    fromCache,
  };
}

/** Each original's fingerprint record, found by the path the record names; every original needs one. */
async function recordsOfOriginals(
  file: string,
  dir: string,
  originals: readonly Original[],
): Promise<FingerprintRecord[]> {
  const byPath = new Map<string, FingerprintRecord>();
  for await (const { record, line } of readFingerprintRecords(createReadStream(file), {
    ...FINGERPRINT_READING,
    source: file,
  })) {
    const path = record.metadata['path'];
    if (typeof path !== 'string')
      throw new ImprintError('ERR_HASH_LIST_SYNTAX', 'The record names no "path"', {
        location: { source: file, line },
      });
    byPath.set(resolve(path), record);
  }
  return originals.map((o) => {
    const record = byPath.get(resolve(dir, o.name));
    if (!record)
      throw new ImprintError('ERR_INVALID_ARGUMENT', `${file} has no fingerprint record of ${o.name}`);
    return record;
  });
}

/**
 * An original's known hashes with every PDQ key taken from its record instead (as hashesFor keeps
 * them: a labelled key holds that label's hashes). A family the record's method does not store is
 * an error: the evaluation would silently compare less.
 */
function withRecordHashes(families: Families, record: FingerprintRecord, keys: readonly string[]): Families {
  const out: Families = { ...families };
  const stored = new Set(['plain', ...record.hashes.map((v) => v.family)]);
  const method = getMethod(record.method);
  for (const key of keys) {
    const { algorithm, family, label } = parseKey(key);
    if (algorithm !== 'pdq') continue;
    if (!stored.has(family) && !method.knownFamilies.includes(family)) {
      throw new ImprintError(
        'ERR_INVALID_ARGUMENT',
        `Records of method ${record.method} hold no "${family}" hashes; make them with a method that stores them (pdq-max)`,
      );
    }
    out[key] = record.hashes
      .filter((v) => v.family === family && (label === undefined || v.label === label))
      .map((v) => ({ ...v.hash, stable: v.stable, ...(v.witness ? { witness: v.witness } : {}) }));
  }
  return out;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  abortCheck(signal, 'Evaluation aborted'); // src/core/errors.ts, with the evaluation's message
}

async function hashEverything(
  originals: readonly Original[],
  transforms: readonly Transform[],
  seed: number,
  knownKeys: readonly string[],
  queryKeys: readonly string[],
  derivedGate: number,
  signal: AbortSignal | undefined,
  progress: (phase: string, done: number, total: number) => void,
): Promise<HashStore> {
  const known: Families[] = originals.map((o) =>
    hashesFor(o.image, new ImageVariants(o.image), knownKeys, derivedGate),
  );
  const queries: (Families | null)[][] = transforms.map(() => []);
  const buckets: (string | null)[][] = transforms.map(() => []);
  // The copies of the next original are made (in libvips' threads) while this one is hashed.
  const copiesOf = (i: number) =>
    Promise.all(
      transforms.map(async (t, k) => {
        const o = originals[i]!;
        try {
          const source = { bytes: o.image.bytes, width: o.image.width, height: o.image.height };
          const altered = await applyTransform(t, source, seedOf(seed, o.name, t.name));
          buckets[k]![i] = altered.bucket;
          return await decodeImage(altered.bytes);
        } catch {
          buckets[k]![i] = null;
          return null;
        }
      }),
    );
  let next = copiesOf(0);
  for (let i = 0; i < originals.length; i++) {
    throwIfAborted(signal);
    const copies = await next;
    if (i + 1 < originals.length) next = copiesOf(i + 1);
    copies.forEach((image, t) => {
      if (!image) {
        queries[t]![i] = null;
        return;
      }
      try {
        queries[t]![i] = hashesFor(image, new ImageVariants(image), queryKeys, undefined);
      } catch {
        queries[t]![i] = null; // e.g. a copy too small to hash
      }
    });
    progress('hashing', i + 1, originals.length);
  }
  return { known, queries, buckets };
}

async function measureCosts(
  originals: readonly Original[],
  methods: readonly MatchMethod[],
  transforms: readonly Transform[],
  seed: number,
  sampleSize: number,
  progress: (phase: string, done: number, total: number) => void,
  records: readonly FingerprintRecord[] | undefined,
): Promise<MethodCost[]> {
  const sample = evenSubset(originals, sampleSize);
  // Uploads for the lookup timing: a recompressed copy of each sampled original.
  const upload = transforms.find((t) => t.name === 'jpeg-q75' || t.name === 'reencode') ?? transforms[0]!;
  const uploads = await Promise.all(
    sample.map(async (o) =>
      decodeImage(
        (
          await applyTransform(
            upload,
            { bytes: o.image.bytes, width: o.image.width, height: o.image.height },
            seedOf(seed, o.name, upload.name),
          )
        ).bytes,
      ),
    ),
  );
  const costs: MethodCost[] = [];
  for (const [m, method] of methods.entries()) {
    progress('costs', m, methods.length);
    if ((method.algorithm ?? 'pdq') !== 'pdq') {
      costs.push(plainAlgorithmCost(method, sample, uploads, originals));
      continue;
    }
    let knownCount = 0;
    let t0 = performance.now();
    for (const o of sample) knownCount += knownHashesFor(method, new ImageVariants(o.image)).length;
    const knownMs = (performance.now() - t0) / sample.length;
    let queryCount = 0;
    const queryHashes: VariantHash[][] = [];
    t0 = performance.now();
    for (const u of uploads) {
      const q = queryHashesFor(method, new ImageVariants(u));
      queryCount += q.length;
      queryHashes.push(q);
    }
    const queryMs = (performance.now() - t0) / uploads.length;
    // The whole corpus as an index built by this method, then the uploads looked up in it.
    const index = new MihIndex<string | KnownVariantMetadata<string>>({ algorithm: 'pdq', bits: 256 });
    const knownLists: VariantHash[][] = [];
    const entries = originals.flatMap((o, j) => {
      if (records) {
        // The known side as the records give it, with the method's own families only.
        const own = { ...records[j]!, method: method.name };
        const record = { ...own, hashes: own.hashes.filter((v) => method.knownFamilies.includes(v.family)) };
        const list = fingerprintEntries<string>(record, o.name);
        knownLists.push(record.hashes.filter((v) => usableHash(v, knownGate(method))));
        return list;
      }
      const variants = new ImageVariants(o.image);
      knownLists.push(knownHashesFor(method, variants));
      return knownEntriesFor(method, variants, o.name);
    });
    index.addAll(entries);
    t0 = performance.now();
    const found = queryHashes.map((q) => matchWithMethod(index, method, q));
    const lookupMs = (performance.now() - t0) / uploads.length;
    let mismatches = 0;
    queryHashes.forEach((q, s) => {
      const expected = originals
        .map((o, j) => ({ name: o.name, score: scoreAgainst(method, q, knownLists[j]!) }))
        .filter((e) => e.score <= method.threshold)
        .map((e) => `${e.name}:${e.score}`)
        .sort();
      const got = found[s]!.map((f) => `${f.metadata}:${f.score}`).sort();
      if (expected.join('|') !== got.join('|')) mismatches++;
    });
    const local = method.local ? localCosts(method, sample, uploads, originals) : undefined;
    costs.push({
      knownHashes: knownCount / sample.length,
      queryHashes: queryCount / uploads.length,
      knownMs: knownMs + (local?.knownMs ?? 0),
      queryMs: queryMs + (local?.queryMs ?? 0),
      lookupMs: lookupMs + (local?.lookupMs ?? 0),
      lookupMismatches: mismatches,
      ...(local
        ? { local: { featuresPerImage: local.featuresPerImage, bytesPerImage: local.bytesPerImage } }
        : {}),
    });
  }
  progress('costs', methods.length, methods.length);
  return costs;
}

/** What a method's local features cost: extraction per known image and per upload, lookup and verification per upload. */
function localCosts(
  method: MatchMethod,
  sample: readonly Original[],
  uploads: readonly PixelImage[],
  originals: readonly Original[],
): { knownMs: number; queryMs: number; lookupMs: number; featuresPerImage: number; bytesPerImage: number } {
  let t0 = performance.now();
  for (const o of sample) knownLocalFeatures(method, o.image);
  const knownMs = (performance.now() - t0) / sample.length;
  t0 = performance.now();
  const views = uploads.map((u) => queryLocalViews(method, u));
  const queryMs = (performance.now() - t0) / uploads.length;
  const index = new LocalFeatureIndex<number>();
  originals.forEach((o, j) => {
    index.add(knownLocalFeatures(method, o.image)!, j);
  });
  index.build();
  t0 = performance.now();
  for (const v of views) index.match(v);
  const lookupMs = (performance.now() - t0) / uploads.length;
  const featuresPerImage = index.descriptorCount / originals.length;
  return {
    knownMs,
    queryMs,
    lookupMs,
    featuresPerImage,
    bytesPerImage: featuresPerImage * index.bytesPerDescriptor,
  };
}

/** Costs of a non-PDQ baseline: one plain hash per image, looked up at the method's threshold. */
function plainAlgorithmCost(
  method: MatchMethod,
  sample: readonly Original[],
  uploads: readonly PixelImage[],
  originals: readonly Original[],
): MethodCost {
  const algorithm = getAlgorithm(method.algorithm!);
  const hash = (image: PixelImage): Hash | undefined => {
    try {
      return algorithm.hashPixels!(image);
    } catch {
      return undefined;
    }
  };
  let t0 = performance.now();
  for (const o of sample) hash(o.image);
  const knownMs = (performance.now() - t0) / sample.length;
  t0 = performance.now();
  const queries = uploads.map(hash);
  const queryMs = (performance.now() - t0) / uploads.length;
  const index = new MihIndex<string>({ algorithm: algorithm.name, bits: algorithm.bits });
  const knownHashes = originals.map((o) => hash(o.image));
  knownHashes.forEach((h, j) => {
    if (h) index.add(h, originals[j]!.name);
  });
  t0 = performance.now();
  const found = queries.map((q) => (q ? index.query(q, { maxDistance: method.threshold }) : []));
  const lookupMs = (performance.now() - t0) / uploads.length;
  let mismatches = 0;
  queries.forEach((q, s) => {
    const expected = q
      ? originals.filter((_, j) => knownHashes[j] && hammingDistance(q, knownHashes[j]!) <= method.threshold)
          .length
      : 0;
    const got = found[s]!.reduce((sum, f) => sum + f.metadata.length, 0);
    if (expected !== got) mismatches++;
  });
  return { knownHashes: 1, queryHashes: 1, knownMs, queryMs, lookupMs, lookupMismatches: mismatches };
}

// ---- hash cache: lets a re-run with other rules or thresholds skip the hashing ----

function cacheKey(
  originals: readonly Original[],
  transforms: readonly Transform[],
  seed: number,
  knownKeys: readonly string[],
  queryKeys: readonly string[],
  derivedGate: number,
): string {
  return JSON.stringify({
    version: 5,
    derivedGate,
    stableMargin: PDQ_STABLE_MARGIN,
    originals: originals.map((o) => `${o.name}:${o.image.bytes.length}`),
    transforms: transforms.map((t) => `${t.name}: ${t.description}`),
    families: EDIT_FAMILIES_VERSION,
    seed,
    knownKeys,
    queryKeys,
    params: {
      VARIANTS_VERSION,
      DETECTION_SIDE,
      DEROTATE_SIDE,
      MAX_PLANE_PIXELS,
      CROP_SCALES,
      CROP_ANCHORS,
      ROTATION_RANGE,
      ENLARGE_BELOW,
      ENLARGE_FACTORS,
      BAND_CUTS,
      frame: { ...frame },
    },
  });
}

/** hex, quality, and for PDQ the stable-bit mask in hex with its count, and a witness's pHash in hex. */
type CachedHash = [string, number | null, string?, number?, string?];
type CachedFamilies = Record<string, CachedHash[]>;

function encodeFamilies(f: Families): CachedFamilies {
  const out: CachedFamilies = {};
  for (const [key, hashes] of Object.entries(f)) {
    out[key] = hashes.map((h): CachedHash => {
      const quality = h.quality ?? null;
      if (!h.stable) return [hashToHex(h), quality];
      const mask = hashToHex({ ...h, bytes: h.stable.mask });
      return h.witness
        ? [hashToHex(h), quality, mask, h.stable.count, hashToHex(h.witness)]
        : [hashToHex(h), quality, mask, h.stable.count];
    });
  }
  return out;
}

function decodeFamilies(f: CachedFamilies): Families {
  const out: Families = {};
  for (const [key, hashes] of Object.entries(f)) {
    const algorithm = key.slice(0, key.indexOf(':'));
    out[key] = hashes.map(([hex, q, mask, count, witness]) => {
      const hash = hashFromHex(algorithm, bitsOf(key), hex, q ?? undefined);
      if (mask === undefined) return hash;
      const stable = { mask: hashFromHex(algorithm, hash.bits, mask).bytes, count: count ?? 0 };
      return witness === undefined
        ? { ...hash, stable }
        : { ...hash, stable, witness: hashFromHex('phash', 64, witness) };
    });
  }
  return out;
}

/** Stable bits of a PDQ hash (other algorithms have none to count: all of their bits). */
function stableCount(h: EvalHash): number {
  return h.stable?.count ?? h.bits;
}

/** The stable bits of query hashes, for {@link minStableScoreByOriginal} (none: compare nothing). */
function stableOf(hashes: readonly EvalHash[]): StableBits[] {
  return hashes.map((h) => h.stable ?? { mask: new Uint8Array(32), count: 0 });
}

function readCache(file: string, key: string): HashStore | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as {
      key: string;
      known: CachedFamilies[];
      queries: (CachedFamilies | null)[][];
      buckets: (string | null)[][];
    };
    if (data.key !== key) return undefined;
    return {
      known: data.known.map(decodeFamilies),
      queries: data.queries.map((row) => row.map((f) => (f ? decodeFamilies(f) : null))),
      buckets: data.buckets,
    };
  } catch {
    return undefined;
  }
}

function writeCache(file: string, key: string, store: HashStore): void {
  const data = {
    key,
    known: store.known.map(encodeFamilies),
    queries: store.queries.map((row) => row.map((f) => (f ? encodeFamilies(f) : null))),
    buckets: store.buckets,
  };
  writeFileSync(file, JSON.stringify(data));
}
