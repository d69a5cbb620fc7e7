import { ImprintError } from '../core/errors.js';
import { type Crc32, crc32 as jsCrc32 } from './crc32.js';
import { FlatIndex } from './flat-index.js';
import type { IndexImageHeader, IndexRestore, SerialisableIndex } from './index-image.js';
import type { KernelChoice } from './kernel.js';
import {
  decodeLayout,
  encodeLayout,
  layoutProblem,
  MAX_SUBSTRINGS,
  type MihLayout,
  referenceLayout,
  slotsFor,
} from './layout.js';
import { VARIANTS_VERSION } from './methods/variants.js';
import { MihIndex } from './mih-index.js';
import {
  blockShift,
  COMPACT,
  idBytes,
  NARROW,
  NARROW_IDS,
  offsetReader,
  postingsBytes,
  postingsReader,
  tableBytes,
  tableKind,
  WIDE,
} from './mih-tables.js';
import { MAX_INDEX_BITS, strideFor } from './packed-index.js';

/**
 * Index file format, version 4. Versions 3 (4-byte ids in every substring's postings), 2 (no
 * substring layout: multi-index tables always in the PDQ reference's 16-bit slots) and 1 (no
 * properties block either) are still read.
 * Little-endian throughout.
 *
 * Header: 96 fixed bytes, then (version 2 and later) a properties block and (version 3) the
 * substring layout; `header length` covers them all.
 *
 * | offset | size | field                                                    |
 * |-------:|-----:|----------------------------------------------------------|
 * |      0 |    8 | magic `89 49 4D 50 49 44 58 0A` ("\x89IMPIDX\n")         |
 * |      8 |    2 | format version (4; 1 to 3 for files written before)      |
 * |     10 |    1 | kind: 1 flat, 2 multi-index hashing                      |
 * |     11 |    1 | length of the algorithm name (1..32)                     |
 * |     12 |    4 | header length H: 96 in version 1; from version 2 104 + the properties' length rounded up to 8 (+ in version 3 the layout's 4m bytes rounded up to 8), at most 65,536 |
 * |     16 |    4 | bits per hash (1..4096)                                  |
 * |     20 |    4 | ids: entries ever added, removed ones included (`count`) |
 * |     24 |    4 | live entries (`size`)                                    |
 * |     28 |    4 | default maximum distance                                 |
 * |     32 |    4 | stride: bytes per stored hash, 8 * ceil(bits / 64)       |
 * |     36 |    4 | m, MIH substrings (0 for flat; before version 3 always the reference's ceil(ceil(bits / 8) / 2)) |
 * |     40 |    8 | metadata JSON bytes                                      |
 * |     48 |    8 | body length (everything after the header)                |
 * |     56 |    4 | CRC-32 of the body                                       |
 * |     60 |   32 | algorithm name, ASCII, zero-padded                       |
 * |     92 |    4 | CRC-32 of header bytes 0..91, then (version 2 and later) of bytes 96..H-1 |
 * |     96 |    4 | version 2+: properties length P in bytes                 |
 * |    100 |    4 | version 2+: reserved, 0                                  |
 * |    104 |    P | version 2+: properties, a UTF-8 JSON object, then zeros to a multiple of 8 |
 * |  104+P' |  4m | version 3, MIH: the substring layout, one u32 per substring, `first bit \| length << 16 \| encoding << 24` (bit 0 = the high bit of hash byte 0; disjoint, 1..28 bits each; encoding: bit 0 compact offsets, bit 1, version 4 only, 3-byte ids), then zeros up to H |
 *
 * Properties ({@link IndexProperties}) say how the hashes were made: `method`, `derivation` (the
 * version of the method's derived hashes) and `families` (the derived families stored). Readers
 * keep keys they do not know, so later versions can add some without a new format version.
 *
 * Body (at H): these sections in order, each zero-padded to a multiple of 8 bytes.
 *
 * | section          | size                    | content                                                        |
 * |------------------|-------------------------|----------------------------------------------------------------|
 * | hashes           | count * stride          | hash `id` at `id * stride`: u32 words, word w = hash bytes 4w..4w+3 big-endian, zero-padded |
 * | live flags       | count                   | 1 = live, 0 = removed                                          |
 * | metadata offsets | (count + 1) * 4         | u32: entry `id`'s JSON is bytes [off[id], off[id+1]) of the next section |
 * | metadata         | metadata bytes          | per entry a UTF-8 JSON array of its metadata values, or nothing |
 * | MIH offsets      | per substring, see `mih-tables.ts` | MIH only. Per substring, the start of each value's ids (+ end): u32 each, or compact (u32 per 256 values + u16 each), one table after another |
 * | MIH postings     | per substring size * 4, or narrow size * 3 padded | MIH only. Per substring, the live ids grouped by value, ascending within a value: u32 each, or (encoding bit 1) 3 bytes each then zeros to a multiple of 4 with at least one |
 *
 * Before version 3 the layout is the reference's: substring s is the hash's bytes 2s, 2s+1 as a
 * big-endian 16-bit value (16 bits at bit 16s). An automatic layout (`MihIndex`'s default) has
 * about log2(size)-bit substrings, or none (m = 0: no tables) for a small list.
 *
 * @example
 * ```ts
 * INDEX_FORMAT_VERSION; // 4: what saveIndex and encodeIndex write (1 to 3 still load)
 * ```
 */
