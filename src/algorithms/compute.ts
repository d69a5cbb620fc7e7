import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { PixelImage } from '../core/pixels.js';
import { type PdqFlavour, pdqDihedral, pdqHash } from './pdq/pdq.js';
import { getAlgorithm } from './registry.js';

/**
 * Which hashes to compute for one image. `A` is the names asked for, so a result's `hashes` has
 * exactly those keys (`{ algorithms: ['pdq', 'md5'] }` gives `hashes.pdq` and `hashes.md5`, typed
 * `Hash`); names known only at run time (`string[]`) give a record whose entries may be missing.
 */
export interface HashRequest<A extends string = string> {
  /** Registered algorithm names; default `['pdq']`. */
  algorithms?: readonly A[];
  /** PDQ flavour; default `fullres`. */
  pdqFlavour?: PdqFlavour;
  /** Also return PDQ's 8 dihedral hashes (requires `pdq` among the algorithms). */
  dihedral?: boolean;
}

/**
 * The hashes of one image keyed by algorithm name: one `Hash` per name in `A` (a literal union
 * when the names were written in the call, so `hashes.pdq` needs no `!`).
 */
export type HashesOf<A extends string> = { readonly [K in A]: Hash };

/** The hashes of one image, keyed by algorithm name (see {@link HashesOf}). */
export interface ImageHashes<A extends string = string> {
  readonly hashes: HashesOf<A>;
  /** PDQ's dihedral hashes (orig, rot90, rot180, rot270, flipx, flipy, flip+1, flip-1) when asked. */
  readonly dihedral?: readonly Hash[];
}

/**
 * Computes every requested hash from ONE decoded image (and its file bytes, for exact hashes).
 *
 * @example
 * ```ts
 * const { hashes } = computeHashes(pixels, fileBytes, { algorithms: ['pdq', 'md5'] });
 * console.log(hashToHex(hashes.pdq), hashes.pdq.quality, hashToHex(hashes.md5));
 * ```
 */
export function computeHashes<const A extends string = 'pdq'>(
  image: PixelImage,
  bytes: Uint8Array | undefined,
  request: HashRequest<A> = {},
): ImageHashes<A> {
  const names: readonly string[] = request.algorithms ?? ['pdq'];
  if (!Array.isArray(names) || names.length === 0) {
    throw invalidArgument('a non-empty array of algorithm names', 'algorithms', names);
  }
  if (request.dihedral && !names.includes('pdq')) {
    throw invalidArgument("'pdq' among the algorithms", 'dihedral', names.join(','));
  }
  const hashes: Record<string, Hash> = {};
  let dihedral: Hash[] | undefined;
  for (const name of names) {
    if (name === 'pdq') {
      const result = pdqHash(image, { flavour: request.pdqFlavour ?? 'fullres' });
      hashes[name] = result.hash;
      if (request.dihedral) dihedral = pdqDihedral(result);
      continue;
    }
    const algorithm = getAlgorithm(name);
    if (algorithm.hashPixels) hashes[name] = algorithm.hashPixels(image);
    else if (algorithm.hashBytes) {
      if (!bytes)
        throw new ImprintError('ERR_INVALID_ARGUMENT', `${name} hashes file bytes, but none were given`);
      hashes[name] = algorithm.hashBytes(bytes);
    } else throw new ImprintError('ERR_INTERNAL', `Algorithm ${name} can hash neither pixels nor bytes`);
  }
  const typed = hashes as HashesOf<A>;
  return dihedral ? { hashes: typed, dihedral } : { hashes: typed };
}
