import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, hashToHex } from '../core/hash.js';
import { csvField } from './csv.js';
import { canonicalAlgorithmName } from './signal-types.js';
import type { HashListWriteFormat } from './types.js';

/** What the writer takes: a hash and optional metadata (a `HashListEntry` or an index entry). */
export interface HashListWriteEntry {
  readonly hash: Hash;
  readonly metadata?: unknown;
}

/** Options for writing a hash list. */
export interface HashListWriterOptions {
  format: HashListWriteFormat;
  /**
   * CSV only: the metadata columns after `hash`. Default: the keys of the first entry's metadata
   * object (`metadata` when it is a string, none when it is absent).
   */
  columns?: readonly string[];
}

const WRITE_FORMATS: readonly string[] = ['plain', 'hash-metadata', 'csv', 'ndjson'];
/** Keys the reader would take for the hash, its type or its quality: not allowed as metadata. */
const NDJSON_RESERVED = ['hash', 'algorithm', 'quality', 'hashValue', 'hashRecords'];
const CSV_RESERVED = ['hash', 'signal', 'signal_str', 'signal_type', 'algorithm'];

/**
 * Writes a hash list entry by entry, as text the readers read back to the same hashes and
 * metadata:
 * - `plain`: the hex, one per line (metadata is not written).
 * - `hash-metadata`: `hex,metadata` (string metadata verbatim; an object as JSON).
 * - `csv`: a `hash` column and one column per metadata key, RFC 4180 quoting.
 * - `ndjson`: `{"hash","algorithm","quality"?,...metadata}` per line, like `imprint hash --json`.
 *
 * Metadata that the format cannot carry faithfully (a line break in a line format, a key the
 * reader would take for the hash) is refused with ERR_INVALID_ARGUMENT rather than altered.
 * Every entry must be of the same algorithm as the first (ERR_ALGORITHM_MISMATCH).
 *
 * @example
 * ```ts
 * const writer = new HashListWriter({ format: 'csv' });
 * let text = '';
 * for (const entry of entries) text += writer.write(entry);
 * text += writer.end();
 * ```
 */
export class HashListWriter {
  readonly format: HashListWriteFormat;
  #columns: string[] | undefined;
  #algorithm: string | undefined;
  #bits = 0;
  #headerDone = false;
  #count = 0;

  constructor(options: HashListWriterOptions) {
    if (!WRITE_FORMATS.includes(options?.format)) {
      throw invalidArgument(`one of ${WRITE_FORMATS.join(', ')}`, 'format', options?.format);
    }
    this.format = options.format;
    if (options.columns !== undefined) this.#columns = checkColumns([...options.columns]);
  }

  /** Entries written so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * The text for one entry (for CSV, the header comes before the first).
   *
   * @example
   * ```ts
   * new HashListWriter({ format: 'hash-metadata' }).write({ hash, metadata: 'case-7' }); // '<hex>,case-7\n'
   * ```
   */
  write(entry: HashListWriteEntry): string {
    const hash = entry?.hash;
    if (!hash || typeof hash.algorithm !== 'string' || !(hash.bytes instanceof Uint8Array)) {
      throw invalidArgument('an entry with a hash', 'entry', entry);
    }
    if (this.#algorithm === undefined) {
      this.#algorithm = hash.algorithm;
      this.#bits = hash.bits;
    } else if (hash.algorithm !== this.#algorithm || hash.bits !== this.#bits) {
      throw new ImprintError(
        'ERR_ALGORITHM_MISMATCH',
        `Entry ${this.#count + 1} is a ${hash.bits}-bit ${hash.algorithm} hash but the list holds ` +
          `${this.#bits}-bit ${this.#algorithm} hashes`,
      );
    }
    const hex = hashToHex(hash);
    const metadata = entry.metadata;
    let text: string;
    switch (this.format) {
      case 'plain':
        text = `${hex}\n`;
        break;
      case 'hash-metadata':
        text = metadata === undefined ? `${hex}\n` : `${hex},${oneLine(metadataText(metadata))}\n`;
        break;
      case 'csv':
        text = this.#csvRow(hex, metadata);
        break;
      default:
        text = `${ndjsonRecord(hex, hash, metadata)}\n`;
    }
    this.#count++;
    return text;
  }

