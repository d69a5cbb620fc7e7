/**
 * Local-feature files on disk (format in src/features/encode.ts): written atomically beside an
 * index, read straight into the feature index's arrays.
 */
import { type FileHandle, open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { ImprintError, invalidArgument, toImprintError } from '../core/errors.js';
import {
  encodeFeatureIndexChunks,
  FEATURES_HEADER_BYTES,
  planFeatureIndexDecode,
} from '../features/encode.js';
import type { LocalFeatureIndex } from '../features/feature-index.js';
import type { Crc32 } from '../matching/crc32.js';
import { type AtomicFile, openAtomicFile } from './atomic-file.js';
import { readExactly } from './index-file.js';

const nativeCrc32: Crc32 | undefined =
  typeof zlib.crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : undefined;

/**
 * The feature file that goes with an index file: `<index>.features`.
 *
 * @example
 * ```ts
 * featureFileOf('known.idx'); // 'known.idx.features'
 * ```
 */
export function featureFileOf(indexPath: string): string {
  return `${indexPath}.features`;
}

/**
 * Writes a feature index to `path` atomically (a temporary file in the same directory, flushed,
 * renamed over `path`); on any error `path` is untouched. ERR_FILE_UNWRITABLE when it cannot be
 * written.
 *
 * @example
 * ```ts
 * await saveFeatureIndex(features, featureFileOf('known.idx'));
 * ```
 */
export async function saveFeatureIndex<M>(
  index: LocalFeatureIndex<M>,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ bytes: number }> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  let file: AtomicFile | undefined;
  try {
    const chunks = encodeFeatureIndexChunks(index, nativeCrc32);
    file = await openAtomicFile(path, { what: 'local features' });
    let total = 0;
    for (const chunk of chunks) {
      if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Saving the features was aborted');
      total += await file.write(chunk);
    }
    await file.commit();
    return { bytes: total };
  } catch (err) {
    await file?.abandon();
    throw toImprintError(err);
  }
}

/**
 * Reads a feature file written by {@link saveFeatureIndex}. ERR_FILE_UNREADABLE when it cannot be
 * read (missing), ERR_INDEX_CORRUPT when damaged, ERR_INDEX_VERSION for another layout,
 * ERR_INDEX_DERIVATION for features of another extraction version (rebuild the index).
 *
 * @example
 * ```ts
 * const features = await loadFeatureIndex<unknown>(featureFileOf('known.idx'));
 * ```
 */
export async function loadFeatureIndex<M = unknown>(path: string): Promise<LocalFeatureIndex<M>> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const header = new Uint8Array(Math.min(size, FEATURES_HEADER_BYTES));
    await readExactly(handle, header, 0, path);
    const plan = planFeatureIndexDecode<M>(header, size, {
      source: path,
      ...(nativeCrc32 ? { crc32: nativeCrc32 } : {}),
    });
    for (const piece of plan.pieces) await readExactly(handle, piece.bytes, piece.start, path);
    return plan.finish();
  } catch (err) {
    if (err instanceof ImprintError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new ImprintError('ERR_FILE_UNREADABLE', `Cannot read local features${code ? ` (${code})` : ''}`, {
      cause: err,
      location: { source: path },
    });
  } finally {
    await handle?.close().catch(() => {});
  }
}
