/**
 * A worker thread of a {@link ParallelIndex} (parallel-index.ts): loads its copy of the index from
 * the shared file image once, then answers the batches it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toImprintError } from '../core/errors.js';
import { decodeIndex } from '../matching/index-format.js';
import { unpackHash, wordsFor } from '../matching/packed.js';
import type { BatchJob, BatchReply, WorkerStart } from './parallel-index.js';

const start = workerData as WorkerStart;
const port = parentPort!;
try {
  const index = decodeIndex(new Uint8Array(start.image), { kernel: start.kernel });
  const hw = wordsFor(index.bits);
  port.on('message', (job: BatchJob) => {
    let reply: BatchReply;
    try {
      const hashes = [];
      for (let i = 0; i < job.words.length / hw; i++)
        hashes.push(unpackHash(index.algorithm, index.bits, job.words, i * hw));
      const b = index.queryBatch(hashes, job.options);
      reply = { id: job.id, queries: b.queries, ids: b.ids, distances: b.distances };
      port.postMessage(reply, [b.queries.buffer, b.ids.buffer, b.distances.buffer] as ArrayBuffer[]);
    } catch (e) {
      const err = toImprintError(e);
      port.postMessage({ id: job.id, error: { code: err.code, message: err.message } } satisfies BatchReply);
    }
  });
  port.postMessage({ ready: true });
} catch (e) {
  const err = toImprintError(e);
  port.postMessage({ ready: false, error: { code: err.code, message: err.message } });
}
