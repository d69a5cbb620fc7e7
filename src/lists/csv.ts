/** A CSV syntax problem; the list parser turns it into an ImprintError naming the line. */
export class CsvSyntaxError extends Error {}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // saw `"` inside a quoted field: an escaped quote or the end

/**
 * RFC 4180 records fed one line at a time (line ending removed, and passed separately). A quoted
 * field may span lines and keeps its line breaks as they were (`\n` or `\r\n`). Each line is
 * scanned once, so a record of many short lines costs linear time.
 *
 * Strict where RFC 4180 is: a quote inside an unquoted field, or text after a closing quote, is
 * an error rather than a guess.
 */
export class CsvRecordReader {
  readonly #separator: number;
  readonly #separatorChar: string;
  #fields: string[] = [];
  #field: string[] = [];
  #state = FIELD_START;
  #open = false;
  #break = '\n';

  /** `separator`: `,` (default), `;` or a tab. */
  constructor(separator = ',') {
    this.#separatorChar = separator;
    this.#separator = separator.charCodeAt(0);
  }

  /** True while a quoted field continues on the next line. */
  get inRecord(): boolean {
    return this.#open;
  }

  /**
   * Feeds one line and the line break that ended it; returns the record's fields when it is
   * complete, `undefined` when a quoted field continues on the next line.
   */
  feedLine(line: string, lineBreak = '\n'): string[] | undefined {
    if (!this.#open && line.indexOf('"') < 0) return line.split(this.#separatorChar);
    if (this.#open) this.#field.push(this.#break);
    this.#break = lineBreak;
    this.#open = true;
    let runStart = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      switch (this.#state) {
        case FIELD_START:
          if (c === 0x22) {
            this.#state = QUOTED;
            runStart = i + 1;
          } else if (c === this.#separator) this.#fields.push('');
          else {
            this.#state = UNQUOTED;
            runStart = i;
          }
          break;
        case UNQUOTED:
          if (c === this.#separator) {
            this.#fields.push(line.slice(runStart, i));
            this.#state = FIELD_START;
          } else if (c === 0x22)
            throw this.#fail(`Unexpected quote inside an unquoted field (column ${this.#fields.length + 1})`);
          break;
        case QUOTED:
          if (c === 0x22) {
            this.#field.push(line.slice(runStart, i));
            this.#state = QUOTE_IN_QUOTED;
          }
          break;
        case QUOTE_IN_QUOTED:
          if (c === 0x22) {
            // Escaped quote: the second `"` starts the next run of text.
            this.#state = QUOTED;
            runStart = i;
          } else if (c === this.#separator) {
            this.#fields.push(this.#field.join(''));
            this.#field = [];
            this.#state = FIELD_START;
          } else
            throw this.#fail(`Unexpected text after a closing quote (column ${this.#fields.length + 1})`);
          break;
      }
    }
    switch (this.#state) {
      case QUOTED:
        this.#field.push(line.slice(runStart));
        return undefined; // the quoted field goes on to the next line
      case UNQUOTED:
        this.#fields.push(line.slice(runStart));
        break;
      case QUOTE_IN_QUOTED:
        this.#fields.push(this.#field.join(''));
        break;
      default:
        this.#fields.push('');
    }
    return this.#finish();
  }

  /** Drops a record left open (a quote that was never closed), to start afresh at the next line. */
  abandon(): void {
    this.#reset();
  }

  /** Call at end of input; throws when a quoted field was never closed. */
  end(): void {
    if (this.#open) {
      this.#reset();
      throw new CsvSyntaxError('Quoted field not closed before the end of the input');
    }
  }

  #finish(): string[] {
    const fields = this.#fields;
    this.#reset();
    return fields;
  }

  #fail(message: string): CsvSyntaxError {
    this.#reset();
    return new CsvSyntaxError(message);
  }

  #reset(): void {
    this.#fields = [];
    this.#field = [];
    this.#state = FIELD_START;
    this.#open = false;
  }
}

/** Parses one line as a complete CSV record, or returns `undefined` (open quote, bad syntax). */
export function parseCsvLine(line: string, separator = ','): string[] | undefined {
  try {
    return new CsvRecordReader(separator).feedLine(line);
  } catch {
    return undefined;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field as RFC 4180 writes it: quoted (with `""` escapes) only when it must be. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
