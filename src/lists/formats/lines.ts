/** Pieces the line formats share. */
import { invalidArgument } from '../../core/errors.js';
import type { LineReader } from '../format.js';

/** Wraps a per-line function as a {@link LineReader} (no multi-line records, `#` comments allowed). */
export function eachLine(read: (text: string, lineNo: number) => void): LineReader {
  return { kind: 'lines', line: read, end() {}, inRecord: false, takesComments: true };
}

/** Counts the lines of `sample` for which `fits` holds. */
export function countLines(sample: readonly string[], fits: (line: string) => boolean): number {
  let n = 0;
  for (const line of sample) if (fits(line)) n++;
  return n;
}

/** Refuses metadata a one-line format would have to alter (a line break). */
export function oneLine(text: string, format: string): string {
  if (/[\r\n]/.test(text)) {
    throw invalidArgument('metadata without line breaks (use csv or ndjson)', `${format} metadata`, text);
  }
  return text;
}

/** JSON.stringify, with its TypeErrors (cycles, BigInt) as ERR_INVALID_ARGUMENT. */
export function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw invalidArgument('metadata that JSON can represent', 'metadata', (err as Error).message);
  }
}

/** Metadata as one line of text: a string verbatim, anything else as JSON. */
export function metadataText(metadata: unknown): string {
  return typeof metadata === 'string' ? metadata : toJson(metadata);
}

/**
 * The file path a "hash,quality,path" line carries: string metadata, or an object's `path` (or
 * `filename`) when that is all it holds; anything else cannot be written without loss.
 */
export function pathOf(metadata: unknown, format: string): string {
  if (metadata === undefined || metadata === null) return '';
  if (typeof metadata === 'string') return oneLine(metadata, format);
  if (typeof metadata === 'object' && !Array.isArray(metadata)) {
    const keys = Object.keys(metadata);
    const key = keys.length === 1 ? keys[0] : undefined;
    const value = key === undefined ? undefined : (metadata as Record<string, unknown>)[key];
    if ((key === 'path' || key === 'filename') && typeof value === 'string') return oneLine(value, format);
  }
  throw invalidArgument(
    'a path (string metadata, or an object with only "path")',
    `${format} metadata`,
    metadata,
  );
}
