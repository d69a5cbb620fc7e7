/**
 * The frame header (SOF) of a JPEG, read from the bytes without a decoder: enough to know, before
 * asking libvips, that a file is a plain 8-bit grey or YCbCr/RGB JPEG, so the loader can decode it
 * at once instead of first asking libvips for the header (a second parse of the file that cost
 * about a millisecond of CPU per photo). Anything unusual gives null and takes the general path.
 */

/** What the loader needs from a JPEG's frame header. */
export interface JpegFrame {
  readonly width: number;
  readonly height: number;
  /** Colour components: 1 (grey) or 3 (YCbCr, or RGB with an Adobe marker). */
  readonly components: 1 | 3;
}

/**
 * The frame header of a Huffman-coded (baseline, extended or progressive) 8-bit JPEG with 1 or 3
 * components and a height in its header; null for anything else (not a JPEG, truncated before
 * the frame header, 12-bit, CMYK/YCCK, arithmetic-coded, lossless, hierarchical, height set by a
 * DNL marker), which the caller leaves to libvips.
 *
 * @example
 * ```ts
 * readJpegFrame(bytes); // { width: 1000, height: 750, components: 3 }
 * readJpegFrame(pngBytes); // null
 * ```
 */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return null; // not at a marker: leave the file to the decoder
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    at += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return null; // no frame header first
    if (at + 2 > bytes.length) return null;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (length < 2 || at + length > bytes.length) return null;
    if (isFrameMarker(marker)) {
      // Only baseline (C0), extended (C1) and progressive (C2) Huffman frames take the fast path.
      if (marker > 0xc2 || length < 8) return null;
      const precision = bytes[at + 2]!;
      const height = (bytes[at + 3]! << 8) | bytes[at + 4]!;
      const width = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const components = bytes[at + 7]!;
      if (precision !== 8 || height === 0 || width === 0) return null;
      if (components !== 1 && components !== 3) return null;
      if (length !== 8 + 3 * components) return null;
      return { width, height, components };
    }
    at += length;
  }
  return null;
}

/** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}
