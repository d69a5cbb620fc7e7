import { getAlgorithm, listAlgorithms } from '../algorithms/registry.js';
import { type ErrorCode, ImprintError, invalidArgument } from '../core/errors.js';
import { hashFromHex, hexLength } from '../core/hash.js';
import { CsvRecordReader, CsvSyntaxError } from './csv.js';
import { detectLineFormat, findHashColumn, isHashColumnName, TYPE_COLUMN_NAMES } from './detect.js';
import { JsonRecordScanner } from './json-scanner.js';
import { type RawEntry, RecordError, recordEntries } from './records.js';
import { canonicalAlgorithmName } from './signal-types.js';
import type { HashListEntry, HashListFormat, HashListStats, ReadHashListOptions } from './types.js';

/** Default cap on one line, CSV record or JSON record, in characters. */
export const DEFAULT_MAX_LINE_LENGTH = 1_048_576;
/** At most this many skipped-line errors are kept in `problems` (all are counted and reported). */
export const MAX_KEPT_PROBLEMS = 1000;

const FORMATS: readonly string[] = [
  'plain',
  'hash-metadata',
  'csv',
  'threatexchange',
  'ndjson',
  'json',
  'stopncii',
];
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const BLANK = /^[ \t\r\f\v]*$/;
const WHITESPACE = /[ \t]/;
const SEPARATOR = /[ \t,]/;

interface CsvState {
  readonly reader: CsvRecordReader;
  header?: string[];
  hashIndex: number;
  typeIndex: number;
  /** Type named by the hash column's header (a `pdq` or `md5` column), if any. */
  columnType?: string;
  recordLine: number;
  recordLength: number;
}

/**
 * The push parser behind every hash-list reader: feed it text (`push`), then `end()`; each call
 * returns the entries completed so far. Pure: no I/O, no Node built-ins. Malformed lines throw an
 * {@link ImprintError} naming the source and line, or are reported and skipped when `lenient`.
 * Most code wants {@link readHashList} or {@link parseHashList} instead; this is for sources
 * that push text (a WebSocket, a worker message).
 *
 * @example
 * ```ts
 * const parser = new HashListParser({ algorithm: 'pdq', source: 'upload' });
 * socket.onmessage = (event) => index.addAll(parser.push(event.data));
 * socket.onclose = () => index.addAll(parser.end());
 * ```
 */
export class HashListParser {
  readonly stats: HashListStats = {
    format: undefined,
    lines: 0,
    entries: 0,
    skipped: 0,
    filtered: 0,
    filteredTypes: {},
    withdrawn: 0,
    blankLines: 0,
    commentLines: 0,
  };
  readonly problems: ImprintError[] = [];

  readonly #algorithm: string;
  readonly #bits: number;
  readonly #hexDigits: number;
  readonly #knownAlgorithms: string[];
  readonly #source: string | undefined;
  readonly #lenient: boolean;
  readonly #onProblem: ((error: ImprintError) => void) | undefined;
  readonly #skipOthers: boolean;
  readonly #includeWithdrawn: boolean;
  readonly #hashColumn: string | undefined;
  readonly #maxLength: number;
  readonly #stopnciiOnly: boolean;

  #out: HashListEntry[] = [];
  #started = false;
  #ended = false;
  #pending = '';
  #discarding = false;
  #linesDone = 0;
  #stage: 'detect' | 'lines' | 'json';
  #csv: CsvState | undefined;
  #json: JsonRecordScanner | undefined;

  constructor(options: ReadHashListOptions = {}) {
    const algorithm = getAlgorithm(options.algorithm ?? 'pdq');
    this.#algorithm = algorithm.name;
    this.#bits = algorithm.bits;
    this.#hexDigits = hexLength(algorithm.bits);
    this.#knownAlgorithms = listAlgorithms().map((a) => a.name);
    this.#source = options.source;
    this.#lenient = options.lenient ?? false;
    this.#onProblem = options.onProblem;
    this.#hashColumn = options.hashColumn;
    const format = options.format ?? 'auto';
    if (format !== 'auto' && !FORMATS.includes(format)) {
      throw invalidArgument(`one of auto, ${FORMATS.join(', ')}`, 'format', format);
    }
    const others = options.otherAlgorithms ?? 'error';
    if (others !== 'error' && others !== 'skip')
      throw invalidArgument('"error" or "skip"', 'otherAlgorithms', others);
    this.#skipOthers = others === 'skip';
    const withdrawn = options.withdrawn ?? 'skip';
    if (withdrawn !== 'skip' && withdrawn !== 'include') {
      throw invalidArgument('"skip" or "include"', 'withdrawn', withdrawn);
    }
    this.#includeWithdrawn = withdrawn === 'include';
    const max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!Number.isSafeInteger(max) || max < 1)
      throw invalidArgument('a positive integer', 'maxLineLength', max);
    this.#maxLength = max;
    this.#stopnciiOnly = format === 'stopncii';

