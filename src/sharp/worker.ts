/**
 * The worker thread of {@link WorkerPool} (worker-pool.ts): runs the jobs it is sent (jobs.ts) and
 * answers each with its result or its error (code, message and location kept).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { toImprintError } from '../core/errors.js';
import { runJob } from './jobs.js';
import { type FromWorker, serializeError, type ToWorker } from './worker-pool.js';

const port = parentPort;
if (!port) throw new Error('imprint: worker.js runs as a worker thread only');
const running = new Map<number, AbortController>();

if ((workerData as { lowPriority?: boolean } | undefined)?.lowPriority) {
  try {
    // Linux: this thread's own id, whose nice value setpriority() changes alone.
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
  } catch {
    // elsewhere: normal priority
  }
}

port.on('message', (message: ToWorker) => {
  if ('cancel' in message) {
    running.get(message.cancel)?.abort();
    return;
  }
  const { id, job } = message;
  const controller = new AbortController();
  running.set(id, controller);
  runJob(job, controller.signal).then(
    (value) => reply({ id, ok: true, value }),
    (err: unknown) => reply({ id, ok: false, error: serializeError(toImprintError(err)) }),
  );
  function reply(answer: FromWorker): void {
    running.delete(id);
    port!.postMessage(answer);
  }
});

// Loaded and listening: the pool may send jobs.
const ready: FromWorker = { ready: true };
port.postMessage(ready);
