import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { getAlgorithm } from '../algorithms/registry.js';
import { ImprintError } from '../core/errors.js';
import type { HashListEntry, HashListFormat } from '../lists/types.js';
import { FlatIndex } from '../matching/flat-index.js';
import type { LoadedIndex } from '../matching/index-format.js';
import { MihIndex } from '../matching/mih-index.js';
import { loadIndex } from '../node/index-file.js';
import { type KnownListStats, loadKnownList } from '../node/known-list.js';
import type { CliIo } from './command.js';
import { addFingerprintFile, isFingerprintFile } from './fingerprints.js';

/** Where the known hashes come from: a hash list (any supported format; `-` = stdin) or an index file. */
export type KnownSource =
  | {
      kind: 'list';
      path: string;
      algorithm: string;
      lenient: boolean;
      skipOtherTypes: boolean;
      keepWeak: boolean;
      flat?: boolean;
      maxDistance?: number;
      /** The list's format (`--format`); detected when absent. */
      format?: HashListFormat;
      /** The CSV hash column (`--hash-column`). */
      hashColumn?: string;
      /** Hears every usable list entry as read (`index build --export`). */
      onEntries?: (entries: readonly HashListEntry[]) => void;
    }
  | { kind: 'index'; path: string };

/**
 * A failure to load the known hashes (an unusable, malformed, unreadable or corrupt list or
 * index): the command stops with EXIT.KNOWN_UNUSABLE, since nothing could be matched.
 */
export class KnownUnusable extends Error {
  override readonly name = 'KnownUnusable';
  constructor(readonly error: ImprintError) {
    super(error.message);
  }
}

/** Standard input, as the CLI was given it (tests pass their own). */
export function stdinOf(io: CliIo): Readable {
  return io.stdin ?? process.stdin;
}

/**
 * Loads the known hashes for `imprint match` and `imprint index build`, reporting every line
 * skipped (with --lenient) on stderr and returning a summary line of what was read and skipped
 * for the caller to print, so nothing is dropped silently.
 * Fails closed: a list or index without a usable hash throws (ERR_LIST_EMPTY) as any other
 * failure to load does, wrapped in {@link KnownUnusable}.
 */
export async function loadKnownIndex(
  source: KnownSource,
  io: CliIo,
  command = 'match',
): Promise<{
  index: LoadedIndex<unknown>;
  stats?: KnownListStats;
  summary: string;
  /** The method of fingerprint records (their index stores its derived hashes). */
  method?: string;
}> {
  try {
    if (source.kind === 'index') {
      const index = await loadIndex<unknown>(resolve(io.cwd, source.path));
      if (index.size === 0) {
        throw new ImprintError(
          'ERR_LIST_EMPTY',
          'The index holds no hash: matching against it would answer "no" to every upload',
          { location: { source: source.path } },
        );
      }
      const summary = `imprint ${command}: ${source.path}: ${index.size} hashes (${index.kind} index of ${index.algorithm})`;
      return { index, summary };
    }
    const listPath = source.path === '-' ? undefined : resolve(io.cwd, source.path);
    const algorithm = getAlgorithm(source.algorithm);
    if (listPath !== undefined && algorithm.name === 'pdq' && (await isFingerprintFile(listPath))) {
      // Fingerprint records: the plain hashes and the derived ones a method stores.
      const options = {
        algorithm: algorithm.name,
        bits: algorithm.bits,
        defaultMaxDistance: source.maxDistance ?? algorithm.defaultThreshold,
      };
      const index = source.flat
        ? new FlatIndex<unknown>(options)
        : new MihIndex<unknown>({ ...options, mergeThreshold: 0x7fffffff });
      const read = await addFingerprintFile(index, listPath, io, { lenient: source.lenient, command });
      if (index instanceof MihIndex) index.build();
      const summary = `imprint ${command}: ${source.path}: ${read.records} fingerprint records of method ${read.method}, ${read.hashes} hashes (${index.size} distinct)${read.skipped ? `; ${read.skipped} malformed records skipped` : ''}`;
      return { index, summary, method: read.method };
    }
    const { index, stats: s } = await loadKnownList(listPath ?? stdinOf(io), {
      algorithm: source.algorithm,
      lenient: source.lenient,
      otherAlgorithms: source.skipOtherTypes ? 'skip' : 'error',
      keepWeak: source.keepWeak,
      ...(source.format === undefined ? {} : { format: source.format }),
      ...(source.hashColumn === undefined ? {} : { hashColumn: source.hashColumn }),
      ...(source.onEntries === undefined ? {} : { onEntries: source.onEntries }),
      signal: io.signal,
      ...(source.flat ? { kind: 'flat' as const } : {}),
      ...(source.maxDistance === undefined ? {} : { maxDistance: source.maxDistance }),
      onProblem: (err) => io.stderr.write(`imprint ${command}: skipped ${err.message}\n`),
    });
    const extras = [
      s.skipped ? `${s.skipped} malformed lines skipped` : '',
      s.filtered
        ? `${s.filtered} rows of other hash types skipped (${Object.entries(s.filteredTypes)
            .map(([type, n]) => `${type}: ${n}`)
            .join(', ')})`
        : '',
      s.withdrawn ? `${s.withdrawn} withdrawn records skipped` : '',
      s.weak
        ? source.keepWeak
          ? `${s.weak} hashes below PDQ quality 50 kept (--keep-weak)`
          : `${s.weak} hashes below PDQ quality 50 refused (--keep-weak keeps them)`
        : '',
    ].filter(Boolean);
    const summary = `imprint ${command}: ${source.path}: ${s.entries} hashes (${index.size} distinct, format ${s.format ?? 'empty'})${extras.length ? `; ${extras.join('; ')}` : ''}`;
    return { index, stats: s, summary };
  } catch (err) {
    if (err instanceof ImprintError && err.code !== 'ERR_ABORTED') throw new KnownUnusable(err);
    throw err;
  }
}
