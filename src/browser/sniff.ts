/**
 * Reads what a browser's decoder will not tell us from an image file's header: the format, the
 * size (to refuse decompression bombs before decoding), whether the file is greyscale (libvips
 * hashes those from one grey channel, a canvas always hands back RGBA), whether its end marker
 * is present (truncation), and where its EXIF blocks are.
 */

/** What {@link sniffImage} found. Fields it could not read are `undefined`. */
export interface ImageHeader {
  /** `png`, `jpeg`, `gif`, `webp`, `bmp`, `avif`, `heif` or `unknown`. */
  readonly format: string;
  readonly width?: number;
  readonly height?: number;
  /** The file stores grey samples (PNG colour types 0 and 4, single-component JPEG). */
  readonly grey: boolean;
  /** The format's end marker was found (JPEG EOI after the first scan, PNG IEND, WebP RIFF length). */
  readonly complete?: boolean;
  /** TIFF-structured EXIF payloads (byte ranges into the file), in file order. */
  readonly exif: readonly ExifBlock[];
}

/** A TIFF-structured EXIF payload inside the file. `crcAt` is set for PNG chunks (their CRC covers it). */
export interface ExifBlock {
  /** Offset of the TIFF header (`II*\0` or `MM\0*`). */
  readonly tiffStart: number;
  /** End of the block (exclusive). */
  readonly end: number;
  /** PNG only: offset of the chunk's type field, where its CRC starts, and of the CRC itself. */
  readonly pngChunk?: { readonly typeAt: number; readonly crcAt: number };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Sniffs an image file's header. Never throws: malformed headers give `format` with the fields it
 * could read.
 *
 * @example
 * ```ts
 * const header = sniffImage(new Uint8Array(await file.arrayBuffer()));
 * if (header.width && header.height && header.width * header.height > 1e8) refuse();
 * ```
 */
export function sniffImage(bytes: Uint8Array): ImageHeader {
  if (startsWith(bytes, PNG_SIGNATURE)) return sniffPng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return sniffJpeg(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return sniffWebp(bytes);
  const gif = ascii(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') {
    return { format: 'gif', width: u16le(bytes, 6), height: u16le(bytes, 8), grey: false, exif: [] };
  }
  if (ascii(bytes, 0, 2) === 'BM') return { format: 'bmp', grey: false, exif: [] };
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    const format = brand === 'avif' || brand === 'avis' ? 'avif' : 'heif';
    return { format, grey: false, exif: [] };
  }
  return { format: 'unknown', grey: false, exif: [] };
}

function sniffPng(bytes: Uint8Array): ImageHeader {
  let width: number | undefined;
  let height: number | undefined;
  let colourType = -1;
  let complete = false;
  const exif: ExifBlock[] = [];
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = u32be(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    const dataAt = at + 8;
    const next = dataAt + length + 4;
    if (next > bytes.length) break; // truncated inside a chunk
    if (type === 'IHDR' && length >= 13) {
      width = u32be(bytes, dataAt);
      height = u32be(bytes, dataAt + 4);
      colourType = bytes[dataAt + 9]!;
    } else if (type === 'eXIf' && isTiffHeader(bytes, dataAt)) {
      exif.push({
        tiffStart: dataAt,
        end: dataAt + length,
        pngChunk: { typeAt: at + 4, crcAt: dataAt + length },
      });
    } else if (type === 'IEND') {
      complete = true;
      break;
    }
    at = next;
  }
  return {
    format: 'png',
    ...(width === undefined ? {} : { width, height }),
    grey: colourType === 0 || colourType === 4,
    complete,
    exif,
  };
}

/** Start-of-frame markers carry the size and component count (C4, C8 and CC are not frames). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function sniffJpeg(bytes: Uint8Array): ImageHeader {
  let width: number | undefined;
  let height: number | undefined;
  let components = 0;
  let scanAt = -1;
  const exif: ExifBlock[] = [];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break; // not a marker where one must be: leave the rest to the decoder
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a length
      continue;
    }
    const length = u16be(bytes, at + 2);
    const dataAt = at + 4;
    const end = at + 2 + length;
    if (marker === 0xda) {
      scanAt = at;
      break;
    }
    if (isStartOfFrame(marker) && dataAt + 6 <= bytes.length) {
      height = u16be(bytes, dataAt + 1);
      width = u16be(bytes, dataAt + 3);
      components = bytes[dataAt + 5]!;
    } else if (marker === 0xe1 && ascii(bytes, dataAt, 6) === 'Exif\0\0' && isTiffHeader(bytes, dataAt + 6)) {
      exif.push({ tiffStart: dataAt + 6, end: Math.min(end, bytes.length) });
    }
    at = end;
  }
  // Entropy-coded data never contains FF D9 (an FF there is followed by 00 or a restart marker),
  // so an EOI after the first scan means the file was written to its end.
  const complete = scanAt >= 0 && lastIndexOfPair(bytes, 0xff, 0xd9) > scanAt;
  return {
    format: 'jpeg',
    ...(width === undefined ? {} : { width, height }),
    grey: components === 1,
    complete,
    exif,
  };
}

function sniffWebp(bytes: Uint8Array): ImageHeader {
  const riffEnd = 8 + u32le(bytes, 4);
  let width: number | undefined;
  let height: number | undefined;
  const exif: ExifBlock[] = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    const type = ascii(bytes, at, 4);
    const length = u32le(bytes, at + 4);
    const dataAt = at + 8;
    if (type === 'VP8X' && dataAt + 10 <= bytes.length) {
      width = 1 + u24le(bytes, dataAt + 4);
      height = 1 + u24le(bytes, dataAt + 7);
    } else if (type === 'VP8 ' && width === undefined && dataAt + 10 <= bytes.length) {
      width = u16le(bytes, dataAt + 6) & 0x3fff;
      height = u16le(bytes, dataAt + 8) & 0x3fff;
    } else if (type === 'VP8L' && width === undefined && dataAt + 5 <= bytes.length) {
      const bits = u32le(bytes, dataAt + 1);
      width = 1 + (bits & 0x3fff);
      height = 1 + ((bits >>> 14) & 0x3fff);
    } else if (type === 'EXIF') {
      // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
      const tiffStart = ascii(bytes, dataAt, 6) === 'Exif\0\0' ? dataAt + 6 : dataAt;
      if (isTiffHeader(bytes, tiffStart)) {
        exif.push({ tiffStart, end: Math.min(dataAt + length, bytes.length) });
      }
    }
    at = dataAt + length + (length & 1); // chunks are padded to even sizes
  }
  return {
    format: 'webp',
    ...(width === undefined ? {} : { width, height }),
    grey: false,
    complete: bytes.length >= riffEnd,
    exif,
  };
}

function isTiffHeader(bytes: Uint8Array, at: number): boolean {
  const order = ascii(bytes, at, 2);
  if (order === 'II') return bytes[at + 2] === 42 && bytes[at + 3] === 0;
  if (order === 'MM') return bytes[at + 2] === 0 && bytes[at + 3] === 42;
  return false;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function lastIndexOfPair(bytes: Uint8Array, a: number, b: number): number {
  for (let i = bytes.length - 2; i >= 0; i--) if (bytes[i] === a && bytes[i + 1] === b) return i;
  return -1;
}

/** Latin-1 text of `length` bytes at `at` (shorter when the file ends first). */
export function ascii(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

export function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}

export function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

export function u32le(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}
