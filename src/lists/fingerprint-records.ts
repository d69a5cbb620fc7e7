/**
 * Fingerprint records: imprint's shareable list format for a matching method's hashes. A hotline,
 * or a victim's own device, hashes a known picture and shares one NDJSON line per item: the plain
 * PDQ hash every other tool reads, plus the derived hashes an index-side method stores (crops,
 * bands, flattened highlights, the pHash witness), so a platform that never sees the picture gets
 * the same index as if it had (`imprint index build --list records.ndjson`).
 *
 * One record (format version 1), field by field:
 *
 * | field | type | meaning |
 * | --- | --- | --- |
 * | `fingerprint` | 1 | format version of the record; a reader refuses versions it does not know |
 * | `method` | string | the matching method the hashes are for (`pdq-max`, `pdq-crops`, ...) |
 * | `derivation` | integer | version of the method's derived hashes (`VARIANTS_VERSION` of the build that made them); a reader of another version refuses records with derived hashes (ERR_INDEX_DERIVATION) |
 * | `algorithm` | `"pdq"` | the algorithm of `hash` (and of every derived hash) |
 * | `hash` | 64 hex digits | the reference PDQ hash of the whole picture: what any PDQ tool reads |
 * | `quality` | 0..100 | PDQ quality of `hash` |
 * | `stable` | 64 hex digits | the bits of `hash` the picture is sure of (bit k set: the DCT coefficient is at least 4 from the median; see `pdqStableBits`) |
 * | `derived` | array | the derived hashes, each `{family, label, hash, quality, stable[, phash]}` |
 * | `derived[].family` | string | `crops`, `bands`, `tones` or `witness` (the method's stored families) |
 * | `derived[].label` | string | which member: `crop 0.9 @14,9`, `top 0.2`, `top 0.25 flat`, `phash` (bands and tones are compared label by label) |
 * | `derived[].hash`, `.quality`, `.stable` | as above | the PDQ hash of that variant of the picture (for `witness`, the plain hash again) |
 * | `derived[].phash` | 16 hex digits | `witness` only: imagehash's 64-bit pHash of the picture |
 * | anything else | any JSON | the item's metadata, kept as it is (`path`, a case number, ...) |
 *
 * Pure: no I/O. The hashes themselves are made and turned into index entries in
 * `matching/methods/fingerprint.ts`.
 */
import { type ErrorCode, ImprintError } from '../core/errors.js';
import { type Hash, hashFromHex, hashToHex, popcount32 } from '../core/hash.js';
import { VARIANT_FAMILIES, type VariantFamily, type VariantHash } from '../matching/methods/variants.js';
import { Utf8ChunkDecoder } from './utf8.js';

/**
 * Format version of the records this build writes and reads.
 *
 * @example
 * ```ts
 * FINGERPRINT_FORMAT_VERSION; // 1: the `fingerprint` field of every record this build writes
 * ```
 */
export const FINGERPRINT_FORMAT_VERSION = 1;

/** Fields a record uses itself; every other field is the item's metadata. */
export const FINGERPRINT_RECORD_FIELDS: readonly string[] = [
  'fingerprint',
  'method',
  'derivation',
  'algorithm',
  'hash',
  'quality',
  'stable',
  'derived',
];
const RESERVED = FINGERPRINT_RECORD_FIELDS;

/** Most derived hashes one record may carry (pdq-max stores about 21). */
const MAX_DERIVED = 256;
/** Longest label accepted. */
const MAX_LABEL = 200;

