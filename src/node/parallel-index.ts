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
import type { BatchMatches, QueryOptions } from '../matching/types.js';

/** Options for {@link ParallelIndex.start}. */
export interface ParallelIndexOptions {
  /** Worker threads (default: one per core the host reports, at least 1). */
  threads?: number;
  /** Kernel of the workers' copies (default `auto`). */
  kernel?: KernelChoice;
}

/** @internal What a worker starts with. */
export interface WorkerStart {
  readonly image: SharedArrayBuffer;
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
 * `queryBatch` on every core: worker threads that each hold a copy of an index (a snapshot taken
 * at {@link ParallelIndex.start}), each answering a contiguous share of a batch. The answers are
 * exactly the index's own `queryBatch` (same queries, ids, distances and order); resolve ids with
 * the index's `hashOf` and `metadataOf`, and do not change the index while this snapshot is used.
 * Memory: one copy of the index per thread.
 *
 * @example
 * ```ts
 * const parallel = await ParallelIndex.start(index, { threads: 2 });
 * const batch = await parallel.queryBatch(uploadHashes, { maxDistance: 31 });
 * await parallel.close();
 * ```
 */
export class ParallelIndex {
  readonly algorithm: string;
  readonly bits: number;
  readonly #slots: Slot[];
  #next = 0;
  #closed = false;

  private constructor(algorithm: string, bits: number, slots: Slot[]) {
    this.algorithm = algorithm;
    this.bits = bits;
    this.#slots = slots;
  }

  /** Starts the worker threads, each loading a copy of `index`; resolves when all are ready. */
  static async start(
    index: FlatIndex | MihIndex,
    options: ParallelIndexOptions = {},
  ): Promise<ParallelIndex> {
    const threads = options.threads ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw invalidArgument('an integer from 1 to 256', 'threads', threads);
    }
    const kernel = options.kernel ?? 'auto';
    // The file image once, in memory every worker reads (each decodes its own copy from it).
    const chunks = encodeIndexChunks(index);
    const image = new SharedArrayBuffer(chunks.reduce((n, c) => n + c.length, 0));
    const view = new Uint8Array(image);
    let at = 0;
    for (const c of chunks) {
      view.set(c, at);
      at += c.length;
    }
    const workerData: WorkerStart = { image, kernel };
    const slots: Slot[] = [];
    try {
      for (let t = 0; t < threads; t++) slots.push(await startSlot(workerData));
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    return new ParallelIndex(index.algorithm, index.bits, slots);
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

  /** Stops the worker threads. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #check(hash: Hash): void {
    checkIndexHash(hash, this.algorithm, this.bits);
  }
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
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
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
