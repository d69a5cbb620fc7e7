import { availableParallelism } from 'node:os';
import { ImprintError, toImprintError } from '../core/errors.js';
import { type HashImageOptions, hashImage, type ImageHashResult } from './hash-image.js';

/** Progress of a batch, reported after each file. */
export interface BatchProgress {
  readonly done: number;
  readonly failed: number;
  /** Known when the input was an array; otherwise undefined. */
  readonly total: number | undefined;
  readonly path: string;
}

/** Options for {@link hashFiles}. */
export interface HashFilesOptions extends HashImageOptions {
  /** Files decoded at once. Default: the number of CPU cores + 1 (decoding runs in libvips' threads). */
  concurrency?: number;
  /** Called after every file, success or failure. */
  onProgress?: (progress: BatchProgress) => void;
}

/** One file's outcome: its hashes, or the error that stopped it. */
export type FileResult =
  | { readonly path: string; readonly index: number; readonly ok: true; readonly result: ImageHashResult }
  | { readonly path: string; readonly index: number; readonly ok: false; readonly error: ImprintError };

/**
 * Hashes many files with bounded memory: at most `concurrency` images are in memory at once,
 * results come out in input order, and a bad file yields an error result instead of stopping the
 * batch. Aborting the signal stops new work; files already started finish, then the generator
 * throws ERR_ABORTED.
 *
 * @example
 * ```ts
 * import { hashFiles } from 'imprint/sharp';
 * for await (const r of hashFiles(paths, { onProgress: (p) => bar.update(p.done) })) {
 *   if (r.ok) save(r.path, r.result.hashes.pdq);
 *   else console.error(r.path, r.error.code);
 * }
 * ```
 */
export async function* hashFiles(
  paths: Iterable<string> | AsyncIterable<string>,
  options: HashFilesOptions = {},
): AsyncGenerator<FileResult, void, undefined> {
  const concurrency = options.concurrency ?? availableParallelism() + 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Expected a positive integer for concurrency but received ${concurrency}`,
    );
  }
  const { signal, onProgress } = options;
  const total = Array.isArray(paths) ? paths.length : undefined;
  const iterator = toAsyncIterator(paths);
  const inFlight: Promise<FileResult>[] = [];
  let index = 0;
  let done = 0;
  let failed = 0;
  let exhausted = false;

  const start = async (): Promise<boolean> => {
    if (exhausted || signal?.aborted) return false;
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return false;
    }
    const path = next.value;
    const i = index++;
    inFlight.push(
      hashImage(path, options).then(
        (result): FileResult => ({ path, index: i, ok: true, result }),
        (err: unknown): FileResult => ({
          path,
          index: i,
          ok: false,
          error: toImprintError(err, 'ERR_IMAGE_CORRUPT'),
        }),
      ),
    );
    return true;
  };

  while (inFlight.length < concurrency && (await start())) {}
  while (inFlight.length > 0) {
    const result = await inFlight.shift()!;
    if (!(result.ok === false && result.error.code === 'ERR_ABORTED')) {
      done++;
      if (!result.ok) failed++;
      onProgress?.({ done, failed, total, path: result.path });
      yield result;
    }
    while (inFlight.length < concurrency && (await start())) {}
  }
  if (signal?.aborted) throw new ImprintError('ERR_ABORTED', `Aborted after ${done} files`);
}

function toAsyncIterator<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return (items as AsyncIterable<T>)[Symbol.asyncIterator]();
  const it = (items as Iterable<T>)[Symbol.iterator]();
  return { next: async () => it.next() };
}
