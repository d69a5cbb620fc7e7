import { resolve } from 'node:path';
import { getAlgorithm } from '../algorithms/registry.js';
import type { HashListFormat } from '../lists/types.js';
import { MihIndex } from '../matching/mih-index.js';
import type { HashIndex } from '../matching/types.js';
import { readHashListFile } from '../node/hash-list-file.js';
import { loadIndex } from '../node/index-file.js';
import type { CliIo } from './command.js';
import { addFingerprintFile, isFingerprintFile } from './fingerprints.js';

/** Where the known hashes come from: a hash list (any supported format) or an index file. */
export type KnownSource =
  | {
      kind: 'list';
      path: string;
      algorithm: string;
      lenient: boolean;
      skipOtherTypes: boolean;
      /** The list's format (`--format`); detected when absent. */
      format?: HashListFormat;
      /** The CSV hash column (`--hash-column`). */
      hashColumn?: string;
    }
  | { kind: 'index'; path: string };

/**
 * Loads the known hashes for `imprint match`, reporting on stderr what was read and every line
 * that was skipped (with --lenient), so nothing is dropped silently.
 */
export async function loadKnownIndex(source: KnownSource, io: CliIo): Promise<HashIndex<unknown>> {
  if (source.kind === 'index') {
    const index = await loadIndex<unknown>(source.path);
    io.stderr.write(
      `imprint match: ${source.path}: ${index.size} hashes (${index.kind} index of ${index.algorithm})\n`,
    );
    return index;
  }
  const algorithm = getAlgorithm(source.algorithm);
  // Tables are built once, after the whole list is in (a streamed list arrives in batches).
  const index = new MihIndex<unknown>({
    algorithm: algorithm.name,
    bits: algorithm.bits,
    defaultMaxDistance: algorithm.defaultThreshold,
    mergeThreshold: 0x7fffffff,
  });
  const listPath = resolve(io.cwd, source.path);
  if (algorithm.name === 'pdq' && (await isFingerprintFile(listPath))) {
    const read = await addFingerprintFile(index, listPath, io, {
      lenient: source.lenient,
      command: 'match',
    });
    index.build();
    io.stderr.write(
      `imprint match: ${source.path}: ${read.records} fingerprint records of method ${read.method}, ${read.hashes} hashes (${index.size} distinct)${read.skipped ? `; ${read.skipped} malformed records skipped` : ''}\n`,
    );
    return index;
  }
  const reader = readHashListFile(source.path, {
    algorithm: algorithm.name,
    lenient: source.lenient,
    otherAlgorithms: source.skipOtherTypes ? 'skip' : 'error',
    ...(source.format === undefined ? {} : { format: source.format }),
    ...(source.hashColumn === undefined ? {} : { hashColumn: source.hashColumn }),
    signal: io.signal,
    onProblem: (err) => io.stderr.write(`imprint match: skipped ${err.message}\n`),
  });
  // A list line without metadata (plain hex) is identified by its line number.
  for await (const batch of reader.batches()) {
    index.addAll(batch.map((e) => ({ hash: e.hash, metadata: e.metadata ?? { line: e.line } })));
  }
  index.build();
  const s = reader.stats;
  const extras = [
    s.skipped ? `${s.skipped} malformed lines skipped` : '',
    s.filtered
      ? `${s.filtered} rows of other hash types skipped (${Object.entries(s.filteredTypes)
          .map(([type, n]) => `${type}: ${n}`)
          .join(', ')})`
      : '',
    s.withdrawn ? `${s.withdrawn} withdrawn records skipped` : '',
  ].filter(Boolean);
  io.stderr.write(
    `imprint match: ${source.path}: ${s.entries} hashes (${index.size} distinct, format ${s.format ?? 'empty'})${extras.length ? `; ${extras.join('; ')}` : ''}\n`,
  );
  return index;
}
