/**
 * The local-feature file: a {@link LocalFeatureIndex} saved beside an index built with a method
 * that has local features (`imprint index build --images --method pdq-local` writes
 * `<index>.features`). Little-endian throughout.
 *
 * Header (64 bytes):
 *
 * | offset | size | field                                                  |
 * |-------:|-----:|--------------------------------------------------------|
 * |      0 |    8 | magic `89 49 4D 50 46 45 41 0A` ("\x89IMPFEA\n")       |
 * |      8 |    2 | format version (2; 1 is still read)                    |
 * |     10 |    2 | features version (FEATURES_VERSION of the extraction)  |
 * |     12 |    4 | header length (64)                                     |
 * |     16 |    4 | images                                                 |
 * |     20 |    4 | descriptors (all images)                               |
 * |     24 |    1 | key bits of the lookup tables                          |
 * |     25 |    1 | tables                                                 |
 * |     26 |    1 | probe radius                                           |
 * |     27 |    1 | directory bits of the stored tables (format 1: 0)      |
 * |     28 |    4 | metadata JSON bytes                                    |
 * |     32 |    8 | body length                                            |
 * |     40 |    4 | CRC-32 of the body                                     |
 * |     44 |   16 | zeros                                                  |
 * |     60 |    4 | CRC-32 of header bytes 0..59                           |
 *
 * Body: these sections in order, each zero-padded to a multiple of 8 bytes (n = descriptors).
 *
 * | section          | size              | content                                                 |
 * |------------------|-------------------|---------------------------------------------------------|
 * | starts           | (images + 1) * 4  | u32: image i's descriptors are [starts[i], starts[i+1]) |
 * | sizes            | images * 4        | u16 width, u16 height of each image's working plane     |
 * | descriptors      | n * 32            | u32 words, bit j of a descriptor in word j >> 5         |
 * | x, y             | n * 2 each        | u16 keypoint position, 1/16 px                          |
 * | level, angle     | n each            | u8 pyramid level, u8 orientation step                   |
 * | metadata offsets | (images + 1) * 4  | u32: image i's JSON is bytes [off[i], off[i+1])         |
 * | metadata         | metadata bytes    | per image the UTF-8 JSON of its metadata                |
 * | then per table:  |                   | (format 2; d = directory bits, header byte 27)          |
 * | directory        | (2^d + 1) * 4     | u32: bucket b's ids are [directory[b], directory[b+1])  |
 * | ids              | n * 4             | u32 descriptor ids sorted by bucket, rising in a bucket |
 *
 * Format 2 stores the lookup tables, so that loading does not build them again (at a million
 * images building took most of the three minutes a load took); the body checksum covers them, and
 * the index checks them against the descriptors in one pass in order before keeping them
 * (LocalFeatureIndex.fromParts). A format 1 file has no tables: they are built as it loads.
 */
import { ImprintError } from '../core/errors.js';
import { type Crc32, crc32 as jsCrc32 } from '../matching/crc32.js';
import { type FeatureIndexParts, LocalFeatureIndex, MAX_FEATURES } from './feature-index.js';
import { DESCRIPTOR_WORDS } from './pattern.js';

/**
 * Version of the extraction (detector, pattern, quantisation): bumped whenever stored features
 * would change, so a file made by another version is refused (ERR_INDEX_DERIVATION) rather than
 * silently matching nothing.
 *
 * @example
 * ```ts
 * FEATURES_VERSION; // 1: a features file of another version is refused (ERR_INDEX_DERIVATION)
 * ```
 */
export const FEATURES_VERSION = 1;
/** Version of the file layout above (format 1, without the tables, is still read). */
export const FEATURES_FORMAT_VERSION = 2;
const MAGIC = [0x89, 0x49, 0x4d, 0x50, 0x46, 0x45, 0x41, 0x0a];
const HEADER = 64;

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

/**
 * Largest piece written or read at once. A typed array holds at most 2^32 - 1 elements, so one
 * byte view cannot cover a large list's section (a million images' descriptors are 8 GB).
 */
const MAX_PIECE = 2 ** 30;