    if (format === 'auto' || format === 'stopncii') {
      this.#stage = 'detect';
      if (format === 'stopncii') this.stats.format = 'stopncii';
    } else if (format === 'json') {
      this.#stage = 'json';
      this.stats.format = 'json';
      this.#json = this.#newScanner(1);
    } else {
      this.#stage = 'lines';
      this.#setLineFormat(format);
    }
  }

  /** The line being read (for errors found outside the parser, such as bad UTF-8). */
  get currentLine(): number {
    return this.#stage === 'json' && this.#json ? this.#json.line : this.#linesDone + 1;
  }

  /**
   * Feeds the next piece of text (any split: mid-line, mid-record); returns the entries it completed.
   *
   * @example
   * ```ts
   * const parser = new HashListParser({ algorithm: 'pdq' });
   * const entries = [...parser.push(firstChunk), ...parser.push(secondChunk), ...parser.end()];
   * ```
   */
  push(text: string): HashListEntry[] {
    if (this.#ended) throw invalidArgument('no more text after end()', 'push', text.slice(0, 20));
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 byte order mark
    }
    if (this.#stage === 'json') this.#json!.push(text);
    else this.#splitLines(text);
    return this.#take();
  }

  /**
   * Ends the input: reads a last line without a newline and reports anything left unclosed.
   *
   * @example
   * ```ts
   * const parser = new HashListParser();
   * parser.push('f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22'); // [] (no newline yet)
   * parser.end(); // [the entry]
   * ```
   */
  end(): HashListEntry[] {
    if (this.#ended) return [];
    this.#ended = true;
    if (this.#stage !== 'json') {
      if (this.#discarding) {
        this.#discarding = false;
        this.#linesDone++;
      } else if (this.#pending.length > 0) {
        const line = stripCR(this.#pending);
        this.#pending = '';
        this.#linesDone++;
        this.#line(line, this.#linesDone);
      }
    }
    if (this.#stage === 'json') {
      const scanner = this.#json!;
      scanner.end();
      this.stats.lines = scanner.line - (scanner.atLineStart ? 1 : 0);
    } else {
      this.stats.lines = this.#linesDone;
      if (this.#csv?.reader.inRecord) {
        const line = this.#csv.recordLine;
        try {
          this.#csv.reader.end();
        } catch (err) {
          this.#problem('ERR_HASH_LIST_SYNTAX', (err as Error).message, line);
        }
      }
    }
    return this.#take();
  }

  #take(): HashListEntry[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  // ---- Lines ---------------------------------------------------------------------------------

  #splitLines(text: string): void {
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        this.#appendPending(text.slice(start));
        return;
      }
      if (this.#discarding) {
        // The rest of an over-long line, already reported.
        this.#discarding = false;
        this.#linesDone++;
        start = nl + 1;
        continue;
      }
      const raw = this.#pending.length > 0 ? this.#pending + text.slice(start, nl) : text.slice(start, nl);
      this.#pending = '';
      start = nl + 1;
      this.#linesDone++;
      if (raw.length > this.#maxLength && !(this.#stage === 'detect' && startsJson(raw))) {
        this.#overlong(this.#linesDone);
      } else if (raw.endsWith('\r')) this.#line(raw.slice(0, -1), this.#linesDone, '\r\n');
      else this.#line(raw, this.#linesDone, '\n');
      if (this.#stage === 'json') {
        // Detection chose JSON on this line: the scanner takes the rest as it is.
        this.#json!.push(text.slice(start));
        return;
      }
    }
  }

  #appendPending(piece: string): void {
    if (this.#discarding) return;
    this.#pending += piece;
    if (this.#stage === 'detect') {
      const first = this.#pending.trimStart()[0];
      // A JSON document may be one very long line: switch before the line is complete.
      if (first === '[' || (first === '{' && this.#pending.length > this.#maxLength)) {
        const text = this.#pending;
        this.#pending = '';
        this.#startJson(this.#linesDone + 1, text);
        return;
      }
    }
    if (this.#pending.length > this.#maxLength) {
      this.#pending = '';
      this.#discarding = true;
      this.#overlong(this.#linesDone + 1);
    }
  }

  #overlong(line: number): void {
    const message = `Line longer than ${this.#maxLength} characters (raise maxLineLength if it is genuine)`;
    if (this.#csv?.reader.inRecord) this.#fatal('ERR_HASH_LIST_SYNTAX', message, line);
    this.#problem('ERR_HASH_LIST_SYNTAX', message, line);
  }

  /** One line without its line break (`lineBreak` says which it was; only CSV keeps it). */
  #line(line: string, lineNo: number, lineBreak = ''): void {
    const csv = this.#csv;
    if (csv?.reader.inRecord) {
      this.#csvLine(csv, line, lineNo, lineBreak);
      return;
    }
    if (BLANK.test(line)) {
      this.stats.blankLines++;
      return;
    }
    // CSV has no comments: after the header, a row starting with # is data.
    if (csv?.header === undefined && line.trimStart().startsWith('#')) {
      this.stats.commentLines++;
      return;
    }
    if (this.#stage === 'detect') {
      this.#detect(line, lineNo, lineBreak);
      return;
    }
    switch (this.stats.format) {
      case 'csv':
        this.#csvLine(csv!, line, lineNo, lineBreak);
        return;
      case 'plain':
        this.#plainLine(line, lineNo);
        return;
      case 'hash-metadata':
        this.#hashMetadataLine(line, lineNo);
        return;
      case 'threatexchange':
        this.#threatexchangeLine(line, lineNo);
        return;
      default: // ndjson, and stopncii framed as NDJSON
        this.#ndjsonLine(line, lineNo);
    }
  }

  #detect(line: string, lineNo: number, lineBreak: string): void {
    const first = line.trimStart()[0];
    if (first === '[') {
      this.#startJson(lineNo, `${line}\n`);
      return;
    }
    if (first === '{') {
      if (line.length > this.#maxLength) {
        // Too long to be one NDJSON record: a JSON document written on one line.
        this.#startJson(lineNo, `${line}\n`);
        return;
      }
      let parsed: unknown;
      let ok = true;
      try {
        parsed = JSON.parse(line);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.#startJson(lineNo, `${line}\n`);
        return;
      }
      this.#setLineFormat(this.#stopnciiOnly ? 'stopncii' : 'ndjson');
      this.#stage = 'lines';
      this.#acceptRecord(parsed, lineNo);
      return;
    }
    if (this.#stopnciiOnly) {
      this.#fatal('ERR_HASH_LIST_SYNTAX', 'Expected StopNCII hash records as JSON or NDJSON', lineNo);
    }
    const format = detectLineFormat(
      line,
      this.#hexDigits,
      this.#algorithm,
      this.#knownAlgorithms,
      this.#hashColumn,
    );
    this.#setLineFormat(format);
    this.#stage = 'lines';
    this.#line(line, lineNo, lineBreak);
  }

  #setLineFormat(format: HashListFormat): void {
    // A stopncii list framed as NDJSON keeps its name; its lines are read as NDJSON records.
    this.stats.format = format;
    if (format === 'csv') {
      this.#csv = {
        reader: new CsvRecordReader(),
        hashIndex: -1,
        typeIndex: -1,
        recordLine: 0,
        recordLength: 0,
      };
    }
  }

  /** The line parser used for NDJSON records, including StopNCII lists framed as NDJSON. */
  #ndjsonLine(line: string, lineNo: number): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      this.#problem('ERR_HASH_LIST_SYNTAX', `Invalid JSON: ${(err as Error).message}`, lineNo);
      return;
    }
    this.#acceptRecord(value, lineNo);
  }

  /**
   * A hash, then optionally metadata after a space or tab (python-threatexchange `dataset -P -s
   * pdq` prints the collaboration and metadata there) or after a comma, read as `hash,metadata`
   * (so lists that mix bare hashes and `hash,metadata` lines read the same in either format).
   */
  #plainLine(line: string, lineNo: number): void {
    const text = line.trim();
    const cut = text.search(SEPARATOR);
    if (cut < 0) this.#accept({ hex: text, metadata: undefined }, lineNo);
    else if (text[cut] === ',') this.#hashMetadataLine(line, lineNo);
    else this.#accept({ hex: text.slice(0, cut), metadata: text.slice(cut).trimStart() }, lineNo);
  }

  /**
   * `hash,metadata` as ThreatExchange's C++ PDQ tools read it (`pdq/cpp/io/hashio.cpp`
   * `loadHashAndMetadataFromStream`): split at the first comma, an optional `hash=` prefix on the
   * hash, the rest kept verbatim. `pdq-photo-hasher` writes `hash,quality,path` and, with
   * `--details`, `hash=<hex>,norm=..,delta=..,quality=..,filename=..`; both read this way.
   */
  #hashMetadataLine(line: string, lineNo: number): void {
    const comma = line.indexOf(',');
    let hex = (comma < 0 ? line : line.slice(0, comma)).trim();
    if (hex.startsWith('hash=')) hex = hex.slice(5).trim();
    this.#accept({ hex, metadata: comma < 0 ? undefined : line.slice(comma + 1) }, lineNo);
  }

  /**
   * `<signal type> <hash> [metadata]` as python-threatexchange prints signals: `threatexchange
   * hash` (`cli/hash_cmd.py`: `pdq <hash>`), `threatexchange dataset -P` (`cli/dataset_cmd.py`:
   * type, hash, then the collaboration and metadata), and the lines its local file exchange
   * stores (`exchanges/impl/file_api.py`).
   */
  #threatexchangeLine(line: string, lineNo: number): void {
    const text = line.trim();
    const space = text.search(WHITESPACE);
    const type = space < 0 ? text : text.slice(0, space);
    const rest = space < 0 ? '' : text.slice(space).trimStart();
    const space2 = rest.search(WHITESPACE);
    const hex = space2 < 0 ? rest : rest.slice(0, space2);
    if (!TYPE_NAME.test(type) || hex.length === 0) {
      this.#problem(
        'ERR_HASH_LIST_SYNTAX',
        `Expected "<signal type> <hash>" but received "${clip(text)}"`,
        lineNo,
      );
      return;
    }
    const metadata = space2 < 0 ? undefined : rest.slice(space2).trimStart();
    this.#accept({ hex, declaredType: type, metadata }, lineNo);
  }

  #csvLine(csv: CsvState, line: string, lineNo: number, lineBreak: string): void {
    if (!csv.reader.inRecord) {
      csv.recordLine = lineNo;
      csv.recordLength = 0;
    }
    csv.recordLength += line.length + lineBreak.length;
    if (csv.recordLength > this.#maxLength) {
      this.#fatal(
        'ERR_HASH_LIST_SYNTAX',
        `CSV record longer than ${this.#maxLength} characters (an unclosed quote?)`,
        csv.recordLine,
      );
    }
    let fields: string[] | undefined;
    try {
      fields = csv.reader.feedLine(line, lineBreak);
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      if (csv.header === undefined)
        this.#fatal('ERR_HASH_LIST_SYNTAX', `CSV header: ${err.message}`, csv.recordLine);
      this.#problem('ERR_HASH_LIST_SYNTAX', err.message, csv.recordLine);
      return;
    }
    if (fields === undefined) return; // a quoted field goes on
    if (csv.header === undefined) this.#csvHeader(csv, fields);
    else this.#csvRow(csv, fields);
  }

  #csvHeader(csv: CsvState, fields: string[]): void {
    const header = fields.map((f) => f.trim());
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name))
        this.#fatal('ERR_HASH_LIST_SYNTAX', `CSV header names column "${name}" twice`, csv.recordLine);
      seen.add(name);
    }
    const hashIndex = findHashColumn(header, this.#algorithm, this.#knownAlgorithms, this.#hashColumn);
    if (hashIndex < 0) {
      const wanted =
        this.#hashColumn === undefined
          ? `a "hash", "${this.#algorithm}", "signal" or "signal_str" column`
          : `the column "${this.#hashColumn}"`;
      this.#fatal(
        'ERR_HASH_LIST_SYNTAX',
        `CSV header has no hash column: expected ${wanted}`,
        csv.recordLine,
      );
    }
    csv.header = header;
    csv.hashIndex = hashIndex;
    csv.typeIndex = header.findIndex(
      (h, i) => i !== hashIndex && TYPE_COLUMN_NAMES.includes(h.toLowerCase()),
    );
    const hashName = header[hashIndex]!;
    const lower = hashName.toLowerCase();
    const generic = lower === 'hash' || lower === 'signal' || lower === 'signal_str';
    if (!generic && isHashColumnName(hashName, this.#algorithm, this.#knownAlgorithms))
      csv.columnType = hashName;
  }

  #csvRow(csv: CsvState, fields: string[]): void {
    const header = csv.header!;
    if (fields.length !== header.length) {
      this.#problem(
        'ERR_HASH_LIST_SYNTAX',
        `Expected ${header.length} fields as in the header but found ${fields.length}`,
        csv.recordLine,
      );
      return;
    }
    const typeCell = csv.typeIndex >= 0 ? fields[csv.typeIndex]!.trim() : '';
    const declaredType = typeCell !== '' ? typeCell : csv.columnType;
    const pairs: [string, string][] = [];
    for (let i = 0; i < header.length; i++) if (i !== csv.hashIndex) pairs.push([header[i]!, fields[i]!]);
    this.#accept(
      {
        hex: fields[csv.hashIndex]!.trim(),
        ...(declaredType === undefined ? {} : { declaredType }),
        // fromEntries defines own properties: a "__proto__" column stays plain data.
        metadata: pairs.length === 0 ? undefined : Object.fromEntries(pairs),
      },
      csv.recordLine,
    );
  }

  // ---- JSON ----------------------------------------------------------------------------------

  #startJson(firstLine: number, text: string): void {
    this.#stage = 'json';
    if (this.stats.format === undefined) this.stats.format = 'json';
    this.#json = this.#newScanner(firstLine);
    this.#json.push(text);
  }

  #newScanner(firstLine: number): JsonRecordScanner {
    return new JsonRecordScanner(
      {
        record: (text, line) => {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (err) {
            this.#problem('ERR_HASH_LIST_SYNTAX', `Invalid JSON record: ${(err as Error).message}`, line);
            return;
          }
          this.#acceptRecord(value, line);
        },
        oversized: (line) =>
          this.#problem(
            'ERR_HASH_LIST_SYNTAX',
            `JSON record longer than ${this.#maxLength} characters`,
            line,
          ),
        fail: (message, line) => this.#fatal('ERR_HASH_LIST_SYNTAX', message, line),
      },
      this.#maxLength,
      firstLine,
    );
  }

  #acceptRecord(value: unknown, lineNo: number): void {
    let raws: RawEntry[];
    try {
      raws = recordEntries(value, this.#algorithm, this.#stopnciiOnly);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      this.#problem('ERR_HASH_LIST_SYNTAX', err.message, lineNo);
      return;
    }
    for (const raw of raws) this.#accept(raw, lineNo);
  }

  // ---- Validation ----------------------------------------------------------------------------

  #accept(raw: RawEntry, lineNo: number): void {
    if (raw.withdrawn && !this.#includeWithdrawn) {
      this.stats.withdrawn++;
      return;
    }
    const declared = raw.declaredType;
    if (declared !== undefined && canonicalAlgorithmName(declared) !== this.#algorithm) {
      if (this.#skipOthers) {
        this.stats.filtered++;
        this.stats.filteredTypes[declared] = (this.stats.filteredTypes[declared] ?? 0) + 1;
        return;
      }
      this.#problem(
        'ERR_INVALID_HASH',
        `The list gives this hash's type as "${clip(declared)}", not ${this.#algorithm} ` +
          `(read with otherAlgorithms: 'skip' to skip rows of other types)`,
        lineNo,
      );
      return;
    }
    if (typeof raw.hex !== 'string') {
      this.#problem(
        'ERR_INVALID_HASH',
        `Expected the hash as a string but received ${typeof raw.hex}`,
        lineNo,
      );
      return;
    }
    let quality: number | undefined;
    if (raw.quality !== undefined && raw.quality !== null) {
      const q = raw.quality;
      if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > 100) {
        this.#problem('ERR_HASH_LIST_SYNTAX', `Expected "quality" to be an integer from 0 to 100`, lineNo);
        return;
      }
      quality = q;
    }
    let hash: ReturnType<typeof hashFromHex>;
    try {
      hash = hashFromHex(this.#algorithm, this.#bits, raw.hex.trim(), quality);
    } catch (err) {
      this.#problem('ERR_INVALID_HASH', (err as Error).message, lineNo);
      return;
    }
    this.stats.entries++;
    this.#out.push({ hash, metadata: raw.metadata, line: lineNo });
  }

  #location(line: number): { source?: string; line: number } {
    return this.#source === undefined ? { line } : { source: this.#source, line };
  }

  /** A bad line or record: thrown, or (lenient) reported and skipped. */
  #problem(code: ErrorCode, message: string, line: number): void {
    const error = new ImprintError(code, message, { location: this.#location(line) });
    if (!this.#lenient) throw error;
    this.stats.skipped++;
    if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push(error);
    this.#onProblem?.(error);
  }

  /** A problem reading cannot go past (broken structure, bad header): always thrown. */
  #fatal(code: ErrorCode, message: string, line: number): never {
    throw new ImprintError(code, message, { location: this.#location(line) });
  }
}

function startsJson(line: string): boolean {
  const first = line.trimStart()[0];
  return first === '[' || first === '{';
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