export const INDEX_FORMAT_VERSION = 4;
const MAGIC = [0x89, 0x49, 0x4d, 0x50, 0x49, 0x44, 0x58, 0x0a];
/** The fixed part of the header (all of it in version 1). */
export const INDEX_HEADER_PREFIX = 96;
const HEADER = INDEX_HEADER_PREFIX;
/** Where a version 2 file's properties JSON starts. */
const PROPERTIES_AT = 104;
/** Largest header (fixed part and properties) accepted: properties are a few names, not data. */
export const MAX_INDEX_HEADER = 65536;
const NAME_MAX = 32;

/** An index read from a file: flat or multi-index, as it was saved. */
export type LoadedIndex<M> = FlatIndex<M> | MihIndex<M>;

/**
 * What an index file says about how its hashes were made (format version 2). Every key is
 * optional; keys this build does not know are kept as they are.
 */
export interface IndexProperties {
  /** The matching method whose hashes the index holds (`imprint index build --method`). */
  readonly method?: string;
  /**
   * Version of the method's derived hashes (`VARIANTS_VERSION` of the build that computed them):
   * crops, bands and flattened highlights made by another version do not meet an upload's.
   */
  readonly derivation?: number;
  /** The derived families stored beside the plain hashes (`[]`: plain hashes only). */
  readonly families?: readonly string[];
  readonly [key: string]: unknown;
}

/** The format version and properties of an index that was read from a file. */
export interface IndexFileInfo {
  readonly formatVersion: number;
  readonly properties: IndexProperties;
}

const loadedInfo = new WeakMap<object, IndexFileInfo>();

/**
 * The format version and properties of an index read by {@link decodeIndex} or `loadIndex`;
 * `undefined` for an index built in memory. A version 1 file has no properties: it cannot say
 * which version of a method's derived hashes it holds, so they are not used (see
 * `trustedStoredFamilies`).
 *
 * @example
 * ```ts
 * const index = decodeIndex(bytes);
 * indexFileInfo(index); // { formatVersion: 2, properties: { method: 'pdq-max', derivation: 15, families: [...] } }
 * ```
 */
export function indexFileInfo(index: object): IndexFileInfo | undefined {
  return loadedInfo.get(index);
}

/** Options for {@link decodeIndex}. */
export interface DecodeIndexOptions {
  /** Kernel of the loaded index (default `auto`). */
  kernel?: KernelChoice;
  /**
   * `checksum` (default): header and body checksums plus structural bounds, so that a damaged
   * file is an error. `full` also rebuilds the multi-index tables and parses every metadata
   * entry to compare, for files from a source you do not trust (costs about a build).
   */
  verify?: 'checksum' | 'full';
  /** Named in error messages (e.g. the file path). */
  source?: string;
  /** CRC-32 implementation (Node's `zlib.crc32` is faster than the built-in). */
  crc32?: Crc32;
  /**
   * The version of derived hashes this reader computes (default: this build's `VARIANTS_VERSION`).
   * A file whose properties name another `derivation` and hold derived families is refused with
   * ERR_INDEX_DERIVATION.
   */
  derivation?: number;
}

