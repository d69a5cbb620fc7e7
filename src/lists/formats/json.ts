/**
 * `json`: one JSON document, streamed record by record without holding it: an array of records
 * or hash strings, or an API response holding one (StopNCII FetchHashes `hashRecords`, Tech
 * Against Terrorism `results`, a Graph-API-style `data` array). A JSON array of compact vPDQ
 * strings (python-threatexchange / HMA vPDQ signals) is read as the `vpdq` list it is.
 * Record shapes: see `records.ts`.
 */

import { type ListFormat, type ReadContext, type ReadSink, type TextReader, tryJson } from '../format.js';
import { JsonRecordScanner } from '../json-scanner.js';
import { RecordError, recordEntries, vpdqCompactEntry } from '../records.js';

/** Reads one parsed JSON record (a document's element, or an NDJSON line) into entries. */
export class JsonRecords {
  readonly ctx: ReadContext;
  readonly sink: ReadSink;
  #strings = 0;

  constructor(ctx: ReadContext, sink: ReadSink) {
    this.ctx = ctx;
    this.sink = sink;
  }

  accept(value: unknown, line: number): void {
    if (typeof value === 'string' && !this.ctx.stopnciiOnly) {
      const frame = vpdqCompactEntry(value, this.#strings++);
      if (frame !== undefined) {
        if (this.#strings === 1) this.sink.shape('vpdq');
        this.sink.entry(frame, line);
        return;
      }
    }
    let raws: ReturnType<typeof recordEntries>;
    try {
      raws = recordEntries(value, this.ctx.algorithm, this.ctx.stopnciiOnly, this.ctx.knownAlgorithms);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      this.sink.problem('ERR_HASH_LIST_SYNTAX', err.message, line);
      return;
    }
    for (const raw of raws) this.sink.entry(raw, line);
  }
}

/** A text reader over a JSON document (or several in a row). */
export function jsonDocumentReader(ctx: ReadContext, sink: ReadSink, firstLine: number): TextReader {
  const records = new JsonRecords(ctx, sink);
  const scanner = new JsonRecordScanner(
    {
      record: (text, line) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          sink.problem('ERR_HASH_LIST_SYNTAX', `Invalid JSON record: ${(err as Error).message}`, line);
          return;
        }
        records.accept(value, line);
      },
      oversized: (line) =>
        sink.problem('ERR_HASH_LIST_SYNTAX', `JSON record longer than ${ctx.maxLength} characters`, line),
      fail: (message, line) => sink.fatal('ERR_HASH_LIST_SYNTAX', message, line),
    },
    ctx.maxLength,
    firstLine,
  );
  return {
    kind: 'text',
    push: (text) => scanner.push(text),
    end: () => scanner.end(),
    get line() {
      return scanner.line;
    },
    get lines() {
      return scanner.line - (scanner.atLineStart ? 1 : 0);
    },
  };
}

export const jsonFormat: ListFormat = {
  name: 'json',
  summary:
    'a JSON array of records or hashes, or an API response holding one (`hashRecords`, `results`, `data`)',

  claim(first, partial, ctx) {
    const c = first.trimStart()[0];
    if (c === '[') return true;
    if (c !== '{') return false;
    // A document too long for one NDJSON record, or `{` starting a record over several lines.
    if (first.length > ctx.maxLength) return true;
    return !partial && tryJson(first).ok === false;
  },

  open(ctx, sink, start) {
    return jsonDocumentReader(ctx, sink, start.line);
  },
};
