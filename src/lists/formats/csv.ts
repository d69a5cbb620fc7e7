/**
 * `csv`: CSV with a header line (RFC 4180 quoting), separated by commas, semicolons or tabs
 * (`threatexchange dataset -P --csv`, spreadsheet exports, hand-written TSV). The hash column is
 * the one the header names (`hashColumn`, else a column named after the algorithm: `pdq`,
 * `pdq_hash`, `PDQ Hash`, `hash_pdq`; else `hash`, `signal_str`, `signal`, `hash_value`...;
 * else one named after another algorithm, whose rows are then of that type), or, when no name is
 * recognised, the one column whose cells are all hashes of the algorithm. A `signal_type` /
 * `algorithm` / `hash_type` column types each row. The other columns are the metadata.
 *
 * A quote left open at the end of a line normally continues the field on the next line (RFC
 * 4180). When that next line is a complete row of its own whose hash cell holds a hash, the quote
 * was a mistake: the broken row is reported at its line and reading goes on with the new row.
 */
import { invalidArgument } from '../../core/errors.js';
import { CsvRecordReader, CsvSyntaxError, csvField, parseCsvLine } from '../csv.js';
import {
  clip,
  isHashText,
  type LineReader,
  type ListFormat,
  type ReadContext,
  type ReadSink,
} from '../format.js';
import { canonicalAlgorithmName, knownTypeNames } from '../signal-types.js';

const SEPARATORS = ['\t', ';', ','] as const;

/** Header names of a column of hashes of no particular type (after {@link normalName}). */
const HASH_COLUMN_NAMES = [
  'hash',
  'signal_str',
  'signal',
  'hash_value',
  'hashvalue',
  'hash_digest',
  'hash_string',
  'signal_value',
  'hashes',
];
/** Header names of a column saying, per row, which algorithm the row's hash is. */
const TYPE_COLUMN_NAMES = ['signal_type', 'algorithm', 'hash_type', 'signaltype', 'hashtype'];
/** Rows looked at to find the hash column by content, when no header name is recognised. */
const CONTENT_ROWS = 32;

/** A header name compared case-, space- and hyphen-insensitively: `PDQ Hash` -> `pdq_hash`. */
export function normalName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The algorithm a column name stands for (`pdq_hash`, `hash_pdq`, `video_md5`...), if any. */
function columnAlgorithm(name: string, knownAlgorithms: readonly string[]): string | undefined {
  const n = normalName(name);
  for (const candidate of [n, n.replace(/_?hash$/, ''), n.replace(/^hash_/, '')]) {
    if (candidate === '' || candidate === 'hash') continue;
    const canonical = canonicalAlgorithmName(candidate);
    if (knownAlgorithms.includes(canonical) || knownTypeNames().includes(candidate)) return canonical;
  }
  return undefined;
}

/**
 * True when a CSV writer must not use `name` for a metadata column of an `algorithm` list: the
 * reader would take it for the hash column (it prefers a column named after the algorithm to
 * `hash`) or for the type column.
 */
export function isReservedColumn(name: string, algorithm: string): boolean {
  const n = normalName(name);
  return (
    HASH_COLUMN_NAMES.includes(n) ||
    TYPE_COLUMN_NAMES.includes(n) ||
    columnAlgorithm(name, [algorithm]) === algorithm
  );
}

/**
 * Which column of a header holds the hashes, by name: `hashColumn` when given, else the first
 * naming the algorithm itself, then the generic names in order, then any column named after
 * another algorithm. -1 when none does.
 */
export function findHashColumn(
  header: readonly string[],
  algorithm: string,
  knownAlgorithms: readonly string[],
  hashColumn?: string,
): number {
  const names = header.map(normalName);
  if (hashColumn !== undefined) return names.indexOf(normalName(hashColumn));
  const own = header.findIndex((h) => columnAlgorithm(h, knownAlgorithms) === algorithm);
  if (own >= 0) return own;
  for (const candidate of HASH_COLUMN_NAMES) {
    const i = names.indexOf(candidate);
    if (i >= 0) return i;
  }
  return header.findIndex((h) => columnAlgorithm(h, knownAlgorithms) !== undefined);
}

