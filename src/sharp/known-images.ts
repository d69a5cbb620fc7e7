import { PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import type { Hash } from '../core/hash.js';
import type { LocalFeatures } from '../features/extract.js';
import type { KnownVariantMetadata } from '../matching/methods/match.js';
import { getMethod } from '../matching/methods/methods.js';
import type { MatchMethod } from '../matching/methods/types.js';
import type { IndexEntry } from '../matching/types.js';
import type { DecodeOptions, ImageInput } from './decode.js';
import { plainDecodeOptions } from './jobs.js';
import { execute, type PooledOptions } from './worker-pool.js';

/** Options for {@link knownImageEntries}. */
export interface KnownImageOptions extends DecodeOptions, PooledOptions {
  /**
   * Keep an image whose PDQ quality is below `minQuality`. Default false: it yields no entries
   * (`weak: true`), because a flat picture's hash matches other flat pictures; the quality gate
   * refuses such uploads for the same reason.
   */
  keepWeak?: boolean;
  /** Known images' quality gate. Default 50, the reference's advice. */
  minQuality?: number;
}

/** The index entries of one known image, and whether it was refused as weak. */
export interface KnownImageEntries<M> {
  /** Its plain PDQ hash with `metadata`, then the derived hashes the method stores; empty when refused. */
  readonly entries: readonly IndexEntry<M | KnownVariantMetadata<M>>[];
  /** The image's exact PDQ hash. */
  readonly hash: Hash;
  readonly quality: number;
  /** True when the quality is below the gate (the entries are then empty unless `keepWeak`). */
  readonly weak: boolean;
  /**
   * With a method that has local features (`pdq-local`, `local`): the image's, for a
   * LocalFeatureIndex (absent when refused).
   */
  readonly local?: LocalFeatures;
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

/**
 * Decodes a known image and computes the index entries a matching method stores for it (what
 * `imprint index build --images --method <name>` adds), in the shared worker pool. An image below
 * PDQ quality 50 is refused by default (`weak: true`, no entries).
 *
 * @example
 * ```ts
 * import { MihIndex } from 'imprint';
 * import { saveIndex } from 'imprint/node';
 * import { knownImageEntries } from 'imprint/sharp';
 * const index = new MihIndex();
 * const known = await knownImageEntries('known/case-1.jpg', 'pdq-max', 'case-1');
 * if (known.weak) console.warn('too flat to list, quality', known.quality);
 * index.addAll(known.entries);
 * await saveIndex(index, 'known.idx');
 * ```
 */
export async function knownImageEntries<M>(
  input: ImageInput,
  method: string | MatchMethod,
  metadata: M,
  options: KnownImageOptions = {},
): Promise<KnownImageEntries<M>> {
  const resolved = typeof method === 'string' ? getMethod(method) : method;
  const decode = plainDecodeOptions(options);
  const result = await execute(
    input,
    (i) => ({ kind: 'known', input: i, decode, method: resolved, metadata }),
    options,
  );
  const weak = result.quality < (options.minQuality ?? PDQ_MIN_QUALITY);
  const refused = weak && !options.keepWeak;
  return {
    entries: refused ? [] : (result.entries as IndexEntry<M | KnownVariantMetadata<M>>[]),
    hash: result.hash,
    quality: result.quality,
    weak,
    ...(result.local && !refused ? { local: result.local } : {}),
    width: result.width,
    height: result.height,
    format: result.format,
  };
}
