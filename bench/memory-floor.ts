/**
 * The memory floor of a scan: the time to read a list's bytes once and do nothing with them
 * (a WebAssembly SIMD loop that ORs every 16 bytes into four accumulators), on one thread and on
 * several worker threads each reading its own part of one shared memory. The flat scan reads
 * the same bytes once per pass of 8 queries, so its pass time over this is how far it is from
 * the floor. Assembled with wabt when the benchmark runs; nothing here is shipped.
 */
import { Worker } from 'node:worker_threads';
import initWabt from 'wabt';

const WAT = `(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; OR of every 16-byte block in [from, to) (to - from a multiple of 64): the bytes read once.
  (func (export "touch") (param $from i32) (param $to i32) (result i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $a (v128.or (local.get $a) (v128.load offset=0 (local.get $from))))
        (local.set $b (v128.or (local.get $b) (v128.load offset=16 (local.get $from))))
        (local.set $c (v128.or (local.get $c) (v128.load offset=32 (local.get $from))))
        (local.set $d (v128.or (local.get $d) (v128.load offset=48 (local.get $from))))
        (local.set $from (i32.add (local.get $from) (i32.const 64)))
        (br $next)))
    (i32x4.extract_lane 0
      (v128.or (v128.or (local.get $a) (local.get $b)) (v128.or (local.get $c) (local.get $d))))))`;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory } = workerData;
const touch = new WebAssembly.Instance(module, { env: { memory } }).exports.touch;
parentPort.on('message', ({ from, to, rounds }) => {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    touch(from, to);
    best = Math.min(best, performance.now() - t);
  }
  parentPort.postMessage(best);
});`;

/** A copy of `bytes` in shared WebAssembly memory, with a reader on 1..threads threads. */
export interface MemoryFloor {
  /** Bytes read per pass (the list's length rounded down to 64). */
  readonly bytes: number;
  /** Best-of-`rounds` ms to read the copy once on this thread. */
  oneThread(rounds: number): number;
  /** Ms to read the copy once split among `threads` workers: best of `rounds`, all started together. */
  threads(threads: number, rounds: number): Promise<number>;
}

export async function memoryFloor(bytes: Uint8Array): Promise<MemoryFloor> {
  const wabt = await initWabt();
  const parsed = wabt.parseWat('floor.wat', WAT, { simd: true, threads: true });
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  const module = await WebAssembly.compile(new Uint8Array(binary));
  const length = bytes.length - (bytes.length % 64);
  const pages = Math.max(1, Math.ceil(length / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Uint8Array(memory.buffer).set(bytes.subarray(0, length));
  const touch = new WebAssembly.Instance(module, { env: { memory } }).exports.touch as (
    from: number,
    to: number,
  ) => number;
  return {
    bytes: length,
    oneThread(rounds) {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < rounds; r++) {
        const t = performance.now();
        touch(0, length);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    },
    async threads(threads, rounds) {
      const workers = Array.from(
        { length: threads },
        () => new Worker(WORKER, { eval: true, workerData: { module, memory } }),
      );
      try {
        let best = Number.POSITIVE_INFINITY;
        const per = Math.ceil(length / 64 / threads) * 64;
        for (let r = 0; r < rounds; r++) {
          const t = performance.now();
          await Promise.all(
            workers.map(
              (w, i) =>
                new Promise<number>((resolve, reject) => {
                  w.once('message', resolve);
                  w.once('error', reject);
                  w.postMessage({ from: i * per, to: Math.min(length, (i + 1) * per), rounds: 1 });
                }),
            ),
          );
          best = Math.min(best, performance.now() - t);
        }
        return best;
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
  };
}
