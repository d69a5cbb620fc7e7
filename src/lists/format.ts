/**
 * The contract every hash-list format keeps. One file per format under `formats/` exports a
 * {@link ListFormat}: how to recognise the format, how to read it, and (when others import it)
 * how to write it. `formats/index.ts` lists them; a new format joins with one line there.
 * The list parser (`parser.ts`) owns what every format shares: line splitting, limits, the
 * validation of each hash, counts, errors and their line numbers.
 */
import type { ErrorCode } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { HashListFormat, HashListMetadata, HashListWriteFormat } from './types.js';

/** A hash as a format found it, before the list parser validates it. */
export interface RawEntry {
  /** The hash text as the source gives it (`0x` prefix allowed). */
  readonly hex: unknown;
  /** The hash type the source names, if it names one. */
  readonly declaredType?: string;
  readonly quality?: unknown;
  readonly metadata: HashListMetadata;
  /** The source asks for this hash to be deleted (StopNCII withdrawn, TAT deleted). */
  readonly withdrawn?: boolean;
}

/** What a format knows about the list being read. */
export interface ReadContext {
  /** Registered name of the algorithm the list is read as. */
  readonly algorithm: string;
  readonly bits: number;
  /** Hex digits of one hash of the algorithm. */
  readonly hexDigits: number;
  /** Names of every registered algorithm. */
  readonly knownAlgorithms: readonly string[];
  /** The caller's choice of CSV hash column, if any. */
  readonly hashColumn: string | undefined;
  /** Longest line or record accepted, in characters. */
  readonly maxLength: number;
  /** Only StopNCII records are accepted (format `stopncii`). */
  readonly stopnciiOnly: boolean;
}

/** Where a format reports what it read. */
export interface ReadSink {
  /** A hash found at `line` (validated by the parser, which counts and filters it). */
  entry(raw: RawEntry, line: number): void;
  /** A bad line or record: thrown, or reported and skipped when lenient. */
  problem(code: ErrorCode, message: string, line: number): void;
  /** A problem reading cannot go past: always thrown. */
  fatal(code: ErrorCode, message: string, line: number): never;
  /** A record the source withdrew and that holds no hash to check (an NCMEC deleted entry). */
  withdrawnRecord(): void;
  /** A record of other hash types only (an NCMEC entry with no fingerprint of the algorithm). */
  otherTypes(types: readonly string[]): void;
  /** Names the shape actually found, when a format reads several (JSON holding vPDQ frames). */
  shape(format: HashListFormat): void;
}

/** A reader fed line by line (line breaks removed; `lineBreak` says which one ended the line). */
export interface LineReader {
  readonly kind: 'lines';
  /**
   * One line. Blank lines and `#` comments are counted and left out by the parser, except while
   * {@link inRecord} (they belong to the record) and `#` lines when {@link takesComments} is false.
   */
  line(text: string, lineNo: number, lineBreak: string): void;
  /** End of input: report anything left open. */
  end(): void;
  /** A record spans lines and goes on (a quoted CSV field). */
  readonly inRecord: boolean;
  /** `#` lines are comments here (false after a CSV header: a `#` row is data). */
  readonly takesComments: boolean;
}

/** A reader fed raw text in any split (JSON and XML documents). */
export interface TextReader {
  readonly kind: 'text';
  push(text: string): void;
  end(): void;
  /** The 1-based line being read. */
  readonly line: number;
  /** Lines read, once ended. */
  readonly lines: number;
}

/** The first significant line of a list, where its reader opens. */
export interface ReadStart {
  /** Its text (without the line break); when `partial`, what has arrived of it so far. */
  readonly text: string;
  /** Its 1-based line number. */
  readonly line: number;
  /** The line has not ended yet (a long one-line JSON document, say). */
  readonly partial: boolean;
}

/** What a writer gets: the entry, and its hash already checked and turned into hex. */
export interface WriteItem {
  readonly hash: Hash;
  readonly hex: string;
  readonly metadata: unknown;
  /** 1-based position of the entry in the list (for error messages). */
  readonly position: number;
}

/** Writes one list in one format. */
export interface FormatWriter {
  /** The text for one entry (with its line break; a header may come before the first). */
  write(item: WriteItem): string;
  /** The text that ends the list (a CSV header when there was no entry). */
  end(): string;
}

/** Options every writer may use. */
export interface FormatWriterOptions {
  /** CSV: the metadata columns after `hash`. */
  readonly columns?: readonly string[];
}

/** One hash-list format: recognise, read, write. */
export interface ListFormat {
  readonly name: HashListFormat;
  /** One line on what it is and who writes it (README and CLI help). */
  readonly summary: string;
  /**
   * Claims the list from its first significant line (not blank, not `#`): formats recognised by
   * their first characters (JSON documents, NDJSON, XML). `partial` is true while that line is
   * still incomplete (it has not ended yet, or is longer than the line limit).
   */
  claim?(firstLine: string, partial: boolean, ctx: ReadContext): boolean;
  /**
   * How many lines of `sample` (the first significant lines: not blank, not `#`) this format
   * reads; the format that reads the most wins (ties: the order of the registry). Formats that
   * are only claimed or only chosen by name leave this out.
   */
  detect?(sample: readonly string[], ctx: ReadContext): number;
  /**
   * A reader for one list, opened at its first significant line (`start`), which a text reader
   * is then pushed first and a line reader is then given (unless `start.partial`).
   */
  open(ctx: ReadContext, sink: ReadSink, start: ReadStart): LineReader | TextReader;
  /** The name it writes under, when it can be written (most read and write the same name). */
  readonly writes?: HashListWriteFormat;
  /** A writer for one list, when others import this format. */
  writer?(options: FormatWriterOptions): FormatWriter;
}

// ---- Helpers the formats share -------------------------------------------------------------

const HEX = /^[0-9a-fA-F]+$/;

/** The hex of `text` without a `0x` prefix. */
export function stripHexPrefix(text: string): string {
  return text.length > 2 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X') ? text.slice(2) : text;
}

/** True when `text` (trimmed, `0x` allowed) is a hash of the list's algorithm by its shape. */
export function isHashText(text: string, ctx: ReadContext): boolean {
  const hex = stripHexPrefix(text.trim());
  return hex.length === ctx.hexDigits && HEX.test(hex);
}

/** True when `text` is hex digits only. */
export function isHex(text: string): boolean {
  return HEX.test(text);
}

/** Cuts long text for error messages. */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** JSON.parse that returns `undefined` instead of throwing (and a flag, since `null` parses). */
export function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
