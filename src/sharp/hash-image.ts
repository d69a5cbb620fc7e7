import { computeHashes, type HashRequest, type ImageHashes } from '../algorithms/compute.js';
import { toImprintError, withSource } from '../core/errors.js';
import { type DecodeOptions, decodeImage, type ImageInput } from './decode.js';

/** Options for {@link hashImage}: what to decode and which hashes to compute. */
export interface HashImageOptions extends DecodeOptions, HashRequest {}

/** The hashes of one image plus what the decoder saw. */
export interface ImageHashResult extends ImageHashes {
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

/**
 * Decodes an image once and computes every requested hash (PDQ by default).
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
  const image = await decodeImage(input, options);
  let computed: ImageHashes;
  try {
    computed = computeHashes(image, image.bytes, options);
  } catch (err) {
    throw withSource(toImprintError(err), typeof input === 'string' ? input : undefined);
  }
  const { hashes, dihedral } = computed;
  const base = { hashes, width: image.width, height: image.height, format: image.format };
  return dihedral ? { ...base, dihedral } : base;
}
