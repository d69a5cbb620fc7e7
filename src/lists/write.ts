import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, hashToHex } from '../core/hash.js';
import type { FormatWriter } from './format.js';
import { LIST_FORMATS, WRITE_FORMATS } from './formats/index.js';
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

/**
 * Writes a hash list entry by entry, as text the readers read back to the same hashes and
 * metadata (where the format has room for metadata), and the tools it is named after import:
 * - `plain`: the hex, one per line (metadata is not written).
 * - `hash-metadata`: `hex,metadata` (string metadata verbatim; an object as JSON).
 * - `csv`: a `hash` column and one column per metadata key, RFC 4180 quoting.
 * - `ndjson`: `{"hash","algorithm","quality"?,...metadata}` per line, like `imprint hash --json`.
 * - `threatexchange`: `pdq <hex>` (python-threatexchange's file format; no metadata).
 * - `hma`: `{"pdq":"<hex>"}` per line (HMA's bank signal import; no metadata).
 * - `stopncii`: `{"hashValue","signalType":"ImagePDQ"|"VideoMD5",...metadata}` per line.
 * - `pdq-photo-hasher`: `hex,quality,path` (metadata: the path).
 * - `pdq-int64`: `w0,w1,w2,w3,quality,path` (metadata: the path).
 *
 * Metadata that the format cannot carry faithfully (a line break in a line format, a key the
 * reader would take for the hash) is refused with ERR_INVALID_ARGUMENT rather than altered, as is
 * an algorithm the format's tool has no type for. Every entry must be of the same algorithm as
 * the first (ERR_ALGORITHM_MISMATCH).
 *
 * @example
 * ```ts
 * const writer = new HashListWriter({ format: 'threatexchange' });
 * let text = '';
 * for (const entry of entries) text += writer.write(entry);
 * text += writer.end();
 * ```
 */
export class HashListWriter {
  readonly format: HashListWriteFormat;
  readonly #impl: FormatWriter;
  #algorithm: string | undefined;
  #bits = 0;
  #count = 0;

  constructor(options: HashListWriterOptions) {
    if (!WRITE_FORMATS.includes(options?.format)) {
      throw invalidArgument(`one of ${WRITE_FORMATS.join(', ')}`, 'format', options?.format);
    }
    this.format = options.format;
    const format = LIST_FORMATS.find((f) => f.writes === options.format)!;
    this.#impl = format.writer!(options.columns === undefined ? {} : { columns: options.columns });
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
    const text = this.#impl.write({
      hash,
      hex: hashToHex(hash),
      metadata: entry.metadata,
      position: this.#count + 1,
    });
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
    return this.#impl.end();
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
