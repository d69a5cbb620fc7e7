import { type FileHandle, open } from 'node:fs/promises';
import { ImprintError, invalidArgument, toImprintError } from '../core/errors.js';
import { HashListReader } from '../lists/read.js';
import type { ReadHashListOptions } from '../lists/types.js';
import { type HashListWriteEntry, HashListWriter, type HashListWriterOptions } from '../lists/write.js';
import { openAtomicFile } from './atomic-file.js';

const READ_CHUNK = 64 * 1024;
const WRITE_BATCH = 64 * 1024;

/**
 * Reads a hash-list file by path, streaming (64 KiB at a time), so a list of millions of lines
 * is read without holding its text. Error locations name the path unless `options.source` does
 * otherwise. A file that cannot be opened or read is ERR_FILE_UNREADABLE.
 *
 * @example
 * ```ts
 * const list = readHashListFile('known.csv', { algorithm: 'pdq' });
 * const index = new FlatIndex<HashListMetadata>();
 * for await (const batch of list.batches()) index.addAll(batch);
 * console.log(`${list.stats.entries} hashes (${list.stats.format})`);
 * ```
 */
export function readHashListFile(path: string, options: ReadHashListOptions = {}): HashListReader {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  return new HashListReader(fileChunks(path), { ...options, source: options.source ?? path });
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    for (;;) {
      // A fresh buffer each time: the consumer may keep a reference to the chunk.
      const buffer = new Uint8Array(READ_CHUNK);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null));
      } catch (err) {
        throw unreadable(path, err); // EISDIR surfaces here on Linux
      }
      if (bytesRead === 0) return;
      yield bytesRead === READ_CHUNK ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function unreadable(path: string, err: unknown): ImprintError {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new ImprintError('ERR_FILE_UNREADABLE', `Cannot read hash list${code ? ` (${code})` : ''}`, {
    cause: err,
    location: { source: path },
  });
}

/** Options for {@link writeHashListFile}. */
export interface WriteHashListFileOptions extends HashListWriterOptions {
  /** Stops writing with ERR_ABORTED; the target file is left as it was. */
  signal?: AbortSignal;
}

/** What {@link writeHashListFile} wrote. */
export interface WriteHashListFileResult {
  readonly entries: number;
  readonly bytes: number;
}

/**
 * Writes a hash list to `path` atomically: into a temporary file in the same directory, flushed
 * to disk, then renamed over `path`. A reader never sees a half-written list, and on any error
 * (a bad entry, a full disk, an abort) the temporary file is removed and `path` is untouched.
 * Entries may come from an async source (another list being read) and are written in batches.
 *
 * @example
 * ```ts
 * const list = readHashListFile('stopncii.json', { otherAlgorithms: 'skip' });
 * await writeHashListFile('known.csv', list, { format: 'csv' });
 * ```
 */
export async function writeHashListFile(
  path: string,
  entries: Iterable<HashListWriteEntry> | AsyncIterable<HashListWriteEntry>,
  options: WriteHashListFileOptions,
): Promise<WriteHashListFileResult> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  const writer = new HashListWriter(options);
  const file = await openAtomicFile(path, { what: 'hash list' });
  try {
    let bytes = 0;
    let pending = '';
    for await (const entry of entries) {
      if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Writing the hash list was aborted');
      pending += writer.write(entry);
      if (pending.length >= WRITE_BATCH) {
        bytes += await file.write(pending);
        pending = '';
      }
    }
    pending += writer.end();
    bytes += await file.write(pending);
    await file.commit();
    return { entries: writer.count, bytes };
  } catch (err) {
    await file.abandon();
    throw toImprintError(err);
  }
}
