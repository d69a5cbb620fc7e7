/**
 * Decode limits shared by every decoder (sharp in Node, the browser's), so a picture refused in
 * one is refused in the other.
 */

/**
 * 100 megapixels: roomy for any camera photo, far below sharp's own 268 MP default; checked from the header.
 *
 * @example
 * ```ts
 * const { hashes } = await hashImage('upload.jpg', { maxPixels: DEFAULT_MAX_PIXELS / 4 }); // 25 MP at most
 * ```
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;
/**
 * 256 MiB of encoded input.
 *
 * @example
 * ```ts
 * const { hashes } = await hashImage('upload.jpg', { maxBytes: DEFAULT_MAX_BYTES / 16 }); // 16 MiB at most
 * ```
 */
export const DEFAULT_MAX_BYTES: number = 256 * 1024 * 1024;
