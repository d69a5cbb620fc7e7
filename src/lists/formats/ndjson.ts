/**
 * `ndjson`: one JSON record per line: imprint's `hash --json` output, StopNCII hash records,
 * hasher-matcher-actioner bank content and signal records, Tech Against Terrorism entries.
 * Record shapes: see `records.ts`. Writes `{"hash","algorithm","quality"?,...metadata}`.
 */
import { invalidArgument } from '../../core/errors.js';
import type { Hash } from '../../core/hash.js';
import { type LineReader, type ListFormat, type ReadContext, type ReadSink, tryJson } from '../format.js';
import { JsonRecords } from './json.js';
import { toJson } from './lines.js';

/** Keys the reader would take for the hash, its type or its quality: not allowed as metadata. */
export const NDJSON_RESERVED: readonly string[] = [
  'hash',
  'algorithm',
  'quality',
  'hashValue',
  'hashRecords',
  'hash_digest',
];

/** A line reader of JSON records (NDJSON, and StopNCII or HMA records framed as NDJSON). */
export function ndjsonReader(ctx: ReadContext, sink: ReadSink): LineReader {
  const records = new JsonRecords(ctx, sink);
  return {
    kind: 'lines',
    line(text, lineNo) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        sink.problem('ERR_HASH_LIST_SYNTAX', `Invalid JSON: ${(err as Error).message}`, lineNo);
        return;
      }
      records.accept(value, lineNo);
    },
    end() {},
    inRecord: false,
    takesComments: true,
  };
}

/** Copies `metadata`'s keys onto `record`, refusing the reserved ones (own properties only). */
export function mergeMetadata(
  record: Record<string, unknown>,
  metadata: unknown,
  reserved: readonly string[],
  format: string,
): Record<string, unknown> {
  if (metadata === undefined || metadata === null) return record;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    record['metadata'] = metadata;
    return record;
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (reserved.includes(key)) {
      throw invalidArgument(`metadata keys other than ${reserved.join(', ')}`, `${format} metadata`, key);
    }
    // defineProperty: a "__proto__" key stays plain data.
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

function ndjsonRecord(hex: string, hash: Hash, metadata: unknown): string {
  const record: Record<string, unknown> = { hash: hex, algorithm: hash.algorithm };
  if (hash.quality !== undefined) record['quality'] = hash.quality;
  return toJson(mergeMetadata(record, metadata, NDJSON_RESERVED, 'NDJSON'));
}

export const ndjsonFormat: ListFormat = {
  name: 'ndjson',
  summary: 'one JSON record per line (`imprint hash --json`, StopNCII, HMA, Tech Against Terrorism records)',
  writes: 'ndjson',

  claim(first, partial, ctx) {
    if (partial || first.length > ctx.maxLength || first.trimStart()[0] !== '{') return false;
    return tryJson(first).ok;
  },

  open(ctx, sink) {
    return ndjsonReader(ctx, sink);
  },

  writer() {
    return { write: ({ hex, hash, metadata }) => `${ndjsonRecord(hex, hash, metadata)}\n`, end: () => '' };
  },
};
