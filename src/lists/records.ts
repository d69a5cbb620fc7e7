import { FINGERPRINT_RECORD_FIELDS } from './fingerprint-records.js';
import type { RawEntry } from './format.js';
import { canonicalAlgorithmName, isSignalTypeName } from './signal-types.js';
import type { HashListMetadata } from './types.js';

/** A record that cannot be read; the parser adds the location. */
export class RecordError extends Error {}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The record without the given keys; `undefined` when nothing is left. */
function omit(record: JsonObject, keys: readonly string[]): HashListMetadata {
  // Object.fromEntries defines own properties, so a "__proto__" key stays plain data.
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/** StopNCII case states that mean "delete this hash" (python-threatexchange StopNCIICaseStatus). */
const WITHDRAWN_STATES = new Set(['withdrawn', 'deleted']);

/**
 * The entries one parsed JSON record holds. Record shapes, by the tool that writes them:
 * - a hash string (a JSON array of hex strings);
 * - imprint (`imprint hash --json`): `{ "hash", "algorithm"?, "quality"?, ...metadata }`;
 * - StopNCII FetchHashes records (python-threatexchange `exchanges/clients/stopncii/api.py`
 *   `StopNCIIHashRecord`): `{ "hashValue", "signalType": "ImagePDQ" | "VideoMD5" | ...,
 *   "hashStatus", "caseNumbers", "lastModtimestamp", "CSPFeedbacks"?, "hashRegions"? }`, or a
 *   whole FetchHashes page `{ "count", "nextPageToken", ..., "hashRecords": [...] }`;
 * - hasher-matcher-actioner bank content (`GET /c/bank/<bank>/content/<id>?include_signals=true`,
 *   `OpenMediaMatch/blueprints/curation.py`): `{ "id", ..., "signals": { "pdq": "<hash>" } }`;
 * - imprint with several algorithms (`imprint hash --json --algo pdq,phash`):
 *   `{ "path", "hashes": { "pdq": "<hex>", "phash": "<hex>" }, "quality" }`;
 * - Tech Against Terrorism hash list entries (python-threatexchange
 *   `exchanges/clients/techagainstterrorism`, `TATHashListEntry`): `{ "hash_digest", "algorithm":
 *   "PDQ" | "MD5" | "SHA256" | ..., "ideology", "file_type", "deleted", "id", ... }`;
 * - a field named after the algorithm: HMA's `GET /h/hash` answer and `POST /c/bank/<bank>/signal`
 *   body `{ "pdq": "<hash>" }`, or one object per image with a field per algorithm
 *   (`{ "path", "pdq": ..., "phash": ... }`), where the field may also be `{ "hash", "quality"? }`.
 */
export function recordEntries(
  value: unknown,
  algorithm: string,
  stopnciiOnly: boolean,
  knownAlgorithms: readonly string[] = [],
): RawEntry[] {
  if (isObject(value) && Array.isArray(value['hashRecords'])) {
    return value['hashRecords'].map((record: unknown) => {
      if (!isObject(record))
        throw new RecordError(`Expected a StopNCII hash record but received ${describe(record)}`);
      return oneEntry(record, algorithm, stopnciiOnly, knownAlgorithms);
    });
  }
  return [oneEntry(value, algorithm, stopnciiOnly, knownAlgorithms)];
}

function oneEntry(
  value: unknown,
  algorithm: string,
  stopnciiOnly: boolean,
  knownAlgorithms: readonly string[],
): RawEntry {
  if (typeof value === 'string' && !stopnciiOnly) return { hex: value, metadata: undefined };
  if (!isObject(value)) {
    throw new RecordError(
      `Expected a JSON object${stopnciiOnly ? '' : ' or a hash string'} but received ${describe(value)}`,
    );
  }
  if ('hashValue' in value) return stopnciiEntry(value);
  if (stopnciiOnly)
    throw new RecordError('Expected a StopNCII hash record (with "hashValue" and "signalType")');

  if ('hash_digest' in value) return tatEntry(value);

  if ('hash' in value) {
    const algo = value['algorithm'];
    if (algo !== undefined && typeof algo !== 'string') {
      throw new RecordError(`Expected a string for "algorithm" but received ${describe(algo)}`);
    }
    return {
      hex: value['hash'],
      ...(algo === undefined ? {} : { declaredType: algo }),
      quality: value['quality'],
      // A fingerprint record read as a plain list: its plain hash, with the item's metadata only.
      metadata: omit(
        value,
        'fingerprint' in value ? FINGERPRINT_RECORD_FIELDS : ['hash', 'algorithm', 'quality'],
      ),
    };
  }

  // HMA bank content keeps its hashes in `signals`; `imprint hash --json --algo a,b` in `hashes`.
  for (const key of ['signals', 'hashes']) {
    const map = value[key];
    if (!isObject(map)) continue;
    const names = Object.keys(map);
    if (names.length === 0) throw new RecordError(`The record's "${key}" object is empty`);
    const mine = names.find((name) => canonicalAlgorithmName(name) === algorithm);
    const name = mine ?? names[0]!;
    // imprint's multi-algorithm records carry PDQ's quality at the top level.
    const quality =
      key === 'hashes' && mine !== undefined && algorithm === 'pdq' ? value['quality'] : undefined;
    return {
      hex: map[name],
      declaredType: name,
      ...(quality === undefined ? {} : { quality }),
      metadata: omit(value, quality === undefined ? [key] : [key, 'quality']),
    };
  }

  const field = Object.keys(value).find((key) => canonicalAlgorithmName(key) === algorithm);
  if (field !== undefined) {
    const v = value[field];
    if (isObject(v)) return { hex: v['hash'], quality: v['quality'], metadata: omit(value, [field]) };
    return { hex: v, metadata: omit(value, [field]) };
  }
  // A record of another type only: HMA's `{"video_md5": "<hash>"}` in a PDQ list.
  const other = Object.keys(value).find((key) => isSignalTypeName(key, knownAlgorithms));
  if (other !== undefined) return { hex: value[other], declaredType: other, metadata: omit(value, [other]) };
  throw new RecordError(
    `The record has no hash: expected a "hash", "hashValue", "signals" or "hashes" field, or a field named "${algorithm}"`,
  );
}

function tatEntry(record: JsonObject): RawEntry {
  const algorithm = record['algorithm'];
  if (typeof algorithm !== 'string') {
    throw new RecordError(
      `Expected a string "algorithm" in a Tech Against Terrorism record but received ${describe(algorithm)}`,
    );
  }
  return {
    hex: record['hash_digest'],
    declaredType: algorithm,
    metadata: omit(record, ['hash_digest']),
    ...(record['deleted'] === true ? { withdrawn: true } : {}),
  };
}

/** `hash,quality,timestamp` as python-threatexchange's `VpdqCompactFeature.__str__` writes it. */
const VPDQ_COMPACT = /^([0-9a-fA-F]{64}),([0-9]{1,3}),([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)$/;

/**
 * One vPDQ frame of a python-threatexchange / HMA vPDQ signal (a JSON array of compact
 * `"hash,quality,timestamp"` strings), or `undefined` when `text` is not one. `index` is the
 * frame's position in the array (the compact form keeps no frame number).
 */
export function vpdqCompactEntry(text: string, index: number): RawEntry | undefined {
  const m = VPDQ_COMPACT.exec(text.trim());
  if (!m) return undefined;
  return { hex: m[1], quality: Number(m[2]), metadata: { frame: index, timestamp: Number(m[3]) } };
}

function stopnciiEntry(record: JsonObject): RawEntry {
  const signalType = record['signalType'];
  if (typeof signalType !== 'string') {
    throw new RecordError(
      `Expected a string "signalType" in a StopNCII record but received ${describe(signalType)}`,
    );
  }
  const status = record['hashStatus'];
  if (status !== undefined && typeof status !== 'string') {
    throw new RecordError(
      `Expected a string "hashStatus" in a StopNCII record but received ${describe(status)}`,
    );
  }
  const withdrawn = typeof status === 'string' && WITHDRAWN_STATES.has(status.toLowerCase());
  return {
    hex: record['hashValue'],
    declaredType: signalType,
    metadata: omit(record, ['hashValue']),
    ...(withdrawn ? { withdrawn } : {}),
  };
}
