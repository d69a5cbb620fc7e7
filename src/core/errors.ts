/**
 * Every failure imprint reports is an {@link ImprintError} with one of these stable codes.
 * Codes never change meaning once published; messages may be reworded.
 *
 * @example
 * ```ts
 * for (const [code, meaning] of Object.entries(ERROR_CODES)) console.log(code, meaning);
 * ```
 */
export const ERROR_CODES = {
  ERR_INVALID_ARGUMENT: 'An option or argument has the wrong type or value.',
  ERR_FILE_UNREADABLE: 'The file could not be read (missing, a directory, or no permission).',
  ERR_FILE_UNWRITABLE: 'The file could not be written (no permission, disk full, or no such directory).',
  ERR_EMPTY_INPUT: 'The input has zero bytes.',
  ERR_NOT_AN_IMAGE: 'The bytes are not in any image format the decoder knows.',
  ERR_FORMAT_REFUSED: 'The format is refused by policy (SVG and other vector or remote-loading formats).',
  ERR_IMAGE_CORRUPT: 'The image is corrupt or truncated.',
  ERR_IMAGE_TOO_SMALL: 'A side of the image is below the minimum the algorithm needs (5 px for PDQ).',
  ERR_IMAGE_UNIFORM:
    'The image has no detail the algorithm can see (flat at its grid), so any hash would be noise.',
  ERR_IMAGE_TOO_LARGE: 'The image has more pixels than the configured limit.',
  ERR_DECODE_TIMEOUT: 'Decoding took longer than the configured timeout.',
  ERR_ABORTED: 'The operation was aborted through its AbortSignal.',
  ERR_INVALID_HASH: 'A hash is malformed (bad hex, wrong length) or of another algorithm.',
  ERR_UNKNOWN_ALGORITHM: 'No algorithm of that name is registered.',
  ERR_UNKNOWN_METHOD: 'No matching method of that name exists (see METHODS or `imprint match --help`).',
  ERR_ALGORITHM_MISMATCH: 'Two hashes, or a hash and an index, are of different algorithms.',
  ERR_HASH_LIST_SYNTAX: 'A line of a hash list cannot be parsed; the error names the source and line.',
  ERR_INDEX_CORRUPT: 'An index file is truncated, corrupt or fails its checksum.',
  ERR_INDEX_VERSION: 'An index file was written by an unsupported format version.',
  ERR_LIST_EMPTY:
    'A hash list or index yields no usable hash (empty, comments or a header only, every line skipped, or every row another algorithm): matching against it would answer "no" to everything.',
  ERR_INDEX_DERIVATION:
    "An index or fingerprint list was made by another version of a method's derived hashes, which would silently stop matching: rebuild it.",
  ERR_SHARP_UNAVAILABLE:
    'sharp (and its native libvips binary) could not be loaded on this platform: reinstall it with its prebuilt binary.',
  ERR_FFMPEG_MISSING: 'FFmpeg (ffmpeg and ffprobe) is not installed or not at the configured path.',
  ERR_VIDEO_UNREADABLE: 'FFmpeg cannot read the file as a video (not a video, corrupt, or an unknown codec).',
  ERR_VIDEO_NO_STREAM: 'The file has no video stream (for example audio only).',
  ERR_VIDEO_NO_FRAMES: 'The video stream decoded to zero frames.',
  ERR_VIDEO_TOO_LONG: 'The video is longer than the configured duration limit.',
  ERR_UNSUPPORTED_ENVIRONMENT:
    'The runtime lacks an API this needs (e.g. createImageBitmap or a canvas in an old browser).',
  ERR_INTERNAL: 'An unexpected failure inside imprint or a library it uses (a bug: please report).',
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in a source (a file or a stream) an error happened. */
export interface ErrorLocation {
  /** File path or a caller-chosen source name. */
  source?: string;
  /** 1-based line number, for text formats. */
  line?: number;
  /** Byte offset, for binary formats. */
  offset?: number;
}

/**
 * The one error class imprint throws or reports. Switch on `code`, not on the message.
 *
 * @example
 * ```ts
 * try {
 *   await hashImage('upload.jpg');
 * } catch (err) {
 *   if (err instanceof ImprintError && err.code === 'ERR_IMAGE_TOO_SMALL') skip();
 *   else throw err;
 * }
 * ```
 */
export class ImprintError extends Error {
  override readonly name = 'ImprintError';
  readonly code: ErrorCode;
  readonly location: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; location?: ErrorLocation } = {}) {
    super(
      withLocation(message, options.location),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.location = options.location;
  }

  /** A plain object for JSON output (`{ code, message }`). */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

function withLocation(message: string, loc: ErrorLocation | undefined): string {
  if (!loc) return message;
  const where = [loc.source, loc.line === undefined ? undefined : `line ${loc.line}`]
    .filter((s) => s !== undefined)
    .join(':');
  const at = loc.offset === undefined ? '' : ` (byte ${loc.offset})`;
  return where || at ? `${where}${at}: ${message}` : message;
}

/**
 * True when `err` is an {@link ImprintError}, optionally with the given code.
 *
 * @example
 * ```ts
 * try {
 *   await hashImage(path);
 * } catch (err) {
 *   if (!isImprintError(err, 'ERR_IMAGE_CORRUPT')) throw err;
 * }
 * ```
 */
export function isImprintError(err: unknown, code?: ErrorCode): err is ImprintError {
  return err instanceof ImprintError && (code === undefined || err.code === code);
}

/**
 * Wraps anything thrown into an {@link ImprintError}, keeping ones that already are.
 *
 * @example
 * ```ts
 * try {
 *   await hashImage(path);
 * } catch (err) {
 *   const e = toImprintError(err); // any thrown value, as an ImprintError
 *   console.error(e.code, e.message);
 * }
 * ```
 */
export function toImprintError(err: unknown, fallback: ErrorCode = 'ERR_INTERNAL'): ImprintError {
  if (err instanceof ImprintError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ImprintError(fallback, message, { cause: err });
}

/** The same error with `source` as its location, unless it already names one. */
export function withSource(err: ImprintError, source: string | undefined): ImprintError {
  if (source === undefined || err.location?.source !== undefined) return err;
  return new ImprintError(err.code, err.message, { cause: err.cause, location: { ...err.location, source } });
}

/** Throws ERR_INVALID_ARGUMENT in the "Expected X for Y but received Z" form. */
export function invalidArgument(expected: string, name: string, received: unknown): ImprintError {
  let shown: string;
  try {
    shown = typeof received === 'string' ? JSON.stringify(received) : String(received);
  } catch {
    shown = typeof received;
  }
  return new ImprintError('ERR_INVALID_ARGUMENT', `Expected ${expected} for ${name} but received ${shown}`);
}

/**
 * Throws `ERR_ABORTED` when `signal` has been aborted (the signal's reason as the cause): the one
 * check every long operation makes between steps.
 *
 * @example
 * ```ts
 * for (const file of files) {
 *   throwIfAborted(signal);
 *   await work(file);
 * }
 * ```
 */
export function throwIfAborted(
  signal: AbortSignal | undefined,
  message = 'Aborted',
  location?: ErrorLocation,
): void {
  if (signal?.aborted) throw new ImprintError('ERR_ABORTED', message, { cause: signal.reason, location });
}
