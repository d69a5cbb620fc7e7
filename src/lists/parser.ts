import { getAlgorithm, listAlgorithms } from '../algorithms/registry.js';
import { type ErrorCode, ImprintError, invalidArgument } from '../core/errors.js';
import { hashFromHex, hexLength } from '../core/hash.js';
import {
  clip,
  isHex,
  type LineReader,
  type ListFormat,
  type RawEntry,
  type ReadContext,
  type ReadSink,
  type ReadStart,
  stripHexPrefix,
  type TextReader,
} from './format.js';
import { LIST_FORMATS, listFormat, READ_FORMATS } from './formats/index.js';
import { plainFormat } from './formats/plain.js';
import { canonicalAlgorithmName } from './signal-types.js';
import type { HashListEntry, HashListStats, ReadHashListOptions } from './types.js';

/** Default cap on one line, CSV record or JSON record, in characters. */
export const DEFAULT_MAX_LINE_LENGTH = 1_048_576;
/** At most this many skipped-line errors are kept in `problems` (all are counted and reported). */
export const MAX_KEPT_PROBLEMS = 1000;
/** Significant lines (not blank, not `#`) the format is detected from, at most. */
export const DETECT_SAMPLE_LINES = 64;
/** ... and at most this many characters of them. */
const DETECT_SAMPLE_CHARS = 256 * 1024;

const BLANK = /^[ \t\r\f\v]*$/;

interface HeldLine {
  readonly text: string;
  readonly line: number;
  readonly lineBreak: string;
}

