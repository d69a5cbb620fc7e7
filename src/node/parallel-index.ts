import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ErrorCode, ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { FlatIndex } from '../matching/flat-index.js';
import { encodeIndexChunks } from '../matching/index-format.js';
import type { KernelChoice } from '../matching/kernel.js';
import type { MihIndex } from '../matching/mih-index.js';
import { checkIndexHash, packHash, wordsFor } from '../matching/packed.js';
import { BatchBuilder, KeyList, keyDistance, keyId } from '../matching/results.js';
import { ShardedIndex } from '../matching/sharded-index.js';
import type { BatchMatches, QueryOptions } from '../matching/types.js';
import { readShardedManifest } from './sharded-index-file.js';
import { loaderArgv } from './worker-argv.js';

/** Options for {@link ParallelIndex.start}. */
export interface ParallelIndexOptions {
  /** Worker threads (default: one per core the host reports, at least 1). */
  threads?: number;
  /** Kernel of the workers' copies (default `auto`). */
  kernel?: KernelChoice;
}

/** @internal One index a worker holds: an encoded image in shared memory, or a file to load. */
export interface WorkerShard {
  readonly image?: SharedArrayBuffer;
  readonly path?: string;
  /** The index's id of each of this shard's local ids (shared memory); absent: ids as they are. */
  readonly globalIds?: Uint32Array;
}

/** @internal What a worker starts with. */
export interface WorkerStart {
  readonly shards: readonly WorkerShard[];
  readonly kernel: KernelChoice;
}

/** @internal A batch sent to a worker: packed hashes. */
export interface BatchJob {
  readonly id: number;
  readonly words: Uint32Array;
  readonly options: QueryOptions;
}

/** @internal A worker's answer. */
export type BatchReply =
  | { id: number; queries: Uint32Array; ids: Uint32Array; distances: Uint16Array; error?: undefined }
  | { id: number; error: { code: ErrorCode; message: string } };

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: (r: BatchReply) => void; reject: (e: Error) => void }>;
}

/** Fewest queries a worker is given: the flat scan compares 8 queries per pass over the list. */
const MIN_CHUNK = 8;

/**
 * `queryBatch` on every core. For a flat or multi-index index, worker threads that each hold a
 * copy of it (a snapshot taken at {@link ParallelIndex.start}) each answer a contiguous share of
 * a batch; memory: one copy per thread. For a {@link ShardedIndex}, its shards are spread over
 * the threads (at most one thread per shard, each shard held by one thread only) and every query
 * goes to every shard at once; a saved sharded index ({@link ParallelIndex.open}) is loaded by the
 * workers straight from its files, so the calling thread holds only the id maps (4 bytes a hash).
 * The answers are exactly the index's own `queryBatch` (same queries, ids, distances and order);
 * resolve ids with the index's `hashOf` and `metadataOf`, and do not change the index while this
 * snapshot is used.
 *
 * @example
 * ```ts
 * const parallel = await ParallelIndex.start(index, { threads: 2 });
 * const batch = await parallel.queryBatch(uploadHashes, { maxDistance: 31 });
 * await parallel.close();
 *
 * // 10^8 hashes: built once, saved as a directory, loaded by the workers, shards on all cores.
 * await saveIndex(shardedIndex, 'known-index');
 * const all = await ParallelIndex.open('known-index', { threads: 4 });
 * ```
 */
export class ParallelIndex {
  readonly algorithm: string;
  readonly bits: number;
  readonly #slots: Slot[];
  /** Every query to every worker (each holds some shards), or shares of a batch to each. */
  readonly #fanOut: boolean;
  #next = 0;
  #closed = false;

  private constructor(algorithm: string, bits: number, slots: Slot[], fanOut: boolean) {
    this.algorithm = algorithm;
    this.bits = bits;
    this.#slots = slots;
    this.#fanOut = fanOut;
  }

