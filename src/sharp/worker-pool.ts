/**
 * Worker threads for the pixel work (decoding is already in libvips' threads; hashing, and the
 * dozen variant hashes a matching method computes, are JavaScript and WebAssembly that would
 * otherwise run on the caller's event loop). One shared pool serves `hashImage`, `matchImage`,
 * `hashFiles`, `matchFiles` and `knownImageEntries`; it starts its threads on first use and does
 * not keep the process alive while idle.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type ErrorCode,
  type ErrorLocation,
  ImprintError,
  invalidArgument,
  toImprintError,
} from '../core/errors.js';
import { loaderArgv } from '../node/worker-argv.js';
import type { ImageInput } from './decode.js';
import { readImageInput } from './decode.js';
import { type Job, type JobDecodeOptions, type JobInput, type JobResult, runJob } from './jobs.js';

/** Options for {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads. Default: the number of CPU cores (`os.availableParallelism()`). */
  size?: number;
  /**
   * Jobs one worker takes at once. Default 2: one image is decoded (in libvips' threads) while the
   * worker hashes another.
   */
  jobsPerWorker?: number;
  /**
   * Run the worker threads at a lower scheduling priority (nice +10 on Linux; elsewhere normal),
   * so that when the pool keeps every core busy the caller's event loop still gets the CPU first.
   * Default true: on `npm run bench:server` the server's event-loop delay p99 with 4 uploads in
   * flight was 0.7-0.9x the idle server's own, against 1.5-4.2x at normal priority, at the same
   * throughput. `false` keeps the threads at the process's priority.
   */
  lowPriority?: boolean;
}

/** Where the pixel work of a call runs: the shared pool (default), a pool of your own, or `false` (this thread). */
export type WorkersOption = boolean | WorkerPool;

/** Messages between the pool and its workers (a worker says `ready` once its code is loaded). */
export type ToWorker = { readonly id: number; readonly job: Job } | { readonly cancel: number };
export type FromWorker =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** An ImprintError as it crosses a thread boundary (its code, message and location are kept). */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly location?: ErrorLocation;
}

/** An ImprintError in a form that survives structured cloning. */
export function serializeError(err: ImprintError): SerializedError {
  return err.location
    ? { code: err.code, message: err.message, location: err.location }
    : { code: err.code, message: err.message };
}

/** The same ImprintError on this side: same code, message and location. */
export function deserializeError(e: SerializedError): ImprintError {
  const err = new ImprintError(e.code, e.message); // the message already names the location
  if (e.location) Object.defineProperty(err, 'location', { value: e.location, enumerable: true });
  return err;
}

interface Pending {
  readonly id: number;
  readonly job: Job;
  readonly transfer: ArrayBuffer[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: ImprintError) => void;
  readonly signal: AbortSignal | undefined;
  onAbort?: () => void;
  slot?: Slot;
}

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Pending>;
  /** Jobs still running in the worker, including ones the caller stopped waiting for (aborted). */
  busy: number;
  /** The worker has loaded its code and said so: jobs go only to ready workers. */
  ready: boolean;
}

/**
 * A pool of worker threads that decode and hash images. Most callers never make one: the calls
 * of `imprint/sharp` use a shared pool sized to the cores (see {@link configureWorkers}). Make
 * your own to give some work its own threads, and pass it as `workers`.
 *
 * @example
 * ```ts
 * import { WorkerPool, hashImage } from 'imprint/sharp';
 * const pool = new WorkerPool({ size: 2 });
 * const { hashes } = await hashImage(upload, { workers: pool });
 * await pool.close();
 * ```
 */