/** Options for {@link encodeIndexChunks}. */
export interface EncodeIndexOptions {
  crc32?: Crc32;
  /** Written into the header (see {@link IndexProperties}); default none (`{}`). */
  properties?: IndexProperties;
}

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new ImprintError('ERR_INTERNAL', 'Index files need a little-endian host');
  }
}

function bytesOf(a: Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * The file bytes of an index, as a list of chunks to write in order (views into the index's
 * memory where possible, so nothing large is copied). The index must not change until the
 * chunks are written; `saveIndex` in `imprint/node` takes care of that and of writing atomically.
 */
export function encodeIndexChunks(index: SerialisableIndex, options: EncodeIndexOptions = {}): Uint8Array[] {
  assertLittleEndian();
  const crc = options.crc32 ?? jsCrc32;
  const parts = index.serialise();
  const zeros = new Uint8Array(8);
  const body: Uint8Array[] = [];
  const section = (bytes: Uint8Array): void => {
    body.push(bytes);
    const p = pad8(bytes.length);
    if (p) body.push(zeros.subarray(0, p));
  };
  section(parts.packed);
  section(parts.alive);
  section(bytesOf(parts.metadata.offsets));
  section(parts.metadata.bytes);
  if (parts.kind === 'mih') {
    section(parts.offsets);
    section(parts.postings);
  }
  let bodyLength = 0;
  let bodyCrc = 0;
  for (const b of body) {
    bodyLength += b.length;
    bodyCrc = crc(b, bodyCrc);
  }
  const name = new TextEncoder().encode(parts.algorithm);
  if (name.length > NAME_MAX || !/^[\x21-\x7e]+$/.test(parts.algorithm)) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Expected an algorithm name of 1 to ${NAME_MAX} printable ASCII characters but received "${parts.algorithm}"`,
    );
  }
  const properties = encodeProperties(options.properties ?? {});
  const layout = new Uint8Array(encodeLayout(parts.layout, parts.encodings).buffer);
  const layoutAt = PROPERTIES_AT + properties.length + pad8(properties.length);
  const headerLength = layoutAt + layout.length + pad8(layout.length);
  const header = new Uint8Array(headerLength);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  view.setUint16(8, INDEX_FORMAT_VERSION, true);
  view.setUint8(10, parts.kind === 'flat' ? 1 : 2);
  view.setUint8(11, name.length);
  view.setUint32(12, headerLength, true);
  view.setUint32(16, parts.bits, true);
  view.setUint32(20, parts.count, true);
  view.setUint32(24, parts.size, true);
  view.setUint32(28, parts.defaultMaxDistance, true);
  view.setUint32(32, parts.stride, true);
  view.setUint32(36, parts.layout.length, true);
  view.setBigUint64(40, BigInt(parts.metadata.bytes.length), true);
  view.setBigUint64(48, BigInt(bodyLength), true);
  view.setUint32(56, bodyCrc, true);
  header.set(name, 60);
  view.setUint32(96, properties.length, true);
  header.set(properties, PROPERTIES_AT);
  header.set(layout, layoutAt);
  view.setUint32(92, headerCrc(crc, header, INDEX_FORMAT_VERSION), true);
  return [header, ...body];
}

/**
 * @internal The header checksum an index file stores (bytes 92..95 of its first
 * {@link INDEX_HEADER_PREFIX} bytes). It covers the header, which holds the body's checksum, so it
 * names one saved file: a sharded index's manifest keeps it to know each shard file.
 */
export function storedHeaderCrc(prefix: Uint8Array): number {
  return new DataView(prefix.buffer, prefix.byteOffset, HEADER).getUint32(92, true);
}

/** CRC-32 of a header without its own checksum field (bytes 92..95). */
function headerCrc(crc: Crc32, header: Uint8Array, version: number): number {
  const fixed = crc(header.subarray(0, 92));
  return version === 1 ? fixed : crc(header.subarray(HEADER), fixed);
}

/** The properties as UTF-8 JSON, checked so that a reader accepts what a writer wrote. */
function encodeProperties(properties: IndexProperties): Uint8Array {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new ImprintError('ERR_INVALID_ARGUMENT', 'Index properties must be a plain object');
  }
  const problem = propertiesProblem(properties);
  if (problem) throw new ImprintError('ERR_INVALID_ARGUMENT', `Bad index properties: ${problem}`);
  let json: string;
  try {
    json = JSON.stringify(properties);
  } catch (err) {
    throw new ImprintError('ERR_INVALID_ARGUMENT', 'Index properties cannot be saved as JSON', {
      cause: err,
    });
  }
  const bytes = new TextEncoder().encode(json);
  const room = MAX_INDEX_HEADER - PROPERTIES_AT - 4 * MAX_SUBSTRINGS; // the layout's share kept free
  if (bytes.length + pad8(bytes.length) > room) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Index properties take ${bytes.length} bytes of JSON; at most ${room} fit`,
    );
  }
  return bytes;
}

