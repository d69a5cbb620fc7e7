import { availableParallelism } from 'node:os';
import { ImprintError, toImprintError } from '../core/errors.js';
import type { ProgressCallback } from '../core/progress.js';
import { type HashImageOptions, hashImage, type ImageHashResult } from './hash-image.js';

/** Options for {@link hashFiles}. */
export interface HashFilesOptions<A extends string = string> extends HashImageOptions<A> {
  /** Files decoded at once. Default: the number of CPU cores + 1 (decoding runs in libvips' threads). */
  concurrency?: number;
  /**
   * Called after every file, success or failure: phase `hashing`, `done` and `failed` files, `total`
   * when the input was an array, `path` the file just finished.
   */
  onProgress?: ProgressCallback;
}

/** One file's outcome: its hashes, or the error that stopped it. */
export type FileResult<A extends string = string> =
  | { readonly path: string; readonly index: number; readonly ok: true; readonly result: ImageHashResult<A> }
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
export async function* hashFiles<const A extends string = 'pdq'>(
  paths: Iterable<string> | AsyncIterable<string>,
  options: HashFilesOptions<A> = {},
): AsyncGenerator<FileResult<A>, void, undefined> {
  const hash = (path: string) => hashImage<A>(path, options);
  for await (const r of mapFiles(paths, hash, { ...options, phase: 'hashing' })) {
    yield r.ok ? { path: r.path, index: r.index, ok: true, result: r.value } : r;
  }
}

/** Options for {@link mapFiles}. */
export interface MapFilesOptions {
  /** Files worked on at once. Default: the number of CPU cores + 1. */
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * Called after every file, success or failure: `phase` (below), `done` and `failed` files, `total`
   * when the input was an array, `path` the file just finished.
   */
  onProgress?: ProgressCallback;
  /** The phase progress reports name. Default `files`. */
  phase?: string;
}

/** One file's outcome under {@link mapFiles}. */
export type MapResult<R> =
  | { readonly path: string; readonly index: number; readonly ok: true; readonly value: R }
  | { readonly path: string; readonly index: number; readonly ok: false; readonly error: ImprintError };

/**
 * The pipeline under {@link hashFiles}, for any per-file work (e.g. decoding and hashing the way a
 * matching method needs): up to `concurrency` files in flight, so decoding in libvips' threads
 * overlaps the work on the ones already decoded; results in input order; a failing file yields
 * its error (typed, code ERR_IMAGE_CORRUPT when the work threw something else) and the batch goes
 * on. Aborting stops new work; files already started finish, then it throws ERR_ABORTED.
 *
 * @example
 * ```ts
 * import { decodeImage, mapFiles } from 'imprint/sharp';
 * for await (const r of mapFiles(paths, async (p) => (await decodeImage(p)).width)) {
 *   console.log(r.path, r.ok ? r.value : r.error.code);
 * }
 * ```
 */
export async function* mapFiles<R>(
  paths: Iterable<string> | AsyncIterable<string>,
  work: (path: string) => Promise<R>,
  options: MapFilesOptions = {},
): AsyncGenerator<MapResult<R>, void, undefined> {
  const concurrency = options.concurrency ?? availableParallelism() + 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Expected a positive integer for concurrency but received ${concurrency}`,
    );
  }
  const { signal, onProgress, phase = 'files' } = options;
  const total = Array.isArray(paths) ? paths.length : undefined;
  const iterator = toAsyncIterator(paths);
  const inFlight: Promise<MapResult<R>>[] = [];
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
      work(path).then(
        (value): MapResult<R> => ({ path, index: i, ok: true, value }),
        (err: unknown): MapResult<R> => ({
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
      onProgress?.({ phase, done, failed, total, path: result.path });
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