export class WorkerPool {
  readonly size: number;
  readonly jobsPerWorker: number;
  readonly lowPriority: boolean;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    const perWorker = options.jobsPerWorker ?? 2;
    if (!Number.isInteger(size) || size < 1) throw invalidArgument('a positive integer', 'size', size);
    if (!Number.isInteger(perWorker) || perWorker < 1)
      throw invalidArgument('a positive integer', 'jobsPerWorker', perWorker);
    this.size = size;
    this.jobsPerWorker = perWorker;
    this.lowPriority = options.lowPriority ?? true;
  }

  /** Worker threads running now (they start on demand, up to {@link WorkerPool.size}). */
  get threads(): number {
    return this.#slots.length;
  }

  /**
   * Runs a job in a worker. `transfer` lists buffers moved (not copied) to the worker: the caller
   * must not use them afterwards. Aborting `signal` rejects at once with ERR_ABORTED (the worker
   * is told to stop the decode).
   */
  run<J extends Job>(
    job: J,
    options: { transfer?: ArrayBuffer[]; signal?: AbortSignal } = {},
  ): Promise<JobResult<J>> {
    if (this.#closed)
      return Promise.reject(new ImprintError('ERR_INVALID_ARGUMENT', 'The worker pool is closed'));
    return new Promise<JobResult<J>>((resolve, reject) => {
      const pending: Pending = {
        id: this.#nextId++,
        job,
        transfer: options.transfer ?? [],
        resolve: resolve as (value: unknown) => void,
        reject,
        signal: options.signal,
      };
      if (options.signal) {
        if (options.signal.aborted) return reject(abortedError(job));
        pending.onAbort = () => this.#abort(pending);
        options.signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  /** Stops the workers; jobs not finished reject with ERR_ABORTED. The pool cannot be used again. */
  async close(): Promise<void> {
    this.#closed = true;
    const queued = this.#queue.splice(0);
    for (const p of queued) this.#settle(p, abortedError(p.job, 'The worker pool was closed'));
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      for (const p of slot.jobs.values()) this.#settle(p, abortedError(p.job, 'The worker pool was closed'));
    }
    // Referenced again while they stop: an idle (unreferenced) worker's exit would not keep the
    // event loop alive long enough for this promise to settle.
    await Promise.all(
      slots.map((s) => {
        s.worker.removeAllListeners('message'); // a late answer must not unreference it again
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#readySlot();
      if (!slot) {
        this.#grow();
        return; // the next ready worker or answer dispatches again
      }
      // More work than the running workers take without doubling up: start another for what follows.
      if (slot.busy > 0) this.#grow();
      const pending = this.#queue.shift()!;
      pending.slot = slot;
      slot.jobs.set(pending.id, pending);
      slot.busy++;
      slot.worker.ref(); // a job in flight keeps the process alive until it answers
      const message: ToWorker = { id: pending.id, job: pending.job };
      try {
        slot.worker.postMessage(message, pending.transfer);
      } catch (err) {
        // Something in the job cannot be cloned (a function among the options, ...).
        slot.busy--;
        if (slot.busy === 0) slot.worker.unref();
        this.#settle(
          pending,
          new ImprintError(
            'ERR_INVALID_ARGUMENT',
            `Cannot send the job to a worker: ${(err as Error).message}`,
            { cause: err },
          ),
        );
      }
    }
  }

  /**
   * The least busy ready worker with room. Jobs are never bound to a worker still starting (under
   * load, loading its code can take seconds): they wait in the queue for whichever is ready first.
   */
  #readySlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.#slots) {
      if (s.ready && s.busy < this.jobsPerWorker && (!best || s.busy < best.busy)) best = s;
    }
    return best;
  }

  /** Starts a worker when the pool may grow and the workers starting do not cover the queue. */
  #grow(): void {
    const starting = this.#slots.filter((s) => !s.ready).length;
    if (this.#slots.length >= this.size || starting * this.jobsPerWorker >= this.#queue.length) return;
    try {
      this.#startWorker();
    } catch (err) {
      // No worker can start here (the entry file is missing): every waiting job fails with why.
      if (this.#slots.length === 0)
        for (const p of this.#queue.splice(0)) this.#settle(p, toImprintError(err));
    }
  }

  #startWorker(): Slot {
    const worker = spawnWorker(this.lowPriority); // referenced while it starts: jobs are waiting for it
    const slot: Slot = { worker, jobs: new Map(), busy: 0, ready: false };
    worker.on('message', (message: FromWorker) => {
      if ('ready' in message) {
        slot.ready = true;
        if (slot.busy === 0) worker.unref();
        this.#dispatch();
        return;
      }
      slot.busy--;
      if (slot.busy === 0) worker.unref(); // idle: let the process exit
      const pending = slot.jobs.get(message.id);
      if (pending) {
        if (message.ok) this.#settle(pending, undefined, message.value);
        else this.#settle(pending, deserializeError(message.error));
      }
      this.#dispatch();
    });
    const fail = (err: unknown): void => {
      // A worker that died: its jobs fail, the next job starts a fresh one. One that could not
      // start: the jobs waiting for it fail too (the next would not start either).
      this.#slots = this.#slots.filter((s) => s !== slot);
      const message = err instanceof Error ? err.message : `exited with code ${String(err)}`;
      const failed = new ImprintError('ERR_INTERNAL', `A worker thread failed: ${message}`, { cause: err });
      for (const p of slot.jobs.values()) this.#settle(p, failed);
      slot.jobs.clear();
      if (!slot.ready && !this.#slots.some((s) => s.ready)) {
        for (const p of this.#queue.splice(0)) this.#settle(p, failed);
      }
      this.#dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.#slots.includes(slot)) fail(code);
    });
    this.#slots.push(slot);
    return slot;
  }

  #abort(pending: Pending): void {
    const queued = this.#queue.indexOf(pending);
    if (queued >= 0) this.#queue.splice(queued, 1);
    else if (pending.slot) {
      const cancel: ToWorker = { cancel: pending.id };
      pending.slot.worker.postMessage(cancel); // the worker answers later; its slot stays busy until then
    }
    this.#settle(pending, abortedError(pending.job));
  }

  #settle(pending: Pending, error: ImprintError | undefined, value?: unknown): void {
    pending.slot?.jobs.delete(pending.id);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }
}

/** ERR_ABORTED as decodeImage words it, naming the file when the input is one. */
function abortedError(job: Job, message = 'Aborted'): ImprintError {
  return new ImprintError(
    'ERR_ABORTED',
    message,
    typeof job.input === 'string' ? { location: { source: job.input } } : {},
  );
}

/**
 * The worker's entry file. Built: `dist/sharp/worker.js` (this module may be bundled into
 * `dist/sharp/`, `dist/cli/` or a shared chunk in `dist/`). From source (tests): worker.ts,
 * loaded through tsx, which compiles TypeScript on the fly.
 */
function spawnWorker(lowPriority: boolean): Worker {
  const workerData = { lowPriority };
  const here = import.meta.url;
  // Only the module-loading flags: V8 and process-wide ones (--expose-gc, --input-type) are
  // refused in a worker's execArgv.
  const execArgv = loaderArgv(process.execArgv);
  if (here.endsWith('.ts')) {
    const entry = new URL('./worker.ts', here).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, execArgv, workerData });
  }
  for (const candidate of ['./worker.js', '../sharp/worker.js', './sharp/worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return new Worker(url, { execArgv, workerData });
  }
  throw new ImprintError(
    'ERR_UNSUPPORTED_ENVIRONMENT',
    `imprint's worker entry (sharp/worker.js) is not beside ${fileURLToPath(here)}: was imprint bundled? Pass workers: false, or configureWorkers(false)`,
  );
}

