/**
 * The nearest-descriptor search of `correspond` in the WebAssembly kernel (`nearest.wat`): for
 * each upload descriptor, the distance to the nearest known descriptor, to the second nearest, and
 * which known one is nearest, the same numbers as the JS definition (`correspondReference` in
 * ../correspond.ts) gives. i64.popcnt counts 64 bits in one instruction where JS counts 32 with a
 * dozen; plain WebAssembly (no SIMD), so it runs wherever WebAssembly does. One instance per
 * thread, created on first use.
 *
 * Memory: the call copies both descriptor sets in (32 bytes a descriptor) and grows the memory to
 * fit them; an instance that had to grow past {@link NEAREST_WASM_KEEP_BYTES} (a huge set) is
 * dropped after that call and a small one is made for the next.
 */
import { growMemory, lazyWasmModule, WASM_PAGE_BYTES } from '../../core/wasm.js';
import { DESCRIPTOR_WORDS } from '../pattern.js';
import { NEAREST_WASM_BASE64 } from './nearest-bytes.js';

/** Memory an instance may keep between calls; a bigger one is released after use. */
export const NEAREST_WASM_KEEP_BYTES: number = 16 * 1024 * 1024;

const MAX_BYTES = 65536 * WASM_PAGE_BYTES; // wasm32's 4 GiB
const DESCRIPTOR_BYTES = DESCRIPTOR_WORDS * 4;
/** Bytes written per query: best, second, index (i32 each). */
const OUT_BYTES = 12;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  nearest(query: number, qn: number, known: number, kn: number, out: number): void;
}

/** The compiled module, or null with no WebAssembly here (correspond takes its JS path). */
const wasmModule = lazyWasmModule(NEAREST_WASM_BASE64);
let current: KernelExports | undefined;

/**
 * True when the nearest-descriptor kernel can run here (otherwise `correspond` runs its JS
 * definition, with the same results, several times slower).
 */
export function nearestWasmAvailable(): boolean {
  return wasmModule() !== null;
}

/** Bytes of memory this thread's kernel instance holds now (0 when it has none). */
export function nearestWasmMemoryBytes(): number {
  return current ? current.memory.buffer.byteLength : 0;
}

/**
 * For each of the first `queryCount` descriptors of `query`: best, second and index of the best
 * among the first `knownCount` of `known`, as three Int32 per query (best, second: 257 when there
 * is none; index: -1 when there is no known descriptor). Null when the kernel cannot run here (no
 * WebAssembly, or the host refused the memory); the caller then runs the JS definition.
 */
export function nearestWasm(
  query: Uint32Array,
  queryCount: number,
  known: Uint32Array,
  knownCount: number,
): Int32Array | null {
  const compiled = wasmModule();
  if (!compiled) return null;
  // Short arrays (never made here): the JS reads missing words as 0, which a copy would not.
  if (query.length < queryCount * DESCRIPTOR_WORDS || known.length < knownCount * DESCRIPTOR_WORDS)
    return null;
  // Known first (read once per query), then the queries, then what the kernel writes.
  const knownAt = 0;
  const queryAt = knownAt + knownCount * DESCRIPTOR_BYTES;
  const outAt = queryAt + queryCount * DESCRIPTOR_BYTES;
  const need = outAt + queryCount * OUT_BYTES;
  if (need > MAX_BYTES) return null;
  current ??= new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  const k = current;
  if (!growMemory(k.memory, need)) return null; // the host refused the memory
  const words = new Uint32Array(k.memory.buffer);
  words.set(known.subarray(0, knownCount * DESCRIPTOR_WORDS), knownAt / 4);
  words.set(query.subarray(0, queryCount * DESCRIPTOR_WORDS), queryAt / 4);
  k.nearest(queryAt, queryCount, knownAt, knownCount, outAt);
  const out = new Int32Array(k.memory.buffer, outAt, queryCount * 3).slice();
  if (k.memory.buffer.byteLength > NEAREST_WASM_KEEP_BYTES) current = undefined;
  return out;
}
