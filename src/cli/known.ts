import type { Readable } from 'node:stream';
import { ImprintError } from '../core/errors.js';
import type { LoadedIndex } from '../matching/index-format.js';
import { loadIndex } from '../node/index-file.js';
import { type KnownListStats, loadKnownList } from '../node/known-list.js';
import type { CliIo } from './command.js';

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
): Promise<{ index: LoadedIndex<unknown>; stats?: KnownListStats; summary: string }> {
  try {
    if (source.kind === 'index') {
      const index = await loadIndex<unknown>(source.path);
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
    const { index, stats: s } = await loadKnownList(source.path === '-' ? stdinOf(io) : source.path, {
      algorithm: source.algorithm,
      lenient: source.lenient,
      otherAlgorithms: source.skipOtherTypes ? 'skip' : 'error',
      keepWeak: source.keepWeak,
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
