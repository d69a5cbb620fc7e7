/**
 * A {@link ShardedIndex} saved as a directory: one index file per shard (imprint's index format,
 * written by saveIndex), the map from each shard's local ids to the index's ids, and a manifest
 * written last. A list of 10^8 hashes is built once, then loaded in one process (loadShardedIndex)
 * or straight into worker threads (ParallelIndex.open), without rebuilding tables.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { ImprintError, invalidArgument, toImprintError } from '../core/errors.js';
import { crc32 as jsCrc32 } from '../matching/crc32.js';
import { INDEX_HEADER_PREFIX, storedHeaderCrc } from '../matching/index-format.js';
import { MihIndex } from '../matching/mih-index.js';
import { ShardedIndex } from '../matching/sharded-index.js';
import { openAtomicFile } from './atomic-file.js';
import { type LoadIndexOptions, loadIndex, type SaveIndexOptions, saveIndex } from './index-file.js';

// zlib's CRC-32 where Node has it (>= 20.15), the portable one otherwise: same values.
const crc32 = (d: Uint8Array, v = 0): number =>
  typeof zlib.crc32 === 'function' ? zlib.crc32(d, v) : jsCrc32(d, v);
const FORMAT = 'imprint-sharded-index';
const VERSION = 1;
const MANIFEST = 'manifest.json';
const ID_MAP = 'ids.bin';

/** @internal What the manifest of a saved sharded index says, with the id maps read. */
export interface ShardedManifest {
  readonly algorithm: string;
  readonly bits: number;
  /** Ids handed out (removed ones included). */
  readonly ids: number;
  /** Each shard's index file. */
  readonly files: readonly string[];
  /** Per shard, the index's id of each of its local ids. */
  readonly globalIds: Uint32Array[];
}

/**
 * @internal Writes `index` into the directory `dir` (made if missing): shard files first, then the
 * id maps, then the manifest, each written atomically. Write into a new directory: a reader that
 * opens the directory while an older index in it is overwritten sees ERR_INDEX_CORRUPT.
 */
export async function saveShardedIndex<M>(
  index: ShardedIndex<M>,
  dir: string,
  options: SaveIndexOptions = {},
): Promise<{ bytes: number }> {
  if (typeof dir !== 'string' || dir === '') throw invalidArgument('a directory path', 'dir', dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new ImprintError('ERR_FILE_UNWRITABLE', `Cannot make the index directory ${dir}`, { cause: err });
  }
  const { shards, globalIds } = index.parts();
  let bytes = 0;
  const files: { file: string; ids: number; headerCrc32: number }[] = [];
  for (const [s, shard] of shards.entries()) {
    const file = `shard-${s}.idx`;
    bytes += (await saveIndex(shard, join(dir, file), options)).bytes;
    files.push({ file, ids: globalIds[s]!.length, headerCrc32: await shardHeaderCrc(join(dir, file)) });
  }
  const maps = globalIds.map((g) => new Uint8Array(g.buffer, g.byteOffset, g.byteLength));
  let crc = 0;
  for (const m of maps) if (m.length > 0) crc = crc32(m, crc); // zlib.crc32(empty, v) gives 0, not v
  bytes += await writeAtomic(join(dir, ID_MAP), maps);
  const manifest = {
    format: FORMAT,
    version: VERSION,
    algorithm: index.algorithm,
    bits: index.bits,
    ids: globalIds.reduce((n, g) => n + g.length, 0),
    shards: files,
    idMap: { file: ID_MAP, crc32: crc },
  };
  bytes += await writeAtomic(join(dir, MANIFEST), [`${JSON.stringify(manifest, null, 1)}\n`]);
  return { bytes };
}

async function writeAtomic(path: string, parts: readonly (Uint8Array | string)[]): Promise<number> {
  const file = await openAtomicFile(path, { what: 'index' });
  try {
    let n = 0;
    for (const p of parts) n += await file.write(p);
    await file.commit();
    return n;
  } catch (err) {
    await file.abandon();
    throw toImprintError(err);
  }
}

