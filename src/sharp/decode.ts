/**
 * Decoding images with sharp into the {@link PixelImage} the pure core hashes, the way the
 * reference hashers see pixels: embedded ICC profiles are NOT applied, EXIF orientation is NOT
 * applied (unless asked), alpha is kept as a channel (the algorithms decide), grey stays grey,
 * 16-bit samples are scaled to 8 bits (or as another tool reduces them, {@link SixteenBitRule}),
 * CMYK is converted with the plain ink formula.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Sharp, SharpOptions } from 'sharp';
import { ImprintError, invalidArgument, throwIfAborted } from '../core/errors.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from '../core/limits.js';
import { looksLikeMarkup } from '../core/markup.js';
import { cmykToRgb, type PixelImage } from '../core/pixels.js';
import { readJpegFrame } from './jpeg-frame.js';
import { loadSharp } from './load-sharp.js';

/** Anything imprint can load an image from. */
export type ImageInput = string | Uint8Array | ArrayBuffer | Readable | AsyncIterable<Uint8Array>;

/**
 * How 16-bit samples become the 8-bit ones every hash is computed from. The tools that make shared
 * lists disagree, so a list made by one tool matches a 16-bit picture only when it is read the same way:
 * - `scale` (default): the high byte, `v >> 8`: the picture as it looks, and what Pillow, and so
 *   python-threatexchange and HMA, read from 16-bit colour PNGs (its `RGB;16B` unpacker), and what
 *   browsers decode.
 * - `pillow`: as Pillow converts: colour by the high byte, 16-bit grey (Pillow's `I;16` mode)
 *   clipped to 255 by `convert('RGB')`, which makes most of a grey picture white.
 * - `low-byte`: `v & 255`, as the C++ `pdq-photo-hasher` reads 16-bit files (CImg cast to 8 bits):
 *   noise, unless the file was an 8-bit picture saved as 16-bit (`v * 257`, whose low byte is `v`).
 */
export type SixteenBitRule = 'scale' | 'pillow' | 'low-byte';

/**
 * Every {@link SixteenBitRule}, default first.
 *
 * @example
 * ```ts
 * for (const sixteenBit of SIXTEEN_BIT_RULES) {
 *   console.log(sixteenBit, hashToHex((await hashImage('deep.png', { sixteenBit })).hashes.pdq));
 * }
 * ```
 */
export const SIXTEEN_BIT_RULES = ['scale', 'pillow', 'low-byte'] as const;

/** Options for {@link decodeImage} (and every function that loads images). */
export interface DecodeOptions {
  /** 16-bit images: how samples are reduced to 8 bits (default `scale`; see {@link SixteenBitRule}). */
  sixteenBit?: SixteenBitRule;
  /**
   * Largest accepted image in pixels (width x height), checked from the header before decoding,
   * so decompression bombs are refused cheaply. Default 100 million; `false` lifts the limit.
   */
  maxPixels?: number | false;
  /** Largest accepted input in bytes (files and streams). Default 256 MiB. */
  maxBytes?: number;
  /** Apply the EXIF Orientation tag. Default false, as the reference hashers do. */
  autoOrient?: boolean;
  /**
   * Decode truncated or slightly corrupt files as far as the decoder can instead of failing.
   * Default false: such files raise ERR_IMAGE_CORRUPT.
   */
  tolerateCorrupt?: boolean;
  /** Accept SVG (it can reference external files: refused by default). */
  allowVector?: boolean;
  /** Give up on a decode after this many milliseconds (ERR_DECODE_TIMEOUT). Default: none. */
  timeoutMs?: number;
  /** Abort the load (ERR_ABORTED). */
  signal?: AbortSignal;
}

/** Decoded pixels plus what is known about where they came from. */
export interface DecodedImage extends PixelImage {
  /** Container format as sharp names it (`jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`, ...). */
  readonly format: string;
  /** The undecoded input bytes (the exact hashes, MD5 and SHA-256, are computed from these). */
  readonly bytes: Uint8Array;
  /** Frames in the file; only the first is decoded. */
  readonly pages: number;
}

export { DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS } from '../core/limits.js';

const REFUSED_FORMATS = new Set(['svg', 'pdf', 'magick', 'openslide', 'fits', 'matrix', 'vips']);

