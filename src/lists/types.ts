import type { ImprintError } from '../core/errors.js';
import type { Hash } from '../core/hash.js';

/**
 * Hash-list formats the reader understands (`auto` detects one per list):
 * - `plain`: one hex hash per line; text after the hash and a space or tab is kept as metadata
 *   (a line with a comma is read as in `hash-metadata`).
 * - `hash-metadata`: `hash,metadata` lines as ThreatExchange's PDQ tools read and write them
 *   (optional `hash=` prefix; everything after the first comma is metadata, verbatim).
 * - `csv`: RFC 4180 CSV with a header naming a `hash`, `pdq`, `signal` or `signal_str` column.
 * - `threatexchange`: `<signal type> <hash> [metadata]` lines, as the python-threatexchange CLI
 *   prints them (`threatexchange hash`, `threatexchange dataset -P`).
 * - `ndjson`: one JSON record per line (imprint's `--json` output, HMA or StopNCII records).
 * - `json`: one JSON document: an array of records, or an API response holding one
 *   (StopNCII FetchHashes `hashRecords`, a Graph-API-style `data` array).
 * - `stopncii`: StopNCII hash records only, as NDJSON or a JSON document.
 */
export type HashListFormat =
  | 'plain'
  | 'hash-metadata'
  | 'csv'
  | 'threatexchange'
  | 'ndjson'
  | 'json'
  | 'stopncii';

/** Formats the writer produces. */
export type HashListWriteFormat = 'plain' | 'hash-metadata' | 'csv' | 'ndjson';

/**
 * What a list line carries besides its hash: the verbatim text of line formats, an object of
 * column -> value for CSV, the rest of the record for JSON formats, or `undefined`.
 */
export type HashListMetadata = string | Readonly<Record<string, unknown>> | undefined;

/** One hash read from a list. */
export interface HashListEntry {
  readonly hash: Hash;
  readonly metadata: HashListMetadata;
  /** 1-based line where the entry starts in its source. */
  readonly line: number;
}

/** Options for reading a hash list. */
export interface ReadHashListOptions {
  /** Algorithm every hash is validated against (its registered name). Default `pdq`. */
  algorithm?: string;
  /** Format of the list; `auto` (default) detects it from the first line that is not blank or `#`. */
  format?: HashListFormat | 'auto';
  /** Name used in error locations, e.g. the file path. */
  source?: string;
  /** Report malformed lines (through `onProblem` and `problems`) and skip them instead of throwing. */
  lenient?: boolean;
  /** Called with each skipped malformed line's error when `lenient` is set. */
  onProblem?: (error: ImprintError) => void;
  /**
   * Rows whose declared type names another algorithm (a StopNCII `VideoMD5` record read as PDQ, a
   * `signal_type` column saying `video_md5`...): `error` (default) treats them as malformed,
   * `skip` skips them and counts them in `stats.filtered`.
   */
  otherAlgorithms?: 'error' | 'skip';
  /**
   * StopNCII records whose `hashStatus` is `Withdrawn` or `Deleted` (StopNCII asks platforms to
   * delete them): `skip` (default, counted in `stats.withdrawn`) or `include`.
   */
  withdrawn?: 'skip' | 'include';
  /** CSV only: the header of the hash column, when the default choice is not the right one. */
  hashColumn?: string;
  /** Longest line, CSV record or JSON record accepted, in characters. Default 1,048,576. */
  maxLineLength?: number;
  /** Stops reading with ERR_ABORTED. */
  signal?: AbortSignal;
}

/** Counts kept while reading, so nothing is dropped without a trace. */
export interface HashListStats {
  /** The format read (detected or given); `undefined` until the first significant line. */
  format: HashListFormat | undefined;
  /** Lines read (a last line without a newline counts). */
  lines: number;
  /** Entries produced. */
  entries: number;
  /** Malformed lines or records skipped because of `lenient`. */
  skipped: number;
  /** Rows of other algorithms skipped because of `otherAlgorithms: 'skip'`. */
  filtered: number;
  /** `filtered` by the type name the list gave (e.g. `{ video_md5: 3 }`). */
  filteredTypes: Record<string, number>;
  /** StopNCII records skipped because they are withdrawn or deleted. */
  withdrawn: number;
  blankLines: number;
  commentLines: number;
}