/** Why the known properties have the wrong type, or undefined. */
function propertiesProblem(p: IndexProperties): string | undefined {
  if (p.method !== undefined && typeof p.method !== 'string') return '"method" must be a string';
  if (p.derivation !== undefined && !(Number.isSafeInteger(p.derivation) && p.derivation >= 0))
    return '"derivation" must be a whole number';
  if (
    p.families !== undefined &&
    !(Array.isArray(p.families) && p.families.every((f) => typeof f === 'string'))
  )
    return '"families" must be a list of names';
  return undefined;
}

/**
 * The file bytes of an index in one buffer (for browsers or storage APIs; in Node prefer
 * `saveIndex`, which writes without copying).
 *
 * @example
 * ```ts
 * const bytes = encodeIndex(index);
 * const again = decodeIndex<string>(bytes);
 * ```
 */
export function encodeIndex(index: SerialisableIndex, options: EncodeIndexOptions = {}): Uint8Array {
  const chunks = encodeIndexChunks(index, options);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Runs `write` with the file chunks of `index` while the index refuses changes (so the views
 * stay valid during an asynchronous write).
 */
export async function withIndexChunks<T>(
  index: SerialisableIndex,
  options: EncodeIndexOptions,
  write: (chunks: Uint8Array[]) => Promise<T>,
): Promise<T> {
  const chunks = encodeIndexChunks(index, options);
  const release = index.hold();
  try {
    return await write(chunks);
  } finally {
    release();
  }
}

/** One piece of an index file's body and the memory it is read into. */
export interface IndexFilePiece {
  /** Offset of the piece in the file. */
  readonly start: number;
  /** Where its bytes go (its length is the piece's length). */
  readonly bytes: Uint8Array;
}

/**
 * How to read an index file whose header has been checked: the body as consecutive pieces, each
 * with the memory it belongs in (the index's own memory for the hashes and tables, so a load is
 * one read and no copy). Fill every piece, then call {@link IndexDecodePlan.finish}.
 */
export interface IndexDecodePlan<M> {
  /** Length of the whole file as the header describes it. */
  readonly fileLength: number;
  readonly pieces: readonly IndexFilePiece[];
  /** Checks the body (checksum, structure) and returns the index; ERR_INDEX_CORRUPT on damage. */
  finish(): LoadedIndex<M>;
}

type Fail = (
  offset: number,
  message: string,
  code?: 'ERR_INDEX_CORRUPT' | 'ERR_INDEX_VERSION',
) => ImprintError;

function failer(source: string | undefined): Fail {
  return (offset, message, code = 'ERR_INDEX_CORRUPT') =>
    new ImprintError(code, message, { location: source === undefined ? { offset } : { source, offset } });
}

/**
 * The length of an index file's whole header (fixed part and properties), from its first
 * {@link INDEX_HEADER_PREFIX} bytes (or all of a shorter file): read that many bytes, then call
 * {@link planIndexDecode}. Checks the magic, the version and the length against `fileLength`.
 *
 * @example
 * ```ts
 * const header = new Uint8Array(indexHeaderLength(firstBytes, fileSize));
 * // ... read the header's bytes into it, then:
 * const plan = planIndexDecode(header, fileSize);
 * ```
 */
export function indexHeaderLength(
  prefix: Uint8Array,
  fileLength: number,
  options: DecodeIndexOptions = {},
): number {
  const fail = failer(options.source);
  const have = Math.min(prefix.length, fileLength);
  if (MAGIC.some((b, i) => i < have && prefix[i] !== b))
    throw fail(0, 'Not an imprint index file (wrong magic bytes)');
  if (have < HEADER) throw fail(have, `The file ends inside the ${HEADER}-byte header`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, HEADER);
  const version = view.getUint16(8, true);
  if (version < 1 || version > INDEX_FORMAT_VERSION) {
    throw fail(
      8,
      `Index format version ${version} is not supported (this build reads 1 to ${INDEX_FORMAT_VERSION})`,
      'ERR_INDEX_VERSION',
    );
  }
  const length = view.getUint32(12, true);
  const valid =
    version === 1
      ? length === HEADER
      : length >= PROPERTIES_AT && length <= MAX_INDEX_HEADER && length % 8 === 0;
  if (!valid) throw fail(12, `Bad header length ${length}`);
  if (fileLength < length) throw fail(fileLength, `The file ends inside the ${length}-byte header`);
  return length;
}

/**
 * Checks an index file's header (`header` = its first {@link indexHeaderLength} bytes, or all
 * of a shorter file) against the file's length and plans the read of its body. Nothing is
 * allocated from the header's counts before they are checked against `fileLength`.
 */
export function planIndexDecode<M = unknown>(
  header: Uint8Array,
  fileLength: number,
  options: DecodeIndexOptions = {},
): IndexDecodePlan<M> {
  assertLittleEndian();
  const fail = failer(options.source);
  const crc = options.crc32 ?? jsCrc32;
  const headerLength = indexHeaderLength(header, fileLength, options);
  if (header.length < headerLength) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `Pass the whole ${headerLength}-byte header (indexHeaderLength), not ${header.length} bytes`,
    );
  }
  const view = new DataView(header.buffer, header.byteOffset, headerLength);
  const version = view.getUint16(8, true);
  if (headerCrc(crc, header.subarray(0, headerLength), version) !== view.getUint32(92, true))
    throw fail(92, 'The header checksum does not match');
  const kindByte = view.getUint8(10);
  if (kindByte !== 1 && kindByte !== 2) throw fail(10, `Unknown index kind ${kindByte}`);
  const kind = kindByte === 1 ? 'flat' : 'mih';
  const slots = view.getUint32(36, true);
  // Before version 3 a MIH file's tables are the reference's; from 3 the header lists its substrings.
  const listed = version >= 3 ? slots : 0;
  if (listed > MAX_SUBSTRINGS || (kind === 'flat' && slots !== 0))
    throw fail(36, `Bad substring count ${slots}`);
  const properties =
    version === 1 ? {} : readProperties(fail, header.subarray(0, headerLength), view, 4 * listed);
  checkDerivation(properties, options);

  const nameLength = view.getUint8(11);
  if (nameLength < 1 || nameLength > NAME_MAX) throw fail(11, `Bad algorithm name length ${nameLength}`);
  const bits = view.getUint32(16, true);
  if (bits < 1 || bits > MAX_INDEX_BITS) throw fail(16, `Bad hash length ${bits} bits`);
  const count = view.getUint32(20, true);
  const size = view.getUint32(24, true);
  if (size > count) throw fail(24, `${size} live entries but only ${count} ids`);
  const defaultMaxDistance = view.getUint32(28, true);
  const stride = view.getUint32(32, true);
  if (stride !== strideFor(bits)) throw fail(32, `Stride ${stride} does not fit ${bits}-bit hashes`);
  let layout: MihLayout = [];
  let encodings: number[] = [];
  if (kind === 'mih' && version < 3) {
    if (slots !== slotsFor(bits)) throw fail(36, `Bad slot count ${slots}`);
    layout = referenceLayout(bits);
    encodings = layout.map(() => WIDE);
  } else if (listed > 0) {
    const at = headerLength - 4 * listed - pad8(4 * listed);
    ({ layout, encodings } = decodeLayout(new Uint32Array(header.slice(at, at + 4 * listed).buffer)));
    // 3-byte ids (NARROW) from version 4, for ids below 2^24 only
    const most = version >= 4 && count <= NARROW_IDS ? COMPACT | NARROW : COMPACT;
    const problem =
      layoutProblem(layout, bits) ??
      (encodings.some((e) => (e & ~most) !== 0) ? `encodings 0 to ${most}` : undefined);
    if (problem) throw fail(at, `Bad substring layout: expected ${problem}`);
  }
  const metaBytes = Number(view.getBigUint64(40, true));
  if (metaBytes > 0xffffffff) throw fail(40, `Metadata length ${metaBytes} exceeds 4 GiB`);
  const algorithm = String.fromCharCode(...header.subarray(60, 60 + nameLength));
  if (!/^[\x21-\x7e]+$/.test(algorithm) || header.subarray(60 + nameLength, 92).some((b) => b !== 0)) {
    throw fail(60, 'Bad algorithm name');
  }

  // Section sizes come from counts already bounded by 2^32; their sum is exact in a double.
  const sizes = [count * stride, count, (count + 1) * 4, metaBytes];
  let tablesLength = 0;
  layout.forEach((sub, k) => {
    tablesLength += tableBytes(sub.bits, encodings[k]!);
  });
  let postingsLength = 0;
  for (const e of encodings) postingsLength += postingsBytes(e, size);
  if (kind === 'mih') sizes.push(tablesLength, postingsLength);
  const starts: number[] = [];
  let bodyLength = 0;
  for (const n of sizes) {
    starts.push(headerLength + bodyLength);
    bodyLength += n + pad8(n);
  }
  const declared = Number(view.getBigUint64(48, true));
  if (declared !== bodyLength)
    throw fail(48, `Body length ${declared} does not match the counts (${bodyLength})`);
  if (fileLength < headerLength + bodyLength) {
    throw fail(
      fileLength,
      `The file is truncated: ${fileLength} bytes, the header describes ${headerLength + bodyLength}`,
    );
  }
  if (fileLength > headerLength + bodyLength)
    throw fail(headerLength + bodyLength, 'Unexpected bytes after the end of the index');
  const bodyCrc = view.getUint32(56, true);

  // Counts are now bounded by the file's length: allocate.
  const kernel = options.kernel ?? 'auto';
  const described: IndexImageHeader = { algorithm, bits, defaultMaxDistance, count, size, layout, encodings };
  const memory: IndexRestore<LoadedIndex<M>> =
    kind === 'flat' ? FlatIndex.restore<M>(described, kernel) : MihIndex.restore<M>(described, kernel);
  const alive = new Uint8Array(count);
  const metaOffsets = new Uint32Array(count + 1);
  const metadata = new Uint8Array(metaBytes);
  const targets = [memory.packed, alive, new Uint8Array(metaOffsets.buffer), metadata];
  if (kind === 'mih') targets.push(memory.offsets, memory.postings);
  const pieces: IndexFilePiece[] = [];
  targets.forEach((bytes, i) => {
    pieces.push({ start: starts[i]!, bytes });
    const p = pad8(bytes.length);
    if (p) pieces.push({ start: starts[i]! + bytes.length, bytes: new Uint8Array(p) });
  });

  const finish = (): LoadedIndex<M> => {
    let sum = 0;
    for (const piece of pieces) sum = crc(piece.bytes, sum);
    if (sum !== bodyCrc) throw fail(headerLength, 'The body checksum does not match (the file is damaged)');
    checkStructure(fail, {
      count,
      size,
      bits,
      stride,
      layout,
      encodings,
      metaBytes,
      starts,
      memory,
      alive,
      metaOffsets,
    });
    const index = memory.finish(alive, { offsets: metaOffsets, bytes: metadata });
    if (options.verify === 'full') {
      try {
        index.verify();
      } catch (err) {
        if (err instanceof ImprintError) throw fail(headerLength, err.message);
        throw err;
      }
    }
    loadedInfo.set(index, { formatVersion: version, properties });
    return index;
  };
  return { fileLength: headerLength + bodyLength, pieces, finish };
}