  /**
   * The text that ends the list: for CSV with no entry, the header alone.
   *
   * @example
   * ```ts
   * new HashListWriter({ format: 'csv', columns: ['case'] }).end(); // 'hash,case\n'
   * ```
   */
  end(): string {
    if (this.format !== 'csv' || this.#headerDone) return '';
    this.#headerDone = true;
    return this.#header(this.#columns ?? []);
  }

  #csvRow(hex: string, metadata: unknown): string {
    const values = csvValues(metadata);
    let head = '';
    if (!this.#headerDone) {
      this.#columns ??= checkColumns(values === undefined ? [] : Object.keys(values));
      for (const column of this.#columns) {
        // The reader prefers a column named after the algorithm to the `hash` column.
        if (canonicalAlgorithmName(column) === this.#algorithm) {
          throw invalidArgument(`a column name other than the algorithm's`, 'CSV column', column);
        }
      }
      head = this.#header(this.#columns);
      this.#headerDone = true;
    }
    const columns = this.#columns!;
    if (values !== undefined) {
      for (const key of Object.keys(values)) {
        if (!columns.includes(key)) {
          throw invalidArgument(
            `metadata keys among the CSV columns (${columns.join(', ')})`,
            'metadata',
            key,
          );
        }
      }
    }
    const cells = [hex];
    for (const column of columns)
      cells.push(csvField(values && Object.hasOwn(values, column) ? values[column]! : ''));
    return `${head}${cells.join(',')}\n`;
  }

  #header(columns: readonly string[]): string {
    return `${['hash', ...columns].map(csvField).join(',')}\n`;
  }
}

/**
 * The whole list as one string (see {@link HashListWriter} for the formats).
 *
 * @example
 * ```ts
 * const text = formatHashList(parseHashList(csvText).entries, { format: 'ndjson' });
 * ```
 */
export function formatHashList(
  entries: Iterable<HashListWriteEntry>,
  options: HashListWriterOptions,
): string {
  const writer = new HashListWriter(options);
  const parts: string[] = [];
  for (const entry of entries) parts.push(writer.write(entry));
  parts.push(writer.end());
  return parts.join('');
}

function metadataText(metadata: unknown): string {
  return typeof metadata === 'string' ? metadata : toJson(metadata);
}

/** JSON.stringify, with its TypeErrors (cycles, BigInt) as ERR_INVALID_ARGUMENT. */
function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw invalidArgument('metadata that JSON can represent', 'metadata', (err as Error).message);
  }
}

function oneLine(text: string): string {
  if (/[\r\n]/.test(text)) {
    throw invalidArgument('metadata without line breaks (use csv or ndjson)', 'hash-metadata metadata', text);
  }
  return text;
}

/** Metadata as CSV cells: an object's values as text, a string as a `metadata` column. */
function csvValues(metadata: unknown): Record<string, string> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata === 'string') return { metadata };
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw invalidArgument('a string or an object', 'CSV metadata', metadata);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const text =
      value === undefined || value === null ? '' : typeof value === 'object' ? toJson(value) : String(value);
    Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkColumns(columns: string[]): string[] {
  const seen = new Set<string>();
  for (const column of columns) {
    if (typeof column !== 'string') throw invalidArgument('string column names', 'columns', column);
    const lower = column.trim().toLowerCase();
    if (CSV_RESERVED.includes(lower) || column !== column.trim() || seen.has(column)) {
      throw invalidArgument(
        'distinct column names without surrounding spaces, other than hash, signal, signal_str, signal_type, algorithm',
        'CSV column',
        column,
      );
    }
    seen.add(column);
  }
  return columns;
}

function ndjsonRecord(hex: string, hash: Hash, metadata: unknown): string {
  const record: Record<string, unknown> = { hash: hex, algorithm: hash.algorithm };
  if (hash.quality !== undefined) record['quality'] = hash.quality;
  if (metadata === undefined || metadata === null) return toJson(record);
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    record['metadata'] = metadata;
    return toJson(record);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (NDJSON_RESERVED.includes(key)) {
      throw invalidArgument(`metadata keys other than ${NDJSON_RESERVED.join(', ')}`, 'NDJSON metadata', key);
    }
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return toJson(record);
}
