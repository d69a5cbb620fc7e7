/**
 * The matching methods on the command line: `imprint index build --images <dir> [--method]`
 * hashes known images into an index the way a method needs; `imprint match` matches uploads with
 * the library's matcher (src/sharp/match-image.ts). The methods themselves live in src/matching/methods.
 */
import { basename, relative, resolve } from 'node:path';
import { PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import { ImprintError } from '../core/errors.js';
import { hashToHex } from '../core/hash.js';
import type { LocalFeatureIndex } from '../features/feature-index.js';
import type { KnownFeatureOwner } from '../matching/methods/local.js';
import { getMethod } from '../matching/methods/methods.js';
import type { MatchMethod } from '../matching/methods/types.js';
import type { HashIndex, IndexEntry } from '../matching/types.js';
import { mapFiles } from '../sharp/batch.js';
import type { SixteenBitRule } from '../sharp/decode.js';
import { knownImageEntries } from '../sharp/known-images.js';
import { BatchReport } from './batch-report.js';
import { type CliIo, UsageError } from './command.js';

/** Looks a method up for a `--method` flag (a usage error when unknown). */
export function methodOption(name: string): MatchMethod {
  try {
    return getMethod(name);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** What {@link addImagesToIndex} added. */
export interface AddedImages {
  readonly images: number;
  readonly hashes: number;
  readonly failed: number;
  /** Images below PDQ quality 50: refused, or kept with `keepWeak`. */
  readonly weak: number;
}

/**
 * Hashes every image under `dir` (recursively) into `index` as `method` stores known images, each
 * with its file name relative to `dir` as metadata (and, for a method with local features, their
 * features into `options.features`). Failed files are reported on stderr, and so
 * are images below PDQ quality 50 (refused unless `keepWeak`: a flat picture's hash matches other
 * flat pictures).
 */
export async function addImagesToIndex(
  index: HashIndex<unknown>,
  dir: string,
  method: MatchMethod,
  options: {
    keepWeak: boolean;
    /** How 16-bit images become 8-bit (default scale). */
    sixteenBit?: SixteenBitRule;
    /** Hears each image's entries as they are added (e.g. to export the plain hashes). */
    onAdded?: (entries: readonly IndexEntry<unknown>[]) => void;
    /** Where a method with local features puts each image's. */
    features?: LocalFeatureIndex<KnownFeatureOwner<unknown>>;
  },
  io: CliIo,
): Promise<AddedImages> {
  const batch = new BatchReport('index', io);
  const root = resolve(io.cwd, dir);
  let images = 0;
  let hashes = 0;
  let weak = 0;
  const known = async (path: string) => {
    const name = relative(root, resolve(io.cwd, path)) || basename(path);
    const known = await knownImageEntries(resolve(io.cwd, path), method, name, {
      keepWeak: options.keepWeak,
      signal: io.signal,
      ...(options.sixteenBit ? { sixteenBit: options.sixteenBit } : {}),
    });
    return { ...known, name };
  };
  for await (const r of untilAborted(mapFiles(batch.paths([dir], true), known, { signal: io.signal }))) {
    if (!r.ok) batch.failFile(r.path, r.error);
    else {
      if (r.value.weak) {
        weak++;
        batch.progress.clear();
        io.stderr.write(
          options.keepWeak
            ? `imprint index: ${r.path}: kept (--keep-weak) though its PDQ quality ${r.value.quality} is below ${PDQ_MIN_QUALITY}\n`
            : `imprint index: ${r.path}: refused: PDQ quality ${r.value.quality} is below ${PDQ_MIN_QUALITY} (a flat picture matches other flat pictures; --keep-weak keeps it)\n`,
        );
      }
      if (r.value.entries.length > 0) {
        index.addAll(r.value.entries);
        options.onAdded?.(r.value.entries);
        if (options.features && r.value.local)
          options.features.add(r.value.local, { metadata: r.value.name, hash: hashToHex(r.value.hash) });
        images++;
        hashes += r.value.entries.length;
      }
    }
    batch.finished();
  }
  batch.summarize();
  return { images, hashes, failed: batch.failed, weak };
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