/**
 * Loads and decodes one image. Every failure is an {@link ImprintError} with a stable code:
 * ERR_FILE_UNREADABLE, ERR_EMPTY_INPUT, ERR_NOT_AN_IMAGE, ERR_FORMAT_REFUSED, ERR_IMAGE_CORRUPT,
 * ERR_IMAGE_TOO_LARGE, ERR_DECODE_TIMEOUT, ERR_ABORTED.
 *
 * @example
 * ```ts
 * import { decodeImage } from 'imprint/sharp';
 * import { pdqHash } from 'imprint';
 * const image = await decodeImage('photo.jpg');
 * const { hash, quality } = pdqHash(image);
 * ```
 */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<DecodedImage> {
  const source = typeof input === 'string' ? input : undefined;
  const location = source === undefined ? undefined : { source };
  throwIfAborted(options.signal, 'Aborted', location);
  const bytes = await readImageInput(input, options);
  if (bytes.length === 0)
    throw new ImprintError('ERR_EMPTY_INPUT', 'The input is empty (0 bytes)', { location });
  if (!options.allowVector && looksLikeMarkup(bytes)) {
    throw new ImprintError('ERR_FORMAT_REFUSED', 'SVG/XML input is refused (it can load external files)', {
      location,
    });
  }
  const work = decodeBytes(bytes, options).catch((err: unknown) => {
    throw mapSharpError(err, location);
  });
  return withTimeoutAndSignal(work, options, location);
}

/**
 * Decodes the bytes. A plain 8-bit grey or colour JPEG (the bulk of uploads), recognised from its
 * frame header, is decoded at once; anything else is first asked for its header by libvips (format,
 * depth, colour space), which chooses how it is read. Both ways give the same pixels (tested).
 */
async function decodeBytes(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  const sharp = loadSharp();
  const maxPixels = options.maxPixels === undefined ? DEFAULT_MAX_PIXELS : options.maxPixels;
  if (maxPixels !== false && (!Number.isInteger(maxPixels) || maxPixels < 1)) {
    throw invalidArgument('a positive integer or false', 'maxPixels', maxPixels);
  }
  const rule = options.sixteenBit ?? 'scale';
  if (rule !== 'scale' && rule !== 'pillow' && rule !== 'low-byte') {
    throw invalidArgument('"scale", "pillow" or "low-byte"', 'sixteenBit', rule);
  }
  const sharpOptions: SharpOptions = {
    ignoreIcc: true,
    autoOrient: options.autoOrient ?? false,
    failOn: options.tolerateCorrupt ? 'none' : 'warning',
    limitInputPixels: maxPixels === false ? false : maxPixels,
    pages: 1,
    sequentialRead: true,
  };
  // libvips' own timeout (whole seconds) stops runaway work; the precise one is raced in decodeImage.
  const seconds = options.timeoutMs === undefined ? 0 : Math.max(1, Math.ceil(options.timeoutMs / 1000));
  // One instance for the header and the pixels: sharp reads the header once.
  const pipeline = sharp(bytes, sharpOptions).timeout({ seconds });

  const jpeg = readJpegFrame(bytes);
  if (jpeg) {
    if (maxPixels !== false && jpeg.width * jpeg.height > maxPixels) {
      throw tooLarge(jpeg.width, jpeg.height, maxPixels, undefined);
    }
    return decodeEightBit(pipeline, { format: 'jpeg', bytes, pages: 1 }, jpeg.components === 1, false);
  }

  let meta: Awaited<ReturnType<typeof pipeline.metadata>>;
  try {
    meta = await pipeline.metadata();
  } catch (err) {
    if (maxPixels !== false && /pixel limit/i.test(String((err as Error)?.message))) {
      throw await overPixelLimit(bytes, sharpOptions, maxPixels, err);
    }
    throw err;
  }
  const format = meta.format ?? 'unknown';
  if (REFUSED_FORMATS.has(format) && !(format === 'svg' && options.allowVector)) {
    throw new ImprintError('ERR_FORMAT_REFUSED', `The ${format} format is refused`);
  }
  const pages = meta.pages ?? 1;
  const cmyk = meta.space === 'cmyk';
  const grey = meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w' || meta.space === 'grey16';
  if (meta.depth === 'ushort' && !cmyk) {
    // The 16-bit samples themselves (libvips' own reduction of grey16 is not exactly v >> 8).
    const { data, info } = await pipeline
      .toColourspace(grey ? 'grey16' : 'rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels < 1 || info.channels > 4) {
      throw new ImprintError('ERR_IMAGE_CORRUPT', `Unsupported channel count ${info.channels}`);
    }
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    const channels = info.channels as 1 | 2 | 3 | 4;
    return {
      format,
      bytes,
      pages,
      width: info.width,
      height: info.height,
      channels,
      data: eightBit(samples, channels, rule),
    };
  }
  return decodeEightBit(pipeline, { format, bytes, pages }, grey, cmyk);
}