  /**
   * Starts the worker threads, each loading a copy of `index` (or, for a {@link ShardedIndex},
   * its share of the shards); resolves when all are ready.
   */
  static async start(
    index: FlatIndex | MihIndex | ShardedIndex,
    options: ParallelIndexOptions = {},
  ): Promise<ParallelIndex> {
    const threads = threadsOf(options);
    const kernel = options.kernel ?? 'auto';
    if (index instanceof ShardedIndex) {
      const { shards, globalIds } = index.parts();
      const parts = shards.map((shard, s) => ({
        image: sharedImage(shard),
        globalIds: shared(globalIds[s]!),
      }));
      return ParallelIndex.#launch(index.algorithm, index.bits, parts, threads, kernel, true);
    }
    // The file image once, in memory every worker reads (each decodes its own copy from it).
    const image = sharedImage(index);
    return ParallelIndex.#launch(
      index.algorithm,
      index.bits,
      Array.from({ length: threads }, () => ({ image })),
      threads,
      kernel,
      false,
    );
  }

  /**
   * Opens a sharded index saved with `saveIndex(shardedIndex, dir)`: the workers load the shard
   * files themselves (at most one thread per shard), this thread only the id maps, so a list of
   * 10^8 hashes answers in one process without a second copy. Errors as `loadShardedIndex`.
   */
  static async open(dir: string, options: ParallelIndexOptions = {}): Promise<ParallelIndex> {
    const threads = threadsOf(options);
    const manifest = await readShardedManifest(dir);
    const parts = manifest.files.map((path, s) => ({ path, globalIds: shared(manifest.globalIds[s]!) }));
    return ParallelIndex.#launch(
      manifest.algorithm,
      manifest.bits,
      parts,
      threads,
      options.kernel ?? 'auto',
      true,
    );
  }

  /** One worker per `threads` (at most one per part when fanning out), parts dealt round robin. */
  static async #launch(
    algorithm: string,
    bits: number,
    parts: readonly WorkerShard[],
    threads: number,
    kernel: KernelChoice,
    fanOut: boolean,
  ): Promise<ParallelIndex> {
    const workers = fanOut ? Math.min(threads, parts.length) : threads;
    const slots: Slot[] = [];
    try {
      for (let t = 0; t < workers; t++) {
        const mine = fanOut ? parts.filter((_, s) => s % workers === t) : [parts[t]!];
        slots.push(await startSlot({ shards: mine, kernel }));
      }
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    return new ParallelIndex(algorithm, bits, slots, fanOut);
  }

  /** Worker threads answering. */
  get threads(): number {
    return this.#slots.length;
  }

  /** The index's `queryBatch`, shared among the threads. */
  async queryBatch(hashes: readonly Hash[], options: QueryOptions = {}): Promise<BatchMatches> {
    if (this.#closed) throw new ImprintError('ERR_INVALID_ARGUMENT', 'The parallel index is closed');
    const hw = wordsFor(this.bits);
    const words = new Uint32Array(hashes.length * hw);
    hashes.forEach((h, i) => {
      this.#check(h);
      packHash(h, words, i * hw);
    });
    const n = hashes.length;
    if (this.#fanOut) return this.#fanOutBatch(words, n, options);
    const parts = Math.max(1, Math.min(this.#slots.length, Math.floor(n / MIN_CHUNK)));
    const per = Math.ceil(n / parts);
    const jobs: Promise<BatchReply>[] = [];
    for (let from = 0; from < n || jobs.length === 0; from += per) {
      const slot = this.#slots[this.#next++ % this.#slots.length]!;
      const part = words.slice(from * hw, Math.min(n, from + per) * hw);
      jobs.push(send(slot, { id: this.#next, words: part, options }));
      if (n === 0) break;
    }
    const replies = await Promise.all(jobs);
    let length = 0;
    for (const r of replies) {
      if (r.error) throw new ImprintError(r.error.code, r.error.message);
      length += r.ids.length;
    }
    const out = {
      length,
      queries: new Uint32Array(length),
      ids: new Uint32Array(length),
      distances: new Uint16Array(length),
    };
    let at = 0;
    replies.forEach((r, k) => {
      if (r.error) return;
      const offset = k * per;
      for (let i = 0; i < r.ids.length; i++) out.queries[at + i] = r.queries[i]! + offset;
      out.ids.set(r.ids, at);
      out.distances.set(r.distances, at);
      at += r.ids.length;
    });
    return out;
  }

  /** Every query to every worker; each answers for its shards, the answers merged per query. */
  async #fanOutBatch(words: Uint32Array, n: number, options: QueryOptions): Promise<BatchMatches> {
    const jobs = this.#slots.map((slot, k) =>
      send(slot, { id: ++this.#next, words: k === this.#slots.length - 1 ? words : words.slice(), options }),
    );
    const replies = await Promise.all(jobs);
    for (const r of replies) if (r.error) throw new ImprintError(r.error.code, r.error.message);
    if (replies.length === 1) {
      const r = replies[0]! as Exclude<BatchReply, { error: object }>;
      return { length: r.ids.length, queries: r.queries, ids: r.ids, distances: r.distances };
    }
    const perQuery = Array.from({ length: n }, () => new KeyList());
    for (const r of replies) {
      if (r.error) continue;
      for (let i = 0; i < r.ids.length; i++) perQuery[r.queries[i]!]!.push(r.ids[i]!, r.distances[i]!);
    }
    const out = new BatchBuilder();
    perQuery.forEach((keys, q) => {
      for (const key of keys.sorted()) out.push(q, keyId(key), keyDistance(key));
    });
    return out.finish();
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #check(hash: Hash): void {
    checkIndexHash(hash, this.algorithm, this.bits);
  }
}

function threadsOf(options: ParallelIndexOptions): number {
  const threads = options.threads ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw invalidArgument('an integer from 1 to 256', 'threads', threads);
  }
  return threads;
}

/** An index's file image in shared memory, which the workers decode their copies from. */
function sharedImage(index: FlatIndex | MihIndex): SharedArrayBuffer {
  const chunks = encodeIndexChunks(index);
  const image = new SharedArrayBuffer(chunks.reduce((n, c) => n + c.length, 0));
  const view = new Uint8Array(image);
  let at = 0;
  for (const c of chunks) {
    view.set(c, at);
    at += c.length;
  }
  return image;
}

/** A copy of `a` in shared memory (posted to a worker without another copy). */
function shared(a: Uint32Array): Uint32Array {
  const out = new Uint32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function send(slot: Slot, job: BatchJob): Promise<BatchReply> {
  return new Promise((resolve, reject) => {
    slot.waiting.set(job.id, { resolve, reject });
    slot.worker.ref(); // a batch in flight holds the process
    slot.worker.postMessage(job, [job.words.buffer as ArrayBuffer]);
  });
}

/** A worker that has loaded its copy of the index. */
function startSlot(workerData: WorkerStart): Promise<Slot> {
  const worker = spawn(workerData);
  const slot: Slot = { worker, waiting: new Map() };
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      for (const w of slot.waiting.values()) w.reject(error);
      slot.waiting.clear();
    };
    worker.on(
      'message',
      (m: BatchReply | { ready: boolean; error?: { code: ErrorCode; message: string } }) => {
        if ('ready' in m) {
          if (m.ready) {
            worker.unref();
            resolve(slot);
          } else fail(new ImprintError(m.error!.code, m.error!.message));
          return;
        }
        const w = slot.waiting.get(m.id);
        slot.waiting.delete(m.id);
        if (slot.waiting.size === 0) worker.unref(); // idle: let the process exit
        w?.resolve(m);
      },
    );
    worker.on('error', (e) =>
      fail(new ImprintError('ERR_INTERNAL', `A matching worker failed: ${e.message}`)),
    );
    worker.on('exit', () => fail(new ImprintError('ERR_INTERNAL', 'A matching worker exited')));
  });
}

/**
 * The worker's entry. Built: `dist/node/parallel-index-worker.js`, beside the chunk that holds
 * this module. From source (tests): the .ts file through tsx.
 */
function spawn(workerData: WorkerStart): Worker {
  const here = import.meta.url;
  const execArgv = loaderArgv(process.execArgv);
  if (here.endsWith('.ts')) {
    const entry = new URL('./parallel-index-worker.ts', here).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, execArgv, workerData });
  }
  for (const candidate of [
    './parallel-index-worker.js',
    '../node/parallel-index-worker.js',
    './node/parallel-index-worker.js',
  ]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return new Worker(url, { execArgv, workerData });
  }
  throw new ImprintError(
    'ERR_UNSUPPORTED_ENVIRONMENT',
    `imprint's matching worker (node/parallel-index-worker.js) is not beside ${fileURLToPath(here)}: was imprint bundled?`,
  );
}