/** @internal Reads and checks the manifest and id maps of the sharded index in `dir`. */
export async function readShardedManifest(dir: string): Promise<ShardedManifest> {
  if (typeof dir !== 'string' || dir === '') throw invalidArgument('a directory path', 'dir', dir);
  const manifestPath = join(dir, MANIFEST);
  const corrupt = (why: string) =>
    new ImprintError('ERR_INDEX_CORRUPT', `${manifestPath} is not a sharded index: ${why}`, {
      location: { source: manifestPath },
    });
  const text = await read(manifestPath);
  let m: {
    format?: unknown;
    version?: unknown;
    algorithm?: unknown;
    bits?: unknown;
    ids?: unknown;
    shards?: { file?: unknown; ids?: unknown; headerCrc32?: unknown }[];
    idMap?: { file?: unknown; crc32?: unknown };
  };
  try {
    m = JSON.parse(new TextDecoder().decode(text));
  } catch {
    throw corrupt('not JSON');
  }
  if (m?.format !== FORMAT) throw corrupt(`format is ${JSON.stringify(m?.format)}, expected "${FORMAT}"`);
  if (m.version !== VERSION)
    throw new ImprintError(
      'ERR_INDEX_VERSION',
      `${manifestPath} is a sharded index of version ${m.version}; this imprint reads version ${VERSION}`,
      { location: { source: manifestPath } },
    );
  const safeName = (f: unknown): f is string =>
    typeof f === 'string' && /^[\w.-]+$/.test(f) && !f.startsWith('.');
  if (
    typeof m.algorithm !== 'string' ||
    !Number.isInteger(m.bits) ||
    !Number.isInteger(m.ids) ||
    !Array.isArray(m.shards) ||
    m.shards.length === 0 ||
    !m.shards.every(
      (s) =>
        safeName(s?.file) &&
        Number.isInteger(s.ids) &&
        (s.ids as number) >= 0 &&
        typeof s.headerCrc32 === 'number',
    ) ||
    !safeName(m.idMap?.file) ||
    typeof m.idMap.crc32 !== 'number'
  )
    throw corrupt('a field is missing or of the wrong type');
  const counts = m.shards.map((s) => s.ids as number);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== m.ids) throw corrupt(`the shards hold ${total} ids, the manifest says ${m.ids}`);
  const mapPath = join(dir, m.idMap.file);
  const bytes = await read(mapPath);
  if (bytes.length !== total * 4 || crc32(bytes) !== m.idMap.crc32)
    throw new ImprintError('ERR_INDEX_CORRUPT', `${mapPath} is truncated or fails its checksum`, {
      location: { source: mapPath },
    });
  // Each shard file must be the one saved in its place: files swapped, or copied in from another
  // sharded index, would load and answer with the wrong ids.
  for (const [n, shard] of m.shards.entries()) {
    const path = join(dir, shard.file as string);
    if ((await shardHeaderCrc(path)) !== shard.headerCrc32)
      throw new ImprintError(
        'ERR_INDEX_CORRUPT',
        `${path} is not the file this sharded index saved as shard ${n} (its header checksum differs from the manifest's)`,
        { location: { source: path } },
      );
  }
  const globalIds: Uint32Array[] = [];
  let at = 0;
  for (const n of counts) {
    const map = new Uint32Array(n);
    new Uint8Array(map.buffer).set(bytes.subarray(at, at + n * 4));
    globalIds.push(map);
    at += n * 4;
  }
  return {
    algorithm: m.algorithm,
    bits: m.bits as number,
    ids: total,
    files: m.shards.map((s) => join(dir, s.file as string)),
    globalIds,
  };
}

/** The header checksum the index file at `path` stores; -1 when it is shorter than a header. */
async function shardHeaderCrc(path: string): Promise<number> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(INDEX_HEADER_PREFIX);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length ? storedHeaderCrc(head) : -1;
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    await handle?.close();
  }
}

function unreadable(path: string, err: unknown): ImprintError {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new ImprintError('ERR_FILE_UNREADABLE', `Cannot read ${path}${code ? ` (${code})` : ''}`, {
    cause: err,
    location: { source: path },
  });
}

async function read(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

/**
 * Loads a sharded index saved with `saveIndex(shardedIndex, dir)`: each shard's index file (its
 * tables as built, not rebuilt) and the id maps, checked against each other. Damage is
 * `ERR_INDEX_CORRUPT`, a missing file `ERR_FILE_UNREADABLE`. To answer on every core without a
 * copy in this thread, open the directory with `ParallelIndex.open` instead.
 *
 * @example
 * ```ts
 * const index = new ShardedIndex({ algorithm: 'pdq', shards: 4 });
 * index.addPacked(packHashes(knownHashes));
 * await saveIndex(index, 'known-index'); // a directory
 * const loaded = await loadShardedIndex('known-index');
 * const matches = loaded.query(uploadHash);
 * ```
 */
export async function loadShardedIndex<M = unknown>(
  dir: string,
  options: LoadIndexOptions = {},
): Promise<ShardedIndex<M>> {
  const manifest = await readShardedManifest(dir);
  const shards: MihIndex<M>[] = [];
  for (const file of manifest.files) {
    const shard = await loadIndex<M>(file, options);
    if (
      !(shard instanceof MihIndex) ||
      shard.algorithm !== manifest.algorithm ||
      shard.bits !== manifest.bits
    )
      throw new ImprintError(
        'ERR_INDEX_CORRUPT',
        `${file} is not a ${manifest.algorithm} multi-index shard of this sharded index`,
        { location: { source: file } },
      );
    shards.push(shard);
  }
  return ShardedIndex.fromParts(shards, manifest.globalIds, dir);
}
