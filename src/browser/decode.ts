/**
 * Decoding an image file in a browser (page or worker) into the {@link PixelImage} the pure core
 * hashes, seeing the same pixels as `imprint/sharp`: no colour-space conversion (embedded ICC
 * profiles ignored), no premultiplied alpha, no resizing, EXIF orientation not applied unless
 * asked, grey files kept as one grey channel.
 */

import { ImprintError, invalidArgument, throwIfAborted } from '../core/errors.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from '../core/limits.js';
import { looksLikeMarkup } from '../core/markup.js';
import type { PixelImage } from '../core/pixels.js';
import { exifOrientation, withoutOrientation } from './exif-orientation.js';
import { applyOrientation } from './orient.js';
import { pixelsFromRgba } from './pixels.js';
import { readBitmapPixels } from './read-pixels.js';
import { sniffImage } from './sniff.js';

/** Options for {@link decodeBlob} (and {@link hashBlob}); the same meaning as in `imprint/sharp`. */
export interface BrowserDecodeOptions {
  /** Largest accepted image in pixels, checked from the header before decoding. Default 100 million; `false` lifts it. */
  maxPixels?: number | false;
  /** Largest accepted file in bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Apply the EXIF Orientation tag. Default false, as the reference hashers (and `imprint/sharp`) do. */
  autoOrient?: boolean;
  /**
   * Hand truncated files (no JPEG EOI or PNG IEND) to the browser anyway. Default false: they raise
   * ERR_IMAGE_CORRUPT, as in Node. What the browser makes of them is its own affair.
   */
  tolerateCorrupt?: boolean;
  /** Abort the load (ERR_ABORTED). */
  signal?: AbortSignal;
  /** Name for error messages (`hashBlob` passes a File's name). */
  source?: string;
}

/** Decoded pixels plus what is known about where they came from. */
export interface BrowserDecodedImage extends PixelImage {
  /** Container format read from the header (`jpeg`, `png`, `webp`, `gif`, ... or `unknown`). */
  readonly format: string;
  /** The file's bytes as given (MD5 and SHA-256 are computed from these). */
  readonly bytes: Uint8Array;
  /** The EXIF orientation the file declares (1 = as stored), applied only with `autoOrient`. */
  readonly orientation: number;
  /**
   * True when the pixels are exactly the decoded values. False only for images with translucent
   * pixels in a browser without WebGL2 (see `readBitmapPixels`).
   */
  readonly exactPixels: boolean;
}

/**
 * The same limits as `imprint/sharp` (src/core/limits.ts).
 *
 * @example
 * ```ts
 * const image = await decodeBlob(blob, { maxPixels: BROWSER_DEFAULT_MAX_PIXELS / 4 }); // stricter than the default
 * ```
 */
export const BROWSER_DEFAULT_MAX_PIXELS: number = DEFAULT_MAX_PIXELS;
/**
 * The same limits as `imprint/sharp` (src/core/limits.ts).
 *
 * @example
 * ```ts
 * if (file.size > BROWSER_DEFAULT_MAX_BYTES) console.warn(`${file.name} is too large to hash`);
 * ```
 */
export const BROWSER_DEFAULT_MAX_BYTES: number = DEFAULT_MAX_BYTES;

/** Formats a browser may decode that can load other resources or run scripts. */
const REFUSED_MIME_TYPES = new Set(['image/svg+xml']);

/**
 * Decodes an image file (a `Blob` or `File`) in a page or a Web Worker. Every failure is an
 * ImprintError: ERR_EMPTY_INPUT, ERR_IMAGE_TOO_LARGE, ERR_FORMAT_REFUSED, ERR_NOT_AN_IMAGE,
 * ERR_IMAGE_CORRUPT, ERR_ABORTED, ERR_UNSUPPORTED_ENVIRONMENT.
 *
 * @example
 * ```ts
 * import { decodeBlob, pdqHash } from 'imprint/browser';
 * const image = await decodeBlob(file);
 * const { hash, quality } = pdqHash(image);
 * ```
 */