/** A typed array's bytes as views of at most `max` bytes each (none for an empty array). */
function byteViews(a: ArrayBufferView, max: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let at = 0; at < a.byteLength; at += max) {
    views.push(new Uint8Array(a.buffer, a.byteOffset + at, Math.min(max, a.byteLength - at)));
  }
  return views;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ImprintError('ERR_INTERNAL', 'Feature files need a little-endian host');
  }
}

/**
 * Section lengths in bytes, in file order, for `images` images, `n` descriptors, `meta` metadata
 * bytes and (format 2) `tables` tables on `directoryBits` bits.
 */
function sectionLengths(
  images: number,
  n: number,
  meta: number,
  tables: number,
  directoryBits: number | undefined,
): number[] {
  const lengths = [
    (images + 1) * 4,
    images * 4,
    n * DESCRIPTOR_WORDS * 4,
    n * 2,
    n * 2,
    n,
    n,
    (images + 1) * 4,
    meta,
  ];
  if (directoryBits !== undefined) {
    for (let t = 0; t < tables; t++) lengths.push((2 ** directoryBits + 1) * 4, n * 4);
  }
  return lengths;
}

/**
 * The file bytes of a feature index as chunks to write in order (views into the index's memory
 * where possible). The index must not change until they are written.
 *
 * @example
 * ```ts
 * const chunks = encodeFeatureIndexChunks(index);
 * ```
 */
export function encodeFeatureIndexChunks<M>(
  index: LocalFeatureIndex<M>,
  crc: Crc32 = jsCrc32,
  maxPiece: number = MAX_PIECE,
): Uint8Array[] {
  assertLittleEndian();
  const parts = index.parts();
  const images = index.size;
  const encoder = new TextEncoder();
  const json = Array.from({ length: images }, (_, i) => encoder.encode(JSON.stringify(index.metadataOf(i))));
  const offsets = new Uint32Array(images + 1);
  json.forEach((b, i) => {
    offsets[i + 1] = offsets[i]! + b.length;
  });
  const meta = new Uint8Array(offsets[images]!);
  json.forEach((b, i) => {
    meta.set(b, offsets[i]!);
  });
  const sections = [
    parts.starts,
    parts.sizes,
    parts.descriptors,
    parts.x,
    parts.y,
    parts.level,
    parts.angle,
    offsets,
    meta,
    ...parts.lookup!.ids.flatMap((ids, t) => [parts.lookup!.directory[t]!, ids]),
  ];
  const zeros = new Uint8Array(8);
  const body: Uint8Array[] = [];
  for (const s of sections) {
    body.push(...byteViews(s, maxPiece));
    if (pad8(s.byteLength)) body.push(zeros.subarray(0, pad8(s.byteLength)));
  }
  let length = 0;
  let bodyCrc = 0;
  for (const b of body) {
    length += b.length;
    bodyCrc = crc(b, bodyCrc);
  }
  const header = new Uint8Array(HEADER);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint16(8, FEATURES_FORMAT_VERSION, true);
  view.setUint16(10, FEATURES_VERSION, true);
  view.setUint32(12, HEADER, true);
  view.setUint32(16, images, true);
  view.setUint32(20, parts.x.length, true);
  view.setUint8(24, parts.keyBits);
  view.setUint8(25, parts.tables);
  view.setUint8(26, parts.probeRadius);
  view.setUint8(27, parts.lookup!.directoryBits);
  view.setUint32(28, meta.length, true);
  view.setBigUint64(32, BigInt(length), true);
  view.setUint32(40, bodyCrc, true);
  view.setUint32(60, crc(header.subarray(0, 60)), true);
  return [header, ...body];
}

/**
 * The file bytes in one buffer (for tests and browsers; in Node prefer `saveFeatureIndex`).
 *
 * @example
 * ```ts
 * const bytes = encodeFeatureIndex(index); // store it, then decodeFeatureIndex(bytes)
 * ```
 */