interface HeaderChoice {
  separator: string;
  fields: string[];
  /** Index of the hash column found by name, or -1. */
  hashIndex: number;
}

/** The separator and fields of a header line: the separator whose split names a hash column, else the one giving the most fields. */
function chooseHeader(line: string, ctx: ReadContext): HeaderChoice | undefined {
  let best: HeaderChoice | undefined;
  for (const separator of SEPARATORS) {
    if (!line.includes(separator) && separator !== ',') continue;
    const fields = parseCsvLine(line, separator);
    if (fields === undefined) continue;
    const hashIndex = findHashColumn(fields, ctx.algorithm, ctx.knownAlgorithms, ctx.hashColumn);
    const choice = { separator, fields, hashIndex };
    if (hashIndex >= 0) return choice;
    if (best === undefined || fields.length > best.fields.length) best = choice;
  }
  return best;
}

/** A header of names: no cell holds a hash (of any algorithm) or a number, and some cell has a letter. */
function looksLikeHeader(fields: readonly string[], ctx: ReadContext): boolean {
  return (
    fields.every(
      (f) =>
        !isHashText(f, ctx) &&
        !/[0-9a-fA-F]{16}/.test(f) &&
        !/^\s*(0[xX])?[0-9a-fA-F]{8,}\s*$/.test(f) &&
        !/^\s*-?[0-9.]+\s*$/.test(f),
    ) && fields.some((f) => /[A-Za-z]/.test(f))
  );
}

/** The one column whose cells are all hashes of the algorithm (-1 when none or several). */
function hashColumnByContent(rows: readonly (readonly string[])[], width: number, ctx: ReadContext): number {
  if (rows.length === 0) return -1;
  let found = -1;
  for (let c = 0; c < width; c++) {
    if (rows.every((r) => r.length === width && isHashText(r[c]!, ctx))) {
      if (found >= 0) return -2;
      found = c;
    }
  }
  return found;
}

function headerNotRecognised(header: readonly string[], ctx: ReadContext, several: boolean): string {
  const columns = header.map((h) => `"${clip(h, 40)}"`).join(', ');
  if (ctx.hashColumn !== undefined)
    return `CSV header has no column "${ctx.hashColumn}" (columns: ${columns})`;
  return several
    ? `CSV header names no hash column and several columns hold hashes (columns: ${columns}): choose one with hashColumn (--hash-column)`
    : `CSV header not recognised: no hash column (columns: ${columns}); name it hash, ${ctx.algorithm}, ` +
        `${ctx.algorithm}_hash, signal or signal_str, or give it with hashColumn (--hash-column)`;
}

export const csvFormat: ListFormat = {
  name: 'csv',
  summary:
    'CSV or TSV with a header naming the hash column (`hash`, `pdq`, `pdq_hash`, `PDQ Hash`, `signal_str`...)',
  writes: 'csv',

  detect(sample, ctx) {
    const choice = chooseHeader(sample[0] ?? '', ctx);
    if (choice === undefined) return 0;
    // A header naming a hash column decides, whatever the rows hold (they may be bad).
    if (choice.hashIndex >= 0 && choice.fields.every((f) => !isHashText(f, ctx))) return sample.length + 0.5;
    if (choice.fields.length < 2 || !looksLikeHeader(choice.fields, ctx)) return 0;
    const rows = sample.slice(1).map((l) => parseCsvLine(l, choice.separator));
    const width = choice.fields.length;
    const same = rows.filter((r) => r !== undefined && r.length === width) as string[][];
    if (hashColumnByContent(same, width, ctx) >= 0) return same.length + 1;
    // Rows shaped like the header but no hash column: CSV all the same, so the error names the header.
    return (same.length + 1) / 2;
  },

  open(ctx, sink) {
    return new CsvReader(ctx, sink);
  },

  writer(options) {
    return new CsvWriter(options.columns);
  },
};

class CsvReader implements LineReader {
  readonly kind = 'lines';
  readonly #ctx: ReadContext;
  readonly #sink: ReadSink;
  #reader: CsvRecordReader | undefined;
  #separator = ',';
  #header: string[] | undefined;
  #hashIndex = -1;
  #typeIndex = -1;
  /** Type named by the hash column's header (a `pdq` or `md5` column), if any. */
  #columnType: string | undefined;
  #recordLine = 0;
  #recordLength = 0;
  #headerLine = 0;
  /** Rows held back while the hash column is found by content. */
  #held: { fields: string[]; line: number }[] | undefined;

