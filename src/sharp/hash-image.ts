import type { HashRequest, ImageHashes } from '../algorithms/compute.js';
import type { DecodeOptions, ImageInput } from './decode.js';
import { plainDecodeOptions } from './jobs.js';
import { execute, type PooledOptions } from './worker-pool.js';

/** Options for {@link hashImage}: what to decode, which hashes to compute, and where. */
export interface HashImageOptions extends DecodeOptions, HashRequest, PooledOptions {}

/** The hashes of one image plus what the decoder saw. */
export interface ImageHashResult extends ImageHashes {
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
 * console.log(hashToHex(hashes.pdq!), hashes.pdq!.quality);
 * ```
 */
export async function hashImage(input: ImageInput, options: HashImageOptions = {}): Promise<ImageHashResult> {
  const request: HashRequest = {
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    ...(options.pdqFlavour === undefined ? {} : { pdqFlavour: options.pdqFlavour }),
    ...(options.dihedral === undefined ? {} : { dihedral: options.dihedral }),
  };
  const decode = plainDecodeOptions(options);
  return execute(input, (i) => ({ kind: 'hash', input: i, decode, request }), options);
}