/**
 * A version 2 or 3 header's properties block: length, reserved word, JSON object, zero padding
 * (then, in version 3, `layoutBytes` of substring layout, zero-padded to the header's end).
 */
function readProperties(
  fail: Fail,
  header: Uint8Array,
  view: DataView,
  layoutBytes: number,
): IndexProperties {
  const length = view.getUint32(96, true);
  const padded = PROPERTIES_AT + length + pad8(length);
  if (padded + layoutBytes + pad8(layoutBytes) !== header.length)
    throw fail(96, `Properties of ${length} bytes do not fill the ${header.length}-byte header`);
  if (view.getUint32(100, true) !== 0) throw fail(100, 'The reserved header word is not 0');
  const end = PROPERTIES_AT + length;
  if (
    header.subarray(end, padded).some((b) => b !== 0) ||
    header.subarray(padded + layoutBytes).some((b) => b !== 0)
  )
    throw fail(end, 'The properties are not padded with zeros');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header.subarray(PROPERTIES_AT, end)));
  } catch {
    throw fail(PROPERTIES_AT, 'The properties are not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail(PROPERTIES_AT, 'The properties are not a JSON object');
  const problem = propertiesProblem(value as IndexProperties);
  if (problem) throw fail(PROPERTIES_AT, `Bad properties: ${problem}`);
  return value as IndexProperties;
}

/**
 * Refuses an index whose derived hashes were made by another version of the derivation: its
 * stored crops, bands or flattened highlights would silently stop meeting uploads'. Plain hashes
 * are the reference's and do not change, so an index that says it holds none is accepted.
 */
function checkDerivation(properties: IndexProperties, options: DecodeIndexOptions): void {
  const expected = options.derivation ?? VARIANTS_VERSION;
  const found = properties.derivation;
  if (found === undefined || found === expected) return;
  if (Array.isArray(properties.families) && properties.families.length === 0) return;
  const method = properties.method ?? '<method>';
  const file = options.source ?? 'known.idx';
  throw new ImprintError(
    'ERR_INDEX_DERIVATION',
    `The index holds derived hashes of version ${found} (method ${method}), and this build computes version ${expected}: ` +
      `they would no longer meet the uploads' hashes, so it is refused. Rebuild it: ` +
      `imprint index build --images <known images> --method ${method} -o ${file}` +
      ` (or from fingerprint records made by this version: imprint hash --method ${method} -r <known images> -o records.ndjson, then imprint index build --list records.ndjson -o ${file})`,
    {
      location: {
        ...(options.source === undefined ? {} : { source: options.source }),
        offset: PROPERTIES_AT,
      },
    },
  );
}

/**
 * Reads an index from its file bytes. Every damage (truncation, flipped bits, an absurd count in
 * the header) is an {@link ImprintError} `ERR_INDEX_CORRUPT` (or `ERR_INDEX_VERSION` for another
 * format version) whose `location.offset` is the byte where the problem shows; nothing is
 * allocated from a header's counts before they are checked against the input's length.
 *
 * @example
 * ```ts
 * const index = decodeIndex<string>(bytes, { source: 'known.idx' });
 * index.query(hash);
 * ```
 */
export function decodeIndex<M = unknown>(
  bytes: Uint8Array,
  options: DecodeIndexOptions = {},
): LoadedIndex<M> {
  if (!(bytes instanceof Uint8Array))
    throw failer(options.source)(0, 'Expected the bytes of an index file (a Uint8Array)');
  const plan = planIndexDecode<M>(
    bytes.subarray(0, indexHeaderLength(bytes.subarray(0, HEADER), bytes.length, options)),
    bytes.length,
    options,
  );
  for (const piece of plan.pieces)
    piece.bytes.set(bytes.subarray(piece.start, piece.start + piece.bytes.length));
  return plan.finish();
}

interface Body {
  count: number;
  size: number;
  bits: number;
  stride: number;
  layout: MihLayout;
  encodings: number[];
  metaBytes: number;
  starts: number[];
  memory: { packed: Uint8Array; offsets: Uint8Array; postings: Uint8Array };
  alive: Uint8Array;
  metaOffsets: Uint32Array;
}

/** What a checksum cannot promise for a file written by a buggy or hostile tool, in sequential passes. */
function checkStructure(fail: Fail, b: Body): void {
  const { count, size, starts, alive, metaOffsets } = b;
  let live = 0;
  let liveSum = 0; // exact in a double: below 2^64 / 2^11
  for (let id = 0; id < count; id++) {
    const a = alive[id]!;
    if (a > 1) throw fail(starts[1]! + id, `Bad live flag ${a} for entry ${id}`);
    live += a;
    if (a) liveSum += id;
  }
  if (live !== size) throw fail(24, `The header says ${size} live entries, the flags ${live}`);
  checkPadding(b.memory.packed, b.bits, b.stride, (id) =>
    fail(starts[0]! + id * b.stride, `Hash ${id} has bits set beyond its ${b.bits} bits`),
  );
  if (metaOffsets[0] !== 0) throw fail(starts[2]!, 'Metadata offsets do not start at 0');
  for (let id = 0; id < count; id++) {
    const from = metaOffsets[id]!;
    const to = metaOffsets[id + 1]!;
    if (to < from || to > b.metaBytes)
      throw fail(starts[2]! + 4 * (id + 1), `Bad metadata offset for entry ${id}`);
    if (to > from && alive[id] === 0)
      throw fail(starts[2]! + 4 * (id + 1), `Removed entry ${id} has metadata`);
  }
  if (metaOffsets[count] !== b.metaBytes) {
    throw fail(starts[2]! + 4 * count, 'Metadata offsets do not end at the metadata length');
  }
  if (b.layout.length === 0) return;
  // Every substring must list each live id once: bounds and order per bucket, and the sum of the
  // ids against the live ids' sum (the full verification rebuilds the tables instead).
  const tables = b.memory.offsets;
  const postings = b.memory.postings;
  let table = 0; // byte offset of this substring's table in the tables section
  let list = 0; // byte offset of this substring's postings in the postings section
  b.layout.forEach((sub, s) => {
    const encoding = b.encodings[s]!;
    const values = 2 ** sub.bits;
    const off = offsetReader(tables.buffer, tables.byteOffset + table, sub.bits, encoding);
    const id = postingsReader(postings.buffer, postings.byteOffset + list, encoding, size);
    const width = idBytes(encoding);
    const listEnd = list + postingsBytes(encoding, size);
    for (let i = list + width * size; i < listEnd; i++)
      if (postings[i] !== 0) throw fail(starts[5]! + i, `Bad MIH postings padding in substring ${s}`);
    const at = starts[4]! + table; // where this table starts in the file
    if (tableKind(encoding) === COMPACT) {
      // relative offsets: 0 at each block's first value and at the end, zero padding
      const shift = blockShift(sub.bits);
      const blocks = 2 ** (sub.bits - shift);
      const relAt = table + 4 * (blocks + 1);
      const rel = new Uint16Array(tables.buffer, tables.byteOffset + relAt, 2 * Math.ceil((values + 1) / 2));
      for (let v = 0; v <= values; v += 1 << shift) {
        if (rel[v] !== 0) throw fail(starts[4]! + relAt + 2 * v, `Bad MIH block in substring ${s}`);
      }
      if (rel.length > values + 1 && rel[values + 1] !== 0)
        throw fail(starts[4]! + relAt + 2 * (values + 1), `Bad MIH padding in substring ${s}`);
    }
    if (off(0) !== 0) throw fail(at, `MIH substring ${s} does not start at 0`);
    if (off(values) !== size) throw fail(at, `MIH substring ${s} does not end at ${size}`);
    let sum = 0;
    for (let v = 0; v < values; v++) {
      const from = off(v);
      const to = off(v + 1);
      if (to < from || to > size) throw fail(at, `Bad MIH offset in substring ${s}`);
      let previous = -1;
      for (let i = from; i < to; i++) {
        const v = id(i);
        if (v >= count || v <= previous)
          throw fail(starts[5]! + list + width * i, `Bad id ${v} in MIH substring ${s}`);
        previous = v;
        sum += v;
      }
    }
    if (sum !== liveSum) throw fail(starts[5]! + list, `MIH substring ${s} does not list the live ids`);
    table += tableBytes(sub.bits, encoding);
    list = listEnd;
  });
}

/** Calls `bad(id)` for the first stored hash with a bit set outside its `bits` (those would skew distances). */
function checkPadding(
  packed: Uint8Array,
  bits: number,
  stride: number,
  bad: (id: number) => ImprintError,
): void {
  const hashBytes = Math.ceil(bits / 8);
  const unusedHigh = hashBytes * 8 - bits;
  if (unusedHigh === 0 && hashBytes === stride) return;
  const words = new Uint32Array(packed.buffer, packed.byteOffset, packed.length / 4);
  const wordsPer = stride / 4;
  const count = packed.length / stride;
  const firstMask = unusedHigh === 0 ? 0 : (((0xff << (8 - unusedHigh)) & 0xff) << 24) >>> 0;
  for (let id = 0; id < count; id++) {
    const base = id * wordsPer;
    if ((words[base]! & firstMask) !== 0) throw bad(id);
    // bytes of the stride past the hash: in word w, hash byte 4w+j sits at bits 24-8j
    for (let b = hashBytes; b < stride; b++) {
      if (((words[base + (b >>> 2)]! >>> (24 - 8 * (b & 3))) & 0xff) !== 0) throw bad(id);
    }
  }
}
