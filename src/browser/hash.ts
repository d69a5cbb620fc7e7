/**
 * Hashing in a browser: from ImageData, an ImageBitmap, or a file (Blob/File). Every algorithm in
 * the registry that hashes pixels runs here unchanged, and returns the same `Hash` values.
 */
import { computeHashes, type HashRequest, type ImageHashes } from '../algorithms/compute.js';
import { toImprintError, withSource } from '../core/errors.js';
import { type BrowserDecodeOptions, decodeBlob } from './decode.js';
import { pixelsFromRgba, type RgbaOptions, type RgbaPixels } from './pixels.js';
import { readBitmapPixels } from './read-pixels.js';

/** Which hashes to compute (as in `computeHashes`), and whether the pixels are grey. */
export interface BrowserHashRequest<A extends string = string> extends HashRequest<A>, RgbaOptions {}

/** Options for {@link hashBlob}. */
export interface BrowserHashOptions<A extends string = string> extends BrowserDecodeOptions, HashRequest<A> {}

/** The hashes of an image plus whether its pixels were read exactly. */
export interface BrowserImageHashes<A extends string = string> extends ImageHashes<A> {
  /** False only for translucent images in a browser without WebGL2 (see `readBitmapPixels`). */
  readonly exactPixels: boolean;
}

/** The hashes of one image file plus what the decoder saw. */
export interface BrowserImageHashResult<A extends string = string> extends BrowserImageHashes<A> {
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** The EXIF orientation the file declares (applied only with `autoOrient`). */
  readonly orientation: number;
}

/**
 * Hashes canvas pixels (`ImageData` or any `{ width, height, data }` of RGBA). Exact hashes (MD5,
 * SHA-256) need the file's bytes: use {@link hashBlob}. A canvas stores translucent colours
 * premultiplied, so for reference-exact hashes of such images prefer {@link hashBlob} or
 * {@link hashBitmap}.
 *
 * @example
 * ```ts
 * const { hashes } = hashImageData(context.getImageData(0, 0, width, height), { algorithms: ['pdq', 'phash'] });
 * ```
 */
export function hashImageData<const A extends string = 'pdq'>(
  imageData: RgbaPixels,
  options: BrowserHashRequest<A> = {},
): ImageHashes<A> {
  return computeHashes<A>(pixelsFromRgba(imageData, options), undefined, options);
}

/**
 * Hashes an ImageBitmap at its own size. For the pixels `imprint/sharp` sees, create it with
 * `createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' })`. Note that
 * browsers apply EXIF orientation when decoding: {@link hashBlob} undoes that, this cannot.
 *
 * @example
 * ```ts
 * const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
 * const { hashes } = hashBitmap(bitmap);
 * ```
 */
export function hashBitmap<const A extends string = 'pdq'>(
  bitmap: ImageBitmap,
  options: BrowserHashRequest<A> = {},
): BrowserImageHashes<A> {
  const rgba = readBitmapPixels(bitmap);
  return { ...computeHashes<A>(pixelsFromRgba(rgba, options), undefined, options), exactPixels: rgba.exact };
}

/**
 * Decodes an image file in the browser (page or worker) and computes every requested hash (PDQ by
 * default), with the same pixels and results as `hashImage` in `imprint/sharp`: ICC profiles and
 * EXIF orientation are not applied (`autoOrient: true` applies the orientation), grey files are
 * hashed from their grey channel. Nothing leaves the device. A `File` (from `<input type="file">`
 * or drag and drop) is a Blob: errors name it unless `source` says otherwise.
 *
 * @example
 * ```ts
 * const { hashes } = await hashBlob(blob, { algorithms: ['pdq', 'sha256'] });
 * console.log(hashToHex(hashes.pdq), hashes.pdq.quality);
 * for (const file of input.files ?? []) console.log(file.name, hashToHex((await hashBlob(file)).hashes.pdq));
 * ```
 */
export async function hashBlob<const A extends string = 'pdq'>(
  blob: Blob,
  options: BrowserHashOptions<A> = {},
): Promise<BrowserImageHashResult<A>> {
  if (options.source === undefined && typeof File === 'function' && blob instanceof File) {
    options = { ...options, source: blob.name };
  }
  const image = await decodeBlob(blob, options);
  let computed: ImageHashes<A>;
  try {
    computed = computeHashes<A>(image, image.bytes, options);
  } catch (err) {
    throw withSource(toImprintError(err), options.source);
  }
  return {
    ...computed,
    width: image.width,
    height: image.height,
    format: image.format,
    orientation: image.orientation,
    exactPixels: image.exactPixels,
  };
}
