/**
 * A worker thread of a {@link ParallelIndex} (parallel-index.ts): loads its indexes once (a copy
 * decoded from a shared file image, or a shard's index file), then answers the batches it is
 * sent. With several shards, or a map to the index's ids, it answers in the index's ids, each
 * query's matches merged nearest first, ties by id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toImprintError } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import { decodeIndex, type LoadedIndex } from '../matching/index-format.js';
import { unpackHash, wordsFor } from '../matching/packed.js';
import { BatchBuilder, KeyList, keyDistance, keyId } from '../matching/results.js';
import type { BatchMatches, QueryOptions } from '../matching/types.js';
import { loadIndex } from './index-file.js';
import type { BatchJob, BatchReply, WorkerStart } from './parallel-index.js';

const start = workerData as WorkerStart;
const port = parentPort!;

interface Held {
  readonly index: LoadedIndex<unknown>;
  readonly globalIds: Uint32Array | undefined;
}

function answer(held: readonly Held[], hashes: readonly Hash[], options: QueryOptions): BatchMatches {
  if (held.length === 1 && !held[0]!.globalIds) return held[0]!.index.queryBatch(hashes, options);
  const perQuery = hashes.map(() => new KeyList());
  for (const { index, globalIds } of held) {
    const b = index.queryBatch(hashes, options);
    for (let i = 0; i < b.length; i++) {
      const id = globalIds ? globalIds[b.ids[i]!]! : b.ids[i]!;
      perQuery[b.queries[i]!]!.push(id, b.distances[i]!);
    }
  }
  const out = new BatchBuilder();
  perQuery.forEach((keys, q) => {
    for (const key of keys.sorted()) out.push(q, keyId(key), keyDistance(key));
  });
  return out.finish();
}

try {
  const held: Held[] = [];
  for (const shard of start.shards) {
    const index = shard.image
      ? decodeIndex(new Uint8Array(shard.image), { kernel: start.kernel })
      : await loadIndex(shard.path!, { kernel: start.kernel });
    held.push({ index, globalIds: shard.globalIds });
  }
  const { algorithm, bits } = held[0]!.index;
  const hw = wordsFor(bits);
  port.on('message', (job: BatchJob) => {
    let reply: BatchReply;
    try {
      const hashes = [];
      for (let i = 0; i < job.words.length / hw; i++)
        hashes.push(unpackHash(algorithm, bits, job.words, i * hw));
      const b = answer(held, hashes, job.options);
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
