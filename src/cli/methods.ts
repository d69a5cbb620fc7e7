/**
 * The matching methods on the command line: `imprint index build --images <dir> [--method]`
 * hashes known images into an index the way a method needs, and `imprint match --method` hashes
 * and looks up uploads the same way. The methods themselves live in src/methods.
 */
import { basename, relative, resolve } from 'node:path';
import { PDQ_MIN_QUALITY } from '../algorithms/pdq.js';
import { ImprintError } from '../core/errors.js';
import { hashToHex } from '../core/hash.js';
import type { LocalFeatureIndex } from '../features/feature-index.js';
import type { HashIndex } from '../matching/types.js';
import {
  type KnownFeatureOwner,
  knownLocalFeatures,
  matchLocal,
  mergeLocalMatches,
  queryLocalViews,
} from '../methods/local.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  storedFamilies,
} from '../methods/match.js';
import { getMethod } from '../methods/methods.js';
import type { MatchMethod } from '../methods/types.js';
import { ImageVariants } from '../methods/variants.js';
import { mapFiles } from '../sharp/batch.js';
import { decodeImage } from '../sharp/decode.js';
import { BatchReport } from './batch-report.js';
import { type CliIo, UsageError } from './command.js';
import { writeLine } from './output.js';

/** Looks a method up for a `--method` flag (a usage error when unknown). */
export function methodOption(name: string): MatchMethod {
  try {
    return getMethod(name);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Hashes every image under `dir` (recursively) into `index` as `method` stores known images, each
 * with its file name relative to `dir` as metadata (and, for a method with local features, their
 * features into `features`). Failed files are reported on stderr; returns the number of images
 * added and of failures.
 */
export async function addImagesToIndex(
  index: HashIndex<unknown>,
  dir: string,
  method: MatchMethod,
  io: CliIo,
  features?: LocalFeatureIndex<KnownFeatureOwner<unknown>>,
): Promise<{ images: number; hashes: number; failed: number }> {
  const batch = new BatchReport('index', io);
  const root = resolve(io.cwd, dir);
  let images = 0;
  let hashes = 0;
  const known = async (path: string) => {
    const image = await decodeImage(resolve(io.cwd, path), { signal: io.signal });
    const name = relative(root, resolve(io.cwd, path)) || basename(path);
    const variants = new ImageVariants(image);
    const entries = knownEntriesFor(method, variants, name);
    const local = features ? knownLocalFeatures(method, variants.working) : undefined;
    return { entries, local, owner: { metadata: name, hash: hashToHex(variants.exact.hash) } };
  };
  for await (const r of untilAborted(mapFiles(batch.paths([dir], true), known, { signal: io.signal }))) {
    if (r.ok) {
      const { entries, local, owner } = r.value;
      index.addAll(entries);
      if (features && local) features.add(local, owner);
      images++;
      hashes += entries.length;
    } else batch.failFile(r.path, r.error);
    batch.finished();
  }
  batch.summarize();
  return { images, hashes, failed: batch.failed };
}

/** The results until the batch is interrupted (the caller reports the interruption). */
async function* untilAborted<T>(results: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* results;
  } catch (err) {
    if (!(err instanceof ImprintError && err.code === 'ERR_ABORTED')) throw err;
  }
}

/** The stderr line for an upload too flat to match (plain matching and methods alike). */
export function lowQualityNote(path: string, quality: number | undefined, minQuality: number): string {
  return `imprint match: ${path}: not matched: PDQ quality ${quality} is below --min-quality ${minQuality}\n`;
}

/** Options of {@link matchFilesWithMethod}. */
export interface MethodMatchCliOptions {
  readonly recursive: boolean;
  readonly json: boolean;
  readonly threshold?: number;
  readonly minQuality?: number;
  readonly autoOrient: boolean;
}

/**
 * Matches each input image with `method` and prints, per match, the same first columns as plain
 * matching, then which upload variant met which stored hash: text lines
 * "path<TAB>distance<TAB>known hash<TAB>metadata<TAB>query variant<TAB>known variant", or with
 * `json` one object per image {"path","algorithm","method","hash","quality","skipped","matches":
 * [{"hash","distance","metadata":[...],"score","query","known"}]}. Returns the number of images that
 * matched and whether some input failed.
 */
export async function matchFilesWithMethod(
  index: HashIndex<unknown>,
  method: MatchMethod,
  inputs: readonly string[],
  options: MethodMatchCliOptions,
  io: CliIo,
  features?: LocalFeatureIndex<KnownFeatureOwner<unknown>>,
): Promise<{ matched: number; failed: boolean }> {
  const batch = new BatchReport('match', io);
  const minQuality = options.minQuality ?? method.minQuality ?? PDQ_MIN_QUALITY;
  // Upload variants that could only meet hashes this index does not hold are not computed.
  const applied = methodForStored(method, storedFamilies(index));
  let matched = 0;
  // Decoding and hashing run ahead in a bounded pipeline; matching and printing stay in order.
  const hashed = async (path: string) => {
    const image = await decodeImage(resolve(io.cwd, path), {
      autoOrient: options.autoOrient,
      signal: io.signal,
    });
    const variants = new ImageVariants(image);
    const views = features ? queryLocalViews(applied, variants.working) : [];
    return { exact: variants.exact, queries: queryHashesFor(applied, variants), views };
  };
  const uploads = mapFiles(batch.paths(inputs, options.recursive), hashed, { signal: io.signal });
  for await (const r of untilAborted(uploads)) {
    if (!r.ok) {
      batch.failFile(r.path, r.error);
      batch.finished();
      continue;
    }
    const { path } = r;
    const { exact, queries, views } = r.value;
    const hashMatches = matchWithMethod(
      index as HashIndex<unknown | KnownVariantMetadata<unknown>>,
      applied,
      queries,
      {
        ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
        minQuality,
      },
    );
    const matches = features
      ? mergeLocalMatches(hashMatches, matchLocal(features, applied, views), applied, exact.hash)
      : hashMatches;
    // Derived hashes are judged by their own quality, so a flat upload can still match through
    // the picture inside its frame; it is "skipped" only when nothing of it was usable.
    const skipped = exact.quality < minQuality && matches.length === 0 ? 'low-quality' : null;
    if (matches.length > 0) matched++;
    batch.progress.clear();
    if (skipped) {
      io.stderr.write(lowQualityNote(path, exact.quality, minQuality));
    }
    if (options.json) {
      await writeLine(
        io.stdout,
        JSON.stringify({
          path,
          algorithm: 'pdq',
          method: method.name,
          hash: hashToHex(exact.hash),
          quality: exact.quality,
          skipped,
          matches: matches.map((m) => ({
            hash: hashToHex(m.hash),
            distance: m.distance,
            // A list, as in plain matching: one known image's metadata.
            metadata: [m.metadata],
            score: m.score,
            comparedBits: m.comparedBits,
            query: m.query,
            known: m.known,
          })),
        }),
      );
    } else {
      for (const m of matches) {
        const meta = typeof m.metadata === 'string' ? m.metadata : JSON.stringify(m.metadata);
        await writeLine(
          io.stdout,
          `${path}\t${m.distance}\t${hashToHex(m.hash)}\t${meta.replace(/[\t\n\r]/g, ' ')}\t${m.query}\t${m.known}`,
        );
      }
    }
    batch.finished();
  }
  return { matched, failed: batch.summarize() };
}