/** 8-bit pixels: grey kept grey, CMYK by the plain ink formula, everything else as libvips gives it. */
async function decodeEightBit(
  pipeline: Sharp,
  base: { format: string; bytes: Uint8Array; pages: number },
  grey: boolean,
  cmyk: boolean,
): Promise<DecodedImage> {
  if (cmyk) {
    // Keep the ink values and convert with the plain formula the reference's decoder uses,
    // instead of libvips' colour-managed CMYK profile.
    pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk');
  } else if (grey) {
    pipeline = pipeline.toColourspace('b-w'); // sharp would otherwise expand grey to RGB
  }
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const size = { ...base, width: info.width, height: info.height };
  if (cmyk) {
    if ((info.channels as number) < 4) {
      throw new ImprintError('ERR_IMAGE_CORRUPT', `CMYK image decoded to ${info.channels} channels`);
    }
    return {
      ...size,
      ...cmykToRgb({ width: info.width, height: info.height, data: raw, stride: info.channels }),
    };
  }
  if (info.channels < 1 || info.channels > 4) {
    throw new ImprintError('ERR_IMAGE_CORRUPT', `Unsupported channel count ${info.channels}`);
  }
  return { ...size, channels: info.channels as 1 | 2 | 3 | 4, data: raw };
}

/**
 * 16-bit samples reduced to 8 bits by a {@link SixteenBitRule}. Pillow clips only plain grey
 * (`I;16`); its grey with alpha (`LA;16B`) and colour unpackers keep the high byte.
 *
 * @example
 * ```ts
 * eightBit(Uint16Array.of(0x1234, 0x00ff), 1, 'scale'); // [0x12, 0x00]
 * eightBit(Uint16Array.of(0x1234, 0x00ff), 1, 'pillow'); // [255, 255]
 * eightBit(Uint16Array.of(0x1234, 0x00ff), 1, 'low-byte'); // [0x34, 0xff]
 * ```
 */
export function eightBit(samples: Uint16Array, channels: 1 | 2 | 3 | 4, rule: SixteenBitRule): Uint8Array {
  const out = new Uint8Array(samples.length);
  if (rule === 'low-byte') for (let i = 0; i < samples.length; i++) out[i] = samples[i]! & 255;
  else if (rule === 'pillow' && channels === 1)
    for (let i = 0; i < samples.length; i++) out[i] = Math.min(samples[i]!, 255);
  else for (let i = 0; i < samples.length; i++) out[i] = samples[i]! >> 8;
  return out;
}

/**
 * The bytes of an input, as {@link decodeImage} reads them: a file (ERR_FILE_UNREADABLE,
 * ERR_IMAGE_TOO_LARGE over `maxBytes`), a stream collected into one buffer, or a buffer as it is.
 *
 * @example
 * ```ts
 * const bytes = await readImageInput(request); // an http.IncomingMessage
 * ```
 */
