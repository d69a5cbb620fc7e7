/** Keys of a top-level object whose array value holds the records (the rest is envelope). */
const WRAPPER_KEYS = new Set([
  'hashRecords', // StopNCII FetchHashes response (python-threatexchange stopncii/api.py)
  'data', // Graph-API-style pages ({ "data": [...], "paging": {...} })
  'results', // Tech Against Terrorism hash list pages (python-threatexchange techagainstterrorism/api.py)
]);

/** Deeper nesting than this is refused: no real record needs it, and it bounds the stack. */
export const MAX_JSON_DEPTH = 256;

const OBJECT = 1;
const ARRAY = 2;

/** What the scanner reports. */
export interface JsonScanSink {
  /** The JSON text of one record (to be `JSON.parse`d) and the line it starts on. */
  record(text: string, line: number): void;
  /** A record longer than the limit was skipped (the scanner stays in sync). */
  oversized(line: number): void;
  /** The document structure is broken; must throw. */
  fail(message: string, line: number): never;
}

/**
 * Finds the records of a JSON document in a stream of text without holding the document: the
 * elements of a top-level array, the elements of the record array of a top-level object
 * (`hashRecords`, `data`, `results`), or a top-level object or string itself. Several top-level values may
 * follow each other. Only the structure is tracked here (strings, brackets, nesting); each
 * record's text is validated by `JSON.parse` afterwards.
 */
export class JsonRecordScanner {
  /** Current 1-based line. */
  line: number;
  /** True when the last character seen was a line break (for line counting). */
  atLineStart = true;
  readonly #sink: JsonScanSink;
  readonly #maxLength: number;
  readonly #stack: number[] = [];
  #inString = false;
  #escape = false;
  #valueLine = 0; // where the current top-level value started

  // Capturing a record's text.
  #capturing = false;
  #pieces: string[] = [];
  #capLength = 0;
  #capStart = 0;
  #capLine = 0;
  #overflow = false;

  // Record arrays: elements directly inside a container at this depth are records.
  #recordDepth = -1;
  #expectElement = false;
  #afterComma = false;
  #elementOpen = false;

  // The top-level object: a record itself, or the envelope of a record array.
  #topObject: 'record' | 'envelope' | undefined;
  #collectingKey = false;
  #keyBuf = '';
  #lastString = '';
  #currentKey = '';

  #topString = false;

  constructor(sink: JsonScanSink, maxLength: number, firstLine: number) {
    this.#sink = sink;
    this.#maxLength = maxLength;
    this.line = firstLine;
  }

  push(text: string): void {
    this.#capStart = 0;
    const n = text.length;
    // Next `"`, `\` and line break at or after the current position (n when none), found with
    // indexOf and kept until passed, so skipping string contents stays linear in the chunk.
    let quote = -1;
    let backslash = -1;
    let newline = -1;
    for (let i = 0; i < n; i++) {
      if (this.#inString && !this.#escape && !this.#collectingKey) {
        // Most of a record's text is string contents: jump to the next character that matters.
        if (quote < i) quote = indexOrEnd(text, '"', i);
        if (backslash < i) backslash = indexOrEnd(text, '\\', i);
        if (newline < i) newline = indexOrEnd(text, '\n', i);
        const j = Math.min(quote, backslash, newline);
        if (j > i) this.atLineStart = false;
        if (j === n) break;
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        this.line++;
        this.atLineStart = true;
      } else this.atLineStart = false;
      if (this.#capturing && !this.#overflow && this.#capLength + (i - this.#capStart) >= this.#maxLength) {
        this.#overflow = true;
        this.#pieces = [];
      }
      if (this.#inString) {
        this.#stringChar(c, text, i);
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      this.#structural(c, text, i);
    }
    if (this.#capturing && !this.#overflow) {
      if (this.#capLength + (n - this.#capStart) >= this.#maxLength) {
        this.#overflow = true;
        this.#pieces = [];
      } else {
        this.#pieces.push(text.slice(this.#capStart));
        this.#capLength += n - this.#capStart;
      }
    }
  }

  /** Call at the end of input: an unclosed value is an error. */
  end(): void {
    if (this.#stack.length > 0 || this.#inString) {
      this.#sink.fail(
        `Unexpected end of input: the JSON value starting at line ${this.#valueLine} is not closed`,
        this.line,
      );
    }
  }

