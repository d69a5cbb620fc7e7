/**
 * The one way imprint writes a file: into a temporary file beside it, flushed to disk, then
 * renamed over the target, so a reader never sees half a file and a failure leaves the target as
 * it was. Index files, hash lists and the CLI's `-o` outputs all go through here.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { ImprintError, invalidArgument } from '../core/errors.js';

const IO_CHUNK = 1 << 30; // below Node's 2 GiB limit per write call

/** Options for {@link openAtomicFile}. */
export interface AtomicFileOptions {
  /**
   * A fixed temporary file name (e.g. `out.csv.partial`, which `--resume` reads back). Default: a
   * hidden, randomly named file in the target's directory.
   */
  partialPath?: string;
  /** Append to an existing `partialPath` instead of starting it afresh (resuming). */
  append?: boolean;
  /** What is written, for error messages ("index", "hash list", "output"). Default "file". */
  what?: string;
}

/** A file being written atomically: commit it, or abandon it. */
export interface AtomicFile {
  /** Where the bytes go until {@link AtomicFile.commit}. */
  readonly tempPath: string;
  /** Writes all of `data` (bytes, or text as UTF-8); resolves to the byte count. */
  write(data: Uint8Array | string): Promise<number>;
  /**
   * A Writable over the file for line-by-line output with backpressure. A write failure is kept
   * and thrown by {@link AtomicFile.commit} (as ERR_FILE_UNWRITABLE).
   */
  readonly stream: Writable;
  /** Flushes to disk, closes, renames over the target. On failure the temporary file is removed. */
  commit(): Promise<void>;
  /** Closes the file and removes it, or keeps it (`keep: true`: a partial output to resume). */
  abandon(options?: { keep?: boolean }): Promise<void>;
}

/**
 * Opens `path` for an atomic write. Refused up front (ERR_FILE_UNWRITABLE, naming the path) when
 * the target is a directory or its directory does not exist, before any work is done.
 *
 * @example
 * ```ts
 * const file = await openAtomicFile('known.csv', { what: 'hash list' });
 * try {
 *   await file.write('f8f8...,case-1\n');
 *   await file.commit();
 * } catch (err) {
 *   await file.abandon();
 *   throw err;
 * }
 * ```
 */
export async function openAtomicFile(path: string, options: AtomicFileOptions = {}): Promise<AtomicFile> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('a file path', 'path', path);
  const what = options.what ?? 'file';
  const fail = (err: unknown, detail?: string): ImprintError => {
    if (err instanceof ImprintError) return err;
    const code = (err as NodeJS.ErrnoException)?.code;
    const why =
      detail ?? (code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code);
    return new ImprintError('ERR_FILE_UNWRITABLE', `Cannot write ${what}${why ? ` (${why})` : ''}`, {
      cause: err,
      location: { source: path },
    });
  };
  try {
    if ((await stat(path)).isDirectory()) throw fail(undefined, 'is a directory');
  } catch (err) {
    if (err instanceof ImprintError) throw err;
    // Not there yet: the usual case. Anything else surfaces when opening.
  }
  const tempPath =
    options.partialPath ??
    join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, options.append ? 'a' : options.partialPath ? 'w' : 'wx');
  } catch (err) {
    throw fail(err);
  }
  let open_ = true;
  let failure: ImprintError | undefined;
  const write = async (data: Uint8Array | string): Promise<number> => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      for (let at = 0; at < bytes.length; ) {
        const n = Math.min(IO_CHUNK, bytes.length - at);
        const { bytesWritten } = await handle.write(bytes, at, n, null);
        at += bytesWritten;
      }
    } catch (err) {
      failure ??= fail(err);
      throw failure;
    }
    return bytes.length;
  };
  const stream = new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      write(chunk).then(
        () => done(),
        (err: unknown) => done(err as Error),
      );
    },
  });
  stream.on('error', () => {}); // kept in `failure`, thrown by commit()
  const close = async (): Promise<void> => {
    if (!open_) return;
    open_ = false;
    await handle.close();
  };
  return {
    tempPath,
    write,
    stream,
    async commit() {
      try {
        await new Promise<void>((done) => (stream.writableEnded ? done() : stream.end(done)));
        if (failure) throw failure;
        await handle.sync();
        await close();
        await rename(tempPath, path);
      } catch (err) {
        await close().catch(() => {});
        await rm(tempPath, { force: true }).catch(() => {});
        throw fail(err);
      }
    },
    async abandon({ keep = false } = {}) {
      await new Promise<void>((done) => (stream.writableEnded ? done() : stream.end(done))).catch(() => {});
      await close().catch(() => {});
      if (!keep) await rm(tempPath, { force: true }).catch(() => {});
    },
  };
}