export async function readImageInput(
  input: ImageInput,
  options: Pick<DecodeOptions, 'maxBytes' | 'signal'> = {},
): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof input === 'string') {
    const location = { source: input };
    try {
      const info = await stat(input);
      if (info.isDirectory()) throw new ImprintError('ERR_FILE_UNREADABLE', 'Is a directory', { location });
      if (info.size > maxBytes) {
        throw new ImprintError(
          'ERR_IMAGE_TOO_LARGE',
          `File has ${info.size} bytes, over the ${maxBytes}-byte limit`,
          {
            location,
          },
        );
      }
      const buf = await readFile(input, options.signal ? { signal: options.signal } : {});
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    } catch (err) {
      if (err instanceof ImprintError) throw err;
      if (options.signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Aborted', { location, cause: err });
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      throw new ImprintError('ERR_FILE_UNREADABLE', `Cannot read file (${code})`, { location, cause: err });
    }
  }
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (input !== null && typeof input === 'object' && Symbol.asyncIterator in input) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
      const part = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      total += part.length;
      if (total > maxBytes)
        throw new ImprintError('ERR_IMAGE_TOO_LARGE', `Stream exceeds the ${maxBytes}-byte limit`);
      throwIfAborted(options.signal);
      chunks.push(part);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  throw invalidArgument('a file path, Uint8Array/Buffer, ArrayBuffer or readable stream', 'input', input);
}

/**
 * ERR_IMAGE_TOO_LARGE for an image libvips refused by its header: the size is read again from
 * the header without the limit (a header read decodes no pixels).
 */
async function overPixelLimit(
  bytes: Uint8Array,
  sharpOptions: SharpOptions,
  maxPixels: number,
  cause: unknown,
): Promise<ImprintError> {
  try {
    const { width, height } = await loadSharp()(bytes, {
      ...sharpOptions,
      limitInputPixels: false,
    }).metadata();
    return tooLarge(width, height, maxPixels, cause);
  } catch {
    return tooLarge(undefined, undefined, maxPixels, cause); // the size stays unnamed
  }
}

/** ERR_IMAGE_TOO_LARGE naming the image's size (when known), the limit and how to raise it. */
function tooLarge(
  width: number | undefined,
  height: number | undefined,
  maxPixels: number,
  cause: unknown,
): ImprintError {
  const size = width && height ? ` is ${width}x${height} (${width * height} pixels),` : ' is';
  return new ImprintError(
    'ERR_IMAGE_TOO_LARGE',
    `The image${size} over the limit of ${maxPixels} pixels: raise it with maxPixels (--max-pixels on the command line) if you trust the input`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * A decoder message on one line: libvips joins every warning it saw with newlines (a truncated
 * JPEG's header gives four), which would print as raw decoder text on lines of their own.
 */
function oneLine(message: string): string {
  const parts = message
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const kept: string[] = [];
  for (const p of parts) if (!kept.some((k) => k.includes(p))) kept.push(p);
  return kept.join('; ');
}

/** Maps sharp/libvips failures onto stable codes by their (stable enough) messages. */
function mapSharpError(err: unknown, location: { source: string } | undefined): ImprintError {
  if (err instanceof ImprintError) {
    return err.location || !location
      ? err
      : new ImprintError(err.code, err.message, { location, cause: err.cause });
  }
  const message = oneLine(err instanceof Error ? err.message : String(err));
  const lower = message.toLowerCase();
  let code: ImprintError['code'] = 'ERR_IMAGE_CORRUPT';
  if (lower.includes('unsupported image format')) code = 'ERR_NOT_AN_IMAGE';
  else if (lower.includes('pixel limit') || lower.includes('too large') || lower.includes('exceeds')) {
    code = 'ERR_IMAGE_TOO_LARGE';
  } else if (lower.includes('timeout')) code = 'ERR_DECODE_TIMEOUT';
  else if (lower.includes('empty')) code = 'ERR_EMPTY_INPUT';
  return new ImprintError(code, message, { location, cause: err });
}

/** Races the decode against the timeout and the abort signal (libvips work itself cannot be cancelled). */
function withTimeoutAndSignal<T>(
  work: Promise<T>,
  options: DecodeOptions,
  location: { source: string } | undefined,
): Promise<T> {
  const { timeoutMs, signal } = options;
  if (timeoutMs === undefined && !signal) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void =>
      finish(() => reject(new ImprintError('ERR_ABORTED', 'Aborted', { location })));
    const finish = (settle: () => void): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new ImprintError('ERR_DECODE_TIMEOUT', `Decoding took longer than ${timeoutMs} ms`, {
                location,
              }),
            ),
          ),
        timeoutMs,
      );
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
