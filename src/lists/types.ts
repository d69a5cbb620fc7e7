import type { ImprintError } from '../core/errors.js';
import type { Hash } from '../core/hash.js';

/**
 * Hash-list formats the reader understands (`auto` detects one per list, from a sample of its
 * lines and their content). Each lives in its own file under `src/lists/formats/`:
 * - `plain`: one hex hash per line; text after the hash and a space or tab is kept as metadata
 *   (a line with a comma is read as in `hash-metadata`).
 * - `hash-metadata`: `hash,metadata` lines as ThreatExchange's PDQ tools read and write them
 *   (optional `hash=` prefix; everything after the first comma is metadata, verbatim).
 * - `pdq-photo-hasher`: the C++ `pdq-photo-hasher` lines `hash,quality,path` (quality read).
 * - `pdq-int64`: `pdq-photo-hasher --int64` lines: four signed 64-bit words, quality, path.
 * - `csv`: CSV (comma, semicolon or tab) with a header naming the hash column (`hash`, `pdq`,
 *   `pdq_hash`, `PDQ Hash`, `signal`, `signal_str`...), or one column of hashes found by content.
 * - `threatexchange`: `<signal type> <hash> [metadata]` lines, as the python-threatexchange CLI
 *   prints them (`threatexchange hash`, `threatexchange dataset -P`, `--photo-preprocess=rotations`).
 * - `vpdq`: vPDQ frame hashes, as `vpdq-hash-video` lines or as the JSON array of compact
 *   `"hash,quality,timestamp"` strings python-threatexchange and HMA store.
 * - `ndjson`: one JSON record per line (imprint's `--json` output, HMA or StopNCII records).
 * - `json`: one JSON document: an array of records, or an API response holding one
 *   (StopNCII FetchHashes `hashRecords`, Tech Against Terrorism `results`, a `data` array).
 * - `stopncii`: StopNCII hash records only, as NDJSON or a JSON document.
 * - `hma`: hasher-matcher-actioner signal records (`{"pdq": "<hash>"}`), one per line.
 * - `ncmec-xml`: NCMEC hash-sharing XML (MD5, SHA-1 and PhotoDNA fingerprints).
 */
export type HashListFormat =
  | 'plain'
  | 'hash-metadata'
  | 'pdq-photo-hasher'
  | 'pdq-int64'
  | 'csv'
  | 'threatexchange'
  | 'vpdq'
  | 'ndjson'
  | 'json'
  | 'stopncii'
  | 'hma'
  | 'ncmec-xml';

/**
 * Formats the writer produces, each one a list another tool imports:
 * - `plain`, `hash-metadata`, `csv`, `ndjson`: as read.
 * - `threatexchange`: `<signal type> <hash>` lines, python-threatexchange's file exchange format.
 * - `hma`: `{"pdq": "<hash>"}` per line, the body of HMA's `POST /c/bank/<bank>/signal`.
 * - `stopncii`: StopNCII hash records (`hashValue`, `signalType`, then the metadata).
 * - `pdq-photo-hasher`: `hash,quality,path`, the C++ hasher's lines.
 * - `pdq-int64`: `w0,w1,w2,w3,quality,path`, the C++ hasher's `--int64` lines.
 */
export type HashListWriteFormat =
  | 'plain'
  | 'hash-metadata'
  | 'csv'
  | 'ndjson'
  | 'threatexchange'
  | 'hma'
  | 'stopncii'
  | 'pdq-photo-hasher'
  | 'pdq-int64';

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
  /** Format of the list; `auto` (default) detects it from the first lines' shape and content. */
  format?: HashListFormat | 'auto';
  /** Name used in error locations, e.g. the file path. */
  source?: string;
  /** Report malformed lines (through `onProblem` and `problems`) and skip them instead of throwing. */
  lenient?: boolean;
  /** Called with each skipped malformed line's error when `lenient` is set. */
  onProblem?: (error: ImprintError) => void;
  /**
   * Rows of another hash type (a StopNCII `VideoMD5` record read as PDQ, a `signal_type` column
   * saying `video_md5`, a 32-digit MD5 in a PDQ column...): `error` (default) treats them as
   * malformed, `skip` skips them and counts them in `stats.filtered`.
   */
  otherAlgorithms?: 'error' | 'skip';
  /**
   * Records the source marks for deletion (StopNCII `hashStatus` `Withdrawn` or `Deleted`, Tech
   * Against Terrorism `deleted: true`, NCMEC deleted entries): `skip` (default, counted in
   * `stats.withdrawn`) or `include`.
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
  /** The format read (detected or given); `undefined` until it is known. */
  format: HashListFormat | undefined;
  /** Lines read (a last line without a newline counts). */
  lines: number;
  /** Entries produced. */
  entries: number;
  /** Malformed lines or records skipped because of `lenient`. */
  skipped: number;
  /** Rows of other algorithms skipped because of `otherAlgorithms: 'skip'`. */
  filtered: number;
  /**
   * `filtered` by the type name the list gave (e.g. `{ video_md5: 3 }`); rows typed only by
   * their length are counted as `"<n> hex digits"`.
   */
  filteredTypes: Record<string, number>;
  /** Records skipped because their source withdrew or deleted them. */
  withdrawn: number;
  blankLines: number;
  commentLines: number;
}