let sharedOptions: WorkerPoolOptions | false = process.env.IMPRINT_WORKERS === '0' ? false : {};
let shared: WorkerPool | undefined;

/**
 * Sets up the shared pool the calls of `imprint/sharp` use unless told otherwise: `false` runs
 * the pixel work in the calling thread, options size the pool (default: one thread per core).
 * Takes effect for the next job; a running pool is closed. The environment variable
 * `IMPRINT_WORKERS=0` starts a process with `false`.
 *
 * @example
 * ```ts
 * import { configureWorkers } from 'imprint/sharp';
 * configureWorkers({ size: 2 }); // two threads for imprint, the other cores for the rest
 * configureWorkers(false);       // everything in the calling thread
 * ```
 */
export function configureWorkers(options: WorkerPoolOptions | false): void {
  if (options !== false) new WorkerPool(options); // validates
  const previous = shared;
  shared = undefined;
  sharedOptions = options;
  void previous?.close();
}

/**
 * Closes the shared pool's threads (they are not keeping the process alive when idle, so this is
 * only needed to free them at once). The next call starts a new pool.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', async () => { server.close(); await closeWorkers(); });
 * ```
 */
export async function closeWorkers(): Promise<void> {
  const previous = shared;
  shared = undefined;
  await previous?.close();
}

/** The pool a call with `workers` uses, or undefined for the calling thread. */
export function poolFor(workers: WorkersOption | undefined): WorkerPool | undefined {
  if (workers instanceof WorkerPool) return workers;
  if (workers === false || (workers === undefined && sharedOptions === false)) return undefined;
  shared ??= new WorkerPool(sharedOptions === false ? {} : sharedOptions);
  return shared;
}

/** Options every pooled call takes. */
export interface PooledOptions {
  /**
   * Where the decoding and hashing run: the shared worker pool (default; see
   * {@link configureWorkers}), a {@link WorkerPool} of your own, or `false` for the calling thread.
   */
  workers?: WorkersOption;
  signal?: AbortSignal;
}

/**
 * Runs a job for `input` where `workers` says. A path is read in the worker; a stream is read
 * here into a buffer of our own, which is then moved (transferred) to the worker; a caller's
 * buffer is copied once (it is never detached under the caller).
 */
export async function execute<J extends Job>(
  input: ImageInput,
  make: (input: JobInput) => J,
  decode: JobDecodeOptions & PooledOptions,
): Promise<JobResult<J>> {
  const { workers, signal } = decode;
  const pool = poolFor(workers);
  if (!pool)
    return runJob(make(typeof input === 'string' ? input : await readImageInput(input, decode)), signal);
  // Our own exact-size copy (one copy, as cloning would make) is moved, never the caller's buffer;
  // a stream is read into a buffer of our own and moved as it is.
  let bytes: Uint8Array | undefined;
  if (typeof input !== 'string') {
    const read = await readImageInput(input, decode);
    bytes = read === input || read.buffer === input ? new Uint8Array(read) : read;
  }
  const jobInput: JobInput = bytes ?? (input as string);
  const transfer =
    bytes &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
      ? [bytes.buffer]
      : [];
  return pool.run(make(jobInput), { transfer, ...(signal ? { signal } : {}) });
}
