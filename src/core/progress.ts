/**
 * The one progress shape of the library: batches of files, video hashing, known-list loading and
 * the evaluation all report through an `onProgress` callback that receives a {@link Progress}.
 */

/**
 * How far a long call has got. `done` and `total` count the phase's unit: files for batches
 * (`hashing`, `matching`, `files`), seconds of video for `hashing video`, hashes read for `loading`.
 *
 * @example
 * ```ts
 * const onProgress = (p: Progress) => console.error(`${p.phase} ${p.done}/${p.total ?? '?'} ${p.path ?? ''}`);
 * ```
 */
export interface Progress {
  /** What is being done, e.g. `hashing`, `matching`, `hashing video`, `loading`. */
  readonly phase: string;
  /** Units done so far. */
  readonly done: number;
  /** Units in all, when known. */
  readonly total: number | undefined;
  /** The file (image, video or list) the report is about, when there is one. */
  readonly path?: string;
  /** Units that failed so far (batches: files that gave an error result). */
  readonly failed?: number;
}

/** The callback every `onProgress` option takes. */
export type ProgressCallback = (progress: Progress) => void;