export async function decodeBlob(
  blob: Blob,
  options: BrowserDecodeOptions = {},
): Promise<BrowserDecodedImage> {
  const location = options.source === undefined ? undefined : { source: options.source };
  const fail = (code: ImprintError['code'], message: string, cause?: unknown): ImprintError =>
    new ImprintError(code, message, { location, cause });
  if (typeof Blob === 'undefined' || !(blob instanceof Blob))
    throw invalidArgument('a Blob or File', 'blob', blob);
  if (typeof createImageBitmap !== 'function') {
    throw fail('ERR_UNSUPPORTED_ENVIRONMENT', 'This runtime has no createImageBitmap');
  }
  const maxBytes = options.maxBytes ?? BROWSER_DEFAULT_MAX_BYTES;
  const maxPixels = options.maxPixels ?? BROWSER_DEFAULT_MAX_PIXELS;
  if (maxPixels !== false && (!Number.isInteger(maxPixels) || maxPixels < 1)) {
    throw invalidArgument('a positive integer or false', 'maxPixels', maxPixels);
  }
  throwIfAborted(options.signal, 'Aborted', location);
  if (blob.size === 0) throw fail('ERR_EMPTY_INPUT', 'The input is empty (0 bytes)');
  if (blob.size > maxBytes) {
    throw fail('ERR_IMAGE_TOO_LARGE', `File has ${blob.size} bytes, over the ${maxBytes}-byte limit`);
  }
  if (REFUSED_MIME_TYPES.has(blob.type))
    throw fail('ERR_FORMAT_REFUSED', `The ${blob.type} format is refused`);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  throwIfAborted(options.signal, 'Aborted', location);
  if (looksLikeMarkup(bytes)) {
    throw fail('ERR_FORMAT_REFUSED', 'SVG/XML input is refused (it can load external files)');
  }

  const header = sniffImage(bytes);
  const known = header.format !== 'unknown';
  const checkSize = (width: number, height: number): void => {
    if (maxPixels !== false && width * height > maxPixels) {
      throw fail('ERR_IMAGE_TOO_LARGE', `${width}x${height} is over the ${maxPixels}-pixel limit`);
    }
  };
  if (header.width !== undefined && header.height !== undefined) checkSize(header.width, header.height);
  if (header.complete === false && !options.tolerateCorrupt) {
    throw fail('ERR_IMAGE_CORRUPT', `The ${header.format} file is truncated (its end marker is missing)`);
  }

  // The browser would apply the EXIF orientation itself: give it the file with the tag set to
  // "as stored", and apply the tag below when asked, as imprint/sharp does.
  const orientation = exifOrientation(bytes, header);
  const decodable = withoutOrientation(bytes, header);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([decodable as Uint8Array<ArrayBuffer>]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
      imageOrientation: 'from-image',
    });
  } catch (err) {
    throw known
      ? fail('ERR_IMAGE_CORRUPT', `The browser could not decode this ${header.format} file`, err)
      : fail('ERR_NOT_AN_IMAGE', 'The bytes are not in any image format this browser decodes', err);
  }
  try {
    throwIfAborted(options.signal, 'Aborted', location);
    checkSize(bitmap.width, bitmap.height);
    if (
      header.width !== undefined &&
      header.width !== header.height &&
      bitmap.width === header.height &&
      bitmap.height === header.width
    ) {
      throw fail('ERR_INTERNAL', 'The browser turned the image by an orientation imprint did not find');
    }
    const rgba = readBitmapPixels(bitmap);
    let image = pixelsFromRgba(rgba, { greyscale: header.grey });
    if (options.autoOrient) image = applyOrientation(image, orientation);
    return { ...image, format: header.format, bytes, orientation, exactPixels: rgba.exact };
  } finally {
    bitmap.close();
  }
}
