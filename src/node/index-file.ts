import { type FileHandle, open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { ImprintError, invalidArgument, toImprintError } from '../core/errors.js';
import type { Crc32 } from '../matching/crc32.js';
import type { FlatIndex } from '../matching/flat-index.js';
import {
  type DecodeIndexOptions,
  INDEX_HEADER_PREFIX,
  type IndexProperties,
  indexHeaderLength,
  type LoadedIndex,
  planIndexDecode,
  withIndexChunks,
} from '../matching/index-format.js';
import type { MihIndex } from '../matching/mih-index.js';
import { ShardedIndex } from '../matching/sharded-index.js';
import { type AtomicFile, openAtomicFile } from './atomic-file.js';
import { saveShardedIndex } from './sharded-index-file.js';

// zlib's CRC-32 (Node >= 20.15) is ~20x faster than the portable one; same values.
const nativeCrc32: Crc32 | undefined =
  typeof zlib.crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : undefined;

const IO_CHUNK = 1 << 30; // below Node's 2 GiB limit per read/write call

/** Options for {@link saveIndex}. */
export interface SaveIndexOptions {
  /** Stops writing with ERR_ABORTED; the target file is left as it was. */
  signal?: AbortSignal;
  /**
   * How the hashes were made, recorded in the header: for an index of a method's derived hashes,
   * `{ method, derivation: VARIANTS_VERSION, families }` (`indexPropertiesFor` gives them), so that
   * a later build with other derived hashes refuses it instead of silently missing matches.
   */
  properties?: IndexProperties;
}

/**
 * Writes an index to `path` in imprint's index format (see `index-format.ts`), atomically: into
 * a temporary file in the same directory, flushed to disk, then renamed over `path`. A reader
 * never sees a half-written index; on any error the temporary file is removed and `path` is
 * untouched. The index refuses changes until the returned promise settles. Multi-index tables
 * are saved as built, so loading does not rebuild them. A {@link ShardedIndex} is saved as a
 * directory at `path` (made if missing; use a new one): one index file per shard, its id maps,
 * and a manifest written last; load it with `loadShardedIndex` or `ParallelIndex.open`.
 *
 * @example
 * ```ts
 * const index = new MihIndex<string>();
 * for await (const batch of readHashListFile('known.csv').batches()) index.addAll(batch);
 * await saveIndex(index, 'known.idx');
 * ```
 */
export async function saveIndex<M>(
  index: FlatIndex<M> | MihIndex<M> | ShardedIndex<M>,
  path: string,
  options: SaveIndexOptions = {},
): Promise<{ bytes: number }> {
  if (index instanceof ShardedIndex) return saveShardedIndex(index, path, options);
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  let file: AtomicFile | undefined;
  try {
    const encoding = {
      ...(nativeCrc32 ? { crc32: nativeCrc32 } : {}),
      ...(options.properties ? { properties: options.properties } : {}),
    };
    // Called at once: the index is locked against changes from here until it is written.
    const bytes = await withIndexChunks(index, encoding, async (chunks) => {
      file = await openAtomicFile(path, { what: 'index' });
      let total = 0;
      for (const chunk of chunks) {
        if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Saving the index was aborted');
        total += await file.write(chunk);
      }
      return total;
    });
    await file!.commit();
    return { bytes };
  } catch (err) {
    await file?.abandon();
    throw toImprintError(err);
  }
}

/** Options for {@link loadIndex}. */
export type LoadIndexOptions = Omit<DecodeIndexOptions, 'source' | 'crc32'>;

/**
 * Reads an index file written by {@link saveIndex}: the header is checked, then the body is read
 * straight into the index's memory (no copy, the multi-index tables are not rebuilt) and its
 * checksum and structure are checked. Damage is an ImprintError `ERR_INDEX_CORRUPT` or
 * `ERR_INDEX_VERSION` naming the file and byte offset; a file that cannot be read is
 * `ERR_FILE_UNREADABLE`; an index of derived hashes made by another version of their derivation
 * is `ERR_INDEX_DERIVATION` (the message names both versions and the command that rebuilds it).
 * Version 1 files still load; `indexFileInfo(index)` says which version and properties a file had.
 *
 * @example
 * ```ts
 * const index = await loadIndex<string>('known.idx');
 * for (const m of index.query(uploadHash)) console.log(m.distance, m.metadata);
 * ```
 */
export async function loadIndex<M = unknown>(
  path: string,
  options: LoadIndexOptions = {},
): Promise<LoadedIndex<M>> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const decoding = { ...options, source: path, ...(nativeCrc32 ? { crc32: nativeCrc32 } : {}) };
    const prefix = new Uint8Array(Math.min(size, INDEX_HEADER_PREFIX));
    await readExactly(handle, prefix, 0, path);
    const header = new Uint8Array(indexHeaderLength(prefix, size, decoding));
    header.set(prefix);
    await readExactly(handle, header.subarray(prefix.length), prefix.length, path);
    const plan = planIndexDecode<M>(header, size, decoding);
    for (const piece of plan.pieces) await readExactly(handle, piece.bytes, piece.start, path);
    return plan.finish();
  } catch (err) {
    if (err instanceof ImprintError) throw err;
    const code = (err as NodeJS.ErrnoException)?.code;
    throw new ImprintError('ERR_FILE_UNREADABLE', `Cannot read index${code ? ` (${code})` : ''}`, {
      cause: err,
      location: { source: path },
    });
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** Fills `into` from the file at `position`; a file that ends early (it shrank) is ERR_INDEX_CORRUPT. */
export async function readExactly(
  handle: FileHandle,
  into: Uint8Array,
  position: number,
  path: string,
): Promise<void> {
  for (let at = 0; at < into.length; ) {
    const n = Math.min(IO_CHUNK, into.length - at);
    const { bytesRead } = await handle.read(into, at, n, position + at);
    if (bytesRead === 0) {
      throw new ImprintError('ERR_INDEX_CORRUPT', 'The file is truncated (it ended while being read)', {
        location: { source: path, offset: position + at },
      });
    }
    at += bytesRead;
  }
}
