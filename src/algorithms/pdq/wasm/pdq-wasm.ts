/**
 * Runs PDQ's pixel work in the WebAssembly SIMD kernel (`pdq.wat`), which matches the JS
 * definition in `../pdq-pixels.ts` bit for bit. One instance per thread (module state is per
 * worker), created on first use.
 *
 * Memory: the kernel streams the image through in chunks of rows, so what it needs grows with the
 * image's width (a few dozen rows), not its area: about 1 MB for a 1024x768 photo. WebAssembly
 * memory cannot shrink, so an instance that had to grow past {@link PDQ_WASM_KEEP_BYTES} (a very
 * wide image) is dropped after that call and a small one is made for the next image.
 */
import type { PixelImage } from '../../../core/pixels.js';
import { growMemory, lazyWasmModule, WASM_PAGE_BYTES } from '../../../core/wasm.js';
import { DCT_MATRIX, type PdqPixelResult } from '../pdq-pixels.js';
import { PDQ_WASM_BASE64 } from './pdq-bytes.js';

/** Memory an instance may keep between images; a bigger one is released after use. */
export const PDQ_WASM_KEEP_BYTES: number = 32 * 1024 * 1024;

const MAX_BYTES = 65536 * WASM_PAGE_BYTES; // wasm32's 4 GiB
/** Pixel bytes copied in per call: large enough to amortise the call, small enough for L2. */
const CHUNK_BYTES = 192 * 1024;
// Fixed addresses in the kernel's memory (see pdq.wat).
const DCT_AT = 0;
const DCT_T_AT = 4096;
const RESULT_AT = 28672;
const FIRST_FREE = 32768;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  setup(width: number, height: number, channels: number, chunkRows: number): number;
  pixels(): number;
  rows(y0: number, y1: number): void;
  finish(): number;
}

let current: KernelExports | undefined;

/** The compiled module, or null where WebAssembly or its SIMD extension is missing (the JS path takes over). */
const wasmModule = lazyWasmModule(PDQ_WASM_BASE64);

/**
 * True when PDQ's WebAssembly SIMD kernel can run here (otherwise `pdqHash` uses plain JS, with
 * the same results, several times slower).
 *
 * @example
 * ```ts
 * if (!pdqWasmAvailable()) console.warn('PDQ runs without WebAssembly SIMD here: slower');
 * ```
 */
export function pdqWasmAvailable(): boolean {
  return wasmModule() !== null;
}

/** Bytes of memory this thread's kernel instance holds now (0 when it has none). */
export function pdqWasmMemoryBytes(): number {
  return current ? current.memory.buffer.byteLength : 0;
}

function kernel(module: WebAssembly.Module): KernelExports {
  if (current) return current;
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  // The host computes the DCT matrix (Math.cos) once, so both paths multiply by the same floats.
  const view = new Float32Array(exports.memory.buffer);
  view.set(DCT_MATRIX, DCT_AT / 4);
  for (let i = 0; i < 16; i++) {
    for (let k = 0; k < 64; k++) view[DCT_T_AT / 4 + k * 16 + i] = DCT_MATRIX[i * 64 + k]!;
  }
  current = exports;
  return exports;
}

/**
 * PDQ's DCT block and quality computed by the WebAssembly kernel, or null when it cannot run here
 * (no WebAssembly SIMD, or the image needs more than its 4 GiB of memory). The caller has checked
 * the image (both sides >= 5 px) and applied any squash.
 */
export function pdqPixelsWasm(image: PixelImage): PdqPixelResult | null {
  const module = wasmModule();
  if (!module) return null;
  const { width, height, channels } = image;
  const rowBytes = width * channels;
  const chunkRows = Math.max(16, Math.floor(CHUNK_BYTES / rowBytes / 16) * 16); // bands are 16 rows
  // The kernel lays its buffers out with i32 arithmetic: refuse sizes that could overflow it.
  const rowFloats = Math.ceil(width / 4) * 16;
  const windowRows = Math.floor((height + 127) / 128) + 32;
  const bound =
    FIRST_FREE + chunkRows * rowBytes + 64 + rowFloats * (3 * 16 + 2 + windowRows) + (height + 16) * 256 + 64;
  if (bound > MAX_BYTES) return null;

  const k = kernel(module);
  const need = k.setup(width, height, channels, chunkRows) >>> 0;
  if (!growMemory(k.memory, need)) return null; // the host refused the memory
  const memory = new Uint8Array(k.memory.buffer);
  const data =
    image.data instanceof Uint8Array
      ? image.data
      : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const at = k.pixels();
  for (let y0 = 0; y0 < height; y0 += chunkRows) {
    const y1 = Math.min(height, y0 + chunkRows);
    memory.set(data.subarray(y0 * rowBytes, y1 * rowBytes), at);
    k.rows(y0, y1);
  }
  const quality = k.finish();
  const dct = new Float32Array(k.memory.buffer, RESULT_AT, 256).slice();
  if (k.memory.buffer.byteLength > PDQ_WASM_KEEP_BYTES) current = undefined;
  return { dct, quality };
}
