/**
 * EXIF orientation in image files. Browsers always apply it when decoding (`createImageBitmap`'s
 * `imageOrientation: 'none'` now means the same as `'from-image'`), while imprint, like the
 * reference hashers, hashes the stored pixels unless asked. So the tag is rewritten to 1 ("as
 * stored") in a copy of the file before the browser sees it, and applied afterwards in our own
 * code when `autoOrient` asks for it, exactly as in Node.
 */
import { crc32 } from '../matching/crc32.js';
import type { ExifBlock, ImageHeader } from './sniff.js';
import { u16be, u16le, u32be, u32le } from './sniff.js';

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/** Where an Orientation entry's value sits, and in which byte order. */
interface OrientationField {
  readonly at: number;
  readonly littleEndian: boolean;
  readonly value: number;
}

/** Finds the Orientation entry of IFD0 in one EXIF block (the only IFD decoders read it from). */
function findOrientationField(bytes: Uint8Array, block: ExifBlock): OrientationField | undefined {
  const base = block.tiffStart;
  const littleEndian = bytes[base] === 0x49; // 'I'
  const u16 = (at: number) => (littleEndian ? u16le(bytes, at) : u16be(bytes, at));
  const u32 = (at: number) => (littleEndian ? u32le(bytes, at) : u32be(bytes, at));
  const ifd = base + u32(base + 4);
  if (ifd + 2 > block.end) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > block.end) return undefined;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== TYPE_SHORT || u32(entry + 4) < 1) return undefined;
    return { at: entry + 8, littleEndian, value: u16(entry + 8) };
  }
  return undefined;
}

/**
 * The EXIF orientation (1..8) the first EXIF block declares; 1 when there is none or the value is
 * out of range (decoders ignore those too).
 */
export function exifOrientation(bytes: Uint8Array, header: ImageHeader): number {
  for (const block of header.exif) {
    const field = findOrientationField(bytes, block);
    if (field) return field.value >= 1 && field.value <= 8 ? field.value : 1;
  }
  return 1;
}

/**
 * A copy of the file with every EXIF Orientation set to 1, so a browser decodes the pixels as
 * stored; the input itself when there is nothing to change. PNG chunk CRCs are recomputed.
 */
export function withoutOrientation(bytes: Uint8Array, header: ImageHeader): Uint8Array {
  let out: Uint8Array | undefined;
  for (const block of header.exif) {
    const field = findOrientationField(bytes, block);
    if (!field || field.value === 1) continue;
    out ??= bytes.slice();
    out[field.at] = field.littleEndian ? 1 : 0;
    out[field.at + 1] = field.littleEndian ? 0 : 1;
    if (block.pngChunk) {
      const crc = crc32(out.subarray(block.pngChunk.typeAt, block.pngChunk.crcAt));
      const at = block.pngChunk.crcAt;
      out[at] = crc >>> 24;
      out[at + 1] = (crc >>> 16) & 0xff;
      out[at + 2] = (crc >>> 8) & 0xff;
      out[at + 3] = crc & 0xff;
    }
  }
  return out ?? bytes;
}