  constructor(ctx: ReadContext, sink: ReadSink) {
    this.#ctx = ctx;
    this.#sink = sink;
  }

  get inRecord(): boolean {
    return this.#reader?.inRecord ?? false;
  }

  get takesComments(): boolean {
    return this.#header === undefined; // after the header a # row is data
  }

  line(text: string, lineNo: number, lineBreak: string): void {
    if (this.#reader === undefined) {
      this.#separator = chooseHeader(text, this.#ctx)?.separator ?? ',';
      this.#reader = new CsvRecordReader(this.#separator);
    }
    const reader = this.#reader;
    if (reader.inRecord && this.#header !== undefined && this.#startsRow(text)) {
      // The open quote was a mistake: this line is a row of its own.
      reader.abandon();
      this.#sink.problem(
        'ERR_HASH_LIST_SYNTAX',
        'Quoted field not closed on this line (the next line is a row of its own)',
        this.#recordLine,
      );
    }
    if (!reader.inRecord) {
      this.#recordLine = lineNo;
      this.#recordLength = 0;
    }
    this.#recordLength += text.length + lineBreak.length;
    if (this.#recordLength > this.#ctx.maxLength) {
      this.#sink.fatal(
        'ERR_HASH_LIST_SYNTAX',
        `CSV record longer than ${this.#ctx.maxLength} characters (an unclosed quote?)`,
        this.#recordLine,
      );
    }
    let fields: string[] | undefined;
    try {
      fields = reader.feedLine(text, lineBreak);
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      if (this.#header === undefined)
        this.#sink.fatal('ERR_HASH_LIST_SYNTAX', `CSV header: ${err.message}`, this.#recordLine);
      this.#sink.problem('ERR_HASH_LIST_SYNTAX', err.message, this.#recordLine);
      return;
    }
    if (fields === undefined) return; // a quoted field goes on
    if (this.#header === undefined) this.#readHeader(fields);
    else if (this.#held !== undefined) this.#hold(fields, this.#recordLine);
    else this.#row(fields, this.#recordLine);
  }

  end(): void {
    const reader = this.#reader;
    if (reader?.inRecord) {
      try {
        reader.end();
      } catch (err) {
        if (this.#header === undefined)
          this.#sink.fatal('ERR_HASH_LIST_SYNTAX', `CSV header: ${(err as Error).message}`, this.#recordLine);
        this.#sink.problem('ERR_HASH_LIST_SYNTAX', (err as Error).message, this.#recordLine);
      }
    }
    if (this.#held !== undefined) this.#chooseByContent();
  }

  /** True when `text` alone parses as a row of the header's width with a hash in the hash column. */
  #startsRow(text: string): boolean {
    if (this.#hashIndex < 0) return false;
    const fields = parseCsvLine(text, this.#separator);
    return (
      fields !== undefined &&
      fields.length === this.#header!.length &&
      isHashText(fields[this.#hashIndex]!, this.#ctx)
    );
  }

  #readHeader(fields: string[]): void {
    const header = fields.map((f) => f.trim());
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name))
        this.#sink.fatal('ERR_HASH_LIST_SYNTAX', `CSV header names column "${name}" twice`, this.#recordLine);
      seen.add(name);
    }
    this.#header = header;
    this.#headerLine = this.#recordLine;
    const ctx = this.#ctx;
    const hashIndex = findHashColumn(header, ctx.algorithm, ctx.knownAlgorithms, ctx.hashColumn);
    if (hashIndex >= 0) this.#useColumn(hashIndex);
    else if (ctx.hashColumn !== undefined || header.length < 2 || !looksLikeHeader(header, ctx))
      this.#sink.fatal('ERR_HASH_LIST_SYNTAX', headerNotRecognised(header, ctx, false), this.#recordLine);
    else this.#held = []; // find the column from the rows
  }

  #useColumn(hashIndex: number): void {
    const header = this.#header!;
    this.#hashIndex = hashIndex;
    this.#typeIndex = header.findIndex(
      (h, i) => i !== hashIndex && TYPE_COLUMN_NAMES.includes(normalName(h)),
    );
    const hashName = header[hashIndex]!;
    const named = columnAlgorithm(hashName, this.#ctx.knownAlgorithms);
    if (named !== undefined && !HASH_COLUMN_NAMES.includes(normalName(hashName))) this.#columnType = named;
  }

  #hold(fields: string[], line: number): void {
    this.#held!.push({ fields, line });
    if (this.#held!.length >= CONTENT_ROWS) this.#chooseByContent();
  }

  #chooseByContent(): void {
    const held = this.#held!;
    this.#held = undefined;
    const header = this.#header!;
    const column = hashColumnByContent(
      held.map((r) => r.fields),
      header.length,
      this.#ctx,
    );
    if (column < 0) {
      this.#sink.fatal(
        'ERR_HASH_LIST_SYNTAX',
        headerNotRecognised(header, this.#ctx, column === -2),
        this.#headerLine,
      );
    }
    this.#useColumn(column);
    for (const row of held) this.#row(row.fields, row.line);
  }

  #row(fields: string[], line: number): void {
    const header = this.#header!;
    if (fields.length !== header.length) {
      this.#sink.problem(
        'ERR_HASH_LIST_SYNTAX',
        `Expected ${header.length} fields as in the header but found ${fields.length}`,
        line,
      );
      return;
    }
    const typeCell = this.#typeIndex >= 0 ? fields[this.#typeIndex]!.trim() : '';
    const declaredType = typeCell !== '' ? typeCell : this.#columnType;
    const pairs: [string, string][] = [];
    for (let i = 0; i < header.length; i++) if (i !== this.#hashIndex) pairs.push([header[i]!, fields[i]!]);
    this.#sink.entry(
      {
        hex: fields[this.#hashIndex]!.trim(),
        ...(declaredType === undefined ? {} : { declaredType }),
        // fromEntries defines own properties: a "__proto__" column stays plain data.
        metadata: pairs.length === 0 ? undefined : Object.fromEntries(pairs),
      },
      line,
    );
  }
}

