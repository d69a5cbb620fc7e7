import { ImprintError } from '../core/errors.js';
import { BLOCKHASH_ALGORITHMS } from './blockhash/blockhash-algorithm.js';
import { md5Algorithm, sha1Algorithm, sha256Algorithm } from './exact.js';
import { IMAGEHASH_ALGORITHMS } from './imagehash/algorithms.js';
import { pdqAlgorithm } from './pdq/pdq-algorithm.js';
import { sizedAlgorithm } from './sized-algorithms.js';
import type { Algorithm } from './types.js';

const registry = new Map<string, Algorithm>();

/** The algorithm used where none is named (indexes, lists, the CLI): PDQ. */
export const DEFAULT_ALGORITHM = 'pdq';

/**
 * Adds an algorithm to the registry (the CLI and hash lists find it by name). A name already
 * registered, by imprint (`pdq`, `phash`, `md5`, ...) or earlier, is refused with
 * `ERR_INVALID_ARGUMENT`: replacing it would make every list and index of that name silently mean
 * something else. Registering the same object again does nothing. (Other sizes of the built-in
 * families, `phash-32`, are found by {@link getAlgorithm} without registering.)
 *
 * @example
 * ```ts
 * registerAlgorithm({ ...getAlgorithm('phash'), name: 'my-phash' });
 * getAlgorithm('my-phash').bits; // 64
 * ```
 */
export function registerAlgorithm(algorithm: Algorithm): void {
  const existing = registry.get(algorithm.name);
  if (existing === algorithm) return;
  if (existing !== undefined) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `An algorithm named "${algorithm.name}" is already registered; register yours under another name`,
    );
  }
  registry.set(algorithm.name, algorithm);
}

/**
 * Looks an algorithm up by name; throws ERR_UNKNOWN_ALGORITHM listing the known ones.
 *
 * @example
 * ```ts
 * const { bits, defaultThreshold } = getAlgorithm('pdq'); // 256, 31
 * ```
 */
export function getAlgorithm(name: string): Algorithm {
  // Non-default sizes (`phash-32`, `blockhash-quick-12`, ...) are built on first use.
  const found = registry.get(name) ?? sizedAlgorithmCached(name);
  if (!found) {
    throw new ImprintError(
      'ERR_UNKNOWN_ALGORITHM',
      `Unknown algorithm "${name}"; known: ${[...registry.keys()].join(', ')}`,
    );
  }
  return found;
}

/**
 * Looks an algorithm up by name, or undefined when none is registered under it (for callers
 * that accept unregistered names, such as an index of a custom hash).
 *
 * @example
 * ```ts
 * findAlgorithm('phash')?.defaultThreshold; // 10
 * ```
 */
export function findAlgorithm(name: string): Algorithm | undefined {
  return registry.get(name) ?? sizedAlgorithmCached(name);
}

const sized = new Map<string, Algorithm>();

function sizedAlgorithmCached(name: string): Algorithm | undefined {
  let algorithm = sized.get(name);
  if (!algorithm) {
    algorithm = sizedAlgorithm(name);
    if (algorithm) sized.set(name, algorithm);
  }
  return algorithm;
}

/**
 * Every registered algorithm, in registration order.
 *
 * @example
 * ```ts
 * for (const a of listAlgorithms()) console.log(a.name, a.bits, a.defaultThreshold);
 * ```
 */
export function listAlgorithms(): Algorithm[] {
  return [...registry.values()];
}

registerAlgorithm(pdqAlgorithm);
for (const algorithm of BLOCKHASH_ALGORITHMS) registerAlgorithm(algorithm);
for (const algorithm of IMAGEHASH_ALGORITHMS) registerAlgorithm(algorithm);
registerAlgorithm(md5Algorithm);
registerAlgorithm(sha1Algorithm);
registerAlgorithm(sha256Algorithm);
