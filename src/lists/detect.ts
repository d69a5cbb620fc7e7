import { parseCsvLine } from './csv.js';
import { canonicalAlgorithmName, knownTypeNames } from './signal-types.js';

const HEX = /^[0-9a-fA-F]+$/;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const WHITESPACE = /[ \t]+/;

/** Header names that mark the hash column of a CSV list, besides the algorithm's own name. */
const HASH_COLUMN_NAMES = ['hash', 'signal_str', 'signal'];
/** Header names whose column says, per row, which algorithm the row's hash is. */
export const TYPE_COLUMN_NAMES = ['signal_type', 'algorithm'];

/** True when `name` names a hash column for a list read as `algorithm` (case-insensitive). */
export function isHashColumnName(
  name: string,
  algorithm: string,
  knownAlgorithms: readonly string[],
): boolean {
  const lower = name.trim().toLowerCase();
  if (HASH_COLUMN_NAMES.includes(lower)) return true;
  const canonical = canonicalAlgorithmName(lower);
  return canonical === algorithm || knownAlgorithms.includes(canonical) || knownTypeNames().includes(lower);
}

/**
 * Which column of a CSV header holds the hashes: the one named `hashColumn` when given, else the
 * first that names the algorithm itself, then `hash`, `signal_str`, `signal`, then any column
 * named after another algorithm (its rows are then of that algorithm). -1 when none does.
 */
export function findHashColumn(
  header: readonly string[],
  algorithm: string,
  knownAlgorithms: readonly string[],
  hashColumn?: string,
): number {
  const names = header.map((h) => h.trim().toLowerCase());
  if (hashColumn !== undefined) return names.indexOf(hashColumn.trim().toLowerCase());
  const own = names.findIndex((n) => canonicalAlgorithmName(n) === algorithm);
  if (own >= 0) return own;
  for (const candidate of HASH_COLUMN_NAMES) {
    const i = names.indexOf(candidate);
    if (i >= 0) return i;
  }
  return names.findIndex((n) => isHashColumnName(n, algorithm, knownAlgorithms));
}

/**
 * Guesses the format of a line-based list from its first line that is not blank or a comment.
 * JSON is recognised earlier, from the first character. The order matters: a `hash,metadata`
 * line whose metadata happens to contain a word like `pdq` must not pass for a CSV header, so a
 * line that starts with a hash of the right length is `hash-metadata` whatever follows.
 */
export function detectLineFormat(
  line: string,
  hexDigits: number,
  algorithm: string,
  knownAlgorithms: readonly string[],
  hashColumn?: string,
): 'plain' | 'hash-metadata' | 'csv' | 'threatexchange' {
  const trimmed = line.trim();
  const comma = trimmed.indexOf(',');
  const isHeaderName = (field: string) =>
    hashColumn !== undefined
      ? field.trim().toLowerCase() === hashColumn.trim().toLowerCase()
      : isHashColumnName(field, algorithm, knownAlgorithms);
  if (trimmed.startsWith('hash=')) return 'hash-metadata';
  if (comma >= 0) {
    const first = trimmed.slice(0, comma).trim();
    if (first.length === hexDigits && HEX.test(first)) return 'hash-metadata';
    const fields = parseCsvLine(trimmed);
    if (fields?.some(isHeaderName)) return 'csv';
    return 'hash-metadata';
  }
  if (isHeaderName(trimmed)) return 'csv';
  const tokens = trimmed.split(WHITESPACE);
  const [type, hash] = tokens;
  if (
    type !== undefined &&
    hash !== undefined &&
    TYPE_NAME.test(type) &&
    !(type.length === hexDigits && HEX.test(type)) &&
    HEX.test(hash)
  ) {
    return 'threatexchange';
  }
  return 'plain';
}