/**
 * The push parser behind every hash-list reader: feed it text (`push`), then `end()`; each call
 * returns the entries completed so far. Pure: no I/O, no Node built-ins. Malformed lines throw an
 * {@link ImprintError} naming the source and line, or are reported and skipped when `lenient`;
 * a list that yields no usable hash ends in ERR_LIST_EMPTY (from `end()`), never in an empty
 * result. Most code wants {@link readHashList} or {@link parseHashList} instead; this is for
 * sources that push text (a WebSocket, a worker message).
 *
 * The format is given, or detected: a document format (JSON, NDJSON, XML) from the first line
 * that is not blank or a `#` comment, a line format from what a sample of the first lines holds
 * (each format counts the lines it can read; the one that reads the most wins).
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

  readonly #ctx: ReadContext;
  readonly #sink: ReadSink;
  /** The format asked for; `undefined` to detect one. */
  readonly #format: ListFormat | undefined;
  readonly #source: string | undefined;
  readonly #lenient: boolean;
  readonly #onProblem: ((error: ImprintError) => void) | undefined;
  readonly #skipOthers: boolean;
  readonly #includeWithdrawn: boolean;
  /** Hex lengths of the other registered algorithms, for rows typed only by their length. */
  readonly #otherLengths = new Map<number, string[]>();

  #out: HashListEntry[] = [];
  #started = false;
  #ended = false;
  #pending = '';
  #discarding = false;
  #linesDone = 0;
  /** start: before the first significant line; sample: detecting; lines / text: reading. */
  #stage: 'start' | 'sample' | 'lines' | 'text' = 'start';
  #autoDetected = false;
  #reader: LineReader | undefined;
  #text: TextReader | undefined;
  #held: HeldLine[] = [];
  #sample: string[] = [];
  #sampleChars = 0;

  constructor(options: ReadHashListOptions = {}) {
    const algorithm = getAlgorithm(options.algorithm ?? 'pdq');
    const format = options.format ?? 'auto';
    if (format !== 'auto' && !READ_FORMATS.includes(format)) {
      throw invalidArgument(`one of auto, ${READ_FORMATS.join(', ')}`, 'format', format);
    }
    const others = options.otherAlgorithms ?? 'error';
    if (others !== 'error' && others !== 'skip')
      throw invalidArgument('"error" or "skip"', 'otherAlgorithms', others);
    const withdrawn = options.withdrawn ?? 'skip';
    if (withdrawn !== 'skip' && withdrawn !== 'include') {
      throw invalidArgument('"skip" or "include"', 'withdrawn', withdrawn);
    }
    const max = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!Number.isSafeInteger(max) || max < 1)
      throw invalidArgument('a positive integer', 'maxLineLength', max);

    const knownAlgorithms = listAlgorithms().map((a) => a.name);
    this.#ctx = {
      algorithm: algorithm.name,
      bits: algorithm.bits,
      hexDigits: hexLength(algorithm.bits),
      knownAlgorithms,
      hashColumn: options.hashColumn,
      maxLength: max,
      stopnciiOnly: format === 'stopncii',
    };
    for (const other of listAlgorithms()) {
      const digits = hexLength(other.bits);
      if (digits === this.#ctx.hexDigits) continue;
      this.#otherLengths.set(digits, [...(this.#otherLengths.get(digits) ?? []), other.name]);
    }
    this.#format = format === 'auto' ? undefined : listFormat(format);
    this.#source = options.source;
    this.#lenient = options.lenient ?? false;
    this.#onProblem = options.onProblem;
    this.#skipOthers = others === 'skip';
    this.#includeWithdrawn = withdrawn === 'include';
    this.#sink = {
      entry: (raw, line) => this.#accept(raw, line),
      problem: (code, message, line) => this.#problem(code, message, line),
      fatal: (code, message, line) => this.#fatal(code, message, line),
      withdrawnRecord: () => {
        this.stats.withdrawn++;
      },
      otherTypes: (types) => this.#filter(types.join('+')),
      shape: (name) => {
        if (this.#autoDetected) this.stats.format = name;
      },
    };
  }

  /** The line being read (for errors found outside the parser, such as bad UTF-8). */
  get currentLine(): number {
    return this.#stage === 'text' && this.#text ? this.#text.line : this.#linesDone + 1;
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
    if (this.#stage === 'text') this.#text!.push(text);
    else this.#splitLines(text);
    return this.#take();
  }

  /**
   * Ends the input: reads a last line without a newline, reports anything left unclosed, and
   * throws ERR_LIST_EMPTY when the list gave no usable hash.
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
    if (this.#stage !== 'text') {
      if (this.#discarding) {
        this.#discarding = false;
        this.#linesDone++;
      } else if (this.#pending.length > 0) {
        const line = this.#pending.endsWith('\r') ? this.#pending.slice(0, -1) : this.#pending;
        this.#pending = '';
        this.#linesDone++;
        this.#line(line, this.#linesDone, '');
      }
    }
    if (this.#stage === 'sample') this.#decide();
    if (this.#stage === 'text') {
      this.#text!.end();
      this.stats.lines = this.#text!.lines;
    } else {
      this.#reader?.end();
      this.stats.lines = this.#linesDone;
    }
    this.#checkNotEmpty();
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
      if (raw.length > this.#ctx.maxLength && !(this.#stage === 'start' && mayBeDocument(raw))) {
        this.#overlong(this.#linesDone);
      } else if (raw.endsWith('\r')) this.#line(raw.slice(0, -1), this.#linesDone, '\r\n');
      else this.#line(raw, this.#linesDone, '\n');
      if (this.#stage === 'text') {
        // A document format took this line: its reader takes the rest as it is.
        this.#text!.push(text.slice(start));
        return;
      }
    }
  }

  #appendPending(piece: string): void {
    if (this.#discarding) return;
    this.#pending += piece;
    if (this.#stage === 'start') {
      const first = this.#pending.trimStart()[0];
      // A document may be one very long line: open it before the line ends.
      if (first === '[' || first === '<' || (first === '{' && this.#pending.length > this.#ctx.maxLength)) {
        const text = this.#pending;
        this.#pending = '';
        this.#begin(text, this.#linesDone + 1, '', true);
        if ((this.#stage as string) === 'text') return;
        this.#pending = text; // a line format: the line is read when it ends
      }
    }
    if (this.#pending.length > this.#ctx.maxLength) {
      this.#pending = '';
      this.#discarding = true;
      this.#overlong(this.#linesDone + 1);
    }
  }

  #overlong(line: number): void {
    const message = `Line longer than ${this.#ctx.maxLength} characters (raise maxLineLength if it is genuine)`;
    if (this.#reader?.inRecord) this.#fatal('ERR_HASH_LIST_SYNTAX', message, line);
    this.#problem('ERR_HASH_LIST_SYNTAX', message, line);
  }

  /** One line without its line break (`lineBreak` says which it was; CSV keeps it in quoted fields). */
  #line(text: string, lineNo: number, lineBreak: string): void {
    switch (this.#stage) {
      case 'start':
        if (BLANK.test(text)) this.stats.blankLines++;
        else if (text.trimStart().startsWith('#')) this.stats.commentLines++;
        else this.#begin(text, lineNo, lineBreak, false);
        return;
      case 'sample':
        this.#held.push({ text, line: lineNo, lineBreak });
        if (!BLANK.test(text) && !text.trimStart().startsWith('#')) {
          this.#sample.push(text);
          this.#sampleChars += text.length;
          if (this.#sample.length >= DETECT_SAMPLE_LINES || this.#sampleChars >= DETECT_SAMPLE_CHARS)
            this.#decide();
        }
        return;
      default: {
        const reader = this.#reader!;
        if (!reader.inRecord) {
          if (BLANK.test(text)) {
            this.stats.blankLines++;
            return;
          }
          if (reader.takesComments && text.trimStart().startsWith('#')) {
            this.stats.commentLines++;
            return;
          }
        }
        reader.line(text, lineNo, lineBreak);
      }
    }
  }

  /** The first significant line: open the format given, or one that claims it, or start sampling. */
  #begin(text: string, lineNo: number, lineBreak: string, partial: boolean): void {
    let format = this.#format;
    if (format === undefined) {
      format = LIST_FORMATS.find((f) => f.claim?.(text, partial, this.#ctx));
      if (format === undefined) {
        if (partial) return;
        this.#stage = 'sample';
        this.#line(text, lineNo, lineBreak);
        return;
      }
      this.#autoDetected = true;
    }
    this.#open(format, { text, line: lineNo, partial }, lineBreak);
  }

  #open(format: ListFormat, start: ReadStart, lineBreak: string): void {
    this.stats.format = format.name;
    const reader = format.open(this.#ctx, this.#sink, start);
    if (reader.kind === 'text') {
      this.#stage = 'text';
      this.#text = reader;
      reader.push(start.partial ? start.text : start.text + lineBreak);
      return;
    }
    this.#stage = 'lines';
    this.#reader = reader;
    if (!start.partial) this.#line(start.text, start.line, lineBreak);
  }

  /** Picks the format that reads the most lines of the sample, then reads the held lines with it. */
  #decide(): void {
    let best: ListFormat = plainFormat;
    let bestScore = 0;
    for (const format of LIST_FORMATS) {
      const score = format.detect?.(this.#sample, this.#ctx) ?? 0;
      if (score > bestScore) {
        best = format;
        bestScore = score;
      }
    }
    const held = this.#held;
    this.#held = [];
    this.#sample = [];
    this.#autoDetected = true;
    const [first, ...rest] = held;
    this.#open(best, { text: first!.text, line: first!.line, partial: false }, first!.lineBreak);
    for (const h of rest) {
      if (this.#stage === 'text') this.#text!.push(h.text + h.lineBreak);
      else this.#line(h.text, h.line, h.lineBreak);
    }
  }

  // ---- Validation ----------------------------------------------------------------------------

  #accept(raw: RawEntry, lineNo: number): void {
    if (raw.withdrawn && !this.#includeWithdrawn) {
      this.stats.withdrawn++;
      return;
    }
    const { algorithm, hexDigits, bits, knownAlgorithms } = this.#ctx;
    const declared = raw.declaredType;
    if (declared !== undefined && canonicalAlgorithmName(declared) !== algorithm) {
      const unknown = !knownAlgorithms.includes(canonicalAlgorithmName(declared));
      this.#other(
        declared,
        `The list gives this hash's type as "${clip(declared)}", not ${algorithm}` +
          (unknown ? ' (not an algorithm imprint computes)' : ''),
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
        this.#problem('ERR_HASH_LIST_SYNTAX', 'Expected "quality" to be an integer from 0 to 100', lineNo);
        return;
      }
      quality = q;
    }
    const hex = stripHexPrefix(raw.hex.trim());
    const others =
      declared === undefined && hex.length !== hexDigits && isHex(hex) && this.#otherLengths.get(hex.length);
    if (others) {
      // A 32-digit MD5 in a PDQ column: another algorithm by its length.
      this.#other(
        `${hex.length} hex digits`,
        `This hash has ${hex.length} hex digits, as ${others.join(' or ')} hashes do, not ${hexDigits} as ${algorithm}`,
        lineNo,
      );
      return;
    }
    let hash: ReturnType<typeof hashFromHex>;
    try {
      hash = hashFromHex(algorithm, bits, hex, quality);
    } catch (err) {
      this.#problem('ERR_INVALID_HASH', (err as Error).message, lineNo);
      return;
    }
    this.stats.entries++;
    this.#out.push({ hash, metadata: raw.metadata, line: lineNo });
  }

  /** A row of another hash type: counted and skipped with `otherAlgorithms: 'skip'`, else an error. */
  #other(type: string, message: string, lineNo: number): void {
    if (this.#skipOthers) this.#filter(type);
    else
      this.#problem(
        'ERR_INVALID_HASH',
        `${message} (read with otherAlgorithms: 'skip', --skip-other-types, to skip rows of other types)`,
        lineNo,
      );
  }

  #filter(type: string): void {
    this.stats.filtered++;
    this.stats.filteredTypes[type] = (this.stats.filteredTypes[type] ?? 0) + 1;
  }

  /** ERR_LIST_EMPTY when nothing usable came out: the one place a list is refused for it. */
  #checkNotEmpty(): void {
    const s = this.stats;
    if (s.entries > 0) return;
    const { algorithm, knownAlgorithms } = this.#ctx;
    const parts: string[] = [];
    if (s.skipped) parts.push(`${count(s.skipped, 'malformed line')} skipped`);
    if (s.filtered) {
      const types = Object.entries(s.filteredTypes).map(([t, n]) => `${t}: ${n}`);
      parts.push(`${count(s.filtered, 'row')} of other hash types skipped (${types.join(', ')})`);
    }
    if (s.withdrawn) parts.push(`${count(s.withdrawn, 'withdrawn record')} skipped`);
    if (s.commentLines) parts.push(count(s.commentLines, 'comment line'));
    if (s.blankLines) parts.push(count(s.blankLines, 'blank line'));
    const what =
      s.lines === 0
        ? 'the list is empty'
        : `${count(s.lines, 'line')} read${s.format ? ` as ${s.format}` : ''}: ${parts.length > 0 ? parts.join(', ') : 'no hash in them'}`;
    const typeNames = [...new Set(Object.keys(s.filteredTypes).flatMap((t) => t.split('+')))].filter(
      (t) => !t.endsWith('hex digits') && t !== 'no fingerprint',
    );
    const unsupported = typeNames.filter((t) => !knownAlgorithms.includes(canonicalAlgorithmName(t)));
    const readable = [
      ...new Set(typeNames.map(canonicalAlgorithmName).filter((t) => knownAlgorithms.includes(t))),
    ];
    const hints: string[] = [];
    if (readable.length > 0)
      hints.push(`its ${readable.join(', ')} rows can be read as such (algorithm, --algo)`);
    if (unsupported.length > 0) hints.push(`${unsupported.join(', ')}: not an algorithm imprint computes`);
    throw new ImprintError(
      'ERR_LIST_EMPTY',
      `No usable ${algorithm} hash in the list: ${what}${hints.length > 0 ? `; ${hints.join('; ')}` : ''}`,
      this.#source === undefined ? {} : { location: { source: this.#source } },
    );
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

/** An over-long first line may be a JSON or XML document written on one line. */
function mayBeDocument(line: string): boolean {
  const first = line.trimStart()[0];
  return first === '[' || first === '{' || first === '<';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
