import { ImprintError, invalidArgument } from '../core/errors.js';
import { HashListParser } from './parser.js';
import type { HashListEntry, HashListStats, ReadHashListOptions } from './types.js';
import { Utf8ChunkDecoder } from './utf8.js';

/** Chunks of a list as they arrive: bytes (UTF-8) or already-decoded text, in any split. */
export type HashListChunks = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * A hash list being read. Iterate it once with `for await`; `stats` and `problems` are live and
 * final once the iteration ends.
 *
 * @example
 * ```ts
 * const list = readHashList(chunks, { source: 'known.csv' });
 * for await (const entry of list) console.log(entry.line, hashToHex(entry.hash));
 * console.log(list.stats.entries, list.stats.skipped);
 * ```
 */
export class HashListReader implements AsyncIterable<HashListEntry> {
  readonly #parser: HashListParser;
  readonly #chunks: HashListChunks;
  readonly #options: ReadHashListOptions;
  #used = false;

  /** Prefer {@link readHashList}. */
  constructor(chunks: HashListChunks, options: ReadHashListOptions = {}) {
    this.#parser = new HashListParser(options);
    this.#chunks = chunks;
    this.#options = options;
  }

  /** Counts so far: format, lines, entries, skipped, filtered, withdrawn. */
  get stats(): Readonly<HashListStats> {
    return this.#parser.stats;
  }

  /** Errors of lines skipped because of `lenient` (the first 1000; `stats.skipped` counts all). */
  get problems(): readonly ImprintError[] {
    return this.#parser.problems;
  }

  /**
   * Yields the entries in list order.
   *
   * @example
   * ```ts
   * const list = readHashList(chunks, { algorithm: 'pdq', source: 'known.csv' });
   * for await (const { hash, metadata } of list) index.add(hash, metadata);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<HashListEntry, void, undefined> {
    for await (const batch of this.batches()) yield* batch;
  }

  /**
   * Yields the entries in arrays, one per input chunk: much less overhead per entry than
   * iterating the reader itself, for lists of millions of lines.
   *
   * @example
   * ```ts
   * for await (const batch of readHashList(chunks).batches()) index.addAll(batch);
   * ```
   */
  async *batches(): AsyncGenerator<HashListEntry[], void, undefined> {
    if (this.#used)
      throw invalidArgument('a reader that was not iterated yet', 'the hash list reader', 'used');
    this.#used = true;
    const parser = this.#parser;
    const { signal, source } = this.#options;
    const decoder = new Utf8ChunkDecoder();
    const invalid = (offset: number) =>
      new ImprintError('ERR_HASH_LIST_SYNTAX', 'Not valid UTF-8 text', {
        location: { ...(source === undefined ? {} : { source }), line: parser.currentLine, offset },
      });
    for await (const chunk of this.#chunks) {
      if (signal?.aborted) throw new ImprintError('ERR_ABORTED', 'Reading the hash list was aborted');
      let text: string;
      let invalidAt: number | undefined;
      if (typeof chunk === 'string') text = chunk;
      else if (chunk instanceof Uint8Array) ({ text, invalidAt } = decoder.decode(chunk));
      else throw invalidArgument('Uint8Array or string chunks', 'the hash list input', typeof chunk);
      const entries = parser.push(text);
      if (entries.length > 0) yield entries;
      if (invalidAt !== undefined) throw invalid(invalidAt);
    }
    const last = decoder.end();
    if (last.invalidAt !== undefined) throw invalid(last.invalidAt);
    const entries = parser.end();
    if (entries.length > 0) yield entries;
  }

  /**
   * Reads the whole list into an array (for lists that fit in memory).
   *
   * @example
   * ```ts
   * const entries = await readHashList([text]).toArray();
   * ```
   */
  async toArray(): Promise<HashListEntry[]> {
    const all: HashListEntry[] = [];
    for await (const batch of this.batches()) for (const entry of batch) all.push(entry);
    return all;
  }
}

/**
 * Reads a hash list from a stream of chunks (bytes or text) without holding its text: each
 * chunk is parsed as it arrives. The format is detected unless given; every hash is validated
 * for `options.algorithm` (default `pdq`). A malformed line throws an {@link ImprintError}
 * (`ERR_HASH_LIST_SYNTAX`, or `ERR_INVALID_HASH` for a bad hash) whose location names the source
 * and the 1-based line; with `lenient: true` it is reported and skipped instead.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const list = readHashList(createReadStream('known.csv'), { source: 'known.csv' });
 * const index = new FlatIndex<HashListMetadata>();
 * for await (const batch of list.batches()) index.addAll(batch);
 * console.log(list.stats); // { format: 'csv', entries: 1200, skipped: 0, ... }
 * ```
 */
export function readHashList(chunks: HashListChunks, options: ReadHashListOptions = {}): HashListReader {
  return new HashListReader(chunks, options);
}

/** Result of {@link parseHashList}. */
export interface ParsedHashList {
  readonly entries: HashListEntry[];
  readonly stats: HashListStats;
  readonly problems: readonly ImprintError[];
}

/**
 * Parses a whole hash list held in a string (same formats and options as {@link readHashList}).
 *
 * @example
 * ```ts
 * const { entries, stats } = parseHashList(text, { algorithm: 'pdq', source: 'known.txt' });
 * ```
 */
export function parseHashList(text: string, options: ReadHashListOptions = {}): ParsedHashList {
  if (typeof text !== 'string') throw invalidArgument('a string', 'text', typeof text);
  const parser = new HashListParser(options);
  const entries = parser.push(text);
  for (const entry of parser.end()) entries.push(entry);
  return { entries, stats: parser.stats, problems: parser.problems };
}
