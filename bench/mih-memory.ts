/**
 * What bench/kernel-ab.ts and bench/mih-phases.ts share: a MIH index of `n` random 256-bit hashes
 * (the `bench:match` list) copied into one WebAssembly memory, matching kernels assembled from
 * kernel.wat text and instantiated on that memory, and one timed query through a kernel's `mih`.
 * Not part of `npm test`.
 */
import initWabt from 'wabt';
import type { Hash } from '../src/core/hash.js';
import { randomMatchData } from '../src/eval/match-bench.js';
import { radiiFor } from '../src/matching/layout.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { packHash, unpackHash } from '../src/matching/packed.js';
import { CAND_CAP, OUT_CAP, RANGE_CAP, scratchAt } from '../src/matching/scratch.js';

/** The kernel exports these tools call (`phase` only in mih-phases.ts's edited kernel). */
export interface MihKernel {
  configure(...args: number[]): void;
  mih(...args: number[]): number;
  phase?(p: number): void;
}

/** The shared index, its memory and the addresses the kernels read. */
export interface MihMemory {
  readonly index: MihIndex<unknown>;
  readonly queries: Hash[];
  readonly layout: ReturnType<MihIndex<unknown>['stats']>['substrings'];
  readonly image: ReturnType<MihIndex<unknown>['serialise']>;
  readonly memory: WebAssembly.Memory;
  readonly sc: ReturnType<typeof scratchAt>;
  readonly desc: number;
  readonly u32: Uint32Array;
  readonly radii: ReturnType<typeof radiiFor>;
}

/** A MIH index of `n` random hashes at radius 31 in one memory, and 1,000 queries with planted matches. */
export function mihInOneMemory(n: number): MihMemory {
  const data = randomMatchData(n, 256, 1000, 31, 1, 4);
  const queries = Array.from({ length: 1000 }, (_, i) => unpackHash('bench', 256, data.queries, i * 8));
  const index = new MihIndex<unknown>({
    algorithm: 'bench',
    bits: 256,
    kernel: 'wasm',
    defaultMaxDistance: 31,
  });
  index.addPacked(data.list);
  const layout = index.stats().substrings;
  const image = index.serialise();
  const bytes = image.packed.buffer.byteLength;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: 65536 });
  new Uint8Array(memory.buffer).set(new Uint8Array(image.packed.buffer, 0, bytes));
  // The index's own addresses (packed-index.ts): scratch at 64, descriptors after it.
  const sc = scratchAt(64, 32);
  const desc = Math.ceil(sc.end / 64) * 64;
  const u32 = new Uint32Array(memory.buffer);
  const radii = radiiFor(layout.length, 31);
  u32.set(radii, sc.radii >>> 2);
  return { index, queries, layout, image, memory, sc, desc, u32, radii };
}

/** kernel.wat text (`name` for its errors) assembled with wabt, instantiated on the shared memory. */
export async function kernelOn(shared: MihMemory, name: string, wat: string): Promise<MihKernel> {
  const wabt = await initWabt();
  const parsed = wabt.parseWat(name, wat, {});
  const binary = new Uint8Array(parsed.toBinary({}).buffer) as Uint8Array<ArrayBuffer>;
  parsed.destroy();
  const k = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory: shared.memory } })
    .exports as unknown as MihKernel;
  k.configure(shared.image.packed.byteOffset, 32, shared.desc, shared.layout.length);
  return k;
}

/** One query through the kernel at radius 31: its hits and its wall time in ms. */
export function timedQuery(k: MihKernel, shared: MihMemory, q: Hash): { hits: number; ms: number } {
  const { sc, u32 } = shared;
  packHash(q, u32, sc.q >>> 2);
  const t = performance.now();
  const hits = k.mih(
    sc.q,
    31,
    sc.radii,
    sc.cand,
    CAND_CAP,
    sc.ranges,
    RANGE_CAP,
    0x7fffffff,
    sc.outIds,
    sc.outDist,
    OUT_CAP,
  );
  return { hits, ms: performance.now() - t };
}