/** One known item's fingerprint: the plain hash first, then the derived ones. */
export interface FingerprintRecord {
  readonly method: string;
  readonly derivation: number;
  /** `hashes[0]` is the plain PDQ hash (family `plain`); the rest are derived. */
  readonly hashes: readonly VariantHash[];
  /** Every field of the record that is not the record's own (`path`, case numbers...). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * The record as one line of NDJSON (no newline).
 *
 * @example
 * ```ts
 * const line = formatFingerprintRecord(fingerprintOf(getMethod('pdq-max'), pixels, { id: 'case-1' }));
 * ```
 */
export function formatFingerprintRecord(record: FingerprintRecord): string {
  const [plain, ...derived] = record.hashes;
  if (plain?.family !== 'plain')
    throw new ImprintError('ERR_INVALID_ARGUMENT', 'A fingerprint record starts with its plain hash');
  const out: Record<string, unknown> = {
    fingerprint: FINGERPRINT_FORMAT_VERSION,
    method: record.method,
    derivation: record.derivation,
    algorithm: 'pdq',
    ...hashFields(plain),
    derived: derived.map((v) => ({
      family: v.family,
      label: v.label,
      ...hashFields(v),
      ...(v.witness ? { phash: hashToHex(v.witness) } : {}),
    })),
  };
  for (const [key, value] of Object.entries(record.metadata)) {
    if (RESERVED.includes(key))
      throw new ImprintError('ERR_INVALID_ARGUMENT', `Metadata cannot use the record's own field "${key}"`);
    out[key] = value;
  }
  return JSON.stringify(out);
}

function hashFields(v: VariantHash): { hash: string; quality: number | null; stable: string } {
  return {
    hash: hashToHex(v.hash),
    quality: v.hash.quality ?? null,
    stable: hashToHex({ ...v.hash, bytes: v.stable.mask }),
  };
}

/**
 * True when a list line is a fingerprint record (for format detection: cheap, no full parse).
 *
 * @example
 * ```ts
 * isFingerprintRecordLine('{"fingerprint":1,"method":"pdq-max",...}'); // true
 * ```
 */
export function isFingerprintRecordLine(line: string): boolean {
  return /^\s*\{\s*"fingerprint"\s*:/.test(line);
}

/** Options for {@link parseFingerprintRecord}. */
export interface ParseFingerprintOptions {
  /** Named in errors. */
  readonly source?: string;
  /** 1-based line, named in errors. */
  readonly line?: number;
  /** The derivation version this reader computes (default: the caller's `VARIANTS_VERSION`). */
  readonly derivation: number;
  /** Families the record's method stores besides `plain` (it may not carry others). */
  readonly families: (method: string) => readonly VariantFamily[] | undefined;
}

/**
 * Reads one record line. A malformed record is ERR_HASH_LIST_SYNTAX (or ERR_INVALID_HASH for a bad
 * hash) naming the line; derived hashes of another derivation version are ERR_INDEX_DERIVATION,
 * naming both versions. `parseFingerprint` calls it with this build's methods and version.
 *
 * @example
 * ```ts
 * const record = parseFingerprintRecord(line, { ...FINGERPRINT_READING, source: 'list.ndjson', line: 3 });
 * ```
 */
export function parseFingerprintRecord(text: string, options: ParseFingerprintOptions): FingerprintRecord {
  const fail = (message: string, code: ErrorCode = 'ERR_HASH_LIST_SYNTAX') =>
    new ImprintError(code, message, {
      location: {
        ...(options.source === undefined ? {} : { source: options.source }),
        ...(options.line === undefined ? {} : { line: options.line }),
      },
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('Not a JSON object (a fingerprint record is one JSON object per line)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('Expected a fingerprint record (a JSON object)');
  const r = value as Record<string, unknown>;
  if (r['fingerprint'] !== FINGERPRINT_FORMAT_VERSION) {
    throw fail(
      `Fingerprint record format ${JSON.stringify(r['fingerprint'])} is not supported (this build reads ${FINGERPRINT_FORMAT_VERSION})`,
    );
  }
  const method = r['method'];
  if (typeof method !== 'string') throw fail('Expected a string "method"');
  const families = options.families(method);
  if (!families) throw fail(`Unknown method "${method}"`);
  const derivation = r['derivation'];
  if (!Number.isSafeInteger(derivation) || (derivation as number) < 0)
    throw fail('Expected a whole number "derivation"');
  if (r['algorithm'] !== undefined && r['algorithm'] !== 'pdq')
    throw fail(`Expected "algorithm": "pdq" but received ${JSON.stringify(r['algorithm'])}`);
  const rawDerived = r['derived'] ?? [];
  if (!Array.isArray(rawDerived) || rawDerived.length > MAX_DERIVED)
    throw fail(`Expected "derived" to be a list of at most ${MAX_DERIVED} hashes`);
  if (derivation !== options.derivation && rawDerived.length > 0) {
    throw fail(
      `The record holds derived hashes of version ${derivation} (method ${method}), and this build computes version ${options.derivation}: ` +
        `they would no longer meet the uploads' hashes. Make the records again with this version: imprint hash --method ${method} -r <known images> -o records.ndjson`,
      'ERR_INDEX_DERIVATION',
    );
  }
  const plain = readHash(r, 'plain', 'plain', fail, '');
  const derived = rawDerived.map((d: unknown, n: number): VariantHash => {
    const where = `derived[${n}]`;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw fail(`Expected an object in ${where}`);
    const item = d as Record<string, unknown>;
    const family = item['family'];
    if (typeof family !== 'string' || !(VARIANT_FAMILIES as readonly string[]).includes(family))
      throw fail(`Unknown family ${JSON.stringify(family)} in ${where}`);
    if (!families.includes(family as VariantFamily))
      throw fail(`Method ${method} does not store the "${family}" family (${where})`);
    const label = item['label'];
    if (typeof label !== 'string' || label.length === 0 || label.length > MAX_LABEL)
      throw fail(`Expected a label of 1 to ${MAX_LABEL} characters in ${where}`);
    const hashed = readHash(item, family as VariantFamily, label, fail, `${where}.`);
    const phash = item['phash'];
    if (family === 'witness') {
      if (typeof phash !== 'string') throw fail(`Expected a "phash" in ${where} (family witness)`);
      return { ...hashed, witness: withLine(() => hashFromHex('phash', 64, phash), fail) };
    }
    if (phash !== undefined) throw fail(`Only a witness has a "phash" (${where})`);
    return hashed;
  });
  const metadata = Object.fromEntries(Object.entries(r).filter(([k]) => !RESERVED.includes(k)));
  return { method, derivation: derivation as number, hashes: [plain, ...derived], metadata };
}

type Fail = (message: string, code?: ErrorCode) => ImprintError;

/** The `hash`, `quality` and `stable` fields of a record or derived item. */
function readHash(
  item: Record<string, unknown>,
  family: VariantFamily,
  label: string,
  fail: Fail,
  prefix: string,
): VariantHash {
  const quality = item['quality'];
  if (!Number.isInteger(quality) || (quality as number) < 0 || (quality as number) > 100)
    throw fail(`Expected "${prefix}quality" to be a whole number 0..100`);
  const hex = item['hash'];
  const stableHex = item['stable'];
  if (typeof hex !== 'string') throw fail(`Expected a "${prefix}hash"`);
  if (typeof stableHex !== 'string') throw fail(`Expected a "${prefix}stable" mask`);
  const hash: Hash = withLine(() => hashFromHex('pdq', 256, hex, quality as number), fail);
  const mask = withLine(() => hashFromHex('pdq', 256, stableHex), fail).bytes;
  let count = 0;
  for (const b of mask) count += popcount32(b);
  return { family, label, hash, stable: { mask, count } };
}

/** Runs `read`, giving a bad hash's error the record's location. */
function withLine<T>(read: () => T, fail: Fail): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ImprintError) throw fail(err.message, err.code);
    throw err;
  }
}

/** Options for {@link readFingerprintRecords}. */
export interface ReadFingerprintOptions extends Omit<ParseFingerprintOptions, 'line'> {
  /** Report malformed records (`onProblem`) and skip them instead of throwing. */
  readonly lenient?: boolean;
  readonly onProblem?: (error: ImprintError) => void;
  /** Longest record accepted, in characters (default 1,048,576). */
  readonly maxLineLength?: number;
  readonly signal?: AbortSignal;
}

/** Counts kept while reading records. */
export interface FingerprintReadStats {
  lines: number;
  records: number;
  /** Malformed records skipped because of `lenient`. */
  skipped: number;
  /** The records' method and derivation version (all records of a list share them). */
  method: string | undefined;
  derivation: number | undefined;
}

/**
 * Reads an NDJSON list of fingerprint records from chunks of bytes or text, one record at a time
 * (blank lines and `#` comments skipped). Every record must have the same method and derivation
 * version as the first; a record of another derivation version is ERR_INDEX_DERIVATION even with
 * `lenient` (the whole list is then of another version, and would match nothing it should).
 *
 * @example
 * ```ts
 * const stats = newFingerprintStats();
 * for await (const { record, line } of readFingerprintRecords(chunks, { ...FINGERPRINT_READING, source }, stats)) use(record);
 * ```
 */
export async function* readFingerprintRecords(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: ReadFingerprintOptions,
  stats: FingerprintReadStats = newFingerprintStats(),
): AsyncGenerator<{ record: FingerprintRecord; line: number }> {
  const max = options.maxLineLength ?? 1_048_576;
  const decoder = new Utf8ChunkDecoder();
  const where = (line: number) => ({
    ...(options.source === undefined ? {} : { source: options.source }),
    line,
  });
  let pending = '';
  let lineNo = 0;
  const one = (text: string): FingerprintRecord | undefined => {
    lineNo++;
    stats.lines = lineNo;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return undefined;
    try {
      if (text.length > max)
        throw new ImprintError('ERR_HASH_LIST_SYNTAX', `Record longer than ${max} characters`, {
          location: where(lineNo),
        });
      const record = parseFingerprintRecord(trimmed, { ...options, line: lineNo });
      if (stats.method === undefined) {
        stats.method = record.method;
        stats.derivation = record.derivation;
      } else if (record.method !== stats.method || record.derivation !== stats.derivation) {
        throw new ImprintError(
          'ERR_HASH_LIST_SYNTAX',
          `Record of method ${record.method} version ${record.derivation} in a list of method ${stats.method} version ${stats.derivation}`,
          { location: where(lineNo) },
        );
      }
      stats.records++;
      return record;
    } catch (err) {
      const e = err instanceof ImprintError ? err : new ImprintError('ERR_INTERNAL', String(err));
      if (!options.lenient || e.code === 'ERR_INDEX_DERIVATION') throw e;
      stats.skipped++;
      options.onProblem?.(e);
      return undefined;
    }
  };
  for await (const chunk of chunks) {
    if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Reading the records was aborted');
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      const decoded = decoder.decode(chunk);
      if (decoded.invalidAt !== undefined)
        throw new ImprintError('ERR_HASH_LIST_SYNTAX', 'Not valid UTF-8 text', {
          location: where(lineNo + 1),
        });
      text = decoded.text;
    }
    pending += text;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const record = one(pending.slice(0, nl));
      if (record) yield { record, line: lineNo };
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    if (pending.length > max + 2)
      throw new ImprintError('ERR_HASH_LIST_SYNTAX', `Record longer than ${max} characters`, {
        location: where(lineNo + 1),
      });
  }
  if (decoder.end().invalidAt !== undefined)
    throw new ImprintError('ERR_HASH_LIST_SYNTAX', 'Not valid UTF-8 text', { location: where(lineNo + 1) });
  if (pending.length > 0) {
    const record = one(pending);
    if (record) yield { record, line: lineNo };
  }
}

/**
 * Fresh counters for {@link readFingerprintRecords}.
 *
 * @example
 * ```ts
 * const stats = newFingerprintStats();
 * for await (const r of readFingerprintRecords(chunks, FINGERPRINT_READING, stats)) use(r);
 * console.log(stats.records, stats.skipped);
 * ```
 */
export function newFingerprintStats(): FingerprintReadStats {
  return { lines: 0, records: 0, skipped: 0, method: undefined, derivation: undefined };
}