export function encodeFeatureIndex<M>(index: LocalFeatureIndex<M>): Uint8Array {
  const chunks = encodeFeatureIndexChunks(index);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Options of {@link planFeatureIndexDecode} and {@link decodeFeatureIndex}. */
export interface DecodeFeaturesOptions {
  /** Named in error messages (e.g. the file path). */
  readonly source?: string;
  readonly crc32?: Crc32;
  /** Largest piece to plan, in bytes (default 1 GiB; tests use small ones). */
  readonly maxPiece?: number;
}

/** How to read a feature file whose header has been checked: fill every piece, then call `finish`. */
export interface FeatureDecodePlan<M> {
  readonly fileLength: number;
  readonly pieces: readonly { readonly start: number; readonly bytes: Uint8Array }[];
  finish(): LocalFeatureIndex<M>;
}

/** Header length of a feature file (what {@link planFeatureIndexDecode} needs first). */
export const FEATURES_HEADER_BYTES: number = HEADER;

/**
 * Checks a feature file's header against the file's length and plans reading its body into the
 * index's own arrays. ERR_INDEX_CORRUPT on damage, ERR_INDEX_VERSION for another layout,
 * ERR_INDEX_DERIVATION for features of another extraction version.
 *
 * @example
 * ```ts
 * const plan = planFeatureIndexDecode<string>(first64Bytes, fileLength);
 * for (const p of plan.pieces) readInto(p.bytes, p.start); // your own reads
 * const index = plan.finish();
 * ```
 */
export function planFeatureIndexDecode<M = unknown>(
  header: Uint8Array,
  fileLength: number,
  options: DecodeFeaturesOptions = {},
): FeatureDecodePlan<M> {
  assertLittleEndian();
  const crc = options.crc32 ?? jsCrc32;
  const fail = (
    offset: number,
    message: string,
    code: 'ERR_INDEX_CORRUPT' | 'ERR_INDEX_VERSION' | 'ERR_INDEX_DERIVATION' = 'ERR_INDEX_CORRUPT',
  ) =>
    new ImprintError(code, message, {
      location: options.source === undefined ? { offset } : { source: options.source, offset },
    });
  const have = Math.min(header.length, fileLength);
  if (MAGIC.some((b, i) => i < have && header[i] !== b))
    throw fail(0, 'Not an imprint feature file (wrong magic bytes)');
  if (have < HEADER) throw fail(have, `The file ends inside the ${HEADER}-byte header`);
  const view = new DataView(header.buffer, header.byteOffset, HEADER);
  if (crc(header.subarray(0, 60)) !== view.getUint32(60, true))
    throw fail(60, 'Feature file header checksum mismatch');
  const format = view.getUint16(8, true);
  if (format !== 1 && format !== FEATURES_FORMAT_VERSION) {
    throw fail(
      8,
      `Feature file format ${format} is not supported (this build reads 1 to ${FEATURES_FORMAT_VERSION})`,
      'ERR_INDEX_VERSION',
    );
  }
  const version = view.getUint16(10, true);
  if (version !== FEATURES_VERSION) {
    throw fail(
      10,
      `The local features were made by extraction version ${version}, this build makes version ${FEATURES_VERSION}: rebuild the index`,
      'ERR_INDEX_DERIVATION',
    );
  }
  const images = view.getUint32(16, true);
  const n = view.getUint32(20, true);
  const keyBits = view.getUint8(24);
  const tables = view.getUint8(25);
  const probeRadius = view.getUint8(26);
  // Format 2 stores the tables, cut on these bits (checked again with the tables themselves).
  const directoryBits = format === 1 ? undefined : view.getUint8(27);
  const metaBytes = view.getUint32(28, true);
  const bodyLength = Number(view.getBigUint64(32, true));
  if (directoryBits !== undefined && (directoryBits > 30 || tables < 1)) {
    throw fail(24, `Feature file tables (${tables} on ${directoryBits} bits) are not possible`);
  }
  const lengths = sectionLengths(images, n, metaBytes, tables, directoryBits);
  const expected = lengths.reduce((s, l) => s + l + pad8(l), 0);
  if (bodyLength !== expected || HEADER + bodyLength !== fileLength) {
    throw fail(32, `Feature file body is ${fileLength - HEADER} bytes; its header describes ${expected}`);
  }
  if (probeRadius > 1) throw fail(26, `Probe radius ${probeRadius} is not 0 or 1`);
  if (n > MAX_FEATURES)
    throw fail(20, `Feature file holds ${n} features; one index holds at most ${MAX_FEATURES}`);
  const starts = new Uint32Array(images + 1);
  const sizes = new Uint16Array(images * 2);
  const descriptors = new Uint32Array(n * DESCRIPTOR_WORDS);
  const x = new Uint16Array(n);
  const y = new Uint16Array(n);
  const level = new Uint8Array(n);
  const angle = new Uint8Array(n);
  const offsets = new Uint32Array(images + 1);
  const meta = new Uint8Array(metaBytes);
  const ids: Uint32Array[] = [];
  const directory: Uint32Array[] = [];
  for (let t = 0; directoryBits !== undefined && t < tables; t++) {
    directory.push(new Uint32Array(2 ** directoryBits + 1));
    ids.push(new Uint32Array(n));
  }
  const targets = [
    starts,
    sizes,
    descriptors,
    x,
    y,
    level,
    angle,
    offsets,
    meta,
    ...ids.flatMap((a, t) => [directory[t]!, a]),
  ];
  const pieces: { start: number; bytes: Uint8Array }[] = [];
  let at = HEADER;
  let tablesAt = 0;
  targets.forEach((target, k) => {
    if (k === 9) tablesAt = at;
    for (const bytes of byteViews(target, options.maxPiece ?? MAX_PIECE)) {
      pieces.push({ start: at, bytes });
      at += bytes.length;
    }
    const p = pad8(target.byteLength);
    if (p) {
      const zeros = new Uint8Array(p);
      pieces.push({ start: at, bytes: zeros });
      at += p;
    }
  });
  return {
    fileLength,
    pieces,
    finish() {
      let bodyCrc = 0;
      for (const p of pieces) bodyCrc = crc(p.bytes, bodyCrc);
      if (bodyCrc !== view.getUint32(40, true)) throw fail(HEADER, 'Feature file body checksum mismatch');
      if (starts[0] !== 0 || starts[images] !== n)
        throw fail(HEADER, 'Feature file image starts do not cover the descriptors');
      for (let i = 0; i < images; i++) {
        if (starts[i + 1]! < starts[i]!) throw fail(HEADER, `Feature file image ${i} has a negative count`);
        if (offsets[i + 1]! < offsets[i]!)
          throw fail(HEADER, `Feature file metadata ${i} has a negative length`);
      }
      if (offsets[0] !== 0 || offsets[images] !== metaBytes)
        throw fail(HEADER, 'Feature file metadata offsets do not cover the metadata');
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const metadata: M[] = [];
      for (let i = 0; i < images; i++) {
        try {
          metadata.push(JSON.parse(decoder.decode(meta.subarray(offsets[i]!, offsets[i + 1]!))) as M);
        } catch {
          throw fail(HEADER, `Feature file metadata of image ${i} is not JSON`);
        }
      }
      try {
        new LocalFeatureIndex({ keyBits, tables, probeRadius: probeRadius as 0 | 1 });
      } catch (err) {
        throw fail(24, `Feature file lookup settings are invalid: ${(err as Error).message}`);
      }
      const parts: FeatureIndexParts = {
        keyBits,
        tables,
        probeRadius: probeRadius as 0 | 1,
        starts,
        sizes,
        descriptors,
        x,
        y,
        level,
        angle,
        ...(directoryBits === undefined ? {} : { lookup: { directoryBits, ids, directory } }),
      };
      let index: LocalFeatureIndex<M>;
      try {
        index = LocalFeatureIndex.fromParts(parts, metadata);
      } catch (err) {
        throw fail(
          tablesAt,
          `Feature file lookup tables do not fit its descriptors: ${(err as Error).message}`,
        );
      }
      // Format 1 has no tables: build them now (format 2's were checked and kept by fromParts).
      if (directoryBits === undefined) index.build();
      return index;
    },
  };
}

/**
 * Reads a feature index from its file bytes.
 *
 * @example
 * ```ts
 * const again = decodeFeatureIndex<string>(encodeFeatureIndex(index));
 * ```
 */
export function decodeFeatureIndex<M = unknown>(
  bytes: Uint8Array,
  options: DecodeFeaturesOptions = {},
): LocalFeatureIndex<M> {
  const plan = planFeatureIndexDecode<M>(bytes.subarray(0, HEADER), bytes.length, options);
  for (const p of plan.pieces) p.bytes.set(bytes.subarray(p.start, p.start + p.bytes.length));
  return plan.finish();
}
