/**
 * Loading the known hashes an upload pipeline matches against, failing closed: a list that yields
 * no usable hash is an error (ERR_LIST_EMPTY), never an index that answers "no" to everything.
 */
import { PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import { getAlgorithm } from '../algorithms/registry.js';
import { ImprintError } from '../core/errors.js';
import type { ProgressCallback } from '../core/progress.js';
import { type HashListChunks, readHashList } from '../lists/read.js';
import type { HashListEntry, HashListStats, ReadHashListOptions } from '../lists/types.js';
import { FlatIndex } from '../matching/flat-index.js';
import { MihIndex } from '../matching/mih-index.js';
import { readHashListFile } from './hash-list-file.js';

/** Options for {@link loadKnownList}. */
export interface LoadKnownListOptions extends ReadHashListOptions {
  /**
   * Keep known hashes whose PDQ quality (when the list gives one) is below `minQuality`. Default
   * false: they are refused and counted (`stats.weak`), as the quality gate refuses such uploads:
   * a flat picture's hash matches other flat pictures.
   */
  keepWeak?: boolean;
  /** The known hashes' quality gate. Default 50, the reference's advice. */
  minQuality?: number;
  /** `flat` for a flat index (no multi-index tables). Default `mih`. */
  kind?: 'mih' | 'flat';
  /** Default match distance of the index. Default: the algorithm's threshold. */
  maxDistance?: number;
  /** Hears every usable entry as read (before a line number stands in for missing metadata). */
  onEntries?: (entries: readonly HashListEntry[]) => void;
  /**
   * Called after each batch of the list is read: phase `loading`, `done` the hashes read so far,
   * `total` undefined (a stream's length is not known), `path` the list (or its `source`).
   */
  onProgress?: ProgressCallback;
}

/** What {@link loadKnownList} read: the list's counters plus the weak hashes it refused. */
export interface KnownListStats extends HashListStats {
  /** Hashes below the quality gate, refused (or kept, with `keepWeak`). */
  readonly weak: number;
}

/**
 * Reads a hash list (a file path, or chunks of a stream such as `process.stdin`; any supported
 * format, streamed) into an index ready to match, each hash with
 * the list's metadata for it (a plain hex line: `{ line }`). Fails closed: a list that yields no
 * usable hash (empty, comments or a header only, every line skipped by `lenient`, every row
 * another algorithm, every hash weak) is ERR_LIST_EMPTY, saying which.
 *
 * @example
 * ```ts
 * import { loadKnownList } from 'imprint/node';
 * import { matchImage } from 'imprint/sharp';
 * const { index, stats } = await loadKnownList('known.csv'); // throws ERR_LIST_EMPTY on an unusable list
 * console.log(`${stats.entries} hashes, ${stats.weak} weak ones refused`);
 * const { matches } = await matchImage('upload.jpg', index);
 * ```
 */
export async function loadKnownList(
  list: string | HashListChunks,
  options: LoadKnownListOptions = {},
): Promise<{ index: FlatIndex<unknown> | MihIndex<unknown>; stats: KnownListStats }> {
  const algorithm = getAlgorithm(options.algorithm ?? 'pdq');
  const minQuality = options.minQuality ?? PDQ_MIN_QUALITY;
  const indexOptions = {
    algorithm: algorithm.name,
    bits: algorithm.bits,
    defaultMaxDistance: options.maxDistance ?? algorithm.defaultThreshold,
  };
  // Tables are built once, after the whole list is in (a streamed list arrives in batches).
  const index =
    options.kind === 'flat'
      ? new FlatIndex<unknown>(indexOptions)
      : new MihIndex<unknown>({ ...indexOptions, mergeThreshold: 0x7fffffff });
  const {
    keepWeak,
    minQuality: _q,
    kind: _k,
    maxDistance: _d,
    onEntries,
    onProgress,
    ...readOptions
  } = options;
  const path = typeof list === 'string' ? list : (options.source ?? 'stdin');
  const reader =
    typeof list === 'string'
      ? readHashListFile(list, { ...readOptions, algorithm: algorithm.name })
      : readHashList(list, { source: 'stdin', ...readOptions, algorithm: algorithm.name });
  let weak = 0;
  let read = 0;
  for await (const batch of reader.batches()) {
    read += batch.length;
    const usable = batch.filter((e) => {
      const low = e.hash.quality !== undefined && e.hash.quality < minQuality;
      if (low) weak++;
      return keepWeak || !low;
    });
    onEntries?.(usable);
    index.addAll(usable.map((e) => ({ hash: e.hash, metadata: e.metadata ?? { line: e.line } })));
    onProgress?.({ phase: 'loading', done: read, total: undefined, path });
  }
  if (index instanceof MihIndex) index.build();
  const stats: KnownListStats = { ...reader.stats, weak };
  if (index.size === 0) throw listEmpty(path, stats, minQuality);
  return { index, stats };
}

/** ERR_LIST_EMPTY for a list that yielded nothing, naming what its lines were. */
function listEmpty(path: string, s: KnownListStats, minQuality: number): ImprintError {
  const what = [
    `${s.lines} lines`,
    s.commentLines ? `${s.commentLines} comments` : '',
    s.blankLines ? `${s.blankLines} blank` : '',
    s.skipped ? `${s.skipped} malformed lines skipped` : '',
    s.filtered
      ? `${s.filtered} rows of other hash types skipped (${Object.entries(s.filteredTypes)
          .map(([type, n]) => `${type}: ${n}`)
          .join(', ')})`
      : '',
    s.withdrawn ? `${s.withdrawn} withdrawn records skipped` : '',
    s.weak
      ? `${s.weak} hashes below PDQ quality ${minQuality} refused (keepWeak / --keep-weak keeps them)`
      : '',
  ].filter(Boolean);
  return new ImprintError(
    'ERR_LIST_EMPTY',
    `No usable hash (${what.join(', ')}; format ${s.format ?? 'none detected'}): matching against it would answer "no" to every upload`,
    { location: { source: path } },
  );
}