/** Writes a `hash` column and one column per metadata key, RFC 4180 quoting. */
class CsvWriter {
  #columns: string[] | undefined;
  #headerDone = false;

  constructor(columns: readonly string[] | undefined) {
    if (columns !== undefined) this.#columns = checkColumns([...columns]);
  }

  write({ hex, hash, metadata }: { hex: string; hash: { algorithm: string }; metadata: unknown }): string {
    const values = csvValues(metadata);
    let head = '';
    if (!this.#headerDone) {
      this.#columns ??= checkColumns(values === undefined ? [] : Object.keys(values));
      for (const column of this.#columns) {
        // The reader takes a column named after an algorithm for the hash or its type.
        if (isReservedColumn(column, hash.algorithm)) {
          throw invalidArgument(`a column name other than the algorithm's`, 'CSV column', column);
        }
      }
      head = header(this.#columns);
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

  end(): string {
    if (this.#headerDone) return '';
    this.#headerDone = true;
    return header(this.#columns ?? []);
  }
}

function header(columns: readonly string[]): string {
  return `${['hash', ...columns].map(csvField).join(',')}\n`;
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
    let text: string;
    if (value === undefined || value === null) text = '';
    else if (typeof value === 'object') {
      try {
        text = JSON.stringify(value);
      } catch (err) {
        throw invalidArgument('metadata that JSON can represent', 'metadata', (err as Error).message);
      }
    } else text = String(value);
    Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkColumns(columns: string[]): string[] {
  const seen = new Set<string>();
  for (const column of columns) {
    if (typeof column !== 'string') throw invalidArgument('string column names', 'columns', column);
    const n = normalName(column);
    if (
      HASH_COLUMN_NAMES.includes(n) ||
      TYPE_COLUMN_NAMES.includes(n) ||
      column !== column.trim() ||
      seen.has(column)
    ) {
      throw invalidArgument(
        `distinct column names without surrounding spaces, other than ${[...HASH_COLUMN_NAMES, ...TYPE_COLUMN_NAMES].join(', ')}`,
        'CSV column',
        column,
      );
    }
    seen.add(column);
  }
  return columns;
}
