/**
 * Fingerprint records made on the device, as StopNCII's tool makes hashes: the picture is decoded
 * and hashed in the page or a Web Worker, and only the record (hashes and the metadata given)
 * leaves it. The same record `imprint hash --method` writes for the same file in Node.
 */
import { toImprintError, withSource } from '../core/errors.js';
import type { FingerprintRecord } from '../lists/fingerprint-records.js';
import { fingerprintOf } from '../matching/methods/fingerprint.js';
import { DEFAULT_METHOD, getMethod } from '../matching/methods/methods.js';
import { type BrowserDecodeOptions, decodeBlob } from './decode.js';
import { pixelsFromRgba, type RgbaOptions, type RgbaPixels } from './pixels.js';

/** Which method's hashes to make, and what to say about the item. */
export interface FingerprintOptions {
  /** The matching method whose hashes the record carries (default `pdq-max`). */
  method?: string;
  /** The item's metadata, kept in the record as it is (an id, a case number); nothing by default. */
  metadata?: Readonly<Record<string, unknown>>;
}

/** Options for {@link fingerprintBlob}. */
export interface BrowserFingerprintOptions extends BrowserDecodeOptions, FingerprintOptions {}

/**
 * Decodes an image file in the browser and makes its fingerprint record: the plain PDQ hash and
 * the derived hashes the method stores, bit for bit those `imprint hash --method` computes in
 * Node for the same file (the pixels are read as `hashBlob` reads them).
 *
 * @example
 * ```ts
 * const record = await fingerprintBlob(file, { metadata: { id: crypto.randomUUID() } });
 * await fetch('/report', { method: 'POST', body: formatFingerprintRecord(record) }); // never the picture
 * ```
 */
export async function fingerprintBlob(
  blob: Blob,
  options: BrowserFingerprintOptions = {},
): Promise<FingerprintRecord> {
  const method = getMethod(options.method ?? DEFAULT_METHOD);
  const image = await decodeBlob(blob, options);
  try {
    return fingerprintOf(method, image, options.metadata ?? {});
  } catch (err) {
    throw withSource(toImprintError(err), options.source);
  }
}

/**
 * The fingerprint record of canvas pixels (`ImageData` or any `{ width, height, data }` of RGBA).
 *
 * @example
 * ```ts
 * const record = fingerprintImageData(context.getImageData(0, 0, width, height), { method: 'pdq-max' });
 * ```
 */
export function fingerprintImageData(
  imageData: RgbaPixels,
  options: FingerprintOptions & RgbaOptions = {},
): FingerprintRecord {
  const method = getMethod(options.method ?? DEFAULT_METHOD);
  return fingerprintOf(method, pixelsFromRgba(imageData, options), options.metadata ?? {});
}
