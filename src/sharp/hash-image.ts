import type { HashRequest, ImageHashes } from '../algorithms/compute.js';
import type { DecodeOptions, ImageInput } from './decode.js';
import { plainDecodeOptions } from './jobs.js';
import { execute, type PooledOptions } from './worker-pool.js';

/** Options for {@link hashImage}: what to decode, which hashes to compute, and where. */
export interface HashImageOptions<A extends string = string>
  extends DecodeOptions,
    HashRequest<A>,
    PooledOptions {}

/** The hashes of one image plus what the decoder saw; `hashes` holds one `Hash` per name in `A`. */
export interface ImageHashResult<A extends string = string> extends ImageHashes<A> {
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

/**
 * Decodes an image once and computes every requested hash (PDQ by default). The work runs in the
 * shared worker pool unless `workers` says otherwise (see {@link configureWorkers}); the result is
 * the same either way.
 *
 * @example
 * ```ts
 * import { hashImage } from 'imprint/sharp';
 * import { hashToHex } from 'imprint';
 * const { hashes } = await hashImage('upload.jpg', { algorithms: ['pdq', 'sha256'] });
 * console.log(hashToHex(hashes.pdq), hashes.pdq.quality, hashToHex(hashes.sha256));
 * ```
 */
export async function hashImage<const A extends string = 'pdq'>(
  input: ImageInput,
  options: HashImageOptions<A> = {},
): Promise<ImageHashResult<A>> {
  const request: HashRequest = {
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.pdqFlavour === undefined ? {} : { pdqFlavour: options.pdqFlavour }),
    ...(options.dihedral === undefined ? {} : { dihedral: options.dihedral }),
  };
  const decode = plainDecodeOptions(options);
  const result = await execute(input, (i) => ({ kind: 'hash', input: i, decode, request }), options);
  return result as ImageHashResult<A>;
}
