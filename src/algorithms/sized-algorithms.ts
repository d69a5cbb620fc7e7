/**
 * Builds an {@link Algorithm} from a sized name that is not registered by default, such as
 * `phash-32`, `whash-4`, `colorhash-4` or `blockhash-quick-12`. The naming rule: the bare name is
 * the reference's default size; any other size is `<name>-<size>` (imagehash's `hash_size`,
 * colorhash's `binbits`, blockhash's blocks per side), so hashes of different sizes never share a
 * name in a list or an index.
 */
import { ImprintError } from '../core/errors.js';
import { blockhashAlgorithm } from './blockhash/blockhash-algorithm.js';
import {
  ahashAlgorithm,
  colorhashAlgorithm,
  dhashAlgorithm,
  dhashVerticalAlgorithm,
  phashAlgorithm,
  whashAlgorithm,
} from './imagehash/algorithms.js';
import type { Algorithm } from './types.js';

const FACTORIES: Record<string, (size: number | undefined) => Algorithm> = {
  ahash: (size) => ahashAlgorithm(size),
  phash: (size) => phashAlgorithm(size),
  dhash: (size) => dhashAlgorithm(size),
  'dhash-vertical': (size) => dhashVerticalAlgorithm(size),
  whash: (size) => whashAlgorithm(size),
  colorhash: (size) => colorhashAlgorithm(size),
  blockhash: (size) => blockhashAlgorithm('precise', size),
  'blockhash-quick': (size) => blockhashAlgorithm('quick', size),
};

const SIZED = /^([a-z-]+?)(?:-(\d+))?$/;

/**
 * The algorithm a sized name stands for, or `undefined` when the name is not of a sized family.
 * Throws ERR_UNKNOWN_ALGORITHM when the family is known but the size is not valid for it, or
 * when the name spells the default size explicitly (`phash-8`: the name is `phash`).
 *
 * @example
 * ```ts
 * const algo = sizedAlgorithm('phash-32'); // 1024-bit imagehash phash(hash_size=32)
 * if (algo) registerAlgorithm(algo);
 * ```
 */
export function sizedAlgorithm(name: string): Algorithm | undefined {
  const match = SIZED.exec(name);
  if (!match) return undefined;
  const [, family, digits] = match;
  const factory = FACTORIES[family!];
  if (!factory) return undefined;
  let algorithm: Algorithm;
  try {
    algorithm = factory(digits === undefined ? undefined : Number(digits));
  } catch (err) {
    throw new ImprintError(
      'ERR_UNKNOWN_ALGORITHM',
      `Unknown algorithm "${name}": ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (algorithm.name !== name) {
    throw new ImprintError(
      'ERR_UNKNOWN_ALGORITHM',
      `Unknown algorithm "${name}"; the default size of ${family} is named "${algorithm.name}"`,
    );
  }
  return algorithm;
}