  #stringChar(c: number, text: string, i: number): void {
    if (this.#escape) {
      this.#escape = false;
      this.#collect(text, i);
    } else if (c === 0x5c) {
      this.#escape = true;
      this.#collect(text, i);
    } else if (c === 0x22) {
      this.#inString = false;
      if (this.#collectingKey) {
        this.#collectingKey = false;
        this.#lastString = this.#keyBuf;
      }
      if (this.#topString) {
        this.#topString = false;
        this.#endCapture(text, i + 1);
      }
    } else this.#collect(text, i);
  }

  /** Keeps the raw text of a key of the top-level object (we only look for short ones). */
  #collect(text: string, i: number): void {
    if (!this.#collectingKey) return;
    if (this.#keyBuf.length < 64) this.#keyBuf += text[i];
    else this.#collectingKey = false; // too long to be a key we look for; #lastString stays ''
  }

  #structural(c: number, text: string, i: number): void {
    const depth = this.#stack.length;
    if (depth === 0) {
      this.#valueLine = this.line;
      if (c === 0x7b) {
        this.#push(OBJECT);
        this.#topObject = 'record';
        this.#lastString = '';
        this.#currentKey = '';
        this.#startCapture(i);
      } else if (c === 0x5b) {
        this.#push(ARRAY);
        this.#openRecordArray(1);
      } else if (c === 0x22) {
        this.#topString = true;
        this.#inString = true;
        this.#startCapture(i);
      } else this.#sink.fail(`Expected a JSON array, object or string but found "${text[i]}"`, this.line);
      return;
    }

    if (depth === this.#recordDepth) {
      if (this.#elementOpen) {
        if (c === 0x2c || c === 0x5d) {
          this.#elementOpen = false;
          this.#endCapture(text, i);
        }
      }
      if (!this.#elementOpen) {
        if (c === 0x2c) {
          if (this.#expectElement) this.#sink.fail('Empty element in a JSON array (two commas)', this.line);
          this.#expectElement = true;
          this.#afterComma = true;
          return;
        }
        if (c === 0x5d) {
          if (this.#afterComma) this.#sink.fail('Trailing comma in a JSON array', this.line);
          this.#recordDepth = -1;
          this.#pop(c);
          return;
        }
        if (!this.#expectElement) this.#sink.fail('Expected "," or "]" between array elements', this.line);
        this.#expectElement = false;
        this.#afterComma = false;
        this.#elementOpen = true;
        this.#startCapture(i);
      }
    }

    const inTopObject = depth === 1 && this.#topObject !== undefined && this.#stack[0] === OBJECT;
    switch (c) {
      case 0x22:
        this.#inString = true;
        if (inTopObject) {
          this.#collectingKey = true;
          this.#keyBuf = '';
          this.#lastString = '';
        }
        return;
      case 0x3a:
        if (inTopObject) this.#currentKey = this.#lastString;
        return;
      case 0x2c:
        if (inTopObject) this.#currentKey = '';
        return;
      case 0x7b:
        this.#push(OBJECT);
        return;
      case 0x5b:
        this.#push(ARRAY);
        if (inTopObject && WRAPPER_KEYS.has(this.#currentKey)) {
          // The records are this array's elements: the envelope around them is not kept.
          this.#topObject = 'envelope';
          this.#capturing = false;
          this.#pieces = [];
          this.#openRecordArray(2);
        }
        return;
      case 0x7d:
      case 0x5d:
        this.#pop(c);
        if (this.#stack.length === 0 && this.#topObject !== undefined) {
          if (this.#topObject === 'record') this.#endCapture(text, i + 1);
          this.#topObject = undefined;
        }
        return;
      default:
        return; // numbers, literals: part of whatever is being captured or skipped
    }
  }

  #openRecordArray(depth: number): void {
    this.#recordDepth = depth;
    this.#expectElement = true;
    this.#afterComma = false;
    this.#elementOpen = false;
  }

  #push(kind: number): void {
    if (this.#stack.length >= MAX_JSON_DEPTH) {
      this.#sink.fail(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, this.line);
    }
    this.#stack.push(kind);
  }

  #pop(c: number): void {
    const want = c === 0x7d ? OBJECT : ARRAY;
    const top = this.#stack.pop();
    if (top !== want) {
      this.#sink.fail(
        top === undefined
          ? `Unexpected "${String.fromCharCode(c)}" outside any JSON value`
          : `Mismatched "${String.fromCharCode(c)}"`,
        this.line,
      );
    }
  }

  #startCapture(i: number): void {
    this.#capturing = true;
    this.#overflow = false;
    this.#pieces = [];
    this.#capLength = 0;
    this.#capStart = i;
    this.#capLine = this.line;
  }

  #endCapture(text: string, end: number): void {
    this.#capturing = false;
    if (this.#overflow) {
      this.#overflow = false;
      this.#sink.oversized(this.#capLine);
      return;
    }
    this.#pieces.push(text.slice(this.#capStart, end));
    const recordText = this.#pieces.join('');
    this.#pieces = [];
    this.#sink.record(recordText, this.#capLine);
  }
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}
