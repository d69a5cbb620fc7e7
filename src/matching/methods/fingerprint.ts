/**
 * Fingerprints that travel: a known image's hashes as a method stores them, made where the image
 * is (a hotline, the victim's own device) and turned into index entries where it is not (the
 * platform). Also what an index file's header says about the derived hashes it holds. The record
 * format itself is in lists/fingerprint-records.ts.
 */
import { hashToHex } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import {
  type FingerprintRecord,
  type ParseFingerprintOptions,
  parseFingerprintRecord,
} from '../../lists/fingerprint-records.js';
import { type IndexProperties, indexFileInfo } from '../index-format.js';
import type { HashIndex, IndexEntry } from '../types.js';
import { type KnownVariantMetadata, knownGate, knownHashesFor, storedFamilies, usableHash } from './match.js';
import { getMethod, METHODS } from './methods.js';
import type { MatchMethod } from './types.js';
import { ImageVariants, VARIANTS_VERSION, type VariantFamily } from './variants.js';

/**
 * A known image's fingerprint record for `method`: its plain PDQ hash and the derived hashes the
 * method stores, exactly those `knownEntriesFor` would put in an index, with `metadata` (any JSON
 * fields: an id, a case number, a path).
 *
 * @example
 * ```ts
 * const record = fingerprintOf(getMethod('pdq-max'), pixels, { id: 'case-1234' });
 * const line = formatFingerprintRecord(record); // share this, not the picture
 * ```
 */
export function fingerprintOf(
  method: MatchMethod,
  image: PixelImage | ImageVariants,
  metadata: Readonly<Record<string, unknown>> = {},
): FingerprintRecord {
  const variants = image instanceof ImageVariants ? image : new ImageVariants(image);
  return {
    method: method.name,
    derivation: VARIANTS_VERSION,
    hashes: knownHashesFor(method, variants),
    metadata,
  };
}

/**
 * The index entries of a record, as `knownEntriesFor` makes them from the image: the plain hash
 * with `metadata` (default: the record's metadata, or `{ line }` when it has none and a line is
 * given), each derived hash pointing back to it. Derived hashes below the method's floors (quality,
 * stable bits) are left out, as they are for images, so a hand-made record cannot store more.
 *
 * @example
 * ```ts
 * index.addAll(fingerprintEntries(record));
 * ```
 */
export function fingerprintEntries<M = unknown>(
  record: FingerprintRecord,
  metadata?: M,
): IndexEntry<M | KnownVariantMetadata<M>>[] {
  const method = getMethod(record.method);
  const owner = (metadata ?? record.metadata) as M;
  return record.hashes
    .filter((v) => usableHash(v, knownGate(method)))
    .map((v) =>
      v.family === 'plain'
        ? { hash: v.hash, metadata: owner }
        : {
            hash: v.hash,
            metadata: {
              variantOf: owner,
              family: v.family,
              label: v.label,
              ...(v.witness ? { witness: hashToHex(v.witness) } : {}),
            },
          },
    );
}

/** Options to read records with this build's methods and derivation version (for `readFingerprintRecords`). */
export const FINGERPRINT_READING: Omit<ParseFingerprintOptions, 'source' | 'line'> = {
  derivation: VARIANTS_VERSION,
  families: (name) => METHODS.find((m) => m.name === name)?.knownFamilies.filter((f) => f !== 'plain'),
};

/**
 * Reads one record line with this build's methods and derivation version.
 *
 * @example
 * ```ts
 * const record = parseFingerprint(line, { source: 'hotline.ndjson', line: 12 });
 * ```
 */
export function parseFingerprint(
  text: string,
  where: { source?: string; line?: number } = {},
): FingerprintRecord {
  return parseFingerprintRecord(text, { ...FINGERPRINT_READING, ...where });
}

/**
 * What an index file should record about the hashes of `method`: its name, this build's
 * derivation version and the derived families it stores (`saveIndex(index, path, { properties })`).
 *
 * @example
 * ```ts
 * await saveIndex(index, 'known.idx', { properties: indexPropertiesFor(getMethod('pdq-max')) });
 * ```
 */
export function indexPropertiesFor(method: MatchMethod | string): IndexProperties {
  const m = typeof method === 'string' ? getMethod(method) : method;
  return {
    method: m.name,
    derivation: VARIANTS_VERSION,
    families: m.knownFamilies.filter((f) => f !== 'plain'),
  };
}

/**
 * The derived families of an index that may be used: all of them for an index built in memory or
 * read from a file that records this build's derivation version; none for a file that records no
 * version (format 1, or saved without properties), whose crops and bands may have been made by
 * another version: it is matched on its plain hashes only. `onIgnored` hears about the families
 * left out.
 *
 * @example
 * ```ts
 * const method = methodForStored(getMethod('pdq-max'), trustedStoredFamilies(index));
 * ```
 */
export function trustedStoredFamilies(
  index: HashIndex<unknown>,
  onIgnored?: (families: VariantFamily[], formatVersion: number) => void,
): Set<VariantFamily> {
  const stored = storedFamilies(index);
  const info = indexFileInfo(index);
  if (!info || info.properties.derivation === VARIANTS_VERSION || stored.size === 0) return stored;
  onIgnored?.([...stored], info.formatVersion);
  return new Set();
}
